"""Every vessel's journey as numeric waypoints, fast enough for a year of the 2028 plan.

The same journeys as :func:`sim.viz.tracks.vessel_waypoints` (the time-space diagram's), rebuilt
with integer codes instead of strings: a year of the plan is 2.4 million waypoints, which that
function lays out in about 15 s and this one in about 2 s. ``tests/viewer/test_tracks.py`` checks
that both give the same waypoints on a run.

Between two recorded moments (entry, each lock passage, the berth, exit) a ship sails its
itinerary's links at a fixed speed: sailing hours are shared between the links in proportion to
``length / speed`` and scaled so that the arrival meets the recorded time; a stop at a lock the
scenario does not model lasts ``unmodelled_lock_h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.results.modelinfo import interpolate_sailing, lock_and_berth_sailing
from sim.viewer._source import ModelTables

__all__ = ["STOP_CODES", "Waypoints", "waypoints"]

#: Codes of the ``stop`` of a waypoint, in the order of :data:`STOP_NAMES`.
STOP_CODES = {"entry": 0, "pass": 1, "lock": 2, "unmodelled lock": 3, "berth": 4, "exit": 5}
ENTRY, PASS, LOCK, UNMODELLED, BERTH, EXIT = range(6)


@dataclass(frozen=True)
class Waypoints:
    """Waypoints of many vessels, one row per vessel and place of its path, sorted by vessel
    and order along the path.

    Attributes
    ----------
    vessel : ndarray of int
        Row of the vessel in the replication's ``vessels`` records.
    seq : ndarray of int
        Position along the ship path (0: where it enters).
    place : ndarray of int
        Row in ``model.places``.
    stop : ndarray of int
        :data:`STOP_CODES`.
    arrive_h, serve_h, depart_h : ndarray of float
        When the ship reaches the place, is served (lockage, handling) and leaves it; NaN
        after the end of the run, except arrivals due by sailing on.
    link : ndarray of int
        Row in ``model.links`` of the link sailed next (-1: none, or staying at the place).
    forward : ndarray of bool
        Whether that link is sailed in the order of its coordinates.
    """

    vessel: np.ndarray
    seq: np.ndarray
    place: np.ndarray
    stop: np.ndarray
    arrive_h: np.ndarray
    serve_h: np.ndarray
    depart_h: np.ndarray
    link: np.ndarray
    forward: np.ndarray

    def __len__(self) -> int:
        return len(self.vessel)


def _journey(model: ModelTables, itinerary: pd.Series) -> tuple[list[str], list[str], int] | None:
    """Places a ship of ``itinerary`` visits in order, the link of each hop (``""``: it stays)
    and the position of its berth (-1: none); None: no network path.

    A port call sails in to its terminal and back; a call that carries a backhaul on its empty
    leg (``empty_leg`` false) only sails in (unloading) or out (loading).
    """
    path: list[str] = list(itinerary["places"])
    hops: list[str] = list(itinerary["ship_links"])
    if len(path) < 2 or len(hops) != len(path) - 1:
        return None
    if model.flows["kind"].iloc[int(itinerary["flow"])] == "through":
        return path, hops, -1
    if not itinerary.get("empty_leg", True):
        if itinerary["handling"] == "unload":
            return [*path, path[-1]], [*hops, ""], len(path) - 1
        return [path[-1], *path[::-1]], ["", *hops[::-1]], 1
    return path + path[-2::-1], hops + hops[::-1], len(path) - 1


def _empty() -> Waypoints:
    ints = np.zeros(0, dtype=np.int64)
    floats = np.zeros(0)
    return Waypoints(ints, ints, ints, ints, floats, floats, floats, ints, np.zeros(0, dtype=bool))


def waypoints(
    model: ModelTables,
    vessels: pd.DataFrame,
    passages: pd.DataFrame,
    *,
    run_end_h: float,
    start_h: float = -np.inf,
    end_h: float = np.inf,
) -> Waypoints:
    """Waypoints of the vessels on the water between ``start_h`` and ``end_h``.

    Parameters
    ----------
    model : ModelTables
        The run's model (places, links, itineraries, flows, classes, locks).
    vessels : DataFrame
        The ``vessels`` records of one replication, complete (row ``i`` is vessel ``i`` of
        the passages).
    passages : DataFrame
        The ``passages`` records of that replication (at least those of the vessels of the
        window: ``vessel, arrival_h, start_h, end_h``).
    run_end_h : float
        Hour the replication stopped.
    start_h, end_h : float
        Only vessels whose journey overlaps this window (simulation hours).

    Returns
    -------
    Waypoints

    Raises
    ------
    ValueError
        An itinerary's path does not hold as many locks and berths as the model says.
    """
    if vessels.empty or model.links.empty:
        return _empty()
    entry = vessels["entry_h"].to_numpy(dtype=float)
    exit_h = vessels["exit_h"].to_numpy(dtype=float)
    active = (entry <= min(end_h, run_end_h)) & (np.isnan(exit_h) | (exit_h >= start_h))
    itinerary_of = vessels["itinerary"].to_numpy()
    berth_columns = {
        name: vessels[name].to_numpy(dtype=float)
        for name in ("berth_arrival_h", "berth_start_h", "service_end_h")
    }
    # passages of the active vessels, ranked: 0 for a ship's first lock, 1 its second...
    p_vessel = passages["vessel"].to_numpy()
    keep = active[p_vessel]
    p_vessel = p_vessel[keep]
    p_arrival = passages["arrival_h"].to_numpy(dtype=float)[keep]
    p_start = passages["start_h"].to_numpy(dtype=float)[keep]
    p_end = passages["end_h"].to_numpy(dtype=float)[keep]
    order = np.lexsort((p_arrival, p_vessel))
    p_vessel, p_arrival = p_vessel[order], p_arrival[order]
    p_start, p_end = p_start[order], p_end[order]
    first = np.r_[True, p_vessel[1:] != p_vessel[:-1]] if len(p_vessel) else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(p_vessel)), 0))
    p_rank = np.arange(len(p_vessel)) - group_start
    p_itinerary = itinerary_of[p_vessel]
    p_order = np.argsort(p_itinerary, kind="stable")
    p_bounds = np.searchsorted(p_itinerary[p_order], np.arange(len(model.itineraries) + 1))

    place_index = {p: i for i, p in enumerate(model.places["id"])}
    link_index = {link: i for i, link in enumerate(model.links["id"])}
    link_from = dict(zip(model.links["id"], model.links["from_node"], strict=True))
    lengths = dict(zip(model.links["id"], model.links["length_km"], strict=True))
    speeds = dict(zip(model.links["id"], model.links["speed_kmh"], strict=True))
    modelled = set(model.locks["id"])
    lock_places = set(model.places.loc[model.places["kind"] == "lock", "id"])
    class_speed = model.classes["speed_kmh"].to_numpy(dtype=float)

    v_order = np.argsort(itinerary_of, kind="stable")
    v_bounds = np.searchsorted(itinerary_of[v_order], np.arange(len(model.itineraries) + 1))
    parts: list[tuple[np.ndarray, ...]] = []
    for index in range(len(model.itineraries)):
        candidates = v_order[v_bounds[index] : v_bounds[index + 1]]
        mine = np.sort(candidates[active[candidates]])
        if len(mine) == 0:
            continue
        itinerary = model.itineraries.iloc[index]
        journey = _journey(model, itinerary)
        if journey is None:
            continue
        places, hops, berth_at = journey
        speed_vessel = class_speed[int(itinerary["vessel_class"])]
        last = len(places) - 1
        stops = []
        for j, place in enumerate(places):
            if j == 0:
                stops.append(ENTRY)
            elif j == last:
                stops.append(EXIT)
            elif j == berth_at:
                stops.append(BERTH)
            elif place in modelled:
                stops.append(LOCK)
            elif place in lock_places:
                stops.append(UNMODELLED)
            else:
                stops.append(PASS)
        anchors = [j for j, s in enumerate(stops) if s in (LOCK, BERTH)]
        own_stops, sail = lock_and_berth_sailing(itinerary)
        if len(anchors) != own_stops:
            raise ValueError(
                f"itinerary {index}: {len(anchors)} locks and berths on its path, "
                f"{own_stops} in the model"
            )
        dwell = np.array([model.unmodelled_lock_h if s == UNMODELLED else 0.0 for s in stops])
        hop_h = np.array([lengths[h] / min(speeds[h], speed_vessel) if h else 0.0 for h in hops])
        m, n = len(mine), len(places)
        arrive = np.full((m, n), np.nan)
        serve = np.full((m, n), np.nan)
        depart = np.full((m, n), np.nan)
        lock_columns = np.array([j for j in anchors if stops[j] == LOCK], dtype=np.int64)
        ours = p_order[p_bounds[index] : p_bounds[index + 1]]
        if len(ours) and len(lock_columns):
            rows = np.searchsorted(mine, p_vessel[ours])
            rank = p_rank[ours]
            ok = rank < len(lock_columns)
            rows, columns, ours = rows[ok], lock_columns[rank[ok]], ours[ok]
            arrive[rows, columns] = p_arrival[ours]
            serve[rows, columns] = p_start[ours]
            depart[rows, columns] = p_end[ours]
        if berth_at >= 0:
            arrive[:, berth_at] = berth_columns["berth_arrival_h"][mine]
            serve[:, berth_at] = berth_columns["berth_start_h"][mine]
            depart[:, berth_at] = berth_columns["service_end_h"][mine]
        arrive[:, 0] = serve[:, 0] = depart[:, 0] = entry[mine]
        arrive[:, last] = serve[:, last] = depart[:, last] = exit_h[mine]
        interpolate_sailing(arrive, serve, depart, [0, *anchors, last], hop_h, dwell, sail)
        links = np.array([link_index[h] if h else -1 for h in [*hops, ""]], dtype=np.int64)
        forward = np.array(
            [bool(h) and link_from[h] == places[j] for j, h in enumerate([*hops, ""])]
        )
        parts.append(
            (
                np.repeat(mine, n),
                np.tile(np.arange(n), m),
                np.tile(np.array([place_index[p] for p in places], dtype=np.int64), m),
                np.tile(np.array(stops, dtype=np.int64), m),
                arrive.ravel(),
                serve.ravel(),
                depart.ravel(),
                np.tile(links, m),
                np.tile(forward, m),
            )
        )
    if not parts:
        return _empty()
    joined: list[np.ndarray] = [np.concatenate(column) for column in zip(*parts, strict=True)]
    order = np.lexsort((joined[1], joined[0]))
    joined = [c[order] for c in joined]
    for k in (5, 6):  # nothing is known after the run stopped, except arrivals due
        late = joined[k] > run_end_h
        joined[k][late] = np.nan
    return Waypoints(*joined)
