"""Where the hub chokes, as interactive figures: the ranked bottlenecks (with the capacity their
relief adds), utilisation by month and the waits at the locks.

The same numbers as the PNG charts of :mod:`sim.viz.utilisation`, from the same computations
(:mod:`sim.viz.utilisation_data`, :mod:`sim.viz.measures`).
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import localise, tr
from sim.report.figures.base import (
    UTILISATION_SCALE,
    Figure,
    axis,
    error_bar,
    figure,
    heat_cells,
    no_data_figure,
    note_annotation,
    notes_margin,
    numbers,
)
from sim.results.rundata import RunData
from sim.viz.labels import localise_names
from sim.viz.measures import resource_labels
from sim.viz.palette import (
    KIND_COLOURS,
    TARGET_COLOUR,
    ci_bounds,
    ci_note,
    ci_shown,
    kind_colour,
    kind_label,
)
from sim.viz.utilisation_data import (
    STATE_LABELS,
    CriterionBars,
    bottleneck_notes,
    criterion_bars,
    kinds_in,
    nice_limit,
    relief_gains,
    utilisation_grid,
)

__all__ = ["bottleneck_figure", "lock_wait_figure", "utilisation_figure"]

#: Resources ranked in the bottleneck figure (as the PNG chart).
TOP_BOTTLENECKS = 10
#: Rows of the heat map: the most used resources (as the PNG chart).
TOP_RESOURCES = 30

#: Bar patterns by what the verdict says of the criterion (the PNG chart's hatches).
_PATTERNS = {"fails": "/", "shared": ".", "uncertain": "\\", "overflowed": "x"}
_RELIEF_COLOUR = "#2ca02c"
_P95_COLOUR = "#08306b"


def _plain(text: str) -> str:
    """Text shown as is by plotly (which reads a little HTML in labels)."""
    return escape(str(text), quote=False)


# --- ranked bottlenecks ---------------------------------------------------------------


def bottleneck_figure(data: RunData) -> Figure:
    """The top resources as the run ranks them by their effect on the verdict.

    Bars are each resource's service criterion as value / limit (the dashed line: the limit),
    patterned by what the verdict makes of it; beside each bar its criterion and measures;
    when the run carries bottleneck reliefs, a panel of the sustainable capacity each adds.
    Folders written before the ranking by effect show the share of vessel time spent waiting
    for each resource instead. Hovering a row gives all of it.
    """
    table = data.tables["bottlenecks"].head(TOP_BOTTLENECKS)
    if table.empty:
        return no_data_figure(tr("no resource to rank"))
    rows = list(range(len(table)))  # row 0, rank 1, at the top
    ranks = table["rank"].tolist() if "rank" in table else [i + 1 for i in rows]
    names = resource_labels(zip(table["kind"], table["resource"], strict=True), data)
    labels = [f"{int(rank)}. {name}" for rank, name in zip(ranks, names, strict=True)]
    hover = [
        f"<b>{_plain(label)}</b><br>{_plain(kind_label(k))}"
        for label, k in zip(labels, table["kind"], strict=True)
    ]
    ranked = "criterion_ratio" in table
    relief = data.relief
    with_relief = relief is not None and not relief.empty
    # panel widths as the PNG chart's: the bars, their notes, the relief
    widths = [1.0, 0.62] if ranked else [1.0]
    if with_relief:
        widths.append(0.6)
    domains = _domains(widths, gap=0.03)
    layout: dict[str, Any] = {
        "yaxis": axis(
            tickmode="array",
            tickvals=rows,
            ticktext=[_plain(label) for label in labels],
            range=[len(rows) - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
            ticks="",
        ),
        "barmode": "overlay",  # one bar a row (the legend's entries draw none)
        "bargap": 0.28,
        "shapes": [],
        "annotations": [],
    }
    if ranked:
        traces, details = _criterion_panel(table, rows, layout, domains, data)
    else:  # a folder written before the ranking by effect on the verdict
        traces, details = _wait_share_panel(table, rows, layout, data)
    layout["xaxis"]["domain"] = domains[0]
    hover = [f"{h}<br>{d}" for h, d in zip(hover, details, strict=True)]
    if with_relief:
        assert relief is not None
        relief_traces, relief_axis, relief_words = _relief_panel(relief, table, rows, data)
        hover = [f"{h}<br>{r}" for h, r in zip(hover, relief_words, strict=True)]
        traces += relief_traces
        name = f"x{len(widths)}"
        for trace in relief_traces:
            trace["xaxis"] = name
        layout[f"xaxis{len(widths)}"] = {**relief_axis, "domain": domains[-1], "anchor": "y"}
        layout["annotations"].append(
            _panel_title(tr("Capacity gained by relieving it"), domains[-1])
        )
    for trace in traces:  # every mark of a row answers with all of the row
        if "hovertext" in trace:
            trace["hovertext"] = [hover[row] for row in trace["y"]]
            trace["hovertemplate"] = "%{hovertext}<extra></extra>"
    # the legend under the axis titles (three entries a line), placed in pixels
    entries = sum(1 for trace in traces if trace.get("showlegend"))
    legend_px = 22 * -(-entries // 3)
    top_px, below_px, plot_px = 75, 95, 46 * max(len(rows), 2)
    layout["margin"] = {"l": 70, "r": 30, "t": top_px, "b": below_px + legend_px}
    if not ranked and not ci_shown(data.replications):  # why the shares have no CI
        note = note_annotation(ci_note(data.replications), below_px=below_px - 12)
        layout["annotations"].append(note)
    layout["legend"] = {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": -below_px / plot_px,
        "yanchor": "top",
        "entrywidth": 1 / 3,
        "entrywidthmode": "fraction",
        "itemclick": False,
        "itemdoubleclick": False,
    }
    return figure(traces, layout, height=top_px + plot_px + below_px + legend_px)


def _domains(widths: list[float], *, gap: float) -> list[list[float]]:
    """Horizontal domains of panels of the relative ``widths``, ``gap`` apart."""
    room = 1.0 - gap * (len(widths) - 1)
    out, left = [], 0.0
    for width in widths:
        right = left + room * width / sum(widths)
        out.append([round(left, 4), round(min(right, 1.0), 4)])
        left = right + gap
    return out


def _panel_title(text: str, domain: list[float]) -> dict[str, Any]:
    """A panel's title above its plot, left-aligned."""
    return {
        "text": f"<b>{_plain(text)}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": domain[0],
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": 20,  # above the limit's label on the top edge
        "showarrow": False,
        "font": {"size": 12},
    }


