"""Port throughput against the target, as the report's interactive figures: by year and port
area, by month, and by port area and commodity in the compared year.

The numbers are those of the PNG charts (:mod:`sim.viz.throughput`): the KPI tables
``throughput_port``, ``throughput_port_area``, ``throughput_commodity`` and
``throughput_month``, read through :mod:`sim.viz.throughput_data` (a year or month counted in
part is shown at its annualised rate, hatched or hollow).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.verdict_text import verdict_word
from sim.i18n import tr
from sim.report.figures.base import (
    Figure,
    axis,
    date_axis,
    dates,
    error_bar,
    figure,
    no_data_figure,
    note_annotation,
    notes_margin,
    numbers,
    rgba,
)
from sim.results.rundata import RunData
from sim.viz.labels import port_area_label
from sim.viz.palette import PORT_COLOUR, TARGET_COLOUR, ci_note, ci_shown
from sim.viz.throughput_data import (
    breakdown_bars,
    by_year,
    counted_years,
    monthly_rates,
    mt_text,
    port_years,
    target_notes,
    year_hours,
)

__all__ = ["throughput_breakdown_figure", "throughput_figure", "throughput_month_figure"]

_NO_TONNES = "no tonnes crossed the quay in the counted period"
# matplotlib's "Blues" colour map (ColorBrewer's 9 blues, evenly spaced), as the PNG chart's
# year shades, without importing matplotlib
_BLUES = np.array(
    [
        [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        for c in (
            "#f7fbff",
            "#deebf7",
            "#c6dbef",
            "#9ecae1",
            "#6baed6",
            "#4292c6",
            "#2171b5",
            "#08519c",
            "#08306b",
        )
    ]
)


def _blue(share: float) -> str:
    # as a matplotlib colour map: a lookup table of 256 entries, then linear between stops
    share = min(int(share * 256), 255) / 255
    stops = np.linspace(0.0, 1.0, len(_BLUES))
    rgb = [float(np.interp(share, stops, _BLUES[:, k])) for k in range(3)]
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def _year_colours(years: list[int], judged: int) -> dict[int, str]:
    """The judged year in the port colour, the others in lighter blues (older: lighter)."""
    others = [y for y in years if y != judged]
    shades = np.linspace(0.3, 0.6, max(len(others), 1))
    out = {y: _blue(float(shades[i])) for i, y in enumerate(others)}
    out[judged] = PORT_COLOUR
    return out


def _target_trace(data: RunData, x: list[Any], *, xaxis: str = "x", yaxis: str = "y") -> dict:
    target = data.model.target_t / 1e6
    return {
        "type": "scatter",
        "mode": "lines",
        "x": x,
        "y": [target] * len(x),
        "xaxis": xaxis,
        "yaxis": yaxis,
        "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        "name": tr(
            "target {target:,.0f} Mt/yr ({year})", target=target, year=data.model.target_year
        ),
        "hovertemplate": tr("target") + ": %{y:,.1f} Mt/yr<extra></extra>",
    }


def throughput_figure(data: RunData) -> Figure:
    """Port throughput per counted year against the target (left) and each port area's per
    year (right), with 95 % CIs from 3 replications on.

    Each year's bar is labelled with its value and, for whole years, the share of replications
    that met the target; a year counted in part is its annualised rate, hatched.
    """
    table = data.tables["throughput_port"]
    years = counted_years(data, table) if not table.empty else []
    if not years:
        return no_data_figure(tr(_NO_TONNES))
    judged = int(data.summary.get("target_year") or years[-1][0])
    if judged not in {y for y, _ in years}:
        judged = years[-1][0]
    colours = _year_colours([y for y, _ in years], judged)
    with_ci = ci_shown(data.replications)
    met = {int(b["year"]): b.get("p_target_met") for b in by_year(data)}
    mean, low, high = port_years(table, years)
    labels = [str(y) if f == 1.0 else tr("{year} annualised", year=y) for y, f in years]
    texts = []
    for value, (year, _) in zip(mean, years, strict=True):
        share = met.get(year)
        texts.append(
            mt_text(value)
            + ("<br>" + tr("met in {share:.0%}*", share=share) if share is not None else "")
        )
    ci_hover = "<br>" + tr("95 % CI") + " %{customdata[0]:,.1f}-%{customdata[1]:,.1f}"
    port: dict[str, Any] = {
        "type": "bar",
        "x": labels,
        "y": numbers(mean),
        "marker": {
            "color": [colours[y] for y, _ in years],
            "line": {"color": "black", "width": 1},
            "pattern": {"shape": ["/" if f != 1.0 else "" for _, f in years]},
        },
        "error_y": error_bar(mean, low, high, shown=with_ci),
        "text": texts,
        "textposition": "outside",
        "constraintext": "none",
        "cliponaxis": False,
        "width": 0.6,
        "customdata": [[lo, hi] for lo, hi in zip(numbers(low), numbers(high), strict=True)],
        "hovertemplate": "%{x}: %{y:,.1f} Mt/yr"
        + (ci_hover if with_ci else "")
        + "<extra></extra>",
        "showlegend": False,
    }
    target = data.model.target_t / 1e6
    traces: list[dict[str, Any]] = [port]
    traces += _area_traces(data, years, judged, colours, with_ci=with_ci)
    notes = target_notes(data)
    top = max(float(np.nanmax(high if with_ci else mean)), target)
    verdict = verdict_word(data.summary.get("verdict", ""))
    layout = {
        "xaxis": axis(domain=[0, 0.34], type="category"),
        "yaxis": axis(tr("Port throughput (Mt/yr)"), range=[0, top * 1.25], rangemode="tozero"),
        "xaxis2": axis(domain=[0.44, 1], type="category", anchor="y2"),
        "yaxis2": axis(tr("Throughput (Mt/yr)"), anchor="x2", rangemode="tozero"),
        "barmode": "group",
        "margin": {"t": 70, "b": notes_margin(len(notes))},
        "annotations": [
            _panel_title(tr("Port (verdict: {verdict})", verdict=verdict), 0.17),
            _panel_title(
                tr("By port area (label: Mt/yr and share of the port in {year})", year=judged)
                if len(years) > 1
                else tr("By port area (label: Mt/yr and share of the port)"),
                0.72,
            ),
            *[note_annotation(note, line=k) for k, note in enumerate(notes)],
        ],
        "legend": {"y": 1.12},
        "shapes": [_target_shape(data)],
    }
    return figure(traces, layout, height=470)


def _target_shape(data: RunData, *, xref: str = "x domain", yref: str = "y") -> dict[str, Any]:
    """The target as a dashed line across a whole panel, with its legend entry."""
    target = data.model.target_t / 1e6
    return {
        "type": "line",
        "xref": xref,
        "x0": 0,
        "x1": 1,
        "yref": yref,
        "y0": target,
        "y1": target,
        "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        "showlegend": True,
        "name": tr(
            "target {target:,.0f} Mt/yr ({year})", target=target, year=data.model.target_year
        ),
    }


def _panel_title(text: str, x: float) -> dict[str, Any]:
    return {
        "text": f"<b>{text}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": 1.0,
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def _area_traces(
    data: RunData,
    years: list[tuple[int, float]],
    judged: int,
    colours: dict[int, str],
    *,
    with_ci: bool,
) -> list[dict[str, Any]]:
    areas = data.tables.get("throughput_port_area", pd.DataFrame())
    if areas.empty:
        return []
    factors = dict(years)
    areas = areas[areas["year"].astype(int).isin(list(factors))]
    port = data.tables["throughput_port"]
    totals = dict(zip(port["year"].astype(int), port["tonnes"], strict=True))
    order = (
        areas[areas["year"].astype(int) == judged]
        .sort_values(["tonnes", "port_area"], ascending=[False, True])["port_area"]
        .tolist()
    )
    order += sorted(set(areas["port_area"]) - set(order))
    names = [port_area_label(data.model, a) for a in order]
    traces = []
    for year, factor in years:
        rows = areas[areas["year"].astype(int) == year].set_index("port_area").reindex(order)
        mean = rows["tonnes"].to_numpy(dtype=float) * factor / 1e6
        low = rows["tonnes_ci95_low"].to_numpy(dtype=float) * factor / 1e6
        high = rows["tonnes_ci95_high"].to_numpy(dtype=float) * factor / 1e6
        total = totals.get(year, 0.0) * factor / 1e6
        shares = mean / total if total > 0 else np.full_like(mean, np.nan)
        labelled = year == judged or len(years) <= 2
        texts = [
            (
                mt_text(v) + (f"<br>{s:.0%}" if year == judged and s == s else "")
                if labelled and v == v and v > 0
                else ""
            )
            for v, s in zip(mean, shares, strict=True)
        ]
        traces.append(
            {
                "type": "bar",
                "x": names,
                "y": numbers(np.nan_to_num(mean)),
                "xaxis": "x2",
                "yaxis": "y2",
                "name": str(year) + (tr(" (annualised)") if factor != 1.0 else ""),
                "marker": {
                    "color": colours[year],
                    "line": {"color": "black", "width": 0.6},
                    "pattern": {"shape": "/" if factor != 1.0 else ""},
                },
                "error_y": error_bar(mean, low, high, shown=with_ci),
                "text": texts,
                "textposition": "outside",
                "textfont": {"size": 10},
                "constraintext": "none",
                "cliponaxis": False,
                "customdata": [[s] for s in numbers(shares)],
                "hovertemplate": "%{x} "
                + str(year)
                + ": %{y:,.1f} Mt/yr ("
                + tr("share of the port")
                + " %{customdata[0]:.0%})<extra></extra>",
            }
        )
    return traces


def throughput_month_figure(data: RunData) -> Figure:
    """Each counted month's port throughput at an annual rate (Mt/yr) with its 95 % band (from
    3 replications on) and the target line; a month counted in part is drawn hollow."""
    if data.tables["throughput_month"].empty:
        return no_data_figure(tr(_NO_TONNES))
    frame = monthly_rates(data)
    if frame.empty:
        return no_data_figure(tr(_NO_TONNES))
    when = dates(data.model.calendar, frame["hour"].to_numpy())
    with_ci = ci_shown(data.replications)
    traces: list[dict[str, Any]] = []
    if with_ci:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": when + when[::-1],
                "y": numbers(frame["high"]) + numbers(frame["low"][::-1]),
                "fill": "toself",
                "fillcolor": rgba(PORT_COLOUR, 0.25),
                "line": {"width": 0},
                "name": tr("95 % CI"),
                "hoverinfo": "skip",
            }
        )
    partial = frame["partial"].to_numpy(dtype=bool)
    ci_hover = (
        "<br>" + tr("95 % CI") + " %{customdata[0]:,.1f}-%{customdata[1]:,.1f}" if with_ci else ""
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": when,
            "y": numbers(frame["mean"]),
            "line": {"color": PORT_COLOUR, "width": 2},
            "marker": {
                "size": 7,
                "color": ["white" if p else PORT_COLOUR for p in partial],
                "line": {"color": PORT_COLOUR, "width": 1.5},
            },
            "name": tr("mean of replications"),
            "customdata": [
                [lo, hi]
                for lo, hi in zip(numbers(frame["low"]), numbers(frame["high"]), strict=True)
            ],
            "hovertemplate": "%{x}: %{y:,.1f} Mt/yr" + ci_hover + "<extra></extra>",
        }
    )
    if partial.any():
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [w for w, p in zip(when, partial, strict=True) if p],
                "y": numbers(frame["mean"][partial]),
                "marker": {
                    "size": 7,
                    "color": "white",
                    "line": {"color": PORT_COLOUR, "width": 1.5},
                },
                "name": tr("part month (annualised)"),
                "hoverinfo": "skip",
            }
        )
    traces.append(_target_trace(data, [when[0], when[-1]]))
    shown = frame[["mean", "high"]] if with_ci else frame[["mean"]]
    top = max(float(np.nanmax(shown.to_numpy())), data.model.target_t / 1e6) * 1.15
    note = ci_note(data.replications)
    layout: dict[str, Any] = {
        "xaxis": date_axis(tr("Month"), span="months"),
        "yaxis": axis(tr("Port throughput, annualised (Mt/yr)"), range=[0, top]),
        "annotations": [note_annotation(note)] if note else [],
        "margin": {"b": notes_margin(1 if note else 0)},
    }
    return figure(traces, layout, height=400)


def throughput_breakdown_figure(data: RunData) -> Figure:
    """The compared year's throughput by port area (left) and by commodity (right), Mt/yr with
    95 % CIs from 3 replications on (a year counted in part at its annualised rate)."""
    chosen = int(data.summary.get("target_year") or 0)
    counted, whole = year_hours(data, chosen)
    if counted <= 0:
        return no_data_figure(tr("{chosen} is not in the counted period", chosen=chosen))
    factor = (1.0 if counted >= whole - 1e-6 else 8760.0 / counted) / 1e6
    suffix = "" if factor == 1e-6 else tr(" (annualised)")
    with_ci = ci_shown(data.replications)
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    panels = (
        ("throughput_port_area", "port_area", tr("By port area"), [0, 0.42], ""),
        ("throughput_commodity", "commodity", tr("By commodity"), [0.58, 1], "2"),
    )
    annotations = []
    rows_most = 1
    for name, key, title, domain, suffix_axis in panels:
        table = data.tables[name]
        table = table[table["year"] == chosen].sort_values("tonnes")
        centre = (domain[0] + domain[1]) / 2
        annotations.append(_panel_title(title, centre))
        rows_most = max(rows_most, len(table))
        if table.empty:
            annotations.append(
                {
                    "text": tr("no throughput in {chosen}", chosen=chosen),
                    "xref": "paper",
                    "yref": "paper",
                    "x": centre,
                    "y": 0.5,
                    "showarrow": False,
                }
            )
        else:
            mean = table["tonnes"].to_numpy(dtype=float) * factor
            low = table["tonnes_ci95_low"].to_numpy(dtype=float) * factor
            high = table["tonnes_ci95_high"].to_numpy(dtype=float) * factor
            labels, colours = breakdown_bars(data, key, table[key])
            ci_hover = (
                " (" + tr("95 % CI") + " %{customdata[0]:,.1f}-%{customdata[1]:,.1f})"
                if with_ci
                else ""
            )
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "x": numbers(mean),
                    "y": labels,
                    "xaxis": "x" + suffix_axis,
                    "yaxis": "y" + suffix_axis,
                    "marker": {"color": colours, "line": {"color": "black", "width": 0.8}},
                    "error_x": error_bar(mean, low, high, shown=with_ci),
                    "text": [f"{v:,.1f}" for v in mean],
                    "textposition": "outside",
                    "cliponaxis": False,
                    "customdata": [
                        [lo, hi] for lo, hi in zip(numbers(low), numbers(high), strict=True)
                    ],
                    "hovertemplate": "%{y}: %{x:,.1f} Mt/yr" + ci_hover + "<extra></extra>",
                    "showlegend": False,
                }
            )
            reach = float(np.nanmax(high if with_ci else mean))
            layout["xaxis" + suffix_axis] = axis(
                tr("Port throughput in {chosen}{suffix} (Mt/yr)", chosen=chosen, suffix=suffix),
                domain=domain,
                range=[0, reach * 1.25],
                **({"anchor": "y2"} if suffix_axis else {}),
            )
            layout["yaxis" + suffix_axis] = axis(
                type="category",
                showgrid=False,
                **({"anchor": "x2"} if suffix_axis else {}),
            )
    note = ci_note(data.replications)
    if note:
        annotations.append(note_annotation(note))
    layout["annotations"] = annotations
    layout["margin"] = {"t": 50, "b": notes_margin(1 if note else 0), "l": 110}
    return figure(traces, layout, height=max(360, 60 + 30 * rows_most), legend=False)
