"""One replication: build the stations, feed the vessels, run SimPy, return flat records.

The engine reads no files and plots nothing; it records columnar data (Python lists of
numbers, turned into numpy arrays once at the end) and never builds a DataFrame inside the
event loop.
"""

from __future__ import annotations

import heapq
import math
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.compiled import LOCK, CompiledModel
from sim.engine.arrivals import Arrivals, draw_arrivals
from sim.engine.landside import Landside, RateStage, TrainStage
from sim.engine.stations import (
    LOAD,
    OTHER,
    UNLOAD,
    Diverter,
    LockStation,
    Overloaded,
    TerminalStation,
    merge_windows,
    weather_check,
)
from sim.randomness import stream
from sim.scenario.distributions import (
    Deterministic,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
    Uniform,
)

__all__ = ["Engine", "Overloaded", "Records", "simulate"]

NAN = math.nan
_NORMAL = simpy.events.NORMAL
_BLOCK = 4096


@dataclass
class Records:
    """Everything one replication recorded, as numpy arrays: one row per vessel, per lock
    passage, per lockage, per yard level change, per landside job (tonnes of one call taking
    one landside option), per hour a rate stage (gate, airport) moved cargo, per train and per
    rail link movement.

    Times are simulation hours. Vessel columns hold NaN for steps not reached by the end of the
    run (or for ships that never call at a berth).
    """

    vessels: dict[str, np.ndarray]
    passages: dict[str, np.ndarray]
    lockages: dict[str, np.ndarray]
    yard_levels: dict[str, np.ndarray]
    jobs: dict[str, np.ndarray]
    stage_hours: dict[str, np.ndarray]
    trains: dict[str, np.ndarray]
    rail_movements: dict[str, np.ndarray]
    weather_windows: np.ndarray
    horizon_h: float
    end_h: float
    events: int
    logical_events: int
    wall_s: float
    overload: Overloaded | None = None
    invariants: dict[str, float] = field(default_factory=dict)


