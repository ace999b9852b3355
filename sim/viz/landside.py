"""Behind the quay: yard occupancy with blocking periods, utilisation of the landside (gates,
rail sidings and links, airports), modal split and CO2 by mode."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import facilities
from sim.i18n import N_, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import mode_label, place_label, rail_link_label, resource_words
from sim.viz.measures import hour_of_day_profile, yard_level_t
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

#: Landside resource kinds of the ``landside`` KPI table, in the order the landside chart
#: groups them: (legend label, colour, hatch, what its vehicles are called), from their
#: descriptors (:mod:`sim.facilities`).
LANDSIDE_KINDS: dict[str, tuple[str, str, str, str]] = {
    k.name: (k.label, kind_colour(k.name), k.hatch, k.vehicles)
    for k in facilities.kinds(side="landside")
    if k.kpi_table == "landside"
}


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
        no_data(ax, tr("no yards in this scenario"))
        return figure
    ranked = table.assign(peak_share=table["peak_occupancy_t"] / table["capacity_t"])
    ranked = ranked.sort_values(["peak_share", "blocked_h"], ascending=False).head(top)
    panels = len(ranked)
    figure, axes = new_figure(11, 1.2 + 1.7 * panels, nrows=panels, sharex=True, squeeze=False)
    low, high = data.window_h(replication)
    grid = np.linspace(low, high, min(2000, max(200, int(high - low))))
    when = hours_to_datetimes(data.model.calendar, grid)
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
        # the counted period only, as the level drawn and the KPI table
        periods = np.clip(blocking_periods(data, index, replication), low, high)
        periods = periods[periods[:, 1] > periods[:, 0]]
        if len(periods):  # one collection for all the periods (an axvspan each is slow)
            starts = date2num(hours_to_datetimes(data.model.calendar, periods[:, 0]))
            ends = date2num(hours_to_datetimes(data.model.calendar, periods[:, 1]))
            ax.broken_barh(
                list(zip(starts, ends - starts, strict=True)),
                (0, 1),
                transform=ax.get_xaxis_transform(),
                color="#d62728",
                alpha=0.35,
                linewidth=0,
            )
        hours_blocked = float(np.sum(periods[:, 1] - periods[:, 0])) if len(periods) else 0.0
        ax.set_ylim(0, 110)
        ax.set_ylabel(tr("% full"), fontsize=8)
        ax.set_title(
            tr(
                "{resource} ({cargo}, {kt:,.0f} kt): unloading blocked {hours_blocked:,.0f} h",
                resource=resource_words(data.model, row.resource),
                cargo=tr(row.cargo_group.replace("_", " ")),
                kt=spec["capacity_t"] / 1000,
                hours_blocked=hours_blocked,
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


def _place_name(data: RunData, place: str) -> str:
    names = dict(zip(data.model.places["id"], data.model.places["name"], strict=True))
    return place_label(data.model, place, str(names.get(place, place)).split(" (")[0])


def _landside_label(data: RunData, kind: str, resource: str, place: str) -> str:
    """How the landside chart names a resource: by its place, rail links by their corridor."""
    if kind == "rail line":
        return rail_link_label(data.model, place) or resource
    if kind == "rate":
        return resource
    return tr(
        "{place}: {unit}", place=_place_name(data, place), unit=tr(facilities.kind(kind).unit_word)
    )


def _landside_text(kind: str, utilisation: float, tonnes: float, vehicles: float) -> str:
    """Bar label: utilisation, then what moved (tonnes and vehicles in the counted period)."""
    vehicle_word = LANDSIDE_KINDS[kind][3]
    moved = []
    if kind != "rail line" and np.isfinite(tonnes):
        moved.append(tr("{kt:,.0f} kt", kt=tonnes / 1e3))
    if vehicle_word and np.isfinite(vehicles):
        moved.append(tr("{vehicles:,.0f} {word}", vehicles=vehicles, word=tr(vehicle_word)))
    if not np.isnan(utilisation):
        head = tr("{utilisation:.0f} %", utilisation=utilisation)
    elif kind == "rail":
        head = tr("ample sidings, not limiting")
    else:
        head = tr("no capacity in the counted period")
    return head + (tr(": {moved}", moved=tr(", ").join(moved)) if moved else "")


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
    table = data.tables.get("landside", pd.DataFrame())
    if "utilisation" in table:
        table = table[table["kind"].isin(list(LANDSIDE_KINDS))]
    if table.empty or "utilisation" not in table:
        figure, ax = new_figure(9, 3)
        no_data(ax, tr("no landside resources in this scenario: cargo leaves the quay unhindered"))
        return figure
    group = {kind: i for i, kind in enumerate(LANDSIDE_KINDS)}
    table = (
        table.assign(group=table["kind"].map(group), order=table["utilisation"].fillna(-1.0))
        .sort_values(["group", "order", "resource"], ascending=[True, False, True])
        .reset_index(drop=True)
    )
    # top to bottom, with a gap between kinds
    rows = np.arange(len(table)) + 0.6 * table["group"].rank(method="dense").to_numpy() - 0.6
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
            _landside_text(row.kind, value, float(row.tonnes), float(row.vehicles))
            for row, value in zip(table.itertuples(index=False), mean, strict=True)
        ],
        rows=rows,
        colours=["black" if ok else "grey" for ok in known],
    )
    ax.axvline(100, color="black", linestyle="--", linewidth=1.2)
    ax.set_yticks(
        rows,
        [
            _landside_label(data, row.kind, row.resource, row.place)
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
    profiles = [
        (int(index), hour_of_day_profile(data, int(index)))
        for index in np.flatnonzero(stages["kind"].isin(["gate", "air"]).to_numpy())
    ]
    profiles = [(i, p) for i, p in profiles if np.nansum(p["moved_t_per_h"]) > 0]
    profiles.sort(key=lambda item: -float(np.nansum(item[1]["moved_t_per_h"])))
    profiles = profiles[:top]
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
        peak = int(np.nanargmax(moved))
        share = moved[peak] / capacity[peak] if capacity[peak] > 0 else np.nan
        busiest = (
            tr("{share:.0%} of capacity", share=share) if np.isfinite(share) else tr("while closed")
        )
        word = tr("airport") if spec["kind"] == "air" else tr("gate")
        ax.set_title(
            tr(
                "{place} {word}: busiest {peak:02d}:00-{after:02d}:00, {moved:,.0f} t/h "
                "({busiest})",
                place=_place_name(data, str(spec["place"])),
                word=word,
                peak=peak,
                after=peak + 1,
                moved=moved[peak],
                busiest=busiest,
            ),
            fontsize=9,
            loc="left",
        )
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


def _tonnes_text(tonnes: float) -> str:
    if tonnes >= 1e4:
        return tr("{mt:,.2f} Mt", mt=tonnes / 1e6)
    return tr("{kt:,.1f} kt", kt=tonnes / 1e3)


def _diverted_note(split: pd.DataFrame, labels: list[str]) -> str:
    """An axis-label line on the tonnes diverted to each option (empty when none were)."""
    if "diverted_t" not in split:
        return ""
    diverted = split["diverted_t"].to_numpy(dtype=float)
    total = float(np.nansum(diverted))
    if total <= 0:
        return ""
    taken = tr(", ").join(
        tr("{label} {tonnes}", label=label, tonnes=_tonnes_text(tonnes))
        for label, tonnes in sorted(zip(labels, diverted, strict=True), key=lambda p: -p[1])
        if tonnes > 0
    )
    share = total / float(split["tonnes"].sum())
    return tr(
        "\nDiverted from a congested option: {tonnes} ({share:.1%} of port cargo),\nnow by {taken}",
        tonnes=_tonnes_text(total),
        share=share,
        taken=taken,
    )


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
        split = split.sort_values("share")
        share = split["share"].to_numpy() * 100
        colours = [mode_colour(m) for m in split["landside"]]
        hatches = ["//" if "+" in m else "" for m in split["landside"]]
        labels = [
            " + ".join(mode_label(m) for m in str(label).split("+")) for label in split["landside"]
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
        note = _diverted_note(split, labels)
        split_ax.set_xlabel(tr("Share of port cargo (%)") + note)
    split_ax.set_title(tr("Landside modal split (to and from the quay)"))
    moved = (
        transport[transport["tonne_km"] > 0].sort_values("tonne_km")
        if len(transport)
        else transport
    )
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


# the words of the landside descriptors (sim.facilities), shown through tr()
_WORDS = (
    N_("gate"),
    N_("sidings"),
    N_("slots"),
    N_("trucks"),
    N_("trains"),
    N_("train movements"),
    N_("flights"),
)
