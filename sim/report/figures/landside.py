"""Behind the quay, as the report's interactive figures: yard fill levels with the periods a
full yard held ships, the utilisation of the landside (truck gates, rail sidings and links,
airports), tonnes through the busiest gates by hour of the day, and the modal split with the
transport work and CO2 by mode.

The numbers are those of the PNG charts (:mod:`sim.viz.landside`), computed by the same
functions of :mod:`sim.viz.landside_data`: the KPI tables ``yards``, ``landside``,
``modal_split`` and ``transport``, and the ``yard_levels``, ``vessels`` and ``stage_hours``
records. A yard's level is sent on the PNG's time grid (at most 2,000 points, as typed
arrays on an evenly spaced axis), not every change of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import current_language, tr
from sim.report.figures.base import (
    Figure,
    axis,
    date_axis,
    dates,
    error_bar,
    figure,
    no_data_figure,
    note_annotation,
    numbers,
    packed,
    rgba,
)
from sim.results.rundata import RunData
from sim.viz.labels import mode_label, resource_words
from sim.viz.landside_data import (
    BLOCKED_COLOUR,
    LANDSIDE_KINDS,
    YARD_FILL_COLOUR,
    YARD_LINE_COLOUR,
    busiest_gates,
    diverted_note,
    gate_peak,
    landside_label,
    landside_rows,
    landside_text,
    modal_split_rows,
    moved_modes,
    yard_grid_h,
    yard_panels,
)
from sim.viz.palette import ci_bounds, ci_note, ci_shown, kind_colour, mode_colour

__all__ = ["gate_hours_figure", "landside_figure", "modal_co2_figure", "yard_figure"]

_MS_PER_H = 3.6e6
# plotly's pattern for matplotlib's hatch "//"
_PATTERNS = {"": "", "/": "/", "//": "/", "\\": "\\", "\\\\": "\\", "x": "x", ".": "."}


def _pattern(shape: str | list[str]) -> dict[str, Any]:
    """Black stripes over the bar's colour, as the PNG's hatching."""
    return {"shape": shape, "fillmode": "overlay", "fgcolor": "black", "size": 8, "solidity": 0.15}


def _panel_title(text: str, *, x: float, y: float, xanchor: str = "left") -> dict[str, Any]:
    """A panel's title just above its plot (paper coordinates)."""
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "xanchor": xanchor,
        "yanchor": "bottom",
        "yshift": 2,
        "showarrow": False,
        "font": {"size": 12},
    }


def _stacked_domains(panels: int, panel_px: int, gap_px: int) -> tuple[list[list[float]], int]:
    """Vertical domains (top panel first) of ``panels`` panels of ``panel_px`` pixels with
    ``gap_px`` between them (for each panel's title), and the height of the plot area."""
    plot_px = panels * panel_px + (panels - 1) * gap_px
    domains = []
    for k in range(panels):
        top = k * (panel_px + gap_px)
        domains.append([1 - (top + panel_px) / plot_px, 1 - top / plot_px])
    return domains, plot_px


def _zoomable_dates(settings: dict[str, Any]) -> dict[str, Any]:
    """A date axis that keeps the year in its Chinese tick labels over a run of years and
    shows days and hours when zoomed in (English: plotly's own ticks do)."""
    if current_language() == "en":
        return settings
    settings = {key: value for key, value in settings.items() if key != "tickformat"}
    settings["tickformatstops"] = [
        {"dtickrange": [None, 86400000], "value": "%m-%d %H:%M"},
        {"dtickrange": [86400000, "M1"], "value": "%Y-%m-%d"},
        {"dtickrange": ["M1", None], "value": "%Y-%m"},
    ]
    return settings


# --- yards -----------------------------------------------------------------------------------