class Engine:
    """The state of one replication (see :func:`simulate`)."""

    def __init__(self, model: CompiledModel, replication: int, arrivals: Arrivals) -> None:
        self.model = model
        self.replication = replication
        self.env = simpy.Environment()
        calendar = model.calendar
        self.horizon_h = calendar.horizon_h
        self.overload_limit = model.scenario.operations.overload_queue_vessels
        seed = model.scenario.run.seed

        windows = _weather_windows(model, replication)
        applies = set(model.scenario.operations.weather.applies_to)
        self.weather = windows
        closures = _closure_windows(model)
        none = np.empty((0, 2))
        # downtime of each lock (weather, closures) and each chamber (plus its breakdowns)
        self.lock_windows: list[np.ndarray] = []
        self.chamber_downtime: list[list[Callable[[float], float] | None]] = []
        for lock in model.locks:
            lock_level = merge_windows(
                windows if "locks" in applies else none, closures.get(lock.id, none)
            )
            self.lock_windows.append(lock_level)
            self.chamber_downtime.append(
                [
                    weather_check(
                        merge_windows(
                            lock_level,
                            _breakdown_windows(
                                model,
                                replication,
                                "lock_chamber",
                                lock.id,
                                f"{lock.id}/{chamber.id}",
                            ),
                        )
                    )
                    for chamber in lock.chambers
                ]
            )
        self.lock_downtime = [weather_check(w) for w in self.lock_windows]
        self.terminal_downtime = [
            weather_check(
                merge_windows(
                    windows if "berths" in applies else none, closures.get(terminal.id, none)
                )
            )
            for terminal in model.terminals
        ]
        # crane failures take one berth of a group out of service until repaired
        self.crane_failures: dict[int, np.ndarray] = {}
        for g, group in enumerate(model.groups):
            terminal = model.terminals[group.terminal].id
            failures = _breakdown_windows(
                model, replication, "crane", terminal, group.id, servers=group.count
            )
            if len(failures):
                self.crane_failures[g] = failures

        n = len(arrivals.entry_h)
        classes = model.classes
        self.v_itin: list[int] = arrivals.itinerary.tolist()
        self.v_payload: list[float] = arrivals.payload_t.tolist()
        klass = arrivals.vessel_class
        self.v_length = np.array([c.length_m for c in classes])[klass].tolist()
        self.v_beam = np.array([c.beam_m for c in classes])[klass].tolist()
        self.v_area = np.array([c.area_m2 for c in classes])[klass].tolist()
        self.v_step = [0] * n
        # record-only columns are typed arrays: written once, turned into numpy without copying
        self.v_exit = array("d", [NAN]) * n
        self.v_berth_arrival = array("d", [NAN]) * n
        self.v_berth_start = array("d", [NAN]) * n
        self.v_block = array("d", [NAN]) * n
        self.v_service_end = array("d", [NAN]) * n
        self.v_group = array("q", [-1]) * n
        self.arrivals = arrivals

        self.p_vessel = array("q")
        self.p_arrival = array("d")
        self.l_lock = array("q")
        self.l_chamber = array("q")
        self.l_direction = array("q")
        self.l_start = array("d")
        self.l_end = array("d")
        self.l_vessels = array("q")
        self.l_area = array("d")
        self.p_lockage = array("q")

        self.landside = Landside(
            self,
            closures,
            windows,
            lambda kind, owner, name, servers: _breakdown_windows(
                model, replication, kind, owner, name, servers
            ),
        )
        handling_code = {"unload": UNLOAD, "transship": UNLOAD, "load": LOAD}
        self.itin_handling = [handling_code.get(it.handling, OTHER) for it in model.itineraries]
        self.v_handling = [self.itin_handling[i] for i in self.v_itin]
        self.locks = [LockStation(self, spec, i) for i, spec in enumerate(model.locks)]
        self._service_draws = {
            g: _ServiceDraws(group.service_h, stream(seed, replication, f"service:{group.id}"))
            for g, group in enumerate(model.groups)
            if group.service_h is not None
        }
        self.terminals = [
            TerminalStation(
                self,
                spec,
                i,
                model.groups,
                self._service,
            )
            for i, spec in enumerate(model.terminals)
        ]
        self.itin_stations: list[tuple[Any, ...]] = [
            tuple(
                self.locks[i] if kind == LOCK else self.terminals[i]
                for kind, i in zip(it.kinds, it.index, strict=True)
            )
            for it in model.itineraries
        ]
        self.itin_sail = [it.sail_h for it in model.itineraries]
        self.itin_direction = [it.direction for it in model.itineraries]
        self.itin_after = [it.sail_after_h for it in model.itineraries]
        self.itin_yard = [it.yard for it in model.itineraries]
        self.itin_eligible = [it.eligible_groups for it in model.itineraries]
        diversion = model.scenario.operations.diversion
        self.diverter = (
            Diverter(self, diversion.queue_threshold_vessels) if model.diversions else None
        )
        self.v_diverted = array("q", [0]) * n
        self.logical_events = 0

    def after(self, delay: float, callback: Callable[[Any], None]) -> None:
        """Call ``callback`` in ``delay`` hours.

        The engine's own wake-ups go straight onto SimPy's event queue as minimal triggered
        events (what ``Environment.schedule`` does, without building a full ``Event``): SimPy's
        loop only reads ``callbacks`` and ``_ok`` of what it pops. This halves the cost of the
        most frequent operation of a run; ``simpy`` is pinned below 5 for it.
        """
        env = self.env
        queue: list[Any] = env._queue
        heapq.heappush(queue, (env._now + delay, _NORMAL, next(env._eid), _Wake(callback)))

    # -- lookups used by the stations --------------------------------------------------------
    def eligible_of(self, vessel: int) -> tuple[int, ...]:
        return self.itin_eligible[self.v_itin[vessel]]

    def yard_of(self, vessel: int) -> int:
        """Index of the yard the vessel's cargo lands in (-1: none)."""
        return self.itin_yard[self.v_itin[vessel]]

    def _service(self, g: int, vessel: int) -> float:
        draws = self._service_draws.get(g)
        if draws is not None:
            return draws.next()
        group = self.model.groups[g]
        return (
            self.v_payload[vessel] / group.handling_t_per_h * self.model.working_factor
            + group.berthing_h
        )

    # -- moving vessels ----------------------------------------------------------------------
    def feed(self) -> None:
        """Put every vessel at its first resource (or straight to its exit), vectorised."""
        itineraries = self.model.itineraries
        itinerary = self.arrivals.itinerary
        entry = self.arrivals.entry_h
        # per itinerary: index of its first station (-1: none), hours to reach it, direction
        first_station = np.full(len(itineraries), -1, dtype=np.int64)
        first_sail = np.zeros(len(itineraries))
        first_direction = np.zeros(len(itineraries), dtype=np.int64)
        after = np.array([it.sail_after_h for it in itineraries])
        stations: list[Any] = [*self.locks, *self.terminals]
        position = {id(station): i for i, station in enumerate(stations)}
        for i, chain in enumerate(self.itin_stations):
            if chain:
                first_station[i] = position[id(chain[0])]
                first_sail[i] = self.itin_sail[i][0]
                first_direction[i] = self.itin_direction[i][0]
        where = first_station[itinerary]
        at = entry + first_sail[itinerary]
        if self.diverter is not None:  # these ships choose their terminal when they set off
            choosing = np.isin(itinerary, np.fromiter(self.model.diversions, dtype=np.int64))
            stations.append(self.diverter)
            where = np.where(choosing, len(stations) - 1, where)
            at = np.where(choosing, entry, at)
            direction = np.where(choosing, 0, first_direction[itinerary])
        else:
            direction = first_direction[itinerary]
        gone = where < 0
        if gone.any():
            exits = (entry + after[itinerary])[gone]
            for vessel, time_h in zip(np.flatnonzero(gone).tolist(), exits.tolist(), strict=True):
                self.v_exit[vessel] = time_h
        order = np.lexsort((np.arange(len(at)), at, where))
        sorted_where = where[order]
        bounds = np.searchsorted(sorted_where, np.arange(len(stations) + 1))
        for i, station in enumerate(stations):
            chosen = order[bounds[i] : bounds[i + 1]]
            if len(chosen):
                station.feed = list(
                    zip(
                        at[chosen].tolist(),
                        chosen.tolist(),
                        direction[chosen].tolist(),
                        strict=True,
                    )
                )
        for station in stations:
            upcoming = station.next_arrival()
            if upcoming < math.inf:
                station.schedule_ring(upcoming)
        self.landside.feed_exports()

    def set_off(self, vessel: int, now: float) -> None:
        """A ship that chose its terminal at ``now`` sails to its first resource."""
        itinerary = self.v_itin[vessel]
        self.v_handling[vessel] = self.itin_handling[itinerary]
        stations = self.itin_stations[itinerary]
        self.landside.release_exports(vessel, now)
        if not stations:
            self.v_exit[vessel] = now + self.itin_after[itinerary]
            return
        stations[0].push(
            now + self.itin_sail[itinerary][0], vessel, self.itin_direction[itinerary][0]
        )

    def leave(self, vessel: int, now: float) -> None:
        """The vessel is done with its current resource at ``now``: on to the next."""
        itinerary = self.v_itin[vessel]
        step = self.v_step[vessel] + 1
        stations = self.itin_stations[itinerary]
        self.logical_events += 1
        if step == len(stations):
            self.v_exit[vessel] = now + self.itin_after[itinerary]
            return
        self.v_step[vessel] = step
        stations[step].push(
            now + self.itin_sail[itinerary][step], vessel, self.itin_direction[itinerary][step]
        )

    # -- records -------------------------------------------------------------------------------
    def record_passages(
        self,
        batch: list[tuple[float, int]],
        lock: int,
        chamber: int,
        direction: int,
        start: float,
        end: float,
    ) -> None:
        """One row per ship of a lockage: who, its arrival at the lock and the lockage (the
        lock, chamber, direction, start and end are the lockage's, joined after the run)."""
        n = len(batch)
        self.p_lockage.extend(array("q", [len(self.l_lock) - 1]) * n)
        self.p_vessel.extend([v for _, v in batch])
        self.p_arrival.extend([t for t, _ in batch])
        self.logical_events += 2 * n

    def record_lockage(
        self,
        lock: int,
        chamber: int,
        direction: int,
        start: float,
        end: float,
        batch: Any,
        area_share: float,
    ) -> None:
        self.l_lock.append(lock)
        self.l_chamber.append(chamber)
        self.l_direction.append(direction)
        self.l_start.append(start)
        self.l_end.append(end)
        self.l_vessels.append(len(batch))
        self.l_area.append(area_share)
        self.logical_events += 2

    def record_berth(
        self, vessel: int, group: int, arrival: float, start: float, block: float, end: float
    ) -> None:
        self.v_group[vessel] = group
        self.v_berth_arrival[vessel] = arrival
        self.v_berth_start[vessel] = start
        self.v_block[vessel] = block
        self.v_service_end[vessel] = end
        self.logical_events += 3

    def records(self, events: int, wall_s: float, overload: Overloaded | None) -> Records:
        arrivals = self.arrivals
        f = np.asarray
        vessels = {
            "flow": arrivals.flow,
            "vessel_class": arrivals.vessel_class,
            "payload_t": arrivals.payload_t,
            "entry_h": arrivals.entry_h,
            "berth_arrival_h": f(self.v_berth_arrival, dtype=float),
            "berth_start_h": f(self.v_berth_start, dtype=float),
            "block_h": f(self.v_block, dtype=float),
            "service_end_h": f(self.v_service_end, dtype=float),
            "berth_group": f(self.v_group, dtype=np.int64),
            "exit_h": f(self.v_exit, dtype=float),
            # the itinerary actually sailed (after any diversion) and whether it was diverted
            "itinerary": f(self.v_itin, dtype=np.int64),
            "diverted": f(self.v_diverted, dtype=bool),
        }
        lockage = f(self.p_lockage, dtype=np.int64)
        passages = {
            "vessel": f(self.p_vessel, dtype=np.int64),
            "lock": f(self.l_lock, dtype=np.int64)[lockage],
            "chamber": f(self.l_chamber, dtype=np.int64)[lockage],
            "direction": f(self.l_direction, dtype=np.int64)[lockage],
            "arrival_h": f(self.p_arrival, dtype=float),
            "start_h": f(self.l_start, dtype=float)[lockage],
            "end_h": f(self.l_end, dtype=float)[lockage],
            "lockage": lockage,
        }
        lockages = {
            "lock": f(self.l_lock, dtype=np.int64),
            "chamber": f(self.l_chamber, dtype=np.int64),
            "direction": f(self.l_direction, dtype=np.int64),
            "start_h": f(self.l_start, dtype=float),
            "end_h": f(self.l_end, dtype=float),
            "vessels": f(self.l_vessels, dtype=np.int64),
            "area_share": f(self.l_area, dtype=float),
            "tonnes": np.bincount(
                f(self.p_lockage, dtype=np.int64),
                weights=arrivals.payload_t[f(self.p_vessel, dtype=np.int64)],
                minlength=len(self.l_lock),
            )
            if self.p_vessel
            else np.zeros(len(self.l_lock)),
        }
        landside = self.landside
        yard_rows = [
            (i, t, level)
            for i, yard in enumerate(landside.yards)
            for t, level in zip(yard.times, yard.levels, strict=True)
        ]
        yard_levels = {
            "yard": f([r[0] for r in yard_rows], dtype=np.int64),
            "time_h": f([r[1] for r in yard_rows], dtype=float),
            "level_t": f([r[2] for r in yard_rows], dtype=float),
        }
        jobs = landside.jobs
        job_table = {
            "vessel": f([j.vessel for j in jobs], dtype=np.int64),
            "itinerary": f([j.itinerary for j in jobs], dtype=np.int64),
            "option": f([j.option for j in jobs], dtype=np.int64),
            "export": f([j.export for j in jobs], dtype=bool),
            "direct": f([j.direct for j in jobs], dtype=bool),
            "tonnes": f([j.tonnes for j in jobs], dtype=float),
            "ready_h": f([j.ready_h for j in jobs], dtype=float),
            "done_h": f([j.done_h for j in jobs], dtype=float),
            "diverted": f([j.diverted for j in jobs], dtype=bool),
        }
        rate = [(i, st) for i, st in enumerate(landside.stages) if isinstance(st, RateStage)]
        stage_hours = {
            "stage": f([i for i, st in rate for _ in st.tick_h], dtype=np.int64),
            "time_h": f([t for _, st in rate for t in st.tick_h], dtype=float),
            "moved_t": f([t for _, st in rate for t in st.moved_t], dtype=float),
            "capacity_t": f([t for _, st in rate for t in st.capacity_t], dtype=float),
        }
        rail = [(i, st) for i, st in enumerate(landside.stages) if isinstance(st, TrainStage)]
        trains = {
            "stage": f([i for i, st in rail for _ in st.t_start], dtype=np.int64),
            "start_h": f([t for _, st in rail for t in st.t_start], dtype=float),
            "depart_h": f([t for _, st in rail for t in st.t_depart], dtype=float),
            "tonnes": f([t for _, st in rail for t in st.t_tonnes], dtype=float),
            "capacity_t": f([t for _, st in rail for t in st.t_capacity], dtype=float),
        }
        rail_movements = {
            "link": f(
                [i for i, link in enumerate(landside.links) for _ in link.movements], dtype=np.int64
            ),
            "time_h": f([t for link in landside.links for t in link.movements], dtype=float),
        }
        return Records(
            vessels,
            passages,
            lockages,
            yard_levels,
            job_table,
            stage_hours,
            trains,
            rail_movements,
            self.weather,
            self.horizon_h,
            float(self.env.now),
            events,
            self.logical_events,
            wall_s,
            overload,
        )


