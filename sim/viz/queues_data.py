"""What the queue and turnaround charts draw, computed without matplotlib: shared by the PNG
charts of :mod:`sim.viz.queues` and the report's figures of :mod:`sim.report.figures.queues`,
so both draw the same numbers.

Definitions follow :mod:`sim.analysis.kpi`: a ship waits at a lock from its arrival to the
start of its lockage, at a berth group from its arrival at the berth area to the start of
handling; its turnaround in port runs from that arrival to the end of handling (berth wait,
handling and yard blocking).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.results.rundata import RunData
from sim.viz.measures import queue_length
from sim.viz.tracks import replication_columns

__all__ = [
    "QUEUE_COLOURS",
    "TURNAROUND_PERCENTILES",
    "anchorage_series",
    "queue_bin_h",
    "queue_resources",
    "turnaround_by_area",
    "turnaround_calls",
    "waiting_series",
    "waiting_series_of",
]

#: Colours of the resources of the queue chart, in their rank order.
QUEUE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")
#: Percentiles of the turnaround by port area (shares): 5-95 % line, 25-75 % bar, median.
TURNAROUND_PERCENTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _waits(
    data: RunData, resources: list[tuple[str, str]], replication: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Arrival and service start of every ship served by each ``(kind, resource)``, a lock
    (``kind="lock"``) or a berth group, in record order (the columns of the replication are
    read once for all of them, and masked in numpy)."""
    out: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for kind, table, code, arrived, served, ids in (
        ("lock", "passages", "lock", "arrival_h", "start_h", data.model.locks["id"]),
        ("berths", "vessels", "berth_group", "berth_arrival_h", "berth_start_h",
         data.model.groups["id"]),
    ):  # fmt: skip
        mine = [resource for k, resource in resources if k == kind]
        if not mine:
            continue
        rows = replication_columns(data, table, replication, [code, arrived, served])
        index = ids.tolist()
        arrival = np.asarray(rows[arrived], dtype=float)
        start = np.asarray(rows[served], dtype=float)
        for resource in mine:
            where = rows[code] == index.index(resource)
            out[kind, resource] = (arrival[where], start[where])
    return [out[kind, resource] for kind, resource in resources]


def waiting_series(data: RunData, kind: str, resource: str, *, bin_h: float = 24.0) -> pd.DataFrame:
    """Queue length and mean wait per time bin at one lock (``kind="lock"``) or berth group.

    Parameters
    ----------
    data : RunData
    kind : {"lock", "berths"}
    resource : str
        The lock or berth group id.
    bin_h : float
        Width of the bins (hours), from the end of the warm-up.

    Returns
    -------
    DataFrame
        ``start_h, end_h`` of each bin, ``queue_vessels`` (mean number waiting) and
        ``mean_wait_h`` (mean wait of the ships arriving in it; NaN without arrivals),
        averaged over the replications.
    """
    return waiting_series_of(data, [(kind, resource)], bin_h=bin_h)[0]


