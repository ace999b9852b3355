"""Where the hub chokes: utilisation by month, ranked bottlenecks with relief gains, lock waits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.i18n import N_, tr
from sim.results.rundata import RunSource, as_run_data
from sim.viz.labels import localise_names
from sim.viz.measures import resource_label
from sim.viz.style import (
    KIND_COLOURS,
    ci_bounds,
    ci_note,
    ci_shown,
    error_bars,
    kind_colour,
    kind_label,
    label_bar_ends,
    new_figure,
    no_data,
)
from sim.viz.utilisation_data import (
    STATE_LABELS,
    bottleneck_notes,
    criterion_bars,
    criterion_status,
    kinds_in,
    nice_limit,
    relief_gains,
    utilisation_grid,
)

__all__ = [
    "bottleneck_chart",
    "criterion_status",
    "lock_wait_chart",
    "nice_limit",
    "utilisation_heatmap",
]


def utilisation_heatmap(source: RunSource, *, top: int | None = 30) -> Figure:
    """Utilisation of locks, berth groups and yards (rows) per month (columns).

    Rows are grouped by kind and sorted by their mean utilisation; cells are the share of
    the resource's capacity in use that month (chamber-hours, berth-hours, yard tonnes),
    averaged over the replications.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``lockages``, ``vessels`` and ``yard_levels`` records.
    top : int or None
        Keep the ``top`` most used resources (None: all).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    grid = utilisation_grid(data, top=top).values
    if grid.empty:
        figure, ax = new_figure(8, 3)
        no_data(ax, tr("no resource in service in the counted period"))
        return figure
    rows, columns = grid.shape
    figure, ax = new_figure(min(max(9.0, 4.5 + 0.55 * columns), 18.0), 1.8 + 0.3 * rows)
    image = ax.imshow(
        grid.to_numpy() * 100, aspect="auto", cmap="YlOrRd", vmin=0, vmax=100, interpolation="none"
    )
    ax.set_yticks(
        np.arange(rows),
        [
            tr("{kind}: {resource}", kind=kind_label(k), resource=resource_label(k, r, data))
            for k, r in grid.index
        ],
        fontsize=8,
    )
    ax.set_xticks(np.arange(columns), list(grid.columns), rotation=45, ha="right", fontsize=8)
    if rows * columns <= 600 and columns <= 24:
        values = grid.to_numpy() * 100
        for (y, x), value in np.ndenumerate(values):
            if not np.isnan(value):
                ax.text(
                    x,
                    y,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > 65 else "black",
                )
    kinds = [k for k, _ in grid.index]
    for y in range(1, rows):
        if kinds[y] != kinds[y - 1]:
            ax.axhline(y - 0.5, color="black", linewidth=1.2)
    colourbar = figure.colorbar(image, ax=ax, shrink=0.8)
    colourbar.set_label(tr("Utilisation (% of capacity in service)"))
    ax.set_xlabel(tr("Month"))
    ax.set_title(tr("{name}: utilisation by month", name=data.name))
    return figure


#: Hatches of the bars, by what the verdict says of the resource's criterion.
_HATCHES = {
    "fails": "///",
    "shared": "...",
    "uncertain": "\\\\",
}