def yard_figure(data: RunData, *, top: int = 6, replication: int = 0) -> Figure:
    """Fill level of the fullest yards over the counted period (one panel each), with the
    periods a full yard held unloading ships at the berth shaded red.

    Parameters
    ----------
    data : RunData
        The run; reads its KPI table ``yards`` and the ``yard_levels`` and ``vessels``
        records of ``replication``.
    top : int
        Number of yards shown (by peak occupancy share, then hours blocked).
    replication : int

    Returns
    -------
    dict
        The plotly figure.
    """
    if data.tables["yards"].empty:
        return no_data_figure(tr("no yards in this scenario"))
    low, high = data.window_h(replication)
    if high <= low:  # a queue overflowed and stopped the run in its warm-up
        return no_data_figure(
            tr(
                "replication {replication} stopped before the counted period began: "
                "no yard level to show",
                replication=replication,
            )
        )
    calendar = data.model.calendar
    grid = yard_grid_h(data, replication)
    shown = yard_panels(data, grid, top=top, replication=replication)
    domains, plot_px = _stacked_domains(len(shown), 130, 30)
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    step_ms = float(grid[1] - grid[0]) * _MS_PER_H if len(grid) > 1 else 0.0
    held = tr("a full yard held ships at the berth")
    for k, panel in enumerate(shown):
        suffix = "" if k == 0 else str(k + 1)
        periods = panel.periods
        if len(periods):
            hours = periods[:, 1] - periods[:, 0]
            traces.append(
                {
                    "type": "bar",
                    "x": dates(calendar, periods[:, 0]),
                    "y": [110] * len(periods),
                    "width": numbers(hours * _MS_PER_H, 6),
                    "offset": 0,
                    "customdata": numbers(hours, 3),
                    "yaxis": f"y{suffix}",
                    # an edge as wide as a pixel keeps holds shorter than a pixel in sight
                    "marker": {
                        "color": rgba(BLOCKED_COLOUR, 0.35),
                        "line": {"color": rgba(BLOCKED_COLOUR, 0.35), "width": 0.6},
                    },
                    "hovertemplate": held
                    + "<br>"
                    + tr(
                        "from {start} for {hours} h",
                        start="%{x}",
                        hours="%{customdata:,.1f}",
                    )
                    + "<extra></extra>",
                    "showlegend": False,
                }
            )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x0": dates(calendar, grid[:1])[0],
                "dx": step_ms,
                "y": packed(panel.fill_pct),
                "yaxis": f"y{suffix}",
                "fill": "tozeroy",
                "fillcolor": rgba(YARD_FILL_COLOUR, 0.6),
                "line": {"color": YARD_LINE_COLOUR, "width": 1},
                "hovertemplate": "%{x}<br>"
                + tr("{level} % full", level="%{y:.0f}")
                + "<extra></extra>",
                "showlegend": False,
            }
        )
        shapes.append(
            {
                "type": "line",
                "xref": "x domain",
                "x0": 0,
                "x1": 1,
                "yref": f"y{suffix}",
                "y0": 100,
                "y1": 100,
                "line": {"color": "black", "dash": "dash", "width": 1},
            }
        )
        annotations.append(
            _panel_title(
                tr(
                    "{resource} ({cargo}, {kt:,.0f} kt): unloading blocked {hours_blocked:,.0f} h",
                    resource=resource_words(data.model, panel.resource),
                    cargo=tr(panel.cargo_group.replace("_", " ")),
                    kt=panel.capacity_t / 1000,
                    hours_blocked=panel.blocked_h,
                ),
                x=0,
                y=domains[k][1],
            )
        )
        layout[f"yaxis{suffix}"] = axis(
            tr("% full"),
            domain=domains[k],
            range=[0, 110],
            tickvals=[0, 25, 50, 75, 100],
            fixedrange=True,
            anchor="x",
        )
    title = tr("Date (red: periods a full yard held ships at the berth)")
    if data.replications > 1:
        title += "<br>" + tr(
            "replication {replication} of {replications} shown",
            replication=replication,
            replications=data.replications,
        )
    layout["xaxis"] = _zoomable_dates(
        date_axis(
            title,
            anchor=f"y{len(shown) if len(shown) > 1 else ''}",
            range=dates(calendar, [low, high]),
        )
    )
    layout.update(
        {
            "annotations": annotations,
            "shapes": shapes,
            "bargap": 0,
            "margin": {"t": 30, "b": 90 if data.replications > 1 else 70},
            "hovermode": "closest",
        }
    )
    return figure(traces, layout, height=plot_px + 30 + layout["margin"]["b"], legend=False)


# --- landside utilisation --------------------------------------------------------------------