class _Wake:
    """A triggered, successful event carrying one callback (see :meth:`Engine.after`)."""

    __slots__ = ("_ok", "_value", "callbacks")

    def __init__(self, callback: Callable[[Any], None]) -> None:
        self._ok = True
        self._value = None
        self.callbacks: list[Callable[[Any], None]] | None = [callback]


class InvariantError(AssertionError):
    """The engine broke one of its own invariants (a bug, never bad input)."""


def check_invariants(engine: Engine, records: Records) -> dict[str, float]:
    """Conservation and sanity checks run on every replication.

    - every vessel is in exactly one place at the end: not yet at its first resource, held by
      one station (on its way, queued or in service), or gone to its exit; so the tonnes
      created equal the tonnes delivered plus those still in the system;
    - no wait is negative; no lockage fills more than the usable chamber area; no yard holds
      more than its capacity (berth groups are checked as ships start service).

    Returns the figures checked; raises :class:`InvariantError` if one fails.
    """
    n = len(engine.v_itin)
    seen = np.zeros(n, dtype=np.int64)
    diverter = [engine.diverter] if engine.diverter is not None else []
    for station in (*engine.locks, *engine.terminals, *diverter):
        np.add.at(seen, np.asarray(station.held(), dtype=np.int64), 1)
    exited = ~np.isnan(records.vessels["exit_h"])
    seen[exited] += 1
    if (seen != 1).any():
        bad = np.flatnonzero(seen != 1)[:5].tolist()
        raise InvariantError(f"vessels lost or counted twice at the end of the run: {bad}")
    payload = records.vessels["payload_t"]
    entered = records.vessels["entry_h"] <= records.end_h
    port = (
        np.array([f.kind == "stream" for f in engine.model.flows], dtype=bool)[
            records.vessels["flow"]
        ]
        if len(payload)
        else np.zeros(0, dtype=bool)
    )
    crossed = records.vessels["service_end_h"] <= records.end_h
    # tonnes of port calls: created = across the quay + still in the system (at a station by
    # the census above, so none is lost or double counted)
    created_t = float(payload[entered & port].sum())
    crossed_t = float(payload[entered & port & crossed].sum())
    in_system_t = float(payload[entered & port & ~crossed].sum())
    held = np.zeros(len(payload), dtype=bool)
    held[seen.astype(bool) & ~exited] = True
    if not np.isclose(
        in_system_t,
        float(payload[entered & port & held & ~crossed].sum())
        + float(payload[entered & port & exited & ~crossed].sum()),
    ):
        raise InvariantError("port tonnes in the system do not match the stations' census")
    if not np.isclose(created_t, crossed_t + in_system_t):
        raise InvariantError("tonnes not conserved")
    waits = np.concatenate(
        [
            records.passages["start_h"] - records.passages["arrival_h"],
            (records.vessels["berth_start_h"] - records.vessels["berth_arrival_h"])[
                ~np.isnan(records.vessels["berth_start_h"])
            ],
            records.vessels["block_h"][~np.isnan(records.vessels["block_h"])],
        ]
    )
    if len(waits) and waits.min() < -1e-9:
        raise InvariantError(f"negative wait {waits.min()}")
    model = engine.model
    usable = np.array(
        [c.usable_area_m2 / (c.length_m * c.width_m) for lock in model.locks for c in lock.chambers]
        or [1.0]
    )
    if len(records.lockages["area_share"]) and (
        records.lockages["area_share"].max() > usable.max() + 1e-9
    ):
        raise InvariantError("a lockage used more than the usable chamber area")
    capacity = np.array([y.capacity_t for y in model.yards] or [np.inf])
    yards = records.yard_levels["yard"]
    if len(yards) and (records.yard_levels["level_t"] > capacity[yards] + 1e-6).any():
        raise InvariantError("a yard held more than its capacity")
    landside_t = _check_landside(engine, records)
    return {
        **landside_t,
        "tonnes_created": created_t,
        "tonnes_crossed_quay": crossed_t,
        "tonnes_in_system": in_system_t,
        "min_wait_h": float(waits.min()) if len(waits) else 0.0,
    }


