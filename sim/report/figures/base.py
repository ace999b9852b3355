"""Building blocks of the report's interactive figures: plotly figures as plain dicts.

A figure is ``{"data": [trace, ...], "layout": {...}}``, the JSON that ``Plotly.newPlot``
takes; the report inlines it and plotly.js (:mod:`sim.vendor`, the *basic* bundle: scatter,
bar and pie traces) draws it in the browser. Nothing here imports matplotlib or plotly.py:
building all the figures of a plan year takes a fraction of a second, where drawing the same
charts as PNGs takes matplotlib several CPU seconds.

Texts are written in the current language (:func:`sim.i18n.tr`) when a figure is built;
numbers in hover labels use plotly's d3 formats, dates :func:`date_axis`'s formats (Chinese
dates are written ``2028-03``, as plotly.js has no Chinese month names without a locale file).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from sim.i18n import current_language
from sim.model.calendar import Calendar

__all__ = [
    "FONT_FAMILY",
    "UTILISATION_SCALE",
    "Figure",
    "axis",
    "date_axis",
    "dates",
    "error_bar",
    "figure",
    "heat_cells",
    "no_data_figure",
    "note_annotation",
    "notes_margin",
    "numbers",
    "packed",
    "rgba",
]

#: A plotly figure: ``{"data": [...], "layout": {...}}``.
Figure = dict[str, Any]

#: The report's fonts (its CSS), so charts and text read alike.
FONT_FAMILY = '"Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC", "Noto Sans SC", sans-serif'
_GRID = "#e6e6e6"


def figure(
    data: Sequence[dict[str, Any]],
    layout: dict[str, Any] | None = None,
    *,
    height: int = 420,
    legend: bool = True,
) -> Figure:
    """A figure with the report's look: white, light grid, the legend above the plot.

    ``layout`` entries replace the defaults (a nested dict such as ``xaxis`` is merged one
    level deep).
    """
    base: dict[str, Any] = {
        "height": height,
        "font": {"family": FONT_FAMILY, "size": 12, "color": "#222"},
        "margin": {"l": 70, "r": 30, "t": 40, "b": 60},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "xaxis": axis(),
        "yaxis": axis(),
    }
    for key, value in (layout or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return {"data": list(data), "layout": base}


def axis(title: str | None = None, **settings: Any) -> dict[str, Any]:
    """A cartesian axis with the report's grid; ``settings`` are plotly axis attributes."""
    out: dict[str, Any] = {
        "gridcolor": _GRID,
        "zerolinecolor": "#bbbbbb",
        "linecolor": "#888888",
        "showline": True,
        "ticks": "outside",
        "automargin": True,
    }
    if title is not None:
        out["title"] = {"text": title}
    out.update(settings)
    return out


def date_axis(title: str | None = None, *, span: str = "days", **settings: Any) -> dict[str, Any]:
    """A date axis: English uses plotly's own date ticks; Chinese writes dates as numbers
    (``2028-03``, ``03-15``), as plotly.js would otherwise name months in English.

    ``span`` is ``"days"`` (ticks of days and weeks) or ``"months"``.
    """
    out = axis(title, type="date", **settings)
    if current_language() == "zh":
        out["tickformat"] = "%Y-%m" if span == "months" else "%m-%d"
        out["hoverformat"] = "%Y-%m" if span == "months" else "%Y-%m-%d %H:%M"
    else:
        out["hoverformat"] = "%b %Y" if span == "months" else "%d %b %Y %H:%M"
    return out


def dates(calendar: Calendar, hours: np.ndarray | Sequence[float]) -> list[str]:
    """Simulation hours as the ISO date-times plotly reads (``2028-03-15 06:00``)."""
    values = calendar.datetimes(np.asarray(hours, dtype=float))
    return [str(v).replace("T", " ")[:16] for v in np.datetime_as_string(values, unit="m")]


def numbers(values: Iterable[Any], digits: int = 4) -> list[float | None]:
    """Floats rounded to ``digits`` significant digits for JSON (NaN and inf become ``None``,
    which plotly leaves out): a chart needs no more, and the page stays small."""
    out: list[float | None] = []
    for value in values:
        number = float(value)
        if not math.isfinite(number):
            out.append(None)
        elif number == 0:
            out.append(0.0)
        else:
            out.append(float(f"{number:.{digits}g}"))
    return out


