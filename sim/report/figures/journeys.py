"""The report's journey figures: the time-space diagram of the Grand Canal and the berth Gantt
chart of :mod:`sim.viz.journeys` (same ships, weeks and berths, from
:mod:`sim.viz.journeys_data`), drawn by plotly.js in the browser.

The time-space figure carries a whole week of ships (tens of thousands of stretches), so its
lines are a few scatter traces, one per direction and kind of stretch, with a gap between
ships, and their coordinates are typed arrays (:func:`~sim.report.figures.base.packed`): times
as float64 milliseconds (plotly's date numbers), kilometres as float32. A ship's line runs on
through its lock stops, and stops that coincide (a queue at a lock, the ships of one lockage)
are drawn once: what looks the same is drawn with a third of the points, and plotly.js draws
it in a fraction of the time. The week's ship density is an image under the top panel, with
an invisible line through the cells for hover (thousands of bars took plotly.js seconds).
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import current_language, format_date, format_datetime, tr
from sim.report.figures.base import (
    Figure,
    axis,
    date_axis,
    dates,
    figure,
    no_data_figure,
    numbers,
    packed,
)
from sim.results.rundata import RunData
from sim.viz.journeys_data import (
    DETAIL_H,
    SIZE_BANDS,
    STOP_STYLES,
    PlaceMark,
    busiest_detail,
    busiest_window,
    canal_segments,
    chosen_groups,
    default_km_range,
    density_bin_h,
    gantt_start_h,
    group_stays,
    place_marks,
    ship_density,
)
from sim.viz.labels import commodity_label, resource_words
from sim.viz.palette import commodity_colour
from sim.viz.tracks import GRAND_CANAL, canal_km, vessel_waypoints

__all__ = ["berth_gantt_figure", "time_axis", "time_space_figure"]

_HOUR_MS = 3_600_000.0
#: Matplotlib's ``YlGnBu`` (ColorBrewer), the PNG's density colours, evenly spaced.
_DENSITY_COLOURS = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
_DENSITY_SCALE: list[list[float | str]] = [
    [i / (len(_DENSITY_COLOURS) - 1), colour] for i, colour in enumerate(_DENSITY_COLOURS)
]
#: Lowest density the colour scale tells apart (ships per km), as the PNG's ``LogNorm``.
_DENSITY_FLOOR = 0.05
#: Line widths (px) of the kinds of stretch in the line panels.
_WIDTHS = {"sail": 1.0, "wait": 5.0, "berth": 3.0, "chamber": 1.5, "stop": 2.5}
_REPLICATION = 0
#: Right edge of the panels (paper share); the place names and the colour bar sit beyond.
_RIGHT = 0.8


def _epoch_ms(data: RunData, hours: np.ndarray | float) -> np.ndarray:
    """Simulation hours as plotly's date numbers (milliseconds since 1970, NaN kept)."""
    calendar = data.model.calendar
    origin = calendar.datetimes(np.array([calendar.warmup_h]))[0]
    origin_ms = float(origin.astype("datetime64[ms]").astype(np.int64))
    return origin_ms + (np.asarray(hours, dtype=float) - calendar.warmup_h) * _HOUR_MS


def _when(data: RunData, hour: float) -> str:
    """An hour of the run as the current language writes a date and time."""
    moment = data.model.calendar.datetimes(np.array([hour]))[0].item()
    return format_datetime(moment)


def time_axis(title: str | None = None, **settings: Any) -> dict[str, Any]:
    """A date axis (:func:`~sim.report.figures.base.date_axis`) whose Chinese ticks read at
    every zoom, from hours to years: ``date_axis`` writes them as days (``03-15``), which an
    8-hour view repeats and a 4-year one leaves without years. English ticks are plotly's."""
    out = date_axis(title, **settings)
    if current_language() == "zh":
        out.pop("tickformat", None)
        # the first stop whose range holds the tick spacing wins
        out["tickformatstops"] = [
            {"dtickrange": ["M1", None], "value": "%Y-%m"},
            {"dtickrange": [24 * _HOUR_MS, "M1"], "value": "%m-%d"},
            {"dtickrange": [6 * _HOUR_MS, 24 * _HOUR_MS], "value": "%m-%d %H:%M"},
            {"dtickrange": [None, 6 * _HOUR_MS], "value": "%H:%M"},
        ]
    return out


