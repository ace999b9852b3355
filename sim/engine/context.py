"""What a facility may use of its replication: the context the engine gives each station.

Stations (:mod:`sim.engine.stations`) and the landside (:mod:`sim.engine.landside`) never see
the engine (:class:`sim.engine.core.Engine`): they are built with a :class:`Context`, which
states everything they may read, call and record, and nothing else. The engine *is* a
context (it subclasses :class:`Context` and fills it), so a station reads the clock or a
vessel's figures with one native attribute access of the compiled code; but a station's code
is type-checked against this class only, and this module imports neither the engine nor the
stations, so the facility modules depend on it and not on each other or on the engine.

The contract of a facility, read from this module (and, for ships' facilities, from the
base class ``Station`` of :mod:`sim.engine.stations`):

- **accepting work**: a facility on ships' itineraries is a :class:`Stop`: ``push`` tells it
  a ship will arrive (``Station.pull`` moves the ships due into its queues and
  ``Station.enqueue`` puts one at the back); when the ship is done there the facility calls
  :meth:`Context.leave`, which sends it on. A landside stage takes jobs (tonnes of one call)
  the same way (``push(job, ready_h)``) and hands them on with ``Landside.passed``;
- **when it is free**: it is a :class:`Waker`: it asks to be woken (``schedule_ring``) when a
  server may be free or a ship is due, and serves in ``ring``; its own timed ends (a lockage,
  a berth call) are :class:`Wake` subclasses scheduled with :meth:`Context.at`;
- **what it records**: through the context's ``record_*`` methods (or typed columns it owns
  and the engine collects after the run), never into the engine's columns;
- **its invariants**: ``Station.held`` (every ship due, queued, anchored or in service there)
  feeds the census of :mod:`sim.engine.invariants`, which checks on every replication that
  each ship is in exactly one place and the tonnes are conserved; ``Station.check_queues``
  stops an overloaded run (:class:`sim.engine.stations.Overloaded`) naming the facility;
- **what it reads**: the vessels' columns (``v_*``, indexed by vessel; they hold the vessels
  drawn so far and grow, in place, as the clock advances: a facility keeps a reference to a
  column, never a copy), the itineraries' (``itin_*``, indexed by itinerary) and, for its own
  index, its downtime checks.

Everything else hubsim says about a kind (its scenario section, KPI table, ranking, relief
rule, labels) is its descriptor in :mod:`sim.facilities`.

The clock unit is the hour.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

from sim.engine.heap import TimeHeap
from sim.model.specs import CompiledModel

__all__ = [
    "LOAD",
    "OTHER",
    "UNLOAD",
    "Call",
    "Context",
    "Downtime",
    "NoLandside",
    "Quay",
    "StandaloneContext",
    "Stop",
    "Wake",
    "Waker",
]

INF: Final = math.inf
#: what a ship does at its berth (``Context.v_handling``)
UNLOAD: Final = 0
LOAD: Final = 1
OTHER: Final = 2

#: A downtime check: for an hour, the end of the downtime window covering it (or the hour
#: itself when the resource is up); None for a resource that is never down.
Downtime = Callable[[float], float] | None


class Wake:
    """An engine wake-up in the engine's own queue, ordered with SimPy's events: the loop
    calls ``fire`` when the clock reaches it (see :meth:`Context.at` and
    :func:`sim.engine.core.drive`). Subclasses carry what their callback needs, so the hot
    wake-ups need no ``functools.partial`` and compile to direct calls."""

    def fire(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


class Call(Wake):
    """A wake-up calling ``callback()`` (for the rare events: commissioning, breakdowns)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback

    def fire(self) -> None:
        self.callback()


