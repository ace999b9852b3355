"""A stop of a registered kind: identical servers, first come first served.

The station of every stop kind a package registers without a station of its own (see
:mod:`sim.facilities`): a ship-to-ship transfer anchorage, a bunkering or inspection
anchorage. Ships that pass its node queue in one FIFO (both directions), take the first free
of ``spec.servers`` servers and hold it for the hours the kind's service rule gives; each
visit is recorded with ``Context.record_visit``. Compiled with the engine.
"""

from __future__ import annotations

import importlib
import math
from collections import deque
from collections.abc import Callable
from typing import Any, Final

from sim.engine.context import Call, Context, Wake
from sim.engine.stations.base import Overloaded, Station
from sim.model.specs import StopSpec

__all__ = ["ServerStop", "service_rule"]

INF: Final = math.inf


def service_rule(spec: StopSpec) -> Callable[..., float]:
    """The service-time function ``spec.service`` names (``module:function``)."""
    module, _, name = spec.service.partition(":")
    function: Callable[..., float] = getattr(importlib.import_module(module), name)
    return function


class ServerStop(Station):
    """``spec.servers`` identical servers at a node on ships' paths, first come first served.

    Parameters
    ----------
    context : Context
        The replication it runs in.
    spec : StopSpec
        Its node, servers, service rule and dates.
    index : int
        Its index among the stops of its kind.
    code : int
        Its kind's itinerary code (``CompiledModel.stop_kinds[code]``).
    """

    def __init__(self, context: Context, spec: StopSpec, index: int, code: int) -> None:
        super().__init__(context)
        self.spec = spec
        self.index = index
        self.code = code
        self.name = spec.id
        self.kind = spec.kind
        self.service: Callable[..., float] = service_rule(spec)
        self.parameters: dict[str, Any] = dict(spec.parameters)
        self.fifo: deque[tuple[float, int]] = deque()
        self.free = 0
        self.serving: set[int] = set()
        if spec.start_h <= 0:
            self.free = spec.servers
        elif spec.start_h < context.horizon_h:
            context.at(spec.start_h, Call(self._commission))

    def _commission(self) -> None:
        self.free += self.spec.servers
        self.ring()

    def queued_vessels(self) -> list[int]:
        return [vessel for _, vessel in self.fifo]

    def serving_vessels(self) -> list[int]:
        return list(self.serving)

    def queue_length(self) -> int:
        """Ships queueing now (after the arrivals due by now)."""
        self.pull(self.context.now)
        return len(self.fifo)

    def push(self, time_h: float, vessel: int, direction: int) -> None:
        self.pending.push(time_h, vessel, direction)
        if time_h < self.ring_at and (self.free > 0 or time_h >= self.spec.end_h):
            self.schedule_ring(time_h)

    def pull(self, now: float) -> None:
        for time_h, vessel, direction in self.arrivals_until(now):
            if time_h >= self.spec.end_h:  # out of service: the ship passes
                self.context.leave(vessel, time_h)
            elif self.holding[direction]:
                self.anchorage.append((time_h, vessel, direction))
            else:
                self.fifo.append((time_h, vessel))
        if len(self.fifo) > self.limit or self.anchorage:
            self.check_queues(now)

    def enqueue(self, time_h: float, vessel: int, direction: int) -> None:
        self.fifo.append((time_h, vessel))

    def check_queues(self, now: float) -> None:
        if len(self.fifo) > self.limit:
            raise Overloaded(self.name, self.kind, now, len(self.fifo))
        if len(self.anchorage) > self.limit:
            raise Overloaded(self.name, self.kind, now, len(self.anchorage))

    def ring(self) -> None:
        context = self.context
        now = context.now
        self.pull(now)
        fifo = self.fifo
        while self.free > 0 and fifo:
            arrival, vessel = fifo.popleft()
            self.free -= 1
            if self.free < 0:  # invariant: never more ships than servers
                raise AssertionError(f"{self.kind} {self.name} over capacity")
            self.serving.add(vessel)
            hours = float(
                self.service(
                    context.v_payload[vessel],
                    context.v_length[vessel],
                    context.v_beam[vessel],
                    **self.parameters,
                )
            )
            if not hours >= 0.0:
                raise ValueError(f"{self.kind} {self.name}: service rule gave {hours!r} h")
            context.record_visit(self.code, self.index, vessel, arrival, now, now + hours)
            context.at(now + hours, _ServiceEnd(self, vessel))
        if self.free > 0:
            upcoming = self.next_arrival()
            if upcoming < INF:
                self.schedule_ring(upcoming)

    def finish(self, vessel: int) -> None:
        """The ship ``vessel`` is done here: the server is free for the next."""
        self.serving.discard(vessel)
        self.free += 1
        context = self.context
        context.leave(vessel, context.now)
        self.ring()


class _ServiceEnd(Wake):
    def __init__(self, stop: ServerStop, vessel: int) -> None:
        self.stop = stop
        self.vessel = vessel

    def fire(self) -> None:
        self.stop.finish(self.vessel)
