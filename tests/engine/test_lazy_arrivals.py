"""Vessels are drawn as the clock advances, not for the whole horizon up front: the blocks
change no number, a run gives the records of a feed of the whole horizon, and a run stopped by
an overflow after a few hours has drawn a few days of ships, not a year of them."""

from __future__ import annotations

import gc
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.engine import HubEnvironment, Overloaded, Records, simulate
from sim.engine.arrivals import Arrivals, ArrivalStream, draw_arrivals
from sim.engine.core import Engine
from sim.engine.invariants import check_invariants
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED = 11
#: every kind of arrival process, given in turn to the plan's streams
PROCESSES: list[dict[str, Any]] = [
    {"process": "poisson"},
    {"process": "erlang", "k": 3},
    {"process": "deterministic"},
    # widely spread gaps (cv > 1), so that a flow may need a second block of draws
    {"process": "empirical", "interarrival_h": [0.1, 0.2, 0.5, 1.0, 3.0, 9.0, 30.0]},
    {"process": "scheduled", "weekly_times_h": [1.5, 30.0, 30.0, 77.25, 120.0]},
]
FIELDS = ("entry_h", "flow", "vessel_class", "itinerary", "payload_t")


def _plan(days: float, *, low_water: bool = False) -> Scenario:
    """The 2028 plan (or its low-water variant) for ``days`` of 2028, its streams cycling
    through every kind of arrival process."""
    name = "huaian_2028_low_water_2019" if low_water else "huaian_2028_plan"
    document = load_scenario(ROOT / "scenarios" / f"{name}.yaml").model_dump(mode="json")
    document["run"].update({"start_year": 2028, "end_year": 2028, "horizon_days": days})
    demand = document["demand"]
    for i, flow in enumerate([*demand["streams"], *demand.get("through_traffic", [])]):
        flow["arrivals"] = PROCESSES[i % len(PROCESSES)]
    return Scenario.model_validate(document)


@pytest.fixture(scope="module")
def every_process() -> CompiledModel:
    return compile_scenario(_plan(30.0), multiplier=0.5)


def _in_blocks(model: CompiledModel, block_vessels: int, seed: int = SEED) -> Arrivals:
    """Every vessel, taken in uneven blocks of about ``block_vessels``."""
    stream = ArrivalStream(model, seed=seed, replication=2, block_vessels=block_vessels)
    cuts = np.random.default_rng(block_vessels).uniform(0.05, 2.5, 100_000)
    parts, until_h = [], 0.0
    for cut in cuts:
        if stream.exhausted:
            break
        until_h += stream.step_h * cut
        parts.append(stream.take(until_h))
    assert stream.exhausted
    return Arrivals(*(np.concatenate([getattr(p, f) for p in parts]) for f in FIELDS))


def _assert_same_arrivals(a: Arrivals, b: Arrivals) -> None:
    for field in FIELDS:
        left, right = getattr(a, field), getattr(b, field)
        assert left.dtype == right.dtype, field
        np.testing.assert_array_equal(left, right, err_msg=field)


def test_blocks_change_no_number_for_any_arrival_process(every_process: CompiledModel) -> None:
    whole = ArrivalStream(every_process, seed=SEED, replication=2).take(math.inf)
    assert len(whole.entry_h) > 5_000
    assert (np.diff(whole.entry_h) >= 0).all()
    assert {f.arrivals.process for f in every_process.flows} == {p["process"] for p in PROCESSES}
    for block_vessels in (3, 97, 4096, 10**9):
        _assert_same_arrivals(_in_blocks(every_process, block_vessels), whole)
    _assert_same_arrivals(draw_arrivals(every_process, seed=SEED, replication=2), whole)


def test_the_counts_made_up_front_are_those_drawn(every_process: CompiledModel) -> None:
    stream = ArrivalStream(every_process, seed=SEED, replication=2)
    whole = stream.take(math.inf)
    assert stream.exhausted and stream.total == len(whole.entry_h)
    counts = np.bincount(whole.itinerary, minlength=len(every_process.itineraries))
    np.testing.assert_array_equal(stream.itinerary_counts, counts)
    assert len(stream.take(math.inf).entry_h) == 0  # nothing left


def test_low_water_payloads_are_the_same_in_blocks() -> None:
    # 250 days of 2028 reach into the low water (August to November): payloads cut by draught
    model = compile_scenario(_plan(250.0, low_water=True), multiplier=0.2)
    assert model.low_water
    whole = draw_arrivals(model, seed=SEED, replication=2)
    _assert_same_arrivals(_in_blocks(model, 997), whole)


def _run(model: CompiledModel, block_vessels: int) -> Records:
    """A replication as ``simulate`` runs it, its vessels drawn in blocks of about
    ``block_vessels`` (10**9: the whole horizon at the start, as a feed of the whole horizon)."""
    env = HubEnvironment()
    stream = ArrivalStream(model, seed=SEED, replication=0, block_vessels=block_vessels)
    engine = Engine(model, SEED, 0, stream, env)
    env.attach(engine)
    engine.feed()
    overload = None
    try:
        env.run(until=model.calendar.horizon_h)
    except Overloaded as error:
        overload = error.with_traceback(None)
    events = engine.scheduled - len(engine.queue) + engine.simpy_events
    records = engine.records(events, 0.0, overload)
    records.invariants = check_invariants(engine, records)
    return records


GROUPS = ("vessels", "passages", "lockages", "yard_levels", "jobs", "stage_hours", "trains")