def landside_figure(data: RunData) -> Figure:
    """Share of its capacity each truck gate, rail siding set, airport and rail link used in
    the counted period, with the 95 % CI from 3 replications on; grouped and coloured by kind
    (rail links striped and named by their corridor), labelled with what each moved.

    Parameters
    ----------
    data : RunData
        The run; reads its KPI table ``landside`` (and the network for place and corridor
        names).

    Returns
    -------
    dict
        The plotly figure.
    """
    table = landside_rows(data)
    if table.empty:
        return no_data_figure(
            tr("no landside resources in this scenario: cargo leaves the quay unhindered")
        )
    rows = table["row"].to_numpy()
    mean, low, high = (bound * 100 for bound in ci_bounds(table, "utilisation"))
    with_ci = ci_shown(data.replications)
    known = ~np.isnan(mean)
    upper = np.nan_to_num(high - mean) if with_ci else np.zeros_like(mean)
    ends = np.where(known, np.nan_to_num(mean) + upper, 0.0)
    kinds = table["kind"].tolist()
    names = [
        landside_label(data, r.kind, r.resource, r.place) for r in table.itertuples(index=False)
    ]
    labels = [
        landside_text(r.kind, value, float(r.tonnes), float(r.vehicles))
        for r, value in zip(table.itertuples(index=False), mean, strict=True)
    ]
    hover = []
    for name, label, value, lo, hi in zip(names, labels, mean, low, high, strict=True):
        ci = (
            "<br>" + tr("95 % CI") + f" {max(lo, 0.0):.1f}-{hi:.1f} %"
            if with_ci and np.isfinite(value) and np.isfinite(lo) and np.isfinite(hi)
            else ""
        )
        hover.append(f"<b>{name}</b><br>{label}{ci}")
    traces: list[dict[str, Any]] = []
    for kind, (legend, colour, hatch, _) in LANDSIDE_KINDS.items():
        mine = np.array([k == kind for k in kinds]) & known
        if not any(k == kind for k in kinds):
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": numbers(rows[mine]),
                "x": numbers(mean[mine]),
                "width": 0.75,
                "name": tr(legend),
                "marker": {
                    "color": colour,
                    "line": {"color": "black", "width": 1},
                    "pattern": _pattern(_PATTERNS.get(hatch, "")),
                },
                "error_x": error_bar(mean[mine], low[mine], high[mine], shown=with_ci, floor=0.0),
                "hovertext": [h for h, m in zip(hover, mine, strict=True) if m],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "text",
            "x": numbers(ends),
            "y": numbers(rows),
            "text": ["  " + label for label in labels],
            "textposition": "middle right",
            "textfont": {"size": 11, "color": ["#222" if ok else "grey" for ok in known]},
            "cliponaxis": False,
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": [100, 100],
            "y": [float(rows.min()) - 0.6, float(rows.max()) + 0.6],
            "line": {"color": "black", "dash": "dash", "width": 1.5},
            "name": tr("full capacity (100 %)"),
            "hoverinfo": "skip",
        }
    )
    if with_ci:
        title = tr("Utilisation in the counted period (% of capacity; whiskers: 95 % CI)")
    else:
        title = (
            tr("Utilisation in the counted period (% of capacity)")
            + "<br>"
            + ci_note(data.replications)
        )
    layout = {
        "xaxis": axis(title, range=[0, max(100.0, float(np.nanmax(ends))) * 1.45], ticksuffix=" %"),
        "yaxis": axis(
            tr("Landside resource"),
            tickvals=numbers(rows),
            ticktext=names,
            range=[float(rows.max()) + 0.7, float(rows.min()) - 0.7],
            showgrid=False,
            zeroline=False,
        ),
        "barmode": "overlay",
        "margin": {"t": 40, "b": 80},
    }
    return figure(traces, layout, height=int(160 + 26 * (rows.max() + 1)))


# --- gates and airports by hour of the day ---------------------------------------------------


