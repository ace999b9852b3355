"""What every station shares: pending arrivals, the wake-up of idle servers, holds, overflow.

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
from collections.abc import Callable
from typing import Final

import numpy as np

from sim.engine.context import Context, Stop
from sim.engine.heap import Entry, TimeHeap

__all__ = ["Overloaded", "Station", "arrives_before", "merge_windows", "weather_check"]

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
                feed_item is None or arrives_before(pending.first(), feed_item)
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


def arrives_before(entry: Entry[int], item: tuple[float, int, int]) -> bool:
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