def _check_landside(engine: Engine, records: Records) -> dict[str, float]:
    """Landside invariants: every job's tonnes are in exactly one place (done, or held by one
    stage), each ship's landside jobs add up to its payload, no hour of a gate or airport
    moves more than its capacity, and no rail link carries more movements than it has paths."""
    landside = engine.landside
    jobs = records.jobs
    n = len(jobs["tonnes"])
    seen = np.zeros(n, dtype=np.int64)
    for stage in landside.stages:
        rows = [job.row for job in stage.jobs_held()]
        np.add.at(seen, np.asarray(rows, dtype=np.int64), 1)
    done = ~np.isnan(jobs["done_h"])
    seen[done] += 1
    if (seen != 1).any():
        bad = np.flatnonzero(seen != 1)[:5].tolist()
        raise InvariantError(f"landside jobs lost or counted twice: {bad}")
    if n:
        per_vessel = np.bincount(jobs["vessel"], weights=jobs["tonnes"])
        vessels = np.unique(jobs["vessel"])
        payload = records.vessels["payload_t"][vessels]
        if not np.allclose(per_vessel[vessels], payload, rtol=1e-9, atol=1e-6):
            raise InvariantError("landside tonnes of a ship do not add up to its payload")
    hours = records.stage_hours
    if len(hours["moved_t"]) and (hours["moved_t"] > hours["capacity_t"] + 1e-6).any():
        raise InvariantError("a gate or airport moved more than its capacity in an hour")
    moves = records.rail_movements
    for i, link in enumerate(engine.model.rail_links):
        times = np.sort(moves["time_h"][moves["link"] == i])
        if len(times) > 1 and np.diff(times).min() < link.headway_h - 1e-6:
            raise InvariantError(f"rail link {link.id} used more paths than it has")
    return {
        "landside_tonnes_done": float(jobs["tonnes"][done].sum()),
        "landside_tonnes_in_system": float(jobs["tonnes"][~done].sum()),
    }


