"""Each station kind built on its own, on a :class:`StandaloneContext` (no scenario file, no
compiled model, no engine), fed a handful of ships by hand: exact event times.

Durations are multiples of 1/4 so that the expected times are exact in binary.
"""

from __future__ import annotations

import math
from typing import Any, cast

import pytest

from sim.engine.context import StandaloneContext
from sim.engine.landside import Yard
from sim.engine.stations import Diverter, LockStation, TerminalStation
from sim.model.specs import (
    BERTH,
    BerthGroupSpec,
    ChamberSpec,
    CompiledModel,
    Itinerary,
    LockSpec,
    TerminalSpec,
    YardSpec,
)

MOVE_H = 0.25
LEVELLING_H = 0.5


def lockage_h(ships: int) -> float:
    """The LockStation docstring's formula: n x move in + levelling + n x move / 2 out."""
    return ships * MOVE_H + LEVELLING_H + ships * MOVE_H / 2


def chamber(name: str, length_m: float = 100.0, width_m: float = 20.0, usable: float = 250.0):
    return ChamberSpec(name, length_m, width_m, usable, LEVELLING_H, 0.0, math.inf)


def lock_spec(*chambers: ChamberSpec, policy: Any = "fcfs", fill_max_wait_h: float = 0.0):
    return LockSpec("L", tuple(chambers), policy, fill_max_wait_h, MOVE_H)


def ships(areas: list[float], lengths: list[float] | None = None, **kwargs: Any):
    n = len(areas)
    return StandaloneContext(
        lengths or [50.0] * n, [10.0] * n, areas, [1000.0] * n, locks=1, **kwargs
    )


def one_lock(context: StandaloneContext, spec: LockSpec, after_h: float = 0.0) -> LockStation:
    """The lock, and every ship routed through it (and out ``after_h`` later)."""
    lock = LockStation(context, spec, 0)
    context.route([lock], [0.0], [0], after_h=after_h, ships=range(len(context.v_itin)))
    return lock


def test_fcfs_lockages_and_an_empty_crossing() -> None:
    context = ships([100.0, 100.0, 100.0])
    lock = one_lock(context, lock_spec(chamber("A")), after_h=2.0)
    for vessel, arrival in enumerate([1.0, 1.5, 2.0]):
        lock.push(arrival, vessel, 0)
    context.run()
    first_end = 1.0 + lockage_h(1)  # ship 0 alone: the others are not there yet
    back = first_end + LEVELLING_H  # the chamber crosses empty to where ships wait
    assert context.lockages == [
        (0, 0, 0, 1.0, first_end, 1, 100.0 / 2000.0),
        (0, 0, 1, first_end, back, 0, 0.0),
        (0, 0, 0, back, back + lockage_h(2), 2, 200.0 / 2000.0),
    ]
    assert context.passages == [(0, 1.0, 0), (1, 1.5, 2), (2, 2.0, 2)]
    assert list(context.v_exit) == [first_end + 2.0] + [back + lockage_h(2) + 2.0] * 2


def test_packing_by_area_does_not_overtake() -> None:
    # usable 250 m2: the second ship (150) does not fit beside the first, and the third (50),
    # which would, does not overtake it
    context = ships([150.0, 150.0, 50.0])
    lock = one_lock(context, lock_spec(chamber("A")))
    for vessel in range(3):
        lock.push(0.0, vessel, 0)
    context.run()
    locked = [(row[3], row[5]) for row in context.lockages if row[5]]
    assert locked == [(0.0, 1), (lockage_h(1) + LEVELLING_H, 2)]
    assert [row for vessel, _, row in context.passages] == [0, 2, 2]


def test_a_ship_too_long_for_a_chamber_waits_for_another() -> None:
    context = ships([100.0, 100.0], lengths=[150.0, 80.0])
    lock = one_lock(context, lock_spec(chamber("small"), chamber("large", length_m=200.0)))
    lock.push(0.0, 0, 0)
    lock.push(0.0, 1, 0)
    context.run()
    chamber_of = {vessel: context.lockages[row][1] for vessel, _, row in context.passages}
    assert chamber_of == {0: 1, 1: 0}  # the long ship in the large chamber, both at once
    assert [(row[3], row[4]) for row in context.lockages] == [(0.0, lockage_h(1))] * 2


def test_fill_policy_waits_up_to_fill_max_wait_h() -> None:
    context = ships([100.0, 100.0])
    lock = one_lock(context, lock_spec(chamber("A"), policy="fill", fill_max_wait_h=2.0))
    lock.push(0.0, 0, 0)
    lock.push(1.0, 1, 0)
    context.run()
    # not full and nobody on the other side: it waits for the first ship's 2 h, then goes
    assert context.lockages == [(0, 0, 0, 2.0, 2.0 + lockage_h(2), 2, 200.0 / 2000.0)]


def test_fill_policy_goes_when_the_chamber_is_full() -> None:
    context = ships([100.0, 100.0, 100.0])
    lock = one_lock(context, lock_spec(chamber("A"), policy="fill", fill_max_wait_h=2.0))
    for vessel, arrival in enumerate([0.0, 1.0, 1.5]):
        lock.push(arrival, vessel, 0)
    context.run()
    # at 1.5 the third ship does not fit beside the two waiting: the chamber is full
    assert context.lockages[0] == (0, 0, 0, 1.5, 1.5 + lockage_h(2), 2, 200.0 / 2000.0)


