"""The full-process view: every vessel's journey along the Grand Canal and the berth plan.

:func:`time_space_chart` draws kilometre against time for every ship on the canal in a window
(sailing, waiting at a lock, in the chamber, at the berth); :func:`berth_gantt_chart` shows
which ship occupied which berth of a group in a chosen week, and how long yard blocking held it.
"""

from __future__ import annotations

import datetime as dt
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

from sim.i18n import format_date, format_datetime, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.journeys_data import (
    DETAIL_H,
    SIZE_BANDS,
    STOP_STYLES,
    berth_lanes,
    busiest_detail,
    busiest_window,
    canal_segments,
    chosen_groups,
    default_km_range,
    default_start_h,
    density_bin_h,
    gantt_start_h,
    group_stays,
    place_marks,
    ship_density,
)
from sim.viz.labels import commodity_label, concise_date_formats, resource_words
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
#: Line widths of the stops in the line panels.
_STATE_WIDTHS = {"wait": 4.5, "berth": 2.4, "chamber": 1.0, "stop": 2.0}


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, **concise_date_formats()))


def _to_num(data: RunData, hours: np.ndarray) -> np.ndarray:
    return np.asarray(mdates.date2num(hours_to_datetimes(data.model.calendar, hours)))


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
    low, high = km_range or default_km_range(data, km)
    points = vessel_waypoints(data, replication=replication, start_h=begin, end_h=finish)
    segments = canal_segments(data, points, km, corridor, run_end)
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
    detail = busiest_detail(segments, begin, finish, detail_hours)
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
    bin_h = density_bin_h(begin, finish)
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
        kind: (colour, _STATE_WIDTHS[kind], label) for kind, (colour, label) in STOP_STYLES.items()
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
    labels = ax.get_yaxis_transform()
    for mark in place_marks(data, km, low, high):
        if mark.kind == "lock":
            style = ("-", 1.2, "#17becf") if mark.modelled else ("--", 0.8, "#9edae5")
        else:
            style = (":", 1.0, "#d62728")
        line = ax.axhline(mark.km, linestyle=style[0], linewidth=style[1], color=style[2])
        line.set_zorder(0.5)
        line.set_gid(f"{mark.kind}:{mark.place}")
        if not names:
            continue
        ax.text(
            1.005,
            mark.km,
            mark.name + (tr(" (modelled)") if mark.modelled else ""),
            transform=labels,
            va="center",
            fontsize=7.5,
            color="black",
            **(bold_text() if mark.kind == "lock" else {}),
        )


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
        Start of the window; default the busiest week on the canal (the time-space diagram's),
        or the first group's first week with a stay when it has none then
        (:func:`sim.viz.journeys_data.gantt_start_h`, as the report's figure).
    days : float
        Length of the window.
    replication : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    model = data.model
    chosen = chosen_groups(data, groups)
    # by default the report figure's week: the busiest on the canal, or the group's first
    # week with a stay (a group that opens later would show an empty week)
    fallback = gantt_start_h(data, chosen[0], replication=replication) if chosen else None
    begin = hour_of_date(data, start, default_start_h(data) if fallback is None else fallback)
    finish = begin + days * 24.0
    lanes_total = int(model.groups.set_index("id").loc[chosen, "berths"].sum()) if chosen else 0
    figure, ax = new_figure(12, min(2.2 + 0.22 * max(lanes_total, 4), 16))
    if not chosen:
        no_data(ax, tr("no berth group in this scenario"))
        return figure
    offset = 0
    ticks, labels, seen = [], [], set()
    for group in chosen:
        stays = group_stays(data, group, begin, finish, replication=replication)
        what = stays["commodity"].to_numpy()
        y = offset + stays["lane"].to_numpy()
        left = _to_num(data, stays["start_h"].to_numpy())
        right = _to_num(data, stays["end_h"].to_numpy())
        held = stays["block_h"].to_numpy() / 24.0  # date numbers are days
        ax.barh(
            y,
            right - held - left,
            left=left,
            height=0.8,
            color=[commodity_colour(c) for c in what],
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
        seen.update(what.tolist())
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