@dataclass(frozen=True)
class _Stretches:
    """Stretches of ships' journeys (columns of :func:`canal_segments` as arrays)."""

    vessel: np.ndarray
    t0: np.ndarray
    y0: np.ndarray
    t1: np.ndarray
    y1: np.ndarray

    def __getitem__(self, mask: np.ndarray) -> _Stretches:
        return _Stretches(
            self.vessel[mask], self.t0[mask], self.y0[mask], self.t1[mask], self.y1[mask]
        )

    def __len__(self) -> int:
        return len(self.t0)


def _sail_lines(rows: _Stretches, locks_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sailing stretches (in journey order) as one polyline per ship as far as it goes on
    unbroken, NaN between lines.

    A stretch that starts where the ship's previous one ended continues its line, and so does
    one that starts at the lock where the previous one ended (the line runs flat through the
    stop, under the thicker wait and chamber lines drawn over it); a point between two
    stretches sailed at the same speed is left out. Fewer, longer lines draw several times
    faster in the browser.

    Returns
    -------
    t_h, km
        The points, NaN at the breaks.
    """
    n = len(rows)
    same = np.zeros(n, dtype=bool)
    same[1:] = (rows.vessel[1:] == rows.vessel[:-1]) & (rows.y0[1:] == rows.y1[:-1])
    joined = same & np.append(False, rows.t0[1:] == rows.t1[:-1])
    through = same & ~joined & np.isin(rows.y0, locks_km)
    through[1:] &= rows.t0[1:] >= rows.t1[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = (rows.y1 - rows.y0) / (rows.t1 - rows.t0)
    straight = np.zeros(n, dtype=bool)
    straight[1:] = joined[1:] & np.isclose(speed[1:], speed[:-1], rtol=1e-3, atol=0.0)
    # each stretch: [break, start, end]; a joined one keeps only its end, and its start (the
    # previous one's end) goes when the line runs straight through it
    keep = np.column_stack([~(joined | through), ~joined, np.append(~straight[1:], True)])
    if n:
        keep[0, 0] = False
    gap = np.full(n, np.nan)
    t = np.column_stack([gap, rows.t0, rows.t1])[keep]
    y = np.column_stack([gap, rows.y0, rows.y1])[keep]
    return t, y


def _stop_lines(
    rows: _Stretches, *, merge: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stops (flat stretches) drawn once where they coincide: ``merge`` joins the stops at one
    km that overlap in time (ships queueing at a lock, alongside at a terminal: drawn on one
    line, they look the same), else only identical ones (the ships of one lockage).

    Returns
    -------
    t_h, km, ships, hours
        The points of the lines ([break, start, end] per stretch; NaN at the breaks), and at
        each point the ships the stretch stands for and its length in hours.
    """
    order = np.lexsort((rows.t1, rows.t0, rows.y0))
    y, t0, t1 = rows.y0[order], rows.t0[order], rows.t1[order]
    n = len(order)
    place = np.ones(n, dtype=bool)
    place[1:] = y[1:] != y[:-1]
    if merge:
        # within a km, a stop starts a new line when it starts after all earlier ones ended
        offset = np.cumsum(place) * (np.nanmax(t1, initial=0.0) - np.nanmin(t0, initial=0.0) + 1.0)
        reach = np.maximum.accumulate(t1 + offset)
        new = place.copy()
        new[1:] |= t0[1:] + offset[1:] > reach[:-1]
    else:
        new = place.copy()
        new[1:] |= (t0[1:] != t0[:-1]) | (t1[1:] != t1[:-1])
    first = np.flatnonzero(new)
    start = np.minimum.reduceat(t0, first) if n else t0
    end = np.maximum.reduceat(t1, first) if n else t1
    ships = np.diff(np.append(first, n)).astype(float)
    km = y[first]
    gap = np.full(len(first), np.nan)
    t = np.column_stack([gap, start, end]).ravel()[1:]
    line_y = np.column_stack([gap, km, km]).ravel()[1:]
    count = np.repeat(ships, 3)[1:]
    hours = np.repeat(end - start, 3)[1:]
    return t, line_y, count, hours


def _line_trace(
    data: RunData,
    t_h: np.ndarray,
    km: np.ndarray,
    *,
    name: str,
    colour: str,
    width: float,
    axes: tuple[str, str],
    group: str,
    legend: bool,
    hover: str,
    custom: tuple[np.ndarray, ...] = (),
) -> dict[str, Any]:
    """One scatter trace of many ships' lines (NaN: a gap); ``custom`` arrays, one value per
    point, are the hover's ``customdata``."""
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines",
        "x": packed(_epoch_ms(data, t_h), "f8"),
        "y": packed(km, "f4"),
        "xaxis": axes[0],
        "yaxis": axes[1],
        "line": {"color": colour, "width": width},
        "connectgaps": False,
        "name": name,
        "legendgroup": group,
        "showlegend": legend,
        "hovertemplate": hover + "<extra></extra>",
    }
    if custom:
        trace["customdata"] = {
            **packed(np.column_stack(custom).ravel(), "f4"),
            "shape": f"{len(t_h)},{len(custom)}",
        }
    return trace


