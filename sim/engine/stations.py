"""Stations: where vessels wait for a resource. Locks (chambers) and terminals (berth groups).

Vessels are rows of the context's tables, not processes: a vessel meets its resources one after
the other, and between them it only sails. An arrival is put in the station's *pending* heap
when it is known (at the end of the vessel's previous step) and joins the queue when a server
looks at the station at or after its arrival time. Busy stations therefore cost no event per
arrival; an idle station asks to be woken at its next arrival (a "ring"). This keeps the event
count proportional to lockages and services rather than vessel moves, while every vessel's
arrival, start and end times are exact.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import Final

import numpy as np

from sim.compiled import BerthGroupSpec, LockSpec, TerminalSpec
from sim.engine.context import LOAD, OTHER, UNLOAD, Call, Context, Stop, Wake, Waker
from sim.engine.heap import Entry, TimeHeap

__all__ = [
    "LOAD",
    "OTHER",
    "UNLOAD",
    "Call",
    "Diverter",
    "LockStation",
    "Overloaded",
    "Station",
    "TerminalStation",
    "Wake",
    "Waker",
    "merge_windows",
    "weather_check",
]

INF: Final = math.inf


class Overloaded(Exception):
    """A queue grew past the scenario's limit: demand exceeds what a resource can serve."""

    def __init__(self, resource: str, kind: str, time_h: float, length: int) -> None:
        # SimPy re-raises process exceptions as type(error)(*error.args): keep args complete
        super().__init__(resource, kind, time_h, length)
        self.resource, self.kind, self.time_h, self.length = resource, kind, time_h, length

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.resource}: queue of {self.length} vessels at hour "
            f"{self.time_h:,.0f}"
        )