def waiting_series_of(
    data: RunData, resources: list[tuple[str, str]], *, bin_h: float = 24.0
) -> list[pd.DataFrame]:
    """:func:`waiting_series` of several ``(kind, resource)`` at once (each replication's
    records are read once for all of them)."""
    low = data.model.warmup_h
    high = min(data.end_h(r) for r in range(data.replications))
    edges = np.arange(low, high + 1e-9, bin_h)
    if len(edges) < 2 or edges[-1] < high - 1e-9:
        edges = np.append(edges, high)
    queues: list[list[np.ndarray]] = [[] for _ in resources]
    waits: list[list[np.ndarray]] = [[] for _ in resources]
    for replication in range(data.replications):
        for k, (arrival, start) in enumerate(_waits(data, resources, replication)):
            queues[k].append(queue_length(arrival, start, edges))
            bins = np.searchsorted(edges, arrival, side="right") - 1
            inside = (bins >= 0) & (bins < len(edges) - 1) & ~np.isnan(start)
            count = np.bincount(bins[inside], minlength=len(edges) - 1)
            total = np.bincount(
                bins[inside], weights=(start - arrival)[inside], minlength=len(edges) - 1
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                waits[k].append(np.where(count > 0, total / np.maximum(count, 1), np.nan))
    out = []
    for queue, wait in zip(queues, waits, strict=True):
        stacked = np.vstack(wait)
        mean_wait = np.full(stacked.shape[1], np.nan)
        seen = ~np.all(np.isnan(stacked), axis=0)
        mean_wait[seen] = np.nanmean(stacked[:, seen], axis=0)
        out.append(
            pd.DataFrame(
                {
                    "start_h": edges[:-1],
                    "end_h": edges[1:],
                    "queue_vessels": np.mean(np.vstack(queue), axis=0),
                    "mean_wait_h": mean_wait,
                }
            )
        )
    return out


def anchorage_series(data: RunData, resource: str, edges_h: np.ndarray) -> np.ndarray:
    """Mean number of ships held at the anchorage before ``resource`` in each bin (a ship still
    held at the end of a replication counts until then), averaged over the replications."""
    series = []
    for replication in range(data.replications):
        holds = data.replication_events("holds", replication)
        if "resource" in holds:
            holds = holds[holds["resource"] == resource]
        if len(holds) == 0:
            series.append(np.zeros(len(edges_h) - 1))
            continue
        end = holds["end_h"].to_numpy(dtype=float)
        end = np.where(np.isnan(end), data.end_h(replication), end)
        series.append(queue_length(holds["start_h"].to_numpy(dtype=float), end, edges_h))
    return np.mean(np.vstack(series), axis=0)


def queue_resources(data: RunData, *, top: int = 5) -> pd.DataFrame:
    """The locks and berth groups that hold ships longest: rows of the KPI table
    ``bottlenecks`` with any waiting, ranked by total waiting hours (``top`` of them)."""
    ranked = data.tables["bottlenecks"]
    ranked = ranked[ranked["kind"].isin(["lock", "berths"]) & (ranked["wait_h_total"] > 0)]
    return ranked.sort_values("wait_h_total", ascending=False).head(top)


def queue_bin_h(data: RunData, bin_h: float | None = None) -> float:
    """Width of the queue chart's time bins: ``bin_h`` when given, else a day, or a week for a
    counted period over 400 days."""
    span_h = min(data.end_h(r) for r in range(data.replications)) - data.model.warmup_h
    return bin_h or (24.0 if span_h <= 400 * 24 else 168.0)


def turnaround_calls(data: RunData) -> pd.DataFrame:
    """Every port call that arrived at its berth area and finished handling in the counted
    period, all replications.

    Returns
    -------
    DataFrame
        ``turnaround_h`` (arrival at the berth area to the end of handling), ``wait_h`` (for
        a berth) and ``port_area`` of its berth group (categorical, the port areas in
        alphabetical order); empty without such a call.
    """
    frames = []
    names, group_area = np.unique(
        data.model.groups["port_area"].to_numpy(dtype=str), return_inverse=True
    )
    for replication in range(data.replications):
        low, high = data.window_h(replication)
        vessels = replication_columns(
            data,
            "vessels",
            replication,
            ["berth_group", "berth_arrival_h", "berth_start_h", "service_end_h"],
        )
        group = np.asarray(vessels["berth_group"], dtype=np.int64)
        arrival = np.asarray(vessels["berth_arrival_h"], dtype=float)
        start = np.asarray(vessels["berth_start_h"], dtype=float)
        end = np.asarray(vessels["service_end_h"], dtype=float)
        done = (group >= 0) & (arrival >= low) & (end <= high)
        frames.append(
            pd.DataFrame(
                {
                    "turnaround_h": end[done] - arrival[done],
                    "wait_h": start[done] - arrival[done],
                    # categories, not a text per call: a plan year has a third of a million
                    "port_area": pd.Categorical.from_codes(
                        group_area[group[done]], categories=pd.Index(names, dtype="str")
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def turnaround_by_area(calls: pd.DataFrame) -> pd.DataFrame:
    """Turnaround statistics of each port area with calls (:func:`turnaround_calls`), the
    shortest median first: ``count``, ``mean``, the :data:`TURNAROUND_PERCENTILES` (columns
    ``5%``, ``25%``, ``50%``, ``75%``, ``95%``, linear interpolation) and ``max``, hours,
    indexed by port area.

    The numbers of ``calls.groupby("port_area")["turnaround_h"].describe(...)``, computed
    with numpy on each area's calls (pandas took most of the chart's time).
    """
    areas = pd.Categorical(calls["port_area"])
    values = calls["turnaround_h"].to_numpy(dtype=float)
    codes = np.asarray(areas.codes)
    order = np.argsort(codes.astype(np.int32), kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(areas.categories) + 1))
    labels = [f"{q * 100:g}%" for q in TURNAROUND_PERCENTILES]
    rows, index = [], []
    for k, area in enumerate(areas.categories):
        mine = values[order[bounds[k] : bounds[k + 1]]]
        if len(mine) == 0:
            continue
        quantiles = np.percentile(mine, [q * 100 for q in TURNAROUND_PERCENTILES])
        rows.append([float(len(mine)), float(np.mean(mine)), *quantiles, float(np.max(mine))])
        index.append(area)
    table = pd.DataFrame(
        rows, index=pd.Index(index, name="port_area"), columns=["count", "mean", *labels, "max"]
    )
    return table.sort_values("50%")