def _state_words(bars: CriterionBars, i: int) -> str:
    """What the verdict makes of row ``i``'s criterion, with its value / limit."""
    state = bars.status[i]
    if state == "overflowed":
        return _plain(tr(STATE_LABELS[state]))
    if state == "none":
        return _plain(tr("no service criterion"))
    ratio = tr("value / limit {ratio:.2f}", ratio=bars.length[i])
    words = tr(STATE_LABELS[state]) if state in STATE_LABELS else tr("holds its criterion")
    return _plain(f"{ratio}{tr(', ')}{words}")


def _criterion_panel(
    table: pd.DataFrame,
    rows: list[int],
    layout: dict[str, Any],
    domains: list[list[float]],
    data: RunData,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The value / limit bars, their notes beside them and the legend of kinds and states,
    and each row's hover text (its criterion, what the verdict makes of it, its measures)."""
    bars = criterion_bars(table)
    notes = bottleneck_notes(table, localise_names(data.model))
    details = [
        f"{_plain(said)}<br>{_state_words(bars, i)}<br>{_plain(measures)}"
        for i, (said, measures) in enumerate(notes)
    ]
    kinds = table["kind"].tolist()
    # a trace per kind: plotly draws a bar's hatching in its own colour only when the
    # trace has one colour (with a colour per bar it picks black or white itself)
    traces: list[dict[str, Any]] = []
    for kind in kinds_in(table["kind"]):
        mine = [i for i in rows if kinds[i] == kind]
        states = [bars.status[i] for i in mine]
        overflowed = [state == "overflowed" for state in states]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": numbers(bars.length[mine]),
                "y": mine,
                "marker": {
                    "color": kind_colour(kind),
                    "line": {
                        "color": [TARGET_COLOUR if o else "#222222" for o in overflowed],
                        "width": 1,
                    },
                    "pattern": {  # dark hatching over the kind's colour, as the PNG's
                        "shape": [_PATTERNS.get(state, "") for state in states],
                        "fillmode": "overlay",
                        "fgcolor": "#222222",
                        "fgopacity": 0.75,
                        "size": 8,
                        "solidity": 0.2,
                    },
                },
                "text": [tr("overflowed ").strip() if o else "" for o in overflowed],
                "textposition": "inside",
                "insidetextanchor": "end",
                # a white halo: the word reads over the hatching
                "textfont": {"size": 10, "color": "#111111", "shadow": "0 0 3px white"},
                "hovertext": None,  # the rows'
                "showlegend": False,
            }
        )
    traces += [
        {  # the notes beside the bars: criterion, then the measures in grey
            "type": "scatter",
            "mode": "text",
            "x": [0.0] * len(rows),
            "y": rows,
            "xaxis": "x2",
            "text": [
                f"{_plain(said)}<br><span style='color:#666'>{_plain(measures)}</span>"
                for said, measures in notes
            ],
            "textposition": "middle right",
            "textfont": {"size": 10.5},
            "hovertext": None,
            "showlegend": False,
            "cliponaxis": False,
        },
    ]
    # legend: the kinds' colours, then the patterns of the states drawn
    for kind in kinds_in(table["kind"]):
        traces.append(_legend_entry(kind_label(kind), kind_colour(kind), ""))
    for state, shape in _PATTERNS.items():
        if state in bars.status:
            traces.append(_legend_entry(tr(STATE_LABELS[state]), "white", shape))
    layout["xaxis"] = axis(
        tr("Service criterion: value / limit (over 1 breaks it)"),
        range=[0, bars.axis_end],
        zeroline=False,
    )
    layout["xaxis2"] = {
        "domain": domains[1],
        "anchor": "y",
        "range": [0, 1],
        "visible": False,
        "fixedrange": True,
    }
    layout["shapes"].append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": 1.0,
            "x1": 1.0,
            "y0": 0,
            "y1": 1,
            "line": {"color": TARGET_COLOUR, "width": 1.5, "dash": "dash"},
        }
    )
    layout["annotations"] += [
        {
            "text": _plain(tr("limit")),
            "x": 1.0,
            "xref": "x",
            "y": 1.0,
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 10, "color": TARGET_COLOUR},
        },
        _panel_title(tr("Ranked by effect on the verdict"), domains[0]),
        _panel_title(tr("Criterion (value, limit) and measures"), domains[1]),
    ]
    return traces, details