class Station(Stop):
    """Pending arrivals and the wake-up ("ring") of idle servers.

    Arrivals known from the start (a vessel's first resource) come from a sorted feed read by
    index; arrivals pushed during the run (from a previous resource) go to a heap.
    """

    name: str

    def __init__(self, context: Context) -> None:
        self.context = context
        # arrivals on their way: (time, vessel, direction)
        self.pending: TimeHeap[int] = TimeHeap()
        self.feed: list[tuple[float, int, int]] = []
        self.feed_next = 0
        self.ring_at = INF
        self.limit = context.overload_limit
        # ships held before the station (at its anchorage) by a control process, per direction
        # they head in (see ``start_hold``): (arrival, vessel, direction), in arrival order
        self.holding = [False, False]
        self.anchorage: list[tuple[float, int, int]] = []

    def next_arrival(self) -> float:
        """Time of the earliest arrival not yet in a queue (inf if none is known)."""
        feed_time = self.feed[self.feed_next][0] if self.feed_next < len(self.feed) else INF
        heap_time = self.pending.first_time()
        return feed_time if feed_time < heap_time else heap_time

    def arrivals_until(self, now: float) -> list[tuple[float, int, int]]:
        """Remove and return, in time order, the arrivals at or before ``now``."""
        out: list[tuple[float, int, int]] = []
        feed, pending = self.feed, self.pending
        i = self.feed_next
        n = len(feed)
        while True:
            feed_item = feed[i] if i < n and feed[i][0] <= now else None
            if pending.first_time() <= now and (
                feed_item is None or _before(pending.first(), feed_item)
            ):
                entry = pending.pop()
                out.append((entry.time, entry.key, entry.value))
            elif feed_item is not None:
                out.append(feed_item)
                i += 1
            else:
                break
        self.feed_next = i
        return out

    def held(self) -> list[int]:
        """Vessels this station holds: due or on their way (pending), queued, in service."""
        out = [v for _, v, _ in self.feed[self.feed_next :]]
        out.extend(entry.key for entry in self.pending.entries)
        out.extend(v for _, v, _ in self.anchorage)
        out.extend(self.queued_vessels())
        out.extend(self.serving_vessels())
        return out

    # -- holds (control processes, see sim.engine.control) -------------------------------------
    def start_hold(self, direction: int) -> None:
        """From now on, ships arriving heading ``direction`` (-1: any) wait at the anchorage
        before the station instead of joining its queue, until :meth:`release_hold`."""
        self.pull(self.context.now)  # ships already here stay in the queue
        for side in (0, 1):
            if direction < 0 or side == direction:
                self.holding[side] = True

    def release_hold(self, direction: int) -> None:
        """Ships held at the anchorage heading ``direction`` (-1: any) join the queue now, in
        the order they arrived; each one's hold is recorded (see ``Context.record_hold``)."""
        context = self.context
        now = context.now
        self.pull(now)  # ships due by now are at the anchorage too
        released: list[tuple[float, int, int]] = []
        kept: list[tuple[float, int, int]] = []
        for item in self.anchorage:
            (released if direction < 0 or item[2] == direction else kept).append(item)
        self.anchorage = kept
        for side in (0, 1):
            if direction < 0 or side == direction:
                self.holding[side] = False
        for arrival, vessel, side in released:
            context.record_hold(vessel, self.name, side, arrival, now)
            self.enqueue(now, vessel, side)
        self.check_queues(now)
        self.ring()

    def enqueue(self, time_h: float, vessel: int, direction: int) -> None:
        """Put a ship that arrived at ``time_h`` at the back of its queue."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def check_queues(self, now: float) -> None:
        """Raise :class:`Overloaded` if a queue (or the anchorage) is past the limit."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def pull(self, now: float) -> None:
        """Move the arrivals due by ``now`` into the queues."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def queued_vessels(self) -> list[int]:  # pragma: no cover - overridden
        raise NotImplementedError

    def serving_vessels(self) -> list[int]:  # pragma: no cover - overridden
        raise NotImplementedError


class LockStation(Station):
    """A lock: one FCFS queue per direction, chambers that alternate sides.

    Each chamber is a small state machine driven by wake-ups on the event queue: when it is
    free it pulls the arrivals due, picks the ships to lock (first come, first served, packed by
    area without overtaking; a ship that can never fit this chamber is left for another one),
    and either starts a lockage, crosses empty to the side where ships wait (unless another
    chamber able to take them is there or on its way) or waits. Under the ``fill`` policy a
    chamber that is not full waits for more ships until its first ship has waited
    ``fill_max_wait_h``, while nobody waits on the other side or while it holds less than
    ``fill_min_share`` of its usable area; meanwhile the other chambers serve the other side.
    Lockage time = ships x move time (in) + levelling + ships x move time / 2 (out).
    """

    def __init__(self, context: Context, spec: LockSpec, index: int) -> None:
        super().__init__(context)
        self.spec = spec
        self.index = index
        self.name = spec.id
        self.queues: tuple[deque[tuple[float, int]], deque[tuple[float, int]]] = (deque(), deque())
        self.weather = context.lock_downtime[index]
        self.chamber_downtime = context.chamber_downtime[index]
        count = len(spec.chambers)
        # side each chamber is at, or will be at when its current movement ends; -1 = not yet
        # (or no longer) in service
        self.position = [-1] * count
        self.waiting = [False] * count
        self.in_chamber: dict[int, list[tuple[float, int]]] = {}
        self.filling = -1  # side where a chamber waits to fill (-1: none)
        self.fill = spec.policy == "fill"
        self.lengths, self.beams, self.areas = context.v_length, context.v_beam, context.v_area
        # the chambers' figures as plain lists (read on every lockage)
        chambers = spec.chambers
        self.c_length: list[float] = [c.length_m for c in chambers]
        self.c_width: list[float] = [c.width_m for c in chambers]
        self.c_usable: list[float] = [c.usable_area_m2 for c in chambers]
        self.fill_min_area: list[float] = [c.usable_area_m2 * spec.fill_min_share for c in chambers]
        self.c_levelling: list[float] = [c.levelling_h for c in chambers]
        self.c_end: list[float] = [c.end_h for c in chambers]
        self.move_h: float = spec.move_h
        self.fill_max_wait_h: float = spec.fill_max_wait_h
        for number, chamber in enumerate(chambers):
            if chamber.start_h < context.horizon_h and chamber.end_h > 0:
                if chamber.start_h <= 0:
                    self.position[number] = 0
                    self.waiting[number] = True
                else:
                    context.at(chamber.start_h, Call(partial(self._commission, number)))

    def _commission(self, number: int) -> None:
        self.position[number] = 0
        self._step(number)

    def queued_vessels(self) -> list[int]:
        return [v for queue in self.queues for _, v in queue]

    def serving_vessels(self) -> list[int]:
        return [v for batch in self.in_chamber.values() for _, v in batch]

    # -- arrivals --------------------------------------------------------------------------
    def push(self, time_h: float, vessel: int, direction: int) -> None:
        self.pending.push(time_h, vessel, direction)
        if time_h < self.ring_at and True in self.waiting:
            self.schedule_ring(time_h)

    def pull(self, now: float) -> None:
        feed, pending = self.feed, self.pending
        if not (pending.first_time() <= now) and not (
            self.feed_next < len(feed) and feed[self.feed_next][0] <= now
        ):
            return
        queues, holding = self.queues, self.holding
        # merge the sorted feed and the heap up to now (arrivals_until, inlined)
        i, n = self.feed_next, len(feed)
        while True:
            from_feed = i < n and feed[i][0] <= now
            if pending.first_time() <= now and (not from_feed or _before(pending.first(), feed[i])):
                entry = pending.pop()
                time_h, vessel, direction = entry.time, entry.key, entry.value
            elif from_feed:
                time_h, vessel, direction = feed[i]
                i += 1
            else:
                break
            if holding[direction]:
                self.anchorage.append((time_h, vessel, direction))
            else:
                queues[direction].append((time_h, vessel))
        self.feed_next = i
        # (check_queues, inlined: this runs on every lockage)
        limit = self.limit
        for queue in queues:
            if len(queue) > limit:
                raise Overloaded(self.name, "lock", now, len(queue))
        if self.anchorage and len(self.anchorage) > limit:
            raise Overloaded(self.name, "lock", now, len(self.anchorage))

    def check_queues(self, now: float) -> None:
        for queue in self.queues:
            if len(queue) > self.limit:
                raise Overloaded(self.name, "lock", now, len(queue))
        if len(self.anchorage) > self.limit:
            raise Overloaded(self.name, "lock", now, len(self.anchorage))

    def enqueue(self, time_h: float, vessel: int, direction: int) -> None:
        self.queues[direction].append((time_h, vessel))

    def ring(self) -> None:
        now = self.context.now
        self.pull(now)
        if not self.queues[0] and not self.queues[1]:
            # nothing to lock: stay idle until the next arrival (or the end of a weather stop)
            wake = self.next_arrival()
            if self.weather is not None:
                clear = self.weather(now)
                if clear > now:
                    wake = min(wake, clear)
            if wake < INF:
                self.schedule_ring(wake)
            return
        # wake the idle chambers one at a time, those on the side where ships wait first, and
        # stop as soon as nobody is left to lock
        queues, position, waiting = self.queues, self.position, self.waiting
        chambers = range(len(waiting))
        idle = [n for n in chambers if waiting[n] and queues[position[n]]]
        idle.extend(n for n in chambers if waiting[n] and not queues[position[n]])
        self.filling = -1
        for number in idle:
            if not queues[0] and not queues[1]:
                break  # nobody left to lock
            if position[number] == self.filling and not queues[1 - self.filling]:
                continue  # a chamber on this side already waits to fill with these ships
            if waiting[number]:
                self._step(number)
        if True in waiting:
            wake = self.next_arrival()
            if wake < INF:
                self.schedule_ring(wake)

    def _idle(self, number: int, until: float = INF) -> None:
        self.waiting[number] = True
        wake = min(until, self.next_arrival())
        if wake < INF:
            self.schedule_ring(wake)

    # -- chambers ----------------------------------------------------------------------------
    def _step(self, number: int) -> None:
        """Chamber ``number`` is free at its side: decide what it does next."""
        self.waiting[number] = False
        now = self.context.now
        if now >= self.c_end[number]:
            self.position[number] = -1
            return
        self.pull(now)
        downtime = self.chamber_downtime[number]
        if downtime is not None:
            clear = downtime(now)
            if clear > now:
                self._idle(number, until=clear)
                return
        queues = self.queues
        side = self.position[number]
        if queues[side] and not (self.filling == side and queues[1 - side]):
            direction = side
        elif queues[1 - side]:  # (or another chamber waits to fill with the ships here)
            direction = 1 - side
        else:
            self._idle(number)
            return
        queue = queues[direction]
        lengths, beams, areas = self.lengths, self.beams, self.areas
        length_m, width_m = self.c_length[number], self.c_width[number]
        usable = self.c_usable[number]
        batch: list[tuple[float, int]] = []
        used = 0.0
        full = False
        skipped = False
        for item in queue:
            vessel = item[1]
            if lengths[vessel] > length_m or beams[vessel] > width_m:
                skipped = True  # never fits this chamber; waits for another one
                continue
            area = areas[vessel]
            if used + area > usable:
                full = True
                break
            batch.append(item)
            used += area
        if not batch:
            self._idle(number)
            return
        if direction != side:
            head = batch[0][1]
            position = self.position
            c_length, c_width = self.c_length, self.c_width
            for other in range(len(position)):
                if (
                    other != number
                    and position[other] == direction
                    and lengths[head] <= c_length[other]
                    and beams[head] <= c_width[other]
                ):
                    self._idle(number)
                    return
            self.position[number] = direction
            self.context.at(
                now + self.c_levelling[number], _Crossed(self, number, 1 - direction, now)
            )
            return
        if (
            self.fill
            and not full
            and (not queues[1 - direction] or used < self.fill_min_area[number])
        ):
            # wait to fill while nobody waits on the other side, or while the chamber is filled
            # to less than fill_min_share of its usable area
            deadline = batch[0][0] + self.fill_max_wait_h
            if deadline > now:
                self.filling = direction
                self._idle(number, until=deadline)
                return
        if skipped:
            chosen = {v for _, v in batch}
            kept = [item for item in queue if item[1] not in chosen]
            queue.clear()
            queue.extend(kept)
        else:
            for _ in batch:
                queue.popleft()
        self.position[number] = 1 - direction
        self.in_chamber[number] = batch
        # ships enter one by one, the chamber levels, ships leave one by one in half the time
        self.context.at(
            now + 1.5 * self.move_h * len(batch) + self.c_levelling[number],
            _Locked(self, number, direction, now, batch, used),
        )

    def crossed(self, number: int, direction: int, start: float) -> None:
        """Chamber ``number`` crossed empty to the side ``direction`` leaves from."""
        self.context.record_lockage(self.index, number, direction, start, self.context.now, [], 0.0)
        self._step(number)

    def locked(
        self,
        number: int,
        direction: int,
        start: float,
        batch: list[tuple[float, int]],
        used: float,
    ) -> None:
        """The lockage of ``batch`` by chamber ``number`` is over: the ships sail on."""
        context = self.context
        end = context.now
        del self.in_chamber[number]
        context.record_lockage(
            self.index,
            number,
            direction,
            start,
            end,
            batch,
            used / (self.c_length[number] * self.c_width[number]),
        )
        context.record_passages(batch)
        for _, vessel in batch:  # on to each ship's next stop
            context.leave(vessel, end)
        self._step(number)


class TerminalStation(Station):
    """A terminal's berth groups: first free eligible berth, FCFS among the eligible ships.

    Ships with the same eligible groups share a FIFO; when a berth of group g is free, the
    earliest-arrived ship among the FIFOs eligible for g takes it. Groups are filled smallest
    first, so a small ship takes a free small berth before a large one that fits it too.
    """

    def __init__(
        self,
        context: Context,
        spec: TerminalSpec,
        index: int,
        groups: tuple[BerthGroupSpec, ...],
    ) -> None:
        super().__init__(context)
        self.spec = spec
        self.index = index
        self.name = spec.id
        self.groups = groups
        # per berth group (indexed like ``groups``; only this terminal's are used): free
        # berths, ships in service, berths in service, the FIFOs that may use it
        self.free: list[int] = [0] * len(groups)
        self.busy: list[int] = [0] * len(groups)
        self.capacity: list[int] = [0] * len(groups)
        self.fifos: dict[tuple[int, ...], deque[tuple[float, int]]] = {}
        self.fifos_of_group: list[list[deque[tuple[float, int]]]] = [[] for _ in groups]
        self.fifo_of_itinerary: dict[int, deque[tuple[float, int]]] = {}
        self.queued = 0
        self.free_total = 0
        self.serving: set[int] = set()
        # smallest berths first: a ship takes the free berth that fits it most tightly
        self.order = sorted(spec.groups, key=lambda g: (groups[g].max_vessel_dwt_t, g))
        for g in spec.groups:
            for start, end in context.crane_failures.get(g, np.empty((0, 2))).tolist():
                if max(start, groups[g].start_h) < min(end, groups[g].end_h):
                    context.at(start, Call(partial(self._crane_down, g)))
                    context.at(end, Call(partial(self._crane_up, g)))
        self.weather = context.terminal_downtime[index]
        for g in spec.groups:
            group = groups[g]
            if group.start_h <= 0:
                self._commission(g)
            elif group.start_h < context.horizon_h:
                context.at(group.start_h, Call(partial(self._commission, g)))
            if group.end_h < context.horizon_h:
                context.at(max(0.0, group.end_h), Call(partial(self._decommission, g)))

    def queued_vessels(self) -> list[int]:
        return [v for fifo in self.fifos.values() for _, v in fifo]

    def serving_vessels(self) -> list[int]:
        return list(self.serving)

    def _commission(self, g: int) -> None:
        count = self.groups[g].count
        self.capacity[g] += count
        self.free[g] += count
        self.free_total += count
        self.ring()

    def _decommission(self, g: int) -> None:
        count = self.groups[g].count
        self.capacity[g] -= count
        self.free[g] -= count
        self.free_total -= count

    def _crane_down(self, g: int) -> None:
        """A crane fails: one berth of the group stops once its ship is done."""
        self.capacity[g] -= 1
        self.free[g] -= 1
        self.free_total -= 1

    def _crane_up(self, g: int) -> None:
        self.capacity[g] += 1
        self.free[g] += 1
        self.free_total += 1
        self.ring()

    def queued_for(self, eligible: tuple[int, ...], now: float) -> int:
        """Ships queueing at ``now`` for any of the berth groups ``eligible``."""
        self.pull(now)
        groups = set(eligible)
        return sum(len(fifo) for key, fifo in self.fifos.items() if groups.intersection(key))

    def _fifo(self, eligible: tuple[int, ...]) -> deque[tuple[float, int]]:
        fifo = self.fifos.get(eligible)
        if fifo is None:
            fifo = self.fifos[eligible] = deque()
            for g in eligible:
                self.fifos_of_group[g].append(fifo)
        return fifo

    def push(self, time_h: float, vessel: int, direction: int) -> None:
        self.pending.push(time_h, vessel, direction)
        if time_h < self.ring_at and self.free_total > 0:
            self.schedule_ring(time_h)

    def pull(self, now: float) -> None:
        v_itin = self.context.v_itin
        by_itinerary = self.fifo_of_itinerary
        holding = self.holding
        for time_h, vessel, direction in self.arrivals_until(now):
            if holding[direction]:
                self.anchorage.append((time_h, vessel, direction))
                continue
            # (enqueue, inlined: this runs for every ship)
            itinerary = v_itin[vessel]
            fifo = by_itinerary.get(itinerary)
            if fifo is None:
                fifo = by_itinerary[itinerary] = self._fifo(self.context.eligible_of(vessel))
            fifo.append((time_h, vessel))
            self.queued += 1
        if self.queued > self.limit or self.anchorage:
            self.check_queues(now)

    def enqueue(self, time_h: float, vessel: int, direction: int) -> None:
        itinerary = self.context.v_itin[vessel]
        fifo = self.fifo_of_itinerary.get(itinerary)
        if fifo is None:
            fifo = self.fifo_of_itinerary[itinerary] = self._fifo(self.context.eligible_of(vessel))
        fifo.append((time_h, vessel))
        self.queued += 1

    def check_queues(self, now: float) -> None:
        if self.queued > self.limit:
            raise Overloaded(self.name, "berths", now, self.queued)
        if len(self.anchorage) > self.limit:
            raise Overloaded(self.name, "berths", now, len(self.anchorage))

    def ring(self) -> None:
        now = self.context.now
        self.pull(now)
        self.dispatch(now)
        if self.free_total > 0:
            upcoming = self.next_arrival()
            if upcoming < INF:
                self.schedule_ring(upcoming)

    def dispatch(self, now: float) -> None:
        if not self.queued:
            return
        if self.weather is not None:
            clear = self.weather(now)
            if clear > now:
                self.schedule_ring(clear)
                return
        free, fifos_of_group = self.free, self.fifos_of_group
        for g in self.order:
            while free[g] > 0:
                best: deque[tuple[float, int]] | None = None
                for fifo in fifos_of_group[g]:
                    if fifo and (best is None or fifo[0][0] < best[0][0]):
                        best = fifo
                if best is None:
                    break
                arrival, vessel = best.popleft()
                self.queued -= 1
                self._start(g, vessel, arrival, now)
                if not self.queued:
                    return

    def _start(self, g: int, vessel: int, arrival: float, now: float) -> None:
        context = self.context
        self.free[g] -= 1
        self.free_total -= 1
        self.busy[g] += 1
        if self.busy[g] > self.capacity[g]:  # invariant: never more ships than berths
            raise AssertionError(f"berth group {self.groups[g].id} over capacity")
        self.serving.add(vessel)
        go = _Handling(self, g, vessel, arrival, now)
        handling = context.v_handling[vessel]
        if handling == UNLOAD:
            ready = context.quay.unloading(vessel, g, now, go)
        elif handling == LOAD:
            ready = context.quay.loading(vessel, now, go)
        else:
            ready = True
        if ready:
            go()

    def _go(self, g: int, vessel: int, arrival: float, start: float) -> None:
        """The ship's cargo fits the yard (or is all at the terminal): handling starts."""
        context = self.context
        now = context.now
        service = context.service_time(g, vessel)
        context.record_berth(vessel, g, arrival, start, now - start, now + service)
        context.at(now + service, _ServiceEnd(self, g, vessel))

    def finish(self, g: int, vessel: int) -> None:
        """The ship ``vessel`` is done at its berth of group ``g``."""
        self.serving.discard(vessel)
        self.free[g] += 1
        self.free_total += 1
        self.busy[g] -= 1
        context = self.context
        now = context.now
        if context.v_handling[vessel] == UNLOAD:
            context.quay.unloaded(vessel, g, now)
        context.leave(vessel, now)
        self.ring()


