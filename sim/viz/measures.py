"""Measures over time computed from a run's flat records (no drawing here).

The KPI tables summarise a whole run; the charts also need how things evolve: utilisation per
month, queue lengths per day, yard levels, tonnes per network link, and the tonnes a gate or
airport moves in each hour of the day. Each function is a stateless transform of a
:class:`~sim.results.rundata.RunData`; definitions follow :mod:`sim.analysis.kpi` (a berth is
busy from the start of service to its end, blocking included; a lock chamber during its
lockages; a yard's level jumps at each booking and drains at a constant rate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sim.i18n import current_language, tr
from sim.results.rundata import RunData
from sim.viz.labels import zh_names

__all__ = [
    "hour_of_date",
    "hour_of_day_profile",
    "link_flows",
    "month_windows",
    "monthly_utilisation",
    "queue_length",
    "resource_label",
    "resource_labels",
    "yard_level_t",
]


def month_windows(data: RunData, replication: int) -> pd.DataFrame:
    """Calendar months of the counted window of a replication.

    Returns
    -------
    DataFrame
        ``year, month, start_h, end_h`` (the month clipped to the counted window); months
        outside it are left out.
    """
    calendar = data.model.calendar
    low, high = data.window_h(replication)
    starts = calendar.month_start_h
    rows = []
    for k, (year, month) in enumerate(
        zip(calendar.month_year.tolist(), calendar.month_number.tolist(), strict=True)
    ):
        start, end = max(float(starts[k]), low), min(float(starts[k + 1]), high)
        if end > start:
            rows.append((int(year), int(month), start, end))
    return pd.DataFrame(rows, columns=["year", "month", "start_h", "end_h"])


def _overlap(start: np.ndarray, end: np.ndarray, low: float, high: float) -> np.ndarray:
    """Hours of each [start, end] inside [low, high]; NaN bounds mean unbounded."""
    start = np.where(np.isnan(start), -np.inf, start)
    end = np.where(np.isnan(end), np.inf, end)
    return np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None)


def yard_level_t(times_h: np.ndarray, levels_t: np.ndarray, at_h: np.ndarray) -> np.ndarray:
    """Level of a yard at the hours ``at_h``.

    Parameters
    ----------
    times_h, levels_t : ndarray
        The yard's level changes (``events/yard_levels``): when (non-decreasing) and the level
        from then on; the level holds until the next change.
    at_h : ndarray
        Hours to evaluate.

    Returns
    -------
    ndarray
        Tonnes in the yard (0 before the first change).
    """
    at = np.asarray(at_h, dtype=float)
    if len(times_h) == 0:
        return np.zeros_like(at)
    last = np.searchsorted(times_h, at, side="right") - 1
    return np.where(last >= 0, levels_t[np.clip(last, 0, None)], 0.0)


def queue_length(arrival_h: np.ndarray, start_h: np.ndarray, edges_h: np.ndarray) -> np.ndarray:
    """Mean number of ships waiting in each bin ``[edges_h[i], edges_h[i + 1])``.

    A ship waits from its arrival to the start of its service; the integral of the queue over
    a bin is the waiting time spent in it (Little's law holds bin by bin).
    """
    arrival = np.asarray(arrival_h, dtype=float)
    start = np.asarray(start_h, dtype=float)
    keep = ~np.isnan(arrival) & ~np.isnan(start)
    area = _overlap_matrix_sum(arrival[keep], start[keep], edges_h)
    return area / np.diff(edges_h)


def _overlap_matrix_sum(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Sum over intervals of their hours inside each bin, without an intervals x bins matrix.

    The total overlap of all intervals with [-inf, t] is sum(clip(t - start)) - sum(clip(t -
    end)), a piecewise-linear function of t evaluated at the edges from sorted cumulative sums.
    """

    def covered(points: np.ndarray, at: np.ndarray) -> np.ndarray:
        ordered = np.sort(points)
        cumulative = np.concatenate([[0.0], np.cumsum(ordered)])
        count = np.searchsorted(ordered, at, side="right")
        return count * at - cumulative[count]

    edges = np.asarray(edges, dtype=float)
    total = covered(start, edges) - covered(end, edges)
    return np.diff(total)


def resource_label(kind: str, resource: str, data: RunData) -> str:
    """How charts name a resource: locks by their place name, berth groups with their count."""
    return resource_labels([(kind, resource)], data)[0]


def resource_labels(resources: Iterable[tuple[str, str]], data: RunData) -> list[str]:
    """:func:`resource_label` of each ``(kind, resource)``, the model's names looked up once."""
    model = data.model
    chinese = zh_names(model) if current_language() != "en" else {}
    locks = dict(zip(model.locks["id"], model.locks["name"], strict=True))
    counts = dict(zip(model.groups["id"], model.groups["berths"], strict=True))
    out = []
    for kind, resource in resources:
        if kind == "lock":  # as place_label names a place: its Chinese name when it has one
            english = str(locks.get(resource, resource)).split(" (")[0]
            out.append(chinese.get(resource) or english)
            continue
        # a berth group or yard: its terminal's Chinese name in place of the terminal id
        terminal, slash, rest = resource.partition("/")
        if rest == "cargo by land":  # a terminal's landside supply (sim.analysis.kpi)
            rest = tr("cargo by land")
        shown = (chinese.get(terminal) or terminal) + slash + rest
        count = counts.get(resource) if kind == "berths" else None
        out.append(
            tr("{group} ({count} berths)", group=shown, count=count) if count is not None else shown
        )
    return out


def monthly_utilisation(data: RunData) -> pd.DataFrame:
    """Utilisation of every lock, berth group and yard per calendar month.

    Locks: chamber-hours in lockages over chamber-hours in service; berth groups: berth-hours
    occupied over berth-hours in service; yards: mean level over capacity. Averaged over the
    replications. A resource has no row for a month in which it was not in service.

    Returns
    -------
    DataFrame
        ``kind, resource, year, month, utilisation`` (share, 0-1); rows month by month, in
        each month the locks, berth groups and yards in the model's order.
    """
    model = data.model
    kinds = np.array(
        ["lock"] * len(model.locks) + ["berths"] * len(model.groups) + ["yard"] * len(model.yards),
        dtype=object,
    )
    resources = np.array(
        [*model.locks["id"], *model.groups["id"], *model.yards["id"]], dtype=object
    )
    parts = []
    for replication in range(data.replications):
        months = month_windows(data, replication)
        low = months["start_h"].to_numpy(dtype=float)
        high = months["end_h"].to_numpy(dtype=float)
        blocks = [
            _lock_utilisation(data, replication, low, high),
            _berth_utilisation(data, replication, low, high),
            _yard_utilisation(data, replication, low, high),
        ]
        values = np.concatenate([value for value, _ in blocks], axis=1)
        month, column = np.nonzero(np.concatenate([served for _, served in blocks], axis=1))
        parts.append(
            pd.DataFrame(
                {
                    "kind": kinds[column],
                    "resource": resources[column],
                    "year": months["year"].to_numpy(dtype=np.int64)[month],
                    "month": months["month"].to_numpy(dtype=np.int64)[month],
                    "replication": np.full(len(month), replication, dtype=np.int64),
                    "utilisation": values[month, column],
                }
            )
        )
    columns = ["kind", "resource", "year", "month", "replication", "utilisation"]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame([], columns=columns)
    if frame.empty:  # the columns' types of a table built from no rows
        frame = pd.DataFrame([], columns=columns)
    return (
        frame.groupby(["kind", "resource", "year", "month"], as_index=False, sort=False)[
            "utilisation"
        ]
        .mean()
        .reset_index(drop=True)
    )


def _records(data: RunData, kind: str, replication: int, *columns: str) -> list[np.ndarray]:
    """Columns of one replication's ``kind`` records as arrays, in the order recorded
    (:meth:`RunData.replication_events` without copying the columns not asked for)."""
    frame = data.events[kind]
    if not len(frame):
        return [np.empty(0) for _ in columns]
    replications = frame["replication"].to_numpy()
    mine: slice | np.ndarray
    if (replications[1:] >= replications[:-1]).all():  # one replication after the other
        low, high = np.searchsorted(replications, [replication, replication + 1])
        mine = slice(int(low), int(high))
    else:
        mine = np.flatnonzero(replications == replication)
    return [frame[column].to_numpy()[mine] for column in columns]


def _busy_h(
    index: np.ndarray, start: np.ndarray, end: np.ndarray, low: np.ndarray, high: np.ndarray, n: int
) -> np.ndarray:
    """Hours of the intervals ``[start, end]`` of each of ``n`` resources (``index``) inside
    each month ``[low, high]`` (consecutive): an array months x resources; NaN bounds mean
    unbounded.

    Each interval is paired with the months it reaches (one for nearly all), not with every
    month; each resource's hours in a month are summed over its intervals in their order, as
    a bincount over all the intervals month by month sums them (the same floats).
    """
    start = np.fmax(start, -np.inf)  # NaN: -inf
    end = np.fmin(end, np.inf)
    index = index.astype(np.int64, copy=False)
    month = np.searchsorted(high, start, side="right")  # the first month ending after it starts
    kept = month < len(high)
    if not kept.all():
        index, start, end, month = index[kept], start[kept], end[kept], month[kept]
    onward = np.flatnonzero(end > high[month])  # it goes on into the next months
    if len(onward):
        # a pair (interval, month) for each further month, right after the interval's first
        more = np.searchsorted(low, end[onward], side="left") - 1 - month[onward]
        reach = np.ones(len(month), dtype=np.int64)
        reach[onward] += more
        first = onward + np.cumsum(more) - more  # where each one's first pair goes
        index, start, end, month = (np.repeat(a, reach) for a in (index, start, end, month))
        which = np.repeat(np.arange(len(onward)), more)
        step = np.arange(len(which)) - np.repeat(np.cumsum(more) - more, more) + 1
        month[first[which] + step] += step
    hours = np.clip(np.minimum(end, high[month]) - np.maximum(start, low[month]), 0.0, None)
    busy = np.bincount(month * n + index, weights=hours, minlength=len(low) * n)
    busy = busy.astype(float, copy=False)  # no intervals: numpy counts in integers
    return busy.reshape(len(low), n)


def _in_service_h(
    start: np.ndarray, end: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Hours each of the intervals ``[start, end]`` (NaN: unbounded) covers of each month
    ``[low, high]``: an array intervals x months (as :func:`_overlap` month by month)."""
    start = np.where(np.isnan(start), -np.inf, start)[:, None]
    end = np.where(np.isnan(end), np.inf, end)[:, None]
    return np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None)


def _share(busy: np.ndarray, hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``busy / hours`` where a resource was in service (``hours > 0``), and where it was."""
    served = hours > 0
    share = np.zeros_like(busy)
    np.divide(busy, hours, out=share, where=served)
    return share, served


def _lock_utilisation(
    data: RunData, replication: int, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chamber-hours in lockages over chamber-hours in service, months x locks."""
    model = data.model
    if not len(model.locks):
        return np.zeros((len(low), 0)), np.zeros((len(low), 0), dtype=bool)
    lock, start, end = _records(data, "lockages", replication, "lock", "start_h", "end_h")
    busy = _busy_h(lock, start, end, low, high, len(model.locks))
    chambers = model.chambers
    covered = _in_service_h(
        chambers["start_h"].to_numpy(dtype=float),
        chambers["end_h"].to_numpy(dtype=float),
        low,
        high,
    )
    owner = chambers["lock"].to_numpy()
    # each lock's chambers summed as one contiguous row per month, as numpy sums an array
    hours = np.stack(
        [np.ascontiguousarray(covered[owner == lock].T).sum(axis=1) for lock in model.locks["id"]],
        axis=1,
    )
    return _share(busy, hours)


def _berth_utilisation(
    data: RunData, replication: int, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Berth-hours occupied over berth-hours in service, months x berth groups."""
    groups = data.model.groups
    if not len(groups):
        return np.zeros((len(low), 0)), np.zeros((len(low), 0), dtype=bool)
    group, start, end = _records(
        data, "vessels", replication, "berth_group", "berth_start_h", "service_end_h"
    )
    berthed = np.flatnonzero(group >= 0)
    busy = _busy_h(group[berthed], start[berthed], end[berthed], low, high, len(groups))
    hours = _in_service_h(
        groups["start_h"].to_numpy(dtype=float), groups["end_h"].to_numpy(dtype=float), low, high
    )
    return _share(busy, (hours * groups["berths"].to_numpy(dtype=float)[:, None]).T)


def _yard_utilisation(
    data: RunData, replication: int, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean level over capacity, months x yards: the exact time-average of each yard's level
    (a step function, :func:`yard_level_t`) over the part of each month it is open.

    Each open month of a yard is a run of edges: its start, the level changes inside it and
    its end; the level holds from each edge to the next.
    """
    yards = data.model.yards
    share = np.zeros((len(low), len(yards)))
    opens = yards["start_h"].to_numpy(dtype=float)
    start = np.where(np.isnan(opens)[None, :], low[:, None], np.maximum(low[:, None], opens))
    served = high[:, None] > start
    if not served.any():
        return share, served
    yard, time, level = _records(data, "yard_levels", replication, "yard", "time_h", "level_t")
    # each yard's changes together, in their order (times rise within a yard)
    order = np.argsort(yard.astype(np.int32), kind="stable")
    yard, time, level = yard[order].astype(np.int64), time[order], level[order]
    bounds = np.searchsorted(yard, np.arange(len(yards) + 1))
    # the open months, yard by yard (segments), and the changes strictly inside each one
    segment_yard, segment_month = np.nonzero(served.T)
    segment_start = start[segment_month, segment_yard]
    segment_end = high[segment_month]
    cell = np.full(served.T.shape, -1, dtype=np.int64)
    cell[segment_yard, segment_month] = np.arange(len(segment_yard))
    month = np.clip(np.searchsorted(low, time, side="right") - 1, 0, len(low) - 1)
    segment = cell[yard, month]  # -1: a month the yard is closed
    inside = np.flatnonzero(
        (segment >= 0) & (time > segment_start[segment]) & (time < segment_end[segment])
    )
    segment = segment[inside]
    counts = np.bincount(segment, minlength=len(segment_yard))
    before = np.cumsum(counts) - counts  # changes in the segments before each one
    first = before + 2 * np.arange(len(segment_yard))  # where each segment's start edge goes
    last = first + counts + 1  # and its end edge
    edges = np.empty(len(inside) + 2 * len(segment_yard))
    held = np.zeros(len(edges))  # the level from each edge on (the end edges hold none)
    edges[first] = segment_start
    edges[last] = segment_end
    placed = first[segment] + 1 + np.arange(len(inside)) - before[segment]
    edges[placed] = time[inside]
    # a change's own level: when several share a time, the last one's (the others hold 0 h)
    held[placed] = level[inside]
    for y in np.unique(segment_yard):  # the level each open month starts with
        mine = np.flatnonzero(segment_yard == y)
        held[first[mine]] = yard_level_t(
            time[bounds[y] : bounds[y + 1]],
            level[bounds[y] : bounds[y + 1]],
            edges[first[mine]],
        )
    area = held[:-1] * np.diff(edges)
    # each month's level-hours summed as numpy sums one month's array
    total = np.array([area[a:b].sum() for a, b in zip(first, last, strict=True)])
    capacity = yards["capacity_t"].to_numpy(dtype=float)[segment_yard]
    share[segment_month, segment_yard] = total / (segment_end - segment_start) / capacity
    return share, served


def link_flows(data: RunData) -> pd.DataFrame:
    """Tonnes of cargo on every network link, by the route of each delivered cargo.

    Port cargo counts on the links of its ship route when it crosses the quay and on those of
    the landside route it took when it finishes its landside trip; through traffic on its
    voyage; as in the ``transport`` KPI table (counted window). Averaged over the replications.

    Returns
    -------
    DataFrame
        ``link, mode, length_km, tonnes`` (in the counted window), ``mt_per_year``
        (annualised) and ``tonne_km``; links without cargo are left out.
    """
    model = data.model
    if not model.has_network:
        return pd.DataFrame(
            columns=["link", "mode", "length_km", "tonnes", "mt_per_year", "tonne_km"]
        )
    routes = model.itineraries["route_links"].tolist()
    landside = model.itineraries["landside_links"].tolist()
    totals: dict[str, list[float]] = {}
    for replication in range(data.replications):
        low, high = data.window_h(replication)
        vessels = data.replication_events("vessels", replication)
        end = vessels["service_end_h"].to_numpy(dtype=float)
        end = np.where(np.isnan(end), vessels["exit_h"].to_numpy(dtype=float), end)
        done = ~np.isnan(end) & (end >= low) & (end <= high)
        tonnes = np.bincount(
            vessels["itinerary"].to_numpy(dtype=np.int64)[done],
            weights=vessels["payload_t"].to_numpy(dtype=float)[done],
            minlength=len(routes),
        )
        years = (high - low) / 8760.0

        def add(links: list[str], carried: float, years: float = years) -> None:
            for link in links:
                row = totals.setdefault(link, [0.0, 0.0])
                row[0] += carried / data.replications
                row[1] += carried / years / 1e6 / data.replications

        for index, carried in enumerate(tonnes.tolist()):
            if carried > 0:
                add(routes[index], carried)
        # the landside legs, by the option each cargo took, when it finished its trip
        jobs = data.replication_events("jobs", replication)
        finished = jobs["done_h"].between(low, high)
        by_option = jobs[finished].groupby(["itinerary", "option"])["tonnes"].sum()
        for (index, option), carried in by_option.items():
            add(landside[int(index)][int(option)], float(carried))
    links = model.links.set_index("id")
    frame = pd.DataFrame(
        [
            (
                link,
                links.at[link, "mode"],
                float(links.at[link, "length_km"]),
                tonnes_,
                mt,
            )
            for link, (tonnes_, mt) in sorted(totals.items())
        ],
        columns=["link", "mode", "length_km", "tonnes", "mt_per_year"],
    )
    return frame.assign(tonne_km=frame["tonnes"] * frame["length_km"])


def _open_share(opens_at_h: float, hours_per_day: float) -> np.ndarray:
    """Share of each clock hour ``[h, h + 1)`` of a day in which a stage open
    ``hours_per_day`` hours from ``opens_at_h`` works (as the engine counts it, opening hours
    that run past midnight included)."""
    hours = np.arange(24.0)
    if hours_per_day >= 24.0:
        return np.ones(24)
    share = np.zeros(24)
    for opens in (opens_at_h - 24.0, opens_at_h):
        overlap = np.minimum(hours + 1.0, opens + hours_per_day) - np.maximum(hours, opens)
        share += np.clip(overlap, 0.0, None)
    return np.minimum(share, 1.0)


def hour_of_day_profile(data: RunData, stage: int) -> pd.DataFrame:
    """Mean tonnes a gate or airport (a row of ``data.model.stages``) moves in each hour of
    the day, over the counted hours of every replication.

    Simulation hour 0 is midnight, so ``time_h % 24`` of the ``stage_hours`` records is the
    clock hour; hours in which the stage moved nothing count as zero.

    Parameters
    ----------
    data : RunData
    stage : int
        Row of ``data.model.stages`` (the ``stage`` of the records).

    Returns
    -------
    DataFrame
        24 rows: ``hour`` (0-23), ``moved_t_per_h`` (mean tonnes moved in that hour; NaN if
        the counted window never contains it) and ``capacity_t_per_h`` (the tonnes its opening
        hours allow in that hour when every lane works).
    """
    spec = data.model.stages.iloc[stage]
    moved = np.zeros(24)
    counted = np.zeros(24)
    clock = np.arange(24)
    for replication in range(data.replications):
        low, high = data.window_h(replication)
        # the engine works whole hours [t, t + 1) from integer t; count those in [low, high)
        first, last = np.ceil(low), np.ceil(high) - 1.0
        if last >= first:
            counted += np.floor((last - clock) / 24.0) - np.floor((first - 1.0 - clock) / 24.0)
        rows = data.replication_events("stage_hours", replication)
        if rows.empty:
            continue
        time_h = rows["time_h"].to_numpy(dtype=float)
        mine = (rows["stage"].to_numpy() == stage) & (time_h >= low) & (time_h < high)
        moved += np.bincount(
            np.floor(time_h[mine]).astype(np.int64) % 24,
            weights=rows["moved_t"].to_numpy(dtype=float)[mine],
            minlength=24,
        )
    mean = np.full(24, np.nan)
    np.divide(moved, counted, out=mean, where=counted > 0)
    capacity = float(spec["rate_t_per_h"]) * _open_share(
        float(spec["opens_at_h"]), float(spec["hours_per_day"])
    )
    return pd.DataFrame({"hour": clock, "moved_t_per_h": mean, "capacity_t_per_h": capacity})


def hour_of_date(
    data: RunData, when: dt.date | dt.datetime | float | None, default: float
) -> float:
    """Simulation hour of a date, a datetime or an hour (``None``: ``default``)."""
    if when is None:
        return default
    if isinstance(when, dt.date | dt.datetime):
        return data.model.calendar.hour_of(when)
    return float(when)
