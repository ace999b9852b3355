"""A terminal: its berth groups, the yard check before handling, the end of service."""

from __future__ import annotations

import math
from collections import deque
from functools import partial
from typing import Final

import numpy as np

from sim.engine.context import LOAD, UNLOAD, Call, Context, Wake
from sim.engine.stations.base import Overloaded, Station
from sim.model.specs import BerthGroupSpec, TerminalSpec

__all__ = ["TerminalStation"]

INF: Final = math.inf


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
