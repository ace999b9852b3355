"""Charts of a sweep: throughput with its CI per variant (and the paired difference from the
baseline), cost against throughput with the efficient frontier, and the probability of
meeting the target per variant.

Every chart takes a :class:`~sim.sweep.decision.SweepDecision` (from :func:`sim.sweep.analyse`
or read back from a sweep folder) and returns a figure that shows itself in Jupyter. Variants
keep the sweep's order and one colour per selection label in every chart: green feasible,
red infeasible, amber undecided (blue when the sweep has no selection rule); the chosen
variant is starred and the baseline named.

Charts are written in the current language (:mod:`sim.i18n`); draw them inside
:func:`sim.i18n.chart_fonts` for a font with Chinese glyphs (:func:`write_sweep_charts` does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from network.files import atomic_path
from sim.i18n import N_, chart_fonts, tr
from sim.sweep.summary import frontier
from sim.viz.style import PORT_COLOUR, TARGET_COLOUR, error_bars, new_figure, no_data

if TYPE_CHECKING:
    from sim.sweep.decision import SweepDecision

__all__ = [
    "LABEL_COLOURS",
    "SWEEP_CHARTS",
    "SweepChart",
    "cost_frontier_chart",
    "target_probability_chart",
    "throughput_chart",
    "write_sweep_charts",
]

#: Colour of each selection label (and of every variant when there is no selection rule).
LABEL_COLOURS = {
    "feasible": "#2ca02c",
    "infeasible": "#d62728",
    "undecided": "#e6b800",
    "": PORT_COLOUR,
}
_LABEL_TEXT = {
    "feasible": N_("feasible: meets the target with P >= {p}"),
    "infeasible": N_("infeasible: below P = {p}"),
    "undecided": N_("undecided: more replications needed"),
}
_NO_RUNS = N_("no variant has a successful run")
#: Value labels stay readable over grid and target lines.
_LABEL_BOX = {
    "boxstyle": "square,pad=0.1",
    "facecolor": "white",
    "edgecolor": "none",
    "alpha": 0.85,
}


def _chartable(decision: SweepDecision) -> pd.DataFrame:
    return decision.table.dropna(subset=["throughput_t"]).reset_index(drop=True)


def _labels(decision: SweepDecision, table: pd.DataFrame) -> list[str]:
    if "selection" not in table or decision.selection is None:
        return [""] * len(table)
    return [str(v) if isinstance(v, str) else "" for v in table["selection"]]


def _names(decision: SweepDecision, table: pd.DataFrame) -> list[str]:
    """Tick labels: the variant, starred when chosen, with "(baseline)"."""
    chosen = decision.selection.chosen if decision.selection is not None else None
    names = []
    for row in table.itertuples(index=False):
        name = f"★ {row.variant}" if row.variant == chosen else str(row.variant)
        names.append(tr("{variant} (baseline)", variant=name) if bool(row.baseline) else name)
    return names


def _label_legend(figure: Figure, decision: SweepDecision, labels: list[str], *extra: Any) -> None:
    """One legend below the plot (never over the data): the labels present, the chosen
    marker, and ``extra`` handles (target and frontier lines)."""
    probability = f"{decision.probability:.0%}" if decision.probability is not None else ""
    handles: list[Line2D] = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=LABEL_COLOURS[label],
            label=tr(_LABEL_TEXT[label], p=probability),
        )
        for label in ("feasible", "undecided", "infeasible")
        if label in labels
    ]
    if decision.selection is not None and decision.selection.chosen is not None:
        handles.append(
            Line2D(
                [], [], linestyle="", marker="*", markersize=9, color="black", label=tr("★ chosen")
            )
        )
    handles += list(extra)
    if handles:
        figure.legend(
            handles=handles, loc="outside lower center", ncol=min(len(handles), 3), fontsize=8
        )


def _target_label(decision: SweepDecision) -> str:
    return tr("target {target:,.1f} Mt/yr", target=decision.target_t / 1e6)


def throughput_chart(decision: SweepDecision) -> Figure:
    """Mean throughput per variant with its 95 % CI against the target (left), and the
    difference from the baseline paired by replication (right).

    Every variant and future uses the same random numbers, so the paired difference is much
    tighter than the two CIs suggest: the right panel is the one to compare variants on.

    Parameters
    ----------
    decision : SweepDecision
        Reads the comparison table (``throughput_t``, ``throughput_vs_baseline_t`` and their
        ``_ci95_low``/``_ci95_high``) and the selection labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = _chartable(decision)
    figure, (ax, diff_ax) = new_figure(12, 1.9 + 0.42 * max(len(table), 3), ncols=2, sharey=True)
    if table.empty:
        no_data(ax, tr(_NO_RUNS))
        no_data(diff_ax, "")
        return figure
    y = np.arange(len(table))
    labels = _labels(decision, table)
    colours = [LABEL_COLOURS[label] for label in labels]
    mean = table["throughput_t"].to_numpy(dtype=float) / 1e6
    low = table["throughput_t_ci95_low"].to_numpy(dtype=float) / 1e6
    high = table["throughput_t_ci95_high"].to_numpy(dtype=float) / 1e6
    errors = error_bars(mean, low, high)
    for row, colour in enumerate(colours):
        ax.errorbar(
            mean[row],
            y[row],
            xerr=errors[:, row : row + 1],
            fmt="o",
            color=colour,
            markersize=7,
            capsize=4,
            elinewidth=2,
        )
    target = decision.target_t / 1e6
    line = ax.axvline(target, color=TARGET_COLOUR, linestyle="--", label=_target_label(decision))
    right = np.nanmax(np.r_[mean + errors[1], target])
    left = np.nanmin(np.r_[mean - errors[0], target])
    span = max(right - left, 0.02 * max(abs(right), 1e-9))
    for row in range(len(table)):
        ax.annotate(
            f"{mean[row]:,.2f}",
            (mean[row] + errors[1, row], y[row]),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            bbox=_LABEL_BOX,
        )
    ax.set_xlim(left - 0.08 * span, right + 0.22 * span)
    ax.set_yticks(y, _names(decision, table))
    ax.invert_yaxis()
    ax.set_xlabel(tr("Port throughput (Mt/yr): mean over futures and replications, 95 % CI"))
    ax.set_title(tr("Throughput against the target"))
    ax.grid(axis="x", alpha=0.3)
    _label_legend(figure, decision, labels, line)

    baseline = table.loc[table["baseline"].astype(bool), "variant"]
    difference = table["throughput_vs_baseline_t"].to_numpy(dtype=float) / 1e6
    diff_errors = error_bars(
        difference,
        table["throughput_vs_baseline_t_ci95_low"].to_numpy(dtype=float) / 1e6,
        table["throughput_vs_baseline_t_ci95_high"].to_numpy(dtype=float) / 1e6,
    )
    diff_ax.axvline(0, color="black", linewidth=1)
    for row, colour in enumerate(colours):
        if bool(table["baseline"].iloc[row]):
            diff_ax.annotate(
                tr("baseline"), (0, y[row]), xytext=(5, 0), textcoords="offset points", va="center"
            )
            continue
        if np.isnan(difference[row]):
            continue
        diff_ax.errorbar(
            difference[row],
            y[row],
            xerr=diff_errors[:, row : row + 1],
            fmt="s",
            color=colour,
            markersize=6,
            capsize=4,
            elinewidth=2,
        )
        diff_ax.annotate(
            f"{difference[row]:+,.2f}",
            (difference[row] + diff_errors[1, row], y[row]),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            bbox=_LABEL_BOX,
        )
    reach = np.nanmax(np.abs(np.r_[difference - diff_errors[0], difference + diff_errors[1], 0]))
    reach = reach if reach > 0 else 1.0
    diff_ax.set_xlim(-1.15 * reach, 1.35 * reach)
    name = str(baseline.iloc[0]) if len(baseline) else tr("the baseline")
    diff_ax.set_xlabel(
        tr("Difference from {name} (Mt/yr), paired by replication, 95 % CI", name=name)
    )
    diff_ax.set_title(tr("Gain over the baseline (same random numbers)"))
    diff_ax.grid(axis="x", alpha=0.3)
    figure.suptitle(tr("{name}: port throughput per option", name=decision.name))
    return figure


