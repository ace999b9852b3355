"""Every vessel's journey place by place, rebuilt from the flat records.

The engine records when a ship entered, when it reached, started and left each lock and its
berth, and when it left the study area. Between two of those moments a ship sails its
itinerary's links at a fixed speed, so its whereabouts are known at every instant: this module
lays the journey out as waypoints (one row per place on the ship path) for the time-space
diagram and the animation. Sailing hours between two recorded resources are shared between
the links in proportion to ``length / speed`` and scaled to the itinerary's sailing time, so the
waypoints meet the recorded times exactly; a stop at a lock the scenario does not model lasts
``operations.unmodelled_lock_h``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.results.modelinfo import ModelInfo, interpolate_sailing, lock_and_berth_sailing
from sim.results.rundata import RunData

__all__ = ["WAYPOINT_COLUMNS", "canal_km", "replication_columns", "vessel_waypoints"]

WAYPOINT_COLUMNS = [
    "vessel",
    "itinerary",
    "flow_kind",
    "seq",
    "place",
    "stop",
    "arrive_h",
    "serve_h",
    "depart_h",
    "next_link",
]

_TEXT_COLUMNS = ("flow_kind", "place", "stop", "next_link")
#: Corridors of the bundled data that make up the Grand Canal (name prefix).
GRAND_CANAL = "Grand Canal"


def replication_columns(
    data: RunData, kind: str, replication: int, columns: Sequence[str]
) -> dict[str, np.ndarray]:
    """Some columns of the ``kind`` records of one replication as arrays, in record order.

    The values of ``data.replication_events(kind, replication)[column].to_numpy()``, without
    selecting the replication's rows of every column first: with several replications that
    copies the whole table (a plan year's million passages) for a column or two.

    The arrays may be views of the records: do not write to them.
    """
    frame = data.events[kind]
    if frame.empty:
        return {column: np.empty(0) for column in columns}
    replications = frame["replication"].to_numpy()
    if np.all(replications[1:] >= replications[:-1]):
        # stored replication after replication (as runs write them): a slice of each column
        low, high = np.searchsorted(replications, [replication, replication + 1])
        return {column: frame[column].to_numpy()[low:high] for column in columns}
    mine = replications == replication
    return {column: frame[column].to_numpy()[mine] for column in columns}


def canal_km(model: ModelInfo, corridor: str = GRAND_CANAL) -> dict[str, float]:
    """Kilometre of every place on a waterway, from its southern end.

    Parameters
    ----------
    model : ModelInfo
    corridor : str
        Prefix of the ``corridor`` of the links that make up the waterway.

    Returns
    -------
    dict
        Place id to km (empty if no link belongs to the corridor or it is not one line).
    """
    links = model.links
    if links.empty:
        return {}
    mine = links[(links["mode"] == "water") & links["corridor"].str.startswith(corridor)]
    if mine.empty:
        return {}
    neighbours: dict[str, list[tuple[str, float]]] = {}
    for row in mine.itertuples(index=False):
        neighbours.setdefault(row.from_node, []).append((row.to_node, float(row.length_km)))
        neighbours.setdefault(row.to_node, []).append((row.from_node, float(row.length_km)))
    ends = [place for place, near in neighbours.items() if len(near) == 1]
    if len(ends) != 2 or any(len(near) > 2 for near in neighbours.values()):
        return {}
    latitude = dict(zip(model.places["id"], model.places["lat"], strict=True))
    place = min(ends, key=lambda p: latitude.get(p, math.inf))
    km = {place: 0.0}
    previous = ""
    while True:
        step = [(p, length) for p, length in neighbours[place] if p != previous]
        if not step:
            return km
        previous, (place, length) = place, step[0]
        km[place] = km[previous] + length


def _journey(
    model: ModelInfo, itinerary: Mapping[str, Any]
) -> tuple[list[str], list[str], int] | None:
    """Places a ship of ``itinerary`` visits in order, the link of each hop (``""``: it stays
    where it is) and the position of its berth (-1: none); None: no network path.

    A port call sails in to its terminal and back; a call that carries a backhaul on its empty
    leg (``empty_leg`` false) only sails in (unloading) or out (loading), entering or leaving
    the model at its berth.
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


def _passage_rank(vessel: np.ndarray, arrival_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order of the passages of one replication by ship and arrival (stable), and each one's
    ``rank`` in that order: 0 for a ship's first lock, 1 its second..."""
    order = np.lexsort((arrival_h, vessel))
    ordered = vessel[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    return order, rank


def vessel_waypoints(
    data: RunData,
    *,
    replication: int = 0,
    start_h: float = -math.inf,
    end_h: float = math.inf,
) -> pd.DataFrame:
    """Waypoints of the vessels on the water between ``start_h`` and ``end_h``.

    Parameters
    ----------
    data : RunData
    replication : int
    start_h, end_h : float
        Only vessels whose journey overlaps this window (simulation hours).

    Returns
    -------
    DataFrame
        One row per vessel and place of its ship path (:data:`WAYPOINT_COLUMNS`): ``stop`` is
        ``entry``, ``pass``, ``lock`` (a modelled lock), ``unmodelled lock``, ``berth`` or
        ``exit``; the ship arrives at ``arrive_h``, is served (lockage or handling) from
        ``serve_h`` and leaves at ``depart_h``. Times after the end of the run are NaN, except
        arrivals due by sailing on. Empty when the scenario has no network.
    """
    model = data.model
    vessels = replication_columns(
        data,
        "vessels",
        replication,
        ["entry_h", "exit_h", "itinerary", "berth_arrival_h", "berth_start_h", "service_end_h"],
    )
    if len(vessels["entry_h"]) == 0 or not model.has_network:
        return pd.DataFrame(columns=WAYPOINT_COLUMNS)
    run_end = data.end_h(replication)
    entry = np.asarray(vessels["entry_h"], dtype=float)
    exit_h = np.asarray(vessels["exit_h"], dtype=float)
    active = (entry <= min(end_h, run_end)) & (np.isnan(exit_h) | (exit_h >= start_h))
    # the active ships (a week of a plan year is a few % of them) grouped by itinerary once,
    # and their passages with them, in numpy: masking the year's ships and passages per
    # itinerary, and a frame per itinerary, took most of the time
    itineraries = np.asarray(vessels["itinerary"], dtype=np.int64)
    ships = np.flatnonzero(active)  # vessel ids in the passages are row numbers
    by_itinerary = np.argsort(itineraries[ships], kind="stable")
    ships = ships[by_itinerary]
    ship_bounds = np.searchsorted(itineraries[ships], np.arange(len(model.itineraries) + 1))
    passages = replication_columns(
        data, "passages", replication, ["vessel", "arrival_h", "start_h", "end_h"]
    )
    ours = active[np.asarray(passages["vessel"], dtype=np.int64)]
    passages = {column: values[ours] for column, values in passages.items()}
    order, passage_rank = _passage_rank(
        np.asarray(passages["vessel"], dtype=np.int64),
        np.asarray(passages["arrival_h"], dtype=float),
    )
    passage_vessel = np.asarray(passages["vessel"], dtype=np.int64)[order]
    passage_itinerary = itineraries[passage_vessel]
    by_itinerary = np.argsort(passage_itinerary, kind="stable")
    passage_vessel = passage_vessel[by_itinerary]
    passage_rank = passage_rank[by_itinerary]
    passage_times = [
        np.asarray(passages[column], dtype=float)[order][by_itinerary]
        for column in ("arrival_h", "start_h", "end_h")
    ]
    passage_bounds = np.searchsorted(
        passage_itinerary[by_itinerary], np.arange(len(model.itineraries) + 1)
    )
    berth_times = [
        np.asarray(vessels[column], dtype=float)
        for column in ("berth_arrival_h", "berth_start_h", "service_end_h")
    ]
    lock_ids = model.locks["id"].tolist()
    modelled = set(lock_ids)
    lock_places = set(model.places.loc[model.places["kind"] == "lock", "id"])
    lengths = dict(zip(model.links["id"], model.links["length_km"], strict=True))
    speeds = dict(zip(model.links["id"], model.links["speed_kmh"], strict=True))
    flow_kinds = model.flows["kind"].to_numpy()
    class_speeds = model.classes["speed_kmh"].to_numpy(dtype=float)
    parts: dict[str, list[np.ndarray]] = {column: [] for column in WAYPOINT_COLUMNS}
    # the text columns as codes into one vocabulary, turned into text once at the end
    words: dict[str, int] = {}

    def coded(texts: list[str]) -> np.ndarray:
        return np.array([words.setdefault(text, len(words)) for text in texts], dtype=np.int64)

    for index, itinerary in enumerate(model.itineraries.to_dict("records")):
        first, last_ship = ship_bounds[index], ship_bounds[index + 1]
        if first == last_ship:
            continue
        mine = ships[first:last_ship]
        journey = _journey(model, itinerary)
        if journey is None:
            continue
        places, hops, berth_at = journey
        speed_vessel = float(class_speeds[int(itinerary["vessel_class"])])
        last = len(places) - 1
        stops = []
        for j, place in enumerate(places):
            if j == 0:
                stops.append("entry")
            elif j == last:
                stops.append("exit")
            elif j == berth_at:
                stops.append("berth")
            elif place in modelled:
                stops.append("lock")
            elif place in lock_places:
                stops.append("unmodelled lock")
            else:
                stops.append("pass")
        anchors = [j for j, s in enumerate(stops) if s in ("lock", "berth")]
        own_stops, sail = lock_and_berth_sailing(itinerary)
        if len(anchors) != own_stops:
            raise ValueError(
                f"itinerary {index}: {len(anchors)} locks and berths on its path, "
                f"{own_stops} in the model"
            )
        dwell = np.array(
            [model.unmodelled_lock_h if s == "unmodelled lock" else 0.0 for s in stops]
        )
        hop_h = np.array([lengths[h] / min(speeds[h], speed_vessel) if h else 0.0 for h in hops])
        m, n = len(mine), len(places)
        arrive = np.full((m, n), np.nan)
        serve = np.full((m, n), np.nan)
        depart = np.full((m, n), np.nan)
        # recorded times at the anchors
        lock_columns = [j for j in anchors if stops[j] == "lock"]
        ours = slice(passage_bounds[index], passage_bounds[index + 1])
        row_of = np.searchsorted(mine, passage_vessel[ours])
        rank = passage_rank[ours]
        keep = rank < len(lock_columns)
        columns = np.array(lock_columns, dtype=np.int64)[rank[keep]]
        for times, recorded in zip((arrive, serve, depart), passage_times, strict=True):
            times[row_of[keep], columns] = recorded[ours][keep]
        if berth_at >= 0:
            for times, recorded in zip((arrive, serve, depart), berth_times, strict=True):
                times[:, berth_at] = recorded[mine]
        arrive[:, 0] = serve[:, 0] = depart[:, 0] = entry[mine]
        arrive[:, last] = serve[:, last] = depart[:, last] = exit_h[mine]
        # sail between consecutive recorded places: links shared by length / speed, scaled so
        # the arrival meets the itinerary's sailing hours (and so the recorded time)
        interpolate_sailing(arrive, serve, depart, [0, *anchors, last], hop_h, dwell, sail)
        parts["vessel"].append(np.repeat(mine, n))
        parts["itinerary"].append(np.full(m * n, index, dtype=np.int64))
        parts["flow_kind"].append(np.repeat(coded([flow_kinds[int(itinerary["flow"])]]), m * n))
        parts["seq"].append(np.tile(np.arange(n), m))
        parts["place"].append(np.tile(coded(places), m))
        parts["stop"].append(np.tile(coded(stops), m))
        parts["arrive_h"].append(arrive.ravel())
        parts["serve_h"].append(serve.ravel())
        parts["depart_h"].append(depart.ravel())
        parts["next_link"].append(np.tile(coded([*hops, ""]), m))
    if not parts["vessel"]:
        return pd.DataFrame(columns=WAYPOINT_COLUMNS)
    columns = {column: np.concatenate(arrays) for column, arrays in parts.items()}
    order = np.lexsort((columns["seq"], columns["vessel"]))
    # nothing is known after the run stopped, except arrivals due by sailing on
    for column in ("serve_h", "depart_h"):
        columns[column][columns[column] > run_end] = np.nan
    vocabulary = pd.array(list(words), dtype="str")
    return pd.DataFrame(
        {
            column: vocabulary.take(values[order]) if column in _TEXT_COLUMNS else values[order]
            for column, values in columns.items()
        }
    )