def bottleneck_chart(source: RunSource, *, top: int = 10) -> Figure:
    """The top resources as ranked by their effect on the verdict.

    The rows are the run's ranking (:func:`sim.analysis.rank_bottlenecks`, the ``rank`` of
    the ``bottlenecks`` table, as ``hubsim run`` prints it and the verdict reads it). Bars show
    each resource's service criterion as value / limit on an axis fitted to the largest one (a
    dashed line marks the limit); hatching says what the verdict makes of it (breaks it, adds
    to a port-wide criterion that fails, may break it). Beside each bar: the criterion,
    utilisation, mean wait and share of all vessel time spent waiting for it (folders from
    before the ranking: that share, with its 95 % CI). When the run carries bottleneck reliefs
    (:meth:`RunData.with_relief`), a third panel shows the sustainable capacity each relief
    adds (Mt/yr, 95 % CI, paired with the same random numbers).

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``bottlenecks`` and, when computed, its relief.
    top : int
        Number of resources shown.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["bottlenecks"].head(top).iloc[::-1]
    relief = data.relief
    with_relief = relief is not None and not relief.empty
    height = 0.5 * max(len(table), 2) + 2.4
    ranked = "criterion_ratio" in table
    if table.empty:
        figure, ax = new_figure(11, height)
        no_data(ax, tr("no resource to rank"))
        return figure
    widths = [1.0, 0.62] if ranked else [1.0]
    if with_relief:
        widths.append(0.6)
    figure, axes = new_figure(
        {1: 10.0, 2: 12.5, 3: 16.0}[len(widths)],
        height,
        ncols=len(widths),
        sharey=True,
        gridspec_kw={"width_ratios": widths},
    )
    axes = list(np.atleast_1d(axes))
    ax = axes[0]
    ranks = table["rank"].tolist() if "rank" in table else list(range(len(table), 0, -1))
    labels = [
        f"{int(rank)}. {resource_label(k, r, data)}"
        for rank, k, r in zip(ranks, table["kind"], table["resource"], strict=True)
    ]
    y = np.arange(len(table))
    if ranked:
        _criterion_panel(ax, axes[1], table, y, names=localise_names(data.model))
    else:  # a folder written before the ranking by effect on the verdict
        _wait_share_panel(ax, table, y)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.grid(axis="x", alpha=0.3)
    if with_relief:
        assert relief is not None
        _relief_panel(axes[-1], relief, table, y)
    figure.suptitle(tr("{name}: what holds the verdict back (rank 1 first)", name=data.name))
    return figure


def _relief_panel(gain_ax: Axes, relief: pd.DataFrame, table: pd.DataFrame, y: np.ndarray) -> None:
    """Bars: the sustainable capacity relieving each ranked resource adds (Mt/yr, 95 % CI)."""
    gains = relief_gains(relief, table)
    values, err_low, err_high = gains.gain_mt, gains.below_mt, gains.above_mt
    gain_ax.barh(
        y,
        np.nan_to_num(values),
        xerr=np.vstack([err_low, err_high]),
        capsize=3,
        color="#2ca02c",
        edgecolor="black",
    )
    relieved = gains.relieved
    ends = np.where(relieved, np.maximum(values + err_high, 0.0), 0.0)
    best = gains.best  # the verdict names the relief that adds most: say which bar that is
    label_bar_ends(
        gain_ax,
        ends,
        [
            (tr("{gain:+.2f} (most)", gain=value) if i == best else f"{value:+.2f}")
            if ok
            else tr("not relieved")
            for i, (value, ok) in enumerate(zip(values, relieved, strict=True))
        ],
        colours=["black" if ok else "grey" for ok in relieved],
    )
    gain_ax.axvline(0, color="black", linewidth=0.8)
    gain_ax.set_xlabel(tr("Sustainable capacity gained (Mt/yr)\n+1 berth or chamber, +25 % yard"))
    gain_ax.set_title(tr("Capacity gained by relieving it"), pad=14)
    gain_ax.grid(axis="x", alpha=0.3)
    right = float(np.nanmax(np.append(values + err_high, 0.0)))
    left = float(np.nanmin(np.append(values - err_low, 0.0)))
    # room on the right for the figures written past the bars
    gain_ax.set_xlim(min(0.0, left * 1.15), nice_limit(max(right, 0.1) * 1.45))
    gain_ax.tick_params(axis="y", left=False)


def _criterion_panel(
    ax: Axes,
    text_ax: Axes,
    table: pd.DataFrame,
    y: np.ndarray,
    *,
    names: dict[str, str] | None = None,
) -> None:
    """Bars: each resource's service criterion as value / limit (over 1 breaks it), in the
    order of the ranking, on an axis fitted to the largest; ``text_ax`` beside it carries each
    one's criterion, utilisation, wait and share of vessel time."""
    criterion = criterion_bars(table)
    # a queue that overflowed has no ratio: its bar runs past the others, marked
    shown, status = criterion.length, criterion.status
    bars = ax.barh(y, shown, color=[kind_colour(k) for k in table["kind"]], edgecolor="black")
    for bar, state in zip(bars, status, strict=True):
        if state in _HATCHES:
            bar.set_hatch(_HATCHES[state])
        elif state == "overflowed":
            bar.set_hatch("xx")
            bar.set_edgecolor("#d62728")
    ax.axvline(1.0, color="#d62728", linestyle="--", linewidth=1.2)
    ax.text(
        1.0,
        1.0,
        tr(" limit"),
        color="#d62728",
        fontsize=8,
        va="bottom",
        transform=ax.get_xaxis_transform(),
    )
    ax.set_xlim(0, criterion.axis_end)
    ax.set_xlabel(tr("Service criterion: value / limit (over 1 breaks it)"))
    ax.set_title(tr("Ranked by effect on the verdict"), pad=14)
    for value, row_y, state in zip(shown, y, status, strict=True):
        if state == "overflowed":
            ax.text(value, row_y, tr("overflowed "), ha="right", va="center", fontsize=7.5)
    texts = [f"{said}\n{measures}" for said, measures in bottleneck_notes(table, names)]
    text_ax.set_axis_off()
    text_ax.set_xlim(0, 1)
    for row_y, text in zip(y, texts, strict=True):
        text_ax.text(0.0, row_y, text, va="center", ha="left", fontsize=7.5)
    text_ax.set_title(tr("Criterion (value, limit) and measures"), fontsize=10, loc="left", pad=14)
    kinds = kinds_in(table["kind"])
    handles = [Patch(color=kind_colour(k), label=kind_label(k)) for k in kinds]
    handles += [
        Patch(facecolor="white", edgecolor="black", hatch=hatch, label=tr(STATE_LABELS[state]))
        for state, hatch in _HATCHES.items()
        if state in status
    ]
    if "overflowed" in status:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#d62728",
                hatch="xx",
                label=tr(STATE_LABELS["overflowed"]),
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.11 - 1.0 / max(len(table), 2) / 4),
        ncol=min(len(handles), 3),
        fontsize=8,
        frameon=False,
    )