@pytest.fixture(scope="module")
def minimal() -> CompiledModel:
    """One berth, one stream: the stations' need of arrivals drives the draws (in the plan,
    the cargo released to the terminals days before its ship does)."""
    return compile_scenario(load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml"))


@pytest.fixture(scope="module")
def weekly() -> CompiledModel:
    """The minimal scenario with a second stream calling twice a week at its own berths: the
    draws must reach days ahead for it while the other stream's ships come every few hours."""
    document = load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml").model_dump(
        mode="json"
    )
    quay = document["terminals"]["QUAY"]
    quay["berths"].append({**quay["berths"][0], "id": "B2", "commodities": ["GRAIN"]})
    stream = document["demand"]["streams"][0]
    document["demand"]["streams"].append(
        {
            **stream,
            "id": "GRAIN_IN",
            "commodity": "GRAIN",
            "vessels_per_day": None,
            "annual_t": 150_000,
            "arrivals": {"process": "scheduled", "weekly_times_h": [10.0, 100.0]},
        }
    )
    return compile_scenario(Scenario.model_validate(document))


@pytest.mark.parametrize("name", ["every_process", "minimal", "weekly"])
def test_a_run_drawn_in_blocks_gives_the_records_of_a_feed_of_the_whole_horizon(
    name: str, request: pytest.FixtureRequest
) -> None:
    model = request.getfixturevalue(name)
    whole = _run(model, 10**9)
    assert whole.overload is None and len(whole.vessels["entry_h"]) > 1_000
    for block_vessels in (1, 50, 3_000):
        blocks = _run(model, block_vessels)
        for group in (*GROUPS, "rail_movements"):
            left, right = getattr(whole, group), getattr(blocks, group)
            assert left.keys() == right.keys()
            for column in left:
                np.testing.assert_array_equal(left[column], right[column], f"{group}.{column}")
        assert (blocks.events, blocks.logical_events, blocks.end_h) == (
            whole.events,
            whole.logical_events,
            whole.end_h,
        )
        assert blocks.invariants == whole.invariants


def test_an_overflowing_run_stops_alike_and_records_what_it_drew() -> None:
    model = compile_scenario(_plan(60.0), multiplier=4.0)
    whole, blocks = _run(model, 10**9), _run(model, 500)
    assert whole.overload is not None and blocks.overload is not None
    assert str(blocks.overload) == str(whole.overload)
    assert (blocks.events, blocks.logical_events, blocks.end_h) == (
        whole.events,
        whole.logical_events,
        whole.end_h,
    )
    for group in ("passages", "lockages", "yard_levels", "stage_hours", "trains"):
        for column, values in getattr(whole, group).items():
            np.testing.assert_array_equal(values, getattr(blocks, group)[column], column)
    # the vessels drawn are the first of the horizon's, every one that entered by the stop
    drawn = len(blocks.vessels["entry_h"])
    assert drawn < len(whole.vessels["entry_h"])
    assert blocks.vessels["entry_h"].max() > blocks.end_h
    for column, values in whole.vessels.items():
        np.testing.assert_array_equal(values[:drawn], blocks.vessels[column], column)
    # the jobs: the cargo released for the ships drawn, then those created in the run
    feed = np.flatnonzero(whole.jobs["vessel"] >= drawn)
    first, last = int(feed[0]), int(feed[-1]) + 1
    assert len(blocks.jobs["tonnes"]) == len(whole.jobs["tonnes"]) - (last - first)
    for column, values in whole.jobs.items():
        np.testing.assert_array_equal(
            np.concatenate([values[:first], values[last:]]), blocks.jobs[column], column
        )


def test_a_hundred_times_the_demand_stops_within_hours_having_drawn_days_of_ships() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "huaian_2028_plan.yaml")
    scenario = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"start_year": 2028, "end_year": 2028})}
    )
    model = compile_scenario(scenario, multiplier=100.0)
    horizon = ArrivalStream(model, seed=scenario.run.seed, replication=0).total
    records = simulate(model, seed=scenario.run.seed, replication=0)
    overload = records.overload
    assert overload is not None and overload.length > model.operations.overload_queue_vessels
    assert f"queue of {overload.length} vessels at hour" in str(overload)
    assert records.end_h == overload.time_h < 24.0
    # a year of ships is 20 million; the engine drew the ships of a few days ahead of the
    # stop (the cargo of a loading ship leaves for the terminal 10 days before it)
    entry = records.vessels["entry_h"]
    assert horizon > 20_000_000 and len(entry) < horizon / 20
    assert entry.max() < records.end_h + 20 * 24.0
    assert (entry <= records.end_h).sum() > 10_000
    assert records.overload.__traceback__ is None  # which would hold the engine alive


def test_an_engine_is_freed_once_its_run_is_over(minimal: CompiledModel) -> None:
    # an engine holds every ship it drew: one kept alive per replication adds up over a run
    # of several (the compiled engine was, through attributes its traversal visited twice)
    gc.collect()
    before = sum(isinstance(o, Engine) for o in gc.get_objects())
    kept = [simulate(minimal, seed=SEED, replication=r) for r in range(3)]
    overflowed = simulate(compile_scenario(_plan(60.0), multiplier=4.0), seed=SEED, replication=0)
    assert overflowed.overload is not None and len(kept) == 3
    gc.collect()
    assert sum(isinstance(o, Engine) for o in gc.get_objects()) == before
