"""Binary min-heaps of timed items: the event queue, pending arrivals and landside jobs.

``heapq`` on tuples compares entries through Python's rich comparison of tuples and floats,
which was a quarter of a compiled run's instructions. Here an item is a small object with a
float ``time`` and an int ``key`` and the sifting compares those fields directly; compiled
(mypyc), that is a few machine instructions per comparison. Order: earliest ``time`` first,
then smallest ``key`` (an event id, vessel or job number, unique within a heap), as
``heapq`` orders the tuples ``(time, key, ...)``.
"""

from __future__ import annotations

import math
from typing import Final, Generic, TypeVar

__all__ = ["Entry", "TimeHeap", "earlier"]

T = TypeVar("T")
INF: Final = math.inf


class Entry(Generic[T]):
    """A heap entry: due at ``time``, ties broken by ``key``; carries ``value``. (One class,
    never subclassed: the compiled heap then checks an entry's type in one comparison.)"""

    def __init__(self, time: float, key: int, value: T) -> None:
        self.time = time
        self.key = key
        self.value = value


def earlier(a: Entry[T], b: Entry[T]) -> bool:
    """Whether ``a`` comes before ``b``: earlier ``time``, then smaller ``key``."""
    return a.time < b.time or (a.time == b.time and a.key < b.key)


class TimeHeap(Generic[T]):
    """A min-heap of :class:`Entry` by (time, key)."""

    def __init__(self, entries: list[Entry[T]] | None = None) -> None:
        self.entries: list[Entry[T]] = [] if entries is None else entries

    def __len__(self) -> int:
        return len(self.entries)

    def first_time(self) -> float:
        """Time of the earliest entry (inf if the heap is empty)."""
        entries = self.entries
        return entries[0].time if entries else INF

    def first(self) -> Entry[T]:
        """The earliest entry, left in place (the heap must not be empty)."""
        return self.entries[0]

    def push(self, time: float, key: int, value: T) -> None:
        entries = self.entries
        entry = Entry(time, key, value)
        entries.append(entry)
        _sift_up(entries, len(entries) - 1, entry)

    def pop(self) -> Entry[T]:
        """Remove and return the earliest entry (the heap must not be empty)."""
        entries = self.entries
        last = entries.pop()
        if not entries:
            return last
        top = entries[0]
        # move the smaller child up until a leaf is reached, then sift ``last`` up from there
        # (what ``heapq`` does: fewer comparisons than stopping early)
        n = len(entries)
        pos = 0
        child = 1
        while child < n:
            right = child + 1
            if right < n:
                a = entries[child]
                b = entries[right]
                if b.time < a.time or (b.time == a.time and b.key < a.key):
                    child = right
            entries[pos] = entries[child]
            pos = child
            child = 2 * pos + 1
        _sift_up(entries, pos, last)
        return top

    def values(self) -> list[T]:
        """Every value held, in no particular order."""
        return [entry.value for entry in self.entries]


def _sift_up(items: list[Entry[T]], pos: int, item: Entry[T]) -> None:
    """Put ``item`` at ``pos`` or above it, moving later items down."""
    time, key = item.time, item.key
    while pos > 0:
        parent = (pos - 1) >> 1
        above = items[parent]
        if time < above.time or (time == above.time and key < above.key):
            items[pos] = above
            pos = parent
        else:
            break
    items[pos] = item