def _cost_unit(costs: np.ndarray) -> tuple[float, str]:
    largest = float(np.nanmax(np.abs(costs))) if len(costs) else 0.0
    return (1e9, tr("bn CNY")) if largest >= 1e9 else (1e6, tr("million CNY"))


#: Where a point's name may go: offset (points) and alignment, tried in this order.
_NAME_PLACES = (
    ((7, 5), "left", "bottom"),
    ((7, -5), "left", "top"),
    ((-7, 5), "right", "bottom"),
    ((-7, -5), "right", "top"),
)


def _ems(text: str) -> float:
    """The width of ``text`` in em, roughly: 1 for a Chinese (full-width) character, 0.6 for
    any other."""
    return sum(1.0 if "\u2e80" <= c <= "\uffef" else 0.6 for c in text)


def _name_points(
    figure: Figure,
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    names: list[str],
    fontsize: float = 8.5,
) -> None:
    """Name each point beside it, choosing for each (cheapest first) the first of
    :data:`_NAME_PLACES` whose text stays inside the axes and clear of the names already
    placed (the first place when none is).

    Text boxes are estimated in axes fractions from the axes' size before layout (a Latin
    character is about 0.6 em wide, a Chinese one 1 em): close enough to keep neighbours
    apart. Call after the limits are set.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_position()
    width_in, height_in = figure.get_size_inches()
    width_pt, height_pt = box.width * width_in * 72, box.height * height_in * 72
    placed: list[tuple[float, float, float, float]] = []

    def extent(
        row: int, place: tuple[tuple[int, int], str, str]
    ) -> tuple[float, float, float, float]:
        (dx, dy), ha, va = place
        w = _ems(names[row]) * fontsize / width_pt
        h = 1.3 * fontsize / height_pt
        left = (xs[row] - x0) / (x1 - x0) + dx / width_pt - (w if ha == "right" else 0.0)
        bottom = (ys[row] - y0) / (y1 - y0) + dy / height_pt - (h if va == "top" else 0.0)
        return left, bottom, left + w, bottom + h

    def fits(area: tuple[float, float, float, float]) -> bool:
        inside = area[0] >= 0 and area[2] <= 1 and area[1] >= 0 and area[3] <= 1
        return inside and all(
            area[2] <= b[0] or b[2] <= area[0] or area[3] <= b[1] or b[3] <= area[1] for b in placed
        )

    for row in np.argsort(xs, kind="stable"):
        place = next((p for p in _NAME_PLACES if fits(extent(row, p))), _NAME_PLACES[0])
        placed.append(extent(row, place))
        (dx, dy), ha, va = place
        ax.annotate(
            names[row],
            (xs[row], ys[row]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            bbox=_LABEL_BOX,
        )


def cost_frontier_chart(decision: SweepDecision) -> Figure:
    """Investment cost against mean throughput (95 % CI) per variant, the efficient frontier
    (no other variant is both cheaper and carries more) joined, and the target.

    Parameters
    ----------
    decision : SweepDecision

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = _chartable(decision)
    figure, ax = new_figure(9, 5.6)
    if table.empty:
        no_data(ax, tr(_NO_RUNS))
        return figure
    labels = _labels(decision, table)
    scale, unit = _cost_unit(table["cost_cny"].to_numpy(dtype=float))
    cost = table["cost_cny"].to_numpy(dtype=float) / scale
    mean = table["throughput_t"].to_numpy(dtype=float) / 1e6
    errors = error_bars(
        mean,
        table["throughput_t_ci95_low"].to_numpy(dtype=float) / 1e6,
        table["throughput_t_ci95_high"].to_numpy(dtype=float) / 1e6,
    )
    on = table.set_index("variant").loc[frontier(table)]
    (line,) = ax.plot(
        on["cost_cny"] / scale,
        on["throughput_t"] / 1e6,
        color="#555555",
        linewidth=1.5,
        marker="o",
        markersize=13,
        markerfacecolor="none",
        zorder=1,
        label=tr("efficient frontier (ringed)"),
    )
    for row, label in enumerate(labels):
        ax.errorbar(
            cost[row],
            mean[row],
            yerr=errors[:, row : row + 1],
            fmt="o",
            color=LABEL_COLOURS[label],
            markersize=7,
            capsize=4,
            zorder=2,
        )
    target = decision.target_t / 1e6
    target_line = ax.axhline(
        target, color=TARGET_COLOUR, linestyle="--", label=_target_label(decision)
    )
    width = float(np.nanmax(cost) - np.nanmin(cost)) or max(float(np.nanmax(cost)), 1.0)
    ax.set_xlim(np.nanmin(cost) - 0.08 * width, np.nanmax(cost) + 0.3 * width)
    bottom = np.nanmin(np.r_[mean - errors[0], target])
    top = np.nanmax(np.r_[mean + errors[1], target])
    pad = 0.08 * max(top - bottom, 0.02 * max(abs(top), 1e-9))
    ax.set_ylim(bottom - pad, top + pad)
    _name_points(figure, ax, cost, mean, _names(decision, table))
    ax.set_xlabel(tr("Investment cost ({unit})", unit=unit))
    ax.set_ylabel(tr("Port throughput (Mt/yr), mean and 95 % CI"))
    ax.set_title(tr("{name}: cost against throughput", name=decision.name))
    ax.grid(alpha=0.3)
    _label_legend(figure, decision, labels, line, target_line)
    return figure


