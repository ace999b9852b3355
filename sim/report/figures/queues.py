"""The report's queue and turnaround figures: the PNG charts of :mod:`sim.viz.queues` (same
numbers, from :mod:`sim.viz.queues_data`) drawn by plotly.js in the browser.

:func:`queue_figure` shows the ships waiting and the mean wait over time at the locks and
berth groups that hold ships longest; :func:`turnaround_figure` the turnaround of every port
call in the counted period and its spread by port area.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import N_, current_language, tr
from sim.report.figures.base import (
    Figure,
    axis,
    dates,
    figure,
    no_data_figure,
    numbers,
)
from sim.report.figures.journeys import time_axis
from sim.results.rundata import RunData
from sim.viz.labels import port_area_label
from sim.viz.measures import resource_label
from sim.viz.palette import PORT_COLOUR, kind_label
from sim.viz.queues_data import (
    QUEUE_COLOURS,
    queue_bin_h,
    queue_resources,
    turnaround_by_area,
    turnaround_calls,
    waiting_series_of,
)

__all__ = ["queue_figure", "turnaround_figure"]

#: A series whose peak wait passes this many times the median of the series' peaks is drawn
#: off the scale of the wait panel (a queue for a berth group not yet open, held for months,
#: would flatten every other line).
_OFF_SCALE = 5.0


def _bin_unit(width_h: float) -> str:
    """What a time bin of the queue chart is called: day, week or ``6-h bin``."""
    if width_h == 24.0:
        return tr("day")
    if width_h == 168.0:
        return tr("week")
    return tr("{width:g}-h bin", width=width_h)


def _day_hover() -> str:
    """Plotly's date format of a day in the current language (the unified hover's heading)."""
    return "%Y-%m-%d" if current_language() == "zh" else "%d %b %Y"


def _wait_range(peaks: dict[str, float]) -> tuple[float, list[str]] | None:
    """Top of the wait panel's axis when some series peak far above the others (``None``:
    plotly's own range), and the series drawn off the scale."""
    finite = {name: peak for name, peak in peaks.items() if np.isfinite(peak) and peak > 0}
    if len(finite) < 2:
        return None
    cap = _OFF_SCALE * float(np.median(list(finite.values())))
    above = [name for name, peak in finite.items() if peak > cap]
    if not above:
        return None
    shown = [peak for peak in finite.values() if peak <= cap]
    return 1.08 * max(shown), above


