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

import numpy as np
import pandas as pd

from sim.i18n import tr
from sim.results.rundata import RunData
from sim.viz.labels import place_label

__all__ = [
    "hour_of_date",
    "hour_of_day_profile",
    "link_flows",
    "month_windows",
    "monthly_utilisation",
    "queue_length",
    "resource_label",
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
    model = data.model
    if kind == "lock":
        names = dict(zip(model.locks["id"], model.locks["name"], strict=True))
        return place_label(model, resource, str(names.get(resource, resource)).split(" (")[0])
    # a berth group or yard: its terminal's Chinese name in place of the terminal id
    terminal, slash, rest = resource.partition("/")
    if rest == "cargo by land":  # a terminal's landside supply (sim.analysis.kpi)
        rest = tr("cargo by land")
    shown = place_label(model, terminal, terminal) + slash + rest
    if kind == "berths":
        counts = dict(zip(model.groups["id"], model.groups["berths"], strict=True))
        count = counts.get(resource)
        return (
            tr("{group} ({count} berths)", group=shown, count=count) if count is not None else shown
        )
    return shown


def monthly_utilisation(data: RunData) -> pd.DataFrame:
    """Utilisation of every lock, berth group and yard per calendar month.

    Locks: chamber-hours in lockages over chamber-hours in service; berth groups: berth-hours
    occupied over berth-hours in service; yards: mean level over capacity. Averaged over the
    replications.

    Returns
    -------
    DataFrame
        ``kind, resource, year, month, utilisation`` (share, 0-1).
    """
    model = data.model
    rows = []
    for replication in range(data.replications):
        months = month_windows(data, replication)
        lockages = data.replication_events("lockages", replication)
        vessels = data.replication_events("vessels", replication)
        bookings = data.replication_events("yard_levels", replication)
        groups = vessels["berth_group"].to_numpy() if len(vessels) else np.empty(0, dtype=int)
        berthed = groups >= 0
        for month in months.itertuples(index=False):
            low, high = month.start_h, month.end_h
            if len(model.locks):
                busy = np.bincount(
                    lockages["lock"].to_numpy(dtype=np.int64),
                    weights=_overlap(
                        lockages["start_h"].to_numpy(dtype=float),
                        lockages["end_h"].to_numpy(dtype=float),
                        low,
                        high,
                    ),
                    minlength=len(model.locks),
                )
                for i, lock_id in enumerate(model.locks["id"]):
                    chambers = model.chambers[model.chambers["lock"] == lock_id]
                    hours = _overlap(
                        chambers["start_h"].to_numpy(dtype=float),
                        chambers["end_h"].to_numpy(dtype=float),
                        low,
                        high,
                    ).sum()
                    if hours > 0:
                        rows.append(("lock", lock_id, month, replication, busy[i] / hours))
            if len(model.groups):
                busy = np.bincount(
                    groups[berthed],
                    weights=_overlap(
                        vessels["berth_start_h"].to_numpy(dtype=float)[berthed],
                        vessels["service_end_h"].to_numpy(dtype=float)[berthed],
                        low,
                        high,
                    ),
                    minlength=len(model.groups),
                )
                for g, group in enumerate(model.groups.itertuples(index=False)):
                    hours = (
                        _overlap(np.array([group.start_h]), np.array([group.end_h]), low, high)[0]
                        * group.berths
                    )
                    if hours > 0:
                        rows.append(("berths", group.id, month, replication, busy[g] / hours))
            for y, yard in enumerate(model.yards.itertuples(index=False)):
                start = low if np.isnan(yard.start_h) else max(low, yard.start_h)
                if high <= start:
                    continue
                mine = bookings[bookings["yard"] == y]
                times = mine["time_h"].to_numpy(dtype=float)
                values = mine["level_t"].to_numpy(dtype=float)
                # exact time-average of the step function over [start, high)
                inside = (times > start) & (times < high)
                edges = np.concatenate([[start], times[inside], [high]])
                level = yard_level_t(times, values, edges[:-1])
                mean = float((level * np.diff(edges)).sum()) / (high - start)
                rows.append(("yard", yard.id, month, replication, mean / yard.capacity_t))
    frame = pd.DataFrame(
        [
            (kind, resource, month.year, month.month, replication, value)
            for kind, resource, month, replication, value in rows
        ],
        columns=["kind", "resource", "year", "month", "replication", "utilisation"],
    )
    return (
        frame.groupby(["kind", "resource", "year", "month"], as_index=False, sort=False)[
            "utilisation"
        ]
        .mean()
        .reset_index(drop=True)
    )


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