class _ServiceDraws:
    """Service times of a berth group drawn from its distribution in numpy blocks."""

    def __init__(self, distribution: Any, rng: np.random.Generator) -> None:
        self.distribution = distribution
        self.rng = rng
        self.values: list[float] = []

    def next(self) -> float:
        if not self.values:
            self.values = _draw(self.distribution, self.rng, _BLOCK).tolist()[::-1]
        return self.values.pop()


def _draw(distribution: Any, rng: np.random.Generator, n: int) -> np.ndarray:
    if isinstance(distribution, Exponential):
        return rng.exponential(distribution.mean_h, n)
    if isinstance(distribution, Erlang):
        return rng.gamma(distribution.k, distribution.mean_h / distribution.k, n)
    if isinstance(distribution, Deterministic):
        return np.full(n, distribution.value_h)
    if isinstance(distribution, Uniform):
        return rng.uniform(distribution.low_h, distribution.high_h, n)
    if isinstance(distribution, Lognormal):
        return rng.lognormal(distribution.mu, distribution.sigma, n)
    if isinstance(distribution, Empirical):
        return rng.choice(np.asarray(distribution.values_h, dtype=float), size=n)
    raise TypeError(f"unknown distribution {type(distribution).__name__}")


def _weather_windows(model: CompiledModel, replication: int) -> np.ndarray:
    """Downtime windows (start, end) in hours: Poisson starts, exponential durations, merged."""
    weather = model.scenario.operations.weather
    if weather.downtime_days_per_year <= 0:
        return np.empty((0, 2))
    rng = stream(model.scenario.run.seed, replication, "weather")
    horizon = model.calendar.horizon_h
    per_hour = weather.downtime_days_per_year * 24.0 / weather.mean_event_h / 8760.0
    count = rng.poisson(per_hour * horizon)
    starts = np.sort(rng.uniform(0.0, horizon, count))
    ends = starts + rng.exponential(weather.mean_event_h, count)
    merged: list[list[float]] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=float).reshape(-1, 2)


