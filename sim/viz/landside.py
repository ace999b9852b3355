"""Behind the quay: yard occupancy with blocking periods, utilisation of the landside (gates,
rail sidings and links, airports), modal split and CO2 by mode."""

from __future__ import annotations

import numpy as np
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.i18n import tr
from sim.results.rundata import RunSource, as_run_data
from sim.viz.labels import mode_label, resource_words
from sim.viz.landside_data import (
    BLOCKED_COLOUR,
    LANDSIDE_KINDS,
    YARD_FILL_COLOUR,
    YARD_LINE_COLOUR,
    blocking_periods,
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
from sim.viz.style import (
    MODE_COLOURS,
    ci_bounds,
    ci_note,
    ci_shown,
    error_bars,
    hours_to_datetimes,
    kind_colour,
    label_bar_ends,
    mode_colour,
    new_figure,
    no_data,
)

__all__ = [
    "LANDSIDE_KINDS",
    "blocking_periods",
    "gate_hours_chart",
    "landside_chart",
    "modal_co2_chart",
    "yard_chart",
]


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
        no_data(ax, tr("no yards in this scenario"))
        return figure
    grid = yard_grid_h(data, replication)
    shown = yard_panels(data, grid, top=top, replication=replication)
    figure, axes = new_figure(
        11, 1.2 + 1.7 * len(shown), nrows=len(shown), sharex=True, squeeze=False
    )
    when = hours_to_datetimes(data.model.calendar, grid)
    for ax, panel in zip(axes[:, 0], shown, strict=True):
        ax.fill_between(when, panel.fill_pct, color=YARD_FILL_COLOUR, alpha=0.6, linewidth=0)
        ax.plot(when, panel.fill_pct, color=YARD_LINE_COLOUR, linewidth=0.8)
        ax.axhline(100, color="black", linestyle="--", linewidth=0.8)
        # the counted period only, as the level drawn and the KPI table
        periods = panel.periods
        if len(periods):  # one collection for all the periods (an axvspan each is slow)
            starts = date2num(hours_to_datetimes(data.model.calendar, periods[:, 0]))
            ends = date2num(hours_to_datetimes(data.model.calendar, periods[:, 1]))
            ax.broken_barh(
                list(zip(starts, ends - starts, strict=True)),
                (0, 1),
                transform=ax.get_xaxis_transform(),
                color=BLOCKED_COLOUR,
                alpha=0.35,
                linewidth=0,
            )
        ax.set_ylim(0, 110)
        ax.set_ylabel(tr("% full"), fontsize=8)
        ax.set_title(
            tr(
                "{resource} ({cargo}, {kt:,.0f} kt): unloading blocked {hours_blocked:,.0f} h",
                resource=resource_words(data.model, panel.resource),
                cargo=tr(panel.cargo_group.replace("_", " ")),
                kt=panel.capacity_t / 1000,
                hours_blocked=panel.blocked_h,
            ),
            fontsize=9,
            loc="left",
        )
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(tr("Date (red: periods a full yard held ships at the berth)"))
    figure.suptitle(
        tr(
            "{name}: yard occupancy (replication {replication})",
            name=data.name,
            replication=replication,
        )
    )
    figure.autofmt_xdate()
    return figure


def landside_chart(source: RunSource) -> Figure:
    """Utilisation of every truck gate, rail siding set, airport and rail link (95 % CI).

    Bars are grouped and coloured by kind (gates in the road colour, sidings and rail links
    in the rail colour, rail links hatched, airports in the air colour); the dashed line is
    full capacity. Gates and airports count tonnes moved over the tonnes their open hours
    allow, sidings busy siding-hours over siding-hours, rail links train movements over the
    paths their headway allows. Each bar is labelled with the tonnes and vehicles it moved in
    the counted period; stations with ample sidings have no capacity to fill and no bar.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``landside`` (and the network for place and corridor
        names).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = landside_rows(data)
    if table.empty:
        figure, ax = new_figure(9, 3)
        no_data(ax, tr("no landside resources in this scenario: cargo leaves the quay unhindered"))
        return figure
    # top to bottom, with a gap between kinds
    rows = table["row"].to_numpy()
    mean, low, high = (bound * 100 for bound in ci_bounds(table, "utilisation"))
    with_ci = ci_shown(data.replications)  # no whiskers that a replication or two cannot back
    errors = error_bars(mean, low, high, floor=0.0) * (1.0 if with_ci else 0.0)
    known = ~np.isnan(mean)
    kinds = table["kind"].tolist()
    figure, ax = new_figure(11, 1.9 + 0.36 * len(table))
    bars = ax.barh(
        rows[known],
        mean[known],
        xerr=errors[:, known] if with_ci else None,
        capsize=3,
        color=[LANDSIDE_KINDS[k][1] for k, ok in zip(kinds, known, strict=True) if ok],
        edgecolor="black",
        height=0.75,
    )
    for bar, kind in zip(bars, [k for k, ok in zip(kinds, known, strict=True) if ok], strict=True):
        bar.set_hatch(LANDSIDE_KINDS[kind][2])
    ends = np.where(known, np.nan_to_num(mean) + errors[1], 0.0)
    label_bar_ends(
        ax,
        ends,
        [
            landside_text(row.kind, value, float(row.tonnes), float(row.vehicles))
            for row, value in zip(table.itertuples(index=False), mean, strict=True)
        ],
        rows=rows,
        colours=["black" if ok else "grey" for ok in known],
    )
    ax.axvline(100, color="black", linestyle="--", linewidth=1.2)
    ax.set_yticks(
        rows,
        [
            landside_label(data, row.kind, row.resource, row.place)
            for row in table.itertuples(index=False)
        ],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(np.nanmax(ends))) * 1.45)
    if with_ci:
        ax.set_xlabel(tr("Utilisation in the counted period (% of capacity; whiskers: 95 % CI)"))
    else:
        ax.set_xlabel(
            tr("Utilisation in the counted period (% of capacity)")
            + "\n"
            + ci_note(data.replications)
        )
    ax.set_ylabel(tr("Landside resource"))
    ax.grid(axis="x", alpha=0.3)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=colour, edgecolor="black", hatch=hatch, label=tr(label))
        for kind, (label, colour, hatch, _) in LANDSIDE_KINDS.items()
        if kind in set(kinds)
    ]
    handles.append(Line2D([], [], color="black", linestyle="--", label=tr("full capacity (100 %)")))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8)
    ax.set_title(
        tr(
            "{name}: landside utilisation (labels: tonnes and vehicles in the counted period)",
            name=data.name,
        )
    )
    return figure


def gate_hours_chart(source: RunSource, *, top: int = 6) -> Figure:
    """Tonnes through the busiest truck gates and airports by hour of the day, against what
    their opening hours allow.

    Each panel is one gate or airport: bars are the mean tonnes it moved in each clock hour
    over the counted days, the dashed step its capacity in that hour with every lane working
    (zero while it is closed). Peaks at opening time show cargo that waited overnight.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``stage_hours`` records and the stages of ``model.json``.
    top : int
        Number of gates and airports shown (by tonnes moved).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    stages = data.model.stages
    profiles = busiest_gates(data, top)
    if not profiles:
        figure, ax = new_figure(9, 3)
        no_data(ax, tr("no truck gate or airport moved cargo in the counted period"))
        return figure
    columns = min(2, len(profiles))
    panels = -(-len(profiles) // columns)
    figure, axes = new_figure(
        12, 0.9 + 2.4 * panels, nrows=panels, ncols=columns, sharex=True, squeeze=False
    )
    for ax, (index, profile) in zip(axes.flat, profiles, strict=False):
        spec = stages.iloc[index]
        moved = profile["moved_t_per_h"].to_numpy()
        capacity = profile["capacity_t_per_h"].to_numpy()
        colour = kind_colour(spec["kind"])
        ax.bar(profile["hour"] + 0.5, moved, width=0.85, color=colour, edgecolor="black")
        ax.step(
            np.arange(25),
            np.append(capacity, capacity[-1]),
            where="post",
            color="black",
            linestyle="--",
            linewidth=1.0,
        )
        ax.set_title(gate_peak(data, index, profile), fontsize=9, loc="left")
        ax.set_ylim(0, max(float(np.nanmax(capacity)), float(np.nanmax(moved))) * 1.15)
        ax.set_ylabel(tr("Tonnes per hour"), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.flat[len(profiles) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xticks(np.arange(0, 25, 3))
        ax.set_xlim(0, 24)
        ax.set_xlabel(tr("Hour of the day (h)"))
    figure.legend(
        handles=[
            Patch(facecolor=MODE_COLOURS["road"], edgecolor="black", label=tr("mean tonnes moved")),
            Line2D(
                [], [], color="black", linestyle="--", label=tr("capacity, all lanes (closed: 0)")
            ),
        ],
        loc="outside lower center",
        ncol=2,
        fontsize=8,
    )
    figure.suptitle(
        tr("{name}: cargo through the gates by hour of the day (counted days)", name=data.name)
    )
    return figure


def modal_co2_chart(source: RunSource) -> Figure:
    """Landside modal split of port cargo, tonne-km and CO2 by mode (95 % CI).

    Tonnes that switched to another landside option because theirs was congested
    (``diverted_t``), if any, are noted under the modal split with the options they took.

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
        no_data(split_ax, tr("no port cargo delivered"))
    else:
        split = modal_split_rows(split)
        share = split["share"].to_numpy() * 100
        colours = split["colour"].tolist()
        hatches = split["hatch"].tolist()
        labels = split["label"].tolist()
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
        note = diverted_note(split, labels)
        split_ax.set_xlabel(tr("Share of port cargo (%)") + note)
    split_ax.set_title(tr("Landside modal split (to and from the quay)"))
    moved = moved_modes(transport)
    for ax, column, scale, unit, title in (
        (tkm_ax, "tonne_km", 1e9, tr("billion t-km"), tr("Transport work by mode")),
        (co2_ax, "co2_t", 1e3, tr("kt CO2"), tr("CO2 by mode")),
    ):
        if moved.empty:
            no_data(ax, tr("no cargo moved"))
            continue
        values, low, high = (bound / scale for bound in ci_bounds(moved, column))
        with_ci = ci_shown(data.replications)
        errors = error_bars(values, low, high) * (1.0 if with_ci else 0.0)
        labels = [mode_label(m) for m in moved["mode"]]
        ax.barh(
            labels,
            values,
            xerr=errors if with_ci else None,
            capsize=3,
            color=[mode_colour(m) for m in moved["mode"]],
            edgecolor="black",
        )
        label_bar_ends(ax, values + errors[1], [f"{value:,.2f}" for value in values])
        ax.set_xlim(0, float(np.nanmax(values + errors[1])) * 1.3)
        ax.set_xlabel(tr("{unit} in the counted period", unit=unit))
        ax.set_title(title)
    for ax in (split_ax, tkm_ax, co2_ax):
        ax.grid(axis="x", alpha=0.3)
    figure.suptitle(
        tr("{name}: modal split, transport work and CO2 (all cargo delivered)", name=data.name)
    )
    return figure