class Waker:
    """Something that asks to be woken ("rung") at a time; an earlier request supersedes a
    later one, which then rings for nothing and is ignored."""

    context: Context
    ring_at: float  # set by every subclass: INF while no ring is due

    def schedule_ring(self, time_h: float) -> None:
        """Wake at ``time_h`` (earlier requests win; later ones are dropped)."""
        if time_h >= self.ring_at:
            return
        self.ring_at = time_h
        self.context.at(time_h, _Ring(self, time_h))

    def on_ring(self, time_h: float) -> None:
        if time_h != self.ring_at:
            return  # superseded by an earlier ring
        self.ring_at = INF
        self.ring()

    def ring(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


class _Ring(Wake):
    def __init__(self, waker: Waker, time_h: float) -> None:
        self.waker = waker
        self.time_h = time_h

    def fire(self) -> None:
        self.waker.on_ring(self.time_h)


class Stop(Waker):
    """A facility on ships' itineraries (a lock, a terminal's berth groups): ships are pushed
    to it and leave it through :meth:`Context.leave`."""

    def push(self, time_h: float, vessel: int, direction: int) -> None:
        """The ship ``vessel`` will arrive at ``time_h`` (heading ``direction`` at a lock)."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it


class Quay:
    """The landside as the berths see it (:class:`sim.engine.landside.Landside` implements
    it): yard space for unloading ships, cargo for loading ones."""

    def unloading(self, vessel: int, group: int, now: float, granted: Callable[[], None]) -> bool:
        """An unloading ship at berth group ``group`` books yard space (True: it fits now;
        otherwise ``granted`` is called when it does)."""
        raise NotImplementedError  # pragma: no cover - overridden

    def loading(self, vessel: int, now: float, granted: Callable[[], None]) -> bool:
        """A loading ship at berth: True if its cargo is all at the terminal (otherwise
        ``granted`` is called when it is)."""
        raise NotImplementedError  # pragma: no cover - overridden

    def unloaded(self, vessel: int, group: int, now: float) -> None:
        """The ship's handling at berth group ``group`` ended at ``now``: its cargo lands."""
        raise NotImplementedError  # pragma: no cover - overridden

    def release_exports(self, vessel: int, now: float) -> None:
        """A loading ship set off at ``now``: its cargo heads for its terminal."""
        raise NotImplementedError  # pragma: no cover - overridden


class NoLandside(Quay):
    """No landside: yard space and cargo are always there (a :class:`StandaloneContext`'s)."""

    def unloading(self, vessel: int, group: int, now: float, granted: Callable[[], None]) -> bool:
        return True

    def loading(self, vessel: int, now: float, granted: Callable[[], None]) -> bool:
        return True

    def unloaded(self, vessel: int, group: int, now: float) -> None:
        return None

    def release_exports(self, vessel: int, now: float) -> None:
        return None


class Context:
    """What a station may use of the replication it runs in (see the module).

    The engine fills every attribute before it builds a station; stations only read them,
    except the vessel columns a routing decision changes (``v_itin``, ``v_handling``,
    ``v_diverted`` by the diverter, ``v_step``, ``v_exit`` through :meth:`leave`).
    """

    # -- the clock and the event queue ----------------------------------------------------------
    #: the simulation clock (hours)
    now: float
    #: the hour the run ends at
    horizon_h: float
    #: the engine's wake-ups, merged with SimPy's queue by the run's loop
    queue: TimeHeap[Wake]
    #: the id of the next event, the engine's or SimPy's: one sequence (see :meth:`at`)
    next_id: int
    #: wake-ups scheduled so far, and the logical events counted (records, moves)
    scheduled: int
    logical_events: int
    #: a queue longer than this stops the run (:class:`sim.engine.stations.Overloaded`)
    overload_limit: int

    # -- the compiled model (plain data, read only) -------------------------------------------
    model: CompiledModel

    # -- downtime, for each lock, chamber (per lock) and terminal, and crane failures ---------
    lock_downtime: list[Downtime]
    chamber_downtime: list[list[Downtime]]
    terminal_downtime: list[Downtime]
    #: failure windows (start, end) of one berth of a group, per berth group index
    crane_failures: dict[int, np.ndarray]

    # -- vessels (indexed by vessel: those drawn so far, see ``Engine.feed``) ------------------
    v_itin: list[int]  # its itinerary (after any diversion)
    v_step: list[int]  # the station of its itinerary it is at
    v_length: list[float]  # metres
    v_beam: list[float]  # metres
    v_area: list[float]  # square metres it takes in a chamber
    v_payload: list[float]  # tonnes
    v_handling: list[int]  # what it does at its berth: UNLOAD, LOAD or OTHER
    v_exit: array[float]  # when it leaves the model (NaN: not yet)
    v_diverted: array[int]  # 1 if the diverter sent it to another terminal

    # -- itineraries (indexed by itinerary) -----------------------------------------------------
    itin_stations: list[tuple[Stop, ...]]  # the stops, in order
    itin_sail: list[tuple[float, ...]]  # hours sailed to each stop
    itin_direction: list[tuple[int, ...]]  # direction through each stop
    itin_after: list[float]  # hours from the last stop to the exit
    itin_handling: list[int]  # what its ships do at the berth (as ``v_handling``)
    itin_yard: list[int]  # the yard its cargo lands in (-1: none)
    itin_eligible: list[tuple[int, ...]]  # the berth groups its ships may use

    # -- the landside, as the berths see it ------------------------------------------------------
    quay: Quay

    def at(self, time_h: float, event: Wake) -> None:
        """Fire ``event`` at ``time_h`` (or now, if that is past).

        The engine's wake-ups are kept in their own compiled heap (:mod:`sim.engine.heap`)
        beside SimPy's event queue, and :func:`sim.engine.core.drive` merges the two heads. A
        wake-up takes the next id of the run's one event-id sequence (``next_id``, which SimPy's
        ``next(env._eid)`` continues once the environment is attached), so it is ordered
        exactly as an ``env.timeout`` created at this call would be: by time, then SimPy's
        URGENT events before NORMAL ones (all wake-ups are NORMAL), then by id (the order they
        were scheduled in).
        """
        self.scheduled += 1
        key = self.next_id
        self.next_id = key + 1
        self.queue.push(time_h if time_h > self.now else self.now, key, event)

    def leave(self, vessel: int, now: float) -> None:
        """The vessel is done with its current stop at ``now``: on to the next, or out."""
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

    def set_off(self, vessel: int, now: float) -> None:
        """A ship that chose its terminal at ``now`` sails to its first stop."""
        itinerary = self.v_itin[vessel]
        self.v_handling[vessel] = self.itin_handling[itinerary]
        stations = self.itin_stations[itinerary]
        self.quay.release_exports(vessel, now)
        if not stations:
            self.v_exit[vessel] = now + self.itin_after[itinerary]
            return
        stations[0].push(
            now + self.itin_sail[itinerary][0], vessel, self.itin_direction[itinerary][0]
        )

    def eligible_of(self, vessel: int) -> tuple[int, ...]:
        """The berth groups the ship ``vessel`` may use."""
        return self.itin_eligible[self.v_itin[vessel]]

    def yard_of(self, vessel: int) -> int:
        """Index of the yard the vessel's cargo lands in (-1: none)."""
        return self.itin_yard[self.v_itin[vessel]]

    # -- what the engine provides: drawn service times and the records -----------------------------
    def service_time(self, g: int, vessel: int) -> float:
        """Hours the ship ``vessel`` takes at a berth of group ``g`` once handling starts."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it

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
        """One lockage (``batch`` empty: the chamber crossed empty) filling ``area_share`` of
        the chamber's area."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it

    def record_passages(self, batch: list[tuple[float, int]]) -> None:
        """One row per ship (arrival, vessel) of ``batch``, in the lockage just recorded."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it

    def record_berth(
        self, vessel: int, group: int, arrival: float, start: float, block: float, end: float
    ) -> None:
        """The ship's call at berth group ``group``: arrival, start, hours blocked waiting
        for the yard or its cargo, end of service."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it

    def record_hold(
        self, vessel: int, station: str, direction: int, start: float, end: float
    ) -> None:
        """The ship ``vessel`` waited at the anchorage before ``station`` from start to end."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it

    def record_visit(
        self, code: int, index: int, vessel: int, arrival: float, start: float, end: float
    ) -> None:
        """The ship's visit to stop ``index`` of the kind with itinerary code ``code`` (a
        registered stop kind, :class:`sim.engine.stations.servers.ServerStop`): arrival,
        start and end of service."""
        raise NotImplementedError  # pragma: no cover - the engine overrides it


class StandaloneContext(Context):
    """A context without an engine, to run facilities on their own (unit tests, a new facility
    kind tried by hand): ships given by their figures, itineraries added with :meth:`route`,
    events run by :meth:`run`, records kept as lists of tuples.

    No lock, chamber or terminal is ever down (the ``*_downtime`` lists hold ``None`` for
    ``locks`` locks of ``chambers`` chambers each and for ``terminals`` terminals; assign
    other checks before building the station), there is no landside (:class:`NoLandside`)
    and ``model`` is unset unless given.

    Parameters
    ----------
    length_m, beam_m, area_m2, payload_t : sequences of float
        The ships' figures, indexed by vessel.
    service_h : callable, optional
        ``service_h(group, vessel)``: hours of service at a berth (default: 1).
    """

    def __init__(
        self,
        length_m: Sequence[float],
        beam_m: Sequence[float],
        area_m2: Sequence[float],
        payload_t: Sequence[float],
        *,
        locks: int = 0,
        chambers: int = 2,
        terminals: int = 0,
        service_h: Callable[[int, int], float] | None = None,
        horizon_h: float = INF,
        overload_limit: int = 1_000_000,
        model: CompiledModel | None = None,
    ) -> None:
        n = len(length_m)
        if not len(beam_m) == len(area_m2) == len(payload_t) == n:
            raise ValueError("length_m, beam_m, area_m2 and payload_t must have one value per ship")
        self.now = 0.0
        self.horizon_h = horizon_h
        self.queue = TimeHeap()
        self.next_id = 0
        self.scheduled = 0
        self.logical_events = 0
        self.overload_limit = overload_limit
        if model is not None:
            self.model = model
        self.lock_downtime = [None] * locks
        self.chamber_downtime = [[None] * chambers for _ in range(locks)]
        self.terminal_downtime = [None] * terminals
        self.crane_failures = {}
        self.v_itin = [-1] * n
        self.v_step = [0] * n
        self.v_length = [float(x) for x in length_m]
        self.v_beam = [float(x) for x in beam_m]
        self.v_area = [float(x) for x in area_m2]
        self.v_payload = [float(x) for x in payload_t]
        self.v_handling = [OTHER] * n
        self.v_exit = array("d", [math.nan]) * n
        self.v_diverted = array("q", [0]) * n
        self.itin_stations = []
        self.itin_sail = []
        self.itin_direction = []
        self.itin_after = []
        self.itin_handling = []
        self.itin_yard = []
        self.itin_eligible = []
        self.quay = NoLandside()
        self.service_h = service_h
        #: records: (lock, chamber, direction, start, end, ships, area share) per lockage,
        #: (vessel, arrival, lockage row) per passage, (vessel, group, arrival, start, block,
        #: end) per berth call, (vessel, station, direction, start, end) per hold, (code,
        #: stop, vessel, arrival, start, end) per visit to a stop of a registered kind
        self.lockages: list[tuple[int, int, int, float, float, int, float]] = []
        self.passages: list[tuple[int, float, int]] = []
        self.berths: list[tuple[int, int, float, float, float, float]] = []
        self.holds: list[tuple[int, str, int, float, float]] = []
        self.visits: list[tuple[int, int, int, float, float, float]] = []

    def route(
        self,
        stops: Sequence[Stop],
        sail_h: Sequence[float],
        direction: Sequence[int],
        *,
        after_h: float = 0.0,
        eligible: tuple[int, ...] = (),
        ships: Sequence[int] = (),
    ) -> int:
        """Add an itinerary (its ``stops`` in order, the hours sailed to each and the direction
        through each) and put ``ships`` on it; returns its index."""
        if not len(stops) == len(sail_h) == len(direction):
            raise ValueError("stops, sail_h and direction must have one value per stop")
        self.itin_stations.append(tuple(stops))
        self.itin_sail.append(tuple(float(h) for h in sail_h))
        self.itin_direction.append(tuple(direction))
        self.itin_after.append(after_h)
        self.itin_handling.append(OTHER)
        self.itin_yard.append(-1)
        self.itin_eligible.append(eligible)
        index = len(self.itin_stations) - 1
        for vessel in ships:
            self.v_itin[vessel] = index
        return index

    def run(self, until_h: float = INF) -> None:
        """Fire the wake-ups due up to ``until_h``, in order (the clock ends at ``until_h`` if
        that is finite, else at the last wake-up)."""
        queue = self.queue
        while len(queue) and queue.first_time() <= until_h:
            entry = queue.pop()
            self.now = entry.time
            entry.value.fire()
        if until_h < INF:
            self.now = until_h

    def service_time(self, g: int, vessel: int) -> float:
        service_h = self.service_h
        return 1.0 if service_h is None else service_h(g, vessel)

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
        self.lockages.append((lock, chamber, direction, start, end, len(batch), area_share))

    def record_passages(self, batch: list[tuple[float, int]]) -> None:
        row = len(self.lockages) - 1
        for arrival, vessel in batch:
            self.passages.append((vessel, arrival, row))

    def record_berth(
        self, vessel: int, group: int, arrival: float, start: float, block: float, end: float
    ) -> None:
        self.berths.append((vessel, group, arrival, start, block, end))

    def record_hold(
        self, vessel: int, station: str, direction: int, start: float, end: float
    ) -> None:
        self.holds.append((vessel, station, direction, start, end))

    def record_visit(
        self, code: int, index: int, vessel: int, arrival: float, start: float, end: float
    ) -> None:
        self.visits.append((code, index, vessel, arrival, start, end))
