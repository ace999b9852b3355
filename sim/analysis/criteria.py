"""Service criteria of one replication, measured over one counted period.

A scenario's ``service_criteria`` say when a load is sustainable: how long ships may wait for
a berth against their service time, how long on average at a lock, how much of their berth
time ships may be held for yard space or for export cargo still coming by land, and
(optionally) how busy a berth group may be. :func:`measure_criteria` measures every criterion
the scenario sets, on every resource it applies to, in a window of simulated hours (a whole
calendar year, or the counted period of a partial run); :mod:`sim.analysis.verdict` turns
the measurements of all replications into the one verdict.

Queues and locks with fewer than :data:`MIN_CALLS` calls in the window are not judged (too
few to say).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine import Records
from sim.model.specs import CompiledModel

__all__ = [
    "CRITERIA",
    "MIN_CALLS",
    "Criterion",
    "blocking_by_resource",
    "format_value",
    "measure_criteria",
]

#: A berth queue or lock with fewer calls than this in a window is not judged.
MIN_CALLS = 20

#: Criterion names, the scenario field that sets each limit, and how a value reads.
CRITERIA = {
    "berth_waiting_service_ratio": "max_berth_waiting_service_ratio",
    "berth_occupancy": "max_berth_occupancy",
    "mean_lock_wait_h": "max_mean_lock_wait_h",
    "yard_blocking_share": "max_yard_blocking_share",
}


def format_value(name: str, value: float) -> str:
    """A criterion's value (or limit) as tables show it: a ratio, hours or a share."""
    if value != value:
        return "-"
    if math.isinf(value):
        return "inf"
    if name == "berth_waiting_service_ratio":
        return f"{value:.2f}"
    if name == "mean_lock_wait_h":
        return f"{value:.1f} h"
    return f"{value:.1%}"


@dataclass(frozen=True)
class Criterion:
    """One service criterion on one resource, measured in one replication and window.

    Attributes
    ----------
    name : str
        One of :data:`CRITERIA`.
    kind : str
        ``berths`` (a berth queue or group), ``lock`` or ``yard`` (the share of berth time
        ships were held for yard space or landside cargo, over all berths).
    resource : str
        A berth queue (``TERMINAL/GROUP`` or ``TERMINAL/G1+G2`` when ships of one terminal
        may use several groups), a berth group, a lock id, or ``all berths``.
    value, limit : float
        The measured value and the scenario's limit (the criterion holds when
        ``value <= limit``).
    groups : tuple of str
        For a berth queue: the berth groups (``TERMINAL/GROUP``) its ships use.
    """

    name: str
    kind: str
    resource: str
    value: float
    limit: float
    groups: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        """Whether the value is within the limit."""
        return self.value <= self.limit


def measure_criteria(
    model: CompiledModel, records: Records, window: tuple[float, float]
) -> list[Criterion]:
    """Every service criterion the scenario sets, measured in ``window`` (hours).

    A window is cut at the end of the records (a run stopped by an overflowing queue).
    Calls count when the ship arrived at and left the resource inside the window.
    """
    criteria = model.criteria
    low, high = window[0], min(window[1], records.end_h)
    out: list[Criterion] = []
    if criteria.max_berth_waiting_service_ratio is not None:
        limit = criteria.max_berth_waiting_service_ratio
        for label, groups, ratio in _queue_ratios(model, records, low, high):
            out.append(
                Criterion("berth_waiting_service_ratio", "berths", label, ratio, limit, groups)
            )
    if criteria.max_berth_occupancy is not None:
        for group_id, occupancy in _berth_occupancy(model, records, low, high):
            out.append(
                Criterion(
                    "berth_occupancy", "berths", group_id, occupancy, criteria.max_berth_occupancy
                )
            )
    if criteria.max_mean_lock_wait_h is not None:
        for lock_id, wait in _lock_waits(model, records, low, high):
            out.append(
                Criterion("mean_lock_wait_h", "lock", lock_id, wait, criteria.max_mean_lock_wait_h)
            )
    if criteria.max_yard_blocking_share is not None:
        share = _blocking_share(model, records, low, high)
        if share is not None:
            out.append(
                Criterion(
                    "yard_blocking_share",
                    "yard",
                    "all berths",
                    share,
                    criteria.max_yard_blocking_share,
                )
            )
    return out