def _legend_entry(name: str, colour: str, shape: str) -> dict[str, Any]:
    """A legend item only (a bar trace with no bar)."""
    return {
        "type": "bar",
        "orientation": "h",
        "x": [None],
        "y": [None],
        "name": _plain(name),
        "marker": {
            "color": colour,
            "line": {"color": "#222222", "width": 1},
            "pattern": {
                "shape": shape,
                "fillmode": "overlay",
                "fgcolor": "#222222",
                "fgopacity": 0.8,
                "size": 6,
                "solidity": 0.2,
            },
        },
        "hoverinfo": "skip",
        "showlegend": True,
    }


def _wait_share_panel(
    table: pd.DataFrame, rows: list[int], layout: dict[str, Any], data: RunData
) -> tuple[list[dict[str, Any]], list[str]]:
    """Bars of the share of vessel time spent waiting for each resource (a folder from
    before the ranking by effect on the verdict), with its 95 % CI, and each row's hover
    text."""
    share, low, high = (bound * 100 for bound in ci_bounds(table, "wait_share"))
    shown = ci_shown(data.replications)
    words = [
        tr("util {utilisation:.0%}, mean wait {wait:.1f} h", utilisation=u, wait=w)
        for u, w in zip(table["utilisation"], table["mean_wait_h"], strict=True)
    ]
    reach = np.nan_to_num(np.where(shown, np.fmax(high, share), share))
    layout["xaxis"] = axis(
        tr("Share of all vessel time spent waiting for the resource (%)"),
        range=[0, max(float(np.nanmax(reach, initial=0.0)), 1e-3) * 1.7],
    )
    title = tr("Ranked bottlenecks (95 % CI)") if shown else tr("Ranked bottlenecks")
    layout["annotations"].append(_panel_title(title, [0.0, 1.0]))
    details = [
        _plain(f"{w}{tr(', ')}{tr('{share:.2%} of vessel time', share=v / 100)}")
        for w, v in zip(words, share, strict=True)
    ]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": numbers(share),
        "y": rows,
        "error_x": error_bar(share, low, high, shown=shown, floor=0.0),
        "marker": {
            "color": [kind_colour(k) for k in table["kind"]],
            "line": {"color": "#222222", "width": 1},
        },
        "text": [_plain(w) for w in words],
        "textposition": "outside",
        "textfont": {"size": 10},
        "cliponaxis": False,
        "hovertext": None,
        "showlegend": False,
    }
    return [bars], details


