"""The full-process view: every vessel's journey along the Grand Canal and the berth plan.

:func:`time_space_chart` draws kilometre against time for every ship on the canal in a window
(sailing, waiting at a lock, in the chamber, at the berth); :func:`berth_gantt_chart` shows
which ship occupied which berth of a group in a chosen week, and how long yard blocking held it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.i18n import N_, format_date, format_datetime, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import commodity_label, concise_date_formats, place_label, resource_words
from sim.viz.measures import hour_of_date
from sim.viz.style import (
    ChartFigure,
    bold_text,
    commodity_colour,
    hours_to_datetimes,
    new_figure,
    no_data,
)
from sim.viz.tracks import GRAND_CANAL, canal_km, vessel_waypoints

__all__ = [
    "SIZE_BANDS",
    "berth_gantt_chart",
    "berth_lanes",
    "busiest_window",
    "default_start_h",
    "ship_density",
    "time_space_chart",
]

When = dt.date | dt.datetime | float | None
_WAIT_COLOUR = "#ff7f0e"
_CHAMBER_COLOUR = "#08306b"
_BERTH_COLOUR = "#d62728"


def default_start_h(data: RunData) -> float:
    """End of the warm-up, 1 January of the first counted year (where windowed charts start
    by default)."""
    return data.model.warmup_h


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, **concise_date_formats()))


def _to_num(data: RunData, hours: np.ndarray) -> np.ndarray:
    return np.asarray(mdates.date2num(hours_to_datetimes(data.model.calendar, hours)))


#: Size bands of the ships in the time-space diagram: (upper bound in dwt t, label, colour).
SIZE_BANDS = (
    (1000.0, N_("up to 1,000 t"), "#41ab5d"),
    (2000.0, N_("1,000-2,000 t"), "#2171b5"),
    (math.inf, N_("over 2,000 t (convoys, river-sea)"), "#6a51a3"),
)
#: Hours of the detail panels when the diagram's window is longer than a day.
DETAIL_H = 8.0


def busiest_window(
    data: RunData,
    *,
    hours: float = 168.0,
    replication: int = 0,
    corridor: str = GRAND_CANAL,
) -> float:
    """Start of the busiest window of ``hours`` on a waterway: the one, starting at a midnight
    of the counted period, in which most ships pass its modelled locks (ships entering the
    study area when no modelled lock is on it). The earliest wins a tie.

    Parameters
    ----------
    data : RunData
    hours : float
        Length of the window (a week by default).
    replication : int
    corridor : str
        Prefix of the waterway's links' ``corridor``.

    Returns
    -------
    float
        Simulation hour the window starts (the end of the warm-up when the counted period is
        no longer than the window).
    """
    low, high = data.window_h(replication)
    km = canal_km(data.model, corridor)
    locks = [i for i, lock in enumerate(data.model.locks["id"]) if lock in km]
    if locks:
        passages = data.replication_events("passages", replication)
        times = passages.loc[passages["lock"].isin(locks), "arrival_h"].to_numpy(dtype=float)
    else:
        times = data.replication_events("vessels", replication)["entry_h"].to_numpy(dtype=float)
    days = math.floor((high - low) / 24.0)
    span = math.ceil(hours / 24.0)
    if days <= span:
        return float(low)
    inside = times[(times >= low) & (times < low + 24.0 * days)]
    per_day = np.bincount(((inside - low) // 24.0).astype(np.int64), minlength=days)[:days]
    sums = np.convolve(per_day, np.ones(span, dtype=np.int64), mode="valid")
    return float(low + 24.0 * int(np.argmax(sums)))


def _size_band(dwt_t: np.ndarray) -> np.ndarray:
    bounds = np.array([upper for upper, _, _ in SIZE_BANDS])
    return np.searchsorted(bounds, dwt_t, side="left")


def _segments(
    data: RunData,
    points: pd.DataFrame,
    km: dict[str, float],
    corridor: str,
    run_end: float,
) -> pd.DataFrame:
    """Every stretch of every ship's journey on the waterway: ``vessel, kind`` (``sail``,
    ``wait`` for a lock, ``chamber``, ``berth``, ``stop`` at a lock not modelled), ``t0, y0,
    t1, y1`` (hours, km), ``north`` (the ship heads north) and ``band`` (size band)."""
    columns = ["vessel", "kind", "t0", "y0", "t1", "y1", "north", "band"]
    if points.empty:
        return pd.DataFrame(columns=columns)
    links = data.model.links
    canal_links = set(
        links.loc[(links["mode"] == "water") & links["corridor"].str.startswith(corridor), "id"]
    )
    position = points["place"].map(km).to_numpy(dtype=float)
    arrive = points["arrive_h"].to_numpy(dtype=float)
    serve = np.where(np.isnan(points["serve_h"]), run_end, points["serve_h"])
    depart = np.where(np.isnan(points["depart_h"]), run_end, points["depart_h"])
    serve = np.minimum(np.maximum(serve, arrive), run_end)
    depart = np.minimum(np.maximum(depart, serve), run_end)
    on = ~np.isnan(position) & ~np.isnan(arrive)
    stop = points["stop"].to_numpy()
    vessel = points["vessel"].to_numpy()
    same_next = np.append(vessel[1:] == vessel[:-1], False)
    same_prev = np.insert(vessel[1:] == vessel[:-1], 0, False)
    next_on = np.append(on[1:], False)
    next_arrive = np.append(arrive[1:], np.nan)
    next_km = np.append(position[1:], np.nan)
    prev_km = np.insert(position[:-1], 0, np.nan)
    sails = (
        on & same_next & next_on & points["next_link"].isin(canal_links).to_numpy()
        & (depart < run_end)
    )  # fmt: skip
    # a stop belongs to the way the ship came in (or, at its entry, the way it goes on)
    came = np.where(same_prev & ~np.isnan(prev_km), position - prev_km, np.nan)
    goes = np.where(same_next & ~np.isnan(next_km), next_km - position, np.nan)
    heading = np.where(np.isnan(came) | (came == 0), goes, came)
    dwt = data.model.classes["dwt_t"].to_numpy(dtype=float)
    vessel_class = data.model.itineraries["vessel_class"].to_numpy(dtype=np.int64)
    band = _size_band(dwt[vessel_class[points["itinerary"].to_numpy(dtype=np.int64)]])
    frames = []
    for kind, mask, t0, y0, t1, y1, north in (
        ("sail", sails, depart, position, next_arrive, next_km, next_km > position),
        ("wait", on & (stop == "lock") & (serve > arrive), arrive, position, serve, position,
         heading > 0),
        ("chamber", on & (stop == "lock"), serve, position, depart, position, heading > 0),
        ("berth", on & (stop == "berth"), serve, position, depart, position, heading > 0),
        ("stop", on & (stop == "unmodelled lock"), arrive, position, depart, position,
         heading > 0),
    ):  # fmt: skip
        frames.append(
            pd.DataFrame(
                {
                    "vessel": vessel[mask],
                    "kind": kind,
                    "t0": t0[mask],
                    "y0": y0[mask],
                    "t1": t1[mask],
                    "y1": y1[mask],
                    "north": north[mask],
                    "band": band[mask],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[columns]


def ship_density(
    segments: pd.DataFrame,
    *,
    start_h: float,
    end_h: float,
    km_range: tuple[float, float],
    bin_h: float = 1.0,
    bin_km: float = 1.0,
    step_h: float = 0.25,
) -> np.ndarray:
    """Ships on each stretch of the waterway per hour: a (km bins x time bins) grid of the mean
    number of ships per km, counting every ship sailing or stopped there (sampled every
    ``step_h``)."""
    n_t = max(1, round((end_h - start_h) / bin_h))
    n_y = max(1, math.ceil((km_range[1] - km_range[0]) / bin_km))
    grid = np.zeros((n_y, n_t))
    if segments.empty:
        return grid
    t0 = segments["t0"].to_numpy(dtype=float)
    t1 = segments["t1"].to_numpy(dtype=float)
    y0 = segments["y0"].to_numpy(dtype=float)
    y1 = segments["y1"].to_numpy(dtype=float)
    first = np.ceil((np.maximum(t0, start_h) - start_h) / step_h - 0.5)
    last = np.floor((np.minimum(t1, end_h) - start_h) / step_h - 0.5)
    counts = np.clip(last - first + 1, 0, None).astype(np.int64)
    rows = np.repeat(np.arange(len(t0)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    times = start_h + (np.repeat(first, counts) + k + 0.5) * step_h
    span = np.where(t1 > t0, t1 - t0, 1.0)
    where = y0[rows] + (y1[rows] - y0[rows]) * (times - t0[rows]) / span[rows]
    ty = ((times - start_h) // bin_h).astype(np.int64)
    yy = ((where - km_range[0]) // bin_km).astype(np.int64)
    keep = (ty >= 0) & (ty < n_t) & (yy >= 0) & (yy < n_y)
    np.add.at(grid, (yy[keep], ty[keep]), 1.0)
    return grid * step_h / bin_h / bin_km


def time_space_chart(
    source: RunSource,
    *,
    start: When = None,
    hours: float = 168.0,
    km_range: tuple[float, float] | None = None,
    replication: int = 0,
    corridor: str = GRAND_CANAL,
    detail_hours: float = DETAIL_H,
) -> Figure:
    """Time-space diagram of the vessels on the Grand Canal near the hub, locks marked and named.

    By default the busiest week (:func:`busiest_window`). A window longer than a day is shown
    twice: on top as shading of the ships per km of canal hour by hour (every ship, sailing or
    stopped: queues at the locks are the dark streaks), and below, for the ``detail_hours`` of
    that window with the most ships through the locks, each ship as a line, northbound and
    southbound apart, coloured by its size (sloped lines sail; thick orange stretches wait for
    a lock, dark blue ones are lockages, red ones berth stays). A window of a day or less is
    shown as lines only. Horizontal lines mark the locks (solid: modelled) and terminals.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` and ``passages`` records and the network.
    start : date, datetime or float, optional
        Start of the window (a date or an hour of the run); default the busiest window.
    hours : float
        Length of the window (default a week).
    km_range : (float, float), optional
        Stretch of the canal shown (km from its southern end); default the modelled locks and
        the terminals on the canal with 12 km either side.
    replication : int
    corridor : str
        Waterway drawn (prefix of the links' ``corridor``).
    detail_hours : float
        Length of the line panels of a window longer than a day.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    km = canal_km(data.model, corridor)
    if not km:
        figure, ax = new_figure(12, 4)
        no_data(ax, tr("no {corridor} in this scenario's network", corridor=corridor))
        return figure
    if start is None:
        begin = busiest_window(data, hours=hours, replication=replication, corridor=corridor)
    else:
        begin = hour_of_date(data, start, default_start_h(data))
    finish = begin + hours
    run_end = data.end_h(replication)
    low, high = km_range or _default_km_range(data, km)
    points = vessel_waypoints(data, replication=replication, start_h=begin, end_h=finish)
    segments = _segments(data, points, km, corridor, run_end)
    when = hours_to_datetimes(data.model.calendar, np.array([begin]))[0]
    window = tr("{days:g} days", days=hours / 24) if hours >= 48 else tr("{hours:g} h", hours=hours)
    fields = {
        "name": data.name,
        "window": window,
        "when": format_datetime(pd.Timestamp(when).to_pydatetime()),
        "replication": replication,
    }
    title = (
        tr(
            "{name}: ships on the Grand Canal, the busiest {window} from {when} (replication "
            "{replication})",
            **fields,
        )
        if start is None
        else tr(
            "{name}: ships on the Grand Canal, the {window} from {when} (replication "
            "{replication})",
            **fields,
        )
    )
    if hours <= 24.0:
        figure, axes = new_figure(14, 6.5, ncols=2, sharey=True)
        _line_panels(data, list(axes), segments, km, (low, high), begin, finish, run_end)
        figure.suptitle(title)
        return figure
    figure = ChartFigure(figsize=(14, 11), layout="constrained")
    panels: Any = figure.subfigures(2, 1, height_ratios=[1.0, 1.15])
    top, bottom = panels
    density_ax = top.subplots()
    line_axes = list(bottom.subplots(1, 2, sharey=True))
    detail = _busiest_detail(segments, begin, finish, detail_hours)
    _density_panel(data, density_ax, segments, km, (low, high), begin, finish, run_end)
    density_ax.add_patch(
        Rectangle(
            (_to_num(data, np.array([detail]))[0], low),
            detail_hours / 24.0,
            high - low,
            fill=False,
            edgecolor="#d62728",
            linewidth=1.4,
            zorder=6,
        )
    )
    density_ax.text(
        _to_num(data, np.array([detail + detail_hours / 2]))[0],
        high,
        tr("shown below"),
        ha="center",
        va="bottom",
        color="#d62728",
        fontsize=8,
    )
    _line_panels(data, line_axes, segments, km, (low, high), detail, detail + detail_hours, run_end)
    detail_when = hours_to_datetimes(data.model.calendar, np.array([detail]))[0]
    bottom.suptitle(
        tr(
            "The {hours:g} h of it with most ships through the locks, from {when}: each ship "
            "a line",
            hours=detail_hours,
            when=format_datetime(pd.Timestamp(detail_when).to_pydatetime()),
        ),
        fontsize=11,
    )
    figure.suptitle(title)
    return figure


def _busiest_detail(segments: pd.DataFrame, begin: float, finish: float, hours: float) -> float:
    """Start of the ``hours`` (on a whole hour) of ``[begin, finish]`` in which most ships go
    through the locks (enter a chamber; most ships set sail when no lock is modelled)."""
    if finish - begin <= hours:
        return begin
    chambers = segments[segments["kind"] == "chamber"]
    chosen = chambers if not chambers.empty else segments[segments["kind"] == "sail"]
    starts = begin + np.arange(0.0, finish - begin - hours + 1e-9, 1.0)
    t0 = np.sort(chosen["t0"].to_numpy(dtype=float))
    if len(t0) == 0:
        return begin
    counts = np.searchsorted(t0, starts + hours) - np.searchsorted(t0, starts)
    return float(starts[int(np.argmax(counts))])


def _density_panel(
    data: RunData,
    ax: Axes,
    segments: pd.DataFrame,
    km: dict[str, float],
    km_range: tuple[float, float],
    begin: float,
    finish: float,
    run_end: float,
) -> None:
    bin_h = 1.0 if finish - begin <= 72.0 else 2.0
    grid = ship_density(
        segments, start_h=begin, end_h=finish, km_range=km_range, bin_h=bin_h, bin_km=1.0
    )
    edges_t = _to_num(data, begin + np.arange(grid.shape[1] + 1) * bin_h)
    edges_y = km_range[0] + np.arange(grid.shape[0] + 1) * 1.0
    shown = np.ma.masked_less_equal(grid, 0.0)
    peak = float(grid.max(initial=0.0))
    mesh = ax.pcolormesh(
        edges_t,
        edges_y,
        shown,
        cmap=colormaps["YlGnBu"],
        norm=LogNorm(vmin=0.05, vmax=max(peak, 0.1)),
        shading="flat",
        rasterized=True,
    )
    mesh.set_gid("density")
    bar = ax.figure.colorbar(mesh, ax=ax, pad=0.01, fraction=0.03)
    bar.set_label(tr("Ships per km of canal (mean over {hours:g} h)", hours=bin_h))
    _mark_places(ax, data, km, *km_range)
    ax.set_xlim(edges_t[0], _to_num(data, np.array([finish]))[0])
    ax.set_ylim(*km_range)
    _date_axis(ax)
    ax.set_ylabel(tr("Grand Canal km from the Yangtze (south)"))
    ax.set_title(
        tr(
            "All ships, both directions (busiest: most ships through the modelled locks); "
            "dark streaks are ships stopped: queueing at a lock, alongside at a berth"
        ),
        fontsize=10,
    )
    if finish > run_end:
        _stopped(ax, data, run_end)


def _line_panels(
    data: RunData,
    axes: list[Axes],
    segments: pd.DataFrame,
    km: dict[str, float],
    km_range: tuple[float, float],
    begin: float,
    finish: float,
    run_end: float,
) -> None:
    """Each ship as a line, northbound on the first axes and southbound on the second."""
    inside = (np.maximum(segments["t0"], segments["t1"]) >= begin) & (
        np.minimum(segments["t0"], segments["t1"]) <= finish
    )
    shown = segments[inside]
    in_range = shown[
        (np.maximum(shown["y0"], shown["y1"]) >= km_range[0])
        & (np.minimum(shown["y0"], shown["y1"]) <= km_range[1])
    ]
    # drawn in this order: a lockage shows as a thin line on the queue at its lock, which
    # stays visible around it
    styles = {
        "wait": (_WAIT_COLOUR, 4.5, N_("waiting for a lock")),
        "berth": (_BERTH_COLOUR, 2.4, N_("at a berth")),
        "chamber": (_CHAMBER_COLOUR, 1.0, N_("in a lock chamber")),
        "stop": ("#7f7f7f", 2.0, N_("at a lock not modelled")),
    }
    for ax, north in zip(axes, (True, False), strict=True):
        mine = shown[shown["north"] == north]
        sails = mine[mine["kind"] == "sail"]
        for band, (_, _, colour) in enumerate(SIZE_BANDS):
            rows = sails[sails["band"] == band]
            if not rows.empty:
                ax.add_collection(
                    LineCollection(_lines(data, rows), colors=colour, linewidths=0.7, alpha=0.9)
                )
        for kind, (colour, width, _) in styles.items():
            rows = mine[mine["kind"] == kind]
            if not rows.empty:
                collection = LineCollection(_lines(data, rows), colors=colour, linewidths=width)
                collection.set_gid(kind)
                ax.add_collection(collection)
        ships = mine["vessel"].nunique()
        if ships == 0:
            ax.text(
                0.5,
                0.5,
                tr("no ship northbound on this stretch")
                if north
                else tr("no ship southbound on this stretch"),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=10,
                color="#555555",
            )
        ax.set_title(
            tr("Northbound: {count:,} ships", count=ships)
            if north
            else tr("Southbound: {count:,} ships", count=ships),
            fontsize=10,
        )
        _mark_places(ax, data, km, *km_range, names=not north)
        ax.set_xlim(*_to_num(data, np.array([begin, finish])))
        ax.set_ylim(*km_range)
        _date_axis(ax)
        ax.set_xlabel(tr("Time"))
        ax.grid(alpha=0.2)
        if finish > run_end:
            _stopped(ax, data, run_end)
    axes[0].set_ylabel(tr("Grand Canal km from the Yangtze (south)"))
    sailing = in_range[in_range["kind"] == "sail"]
    handles = [
        Line2D([], [], color=colour, linewidth=1.5, label=tr("sailing, {size}", size=tr(label)))
        for band, (_, label, colour) in enumerate(SIZE_BANDS)
        if (sailing["band"] == band).any()
    ]
    handles += [
        Line2D([], [], color=colour, linewidth=width, label=tr(label))
        for kind, (colour, width, label) in styles.items()
        if (in_range["kind"] == kind).any()
    ]
    if handles:
        axes[0].figure.legend(
            handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8
        )


def _stopped(ax: Axes, data: RunData, run_end: float) -> None:
    """Grey out the time after the run ended (at its horizon, or earlier when a queue
    overflowed), and say which."""
    left, right = ax.get_xlim()
    end = max(float(_to_num(data, np.array([run_end]))[0]), left)
    ax.axvspan(end, right, color="#eeeeee", zorder=0.2)
    stamp = pd.Timestamp(hours_to_datetimes(data.model.calendar, np.array([run_end]))[0])
    when = format_datetime(stamp.to_pydatetime())
    if run_end >= data.model.horizon_h - 1e-9:
        text = tr("the run ends {when} (its horizon)", when=when)
    elif run_end < data.model.warmup_h:
        text = tr("the run stopped {when} during the warm-up: a queue overflowed", when=when)
    else:
        text = tr("the run stopped {when}: a queue overflowed", when=when)
    ax.text(
        (end + right) / 2,
        0.92,
        text,
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="top",
        fontsize=9,
        color="#8c2d04",
        wrap=True,
    )


def _lines(data: RunData, rows: pd.DataFrame) -> list[np.ndarray]:
    x0 = _to_num(data, rows["t0"].to_numpy(dtype=float))
    x1 = _to_num(data, rows["t1"].to_numpy(dtype=float))
    y0 = rows["y0"].to_numpy(dtype=float)
    y1 = rows["y1"].to_numpy(dtype=float)
    return list(np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1))


def _default_km_range(data: RunData, km: dict[str, float]) -> tuple[float, float]:
    marks = [km[p] for p in data.model.locks["id"] if p in km]
    marks += [km[p] for p in data.model.terminals["id"] if p in km]
    if not marks:
        return 0.0, max(km.values())
    return max(0.0, min(marks) - 12.0), min(max(km.values()), max(marks) + 12.0)


def _mark_places(
    ax: Axes,
    data: RunData,
    km: dict[str, float],
    low: float,
    high: float,
    *,
    names: bool = True,
) -> None:
    """Lines across the diagram at the locks (solid: modelled) and terminals, named on the
    right (``names``)."""
    places = data.model.places.set_index("id")
    modelled = set(data.model.locks["id"])
    labels = ax.get_yaxis_transform()
    for place, position in km.items():
        if not low <= position <= high or place not in places.index:
            continue
        kind = places.at[place, "kind"]
        if kind == "lock":
            style = ("-", 1.2, "#17becf") if place in modelled else ("--", 0.8, "#9edae5")
        elif kind == "terminal":
            style = (":", 1.0, "#d62728")
        else:
            continue
        line = ax.axhline(position, linestyle=style[0], linewidth=style[1], color=style[2])
        line.set_zorder(0.5)
        line.set_gid(f"{kind}:{place}")
        if not names:
            continue
        name = place_label(data.model, place, str(places.at[place, "name"]).split(" (")[0])
        ax.text(
            1.005,
            position,
            name + (tr(" (modelled)") if place in modelled else ""),
            transform=labels,
            va="center",
            fontsize=7.5,
            color="black",
            **(bold_text() if kind == "lock" else {}),
        )


def berth_lanes(start_h: np.ndarray, end_h: np.ndarray) -> np.ndarray:
    """Berth number (0, 1, ...) of each stay, the lowest free one first.

    Stays are given in any order; a berth is free again when its stay ends. The number of
    lanes used equals the most stays overlapping at once.
    """
    order = np.argsort(start_h, kind="stable")
    lanes = np.empty(len(start_h), dtype=np.int64)
    free: list[int] = []
    busy: list[tuple[float, int]] = []
    opened = 0
    for i in order.tolist():
        while busy and busy[0][0] <= start_h[i] + 1e-9:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, opened = opened, opened + 1
        lanes[i] = lane
        heapq.heappush(busy, (float(end_h[i]), lane))
    return lanes


def berth_gantt_chart(
    source: RunSource,
    *,
    groups: str | Sequence[str] | None = None,
    start: When = None,
    days: float = 7.0,
    replication: int = 0,
) -> Figure:
    """Berth occupation of one or more berth groups in a chosen week (a Gantt chart).

    Each bar is a ship's stay at a berth, coloured by commodity; the hatched end of a bar is
    time the ship was held because the yard was full.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` records and KPI table ``bottlenecks``.
    groups : str or sequence of str, optional
        Berth group ids (``TERMINAL/GROUP``) or terminal ids; default the berth group ships
        waited longest for.
    start : date, datetime or float, optional
        Start of the window; default the first midnight after the warm-up.
    days : float
        Length of the window.
    replication : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    model = data.model
    chosen = _chosen_groups(data, groups)
    begin = hour_of_date(data, start, default_start_h(data))
    finish = begin + days * 24.0
    vessels = data.replication_events("vessels", replication)
    lanes_total = int(model.groups.set_index("id").loc[chosen, "berths"].sum()) if chosen else 0
    figure, ax = new_figure(12, min(2.2 + 0.22 * max(lanes_total, 4), 16))
    if not chosen:
        no_data(ax, tr("no berth group in this scenario"))
        return figure
    ids = model.groups["id"].tolist()
    commodities = model.flows["commodity"].to_numpy()
    offset = 0
    ticks, labels, seen = [], [], set()
    for group in chosen:
        rows = vessels[vessels["berth_group"] == ids.index(group)]
        start_h = rows["berth_start_h"].to_numpy(dtype=float)
        end_h = rows["service_end_h"].to_numpy(dtype=float)
        block_h = rows["block_h"].to_numpy(dtype=float)
        lanes = berth_lanes(start_h, end_h)
        inside = (end_h >= begin) & (start_h <= finish)
        what = commodities[rows["flow"].to_numpy()]
        y = offset + lanes[inside]
        left, right = _to_num(data, start_h[inside]), _to_num(data, end_h[inside])
        held = np.nan_to_num(block_h[inside]) / 24.0  # date numbers are days
        ax.barh(
            y,
            right - held - left,
            left=left,
            height=0.8,
            color=[commodity_colour(c) for c in what[inside]],
            edgecolor="white",
            linewidth=0.3,
        )
        blocked = held > 1e-9 / 24.0
        if blocked.any():
            ax.barh(
                y[blocked],
                held[blocked],
                left=(right - held)[blocked],
                height=0.8,
                color="#cccccc",
                edgecolor="#d62728",
                hatch="////",
                linewidth=0.3,
            )
        seen.update(what[inside].tolist())
        count = int(model.groups.set_index("id").at[group, "berths"])
        short = group.split("/", 1)[-1]
        ticks += [offset + k for k in range(count)]
        labels += [f"{short} #{k + 1}" for k in range(count)]
        offset += count
        ax.axhline(offset - 0.5, color="black", linewidth=0.8)
    ax.set_yticks(ticks, labels, fontsize=7 if offset > 30 else 8)
    ax.set_ylim(offset - 0.5, -0.5)
    ax.set_xlim(*_to_num(data, np.array([begin, finish])))
    _date_axis(ax)
    ax.set_xlabel(tr("Time"))
    ax.set_ylabel(tr("Berth"))
    handles = [Patch(facecolor=commodity_colour(c), label=commodity_label(c)) for c in sorted(seen)]
    handles.append(
        Patch(facecolor="#cccccc", edgecolor="#d62728", hatch="////", label=tr("held: yard full"))
    )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    when = hours_to_datetimes(model.calendar, np.array([begin]))[0]
    named = (
        resource_words(data.model, chosen[0])
        if len(chosen) == 1
        else tr("{count} berth groups", count=len(chosen))
    )
    ax.set_title(
        tr(
            "{name}: {named}, berths from {date} ({days:g} days, replication {replication})",
            name=data.name,
            named=named,
            date=format_date(pd.Timestamp(when).date()),
            days=days,
            replication=replication,
        )
    )
    return figure


def _chosen_groups(data: RunData, groups: str | Sequence[str] | None) -> list[str]:
    model = data.model
    ids = model.groups["id"].tolist()
    if groups is None:
        ranked = data.tables["bottlenecks"]
        ranked = ranked[ranked["kind"] == "berths"].sort_values("wait_h_total", ascending=False)
        return ranked["resource"].head(1).tolist() or ids[:1]
    wanted = [groups] if isinstance(groups, str) else list(groups)
    chosen = []
    for name in wanted:
        if name in ids:
            chosen.append(name)
        elif name in set(model.groups["terminal"]):
            chosen += model.groups.loc[model.groups["terminal"] == name, "id"].tolist()
        else:
            raise ValueError(
                f"unknown berth group or terminal {name!r}; berth groups: {', '.join(ids)}"
            )
    return chosen
