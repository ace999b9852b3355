"""Where the hub chokes: utilisation by month, ranked bottlenecks with relief gains, lock waits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim import facilities
from sim.i18n import N_, localise, tr
from sim.results.rundata import RunSource, as_run_data
from sim.viz.labels import localise_names
from sim.viz.measures import monthly_utilisation, resource_label
from sim.viz.style import (
    KIND_COLOURS,
    ci_bounds,
    error_bars,
    kind_colour,
    kind_label,
    label_bar_ends,
    new_figure,
    no_data,
)

__all__ = ["bottleneck_chart", "lock_wait_chart", "utilisation_heatmap"]

#: rows of the heat map grouped by kind, in the order of KIND_COLOURS (lock, berths, yard)
_KIND_ORDER = {kind: i for i, kind in enumerate(KIND_COLOURS)}


def _kinds_in(kinds: pd.Series) -> list[str]:
    """The kinds present, in the registry's order (lock, berths, yard, then landside)."""
    present = set(kinds)
    known = [k.name for k in facilities.kinds() if k.name in present]
    return known + sorted(present - set(known))


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
    table = monthly_utilisation(data)
    if table.empty:
        figure, ax = new_figure(8, 3)
        no_data(ax, tr("no resource in service in the counted period"))
        return figure
    table = table.assign(
        column=table["year"].astype(str) + "-" + table["month"].map("{:02d}".format)
    )
    grid = table.pivot_table(
        index=["kind", "resource"], columns="column", values="utilisation", sort=True
    )
    mean = grid.mean(axis=1)
    order = sorted(grid.index, key=lambda key: -mean[key])
    if top is not None:
        order = order[:top]
    order = sorted(order, key=lambda key: (_KIND_ORDER.get(key[0], 3), -mean[key]))
    grid = grid.loc[order]
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