def _closure_windows(model: CompiledModel) -> dict[str, np.ndarray]:
    """Closures per resource id, in simulation hours."""
    calendar = model.calendar
    out: dict[str, list[tuple[float, float]]] = {}
    for closure in model.scenario.operations.closures:
        out.setdefault(closure.resource, []).append(
            (calendar.hour_of(closure.start), calendar.hour_of(closure.end))
        )
    return {k: merge_windows(np.array(v, dtype=float).reshape(-1, 2)) for k, v in out.items()}


def _breakdown_windows(
    model: CompiledModel, replication: int, kind: str, owner: str, name: str, servers: int = 1
) -> np.ndarray:
    """Failure windows of one resource: failures at rate servers / MTBF, repairs Exp(MTTR).

    ``owner`` is the id a breakdown entry may name (a lock or a terminal); an entry with no
    ``resources`` applies to every resource of its kind.
    """
    horizon = model.calendar.horizon_h
    rows: list[np.ndarray] = []
    for index, entry in enumerate(model.scenario.operations.breakdowns):
        if entry.resource_kind != kind or (entry.resources and owner not in entry.resources):
            continue
        rng = stream(model.scenario.run.seed, replication, f"breakdown:{index}:{name}")
        count = rng.poisson(servers * horizon / entry.mtbf_h)
        starts = np.sort(rng.uniform(0.0, horizon, count))
        rows.append(np.column_stack([starts, starts + rng.exponential(entry.mttr_h, count)]))
    if not rows:
        return np.empty((0, 2))
    failures = np.concatenate(rows)
    return failures[np.argsort(failures[:, 0], kind="stable")]


