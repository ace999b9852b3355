"""Plans side by side: throughput against the target and the utilisation of key resources."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.verdict_text import verdict_word
from sim.i18n import tr
from sim.results.rundata import RunSource, as_run_data
from sim.viz.measures import resource_label
from sim.viz.style import (
    PORT_COLOUR,
    TARGET_COLOUR,
    error_bars,
    label_bar_ends,
    new_figure,
    no_data,
)

__all__ = ["comparison_chart", "plans_chart"]

_VERDICT_COLOURS = {"met": "#2ca02c", "not met": "#d62728", "uncertain": "#e6b800"}


def plans_chart(runs: Mapping[str, RunSource], *, resources: int = 8) -> Figure:
    """Plans side by side: compared throughput with its 95 % CI against the target (bar edge
    coloured by verdict), and the utilisation of the resources that are busiest in any plan.

    Parameters
    ----------
    runs : mapping of plan name to run (RunData, RunResult or path)
        Reads each run's summary and KPI table ``bottlenecks``.
    resources : int
        Number of locks and berth groups in the utilisation panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    datas = {plan: as_run_data(run) for plan, run in runs.items()}
    figure, (bars_ax, grid_ax) = new_figure(
        14, 2.8 + 0.6 * max(len(datas), 3), ncols=2, gridspec_kw={"width_ratios": [1, 1.4]}
    )
    if not datas:
        no_data(bars_ax, tr("no plans to compare"))
        no_data(grid_ax, "")
        return figure
    plans = list(datas)
    mean, low, high, verdicts = [], [], [], []
    for data in datas.values():
        throughput = data.summary["throughput_t"]
        mean.append(throughput["mean"] / 1e6)
        low.append((throughput["ci95_low"] if throughput["ci95_low"] is not None else np.nan) / 1e6)
        high.append(
            (throughput["ci95_high"] if throughput["ci95_high"] is not None else np.nan) / 1e6
        )
        verdicts.append(data.summary["verdict"])
    values = np.array(mean)
    errors = error_bars(values, np.array(low), np.array(high))
    y = np.arange(len(plans))[::-1]
    bars_ax.barh(
        y,
        values,
        xerr=errors,
        capsize=4,
        color=PORT_COLOUR,
        edgecolor=[_VERDICT_COLOURS.get(v, "black") for v in verdicts],
        linewidth=2.5,
    )
    label_bar_ends(
        bars_ax,
        values + errors[1],
        [
            tr(
                "{value:,.1f} Mt: {verdict} ({share:.0%})",
                value=value,
                verdict=verdict_word(verdict),
                share=data.summary["p_target_met"],
            )
            for value, verdict, data in zip(values, verdicts, datas.values(), strict=True)
        ],
        rows=y,
    )
    target = next(iter(datas.values())).model.target_t / 1e6
    bars_ax.axvline(
        target,
        color=TARGET_COLOUR,
        linestyle="--",
        label=tr("target {target:,.0f} Mt/yr", target=target),
    )
    bars_ax.set_yticks(y, [_wrapped(p) for p in plans])
    bars_ax.set_xlim(0, max(float(np.nanmax(values + errors[1])), target) * 1.45)
    bars_ax.set_xlabel(
        tr("Port throughput in the compared year (Mt/yr, 95 % CI; share meeting it)")
    )
    bars_ax.legend(loc="lower right", fontsize=8)
    bars_ax.grid(axis="x", alpha=0.3)
    bars_ax.set_title(tr("Throughput against the target (edge: verdict)"))

    frames = []
    for plan, data in datas.items():
        ranked = data.tables["bottlenecks"]
        ranked = ranked[ranked["kind"].isin(["lock", "berths"])]
        frames.append(ranked[["kind", "resource", "utilisation"]].assign(plan=plan))
    table = pd.concat(frames, ignore_index=True)
    busiest = (
        table.groupby(["kind", "resource"])["utilisation"].max().sort_values(ascending=False)
    ).head(resources)
    if busiest.empty:
        no_data(grid_ax, tr("no locks or berths"))
        return figure
    grid = (
        table.set_index(["kind", "resource"])
        .loc[busiest.index]
        .reset_index()
        .pivot_table(index="plan", columns=["kind", "resource"], values="utilisation", sort=False)
        .reindex(index=plans, columns=busiest.index)
    )
    image = grid_ax.imshow(grid.to_numpy() * 100, cmap="YlOrRd", vmin=0, vmax=100, aspect="auto")
    for (row, column), value in np.ndenumerate(grid.to_numpy() * 100):
        if not np.isnan(value):
            grid_ax.text(
                column,
                row,
                f"{value:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > 65 else "black",
            )
    first = next(iter(datas.values()))
    grid_ax.set_xticks(
        np.arange(len(busiest)),
        [resource_label(k, r, first) for k, r in busiest.index],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    grid_ax.set_yticks(np.arange(len(plans)), [_wrapped(p) for p in plans])
    grid_ax.set_title(tr("Utilisation of the busiest locks and berth groups (%)"))
    figure.colorbar(image, ax=grid_ax, shrink=0.8).set_label(tr("Utilisation (%)"))
    figure.suptitle(tr("Plans side by side (same random numbers)"))
    return figure


def _wrapped(name: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(name, width)) or name


def comparison_chart(table: pd.DataFrame, *, target_t: float, year: int) -> Figure:
    """Plans compared with common random numbers: each plan's throughput with its 95 % CI
    against the target (edge: verdict) and, beside it, each plan's paired difference from the
    reference with its paired 95 % CI.

    Parameters
    ----------
    table : DataFrame
        :attr:`sim.runs.compare.Comparison.table` (``plan, verdict, p_target_met``,
        ``throughput_t`` and ``throughput_t_vs_reference`` with their CIs; the first row is
        the reference).
    target_t : float
    year : int
        The judged year (for the titles).

    Returns
    -------
    matplotlib.figure.Figure
    """
    count = len(table)
    figure, (bars_ax, delta_ax) = new_figure(
        13, 1.8 + 0.85 * max(count, 2), ncols=2, gridspec_kw={"width_ratios": [1.3, 1]}
    )
    if table.empty:
        no_data(bars_ax, tr("no plans to compare"))
        no_data(delta_ax, "")
        return figure
    names = [_wrapped(str(p)) for p in table["plan"]]
    y = np.arange(count)[::-1]
    mean = table["throughput_t"].to_numpy(dtype=float) / 1e6
    low = table["throughput_t_ci95_low"].to_numpy(dtype=float) / 1e6
    high = table["throughput_t_ci95_high"].to_numpy(dtype=float) / 1e6
    errors = error_bars(mean, low, high)
    bars_ax.barh(
        y,
        mean,
        xerr=errors,
        capsize=4,
        color=PORT_COLOUR,
        edgecolor=[_VERDICT_COLOURS.get(v, "black") for v in table["verdict"]],
        linewidth=2.5,
    )
    label_bar_ends(
        bars_ax,
        mean + errors[1],
        [
            tr(
                "{mean:,.1f} Mt, {verdict} ({share:.0%} of runs meet it)",
                mean=m,
                verdict=verdict_word(v),
                share=p,
            )
            for m, v, p in zip(mean, table["verdict"], table["p_target_met"], strict=True)
        ],
        rows=y,
    )
    target = target_t / 1e6
    bars_ax.axvline(
        target,
        color=TARGET_COLOUR,
        linestyle="--",
        label=tr("target {target:,.0f} Mt", target=target),
    )
    bars_ax.set_yticks(y, names)
    bars_ax.set_xlim(0, max(float(np.nanmax(mean + errors[1])), target) * 1.5)
    bars_ax.set_ylim(-0.6, count - 0.4)
    bars_ax.set_xlabel(
        tr(
            "Port throughput in {year} (Mt, 95 % CI); met also needs every service criterion",
            year=year,
        )
    )
    bars_ax.legend(loc="lower right", fontsize=8)
    bars_ax.grid(axis="x", alpha=0.3)
    bars_ax.set_title(tr("Throughput against the target (bar edge: verdict)"), loc="left")

    delta = table["throughput_t_vs_reference"].to_numpy(dtype=float) / 1e6
    d_low = table["throughput_t_vs_reference_ci95_low"].to_numpy(dtype=float) / 1e6
    d_high = table["throughput_t_vs_reference_ci95_high"].to_numpy(dtype=float) / 1e6
    others = ~np.isnan(delta)
    d_errors = error_bars(delta, d_low, d_high)
    colours = [TARGET_COLOUR if d < 0 else "#2ca02c" for d in np.nan_to_num(delta)]
    delta_ax.barh(
        y[others],
        delta[others],
        xerr=d_errors[:, others],
        capsize=4,
        color=[c for c, o in zip(colours, others, strict=True) if o],
        alpha=0.8,
        height=0.4,
    )
    delta_ax.axvline(0, color="black", linewidth=0.8)
    reach = float(np.nanmax(np.abs(np.concatenate([d_low, d_high, delta])))) if others.any() else 1
    reach = reach if reach > 0 and np.isfinite(reach) else 1.0
    delta_ax.set_xlim(-reach * 1.9, reach * 1.9)
    for row, d, lo, hi, present in zip(y, delta, d_low, d_high, others, strict=True):
        if not present:
            delta_ax.text(
                0, row, tr("reference"), ha="center", va="center", fontsize=9, color="#555"
            )
            continue
        interval = (
            "" if np.isnan(lo) else tr(" (95 % CI {low:+,.3g} to {high:+,.3g})", low=lo, high=hi)
        )
        digits = 2 if abs(d) >= 0.01 or d == 0 else 3
        # above the bar, clear of its error bar
        delta_ax.text(
            0,
            row + 0.28,
            tr("{delta} Mt{interval}", delta=f"{d:+,.{digits}f}", interval=interval),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    delta_ax.set_yticks(y, [""] * count)
    delta_ax.set_ylim(-0.6, count - 0.4)
    delta_ax.set_xlabel(tr("Throughput minus the reference's (Mt, paired 95 % CI)"))
    delta_ax.grid(axis="x", alpha=0.3)
    delta_ax.set_title(tr("Paired difference from the reference"), loc="left")
    return figure