def gate_hours_figure(data: RunData, *, top: int = 6) -> Figure:
    """Mean tonnes the busiest truck gates and airports moved in each hour of the day over
    the counted days (one panel each, two a row), against the capacity their opening hours
    allow with every lane working (the dashed step; zero while closed).

    Parameters
    ----------
    data : RunData
        The run; reads its ``stage_hours`` records and the stages of ``model.json``.
    top : int
        Number of gates and airports shown (by tonnes moved).

    Returns
    -------
    dict
        The plotly figure.
    """
    profiles = busiest_gates(data, top)
    if not profiles:
        return no_data_figure(tr("no truck gate or airport moved cargo in the counted period"))
    stages = data.model.stages
    columns = min(2, len(profiles))
    panel_rows = -(-len(profiles) // columns)
    domains, plot_px = _stacked_domains(panel_rows, 150, 34)
    x_domains = [[0.0, 1.0]] if columns == 1 else [[0.0, 0.46], [0.54, 1.0]]
    present = {str(stages.iloc[i]["kind"]) for i, _ in profiles}
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    legend_done: set[str] = set()
    capacity_word = tr("capacity, all lanes (closed: 0)")
    for k, (index, profile) in enumerate(profiles):
        row, column = divmod(k, columns)
        suffix = "" if k == 0 else str(k + 1)
        kind = str(stages.iloc[index]["kind"])
        moved = profile["moved_t_per_h"].to_numpy(dtype=float)
        capacity = profile["capacity_t_per_h"].to_numpy(dtype=float)
        hours = profile["hour"].to_numpy()
        hover = [
            f"{h:02d}:00-{h + 1:02d}:00<br>"
            + tr("mean tonnes moved")
            + ": "
            + (tr("{value:,.0f} t/h", value=m) if np.isfinite(m) else "-")
            + "<br>"
            + capacity_word
            + ": "
            + tr("{value:,.0f} t/h", value=c)
            for h, m, c in zip(hours, moved, capacity, strict=True)
        ]
        name = tr("mean tonnes moved")
        if len(present) > 1:
            name += f" ({tr('airport') if kind == 'air' else tr('gate')})"
        traces.append(
            {
                "type": "bar",
                "x": (hours + 0.5).tolist(),
                "y": numbers(moved),
                "width": 0.85,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "marker": {"color": kind_colour(kind), "line": {"color": "black", "width": 1}},
                "name": name,
                "legendgroup": kind,
                "showlegend": kind not in legend_done,
                "hovertext": hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
        legend_done.add(kind)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": list(range(25)),
                "y": numbers(np.append(capacity, capacity[-1])),
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "line": {"color": "black", "dash": "dash", "width": 1.2, "shape": "hv"},
                "name": capacity_word,
                "legendgroup": "capacity",
                "showlegend": k == 0,
                "hoverinfo": "skip",
            }
        )
        annotations.append(
            _panel_title(gate_peak(data, index, profile), x=x_domains[column][0], y=domains[row][1])
        )
        lowest = k + columns >= len(profiles)  # no panel under it in its column
        layout[f"xaxis{suffix}"] = axis(
            tr("Hour of the day (h)") if lowest else None,
            domain=x_domains[column],
            anchor=f"y{suffix}",
            range=[0, 24],
            tickvals=list(range(0, 25, 3)),
            showticklabels=lowest,
            showgrid=False,
            **({"matches": "x"} if k else {}),
        )
        top_t = max(float(np.nanmax(capacity)), float(np.nanmax(moved))) * 1.15
        layout[f"yaxis{suffix}"] = axis(
            tr("Tonnes per hour"),
            domain=domains[row],
            anchor=f"x{suffix}",
            range=[0, top_t],
            rangemode="tozero",
            tickformat=",~r",
        )
    legend_px = 34
    layout.update(
        {
            "annotations": annotations,
            "bargap": 0,
            "margin": {"t": 30 + legend_px, "b": 60},
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1 + (legend_px + 6) / plot_px,
                "yanchor": "bottom",
            },
        }
    )
    return figure(traces, layout, height=plot_px + 30 + legend_px + 60)


# --- modal split and CO2 ---------------------------------------------------------------------


def _no_data_panel(text: str, xref: str, yref: str) -> dict[str, Any]:
    return {
        "text": text,
        "xref": f"{xref} domain",
        "yref": f"{yref} domain",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 13, "color": "#555"},
    }


def _end_labels(
    ends: np.ndarray, rows: list[str], texts: list[str], *, xaxis: str, yaxis: str
) -> dict[str, Any]:
    """Labels just right of the ends of horizontal bars (or of their whiskers)."""
    return {
        "type": "scatter",
        "mode": "text",
        "x": numbers(ends),
        "y": rows,
        "text": [" " + text for text in texts],
        "textposition": "middle right",
        "textfont": {"size": 11},
        "cliponaxis": False,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _split_traces(split: pd.DataFrame, with_ci: bool) -> tuple[list[dict[str, Any]], float, str]:
    """The modal split's bars and their labels, the end of its axis and the note on diverted
    tonnes (lines separated by ``\\n``)."""
    rows = modal_split_rows(split)
    share, low, high = (bound * 100 for bound in ci_bounds(rows, "share"))
    tonnes = rows["tonnes"].to_numpy(dtype=float)
    labels = rows["label"].tolist()
    texts = [
        tr("{share:.1f} % ({tonnes})", share=value, tonnes=tr("{mt:,.2f} Mt", mt=t / 1e6))
        for value, t in zip(share, tonnes, strict=True)
    ]
    hover = []
    for label, text, lo, hi in zip(labels, texts, low, high, strict=True):
        ci = (
            "<br>" + tr("95 % CI") + f" {lo:.1f}-{hi:.1f} %"
            if with_ci and np.isfinite(lo) and np.isfinite(hi)
            else ""
        )
        hover.append(f"<b>{label}</b><br>{text}{ci}")
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": numbers(share),
        "marker": {
            "color": rows["colour"].tolist(),
            "line": {"color": "black", "width": 1},
            "pattern": _pattern([_PATTERNS.get(h, "") for h in rows["hatch"]]),
        },
        "error_x": error_bar(share, low, high, shown=with_ci, floor=0.0),
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "showlegend": False,
    }
    ends = share + (np.nan_to_num(high - share) if with_ci else 0.0)
    labels_trace = _end_labels(ends, labels, texts, xaxis="x", yaxis="y")
    note = diverted_note(rows, labels)  # the rows in the order of their labels
    return [bars, labels_trace], max(float(np.nanmax(ends)), 1.0) * 1.6, note


