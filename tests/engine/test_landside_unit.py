"""The landside stations on their own: a truck gate (RateStage), rail sidings forming trains
(TrainStage) and a rail link's train paths (RailLink), built from a model written by keyword
(no scenario file) on a :class:`StandaloneContext`, fed jobs by hand: exact times and tonnes.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from sim.engine.context import StandaloneContext
from sim.engine.landside import Landside, RailLink, RateStage, TrainStage, counter
from sim.engine.stations import weather_check
from sim.model.landside import LandsideOption, RailLinkSpec, StageSpec
from sim.model.operations import OperationsSpec
from sim.model.specs import CompiledModel, Itinerary

NONE = np.empty((0, 2))


def landside(*stages: StageSpec, headway_h: float = 1.0, ships: int = 2) -> Landside:
    """A landside of the given stages (each its own landside option) and one rail link."""
    options = tuple(
        LandsideOption(
            mode="rail" if spec.kind == "rail" else "road",
            share=1.0,
            stages=(i,),
            lines=((0,),) if spec.kind == "rail" else ((),),
            legs=(),
            label=spec.kind,
        )
        for i, spec in enumerate(stages)
    )
    model = CompiledModel(
        calendar=cast(Any, None),  # the landside reads no calendar, target or criteria
        classes=(),
        locks=(),
        terminals=(),
        groups=(),
        yards=(),
        flows=(),
        itineraries=(Itinerary((), (), (), (), 0.0, landside=options),),
        commodity_value_cny_per_t={},
        multiplier=1.0,
        working_factor=1.0,
        operations=OperationsSpec(),
        target=cast(Any, None),
        criteria=cast(Any, None),
        stages=stages,
        rail_links=(RailLinkSpec("L", headway_h),),
    )
    n = ships
    context = StandaloneContext([50.0] * n, [10.0] * n, [500.0] * n, [1000.0] * n, model=model)
    context.v_itin = [0] * n
    return Landside(context, {}, NONE, lambda *_: NONE)


def send(side: Landside, vessel: int, option: int, tonnes: float, ready_h: float) -> Any:
    job = side._job(vessel, option, tonnes, ready_h, False, -1)
    side.start(job, ready_h)
    return job


def gate(**kwargs: Any) -> StageSpec:
    return StageSpec("G", "gate", 0, rate_t_per_h=100.0, vehicle_t=25.0, place="T", **kwargs)


def test_a_gate_moves_its_rate_per_open_hour() -> None:
    side = landside(gate(hours_per_day=8.0, opens_at_h=6.0))
    stage = side.stages[0]
    assert isinstance(stage, RateStage)
    job = send(side, 0, 0, 250.0, 3.5)
    side.context.run()
    # woken on the hour after it is ready (4), closed until 6, then 100 t an hour
    assert list(stage.tick_h.array()) == [6.0, 7.0, 8.0]
    assert list(stage.moved_t.array()) == [100.0, 100.0, 50.0]
    assert list(stage.capacity_t.array()) == [100.0] * 3
    assert job.done_h == 9.0  # through at the end of the hour that moved its last tonnes


def test_a_gate_lane_down_takes_its_share_of_the_rate() -> None:
    side = landside(gate(lanes=2))
    spec = side.model.stages[0]
    stage = RateStage(side, spec, 0, None, counter(np.array([[6.0, 7.0]])), servers=2)
    side.stages[0] = stage
    job = send(side, 0, 0, 250.0, 6.0)
    side.context.run()
    assert list(stage.moved_t.array()) == [50.0, 100.0, 100.0]
    assert list(stage.capacity_t.array()) == [50.0, 100.0, 100.0]
    assert job.done_h == 9.0


def test_sidings_form_full_trains_or_wait_for_the_oldest_cargo() -> None:
    sidings = StageSpec(
        "R", "rail", 0, vehicle_t=1000.0, sidings=1, handling_h=2.0, max_wait_h=10.0, place="T"
    )
    side = landside(sidings)
    stage = side.stages[0]
    assert isinstance(stage, TrainStage)
    a = send(side, 0, 0, 1500.0, 0.0)
    b = send(side, 1, 0, 800.0, 1.0)
    side.context.run()
    # 0 h: a full train of a's cargo; 1 h: b's would fill the next but the one siding is busy;
    # 2 h: the siding is free, a's last 500 t and 500 t of b leave on a full train; b's last
    # 300 t wait max_wait_h from b's arrival (1 + 10 = 11 h) and go on a part-full train
    assert list(stage.t_start) == [0.0, 2.0, 11.0]
    assert list(stage.t_depart) == [2.0, 4.0, 13.0]
    assert list(stage.t_tonnes) == [1000.0, 1000.0, 300.0]
    # every train takes the link twice (laden, then back empty), one headway apart
    assert list(side.links[0].movements) == [2.0, 3.0, 4.0, 5.0, 13.0, 14.0]
    assert (a.done_h, b.done_h) == (4.0, 13.0)
    assert stage.busy == 0 and not any(stage.lines.values())


def test_a_rail_link_books_paths_one_headway_apart_around_closures() -> None:
    link = RailLink(RailLinkSpec("L", 1.5), weather_check(np.array([[3.0, 8.0]])))
    assert link.earliest(1.0) == 1.0
    link.book(1.0)  # laden at 1.0, back empty at 2.5: free again at 4.0
    assert link.earliest(2.0) == 8.0  # 4.0 falls in the closure
    link.book(8.0)
    assert link.earliest(9.0) == 11.0
    assert list(link.movements) == [1.0, 2.5, 8.0, 9.5]
