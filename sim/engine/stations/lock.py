"""A lock: its chambers as state machines on the engine's event queue."""

from __future__ import annotations

import math
from collections import deque
from functools import partial
from typing import Final

from sim.engine.context import Call, Context, Wake
from sim.engine.stations.base import Overloaded, Station, arrives_before
from sim.model.specs import LockSpec

__all__ = ["LockStation"]

INF: Final = math.inf


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
            if pending.first_time() <= now and (
                not from_feed or arrives_before(pending.first(), feed[i])
            ):
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