def bottleneck_chart(source: RunSource, *, top: int = 10) -> Figure:
    """The top resources as ranked by their effect on the verdict.

    Bars show each resource's service criterion as value / limit (a dashed line marks the
    limit; hatched: it breaks it), labelled with the criterion, utilisation, mean wait and
    share of all vessel time spent waiting for it (folders from before the ranking: that
    share, with its 95 % CI). When the run
    carries bottleneck reliefs (:meth:`RunData.with_relief`), a second panel shows the
    sustainable capacity each relief adds (Mt/yr, 95 % CI, paired with the same random
    numbers).

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
    height = 0.55 * max(len(table), 2) + 2.2
    if with_relief:
        figure, (ax, gain_ax) = new_figure(
            13, height, ncols=2, sharey=True, gridspec_kw={"width_ratios": [1.5, 1]}
        )
    else:
        figure, ax = new_figure(11, height)
    if table.empty:
        no_data(ax, tr("no resource to rank"))
        return figure
    labels = [
        resource_label(k, r, data) for k, r in zip(table["kind"], table["resource"], strict=True)
    ]
    y = np.arange(len(table))
    if "criterion_ratio" in table:
        _criterion_panel(ax, table, y, names=localise_names(data.model))
    else:  # a folder written before the ranking by effect on the verdict
        _wait_share_panel(ax, table, y)
    ax.set_yticks(y, labels, fontsize=9)
    ax.legend(
        handles=[Patch(color=kind_colour(k), label=kind_label(k)) for k in _kinds_in(table["kind"])]
        + [
            Patch(
                facecolor="white", edgecolor="black", hatch="///", label=tr("breaks its criterion")
            )
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09 - 1.2 / max(len(table), 2) / 4),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    ax.grid(axis="x", alpha=0.3)
    if with_relief:
        assert relief is not None
        gains = relief.set_index(["kind", "resource"])
        mean, err_low, err_high = [], [], []
        for key in zip(table["kind"], table["resource"], strict=True):
            if key in gains.index:
                row = gains.loc[key]
                mean.append(row["gain_t"] / 1e6)
                err_low.append(max(0.0, (row["gain_t"] - row["gain_t_ci95_low"]) / 1e6))
                err_high.append(max(0.0, (row["gain_t_ci95_high"] - row["gain_t"]) / 1e6))
            else:
                mean.append(np.nan)
                err_low.append(0.0)
                err_high.append(0.0)
        values = np.array(mean)
        gain_ax.barh(
            y,
            np.nan_to_num(values),
            xerr=np.nan_to_num(np.vstack([err_low, err_high])),
            capsize=3,
            color="#2ca02c",
            edgecolor="black",
        )
        relieved = ~np.isnan(values)
        label_bar_ends(
            gain_ax,
            np.where(relieved, np.maximum(values + np.array(err_high), 0.0), 0.0),
            [
                f"{value:+.2f}" if ok else tr("not relieved")
                for value, ok in zip(values, relieved, strict=True)
            ],
            colours=["black" if ok else "grey" for ok in relieved],
        )
        gain_ax.axvline(0, color="black", linewidth=0.8)
        gain_ax.set_xlabel(
            tr("Sustainable capacity gained (Mt/yr): +1 berth or chamber, +25 % yard")
        )
        gain_ax.set_title(tr("Capacity gained by relieving it"))
        gain_ax.grid(axis="x", alpha=0.3)
        right = np.nanmax(np.append(values + np.array(err_high), 0.0))
        left = np.nanmin(np.append(values - np.array(err_low), 0.0))
        gain_ax.set_xlim(left * 1.3 - 0.05, right * 1.5 + 0.1)
    figure.suptitle(tr("{name}: what holds the verdict back", name=data.name))
    return figure


def _criterion_panel(
    ax: Axes, table: pd.DataFrame, y: np.ndarray, *, names: dict[str, str] | None = None
) -> None:
    """Bars: each resource's service criterion as value / limit (over 1 breaks it), in the
    order of the ranking; labels: the criterion, utilisation, wait and share of vessel time."""
    ratio = table["criterion_ratio"].to_numpy(dtype=float)
    shown = np.nan_to_num(ratio, nan=0.0, posinf=0.0, neginf=0.0)
    holds = table["holds"] if "holds" in table else pd.Series([pd.NA] * len(table))
    broken = holds.astype("boolean").eq(False).fillna(False).tolist()  # NA: undecided, none
    # a queue that overflowed has no ratio: its bar runs past the limit, hatched
    overflowed = (
        table["overflowed"].fillna(False).astype(bool).to_numpy()
        if "overflowed" in table
        else np.zeros(len(table), dtype=bool)
    )
    shown = np.where(overflowed, max(float(shown.max(initial=0.0)), 1.0) * 1.25, shown)
    bars = ax.barh(
        y,
        shown,
        color=[kind_colour(k) for k in table["kind"]],
        edgecolor="black",
    )
    for bar, is_broken in zip(bars, broken, strict=True):
        if is_broken:
            bar.set_hatch("///")
    ax.axvline(1.0, color="#d62728", linestyle="--", linewidth=1.2)
    reach = max(float(np.nanmax(shown)) if len(shown) else 0.0, 1.0)
    ax.text(
        1.0,
        1.0,
        tr(" limit"),
        color="#d62728",
        fontsize=8,
        va="bottom",
        transform=ax.get_xaxis_transform(),
    )
    texts = []
    for row in table.itertuples(index=False):
        criterion = row.criterion if isinstance(row.criterion, str) and row.criterion else ""
        parts = []
        if row.utilisation == row.utilisation:
            parts.append(tr("util {utilisation:.0%}", utilisation=row.utilisation))
        if row.mean_wait_h == row.mean_wait_h:
            parts.append(tr("wait {wait_h:.1f} h", wait_h=row.mean_wait_h))
        if row.wait_share == row.wait_share:
            parts.append(tr("{share:.2%} of vessel time", share=row.wait_share))
        said = localise(criterion, names) if criterion else tr("no service criterion")
        texts.append(f"{said}\n{tr(', ').join(parts)}")
    label_bar_ends(ax, shown, texts, fontsize=7.5)
    ax.set_xlim(0, reach * 1.9)
    ax.set_xlabel(tr("Service criterion: value / limit (over 1 breaks it)"))
    ax.set_title(tr("Ranked by effect on the verdict"))


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
    for offset, column, label, colour in (
        (-0.2, "mean_wait_h", N_("mean"), KIND_COLOURS["lock"]),
        (0.2, "p95_wait_h", N_("95th percentile"), "#08306b"),
    ):
        values, low, high = ci_bounds(table, column)
        errors = error_bars(values, low, high, floor=0.0)
        ax.bar(x + offset, values, width=0.4, yerr=errors, capsize=3, label=tr(label), color=colour)
    ax.set_xticks(
        x, [resource_label("lock", r, data) for r in table["resource"]], rotation=20, ha="right"
    )
    ax.set_ylabel(tr("Waiting time at the lock (h)"))
    ax.set_title(tr("{name}: waiting at the locks (95 % CI)", name=data.name))
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    return figure