def _queue_ratios(
    model: CompiledModel, records: Records, low: float, high: float
) -> list[tuple[str, tuple[str, ...], float]]:
    """Waiting/service ratio of each berth queue: the ships of a terminal that may use the
    same berth groups (and so wait in one line), with at least :data:`MIN_CALLS` calls.

    Judging queues rather than berth groups avoids a selection bias: a group that only takes
    ships when the others are full (a rail-water berth beside a bulk quay) serves exactly
    the ships that waited.
    """
    v = records.vessels
    start, arrival, end = v["berth_start_h"], v["berth_arrival_h"], v["service_end_h"]
    counted = ~np.isnan(end) & (arrival >= low) & (end <= high)
    queue_of = [(it.terminal, it.eligible_groups) for it in model.itineraries]
    keys = sorted({queue_of[i] for i in np.unique(v["itinerary"][counted])})
    out = []
    itinerary = v["itinerary"]
    for key in keys:
        members = np.array([queue_of[i] == key for i in range(len(queue_of))], dtype=bool)
        mine = counted & members[itinerary]
        if mine.sum() < MIN_CALLS:
            continue
        wait = float((start - arrival)[mine].sum())
        service = float((end - start - v["block_h"])[mine].sum())
        groups = tuple(model.groups[g].id for g in key[1])
        short = "+".join(g.split("/", 1)[1] for g in groups)
        label = f"{model.terminals[key[0]].id}/{short}"
        out.append((label, groups, wait / service if service > 0 else math.inf))
    return out


def _berth_occupancy(
    model: CompiledModel, records: Records, low: float, high: float
) -> list[tuple[str, float]]:
    v = records.vessels
    out = []
    for g, group in enumerate(model.groups):
        mine = v["berth_group"] == g
        start, end, arrival = (
            v["berth_start_h"][mine],
            v["service_end_h"][mine],
            v["berth_arrival_h"][mine],
        )
        calls = int(((arrival >= low) & (end <= high)).sum())
        hours = max(0.0, min(group.end_h, high) - max(group.start_h, low)) * group.count
        if calls < MIN_CALLS or hours <= 0:
            continue
        busy = float(np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None).sum())
        out.append((group.id, busy / hours))
    return out


def _lock_waits(
    model: CompiledModel, records: Records, low: float, high: float
) -> list[tuple[str, float]]:
    p = records.passages
    out = []
    for i, lock in enumerate(model.locks):
        mine = (p["lock"] == i) & (p["arrival_h"] >= low) & (p["end_h"] <= high)
        if mine.sum() < MIN_CALLS:
            continue
        out.append((lock.id, float((p["start_h"] - p["arrival_h"])[mine].mean())))
    return out


def _served(records: Records, low: float, high: float) -> tuple[np.ndarray, float]:
    """Ships served at a berth that they took in [low, high], and their hours at berth."""
    v = records.vessels
    start = v["berth_start_h"]
    served = ~np.isnan(v["service_end_h"]) & (start >= low) & (start <= high)
    return served, float((v["service_end_h"] - start)[served].sum())


def _blocking_share(
    model: CompiledModel, records: Records, low: float, high: float
) -> float | None:
    """Hours ships were held at berth (yard full, export cargo not in) / hours at berth."""
    served, berth_time = _served(records, low, high)
    if berth_time <= 0:
        return None
    return float(records.vessels["block_h"][served].sum()) / berth_time


def blocking_by_resource(
    model: CompiledModel, records: Records, window: tuple[float, float]
) -> dict[tuple[str, str], float]:
    """Share of all berth time in ``window`` that ships were held for each yard
    (``("yard", TERMINAL/YARD)``, unloading ships) or for cargo coming by land to a terminal
    (``("landside supply", TERMINAL/cargo by land)``, loading ships).

    The shares add up to the ``yard_blocking_share`` criterion: they say which yards and
    terminals make it fail.
    """
    low, high = window[0], min(window[1], records.end_h)
    v = records.vessels
    served, berth_time = _served(records, low, high)
    if berth_time <= 0:
        return {}
    itinerary = v["itinerary"]
    yard_of = np.array([it.yard for it in model.itineraries], dtype=np.int64)[itinerary]
    loading = np.array([it.handling == "load" for it in model.itineraries], dtype=bool)[itinerary]
    terminal_of = np.array([it.terminal for it in model.itineraries], dtype=np.int64)[itinerary]
    block = np.nan_to_num(v["block_h"])
    out: dict[tuple[str, str], float] = {}
    for y, yard in enumerate(model.yards):
        held = float(block[served & ~loading & (yard_of == y)].sum())
        if held > 0:
            out[("yard", yard.id)] = held / berth_time
    for t, terminal in enumerate(model.terminals):
        held = float(block[served & loading & (terminal_of == t)].sum())
        if held > 0:
            out[("landside supply", f"{terminal.id}/cargo by land")] = held / berth_time
    return out