def _wait_share_panel(ax: Axes, table: pd.DataFrame, y: np.ndarray) -> None:
    share, low, high = (bound * 100 for bound in ci_bounds(table, "wait_share"))
    errors = error_bars(share, low, high, floor=0.0)
    ax.barh(
        y,
        share,
        xerr=errors,
        capsize=3,
        color=[kind_colour(k) for k in table["kind"]],
        edgecolor="black",
    )
    reach = share + errors[1]
    label_bar_ends(
        ax,
        reach,
        [
            tr("util {utilisation:.0%}, mean wait {wait:.1f} h", utilisation=utilisation, wait=wait)
            for utilisation, wait in zip(table["utilisation"], table["mean_wait_h"], strict=True)
        ],
    )
    ax.set_xlim(0, max(float(np.nanmax(reach)), 1e-3) * 1.7)
    ax.set_xlabel(tr("Share of all vessel time spent waiting for the resource (%)"))
    ax.set_title(tr("Ranked bottlenecks (95 % CI)"))


def lock_wait_chart(source: RunSource) -> Figure:
    """Mean and 95th-percentile waiting time at each modelled lock, with 95 % CIs.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``locks``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["locks"]
    figure, ax = new_figure(8.5, 4.5)
    if table.empty:
        no_data(ax, tr("no locks in this scenario"))
        return figure
    x = np.arange(len(table))
    with_ci = ci_shown(data.replications)  # no whiskers that a replication or two cannot back
    for offset, column, label, colour in (
        (-0.2, "mean_wait_h", N_("mean"), KIND_COLOURS["lock"]),
        (0.2, "p95_wait_h", N_("95th percentile"), "#08306b"),
    ):
        values, low, high = ci_bounds(table, column)
        errors = error_bars(values, low, high, floor=0.0) if with_ci else None
        ax.bar(x + offset, values, width=0.4, yerr=errors, capsize=3, label=tr(label), color=colour)
    ax.set_xticks(
        x, [resource_label("lock", r, data) for r in table["resource"]], rotation=20, ha="right"
    )
    ax.set_ylabel(tr("Waiting time at the lock (h)"))
    if with_ci:
        ax.set_title(tr("{name}: waiting at the locks (95 % CI)", name=data.name))
    else:
        ax.set_title(tr("{name}: waiting at the locks", name=data.name))
        figure.supxlabel(ci_note(data.replications), fontsize=8.5)
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    return figure
