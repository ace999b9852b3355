"""Behind the quay: yard occupancy with blocking periods, modal split and CO2 by mode."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.rundata import RunData, RunSource, as_run_data
from sim.viz.measures import yard_level_t
from sim.viz.style import (
    MODE_LABELS,
    ci_bounds,
    error_bars,
    hours_to_datetimes,
    label_bar_ends,
    mode_colour,
    new_figure,
    no_data,
)

__all__ = ["blocking_periods", "modal_co2_chart", "yard_chart"]


def blocking_periods(data: RunData, yard: int, replication: int = 0) -> np.ndarray:
    """Periods ``(start_h, end_h)`` during which ships were held at the berth because yard
    ``yard`` was full (overlapping holds merged)."""
    vessels = data.replication_events("vessels", replication)
    itineraries = data.model.itineraries
    yard_of = itineraries["yard"].to_numpy()[vessels["itinerary"].to_numpy(dtype=np.int64)]
    block = vessels["block_h"].to_numpy(dtype=float)
    mine = (yard_of == yard) & (block > 1e-9)
    starts = vessels["berth_start_h"].to_numpy(dtype=float)[mine]
    ends = starts + block[mine]
    merged: list[list[float]] = []
    for start, end in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=float).reshape(-1, 2)


def yard_chart(source: RunSource, *, top: int = 6, replication: int = 0) -> Figure:
    """Occupancy over time of the fullest yards, with the periods the yard blocked unloading.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``yards`` and the ``yard_levels`` and ``vessels`` records.
    top : int
        Number of yards shown (by peak occupancy share, then blocking hours).
    replication : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["yards"]
    if table.empty:
        figure, ax = new_figure(9, 3)
        no_data(ax, "no yards in this scenario")
        return figure
    ranked = table.assign(peak_share=table["peak_occupancy_t"] / table["capacity_t"])
    ranked = ranked.sort_values(["peak_share", "blocked_h"], ascending=False).head(top)
    panels = len(ranked)
    figure, axes = new_figure(11, 1.2 + 1.7 * panels, nrows=panels, sharex=True, squeeze=False)
    low, high = data.window_h(replication)
    grid = np.linspace(low, high, min(2000, max(200, int(high - low))))
    when = hours_to_datetimes(data.model.first_year, grid)
    ids = data.model.yards["id"].tolist()
    for ax, row in zip(axes[:, 0], ranked.itertuples(index=False), strict=True):
        index = ids.index(row.resource)
        spec = data.model.yards.iloc[index]
        levels = data.replication_events("yard_levels", replication)
        mine = levels[levels["yard"] == index]
        level = yard_level_t(
            mine["time_h"].to_numpy(dtype=float),
            mine["level_t"].to_numpy(dtype=float),
            grid,
        )
        share = level / float(spec["capacity_t"]) * 100
        ax.fill_between(when, share, color="#bcbd22", alpha=0.6, linewidth=0)
        ax.plot(when, share, color="#7f7f00", linewidth=0.8)
        ax.axhline(100, color="black", linestyle="--", linewidth=0.8)
        periods = blocking_periods(data, index, replication)
        for start, end in periods:
            span = hours_to_datetimes(data.model.first_year, np.array([start, end]))
            ax.axvspan(span[0], span[1], color="#d62728", alpha=0.35, linewidth=0)
        hours_blocked = float(np.sum(periods[:, 1] - periods[:, 0])) if len(periods) else 0.0
        ax.set_ylim(0, 110)
        ax.set_ylabel("% full", fontsize=8)
        ax.set_title(
            f"{row.resource} ({row.cargo_group.replace('_', ' ')}, "
            f"{spec['capacity_t'] / 1000:,.0f} kt): unloading blocked {hours_blocked:,.0f} h",
            fontsize=9,
            loc="left",
        )
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("Date (red: periods a full yard held ships at the berth)")
    figure.suptitle(f"{data.name}: yard occupancy (replication {replication})")
    figure.autofmt_xdate()
    return figure


def modal_co2_chart(source: RunSource) -> Figure:
    """Landside modal split of port cargo, tonne-km and CO2 by mode (95 % CI).

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI tables ``modal_split`` and ``transport``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    split = data.tables["modal_split"]
    transport = data.tables["transport"]
    figure, (split_ax, tkm_ax, co2_ax) = new_figure(14, 4.8, ncols=3)
    if split.empty:
        no_data(split_ax, "no port cargo delivered")
    else:
        split = split.sort_values("share")
        share = split["share"].to_numpy() * 100
        colours = [mode_colour(m) for m in split["landside"]]
        hatches = ["//" if "+" in m else "" for m in split["landside"]]
        labels = [
            " + ".join(MODE_LABELS.get(m, m.title()) for m in str(label).split("+"))
            for label in split["landside"]
        ]
        bars = split_ax.barh(labels, share, color=colours, edgecolor="black")
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
        label_bar_ends(
            split_ax,
            share,
            [
                f"{value:.1f} % ({tonnes / 1e6:,.2f} Mt)"
                for value, tonnes in zip(share, split["tonnes"], strict=True)
            ],
        )
        split_ax.set_xlim(0, max(float(share.max()), 1.0) * 1.6)
        split_ax.set_xlabel("Share of port cargo (%)")
    split_ax.set_title("Landside modal split (to and from the quay)")
    moved = (
        transport[transport["tonne_km"] > 0].sort_values("tonne_km")
        if len(transport)
        else transport
    )
    for ax, column, scale, unit, title in (
        (tkm_ax, "tonne_km", 1e9, "billion t-km", "Transport work by mode"),
        (co2_ax, "co2_t", 1e3, "kt CO2", "CO2 by mode"),
    ):
        if moved.empty:
            no_data(ax, "no cargo moved")
            continue
        values, low, high = (bound / scale for bound in ci_bounds(moved, column))
        errors = error_bars(values, low, high)
        labels = [MODE_LABELS.get(m, m.title()) for m in moved["mode"]]
        ax.barh(
            labels,
            values,
            xerr=errors,
            capsize=3,
            color=[mode_colour(m) for m in moved["mode"]],
            edgecolor="black",
        )
        label_bar_ends(ax, values + errors[1], [f"{value:,.2f}" for value in values])
        ax.set_xlim(0, float(np.nanmax(values + errors[1])) * 1.3)
        ax.set_xlabel(f"{unit} in the counted period")
        ax.set_title(title)
    for ax in (split_ax, tkm_ax, co2_ax):
        ax.grid(axis="x", alpha=0.3)
    figure.suptitle(f"{data.name}: modal split, transport work and CO2 (all cargo delivered)")
    return figure
