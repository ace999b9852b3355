"""One replication's state and its event loop: the stations, the vessels, flat records.

The engine reads no files and plots nothing; it records columnar data (Python lists of
numbers, turned into numpy arrays once at the end) and never builds a DataFrame inside the
event loop.

Vessels are drawn as the clock advances, a block at a time (:meth:`Engine.draw_ahead`), not
for the whole horizon up front: the memory of a run follows the ships in the system and a run
stopped by an overflow after a few hours holds a few days of ships, not a year of them. The
results are those of a feed of the whole horizon, bit for bit: each station and landside stage
is always handed, in order, every arrival of its feed up to one past the clock, so it asks to be
woken at the same times and the events are the same, with the same ids.
"""

from __future__ import annotations

import importlib
import math
from array import array
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Final

import numpy as np
from simpy.core import EmptySchedule

from sim.engine.arrivals import Arrivals, ArrivalStream, DrawnArrivals
from sim.engine.columns import Column
from sim.engine.context import LOAD, OTHER, UNLOAD, Context
from sim.engine.disruptions import breakdown_windows, closure_windows, weather_windows
from sim.engine.heap import Entry, TimeHeap
from sim.engine.landside import Job, Landside, RateStage, TrainStage
from sim.engine.records import Records
from sim.engine.stations.base import Overloaded, Station, merge_windows, weather_check
from sim.engine.stations.diverter import Diverter
from sim.engine.stations.lock import LockStation
from sim.engine.stations.terminal import TerminalStation
from sim.model.operations import ServiceTimeSpec
from sim.model.randomness import stream
from sim.model.specs import CompiledModel

__all__ = ["Engine", "Overloaded", "Records", "drive"]

NAN: Final = math.nan
INF: Final = math.inf
_BLOCK: Final = 4096
#: a station or stage is handed its arrivals until one is at least this many hours past the
#: clock (a landside stage takes the jobs ready within a billionth of an hour of it)
_AHEAD_H: Final = 1.0


