"""What the landside charts draw, computed once for the PNG charts (:mod:`sim.viz.landside`)
and the report's interactive figures (:mod:`sim.report.figures.landside`), without matplotlib.

Yards: the fullest ones, their fill level on the charts' time grid and the periods a full
yard held ships at the berth. Landside resources (truck gates, rail sidings, rail links,
airports): their order, names and labels. Gates and airports: tonnes by hour of the day and
the busiest of them. Modal split: its order and names, and the note on diverted tonnes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from sim import facilities
from sim.i18n import N_, tr
from sim.results.rundata import RunData
from sim.viz.labels import mode_label, place_label, rail_link_label
from sim.viz.measures import _open_share, yard_level_t
from sim.viz.palette import kind_colour, mode_colour

__all__ = [
    "BLOCKED_COLOUR",
    "GATE_KINDS",
    "LANDSIDE_KINDS",
    "YARD_FILL_COLOUR",
    "YARD_LINE_COLOUR",
    "YardPanel",
    "blocking_periods",
    "busiest_gates",
    "counted_blocking_periods",
    "diverted_note",
    "fullest_yards",
    "gate_peak",
    "hour_of_day_profiles",
    "landside_label",
    "landside_rows",
    "landside_text",
    "modal_split_rows",
    "moved_modes",
    "place_name",
    "tonnes_text",
    "yard_fill_pct",
    "yard_grid_h",
    "yard_panels",
]

#: Landside resource kinds of the ``landside`` KPI table, in the order the landside chart
#: groups them: (legend label, colour, hatch, what its vehicles are called), from their
#: descriptors (:mod:`sim.facilities`).
LANDSIDE_KINDS: dict[str, tuple[str, str, str, str]] = {
    k.name: (k.label, kind_colour(k.name), k.hatch, k.vehicles)
    for k in facilities.kinds(side="landside")
    if k.kpi_table == "landside"
}

#: A yard's fill level (area, line) and the periods a full yard held ships at the berth.
YARD_FILL_COLOUR = "#bcbd22"
YARD_LINE_COLOUR = "#7f7f00"
BLOCKED_COLOUR = "#d62728"

#: Stage kinds of ``model.stages`` that the gate-hours chart shows (truck gates, airports).
GATE_KINDS = ("gate", "air")


# --- yards -----------------------------------------------------------------------------------


def _replication_columns(
    data: RunData, kind: str, replication: int, columns: Sequence[str]
) -> list[np.ndarray]:
    """Columns of one replication's ``kind`` records as arrays (in record order), without
    copying the other columns of the table."""
    frame = data.events[kind]
    if frame.empty:
        return [np.zeros(0) for _ in columns]
    mine = frame["replication"].to_numpy() == replication
    if mine.all():  # a run of one replication: no copy
        return [frame[column].to_numpy() for column in columns]
    return [frame[column].to_numpy()[mine] for column in columns]


def _merged(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Intervals ``(start, end)`` with the overlapping and touching ones merged, in order."""
    if not len(starts):
        return np.zeros((0, 2))
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)  # the end of the merged interval so far
    first = np.flatnonzero(np.r_[True, starts[1:] > reach[:-1]])
    last = np.r_[first[1:] - 1, len(starts) - 1]
    return np.column_stack([starts[first], reach[last]])