def modal_co2_figure(data: RunData) -> Figure:
    """Landside modal split of port cargo (left), and the transport work (middle) and CO2
    (right) of all cargo delivered, by mode, with 95 % CIs from 3 replications on.

    Tonnes that switched to another landside option because theirs was congested
    (``diverted_t``), if any, are noted under the modal split with the options they took.

    Parameters
    ----------
    data : RunData
        The run; reads its KPI tables ``modal_split`` and ``transport``.

    Returns
    -------
    dict
        The plotly figure.
    """
    split = data.tables["modal_split"]
    moved = moved_modes(data.tables["transport"])
    if split.empty and moved.empty:
        return no_data_figure(tr("no port cargo delivered"))
    with_ci = ci_shown(data.replications)
    domains = [[0.0, 0.27], [0.42, 0.67], [0.81, 1.0]]
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    split_title = tr("Share of port cargo (%)")
    if split.empty:
        annotations.append(_no_data_panel(tr("no port cargo delivered"), "x", "y"))
        split_range = 1.0
    else:
        split_traces, split_range, note = _split_traces(split, with_ci)
        traces += split_traces
        split_title += note.replace("\n", "<br>")
    layout["xaxis"] = axis(split_title, domain=domains[0], range=[0, split_range])
    layout["yaxis"] = axis(type="category", showgrid=False)
    panels = (
        ("tonne_km", 1e9, tr("billion t-km"), "2"),
        ("co2_t", 1e3, tr("kt CO2"), "3"),
    )
    for (column, scale, unit, suffix), domain in zip(panels, domains[1:], strict=True):
        xaxis, yaxis = f"x{suffix}", f"y{suffix}"
        title = tr("{unit} in the counted period", unit=unit)
        if moved.empty:
            annotations.append(_no_data_panel(tr("no cargo moved"), xaxis, yaxis))
            layout[f"xaxis{suffix}"] = axis(title, domain=domain, anchor=yaxis)
            layout[f"yaxis{suffix}"] = axis(anchor=xaxis, type="category", showgrid=False)
            continue
        values, low, high = (bound / scale for bound in ci_bounds(moved, column))
        labels = [mode_label(m) for m in moved["mode"]]
        hover = []
        for label, value, lo, hi in zip(labels, values, low, high, strict=True):
            ci = (
                "<br>" + tr("95 % CI") + f" {lo:,.2f}-{hi:,.2f} {unit}"
                if with_ci and np.isfinite(lo) and np.isfinite(hi)
                else ""
            )
            hover.append(f"<b>{label}</b><br>{value:,.2f} {unit}{ci}")
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": numbers(values),
                "xaxis": xaxis,
                "yaxis": yaxis,
                "marker": {
                    "color": [mode_colour(m) for m in moved["mode"]],
                    "line": {"color": "black", "width": 1},
                },
                "error_x": error_bar(values, low, high, shown=with_ci),
                "hovertext": hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
                "showlegend": False,
            }
        )
        ends = values + (np.nan_to_num(high - values) if with_ci else 0.0)
        traces.append(
            _end_labels(ends, labels, [f"{v:,.2f}" for v in values], xaxis=xaxis, yaxis=yaxis)
        )
        layout[f"xaxis{suffix}"] = axis(
            title, domain=domain, anchor=yaxis, range=[0, float(np.nanmax(ends)) * 1.3 or 1.0]
        )
        layout[f"yaxis{suffix}"] = axis(anchor=xaxis, type="category", showgrid=False)
    for text, domain in zip(
        (
            tr("Landside modal split (to and from the quay)"),
            tr("Transport work by mode"),
            tr("CO2 by mode"),
        ),
        domains,
        strict=True,
    ):
        annotations.append(_panel_title(text, x=(domain[0] + domain[1]) / 2, y=1, xanchor="center"))
    note = ci_note(data.replications)
    bottom = 110 if "<br>" in split_title else 70
    if note:
        annotations.append(note_annotation(note, below_px=bottom - 10))
        bottom += 24
    layout.update({"annotations": annotations, "margin": {"t": 56, "b": bottom}})
    return figure(traces, layout, height=376 + bottom, legend=False)