class Engine(Context):
    """The state of one replication (see :func:`sim.engine.environment.simulate`).

    The engine is the :class:`~sim.engine.context.Context` its stations run in: it fills the
    context's tables, draws the service times and keeps the records; the clock, the event
    queue (``at``) and the routing of ships (``leave``, ``set_off``) are the context's.

    The vessels come from ``arrivals`` as the clock advances (see :meth:`feed`): the vessel
    columns (``v_*``, ``arrivals``) hold the vessels drawn so far, numbered in order of entry.
    """

    def __init__(
        self,
        model: CompiledModel,
        seed: int,
        replication: int,
        arrivals: ArrivalStream,
        env: Any,
    ) -> None:
        # (the attributes the Context declares are not annotated again here: mypyc would then
        # visit them twice when the cyclic garbage collector traverses the engine, and the
        # engine, with every ship of its run, would never be freed)
        self.model = model
        self.seed = seed
        self.replication = replication
        # the SimPy environment of the run (a ``sim.engine.environment.HubEnvironment``): its
        # clock is ``now`` and its event ids are the ids of the engine's wake-ups (see ``at``)
        self.env = env
        self.now = 0.0
        # the id of the next event, SimPy's or the engine's: the environment draws its own ids
        # from here once attached (``HubEnvironment.attach``), so both share one sequence
        self.next_id = next(env._eid)
        self.queue = TimeHeap()
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
        self.chamber_downtime = [
            [weather_check(w) for w in chambers] for chambers in self.chamber_windows
        ]
        self.lock_downtime = [weather_check(w) for w in self.lock_windows]
        self.terminal_windows = [
            merge_windows(windows if "berths" in applies else none, closures.get(terminal.id, none))
            for terminal in model.terminals
        ]
        self.terminal_downtime = [weather_check(w) for w in self.terminal_windows]
        # crane failures take one berth of a group out of service until repaired
        self.crane_failures = {}
        for g, group in enumerate(model.groups):
            terminal = model.terminals[group.terminal].id
            failures = breakdowns("crane", terminal, group.id, group.count)
            if len(failures):
                self.crane_failures[g] = failures

        # the vessels drawn so far: their columns grow in place a block at a time (see
        # ``draw_ahead``; the stations keep references to them)
        self.source = arrivals
        self.arrivals = DrawnArrivals()
        # each class's figures, shared by its ships' rows (one float object per class)
        classes = model.classes
        self.class_length: list[float] = [float(c.length_m) for c in classes]
        self.class_beam: list[float] = [float(c.beam_m) for c in classes]
        self.class_area: list[float] = [float(c.area_m2) for c in classes]
        self.v_itin = []
        self.v_payload = []
        self.v_length = []
        self.v_beam = []
        self.v_area = []
        self.v_step = []
        # record-only columns are typed arrays: written once, turned into numpy without copying
        self.v_exit = array("d")
        self.v_berth_arrival = array("d")
        self.v_berth_start = array("d")
        self.v_block = array("d")
        self.v_service_end = array("d")
        self.v_group = array("q")

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
        self.landside.reserve_feed_rows(arrivals.itinerary_counts)
        self.quay = self.landside  # what the berths see of it
        handling_code = {"unload": UNLOAD, "transship": UNLOAD, "load": LOAD}
        self.itin_handling = [handling_code.get(it.handling, OTHER) for it in model.itineraries]
        self.v_handling = []
        self.locks = [LockStation(self, spec, i) for i, spec in enumerate(model.locks)]
        self._service_draws = {
            g: _ServiceDraws(group.service_h, stream(seed, replication, f"service:{group.id}"))
            for g, group in enumerate(model.groups)
            if group.service_h is not None
        }
        self.terminals = [
            TerminalStation(self, spec, i, model.groups) for i, spec in enumerate(model.terminals)
        ]
        # the stops of registered kinds (codes 2 and up of ``model.stop_kinds``)
        self.other_stops: list[list[Station]] = [
            [_station_class(reference)(self, spec, i, code) for i, spec in enumerate(specs)]
            for code, (reference, specs) in enumerate(
                zip(model.stop_stations, model.stops, strict=True), start=2
            )
        ]
        self.visit_rows: list[tuple[int, int, int, float, float, float]] = []
        by_code: list[list[Station]] = [list(self.locks), list(self.terminals), *self.other_stops]
        self.itin_stations = [
            tuple(by_code[kind][i] for kind, i in zip(it.kinds, it.index, strict=True))
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
        self.v_diverted = array("q")
        self.logical_events = 0
        # ships held before a station by a control process: one row per hold
        self.hold_rows: list[tuple[int, str, int, float, float]] = []
        self._plan_feed()

    def _plan_feed(self) -> None:
        """What the feed needs to know of the itineraries, stations and landside stages."""
        model = self.model
        itineraries = model.itineraries
        # the stops ships are fed to: locks, terminals and the diverter (where the ships that
        # choose their terminal when they set off start)
        self.stops: list[Station] = [*self.locks, *self.terminals]
        for stops in self.other_stops:
            self.stops.extend(stops)
        if self.diverter is not None:
            self.stops.append(self.diverter)
        position = {id(station): i for i, station in enumerate(self.stops)}
        # per itinerary: index of its first stop (-1: none), hours to reach it, direction
        count = len(itineraries)
        self.first_stop = np.full(count, -1, dtype=np.int64)
        self.first_sail = np.zeros(count)
        self.first_direction = np.zeros(count, dtype=np.int64)
        self.after_h = np.array([it.sail_after_h for it in itineraries], dtype=float)
        for i, chain in enumerate(self.itin_stations):
            if self.diverter is not None and i in model.diversions:
                self.first_stop[i] = len(self.stops) - 1  # sets off on entry, direction 0
            elif chain:
                self.first_stop[i] = position[id(chain[0])]
                self.first_sail[i] = self.itin_sail[i][0]
                self.first_direction[i] = self.itin_direction[i][0]
        self.stop_itineraries: list[list[int]] = [[] for _ in self.stops]
        for i, stop in enumerate(self.first_stop.tolist()):
            if stop >= 0:
                self.stop_itineraries[stop].append(i)
        # per landside stage: the loading itineraries whose cargo the feed releases to it, with
        # their hours from entry to the berth and the cargo's dwell
        landside = self.landside
        self.stage_itineraries: list[list[tuple[int, float, float]]] = [[] for _ in landside.stages]
        for i, it in enumerate(itineraries):
            if landside.exporting[i]:
                for stage in sorted({o.stages[0] for o in it.landside if o.stages}):
                    self.stage_itineraries[stage].append((i, it.to_berth_h, it.dwell_h))
        # drawn but not yet handed to a stop (time, vessel, direction, sorted) or a stage
        none_f, none_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        self.stop_staged: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [
            (none_f, none_i, none_i) for _ in self.stops
        ]
        self.stage_staged: list[list[Entry[Job]]] = [[] for _ in landside.stages]
        # the latest arrival handed to each stop and stage (-inf: none yet)
        self.stop_last: list[float] = [-INF] * len(self.stops)
        self.stage_last: list[float] = [-INF] * len(landside.stages)
        # ships of each itinerary not drawn yet
        self.remaining: np.ndarray = self.source.itinerary_counts.copy()
        #: the event loop calls ``draw_ahead`` before an event at or after this hour
        self.feed_until_h = -INF

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
        """Start the feed: put the first vessels at their first resource (or straight to their
        exit), their cargo on its way to the berth if they load, and wake every station and
        landside stage for its first arrival.

        A station (a lock, a terminal, the diverter) reads its arrivals from a sorted feed
        (``Station.feed``), a landside stage the cargo of loading ships (``_Stage.feed``). The
        feed of the whole horizon is never built: the event loop calls :meth:`draw_ahead`
        before any event at or after ``feed_until_h``, which draws vessels until every stop and
        stage that will see more arrivals has been handed one past the clock. A station
        therefore finds, whenever it looks, the same next arrival as in a feed of the whole
        horizon: it pulls the same ships and asks to be woken at the same times.
        """
        self.draw_ahead(0.0)
        for station in self.stops:
            upcoming = station.next_arrival()
            if upcoming < math.inf:
                station.schedule_ring(upcoming)
        for stage in self.landside.stages:
            stage.set_feed(stage.feed)

    def draw_ahead(self, time_h: float) -> None:
        """Draw vessels, a block of about ``source.step_h`` hours at a time, until every stop
        and landside stage that will see more arrivals has been handed one more than
        ``_AHEAD_H`` past ``time_h`` (see :meth:`feed`)."""
        source = self.source
        # once every vessel is drawn, everything drawn has been handed over
        while self.feed_until_h <= time_h and not source.exhausted:
            until_h = source.until_h + source.step_h
            self._add(source.take(until_h), until_h)

    def draw_rest(self) -> None:
        """Draw every vessel not drawn yet."""
        while not self.source.exhausted:
            self._add(self.source.take(INF), INF)

    def _add(self, block: Arrivals, until_h: float) -> None:
        """Add the vessels of ``block`` (those entering before ``until_h`` not yet drawn) and
        hand the stops and stages what no vessel drawn later can come before."""
        first = len(self.v_itin)
        count = len(block.entry_h)
        if count:
            self.arrivals.extend(block)
            itinerary = block.itinerary
            entry = block.entry_h
            itineraries: list[int] = itinerary.tolist()
            klass: list[int] = block.vessel_class.tolist()
            self.v_itin.extend(itineraries)
            self.v_payload.extend(block.payload_t.tolist())
            lengths, beams, areas = self.class_length, self.class_beam, self.class_area
            self.v_length.extend([lengths[c] for c in klass])
            self.v_beam.extend([beams[c] for c in klass])
            self.v_area.extend([areas[c] for c in klass])
            self.v_step.extend([0] * count)
            handling = self.itin_handling
            self.v_handling.extend([handling[i] for i in itineraries])
            unknown = array("d", [NAN]) * count
            self.v_exit.extend(unknown)
            self.v_berth_arrival.extend(unknown)
            self.v_berth_start.extend(unknown)
            self.v_block.extend(unknown)
            self.v_service_end.extend(unknown)
            self.v_group.extend(array("q", [-1]) * count)
            self.v_diverted.extend(array("q", [0]) * count)
            self.remaining -= np.bincount(itinerary, minlength=len(self.remaining))
            where = self.first_stop[itinerary]
            at = entry + self.first_sail[itinerary]
            direction = self.first_direction[itinerary]
            vessel = np.arange(first, first + count, dtype=np.int64)
            gone = where < 0
            if gone.any():
                exits = (entry + self.after_h[itinerary])[gone]
                v_exit = self.v_exit
                for v, time_h in zip(vessel[gone].tolist(), exits.tolist(), strict=True):
                    v_exit[v] = time_h
            order = np.lexsort((vessel, at, where))
            bounds = np.searchsorted(where[order], np.arange(len(self.stops) + 1)).tolist()
            for s in range(len(self.stops)):
                chosen = order[bounds[s] : bounds[s + 1]]
                if len(chosen):
                    staged_at, staged_vessel, staged_direction = self.stop_staged[s]
                    all_at = np.concatenate((staged_at, at[chosen]))
                    all_vessel = np.concatenate((staged_vessel, vessel[chosen]))
                    all_direction = np.concatenate((staged_direction, direction[chosen]))
                    if len(staged_at):
                        merged = np.lexsort((all_vessel, all_at))
                        all_at = all_at[merged]
                        all_vessel = all_vessel[merged]
                        all_direction = all_direction[merged]
                    self.stop_staged[s] = (all_at, all_vessel, all_direction)
            feeds = self.landside.feed_exports(block, first)
            for c, jobs in enumerate(feeds):
                if jobs:
                    self.stage_staged[c].extend(jobs)
        self._hand_over(until_h)

    def _hand_over(self, until_h: float) -> None:
        """Hand each stop and stage, in order, the arrivals drawn that come before any of the
        vessels entering at or after ``until_h`` (not drawn yet); set ``feed_until_h``."""
        left: list[int] = self.remaining.tolist()
        first_sail: list[float] = self.first_sail.tolist()
        feed_until_h = INF
        for s, station in enumerate(self.stops):
            sails = [first_sail[i] for i in self.stop_itineraries[s] if left[i] > 0]
            # an undrawn ship enters at until_h or later and sails at least this far
            before_h = until_h + min(sails) if sails else INF
            staged_at, staged_vessel, staged_direction = self.stop_staged[s]
            k = int(np.searchsorted(staged_at, before_h, "left"))
            if k:
                station.feed.extend(
                    zip(
                        staged_at[:k].tolist(),
                        staged_vessel[:k].tolist(),
                        staged_direction[:k].tolist(),
                        strict=True,
                    )
                )
                self.stop_last[s] = float(staged_at[k - 1])
                self.stop_staged[s] = (staged_at[k:], staged_vessel[k:], staged_direction[k:])
            if sails:
                feed_until_h = min(feed_until_h, self.stop_last[s] - _AHEAD_H)
        for c, stage in enumerate(self.landside.stages):
            items = [(tb, dw) for i, tb, dw in self.stage_itineraries[c] if left[i] > 0]
            # an undrawn ship's cargo is ready (entry + to berth - dwell) at this hour or later
            before_h = min([max(0.0, until_h + tb - dw) for tb, dw in items], default=INF)
            staged = self.stage_staged[c]
            if staged:
                staged.sort(key=_entry_order)
                k = 0
                while k < len(staged) and staged[k].time < before_h:
                    k += 1
                if k:
                    stage.feed.extend(staged[:k])
                    self.stage_last[c] = staged[k - 1].time
                    del staged[:k]
            if items:
                feed_until_h = min(feed_until_h, self.stage_last[c] - _AHEAD_H)
        self.feed_until_h = feed_until_h

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

    def record_visit(
        self, code: int, index: int, vessel: int, arrival: float, start: float, end: float
    ) -> None:
        """The ship's visit to stop ``index`` of kind ``code``: arrival, start, end."""
        self.visit_rows.append((code, index, vessel, arrival, start, end))

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
        """The records of the run: of every vessel of the horizon (those not drawn yet are drawn
        now), or, after an ``overload``, of the vessels drawn when it stopped (every vessel that
        entered by then and those drawn ahead of the clock).

        Everything drawn is handed to the stations and stages first, so that their census
        (``Station.held``, ``jobs_held``) counts it."""
        if overload is None:
            self.draw_rest()
        self._hand_over(INF)
        self.landside.close_rows()
        drawn = self.arrivals.columns()
        vessels = {
            "flow": drawn["flow"],
            "vessel_class": drawn["vessel_class"],
            "payload_t": drawn["payload_t"],
            "entry_h": drawn["entry_h"],
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
            lockage, weights=drawn["payload_t"][passenger], minlength=len(self.l_lock)
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
        jobs = [*landside.feed_jobs, *landside.jobs]
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
            visits=_visit_table(self.visit_rows),
        )


def _station_class(reference: str) -> Any:
    """The station class a ``module:Name`` reference names (a registered stop kind's)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def _visit_table(rows: list[tuple[int, int, int, float, float, float]]) -> dict[str, np.ndarray]:
    """The visits to stops of registered kinds, as columns (empty without such stops)."""
    if not rows:
        return {}
    kind, index, vessel, arrival, start, end = zip(*rows, strict=True)
    return {
        "kind": _ints(kind),
        "stop": _ints(index),
        "vessel": _ints(vessel),
        "arrival_h": _floats(arrival),
        "start_h": _floats(start),
        "end_h": _floats(end),
    }


def _entry_order(entry: Entry[Job]) -> tuple[float, int]:
    return (entry.time, entry.key)


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
    ``step`` pops from it). Before an event at or after ``engine.feed_until_h`` the engine
    draws the vessels its stations may need to see then (:meth:`Engine.draw_ahead`, which
    schedules no event). Raises ``EmptySchedule`` when both queues are empty; with ``once``
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
            if simpy_time >= engine.feed_until_h:
                engine.draw_ahead(simpy_time)
            if simpy_time >= engine.next_day_h:
                _new_day(engine, simpy_time)
            engine.simpy_events += 1
            seen = -1
            step(env)  # sets the clock (``env._now`` is ``engine.now``)
        elif own_time < INF:
            if own_time >= engine.feed_until_h:
                engine.draw_ahead(own_time)
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