def queue_figure(data: RunData) -> Figure:
    """Ships waiting and the mean wait of arriving ships per day (per week for runs over a
    year) at the locks and berth groups that hold ships longest.

    The same series as :func:`sim.viz.queues.queue_chart` (:func:`waiting_series` of the
    :func:`queue_resources`): locks solid, berth groups dashed, ships waiting above and mean
    wait below, one hover for all the resources at a date. When one series peaks far above
    the others (a queue held for months), the wait axis is fitted to the others and a note
    names it; a double click shows all of it.

    Parameters
    ----------
    data : RunData
        The run; reads its KPI table ``bottlenecks`` and its ``passages`` and ``vessels``
        records.

    Returns
    -------
    Figure
    """
    ranked = queue_resources(data)
    if ranked.empty:
        return no_data_figure(tr("no ship waited at a lock or a berth"))
    width = queue_bin_h(data)
    unit = _bin_unit(width)
    ships_hover = tr("{ships} ships waiting", ships="%{y:.1f}")
    wait_hover = tr("{hours} h mean wait", hours="%{y:.1f}")
    traces: list[dict[str, Any]] = []
    peaks: dict[str, float] = {}
    rows = list(ranked.itertuples(index=False))[: len(QUEUE_COLOURS)]
    every = waiting_series_of(data, [(row.kind, row.resource) for row in rows], bin_h=width)
    for colour, row, series in zip(QUEUE_COLOURS, rows, every, strict=False):
        middle = dates(data.model.calendar, (series["start_h"] + series["end_h"]) / 2)
        label = tr(
            "{kind}: {resource}",
            kind=kind_label(row.kind),
            resource=resource_label(row.kind, row.resource, data),
        )
        line = {"color": colour, "width": 1.6, "dash": "solid" if row.kind == "lock" else "dash"}
        waits = series["mean_wait_h"].to_numpy(dtype=float)
        peaks[label] = float(np.nanmax(waits)) if np.isfinite(waits).any() else np.nan
        common = {"type": "scatter", "mode": "lines", "x": middle, "line": line, "name": label}
        traces.append(
            {
                **common,
                "y": numbers(series["queue_vessels"], 3),
                "legendgroup": row.resource,
                "hovertemplate": f"{ships_hover}<extra>{label}</extra>",
            }
        )
        traces.append(
            {
                **common,
                "y": numbers(waits, 3),
                "yaxis": "y2",
                "legendgroup": row.resource,
                "showlegend": False,
                "hovertemplate": f"{wait_hover}<extra>{label}</extra>",
            }
        )
    wait_axis = axis(
        tr("Mean wait of arrivals (h, per {unit})", unit=unit),
        domain=[0.0, 0.44],
        rangemode="tozero",
    )
    annotations = []
    fitted = _wait_range(peaks)
    if fitted is not None:
        top, above = fitted
        wait_axis.update(range=[0.0, top], autorange=False)
        annotations.append(
            {
                "text": tr(
                    "Off the scale: {names} (up to {peak:,.0f} h); double-click to show all",
                    names=", ".join(above),
                    peak=max(peaks[name] for name in above),
                ),
                "xref": "paper",
                "yref": "paper",
                "x": 1.0,
                "y": 0.44,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#8c2d04"},
            }
        )
    x_axis = time_axis(tr("Date"), anchor="y2")
    # the unified hover's heading: the day a bin is centred on, and for longer bins which
    x_axis["hoverformat"] = (
        _day_hover() if width == 24.0 else tr("{unit} around {date}", unit=unit, date=_day_hover())
    )
    layout = {
        "hovermode": "x unified",
        "xaxis": x_axis,
        "yaxis": axis(
            tr("Ships waiting (mean per {unit})", unit=unit), domain=[0.54, 1.0], rangemode="tozero"
        ),
        "yaxis2": wait_axis,
        "annotations": annotations,
    }
    return figure(traces, layout, height=620)


def _percent_words() -> str:
    """Hover text of a port area's turnaround (plotly placeholders into ``customdata``)."""
    return tr(
        "{calls} port calls<br>mean {mean} h, median {median} h<br>25-75 %: {p25}-{p75} h<br>"
        "5-95 %: {p5}-{p95} h",
        calls="%{customdata[0]:,}",
        mean="%{customdata[1]:.1f}",
        median="%{customdata[4]:.1f}",
        p25="%{customdata[3]:.1f}",
        p75="%{customdata[5]:.1f}",
        p5="%{customdata[2]:.1f}",
        p95="%{customdata[6]:.1f}",
    )


def _area_traces(data: RunData, stats: pd.DataFrame) -> list[dict[str, Any]]:
    """The by-port-area panel: 5-95 % line, 25-75 % bar, median tick and mean diamond."""
    areas = [port_area_label(data.model, area) for area in stats.index]
    columns = ["count", "mean", "5%", "25%", "50%", "75%", "95%"]
    custom = [numbers(row, 4) for row in stats[columns].to_numpy(dtype=float)]
    hover = "<b>%{y}</b><br>" + _percent_words() + "<extra></extra>"
    common = {
        "type": "bar",
        "orientation": "h",
        "y": areas,
        "xaxis": "x2",
        "yaxis": "y2",
        "hoverlabel": {"bgcolor": "white", "bordercolor": PORT_COLOUR, "font": {"color": "#222"}},
    }
    return [
        {
            **common,
            "x": numbers(stats["95%"] - stats["5%"]),
            "base": numbers(stats["5%"]),
            "width": 0.08,
            "marker": {"color": "#222222"},
            "customdata": custom,
            "hovertemplate": hover,
            "showlegend": False,
            "name": tr("5-95 %"),
        },
        {
            **common,
            "x": numbers(stats["75%"] - stats["25%"]),
            "base": numbers(stats["25%"]),
            "width": 0.45,
            "marker": {"color": PORT_COLOUR},
            "customdata": custom,
            "hovertemplate": hover,
            "showlegend": False,
            "name": tr("25-75 %"),
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": numbers(stats["50%"]),
            "y": areas,
            "xaxis": "x2",
            "yaxis": "y2",
            "marker": {
                "symbol": "line-ns",
                "size": 16,
                "color": "white",
                "line": {"width": 2.5, "color": "white"},
            },
            "hoverlabel": common["hoverlabel"],
            "customdata": custom,
            "hovertemplate": hover,
            "name": tr("median"),
            "showlegend": False,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": numbers(stats["mean"]),
            "y": areas,
            "xaxis": "x2",
            "yaxis": "y2",
            "marker": {"symbol": "diamond", "size": 8, "color": "black"},
            "hoverlabel": common["hoverlabel"],
            "customdata": custom,
            "hovertemplate": hover,
            "name": tr("mean"),
            "legend": "legend2",
        },
    ]