def _relief_panel(
    relief: pd.DataFrame, table: pd.DataFrame, rows: list[int], data: RunData
) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """The sustainable capacity relieving each ranked resource adds (Mt/yr, 95 % CI): its
    traces, its x axis and a line of hover text per row."""
    gains = relief_gains(relief, table)
    values, relieved = gains.gain_mt, gains.relieved
    changes = relief.set_index(["kind", "resource"])["change"]
    names = localise_names(data.model)
    labels, hover = [], []
    keys = zip(table["kind"], table["resource"], strict=True)
    for i, (key, gain) in enumerate(zip(keys, values, strict=True)):
        if not relieved[i]:
            labels.append(tr("not relieved"))
            hover.append(_plain(tr("not relieved")))
            continue
        labels.append(tr("{gain:+.2f} (most)", gain=gain) if i == gains.best else f"{gain:+.2f}")
        words = tr(
            "relieved ({change}): {gain:+.2f} Mt/yr sustainable capacity "
            "(95 % CI {low:+.2f} to {high:+.2f})",
            change=localise(str(changes.get(key, "")), names),
            gain=gain,
            low=gain - gains.below_mt[i],
            high=gain + gains.above_mt[i],
        )
        hover.append(_plain(words))
    right = float(np.nanmax(np.append(values + gains.above_mt, 0.0)))
    left = float(np.nanmin(np.append(values - gains.below_mt, 0.0)))
    span = [min(0.0, left * 1.15), nice_limit(max(right, 0.1) * 1.45)]
    # the labels start a little past each bar's end (or the zero line)
    ends = np.where(relieved, np.maximum(np.nan_to_num(values) + gains.above_mt, 0.0), 0.0)
    ends = ends + 0.02 * (span[1] - span[0])
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "x": numbers(values),
            "y": rows,
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": numbers(gains.above_mt),
                "arrayminus": numbers(gains.below_mt),
                "color": "#333333",
                "thickness": 1.2,
                "width": 4,
            },
            "marker": {"color": _RELIEF_COLOUR, "line": {"color": "#222222", "width": 1}},
            "hovertext": None,
            "showlegend": False,
        },
        {  # the gain written past each bar (or why there is none)
            "type": "scatter",
            "mode": "text",
            "x": numbers(ends),
            "y": rows,
            "text": [_plain(label) for label in labels],
            "textposition": "middle right",
            "textfont": {
                "size": 10,
                "color": ["#222222" if ok else "#888888" for ok in relieved],
            },
            "hoverinfo": "skip",
            "showlegend": False,
            "cliponaxis": False,
        },
    ]
    title = tr("Sustainable capacity gained (Mt/yr)\n+1 berth or chamber, +25 % yard")
    relief_axis = axis(
        "<br>".join(_plain(line) for line in title.split("\n")),
        range=span,
        zeroline=True,
        zerolinecolor="#222222",
    )
    return traces, relief_axis, hover


# --- utilisation by month -------------------------------------------------------------


