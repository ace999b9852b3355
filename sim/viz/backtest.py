"""The back-test chart: every predicted observation, its band and the prediction, as ratios
to the observed value, one panel per kind of KPI; in the current language (:mod:`sim.i18n`:
draw it inside :func:`sim.i18n.chart_fonts` for Chinese glyphs)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from sim.backtest.formats import (
    format_band,
    format_quantity,
    kpi_words,
    period_words,
    place_words,
    role_words,
)
from sim.backtest.results import Backtest, BacktestRow
from sim.i18n import N_, current_language, tr
from sim.viz.style import ChartFigure, bold_text, no_data

__all__ = ["PANELS", "backtest_chart"]

#: Panels of the chart, in order: title and the KPIs drawn in it.
PANELS = (
    (N_("Lockages"), ("lock_lockages",)),
    (N_("Ships passing locks"), ("lock_ships",)),
    (N_("Ships per lockage"), ("lock_ships_per_lockage",)),
    (
        N_("Tonnes: port throughput, cargo and ship tonnage through locks, freight on the canal"),
        (
            "port_throughput_t",
            "port_area_throughput_t",
            "lock_cargo_t",
            "lock_ship_tonnage_t",
            "canal_cargo_carried_t",
        ),
    ),
    (N_("Tonnes per lockage"), ("lock_cargo_t_per_lockage", "lock_ship_tonnage_t_per_lockage")),
    (N_("Containers (TEU)"), ("port_teu",)),
    (N_("Peak queue at a lock (ships waiting)"), ("lock_peak_queue_ships",)),
)
INSIDE = "#2ca02c"
OUTSIDE = "#d62728"
BAND = "#c6dbef"
_MARKERS = {"calibration": "o", "validation": "D"}
_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)
_WIDE_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


def _ratio(value: float | None, observed: float) -> float:
    return math.nan if value is None or math.isnan(value) else value / observed


def _limits(rows: list[BacktestRow]) -> tuple[float, float]:
    """Shared x range (ratio to observed): the bands and predictions with a margin, at least
    0.5 to 2."""
    values = [0.5, 2.0]
    for row in rows:
        o, p = row.observation, row.prediction
        assert p is not None
        for value in (o.band_low, o.band_high, p.mean, p.ci95_low, p.ci95_high):
            ratio = _ratio(value, o.value)
            if ratio > 0 and math.isfinite(ratio):
                values.append(ratio)
    return max(min(values) / 1.3, 0.01), min(max(values) * 1.6, 100.0)


def _row_label(row: BacktestRow) -> str:
    o = row.observation
    return tr(
        "{place}: {kpi}\n{period}, {role}",
        place=place_words(row),
        kpi=kpi_words(o.kpi),
        period=period_words(o),
        role=role_words(o.role),
    )


def _line_spacing() -> dict[str, Any]:
    """Two-line labels in Chinese get more room between their lines (the glyphs are taller);
    English keeps matplotlib's spacing."""
    return {} if current_language() == "en" else {"linespacing": 1.4}


