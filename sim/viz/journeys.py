"""The full-process view: every vessel's journey along the Grand Canal and the berth plan.

:func:`time_space_chart` draws kilometre against time for every ship on the canal in a window
(sailing, waiting at a lock, in the chamber, at the berth); :func:`berth_gantt_chart` shows
which ship occupied which berth of a group in a chosen week, and how long yard blocking held it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.i18n import N_, current_language, format_date, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import commodity_label, concise_date_formats, place_label
from sim.viz.measures import hour_of_date
from sim.viz.style import (
    PORT_COLOUR,
    THROUGH_COLOUR,
    commodity_colour,
    hours_to_datetimes,
    new_figure,
    no_data,
)
from sim.viz.tracks import GRAND_CANAL, canal_km, vessel_waypoints

__all__ = ["berth_gantt_chart", "berth_lanes", "default_start_h", "time_space_chart"]

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


def time_space_chart(
    source: RunSource,
    *,
    start: When = None,
    hours: float = 12.0,
    km_range: tuple[float, float] | None = None,
    replication: int = 0,
    corridor: str = GRAND_CANAL,
) -> Figure:
    """Time-space diagram of the vessels on the Grand Canal: km against time, locks marked.

    Each ship is a line: sloped while it sails, flat while it stops. Orange stretches are
    waits for a lock, dark blue ones lockages, red ones berth stays; port calls are blue,
    through traffic grey. Modelled locks are solid horizontal lines, other locks dashed,
    terminals dotted.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` and ``passages`` records and the network.
    start : date, datetime or float, optional
        Start of the window (a date or an hour of the run); default the first midnight after
        the warm-up.
    hours : float
        Length of the window.
    km_range : (float, float), optional
        Stretch of the canal shown (km from its southern end); default the modelled locks and
        the terminals on the canal with 12 km either side.
    replication : int
    corridor : str
        Waterway drawn (prefix of the links' ``corridor``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    figure, ax = new_figure(12, 7)
    km = canal_km(data.model, corridor)
    if not km:
        no_data(ax, tr("no {corridor} in this scenario's network", corridor=corridor))
        return figure
    begin = hour_of_date(data, start, default_start_h(data))
    finish = begin + hours
    run_end = data.end_h(replication)
    points = vessel_waypoints(data, replication=replication, start_h=begin, end_h=finish)
    canal_links = set(
        data.model.links.loc[
            (data.model.links["mode"] == "water")
            & data.model.links["corridor"].str.startswith(corridor),
            "id",
        ]
    )
    points = points.assign(km=points["place"].map(km))
    drawn: set[int] = set()
    segments: dict[str, list[np.ndarray]] = {
        k: [] for k in ("port", "through", "wait", "chamber", "berth", "stop")
    }
    if not points.empty:
        arrive = points["arrive_h"].to_numpy(dtype=float)
        serve = np.where(np.isnan(points["serve_h"]), run_end, points["serve_h"])
        depart = np.where(np.isnan(points["depart_h"]), run_end, points["depart_h"])
        serve = np.minimum(np.maximum(serve, arrive), run_end)
        depart = np.minimum(np.maximum(depart, serve), run_end)
        position = points["km"].to_numpy(dtype=float)
        on = ~np.isnan(position) & ~np.isnan(arrive)
        stop = points["stop"].to_numpy()
        kind = points["flow_kind"].to_numpy()
        vessel = points["vessel"].to_numpy()
        same_next = np.append(vessel[1:] == vessel[:-1], False)
        next_on = np.append(on[1:], False)
        next_arrive = np.append(arrive[1:], np.nan)
        next_km = np.append(position[1:], np.nan)
        sails = (
            on
            & same_next
            & next_on
            & points["next_link"].isin(canal_links).to_numpy()
            & (depart < run_end)
        )

        def add(
            name: str,
            mask: np.ndarray,
            t0: np.ndarray,
            y0: np.ndarray,
            t1: np.ndarray,
            y1: np.ndarray,
        ) -> None:
            keep = mask & (np.maximum(t0, t1) >= begin) & (np.minimum(t0, t1) <= finish)
            if keep.any():
                drawn.update(vessel[keep].tolist())
                x0, x1 = _to_num(data, t0[keep]), _to_num(data, t1[keep])
                segments[name].append(
                    np.stack(
                        [np.column_stack([x0, y0[keep]]), np.column_stack([x1, y1[keep]])], axis=1
                    )
                )

        for flow_kind in ("stream", "through"):
            add(
                "port" if flow_kind == "stream" else "through",
                sails & (kind == flow_kind),
                depart,
                position,
                next_arrive,
                next_km,
            )
        add("wait", on & (stop == "lock") & (serve > arrive), arrive, position, serve, position)
        add("chamber", on & (stop == "lock"), serve, position, depart, position)
        add("berth", on & (stop == "berth"), serve, position, depart, position)
        add("stop", on & (stop == "unmodelled lock"), arrive, position, depart, position)
    styles = {
        "through": (THROUGH_COLOUR, 0.6, N_("through traffic sailing")),
        "port": (PORT_COLOUR, 0.6, N_("port call sailing")),
        "stop": ("#7f7f7f", 2.0, N_("at a lock not modelled")),
        "chamber": (_CHAMBER_COLOUR, 1.6, N_("in a lock chamber")),
        "berth": (_BERTH_COLOUR, 2.4, N_("at a berth")),
        "wait": (_WAIT_COLOUR, 3.2, N_("waiting for a lock")),
    }
    handles = []
    for name, (colour, width, label) in styles.items():
        if segments[name]:
            ax.add_collection(
                LineCollection(
                    list(np.concatenate(segments[name])), colors=colour, linewidths=width
                )
            )
        handles.append(Line2D([], [], color=colour, linewidth=width, label=tr(label)))
    low, high = km_range or _default_km_range(data, km)
    _mark_places(ax, data, km, low, high)
    ax.set_xlim(_to_num(data, np.array([begin]))[0], _to_num(data, np.array([finish]))[0])
    ax.set_ylim(low, high)
    _date_axis(ax)
    ax.set_ylabel(tr("Grand Canal km from the Yangtze (south) to the north"))
    ax.set_xlabel(tr("Time"))
    ax.set_title(
        tr(
            "{name}: {count:,} vessels on the Grand Canal in {hours:g} h (replication "
            "{replication})",
            name=data.name,
            count=len(drawn),
            hours=hours,
            replication=replication,
        )
    )
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8)
    ax.grid(alpha=0.2)
    if finish > run_end:
        ax.axvspan(
            _to_num(data, np.array([run_end]))[0], ax.get_xlim()[1], color="#eeeeee", zorder=0
        )
    return figure


def _default_km_range(data: RunData, km: dict[str, float]) -> tuple[float, float]:
    marks = [km[p] for p in data.model.locks["id"] if p in km]
    marks += [km[p] for p in data.model.terminals["id"] if p in km]
    if not marks:
        return 0.0, max(km.values())
    return max(0.0, min(marks) - 12.0), min(max(km.values()), max(marks) + 12.0)


def _mark_places(ax: Axes, data: RunData, km: dict[str, float], low: float, high: float) -> None:
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
        ax.axhline(position, linestyle=style[0], linewidth=style[1], color=style[2], zorder=0)
        name = place_label(data.model, place, str(places.at[place, "name"]).split(" (")[0])
        ax.text(
            1.005,
            position,
            name + (tr(" (modelled)") if place in modelled else ""),
            transform=labels,
            va="center",
            fontsize=7.5,
            color="black",
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
        _group_words(data, chosen[0])
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


def _group_words(data: RunData, group: str) -> str:
    """A berth group's id, with its terminal's Chinese name in place of the terminal id."""
    terminal, slash, rest = group.partition("/")
    if current_language() == "en" or not slash:
        return group
    return place_label(data.model, terminal, terminal) + slash + rest


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