def utilisation_figure(data: RunData) -> Figure:
    """Utilisation of the most used locks, berth groups and yards (rows) month by month
    (columns): the share of each one's capacity in service in use, averaged over the
    replications; rows grouped by kind, the busiest of each kind first."""
    grid = utilisation_grid(data, top=TOP_RESOURCES)
    values = grid.values
    if values.empty:
        return no_data_figure(tr("no resource in service in the counted period"))
    rows = [
        tr("{kind}: {resource}", kind=kind_label(k), resource=name)
        for (k, _), name in zip(values.index, resource_labels(values.index, data), strict=True)
    ]
    columns = [str(c) for c in values.columns]
    percent = values.to_numpy(dtype=float) * 100
    # values in the cells when they can be read (as the PNG chart: up to 24 months)
    text = None
    if percent.size <= 600 and len(columns) <= 24:
        text = [["" if np.isnan(v) else f"{v:.0f}" for v in row] for row in percent]
    traces, layout = heat_cells(
        percent,
        [_plain(row) for row in rows],
        columns,
        zmin=0.0,
        zmax=100.0,
        colorscale=UTILISATION_SCALE,
        hover="%{y}<br>%{customdata[0]}: "
        + _plain(tr("{percent} % of capacity in use", percent="%{marker.color:.0f}")),
        text=text,
        colorbar_title=tr("Utilisation (% of capacity in service)"),
    )
    cells = traces[0]
    cells["marker"]["colorbar"].update({"ticksuffix": " %", "title": {"side": "right"}})
    cells["marker"]["colorbar"]["title"]["text"] = _plain(
        tr("Utilisation (% of capacity in service)")
    )
    if text is not None:  # white on the dark cells
        shown = percent[~np.isnan(percent)]
        cells["textfont"]["color"] = ["white" if v > 65 else "black" for v in shown]
    layout["xaxis"].update(
        {
            "title": {"text": _plain(tr("Month"))},
            "tickangle": -90 if len(columns) > 24 else 0,
            "tickfont": {"size": 10},
        }
    )
    layout["yaxis"]["tickfont"] = {"size": 10.5}
    # a line between the kinds (rows run top down: row i sits at len(rows) - 1 - i)
    kinds = [k for k, _ in values.index]
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": len(rows) - i - 0.5,
            "y1": len(rows) - i - 0.5,
            "line": {"color": "black", "width": 1.5},
        }
        for i in range(1, len(rows))
        if kinds[i] != kinds[i - 1]
    ]
    if grid.resources > len(rows):
        layout["annotations"] = [
            note_annotation(
                tr(
                    "the {shown} most used of the {total} resources in service",
                    shown=len(rows),
                    total=grid.resources,
                ),
                below_px=6,
            )
        ]
    layout["margin"] = {"l": 70, "r": 30, "t": 30, "b": 40}
    return figure(traces, layout, height=int(130 + 21 * len(rows)), legend=False)


# --- waiting at the locks -------------------------------------------------------------


def lock_wait_figure(data: RunData) -> Figure:
    """Mean and 95th-percentile wait of the ships at each modelled lock, with their 95 %
    CIs from 3 replications on (with fewer, a note says why there are none)."""
    table = data.tables["locks"]
    if table.empty:
        return no_data_figure(tr("no locks in this scenario"))
    locks = [
        _plain(name) for name in resource_labels((("lock", r) for r in table["resource"]), data)
    ]
    with_ci = ci_shown(data.replications)
    traces = []
    for column, name, colour in (
        ("mean_wait_h", tr("mean"), KIND_COLOURS["lock"]),
        ("p95_wait_h", tr("95th percentile"), _P95_COLOUR),
    ):
        values, low, high = ci_bounds(table, column)
        hover = "%{x}<br>" + _plain(tr("{what}: {wait_h} h", what=name, wait_h="%{y:.2f}"))
        if with_ci:
            hover += "<br>" + _plain(
                tr(
                    "95 % CI {low_h} to {high_h} h",
                    low_h="%{customdata[0]:.2f}",
                    high_h="%{customdata[1]:.2f}",
                )
            )
        traces.append(
            {
                "type": "bar",
                "name": _plain(name),
                "x": locks,
                "y": numbers(values),
                "customdata": [numbers(pair) for pair in zip(np.fmax(low, 0.0), high, strict=True)],
                "error_y": error_bar(values, low, high, shown=with_ci, floor=0.0),
                "marker": {"color": colour},
                "hovertemplate": hover + "<extra></extra>",
            }
        )
    layout: dict[str, Any] = {
        "barmode": "group",
        "bargap": 0.3,
        "xaxis": axis(type="category", showgrid=False),
        "yaxis": axis(_plain(tr("Waiting time at the lock (h)")), rangemode="tozero"),
    }
    if not with_ci:
        layout["annotations"] = [note_annotation(ci_note(data.replications))]
        layout["margin"] = {"l": 70, "r": 30, "t": 40, "b": notes_margin(1)}
    return figure(traces, layout, height=400)
