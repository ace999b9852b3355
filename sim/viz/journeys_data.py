"""What the time-space diagram and the berth Gantt chart draw, computed without matplotlib:
shared by the PNG charts of :mod:`sim.viz.journeys` and the report's figures of
:mod:`sim.report.figures.journeys`, so both draw the same ships, weeks and berths.

The busiest week on the Grand Canal (:func:`busiest_window`) and its 8 busiest hours
(:func:`busiest_detail`), every stretch of every ship's journey on the canal
(:func:`canal_segments`: sailing, waiting for a lock, in the chamber, at a berth), ships per km
of canal hour by hour (:func:`ship_density`), the locks and terminals along it
(:func:`place_marks`), and the berth each stay of a berth group takes (:func:`berth_lanes`,
:func:`group_stays`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.i18n import N_
from sim.results.rundata import RunData
from sim.viz.labels import place_label
from sim.viz.tracks import GRAND_CANAL, canal_km, replication_columns

__all__ = [
    "DETAIL_H",
    "SEGMENT_COLUMNS",
    "SIZE_BANDS",
    "STOP_STYLES",
    "PlaceMark",
    "berth_lanes",
    "busiest_detail",
    "busiest_window",
    "canal_segments",
    "chosen_groups",
    "default_km_range",
    "default_start_h",
    "density_bin_h",
    "gantt_start_h",
    "group_stays",
    "place_marks",
    "ship_density",
    "size_band",
]

#: Size bands of the ships in the time-space diagram: (upper bound in dwt t, label, colour).
SIZE_BANDS = (
    (1000.0, N_("up to 1,000 t"), "#41ab5d"),
    (2000.0, N_("1,000-2,000 t"), "#2171b5"),
    (math.inf, N_("over 2,000 t (convoys, river-sea)"), "#6a51a3"),
)
#: How the time-space diagram colours and names a ship's stops (in drawing order: a lockage
#: shows as a thin line on the queue at its lock): kind of stretch -> (colour, label).
STOP_STYLES = {
    "wait": ("#ff7f0e", N_("waiting for a lock")),
    "berth": ("#d62728", N_("at a berth")),
    "chamber": ("#08306b", N_("in a lock chamber")),
    "stop": ("#7f7f7f", N_("at a lock not modelled")),
}
#: Hours of the detail panels when the diagram's window is longer than a day.
DETAIL_H = 8.0

#: Columns of :func:`canal_segments`.
SEGMENT_COLUMNS = ["vessel", "kind", "t0", "y0", "t1", "y1", "north", "band"]


def default_start_h(data: RunData) -> float:
    """End of the warm-up, 1 January of the first counted year (where windowed charts start
    by default)."""
    return data.model.warmup_h


def busiest_window(
    data: RunData,
    *,
    hours: float = 168.0,
    replication: int = 0,
    corridor: str = GRAND_CANAL,
) -> float:
    """Start of the busiest window of ``hours`` on a waterway: the one, starting at a midnight
    of the counted period, in which most ships pass its modelled locks (ships entering the
    study area when no modelled lock is on it). The earliest wins a tie.

    Parameters
    ----------
    data : RunData
    hours : float
        Length of the window (a week by default).
    replication : int
    corridor : str
        Prefix of the waterway's links' ``corridor``.

    Returns
    -------
    float
        Simulation hour the window starts (the end of the warm-up when the counted period is
        no longer than the window).
    """
    low, high = data.window_h(replication)
    km = canal_km(data.model, corridor)
    locks = [i for i, lock in enumerate(data.model.locks["id"]) if lock in km]
    if locks:
        passages = replication_columns(data, "passages", replication, ["lock", "arrival_h"])
        at_locks = np.zeros(len(passages["lock"]), dtype=bool)
        for lock in locks:  # a few locks: faster than numpy.isin over a million passages
            at_locks |= passages["lock"] == lock
        times = np.asarray(passages["arrival_h"], dtype=float)[at_locks]
    else:
        times = replication_columns(data, "vessels", replication, ["entry_h"])["entry_h"]
        times = np.asarray(times, dtype=float)
    days = math.floor((high - low) / 24.0)
    span = math.ceil(hours / 24.0)
    if days <= span:
        return float(low)
    inside = times[(times >= low) & (times < low + 24.0 * days)]
    # the day of each: x / 24 truncated is the floor of x // 24 for x >= 0 (the rounded
    # quotient never reaches the next whole number), at a fraction of numpy's floor division
    per_day = np.bincount(((inside - low) / 24.0).astype(np.int64), minlength=days)[:days]
    sums = np.convolve(per_day, np.ones(span, dtype=np.int64), mode="valid")
    return float(low + 24.0 * int(np.argmax(sums)))


def size_band(dwt_t: np.ndarray) -> np.ndarray:
    """Index in :data:`SIZE_BANDS` of ships of ``dwt_t`` tonnes."""
    bounds = np.array([upper for upper, _, _ in SIZE_BANDS])
    return np.searchsorted(bounds, dwt_t, side="left")


def canal_segments(
    data: RunData,
    points: pd.DataFrame,
    km: dict[str, float],
    corridor: str,
    run_end: float,
) -> pd.DataFrame:
    """Every stretch of every ship's journey on the waterway.

    Parameters
    ----------
    data : RunData
    points : DataFrame
        The ships' waypoints (:func:`sim.viz.tracks.vessel_waypoints`).
    km : dict
        Km of the places on the waterway (:func:`sim.viz.tracks.canal_km`).
    corridor : str
        Prefix of the waterway's links' ``corridor``.
    run_end : float
        Hour the replication stopped: nothing is drawn after it.

    Returns
    -------
    DataFrame
        ``vessel, kind`` (``sail``, ``wait`` for a lock, ``chamber``, ``berth``, ``stop`` at a
        lock not modelled), ``t0, y0, t1, y1`` (hours, km), ``north`` (the ship heads north)
        and ``band`` (index in :data:`SIZE_BANDS`); the sailing stretches first, in waypoint
        order, then the waits, lockages, berth stays and stops.
    """
    if points.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    links = data.model.links
    canal_links = set(
        links.loc[(links["mode"] == "water") & links["corridor"].str.startswith(corridor), "id"]
    )
    # the km of each waypoint by a hash lookup of its place (Series.map took most of the time)
    places = pd.Index(list(km))
    found = places.get_indexer(points["place"])
    position = np.where(found >= 0, np.array(list(km.values()), dtype=float)[found], np.nan)
    arrive = points["arrive_h"].to_numpy(dtype=float)
    served = points["serve_h"].to_numpy(dtype=float)
    departed = points["depart_h"].to_numpy(dtype=float)
    serve = np.where(np.isnan(served), run_end, served)
    depart = np.where(np.isnan(departed), run_end, departed)
    serve = np.minimum(np.maximum(serve, arrive), run_end)
    depart = np.minimum(np.maximum(depart, serve), run_end)
    on = ~np.isnan(position) & ~np.isnan(arrive)
    stop = points["stop"]
    vessel = points["vessel"].to_numpy()
    same_next = np.append(vessel[1:] == vessel[:-1], False)
    same_prev = np.insert(vessel[1:] == vessel[:-1], 0, False)
    next_on = np.append(on[1:], False)
    next_arrive = np.append(arrive[1:], np.nan)
    next_km = np.append(position[1:], np.nan)
    prev_km = np.insert(position[:-1], 0, np.nan)
    sails = (
        on & same_next & next_on & points["next_link"].isin(canal_links).to_numpy()
        & (depart < run_end)
    )  # fmt: skip
    # a stop belongs to the way the ship came in (or, at its entry, the way it goes on)
    came = np.where(same_prev & ~np.isnan(prev_km), position - prev_km, np.nan)
    goes = np.where(same_next & ~np.isnan(next_km), next_km - position, np.nan)
    heading = np.where(np.isnan(came) | (came == 0), goes, came)
    dwt = data.model.classes["dwt_t"].to_numpy(dtype=float)
    vessel_class = data.model.itineraries["vessel_class"].to_numpy(dtype=np.int64)
    band = size_band(dwt[vessel_class[points["itinerary"].to_numpy(dtype=np.int64)]])
    at_lock = on & (stop == "lock").to_numpy()
    parts: dict[str, list[np.ndarray]] = {column: [] for column in SEGMENT_COLUMNS}
    for kind, mask, t0, y0, t1, y1, north in (
        ("sail", sails, depart, position, next_arrive, next_km, next_km > position),
        ("wait", at_lock & (serve > arrive), arrive, position, serve, position, heading > 0),
        ("chamber", at_lock, serve, position, depart, position, heading > 0),
        ("berth", on & (stop == "berth").to_numpy(), serve, position, depart, position,
         heading > 0),
        ("stop", on & (stop == "unmodelled lock").to_numpy(), arrive, position, depart,
         position, heading > 0),
    ):  # fmt: skip
        parts["vessel"].append(vessel[mask])
        parts["kind"].append(np.full(int(mask.sum()), kind, dtype=object))
        for column, values in (("t0", t0), ("y0", y0), ("t1", t1), ("y1", y1)):
            parts[column].append(values[mask])
        parts["north"].append(north[mask])
        parts["band"].append(band[mask])
    return pd.DataFrame({column: np.concatenate(arrays) for column, arrays in parts.items()})


def density_bin_h(begin_h: float, finish_h: float) -> float:
    """Hours per column of the ship density of a window: 1 up to 3 days, else 2."""
    return 1.0 if finish_h - begin_h <= 72.0 else 2.0


def _floor_divide(values: np.ndarray, step: float) -> np.ndarray:
    """``values // step``; by a power of two (the diagram's 1 h, 2 h, 1 km) as the floor of
    the exact quotient, several times faster than numpy's floor division."""
    if step > 0 and math.frexp(step)[0] == 0.5:
        return np.floor(values / step)
    return values // step