def packed(values: np.ndarray | Sequence[float], dtype: str = "f4") -> dict[str, str]:
    """A long numeric array in plotly.js's typed-array form (``{"dtype", "bdata"}``: base64 of
    the little-endian values), a quarter of the size of its JSON numbers. NaN breaks a line."""
    array = np.ascontiguousarray(np.asarray(values, dtype=f"<{dtype}"))
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def error_bar(
    mean: np.ndarray, low: np.ndarray, high: np.ndarray, *, shown: bool, floor: float | None = None
) -> dict[str, Any]:
    """Plotly ``error_x``/``error_y`` from a mean and its 95 % CI bounds; invisible when the run
    has too few replications for a CI (``shown`` is :func:`sim.viz.palette.ci_shown`) or a
    bound is unknown."""
    if not shown:
        return {"visible": False}
    below = np.asarray(low, dtype=float)
    if floor is not None:
        below = np.clip(below, floor, None)
    mean = np.asarray(mean, dtype=float)
    return {
        "type": "data",
        "symmetric": False,
        "array": numbers(np.nan_to_num(np.asarray(high, dtype=float) - mean)),
        "arrayminus": numbers(np.nan_to_num(mean - below)),
        "color": "#333333",
        "thickness": 1.2,
        "width": 4,
    }


def note_annotation(text: str, *, line: int = 0, below_px: float | None = None) -> dict[str, Any]:
    """A note under the plot, such as why no CI is drawn: by default below the x axis and its
    title (line ``line`` of the notes; reserve :func:`notes_margin` pixels at the bottom for
    them), or ``below_px`` pixels under the plot area."""
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "yshift": -(58 + 18 * line if below_px is None else below_px),
        "showarrow": False,
        "font": {"size": 11, "color": "#555"},
    }


def notes_margin(notes: int) -> int:
    """Bottom margin (pixels) for an x axis with its title and ``notes`` lines of notes."""
    return 64 + 18 * notes


def no_data_figure(message: str, *, height: int = 160) -> Figure:
    """A figure that says why there is nothing to draw."""
    hidden = {"visible": False}
    return figure(
        [],
        {
            "xaxis": hidden,
            "yaxis": hidden,
            "annotations": [
                {
                    "text": message,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": 14, "color": "#555"},
                }
            ],
        },
        height=height,
        legend=False,
    )


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` with the given opacity."""
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha:g})"


#: Utilisation colours (share 0-1 or 0-100 %): matplotlib's YlOrRd, as the PNG heat map and
#: flow map draw it (light: idle, dark red: full).
UTILISATION_SCALE = [
    [0.0, "#ffffcc"],
    [0.125, "#ffeda0"],
    [0.25, "#fed976"],
    [0.375, "#feb24c"],
    [0.5, "#fd8d3c"],
    [0.625, "#fc4e2a"],
    [0.75, "#e31a1c"],
    [0.875, "#bd0026"],
    [1.0, "#800026"],
]


def heat_cells(
    values: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    zmin: float,
    zmax: float,
    colorscale: Sequence[Sequence[Any]] = UTILISATION_SCALE,
    hover: str,
    text: Sequence[Sequence[str]] | None = None,
    colorbar_title: str = "",
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A heat map drawn with one horizontal bar trace (the basic bundle has no heatmap trace).

    Cell ``(i, j)`` is a bar of width 1 starting at ``j`` on row ``rows[i]``, coloured by
    ``values[i, j]`` (NaN: left empty). ``hover`` is a plotly hover template; ``%{y}``,
    ``%{customdata[0]}`` (the column) and ``%{marker.color}`` (the value) are available.

    Returns
    -------
    traces, layout
        The trace list and the ``xaxis``/``yaxis`` layout that place the columns and rows.
    """
    grid = np.asarray(values, dtype=float)
    row_index, column_index = (i.tolist() for i in np.nonzero(~np.isnan(grid)))
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "y": [rows[i] for i in row_index],
        "x": [1] * len(row_index),
        "base": column_index,
        "width": 0.96,
        "customdata": [[columns[j]] for j in column_index],
        "marker": {
            "color": numbers(grid[row_index, column_index]),
            "colorscale": [list(stop) for stop in colorscale],
            "cmin": zmin,
            "cmax": zmax,
            "line": {"width": 0},
            "colorbar": {"title": {"text": colorbar_title}, "thickness": 14, "len": 0.8},
            "showscale": True,
        },
        "hovertemplate": hover + "<extra></extra>",
        "showlegend": False,
    }
    if text is not None:
        trace["text"] = [text[i][j] for i, j in zip(row_index, column_index, strict=True)]
        trace["textposition"] = "inside"
        trace["insidetextanchor"] = "middle"
        trace["textfont"] = {"size": 10}
        trace["textangle"] = 0
    layout = {
        "barmode": "overlay",
        "bargap": 0,
        "xaxis": axis(
            tickmode="array",
            tickvals=[j + 0.5 for j in range(len(columns))],
            ticktext=list(columns),
            range=[0, len(columns)],
            showgrid=False,
            side="top",
            ticks="",
        ),
        "yaxis": axis(
            type="category",
            categoryorder="array",
            categoryarray=list(reversed(rows)),
            showgrid=False,
            ticks="",
        ),
    }
    return [trace], layout
