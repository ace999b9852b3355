"""One replication's state and its event loop: the stations, the vessels, flat records.

The engine reads no files and plots nothing; it records columnar data (Python lists of
numbers, turned into numpy arrays once at the end) and never builds a DataFrame inside the
event loop.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Final

import numpy as np
from simpy.core import EmptySchedule

from sim.engine.arrivals import Arrivals
from sim.engine.columns import Column
from sim.engine.context import LOAD, OTHER, UNLOAD, Context, Stop, Wake
from sim.engine.disruptions import breakdown_windows, closure_windows, weather_windows
from sim.engine.heap import TimeHeap
from sim.engine.landside import Landside, RateStage, TrainStage
from sim.engine.records import Records
from sim.engine.stations.base import Overloaded, Station, merge_windows, weather_check
from sim.engine.stations.diverter import Diverter
from sim.engine.stations.lock import LockStation
from sim.engine.stations.terminal import TerminalStation
from sim.model.operations import ServiceTimeSpec
from sim.model.randomness import stream
from sim.model.specs import LOCK, CompiledModel

__all__ = ["Engine", "Overloaded", "Records", "drive"]

NAN: Final = math.nan
INF: Final = math.inf
_BLOCK: Final = 4096


class Engine(Context):
    """The state of one replication (see :func:`sim.engine.environment.simulate`).

    The engine is the :class:`~sim.engine.context.Context` its stations run in: it fills the
    context's tables, draws the service times and keeps the records; the clock, the event
    queue (``at``) and the routing of ships (``leave``, ``set_off``) are the context's.
    """

    def __init__(
        self,
        model: CompiledModel,
        seed: int,
        replication: int,
        arrivals: Arrivals,
        env: Any,
    ) -> None:
        self.model = model
        self.seed = seed
        self.replication = replication
        # the SimPy environment of the run (a ``sim.engine.environment.HubEnvironment``): its
        # clock is ``now`` and its event ids are the ids of the engine's wake-ups (see ``at``)
        self.env = env
        self.now = 0.0
        # the id of the next event, SimPy's or the engine's: the environment draws its own ids
        # from here once attached (``HubEnvironment.attach``), so both share one sequence
        self.next_id: int = next(env._eid)
        self.queue: TimeHeap[Wake] = TimeHeap()
        self.scheduled = 0  # the engine's wake-ups scheduled so far
        self.simpy_events = 0  # SimPy events processed (those of user processes)
        self.next_day_h = INF  # when to call ``on_day`` next (inf: never)
        self.on_day: Callable[[int], None] | None = None
        calendar = model.calendar
        self.horizon_h = calendar.horizon_h
        operations = model.operations
        self.overload_limit = operations.overload_queue_vessels

        windows = weather_windows(
            operations, calendar.horizon_h, seed=seed, replication=replication
        )
        applies = operations.weather_applies_to
        self.weather = windows
        closures = closure_windows(operations)
        # (kind, owner, name, servers) -> failure windows of one resource
        breakdowns = partial(
            breakdown_windows, operations, calendar.horizon_h, seed=seed, replication=replication
        )
        none = np.empty((0, 2))
        # downtime of each lock (weather, closures) and each chamber (plus its breakdowns)
        # (the windows are kept beside the checks: a control process may close or open them)
        self.lock_windows: list[np.ndarray] = []
        self.chamber_windows: list[list[np.ndarray]] = []
        for lock in model.locks:
            lock_level = merge_windows(
                windows if "locks" in applies else none, closures.get(lock.id, none)
            )
            self.lock_windows.append(lock_level)
            self.chamber_windows.append(
                [
                    merge_windows(
                        lock_level,
                        closures.get(f"{lock.id}/{chamber.id}", none),
                        breakdowns("lock_chamber", lock.id, f"{lock.id}/{chamber.id}"),
                    )
                    for chamber in lock.chambers
                ]
            )
        self.chamber_downtime: list[list[Callable[[float], float] | None]] = [
            [weather_check(w) for w in chambers] for chambers in self.chamber_windows
        ]
        self.lock_downtime = [weather_check(w) for w in self.lock_windows]
        self.terminal_windows = [
            merge_windows(windows if "berths" in applies else none, closures.get(terminal.id, none))
            for terminal in model.terminals
        ]
        self.terminal_downtime = [weather_check(w) for w in self.terminal_windows]
        # crane failures take one berth of a group out of service until repaired
        self.crane_failures: dict[int, np.ndarray] = {}
        for g, group in enumerate(model.groups):
            terminal = model.terminals[group.terminal].id
            failures = breakdowns("crane", terminal, group.id, group.count)
            if len(failures):
                self.crane_failures[g] = failures

        n = len(arrivals.entry_h)
        classes = model.classes
        self.v_itin: list[int] = arrivals.itinerary.tolist()
        self.v_payload: list[float] = arrivals.payload_t.tolist()
        klass = arrivals.vessel_class
        self.v_length: list[float] = np.array([c.length_m for c in classes])[klass].tolist()
        self.v_beam: list[float] = np.array([c.beam_m for c in classes])[klass].tolist()
        self.v_area: list[float] = np.array([c.area_m2 for c in classes])[klass].tolist()
        self.v_step = [0] * n
        # record-only columns are typed arrays: written once, turned into numpy without copying
        self.v_exit = array("d", [NAN]) * n
        self.v_berth_arrival = array("d", [NAN]) * n
        self.v_berth_start = array("d", [NAN]) * n
        self.v_block = array("d", [NAN]) * n
        self.v_service_end = array("d", [NAN]) * n
        self.v_group = array("q", [-1]) * n
        self.arrivals = arrivals

        # per lock passage and per lockage
        self.p_vessel = Column(np.int64)
        self.p_arrival = Column(float)
        self.l_lock = Column(np.int64)
        self.l_chamber = Column(np.int64)
        self.l_direction = Column(np.int64)
        self.l_start = Column(float)
        self.l_end = Column(float)
        self.l_vessels = Column(np.int64)
        self.l_area = Column(float)
        self.p_lockage = array("q")

        self.landside = Landside(self, closures, windows, breakdowns)
        self.quay = self.landside  # what the berths see of it
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
            TerminalStation(self, spec, i, model.groups) for i, spec in enumerate(model.terminals)
        ]
        self.itin_stations: list[tuple[Stop, ...]] = [
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
        self.diverter = (
            Diverter(self, operations.diversion_queue_threshold_vessels, self.terminals)
            if model.diversions
            else None
        )
        self.v_diverted = array("q", [0]) * n
        self.logical_events = 0
        # ships held before a station by a control process: one row per hold
        self.hold_rows: list[tuple[int, str, int, float, float]] = []

    # -- what the context leaves to the engine ---------------------------------------------------
    def service_time(self, g: int, vessel: int) -> float:
        """Hours the ship ``vessel`` takes at a berth of group ``g`` once handling starts."""
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
        stations: list[Station] = [*self.locks, *self.terminals]
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
        self.landside.feed_exports(self.arrivals)

    # -- records -------------------------------------------------------------------------------
    def record_passages(self, batch: list[tuple[float, int]]) -> None:
        """One row per ship of the lockage just recorded: who, its arrival at the lock and the
        lockage (its lock, chamber, direction, start and end are joined after the run)."""
        n = len(batch)
        self.p_lockage.extend(array("q", [len(self.l_lock) - 1]) * n)
        p_vessel, p_arrival = self.p_vessel, self.p_arrival
        for arrival, vessel in batch:
            p_vessel.append(vessel)
            p_arrival.append(arrival)
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

    def record_hold(
        self, vessel: int, station: str, direction: int, start: float, end: float
    ) -> None:
        """The ship ``vessel`` waited at the anchorage before ``station`` from start to end."""
        self.hold_rows.append((vessel, station, direction, start, end))

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
        vessels = {
            "flow": arrivals.flow,
            "vessel_class": arrivals.vessel_class,
            "payload_t": arrivals.payload_t,
            "entry_h": arrivals.entry_h,
            "berth_arrival_h": _floats(self.v_berth_arrival),
            "berth_start_h": _floats(self.v_berth_start),
            "block_h": _floats(self.v_block),
            "service_end_h": _floats(self.v_service_end),
            "berth_group": _ints(self.v_group),
            "exit_h": _floats(self.v_exit),
            # the itinerary actually sailed (after any diversion) and whether it was diverted
            "itinerary": _ints(self.v_itin),
            "diverted": _ints(self.v_diverted).astype(bool),
        }
        lockages = {
            "lock": self.l_lock.array(),
            "chamber": self.l_chamber.array(),
            "direction": self.l_direction.array(),
            "start_h": self.l_start.array(),
            "end_h": self.l_end.array(),
            "vessels": self.l_vessels.array(),
            "area_share": self.l_area.array(),
        }
        lockage = _ints(self.p_lockage)
        passenger = self.p_vessel.array()
        lockages["tonnes"] = np.bincount(
            lockage, weights=arrivals.payload_t[passenger], minlength=len(self.l_lock)
        )
        passages = {
            "vessel": passenger,
            "lock": lockages["lock"][lockage],
            "chamber": lockages["chamber"][lockage],
            "direction": lockages["direction"][lockage],
            "arrival_h": self.p_arrival.array(),
            "start_h": lockages["start_h"][lockage],
            "end_h": lockages["end_h"][lockage],
            "lockage": lockage,
        }
        landside = self.landside
        yards = landside.yards
        yard_levels = {
            "yard": _labels(list(range(len(yards))), [len(y.times) for y in yards]),
            "time_h": _joined([y.times.array() for y in yards]),
            "level_t": _joined([y.levels.array() for y in yards]),
        }
        jobs = landside.jobs
        job_table = {
            "vessel": _ints([j.vessel for j in jobs]),
            "itinerary": _ints([j.itinerary for j in jobs]),
            "option": _ints([j.option for j in jobs]),
            "export": np.array([j.export for j in jobs], dtype=bool),
            "direct": np.array([j.direct for j in jobs], dtype=bool),
            "tonnes": _floats([j.tonnes for j in jobs]),
            "ready_h": _floats([j.ready_h for j in jobs]),
            "done_h": _floats([j.done_h for j in jobs]),
            "diverted": np.array([j.diverted for j in jobs], dtype=bool),
        }
        rate: list[RateStage] = []
        rate_index: list[int] = []
        rail: list[TrainStage] = []
        rail_index: list[int] = []
        for i, st in enumerate(landside.stages):
            if isinstance(st, RateStage):
                rate.append(st)
                rate_index.append(i)
            else:
                rail.append(st)
                rail_index.append(i)
        stage_hours = {
            "stage": _labels(rate_index, [len(st.tick_h) for st in rate]),
            "time_h": _joined([st.tick_h.array() for st in rate]),
            "moved_t": _joined([st.moved_t.array() for st in rate]),
            "capacity_t": _joined([st.capacity_t.array() for st in rate]),
        }
        trains = {
            "stage": _labels(rail_index, [len(st.t_start) for st in rail]),
            "start_h": _joined([st.t_start for st in rail]),
            "depart_h": _joined([st.t_depart for st in rail]),
            "tonnes": _joined([st.t_tonnes for st in rail]),
            "capacity_t": _joined([st.t_capacity for st in rail]),
        }
        links = landside.links
        rail_movements = {
            "link": _labels(list(range(len(links))), [len(link.movements) for link in links]),
            "time_h": _joined([link.movements for link in links]),
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
            self.now,
            events,
            self.logical_events,
            wall_s,
            overload,
        )


def _floats(values: Sequence[float]) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _ints(values: Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _joined(parts: list[Any]) -> np.ndarray:
    """One float column from several record columns (arrays or lists), in order."""
    return np.concatenate([_floats(p) for p in parts]) if parts else np.zeros(0)


def _labels(labels: list[int], lengths: list[int]) -> np.ndarray:
    """The column naming, for each row of :func:`_joined`, the list it came from."""
    return np.repeat(np.asarray(labels, dtype=np.int64), np.asarray(lengths, dtype=np.int64))


class _ServiceDraws:
    """Service times of a berth group drawn from its distribution in numpy blocks."""

    def __init__(self, distribution: ServiceTimeSpec, rng: np.random.Generator) -> None:
        self.distribution = distribution
        self.rng = rng
        self.values: list[float] = []

    def next(self) -> float:
        if not self.values:
            self.values = self.distribution.sample(self.rng, _BLOCK).tolist()[::-1]
        return self.values.pop()


def drive(env: Any, engine: Engine, step: Callable[[Any], None], once: bool) -> None:
    """Process events in order, from SimPy's queue and the engine's, until SimPy stops.

    This is the loop of ``Environment.run`` for a hubsim run (see
    :class:`sim.engine.environment.HubEnvironment`): it compares the heads of the two queues
    by (time, priority, id), exactly as SimPy's heap would order them, and either calls
    SimPy's own ``step`` (for SimPy events: processes, timeouts, conditions, the ``until``
    event whose callback raises ``StopSimulation``) or fires the engine's wake-up itself.
    The head of SimPy's queue is read again only when its length changed (only SimPy's
    ``step`` pops from it). Raises ``EmptySchedule`` when both queues are empty; with ``once``
    it returns after one event.
    """
    queue = engine.queue
    pending: list[Any] = env._queue
    seen = -1
    simpy_time = INF
    simpy_priority = 0
    simpy_id = 0
    while True:
        size = len(pending)
        if size != seen:
            seen = size
            if size:
                head = pending[0]
                simpy_time = float(head[0])
                simpy_priority = int(head[1])
                simpy_id = int(head[2])
            else:
                simpy_time = INF
        own_time = queue.first_time()
        if simpy_time < own_time or (
            simpy_time == own_time
            and simpy_time < INF
            and (simpy_priority < _NORMAL or simpy_id < queue.first().key)
        ):
            if simpy_time >= engine.next_day_h:
                _new_day(engine, simpy_time)
            engine.simpy_events += 1
            seen = -1
            step(env)  # sets the clock (``env._now`` is ``engine.now``)
        elif own_time < INF:
            entry = queue.pop()
            if own_time >= engine.next_day_h:
                _new_day(engine, own_time)
            engine.now = own_time
            entry.value.fire()
        else:
            raise EmptySchedule()
        if once:
            return


#: SimPy's priority of ordinary events (``simpy.events.NORMAL``); URGENT is 0
_NORMAL: Final = 1


def _new_day(engine: Engine, time_h: float) -> None:
    """Report the days done to ``engine.on_day`` before the first event of a new day."""
    days = int(time_h // 24.0)
    on_day = engine.on_day
    if on_day is not None:
        on_day(days)
    engine.next_day_h = (days + 1) * 24.0