def target_probability_chart(decision: SweepDecision) -> Figure:
    """Share of runs meeting the target per variant with its 95 % Wilson interval, against the
    probability the selection rule requires.

    Parameters
    ----------
    decision : SweepDecision
        Reads ``p_target_met`` and its interval, ``runs`` and the selection labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = _chartable(decision)
    figure, ax = new_figure(9, 1.9 + 0.42 * max(len(table), 3))
    if table.empty:
        no_data(ax, tr(_NO_RUNS))
        return figure
    labels = _labels(decision, table)
    y = np.arange(len(table))
    share = table["p_target_met"].to_numpy(dtype=float)
    errors = error_bars(
        share,
        table["p_target_met_ci95_low"].to_numpy(dtype=float),
        table["p_target_met_ci95_high"].to_numpy(dtype=float),
        floor=0.0,
    )
    ax.barh(
        y,
        share,
        xerr=errors,
        capsize=4,
        color=[LABEL_COLOURS[label] for label in labels],
        edgecolor="black",
        linewidth=0.6,
    )
    runs = table["runs"].to_numpy(dtype=float)
    for row in range(len(table)):
        met = round(share[row] * runs[row])
        ax.annotate(
            tr(
                "{share:.0%} ({met:.0f} of {runs:.0f} runs)",
                share=share[row],
                met=met,
                runs=runs[row],
            ),
            (share[row] + errors[1, row], y[row]),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            bbox=_LABEL_BOX,
        )
    extra = []
    if decision.probability is not None:
        extra.append(
            ax.axvline(
                decision.probability,
                color=TARGET_COLOUR,
                linestyle="--",
                label=tr("required probability {p:.0%}", p=decision.probability),
            )
        )
    ax.set_xlim(0, 1.32)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_yticks(y, _names(decision, table))
    ax.invert_yaxis()
    ax.set_xlabel(
        tr(
            "Runs meeting {target:,.1f} Mt/yr (one run: a replication under a future), 95 % "
            "Wilson interval",
            target=decision.target_t / 1e6,
        )
    )
    ax.set_title(tr("{name}: probability of meeting the target", name=decision.name))
    ax.grid(axis="x", alpha=0.3)
    _label_legend(figure, decision, labels, *extra)
    return figure


@dataclass(frozen=True)
class SweepChart:
    """One chart of a sweep: PNG file stem, heading and caption in a report (English, marked
    for :func:`sim.i18n.tr`), and how to draw it (``SweepDecision -> Figure``)."""

    name: str
    title: str
    caption: str
    draw: Callable[[SweepDecision], Figure]


SWEEP_CHARTS: tuple[SweepChart, ...] = (
    SweepChart(
        "throughput",
        N_("Throughput per option"),
        N_(
            "Left: each option's mean port throughput over the futures and replications with "
            "its 95 % confidence interval; the dashed line is the target. Right: its gain over "
            "the baseline, paired replication by replication (every option sees the same demand "
            "and random numbers), which is much tighter: an interval clear of zero is a real "
            "difference. Colours are the selection labels; the chosen option is starred."
        ),
        throughput_chart,
    ),
    SweepChart(
        "cost_frontier",
        N_("Cost against throughput"),
        N_(
            "Each option's investment cost and mean throughput (95 % CI). Ringed options are on "
            "the efficient frontier: no other option is both cheaper and carries more. Options "
            "above the dashed target line carry it on average; whether they do so reliably is "
            "the next chart."
        ),
        cost_frontier_chart,
    ),
    SweepChart(
        "target_probability",
        N_("Probability of meeting the target"),
        N_(
            "Share of runs (one replication under one future, futures weighing equally) in "
            "which the option meets the target, with its 95 % Wilson interval; the dashed line "
            "is the probability the selection rule asks for. The selection itself uses stricter "
            "Clopper-Pearson bounds, adjusted for comparing several options (see the selection "
            "table)."
        ),
        target_probability_chart,
    ),
)


def write_sweep_charts(
    decision: SweepDecision, folder: str | Path, *, dpi: int = 120
) -> list[Path]:
    """Save every chart of :data:`SWEEP_CHARTS` as ``folder/<name>.png`` (atomically), in the
    current language."""
    written = []
    with chart_fonts():
        for spec in SWEEP_CHARTS:
            path = Path(folder) / f"{spec.name}.png"
            with atomic_path(path) as temporary:
                spec.draw(decision).savefig(temporary, dpi=dpi, format="png")
            written.append(path)
    return written