def group(name: str, max_dwt_t: float, count: int = 1, terminal: int = 0) -> BerthGroupSpec:
    return BerthGroupSpec(
        name, terminal, count, max_dwt_t, frozenset(), 100.0, 0.0, None, 0.0, math.inf
    )


def berths(service_h: dict[int, float], terminals: int = 1) -> StandaloneContext:
    n = len(service_h)
    return StandaloneContext(
        [50.0] * n,
        [10.0] * n,
        [500.0] * n,
        [1000.0] * n,
        terminals=terminals,
        service_h=lambda g, vessel: service_h[vessel],
    )


def test_berths_smallest_fitting_first_and_fcfs_among_eligible_ships() -> None:
    groups = (group("large", 10_000.0), group("small", 3_000.0))
    context = berths({0: 4.0, 1: 3.0, 2: 4.0, 3: 4.0})
    terminal = TerminalStation(context, TerminalSpec("T", "P", (0, 1), {}), 0, groups)
    either = context.route([terminal], [0.0], [0], eligible=(0, 1), ships=[0, 2])
    large_only = context.route([terminal], [0.0], [0], eligible=(0,), ships=[1, 3])
    assert (either, large_only) == (0, 1)
    for vessel, arrival in [(0, 0.0), (1, 0.0), (2, 1.0), (3, 2.0)]:
        terminal.push(arrival, vessel, 0)
    context.run()
    # ship 0 takes the small berth though the large one is free; ship 1 the large one; at 3
    # the large berth is free and ship 2 (arrived 1, may use it) goes before ship 3 (arrived 2)
    assert sorted(context.berths) == [
        (0, 1, 0.0, 0.0, 0.0, 4.0),
        (1, 0, 0.0, 0.0, 0.0, 3.0),
        (2, 0, 1.0, 3.0, 0.0, 7.0),
        (3, 0, 2.0, 7.0, 0.0, 11.0),
    ]
    assert list(context.v_exit) == [4.0, 3.0, 7.0, 11.0]


def test_the_diverter_sends_ships_past_the_threshold_to_a_shorter_queue() -> None:
    groups = (group("g0", 5_000.0), group("g1", 5_000.0, terminal=1))
    home = Itinerary((BERTH,), (0,), (0,), (1.0,), 0.0, eligible_groups=(0,), terminal=0)
    other = Itinerary((BERTH,), (1,), (0,), (1.0,), 0.0, eligible_groups=(1,), terminal=1)
    model = CompiledModel(
        calendar=cast(Any, None),  # no calendar, operations, target or criteria: the
        classes=(),  # diverter reads none of them
        locks=(),
        terminals=(TerminalSpec("T0", "P", (0,), {}), TerminalSpec("T1", "P", (1,), {})),
        groups=groups,
        yards=(),
        flows=(),
        itineraries=(home, other),
        commodity_value_cny_per_t={},
        multiplier=1.0,
        working_factor=1.0,
        operations=cast(Any, None),
        target=cast(Any, None),
        criteria=cast(Any, None),
        diversions={0: (1,)},
    )
    context = berths(dict.fromkeys(range(5), 10.0), terminals=2)
    context.model = model
    terminals = [TerminalStation(context, model.terminals[i], i, groups) for i in (0, 1)]
    for it, sailing in zip(model.itineraries, [range(5), []], strict=True):
        stops = [terminals[it.terminal]]
        context.route(stops, it.sail_h, it.direction, eligible=it.eligible_groups, ships=sailing)
    diverter = Diverter(context, 1, terminals)
    for vessel, sets_off in enumerate([0.0, 0.0, 5.0, 8.0, 9.0]):
        diverter.push(sets_off, vessel, 0)
    context.run(until_h=10.0)
    # 0 and 1 find nobody queueing at T0; 2 finds 1 there (the threshold) and none at T1; 3
    # finds 1 at T0 and T1 busy but with no queue; 4 finds 1 queueing at each: it stays
    assert list(context.v_diverted) == [0, 0, 1, 1, 0]
    assert context.v_itin == [0, 0, 1, 1, 0]
    starts = {row[0]: row[3] for row in context.berths}
    assert starts == {0: 1.0, 2: 6.0}  # 1 waits for T0 until 11, 3 for T1 until 16


def test_yard_first_come_first_served_within_capacity() -> None:
    yard = Yard(YardSpec("Y", 0, "bulk", 100.0, 24.0, 0.0))
    granted: list[str] = []
    assert yard.request(60.0, 1.0, lambda: granted.append("a"))
    assert not yard.request(50.0, 2.0, lambda: granted.append("b"))
    # 10 t would fit, but waits behind the 50 t request (first come, first served)
    assert not yard.request(10.0, 3.0, lambda: granted.append("c"))
    yard.release(20.0, 4.0)  # 40 t: b fits (90), then c (100)
    assert granted == ["b", "c"]
    assert yard.level_t == pytest.approx(100.0)
    assert list(yard.times.array()) == [1.0, 4.0, 4.0, 4.0]
    assert list(yard.levels.array()) == [60.0, 40.0, 90.0, 100.0]