def _draw_panel(ax: Axes, title: str, rows: list[BacktestRow], left: float, right: float) -> None:
    y = np.arange(len(rows))[::-1]
    for position, row in zip(y, rows, strict=True):
        o, p = row.observation, row.prediction
        assert p is not None
        low = _ratio(o.band_low, o.value) if o.band_low is not None else 1e-9
        high = _ratio(o.band_high, o.value) if o.band_high is not None else right * 10
        ax.barh(position, high - low, left=low, height=0.6, color=BAND, edgecolor="#6baed6")
        mean = _ratio(p.mean, o.value)
        colour = INSIDE if row.inside else OUTSIDE
        if math.isfinite(mean):
            ci = [_ratio(p.ci95_low, o.value), _ratio(p.ci95_high, o.value)]
            if all(math.isfinite(c) for c in ci):
                ax.plot(np.clip(ci, left, right), [position, position], color=colour, lw=2.2)
            # a mean off the axis (e.g. zero on a log scale) sits at its edge, pointing out
            shown = min(max(mean, left * 1.03), right / 1.03)
            marker = _MARKERS[o.role] if shown == mean else ("<" if mean < shown else ">")
            ax.plot(
                [shown],
                [position],
                marker=marker,
                color=colour,
                markersize=8,
                markeredgecolor="black",
                linestyle="none",
            )
        predicted = tr("undefined") if math.isnan(p.mean) else format_quantity(p.mean, o.unit)
        text = tr(
            "{predicted} predicted, {observed} observed\nband {band}",
            predicted=predicted,
            observed=format_quantity(o.value, o.unit),
            band=format_band(o.band_low, o.band_high, o.unit),
        )
        ax.annotate(
            text,
            (1.0, position),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=colour,
            **_line_spacing(),
        )
    ax.axvline(1.0, color="black", linewidth=1.2)
    ax.set_yticks(y, [_row_label(r) for r in rows], fontsize=9.5, **_line_spacing())
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_title(tr(title), loc="left", fontsize=10.5, **bold_text())
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def backtest_chart(result: Backtest) -> Figure:
    """Observed value with its band against the predicted mean with its 95 % CI.

    Every value is divided by the row's observed value, so the observed value sits at 1 and
    very different magnitudes share an axis (log scale). The marker is green when the mean
    lies inside the band, red when outside; a circle marks a calibration row, a diamond a
    validation row. Rows that are not predicted are left out (the table lists them).

    Parameters
    ----------
    result : Backtest

    Returns
    -------
    matplotlib.figure.Figure
    """
    predicted = result.predicted
    panels = [
        (title, [r for r in predicted if r.observation.kpi in kpis]) for title, kpis in PANELS
    ]
    panels = [(title, rows) for title, rows in panels if rows]
    height = 1.9 + sum(0.55 + 0.55 * len(rows) for _, rows in panels)
    figure = ChartFigure(figsize=(12, max(height, 3.0)), layout="constrained")
    if not panels:
        no_data(figure.subplots(), tr("no observation was predicted"))
        return figure
    axes = figure.subplots(
        len(panels),
        1,
        sharex=True,
        gridspec_kw={"height_ratios": [0.55 + 0.55 * len(rows) for _, rows in panels]},
        squeeze=False,
    )[:, 0]
    left, right = _limits(predicted)
    for ax, (title, rows) in zip(axes, panels, strict=True):
        _draw_panel(ax, title, rows, left, right)
        ax.set_xscale("log")
    ax = axes[-1]
    ax.set_xlim(left, right)
    ticks = [t for t in (_TICKS if right / left < 30 else _WIDE_TICKS) if left <= t <= right]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:g}x")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(tr("value / observed value (log scale): 1x is the published figure"))
    inside, count = result.counts()
    figure.suptitle(
        tr(
            "Back-test: {inside} of {count} predicted observations inside their bands "
            "({replications} replications per scenario)",
            inside=inside,
            count=count,
            replications=result.replications,
        ),
        fontsize=12,
        x=0.01,
        ha="left",
    )
    figure.legend(
        handles=[
            Patch(facecolor=BAND, edgecolor="#6baed6", label=tr("tolerance band")),
            Line2D([], [], color="black", linewidth=1.2, label=tr("observed (1x)")),
            Line2D([], [], color=INSIDE, linewidth=2.2, label=tr("predicted 95 % CI, inside")),
            Line2D([], [], color=OUTSIDE, linewidth=2.2, label=tr("predicted 95 % CI, outside")),
            Line2D(
                [], [], marker="o", color="grey", linestyle="none", label=tr("calibration mean")
            ),
            Line2D([], [], marker="D", color="grey", linestyle="none", label=tr("validation mean")),
        ],
        loc="outside lower center",
        ncols=6,
        fontsize=8.5,
        frameon=False,
    )
    return figure