class Diverter(Station):
    """Congestion-aware choice of terminal, made when a ship sets off (``diversion``).

    A ship that would find ``queue_threshold_vessels`` or more ships queueing for the berths it
    can use at its terminal goes to the first alternative where fewer than that queue for the
    berths it could use there (and fewer than at its own); otherwise it keeps its terminal.
    """

    name = "diversion"

    def __init__(
        self, context: Context, threshold: int, terminals: Sequence[TerminalStation]
    ) -> None:
        super().__init__(context)
        self.threshold = threshold
        self.terminals = list(terminals)  # indexed like the model's terminals
        self.limit = 2**62  # ships only pass through here

    def queued_vessels(self) -> list[int]:
        return []

    def serving_vessels(self) -> list[int]:
        return []

    def push(self, time_h: float, vessel: int, direction: int) -> None:
        self.pending.push(time_h, vessel, direction)
        self.schedule_ring(time_h)

    def ring(self) -> None:
        context = self.context
        now = context.now
        diversions = context.model.diversions
        itineraries = context.model.itineraries
        feed, pending = self.feed, self.pending
        while True:
            # the next ship due, left in place until it has chosen: counting a queue may find
            # it overflowing and stop the run, and the ship must then still be here
            from_feed = self.feed_next < len(feed) and feed[self.feed_next][0] <= now
            if pending.first_time() <= now and (
                not from_feed or _before(pending.first(), feed[self.feed_next])
            ):
                vessel = pending.first().key
                from_feed = False
            elif from_feed:
                vessel = feed[self.feed_next][1]
            else:
                break
            itinerary = context.v_itin[vessel]
            home = itineraries[itinerary]
            own = self.terminals[home.terminal].queued_for(home.eligible_groups, now)
            chosen = itinerary
            if own >= self.threshold:
                for alternative in diversions[itinerary]:
                    other = itineraries[alternative]
                    there = self.terminals[other.terminal].queued_for(other.eligible_groups, now)
                    if there < self.threshold and there < own:
                        chosen = alternative
                        break
            if from_feed:
                self.feed_next += 1
            else:
                pending.pop()
            if chosen != itinerary:
                context.v_itin[vessel] = chosen
                context.v_diverted[vessel] = 1
            context.set_off(vessel, now)
        upcoming = self.next_arrival()
        if upcoming < INF:
            self.schedule_ring(upcoming)