def _holds(data: RunData, replication: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ships of a replication a full yard held at the berth: their yard (a row of
    ``data.model.yards``), the start of their service and how long they were held (h)."""
    itinerary, block, starts = _replication_columns(
        data, "vessels", replication, ("itinerary", "block_h", "berth_start_h")
    )
    yard_of = data.model.itineraries["yard"].to_numpy()[itinerary.astype(np.int64)]
    block = block.astype(float)
    held = block > 1e-9
    return yard_of[held], starts.astype(float)[held], block[held]


def _periods(holds: tuple[np.ndarray, np.ndarray, np.ndarray], yard: int) -> np.ndarray:
    yard_of, starts, block = holds
    mine = yard_of == yard
    return _merged(starts[mine], starts[mine] + block[mine])


def _counted(periods: np.ndarray, window_h: tuple[float, float]) -> np.ndarray:
    periods = np.clip(periods, *window_h)
    return periods[periods[:, 1] > periods[:, 0]]


def blocking_periods(data: RunData, yard: int, replication: int = 0) -> np.ndarray:
    """Periods ``(start_h, end_h)`` during which ships were held at the berth because yard
    ``yard`` (a row of ``data.model.yards``) was full, overlapping holds merged.

    A ship is held from the start of its service for its ``block_h`` (``events/vessels``).
    """
    return _periods(_holds(data, replication), yard)


def counted_blocking_periods(data: RunData, yard: int, replication: int = 0) -> np.ndarray:
    """:func:`blocking_periods` clipped to the counted period (the window of the KPI table
    and of the level the yard chart draws); periods outside it are left out."""
    return _counted(blocking_periods(data, yard, replication), data.window_h(replication))


def fullest_yards(data: RunData, top: int = 6) -> pd.DataFrame:
    """The ``top`` rows of the KPI table ``yards`` with the largest peak occupancy share,
    then the most hours blocked: the yards the yard chart shows, in its order."""
    table = data.tables["yards"]
    ranked = table.assign(peak_share=table["peak_occupancy_t"] / table["capacity_t"])
    return ranked.sort_values(["peak_share", "blocked_h"], ascending=False).head(top)


def yard_grid_h(data: RunData, replication: int = 0) -> np.ndarray:
    """Hours at which the yard chart samples the levels: evenly over the counted period, about
    one point an hour, at least 200 and at most 2,000."""
    low, high = data.window_h(replication)
    return np.linspace(low, high, min(2000, max(200, int(high - low))))


def _levels(data: RunData, replication: int) -> list[np.ndarray]:
    return _replication_columns(data, "yard_levels", replication, ("yard", "time_h", "level_t"))


def _fill_pct(
    levels: list[np.ndarray], yard: int, at_h: np.ndarray, capacity_t: float
) -> np.ndarray:
    yards, times_h, levels_t = levels
    mine = yards == yard
    level = yard_level_t(times_h[mine].astype(float), levels_t[mine].astype(float), at_h)
    return level / capacity_t * 100


def yard_fill_pct(data: RunData, yard: int, at_h: np.ndarray, replication: int = 0) -> np.ndarray:
    """Fill level of yard ``yard`` (a row of ``data.model.yards``) at the hours ``at_h``, in
    % of its capacity (:func:`~sim.viz.measures.yard_level_t` of ``events/yard_levels``)."""
    capacity_t = float(data.model.yards["capacity_t"].iloc[yard])
    return _fill_pct(_levels(data, replication), yard, at_h, capacity_t)


class YardPanel(NamedTuple):
    """One yard of the yard chart.

    Attributes
    ----------
    resource : str
        Its id (``HA_NEWPORT/NP_CY``).
    cargo_group : str
    yard : int
        Its row of ``data.model.yards``.
    capacity_t : float
    fill_pct : ndarray
        Its fill level (% of capacity) at the hours of :func:`yard_grid_h`.
    periods : ndarray
        :func:`counted_blocking_periods`: ``(start_h, end_h)`` rows.
    """

    resource: str
    cargo_group: str
    yard: int
    capacity_t: float
    fill_pct: np.ndarray
    periods: np.ndarray

    @property
    def blocked_h(self) -> float:
        """Hours a full yard held ships in the counted period (overlapping holds once)."""
        return float(np.sum(self.periods[:, 1] - self.periods[:, 0])) if len(self.periods) else 0.0


def yard_panels(
    data: RunData, grid_h: np.ndarray, *, top: int = 6, replication: int = 0
) -> list[YardPanel]:
    """The :func:`fullest_yards` with their fill level at the hours ``grid_h`` and the periods
    they held ships in the counted period (the records are read once for all of them)."""
    ranked = fullest_yards(data, top)
    ids = data.model.yards["id"].tolist()
    holds = _holds(data, replication)
    levels = _levels(data, replication)
    window = data.window_h(replication)
    panels = []
    for row in ranked.itertuples(index=False):
        index = ids.index(row.resource)
        capacity_t = float(data.model.yards["capacity_t"].iloc[index])
        panels.append(
            YardPanel(
                str(row.resource),
                str(row.cargo_group),
                index,
                capacity_t,
                _fill_pct(levels, index, grid_h, capacity_t),
                _counted(_periods(holds, index), window),
            )
        )
    return panels


# --- landside resources ----------------------------------------------------------------------


def place_name(data: RunData, place: str) -> str:
    """A place's name in the current language, without a note in brackets."""
    names = dict(zip(data.model.places["id"], data.model.places["name"], strict=True))
    return place_label(data.model, place, str(names.get(place, place)).split(" (")[0])


def landside_label(data: RunData, kind: str, resource: str, place: str) -> str:
    """How the landside chart names a resource: by its place, rail links by their corridor."""
    if kind == "rail line":
        return rail_link_label(data.model, place) or resource
    if kind == "rate":
        return resource
    return tr(
        "{place}: {unit}", place=place_name(data, place), unit=tr(facilities.kind(kind).unit_word)
    )


def landside_text(kind: str, utilisation: float, tonnes: float, vehicles: float) -> str:
    """Bar label: utilisation (%), then what moved (tonnes and vehicles in the counted
    period)."""
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


def landside_rows(data: RunData) -> pd.DataFrame:
    """The rows of the KPI table ``landside`` the landside chart draws, top to bottom: grouped
    by kind (:data:`LANDSIDE_KINDS`' order), the most used first, those with no capacity to
    fill last. ``row`` is each one's position, with a gap of 0.6 between kinds. Empty when the
    run has no landside resources."""
    table = data.tables.get("landside", pd.DataFrame())
    if "utilisation" not in table:
        return pd.DataFrame()
    table = table[table["kind"].isin(list(LANDSIDE_KINDS))]
    if table.empty:
        return pd.DataFrame()
    group = {kind: i for i, kind in enumerate(LANDSIDE_KINDS)}
    table = (
        table.assign(group=table["kind"].map(group), order=table["utilisation"].fillna(-1.0))
        .sort_values(["group", "order", "resource"], ascending=[True, False, True])
        .reset_index(drop=True)
    )
    rows = np.arange(len(table)) + 0.6 * table["group"].rank(method="dense").to_numpy() - 0.6
    return table.assign(row=rows)


# --- gates and airports by hour of the day ---------------------------------------------------


def hour_of_day_profiles(data: RunData, stages: Sequence[int]) -> dict[int, pd.DataFrame]:
    """:func:`~sim.viz.measures.hour_of_day_profile` of several stages, reading the
    ``stage_hours`` records once (the same numbers).

    Parameters
    ----------
    data : RunData
    stages : sequence of int
        Rows of ``data.model.stages``.

    Returns
    -------
    dict
        Stage -> 24 rows: ``hour``, ``moved_t_per_h`` (mean tonnes moved in that clock hour
        over the counted days; NaN if the counted window never contains it) and
        ``capacity_t_per_h`` (what its opening hours allow with every lane working).
    """
    wanted = np.asarray(stages, dtype=np.int64)
    slot = np.full(len(data.model.stages), -1, dtype=np.int64)
    slot[wanted] = np.arange(len(wanted))
    moved = np.zeros((len(wanted), 24))
    counted = np.zeros(24)
    clock = np.arange(24)
    records = data.events["stage_hours"]
    for replication in range(data.replications):
        low, high = data.window_h(replication)
        # the engine works whole hours [t, t + 1) from integer t; count those in [low, high)
        first, last = np.ceil(low), np.ceil(high) - 1.0
        if last >= first:
            counted += np.floor((last - clock) / 24.0) - np.floor((first - 1.0 - clock) / 24.0)
        if records.empty or not len(wanted):
            continue
        stage, time_h, moved_t = _replication_columns(
            data, "stage_hours", replication, ("stage", "time_h", "moved_t")
        )
        time_h = time_h.astype(float)
        where = slot[stage.astype(np.int64)]
        mine = (where >= 0) & (time_h >= low) & (time_h < high)
        cell = where[mine] * 24 + np.floor(time_h[mine]).astype(np.int64) % 24
        moved += np.bincount(
            cell, weights=moved_t.astype(float)[mine], minlength=24 * len(wanted)
        ).reshape(len(wanted), 24)
    profiles = {}
    for k, index in enumerate(wanted.tolist()):
        spec = data.model.stages.iloc[index]
        mean = np.full(24, np.nan)
        np.divide(moved[k], counted, out=mean, where=counted > 0)
        capacity = float(spec["rate_t_per_h"]) * _open_share(
            float(spec["opens_at_h"]), float(spec["hours_per_day"])
        )
        profiles[index] = pd.DataFrame(
            {"hour": clock, "moved_t_per_h": mean, "capacity_t_per_h": capacity}
        )
    return profiles


def busiest_gates(data: RunData, top: int = 6) -> list[tuple[int, pd.DataFrame]]:
    """The ``top`` truck gates and airports that moved most (by the sum of their hour-of-day
    profile), each as (row of ``data.model.stages``, :func:`hour_of_day_profiles` profile);
    those that moved nothing are left out."""
    stages = data.model.stages
    indices = np.flatnonzero(stages["kind"].isin(list(GATE_KINDS)).to_numpy()).tolist()
    profiles = [(i, p) for i, p in hour_of_day_profiles(data, indices).items()]
    profiles = [(i, p) for i, p in profiles if np.nansum(p["moved_t_per_h"]) > 0]
    profiles.sort(key=lambda item: -float(np.nansum(item[1]["moved_t_per_h"])))
    return profiles[:top]


def gate_peak(data: RunData, index: int, profile: pd.DataFrame) -> str:
    """A gate or airport's panel title: its name, its busiest clock hour, the tonnes it moved
    then and their share of the capacity of that hour."""
    spec = data.model.stages.iloc[index]
    moved = profile["moved_t_per_h"].to_numpy()
    capacity = profile["capacity_t_per_h"].to_numpy()
    peak = int(np.nanargmax(moved))
    share = moved[peak] / capacity[peak] if capacity[peak] > 0 else np.nan
    busiest = (
        tr("{share:.0%} of capacity", share=share) if np.isfinite(share) else tr("while closed")
    )
    word = tr("airport") if spec["kind"] == "air" else tr("gate")
    return tr(
        "{place} {word}: busiest {peak:02d}:00-{after:02d}:00, {moved:,.0f} t/h ({busiest})",
        place=place_name(data, str(spec["place"])),
        word=word,
        peak=peak,
        after=peak + 1,
        moved=moved[peak],
        busiest=busiest,
    )


# --- modal split and transport ---------------------------------------------------------------


def tonnes_text(tonnes: float) -> str:
    """Tonnes in Mt (from 10 kt on) or kt."""
    if tonnes >= 1e4:
        return tr("{mt:,.2f} Mt", mt=tonnes / 1e6)
    return tr("{kt:,.1f} kt", kt=tonnes / 1e3)


def modal_split_rows(split: pd.DataFrame) -> pd.DataFrame:
    """The KPI table ``modal_split`` in the chart's order (smallest share first: drawn bottom
    up) with each option's ``label`` (its modes' names joined by ``+``), ``colour`` (its first
    mode's) and ``hatch`` (``//`` for an option of several modes)."""
    split = split.sort_values("share")
    landside = [str(option) for option in split["landside"]]
    return split.assign(
        label=[" + ".join(mode_label(m) for m in option.split("+")) for option in landside],
        colour=[mode_colour(option) for option in landside],
        hatch=["//" if "+" in option else "" for option in landside],
    )


def diverted_note(split: pd.DataFrame, labels: list[str]) -> str:
    """An axis-label line on the tonnes diverted to each option (empty when none were); its
    lines are separated by ``\\n``."""
    if "diverted_t" not in split:
        return ""
    diverted = split["diverted_t"].to_numpy(dtype=float)
    total = float(np.nansum(diverted))
    if total <= 0:
        return ""
    taken = tr(", ").join(
        tr("{label} {tonnes}", label=label, tonnes=tonnes_text(tonnes))
        for label, tonnes in sorted(zip(labels, diverted, strict=True), key=lambda p: -p[1])
        if tonnes > 0
    )
    share = total / float(split["tonnes"].sum())
    return tr(
        "\nDiverted from a congested option: {tonnes} ({share:.1%} of port cargo),\nnow by {taken}",
        tonnes=tonnes_text(total),
        share=share,
        taken=taken,
    )


def moved_modes(transport: pd.DataFrame) -> pd.DataFrame:
    """The rows of the KPI table ``transport`` of modes that did transport work
    (``tonne_km > 0``), the least first (drawn bottom up)."""
    if transport.empty:
        return transport
    return transport[transport["tonne_km"] > 0].sort_values("tonne_km")


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