def turnaround_figure(data: RunData) -> Figure:
    """Vessel turnaround in port: the distribution of all port calls of the counted period
    (60 bins, values above the 99.5th percentile in the last; mean, median and 95th
    percentile marked) and, by port area, the 5-95 % and 25-75 % ranges, median and mean.

    The same calls and statistics as :func:`sim.viz.queues.turnaround_chart`
    (:func:`turnaround_calls`, :func:`turnaround_by_area`); the histogram's bars are the
    counts matplotlib draws for it (``numpy.histogram`` of the clipped values).

    Parameters
    ----------
    data : RunData
        The run; reads its ``vessels`` records.

    Returns
    -------
    Figure
    """
    calls = turnaround_calls(data)
    if calls.empty:
        return no_data_figure(tr("no port call completed in the counted period"))
    values = calls["turnaround_h"].to_numpy(dtype=float)
    top = float(np.percentile(values, 99.5))
    counts, edges = np.histogram(np.clip(values, 0, top), bins=60)
    ranges = [
        tr("{low:.1f}-{high:.1f} h", low=low, high=high) for low, high in itertools.pairwise(edges)
    ]
    ranges[-1] = tr("{low:.1f} h and longer", low=edges[-2])
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": numbers((edges[:-1] + edges[1:]) / 2),
            "y": counts.tolist(),
            "width": float(edges[1] - edges[0]),
            "marker": {
                "color": PORT_COLOUR,
                "opacity": 0.85,
                "line": {"color": "white", "width": 0.5},
            },
            "customdata": ranges,
            "hovertemplate": tr(
                "{range}: {calls} port calls", range="%{customdata}", calls="%{y:,}"
            )
            + "<extra></extra>",
            "showlegend": False,
            "name": tr("Port calls (all replications)"),
        }
    ]
    peak = float(counts.max()) * 1.04
    for statistic, label, dash in (
        (float(np.mean(values)), N_("mean"), "solid"),
        (float(np.percentile(values, 50)), N_("median"), "dot"),
        (float(np.percentile(values, 95)), N_("95th percentile"), "dash"),
    ):
        text = tr("{label} {statistic:.1f} h", label=tr(label), statistic=statistic)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [statistic, statistic],
                "y": [0, peak],
                "line": {"color": "black", "dash": dash, "width": 1.5},
                "name": text,
                "hovertemplate": f"{text}<extra></extra>",
            }
        )
    stats = turnaround_by_area(calls)
    traces += _area_traces(data, stats)
    waited = float(np.mean(calls["wait_h"] > 1e-9))
    left_title = tr(
        "All port calls: {count:,}; {waited:.0%} waited for a berth",
        count=len(values),
        waited=waited,
    )
    layout = {
        "xaxis": axis(
            tr("Turnaround in port (h; values above the 99.5th percentile in the last bin)"),
            domain=[0.0, 0.55],
        ),
        "yaxis": axis(tr("Port calls (all replications)"), rangemode="tozero"),
        "xaxis2": axis(
            tr("Turnaround (h): 5-95 % line, 25-75 % bar, median tick"),
            domain=[0.7, 1.0],
            anchor="y2",
        ),
        "yaxis2": axis(anchor="x2", type="category", showgrid=False, ticks=""),
        "barmode": "overlay",
        "legend": {"x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "bottom", "orientation": "h"},
        "legend2": {
            "x": 1.0,
            "y": 0.0,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        "annotations": [
            _panel_title(left_title, 0.0),
            _panel_title(tr("By port area"), 0.7),
        ],
        "margin": {"t": 70},
    }
    return figure(traces, layout, height=480)


def _panel_title(text: str, x: float) -> dict[str, Any]:
    """A short title above a panel (paper coordinates)."""
    return {
        "text": f"<b>{text}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": 26,
        "showarrow": False,
        "font": {"size": 13},
    }