def simulate(model: CompiledModel, replication: int) -> Records:
    """Run one replication of ``model`` to its horizon (or until a queue overflows).

    Returns
    -------
    Records
        With ``overload`` set when a queue grew past ``operations.overload_queue_vessels``: the
        run then stopped cleanly at that moment and the records cover the time until then.
    """
    started = time.perf_counter()
    arrivals = draw_arrivals(model, replication)
    engine = Engine(model, replication, arrivals)
    engine.feed()
    overload: Overloaded | None = None
    try:
        _run(engine.env, model.calendar.horizon_h)
    except Overloaded as error:
        overload = error
    events = _events_processed(engine.env)
    records = engine.records(events, time.perf_counter() - started, overload)
    records.invariants = check_invariants(engine, records)
    return records


def _run(env: simpy.Environment, until: float) -> None:
    """``env.run(until=...)`` without its per-event overhead.

    The engine schedules only triggered events with callbacks (no processes), so the loop is
    SimPy's own step reduced to what those need: pop the next event, advance the clock, call
    its callbacks. Events at ``until`` itself are left unprocessed, as ``env.run`` does.
    """
    queue: list[Any] = env._queue
    pop = heapq.heappop
    while queue and queue[0][0] < until:
        now, _, _, event = pop(queue)
        env._now = now
        callbacks: list[Any] = event.callbacks
        event.callbacks = None
        for callback in callbacks:
            callback(event)
    env._now = until


def _events_processed(env: simpy.Environment) -> int:
    """SimPy events scheduled so far minus those still in the queue (processed ones)."""
    scheduled = next(env._eid)
    return int(scheduled - len(env._queue))