def ship_density(
    segments: pd.DataFrame,
    *,
    start_h: float,
    end_h: float,
    km_range: tuple[float, float],
    bin_h: float = 1.0,
    bin_km: float = 1.0,
    step_h: float = 0.25,
) -> np.ndarray:
    """Ships on each stretch of the waterway per hour: a (km bins x time bins) grid of the mean
    number of ships per km, counting every ship sailing or stopped there (sampled every
    ``step_h``)."""
    n_t = max(1, round((end_h - start_h) / bin_h))
    n_y = max(1, math.ceil((km_range[1] - km_range[0]) / bin_km))
    grid = np.zeros((n_y, n_t))
    if segments.empty:
        return grid
    t0 = segments["t0"].to_numpy(dtype=float)
    t1 = segments["t1"].to_numpy(dtype=float)
    y0 = segments["y0"].to_numpy(dtype=float)
    y1 = segments["y1"].to_numpy(dtype=float)
    first = np.ceil((np.maximum(t0, start_h) - start_h) / step_h - 0.5)
    last = np.floor((np.minimum(t1, end_h) - start_h) / step_h - 0.5)
    counts = np.clip(last - first + 1, 0, None).astype(np.int64)
    rows = np.repeat(np.arange(len(t0)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    times = start_h + (np.repeat(first, counts) + k + 0.5) * step_h
    span = np.where(t1 > t0, t1 - t0, 1.0)
    where = y0[rows] + (y1[rows] - y0[rows]) * (times - t0[rows]) / span[rows]
    ty = _floor_divide(times - start_h, bin_h).astype(np.int64)
    yy = _floor_divide(where - km_range[0], bin_km).astype(np.int64)
    keep = (ty >= 0) & (ty < n_t) & (yy >= 0) & (yy < n_y)
    cells = np.bincount(yy[keep] * n_t + ty[keep], minlength=n_y * n_t)
    grid = cells.reshape(n_y, n_t).astype(float)
    return grid * step_h / bin_h / bin_km


def busiest_detail(segments: pd.DataFrame, begin: float, finish: float, hours: float) -> float:
    """Start of the ``hours`` (on a whole hour) of ``[begin, finish]`` in which most ships go
    through the locks (enter a chamber; most ships set sail when no lock is modelled)."""
    if finish - begin <= hours:
        return begin
    chambers = segments[segments["kind"] == "chamber"]
    chosen = chambers if not chambers.empty else segments[segments["kind"] == "sail"]
    starts = begin + np.arange(0.0, finish - begin - hours + 1e-9, 1.0)
    t0 = np.sort(chosen["t0"].to_numpy(dtype=float))
    if len(t0) == 0:
        return begin
    counts = np.searchsorted(t0, starts + hours) - np.searchsorted(t0, starts)
    return float(starts[int(np.argmax(counts))])


def default_km_range(data: RunData, km: dict[str, float]) -> tuple[float, float]:
    """Stretch of the waterway the diagram shows: its modelled locks and its terminals with
    12 km either side (all of it when none is on it)."""
    marks = [km[p] for p in data.model.locks["id"] if p in km]
    marks += [km[p] for p in data.model.terminals["id"] if p in km]
    if not marks:
        return 0.0, max(km.values())
    return max(0.0, min(marks) - 12.0), min(max(km.values()), max(marks) + 12.0)


@dataclass(frozen=True)
class PlaceMark:
    """A lock or a terminal on the waterway, marked across the time-space diagram.

    Attributes
    ----------
    place : str
        Place id.
    km : float
        Its km on the waterway.
    kind : {"lock", "terminal"}
    modelled : bool
        A lock the scenario models (its queues are simulated).
    name : str
        Its name in the current language (a lock's without its note in brackets).
    """

    place: str
    km: float
    kind: str
    modelled: bool
    name: str


def place_marks(data: RunData, km: dict[str, float], low: float, high: float) -> list[PlaceMark]:
    """The locks and terminals between km ``low`` and ``high``, from the south."""
    places = data.model.places.set_index("id")
    modelled = set(data.model.locks["id"])
    marks = []
    for place, position in km.items():
        if not low <= position <= high or place not in places.index:
            continue
        kind = str(places.at[place, "kind"])
        if kind not in ("lock", "terminal"):
            continue
        name = place_label(data.model, place, str(places.at[place, "name"]).split(" (")[0])
        marks.append(PlaceMark(place, position, kind, place in modelled, name))
    return marks


def berth_lanes(start_h: np.ndarray, end_h: np.ndarray) -> np.ndarray:
    """Berth number (0, 1, ...) of each stay, the lowest free one first.

    Stays are given in any order; a berth is free again when its stay ends. The number of
    lanes used equals the most stays overlapping at once.
    """
    order = np.argsort(start_h, kind="stable")
    lanes = np.empty(len(start_h), dtype=np.int64)
    free: list[int] = []
    busy: list[tuple[float, int]] = []
    opened = 0
    for i in order.tolist():
        while busy and busy[0][0] <= start_h[i] + 1e-9:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, opened = opened, opened + 1
        lanes[i] = lane
        heapq.heappush(busy, (float(end_h[i]), lane))
    return lanes


def chosen_groups(data: RunData, groups: str | Sequence[str] | None) -> list[str]:
    """Berth group ids of a Gantt chart: ``groups`` (group or terminal ids), by default the
    berth group ships waited longest for.

    Raises
    ------
    ValueError
        A name is neither a berth group nor a terminal; the message lists the groups.
    """
    model = data.model
    ids = model.groups["id"].tolist()
    if groups is None:
        ranked = data.tables["bottlenecks"]
        ranked = ranked[ranked["kind"] == "berths"].sort_values("wait_h_total", ascending=False)
        return ranked["resource"].head(1).tolist() or ids[:1]
    wanted = [groups] if isinstance(groups, str) else list(groups)
    chosen = []
    for name in wanted:
        if name in ids:
            chosen.append(name)
        elif name in set(model.groups["terminal"]):
            chosen += model.groups.loc[model.groups["terminal"] == name, "id"].tolist()
        else:
            raise ValueError(
                f"unknown berth group or terminal {name!r}; berth groups: {', '.join(ids)}"
            )
    return chosen


def group_stays(
    data: RunData, group: str, begin_h: float, finish_h: float, *, replication: int = 0
) -> pd.DataFrame:
    """The stays at the berths of ``group`` that overlap ``[begin_h, finish_h]``.

    Returns
    -------
    DataFrame
        In record order: ``lane`` (its berth, :func:`berth_lanes` over all the group's
        stays), ``start_h`` (start of handling), ``end_h`` (end of handling, yard blocking
        included), ``block_h`` (hours a full yard held the ship at the berth, 0 when none)
        and ``commodity``.
    """
    vessels = replication_columns(
        data,
        "vessels",
        replication,
        ["berth_group", "berth_start_h", "service_end_h", "block_h", "flow"],
    )
    mine = vessels["berth_group"] == data.model.groups["id"].tolist().index(group)
    start_h = np.asarray(vessels["berth_start_h"], dtype=float)[mine]
    end_h = np.asarray(vessels["service_end_h"], dtype=float)[mine]
    lanes = berth_lanes(start_h, end_h)
    inside = (end_h >= begin_h) & (start_h <= finish_h)
    flows = np.asarray(vessels["flow"], dtype=np.int64)[mine][inside]
    return pd.DataFrame(
        {
            "lane": lanes[inside],
            "start_h": start_h[inside],
            "end_h": end_h[inside],
            "block_h": np.nan_to_num(np.asarray(vessels["block_h"], dtype=float)[mine][inside]),
            "commodity": data.model.flows["commodity"].to_numpy()[flows],
        }
    )


def gantt_start_h(data: RunData, group: str, *, replication: int = 0) -> float:
    """Start of the berth Gantt chart's week for a berth group: the busiest week on the canal
    (the time-space diagram's, :func:`busiest_window`), or, when the group has no stay in it
    (a group that opens later, say), its first week with a stay, from a midnight."""
    begin = busiest_window(data, replication=replication)
    if not group_stays(data, group, begin, begin + 168.0, replication=replication).empty:
        return begin
    low, high = data.window_h(replication)
    stays = group_stays(data, group, low, high, replication=replication)
    if stays.empty:
        return begin
    first = max(float(stays["start_h"].min()), low)
    return low + 24.0 * math.floor((first - low) / 24.0)