class _Crossed(Wake):
    def __init__(self, lock: LockStation, number: int, direction: int, start: float) -> None:
        self.lock = lock
        self.number = number
        self.direction = direction
        self.start = start

    def fire(self) -> None:
        self.lock.crossed(self.number, self.direction, self.start)


class _Locked(Wake):
    def __init__(
        self,
        lock: LockStation,
        number: int,
        direction: int,
        start: float,
        batch: list[tuple[float, int]],
        used: float,
    ) -> None:
        self.lock = lock
        self.number = number
        self.direction = direction
        self.start = start
        self.batch = batch
        self.used = used

    def fire(self) -> None:
        self.lock.locked(self.number, self.direction, self.start, self.batch, self.used)


class _Handling:
    """Starts a ship's handling once its cargo fits the yard (called at once if it does)."""

    def __init__(
        self, terminal: TerminalStation, g: int, vessel: int, arrival: float, start: float
    ) -> None:
        self.terminal = terminal
        self.g = g
        self.vessel = vessel
        self.arrival = arrival
        self.start = start

    def __call__(self) -> None:
        self.terminal._go(self.g, self.vessel, self.arrival, self.start)


class _ServiceEnd(Wake):
    def __init__(self, terminal: TerminalStation, g: int, vessel: int) -> None:
        self.terminal = terminal
        self.g = g
        self.vessel = vessel

    def fire(self) -> None:
        self.terminal.finish(self.g, self.vessel)


def _before(entry: Entry[int], item: tuple[float, int, int]) -> bool:
    """Whether a pending arrival comes before an arrival of the feed (by time, then vessel)."""
    return entry.time < item[0] or (entry.time == item[0] and entry.key < item[1])


def merge_windows(*arrays: np.ndarray) -> np.ndarray:
    """Union of (start, end) windows, sorted and merged."""
    rows = sorted((float(a), float(b)) for array_ in arrays for a, b in array_)
    merged: list[list[float]] = []
    for start, end in rows:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=float).reshape(-1, 2)


def weather_check(windows: np.ndarray) -> Callable[[float], float] | None:
    """A function giving, for an hour, the end of the downtime window covering it (or it)."""
    if len(windows) == 0:
        return None
    starts = windows[:, 0].tolist()
    ends = windows[:, 1].tolist()

    def clear_at(now: float) -> float:
        i = bisect_right(starts, now) - 1
        if i >= 0 and ends[i] > now:
            return ends[i]
        return now

    return clear_at