def _png(rgba: np.ndarray) -> bytes:
    """An RGBA image (rows from the top, ``uint8``) as PNG bytes."""
    height, width, _ = rgba.shape
    rows = np.hstack([np.zeros((height, 1), dtype=np.uint8), rgba.reshape(height, width * 4)])

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _density_colours(shade: np.ndarray) -> np.ndarray:
    """RGBA of shades 0-1 on :data:`_DENSITY_SCALE` (NaN: transparent)."""
    stops = np.linspace(0.0, 1.0, len(_DENSITY_COLOURS))
    colours = np.array(
        [[int(colour[k : k + 2], 16) for k in (1, 3, 5)] for colour in _DENSITY_COLOURS],
        dtype=float,
    )
    where = np.nan_to_num(shade)
    rgb = np.column_stack([np.interp(where.ravel(), stops, colours[:, c]) for c in range(3)])
    alpha = np.where(np.isnan(shade.ravel()), 0.0, 255.0)
    rgba = np.column_stack([rgb, alpha]).round().astype(np.uint8)
    return rgba.reshape(*shade.shape, 4)


def _density_layer(
    data: RunData, grid: np.ndarray, begin: float, low_km: float, bin_h: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ships per km of canal, a cell per km and ``bin_h`` hours, with the PNG's log
    colours (empty cells left white).

    The cells are an image under the top panel (thousands of bars took plotly.js seconds to
    draw); an invisible line through the cells' centres answers hover with the values, and
    two invisible points carry the colour bar.

    Returns
    -------
    image, traces
        The ``layout.images`` entry, and the hover and colour bar traces.
    """
    n_km, n_t = grid.shape
    peak = max(float(grid.max(initial=0.0)), 0.1)
    lowest, highest = math.log10(_DENSITY_FLOOR), math.log10(peak)
    with np.errstate(divide="ignore"):
        shade = np.clip((np.log10(grid) - lowest) / (highest - lowest), 0.0, 1.0)
    shade[grid <= 0] = np.nan
    # rows from the top (the far km), each cell a block of pixels so that the browser's
    # smoothing of a stretched image blurs only the cells' edges
    pixels = _density_colours(shade[::-1])
    pixels = np.repeat(np.repeat(pixels, 8, axis=0), 12, axis=1)
    source = "data:image/png;base64," + base64.b64encode(_png(pixels)).decode("ascii")
    image = {
        "source": source,
        "xref": "x",
        "yref": "y",
        "x": float(_epoch_ms(data, begin)),
        "y": low_km + n_km,
        "sizex": n_t * bin_h * _HOUR_MS,
        "sizey": float(n_km),
        "xanchor": "left",
        "yanchor": "top",
        "sizing": "stretch",
        "layer": "below",
    }
    rows, columns = np.nonzero(grid > 0)
    values = grid[rows, columns]
    ticks = [v for v in (0.1, 1.0, 10.0, 100.0, 1000.0) if _DENSITY_FLOOR <= v <= peak * 1.0001]
    title = tr("Ships per km of canal (mean over {hours:g} h)", hours=bin_h)
    hover = tr(
        "{when}, km {km}: {value} ships per km",
        when="%{x}",
        km="%{y:.1f}",
        value="%{customdata:.2f}",
    )
    # hover at the cells' centres from an invisible line: plotly.js draws a line as one path,
    # but a marker per point (thousands of invisible markers took it a third of a second)
    hover_trace = {
        "type": "scatter",
        "mode": "lines",
        "x": packed(_epoch_ms(data, begin + (columns + 0.5) * bin_h), "f8"),
        "y": packed(low_km + rows + 0.5, "f4"),
        "customdata": packed(values, "f4"),
        "line": {"color": "rgba(0,0,0,0)", "width": 0},
        "hoverlabel": {"bgcolor": "white", "bordercolor": "#444444"},
        "hovertemplate": hover + "<extra></extra>",
        "showlegend": False,
        "name": title,
    }
    # the colour bar, carried by two invisible points
    scale_trace = {
        "type": "scatter",
        "mode": "markers",
        "x": [image["x"], image["x"]],
        "y": [low_km, low_km],
        "marker": {
            "size": 1,
            "opacity": 0,
            "color": [lowest, highest],
            "colorscale": _DENSITY_SCALE,
            "cmin": lowest,
            "cmax": highest,
            "showscale": True,
            "colorbar": {
                "title": {"text": title, "side": "right"},
                "tickvals": [math.log10(v) for v in ticks],
                "ticktext": [f"{v:g}" for v in ticks],
                "x": 1.0,
                "xanchor": "right",
                "y": 0.93,
                "yanchor": "top",
                "len": 0.33,
                "thickness": 14,
            },
        },
        "hoverinfo": "skip",
        "showlegend": False,
        "name": title,
    }
    return image, [hover_trace, scale_trace]


def _mark_shapes(marks: list[PlaceMark], y_axes: list[str]) -> list[dict[str, Any]]:
    """Lines across each panel at the locks (solid: modelled) and terminals."""
    shapes = []
    for mark in marks:
        if mark.kind == "lock":
            line = (
                {"color": "#17becf", "width": 1.5, "dash": "solid"}
                if mark.modelled
                else {"color": "#9edae5", "width": 1.0, "dash": "dash"}
            )
        else:
            line = {"color": "#d62728", "width": 1.2, "dash": "dot"}
        for y_axis in y_axes:
            shapes.append(
                {
                    "type": "line",
                    "xref": f"x{y_axis[1:]} domain",
                    "yref": y_axis,
                    "x0": 0,
                    "x1": 1,
                    "y0": mark.km,
                    "y1": mark.km,
                    "line": line,
                    "layer": "below",
                }
            )
    return shapes


def _mark_names(marks: list[PlaceMark], y_axes: list[str]) -> list[dict[str, Any]]:
    """The names of the locks (bold; modelled ones say so) and terminals, right of panels."""
    names = []
    for mark in marks:
        text = mark.name + (tr(" (modelled)") if mark.modelled else "")
        if mark.kind == "lock":
            text = f"<b>{text}</b>"
        for y_axis in y_axes:
            names.append(
                {
                    "text": text,
                    "xref": f"x{y_axis[1:]} domain",
                    "yref": y_axis,
                    "x": 1.0,
                    "y": mark.km,
                    "xanchor": "left",
                    "xshift": 4,
                    "showarrow": False,
                    "font": {"size": 10},
                }
            )
    return names


def _stopped(
    data: RunData, run_end: float, begin: float, finish: float, axes: list[str]
) -> list[Any]:
    """Grey over the time of the window ``[begin, finish]`` after the run stopped, and a note
    on the first panel saying why (``[shapes, annotation]``; empty when the run went past
    the window)."""
    if finish <= run_end:
        return []
    when = _when(data, run_end)
    if run_end >= data.model.horizon_h - 1e-9:
        text = tr("the run ends {when} (its horizon)", when=when)
    elif run_end < data.model.warmup_h:
        text = tr("the run stopped {when} during the warm-up: a queue overflowed", when=when)
    else:
        text = tr("the run stopped {when}: a queue overflowed", when=when)
    start, end = (float(v) for v in _epoch_ms(data, np.array([max(run_end, begin), finish])))
    shapes = [
        {
            "type": "rect",
            "xref": x_axis,
            "yref": f"y{x_axis[1:]} domain",
            "x0": start,
            "x1": end,
            "y0": 0,
            "y1": 1,
            "fillcolor": "#eeeeee",
            "line": {"width": 0},
            "layer": "below",
        }
        for x_axis in axes
    ]
    note = {
        "text": text,
        "xref": axes[0],
        "yref": "y domain",
        "x": start,
        "y": 0.97,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 11, "color": "#8c2d04"},
    }
    return [shapes, note]


def _panel_title(text: str, x_axis: str, *, size: int = 12) -> dict[str, Any]:
    """A short title above a panel."""
    return {
        "text": text,
        "xref": f"{x_axis} domain",
        "yref": f"y{x_axis[1:]} domain",
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": 4,
        "align": "left",
        "showarrow": False,
        "font": {"size": size},
    }


def _ship_lines(
    data: RunData,
    segments: pd.DataFrame,
    marks: list[PlaceMark],
    begin: float,
    finish: float,
    km_range: tuple[float, float],
) -> list[dict[str, Any]]:
    """The line panels' traces: per direction, the sailing ships by size band and their stops
    by kind (:data:`STOP_STYLES`), every stretch of the week on the shown km."""
    t0, t1 = segments["t0"].to_numpy(dtype=float), segments["t1"].to_numpy(dtype=float)
    y0, y1 = segments["y0"].to_numpy(dtype=float), segments["y1"].to_numpy(dtype=float)
    shown = (
        (np.maximum(t0, t1) >= begin)
        & (np.minimum(t0, t1) <= finish)
        & (np.maximum(y0, y1) >= km_range[0])
        & (np.minimum(y0, y1) <= km_range[1])
    )
    stretches = _Stretches(segments["vessel"].to_numpy(), t0, y0, t1, y1)[shown]
    kinds = segments["kind"].to_numpy(dtype=object)[shown]
    bands = segments["band"].to_numpy()[shown]
    north = segments["north"].to_numpy(dtype=bool)[shown]
    where = "%{x}<br>" + tr("km {km}", km="%{y:.1f}")
    # where a ship's line may run on through its stop: the locks, whose wait and chamber
    # lines cover the stop (not a terminal: the wait for a berth is not drawn)
    locks_km = np.array([mark.km for mark in marks if mark.kind == "lock"])
    traces: list[dict[str, Any]] = []
    seen: set[str] = set()
    for axes, heading in ((("x2", "y2"), True), (("x3", "y3"), False)):
        direction = tr("northbound") if heading else tr("southbound")
        mine = north == heading
        for band, (_, size, colour) in enumerate(SIZE_BANDS):
            rows = mine & (kinds == "sail") & (bands == band)
            if not rows.any():
                continue
            name = tr("sailing, {size}", size=tr(size))
            t_h, km = _sail_lines(stretches[rows], locks_km)
            traces.append(
                _line_trace(
                    data,
                    t_h,
                    km,
                    name=name,
                    colour=colour,
                    width=_WIDTHS["sail"],
                    axes=axes,
                    group=f"sail{band}",
                    legend=f"sail{band}" not in seen,
                    hover=f"{direction}, {name}<br>{where}",
                )
            )
            seen.add(f"sail{band}")
        for kind, (colour, label) in STOP_STYLES.items():
            rows = mine & (kinds == kind)
            if not rows.any():
                continue
            t_h, km, ships, hours = _stop_lines(stretches[rows], merge=kind != "chamber")
            what = tr(label)
            hover = (
                tr(
                    "{direction}, {what}: a lockage of {ships} ships, {hours} h",
                    direction=direction,
                    what=what,
                    ships="%{customdata[0]:.0f}",
                    hours="%{customdata[1]:.1f}",
                )
                if kind == "chamber"
                else tr(
                    "{direction}, {what}: {ships} ships in {hours} h without a break",
                    direction=direction,
                    what=what,
                    ships="%{customdata[0]:.0f}",
                    hours="%{customdata[1]:.1f}",
                )
            )
            traces.append(
                _line_trace(
                    data,
                    t_h,
                    km,
                    name=what,
                    colour=colour,
                    width=_WIDTHS[kind],
                    axes=axes,
                    group=kind,
                    legend=kind not in seen,
                    hover=f"{hover}<br>{where}",
                    custom=(ships, hours),
                )
            )
            seen.add(kind)
    return traces


def time_space_figure(data: RunData) -> Figure:
    """The busiest week on the Grand Canal near the hub, km against time.

    The week, stretch of canal, ships and densities of
    :func:`sim.viz.journeys.time_space_chart`: on top the ships per km of canal, every ship
    sailing or stopped, 2-hour cells; below each ship of the week as a line, northbound and
    southbound apart, coloured by its size, its stops coloured (waiting for a lock, in the
    chamber, at a berth). The line panels open on the 8 hours with most ships through the
    locks (framed on top); zooming out or panning shows the rest of the week. Horizontal
    lines mark the locks (solid: modelled) and terminals, named on the right.

    Parameters
    ----------
    data : RunData
        The run; reads its ``vessels`` and ``passages`` records (replication 0) and the
        network.

    Returns
    -------
    Figure
    """
    km = canal_km(data.model, GRAND_CANAL)
    if not km:
        return no_data_figure(tr("no {corridor} in this scenario's network", corridor=GRAND_CANAL))
    hours = 168.0
    begin = busiest_window(data, hours=hours, replication=_REPLICATION)
    finish = begin + hours
    run_end = data.end_h(_REPLICATION)
    low, high = default_km_range(data, km)
    points = vessel_waypoints(data, replication=_REPLICATION, start_h=begin, end_h=finish)
    segments = canal_segments(data, points, km, GRAND_CANAL, run_end)
    detail = busiest_detail(segments, begin, finish, DETAIL_H)
    bin_h = density_bin_h(begin, finish)
    grid = ship_density(
        segments, start_h=begin, end_h=finish, km_range=(low, high), bin_h=bin_h, bin_km=1.0
    )
    image, density = _density_layer(data, grid, begin, low, bin_h)
    traces: list[dict[str, Any]] = density
    marks = place_marks(data, km, low, high)
    traces += _ship_lines(data, segments, marks, begin, finish, (low, high))
    # ships of the opening view, as the PNG counts those of its detail panels
    t0, t1 = segments["t0"].to_numpy(dtype=float), segments["t1"].to_numpy(dtype=float)
    in_detail = (np.maximum(t0, t1) >= detail) & (np.minimum(t0, t1) <= detail + DETAIL_H)
    north = segments["north"].to_numpy(dtype=bool)
    vessels = segments["vessel"].to_numpy()
    counts = [len(np.unique(vessels[in_detail & (north == heading)])) for heading in (True, False)]
    week = _epoch_ms(data, np.array([begin, finish]))
    opening = _epoch_ms(data, np.array([detail, detail + DETAIL_H]))
    km_axis = {"range": [low, high], "autorange": False}
    stopped = _stopped(data, run_end, begin, finish, ["x", "x2", "x3"])
    # the grey after the run under the lines of the locks and terminals
    shapes = (stopped[0] if stopped else []) + _mark_shapes(marks, ["y2", "y3"])
    shapes.append(
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": float(opening[0]),
            "x1": float(opening[1]),
            "y0": low,
            "y1": high,
            "line": {"color": "#d62728", "width": 1.6},
        }
    )
    fields = {
        "name": data.name,
        "window": tr("{days:g} days", days=hours / 24),
        "when": _when(data, begin),
        "replication": _REPLICATION,
    }
    annotations = [
        {
            **_panel_title(
                "<b>"
                + tr(
                    "{name}: ships on the Grand Canal, the busiest {window} from {when} "
                    "(replication {replication})",
                    **fields,
                )
                + "</b><br>"
                + tr(
                    "All ships, both directions (busiest: most ships through the modelled "
                    "locks); dark streaks are ships stopped: queueing at a lock, alongside at a "
                    "berth"
                ),
                "x",
                size=11,
            ),
            "yshift": 16,  # over the "shown below" of the frame
        },
        {
            "text": tr("shown below"),
            "xref": "x",
            "yref": "y",
            "x": float(opening.mean()),
            "y": high,
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 10, "color": "#d62728"},
        },
        _panel_title(
            "<b>"
            + tr(
                "Each ship a line, opening on the {hours:g} h with most ships through the "
                "locks, from {when}; zoom out or pan for the rest of the week",
                hours=DETAIL_H,
                when=_when(data, detail),
            )
            + "</b><br>"
            + tr("Northbound: {count:,} ships", count=counts[0]),
            "x2",
            size=11,
        ),
        _panel_title(tr("Southbound: {count:,} ships", count=counts[1]), "x3", size=11),
        *_mark_names(marks, ["y", "y3"]),
    ]
    if stopped:
        annotations.append(stopped[1])
    km_title = tr("Grand Canal km from the Yangtze (south)")
    layout = {
        "xaxis": time_axis(
            domain=[0.0, _RIGHT],
            anchor="y",
            range=[float(week[0]), float(week[1])],
            showgrid=False,
        ),
        "yaxis": axis(km_title, domain=[0.6, 0.93], anchor="x", showgrid=False, **km_axis),
        "xaxis2": time_axis(
            tr("Time"),
            domain=[0.0, _RIGHT / 2 - 0.02],
            anchor="y2",
            range=[float(opening[0]), float(opening[1])],
        ),
        "yaxis2": axis(km_title, domain=[0.08, 0.49], anchor="x2", **km_axis),
        "xaxis3": time_axis(
            tr("Time"), domain=[_RIGHT / 2 + 0.02, _RIGHT], anchor="y3", matches="x2"
        ),
        "yaxis3": axis(domain=[0.08, 0.49], anchor="x3", matches="y2", showticklabels=False),
        "images": [image],
        "shapes": shapes,
        "annotations": annotations,
        "legend": {"orientation": "h", "x": 0.0, "y": -0.03, "yanchor": "top"},
        "margin": {"l": 70, "r": 20, "t": 30, "b": 40},
    }
    return figure(traces, layout, height=980)


def berth_gantt_figure(data: RunData) -> Figure:
    """Berth occupation of the berth group ships waited longest for, in a week.

    Each bar is a ship's stay at a berth (the berths numbered as
    :func:`sim.viz.journeys.berth_gantt_chart` numbers them, :func:`berth_lanes`), coloured
    by commodity; the grey, red-hatched end of a bar is the time a full yard held the ship.
    The week is the time-space diagram's (the busiest on the canal), or the group's first
    week with a stay when it has none then (:func:`sim.viz.journeys_data.gantt_start_h`, as
    the PNG chart's).

    Parameters
    ----------
    data : RunData
        The run; reads its ``vessels`` records (replication 0) and KPI table
        ``bottlenecks``.

    Returns
    -------
    Figure
    """
    chosen = chosen_groups(data, None)
    if not chosen:
        return no_data_figure(tr("no berth group in this scenario"))
    groups = data.model.groups.set_index("id")
    begin = gantt_start_h(data, chosen[0])
    days = 7.0
    finish = begin + days * 24.0
    traces: list[dict[str, Any]] = []
    lanes: list[str] = []
    frames = []
    for group in chosen:
        stays = group_stays(data, group, begin, finish, replication=_REPLICATION)
        count = int(groups.at[group, "berths"])
        short = group.split("/", 1)[-1]
        names = [
            f"{short} #{k + 1}"
            for k in range(max(count, int(stays["lane"].to_numpy().max(initial=-1)) + 1))
        ]
        frames.append(stays.assign(berth=[names[lane] for lane in stays["lane"]]))
        lanes += names
    stays = pd.concat(frames, ignore_index=True)
    held_ms = stays["block_h"].to_numpy(dtype=float) * _HOUR_MS
    start_ms = _epoch_ms(data, stays["start_h"].to_numpy(dtype=float))
    end_ms = _epoch_ms(data, stays["end_h"].to_numpy(dtype=float))
    custom = [
        [a, b, round(float(h), 2), round(float(k), 2)]
        for a, b, h, k in zip(
            dates(data.model.calendar, stays["start_h"]),
            dates(data.model.calendar, stays["end_h"]),
            stays["end_h"] - stays["start_h"],
            stays["block_h"],
            strict=True,
        )
    ]
    hover = tr(
        "{berth}: {what}<br>{start} to {end}<br>{hours} h at the berth, {held} h held: yard full",
        berth="%{y}",
        what="%{fullData.name}",
        start="%{customdata[0]}",
        end="%{customdata[1]}",
        hours="%{customdata[2]:.1f}",
        held="%{customdata[3]:.1f}",
    )
    commodities = stays["commodity"].to_numpy()
    for commodity in sorted(set(commodities.tolist())):
        mine = np.flatnonzero(commodities == commodity)
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": stays["berth"].to_numpy()[mine].tolist(),
                "base": numbers(start_ms[mine], 13),
                "x": numbers(end_ms[mine] - held_ms[mine] - start_ms[mine], 8),
                "width": 0.8,
                "marker": {
                    "color": commodity_colour(commodity),
                    "line": {"color": "white", "width": 0.5},
                },
                "customdata": [custom[i] for i in mine],
                "name": commodity_label(commodity),
                "hovertemplate": hover + "<extra></extra>",
            }
        )
    blocked = np.flatnonzero(held_ms > 1e-9 * _HOUR_MS)
    held_name = tr("held: yard full")
    traces.append(
        {
            "type": "bar",
            "orientation": "h",
            "y": stays["berth"].to_numpy()[blocked].tolist(),
            "base": numbers(end_ms[blocked] - held_ms[blocked], 13),
            "x": numbers(held_ms[blocked], 8),
            "width": 0.8,
            "marker": {
                "color": "#cccccc",
                "line": {"color": "#d62728", "width": 1},
                "pattern": {"shape": "/", "fgcolor": "#d62728", "size": 6},
            },
            "customdata": [custom[i] for i in blocked],
            "name": held_name,
            "hovertemplate": hover + "<extra></extra>",
        }
    )
    named = (
        resource_words(data.model, chosen[0])
        if len(chosen) == 1
        else tr("{count} berth groups", count=len(chosen))
    )
    date = data.model.calendar.datetimes(np.array([begin]))[0].item().date()
    title = tr(
        "{name}: {named}, berths from {date} ({days:g} days, replication {replication})",
        name=data.name,
        named=named,
        date=format_date(date),
        days=days,
        replication=_REPLICATION,
    )
    heading = f"<b>{title}</b>"
    if not len(blocked) and not stays.empty:
        heading += "<br>" + tr("No ship was held by a full yard in this week.")
    annotations = [_panel_title(heading, "x", size=12)]
    if stays.empty:
        annotations.append(
            {
                "text": tr("no ship at these berths in this week"),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 13, "color": "#555"},
            }
        )
    week = _epoch_ms(data, np.array([begin, finish]))
    layout = {
        "barmode": "overlay",
        "xaxis": time_axis(tr("Time"), range=[float(week[0]), float(week[1])]),
        "yaxis": axis(
            tr("Berth"),
            type="category",
            categoryorder="array",
            categoryarray=lanes,
            range=[len(lanes) - 0.5, -0.5],  # the first berth on top, drawn with no stay too
            showgrid=False,
            tickfont={"size": 10},
        ),
        "legend": {"orientation": "v", "x": 1.01, "y": 1.0, "xanchor": "left", "yanchor": "top"},
        "annotations": annotations,
        "margin": {"t": 40, "r": 30},
    }
    return figure(traces, layout, height=min(max(140 + 26 * len(lanes), 320), 1400))
