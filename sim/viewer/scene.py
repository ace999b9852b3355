"""What the viewer draws, as plain data: the basemap, the network, every vessel's track over
the window, and each resource's state at every step of the slider.

:func:`build_scene` turns one replication of a run into a :class:`Scene`: a dictionary of
small JSON-ready tables plus a few large numeric arrays (vessel waypoints, per-step series)
that the page embeds as base64 typed arrays. Nothing here knows about HTML.

Counts at a step are counts at that instant: a vessel is *in the system* from ``entry_h``
(inclusive) to ``exit_h`` (exclusive), as the records give them; it waits at a lock from its
arrival to the start of its lockage, is in a chamber until the lockage ends, waits for a berth
from ``berth_arrival_h`` to ``berth_start_h`` and is at the berth until ``service_end_h``.
Aggregated views (``hourly``, ``daily``) show each step's mean of instants taken every hour,
and its largest.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.i18n import localised_name, tr
from sim.viewer._source import BASEMAP, MODE_COLOURS, Run, commodity_colour
from sim.viewer.tracks import Waypoints, waypoints
from sim.viz.labels import corridor_names_zh

__all__ = ["MAX_TRACK_DAYS", "Scene", "ViewWindow", "build_scene", "step_for"]

#: Longest window drawn vessel by vessel (days); a longer one is drawn as aggregates.
MAX_TRACK_DAYS = 31.0

Aggregate = Literal["hourly", "daily"]


@dataclass(frozen=True)
class ViewWindow:
    """The period the viewer plays, in simulation hours.

    Attributes
    ----------
    start_h, end_h : float
        First and last instant of the slider.
    step_h : float
        Hours between two positions of the slider.
    aggregate : {"hourly", "daily"} or None
        None: every vessel is drawn; otherwise each step shows the mean (and largest) of
        instants taken every hour within it.
    """

    start_h: float
    end_h: float
    step_h: float
    aggregate: Aggregate | None = None

    @property
    def steps(self) -> int:
        """Number of positions of the slider."""
        if self.aggregate is not None:
            return max(1, round((self.end_h - self.start_h) / self.step_h))
        return math.floor((self.end_h - self.start_h) / self.step_h + 1e-9) + 1

    def times_h(self) -> np.ndarray:
        """Simulation hour of each step (its start, for an aggregate)."""
        return self.start_h + self.step_h * np.arange(self.steps)


def step_for(days: float) -> float:
    """Hours between slider positions for a window of ``days`` drawn vessel by vessel."""
    if days <= 1.0:
        return 0.25
    if days <= 3.0:
        return 0.5
    return 1.0


@dataclass
class Scene:
    """The data of one viewer page.

    Attributes
    ----------
    tables : dict
        JSON-ready description: ``meta``, ``places``, ``links``, ``basemap``, ``labels``,
        ``resources``, ``vessels`` (without the arrays), ``classes``, ``commodities``,
        ``areas``.
    arrays : dict of ndarray
        Large numeric arrays by name (embedded as base64).
    """

    tables: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def in_system(self) -> np.ndarray:
        """Vessels in the system at each step (the page shows the same count)."""
        return self.arrays["total_in_system"]


# ---------------------------------------------------------------------------------------
# helpers


def _short(name: str) -> str:
    """A place name without its explanation in brackets."""
    return str(name).split(" (")[0]


def _instants(
    start: np.ndarray, end: np.ndarray, times: np.ndarray, groups: np.ndarray, count: int
) -> np.ndarray:
    """How many intervals ``[start, end)`` of each group hold each of ``times``.

    NaN ``start``: the interval never began; NaN ``end``: it never ended.
    Returns an array (count, len(times)).
    """
    out = np.zeros((count, len(times)), dtype=np.int32)
    ok = ~np.isnan(start)
    start, end, groups = start[ok], np.where(np.isnan(end[ok]), np.inf, end[ok]), groups[ok]
    for g in range(count):
        mine = groups == g
        if not mine.any():
            continue
        began = np.searchsorted(np.sort(start[mine]), times, side="right")
        ended = np.searchsorted(np.sort(end[mine]), times, side="right")
        out[g] = began - ended
    return out


def _level_at(times_h: np.ndarray, level: np.ndarray, times: np.ndarray) -> np.ndarray:
    """A step function recorded at ``times_h`` (sorted), read at ``times`` (0 before)."""
    index = np.searchsorted(times_h, times, side="right") - 1
    return np.where(index >= 0, level[np.clip(index, 0, None)] if len(level) else 0.0, 0.0)


def _hourly(sparse_h: np.ndarray, values: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Value of the hour holding each of ``times`` from records of the hours that had one."""
    if len(sparse_h) == 0:
        return np.zeros(len(times))
    order = np.argsort(sparse_h, kind="stable")
    hours, values = sparse_h[order], values[order]
    index = np.searchsorted(hours, np.floor(times + 1e-9), side="left")
    index = np.clip(index, 0, len(hours) - 1)
    return np.where(hours[index] == np.floor(times + 1e-9), values[index], 0.0)


def _reduce(series: np.ndarray, window: ViewWindow) -> tuple[np.ndarray, np.ndarray]:
    """Series sampled every ``sample_h`` reduced to the window's steps: (mean, max)."""
    if window.aggregate is None:
        return series, series
    per = round(window.step_h)
    steps = window.steps
    shaped = series[..., : steps * per].reshape(*series.shape[:-1], steps, per)
    return shaped.mean(axis=-1), shaped.max(axis=-1)


def _rounded(values: np.ndarray, digits: int = 2) -> list[Any]:
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


# ---------------------------------------------------------------------------------------
# the static layers


def _basemap() -> dict[str, Any]:
    """Polygons and lines of the bundled basemap, as flat coordinate lists (``null`` between
    parts) per layer, and the named lakes."""
    document = json.loads(BASEMAP.read_text(encoding="utf-8"))
    layers: dict[str, dict[str, list[float | None]]] = {}
    names = []

    def push(layer: str, ring: list[list[float]]) -> None:
        target = layers.setdefault(layer, {"x": [], "y": []})
        if target["x"]:
            target["x"].append(None)
            target["y"].append(None)
        target["x"].extend(p[0] for p in ring)
        target["y"].extend(p[1] for p in ring)

    for feature in document["features"]:
        layer = feature["properties"]["layer"]
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            rings = [geometry["coordinates"][0]]
        elif geometry["type"] == "MultiPolygon":
            rings = [polygon[0] for polygon in geometry["coordinates"]]
        elif geometry["type"] == "LineString":
            rings = [geometry["coordinates"]]
        else:
            rings = list(geometry["coordinates"])
        for ring in rings:
            push(layer, ring)
        name = feature["properties"].get("name")
        if name and rings:
            ring = np.asarray(rings[0])
            names.append(
                {
                    "name": name,
                    "name_zh": feature["properties"].get("name_zh", ""),
                    "x": round(float(ring[:, 0].mean()), 4),
                    "y": round(float(ring[:, 1].mean()), 4),
                }
            )
    return {"layers": layers, "names": names, "source": document.get("source", "")}


def _links(run: Run) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    links = run.data.model.links
    chinese = corridor_names_zh(links)
    out = []
    for row in links.itertuples(index=False):
        coords = np.asarray(row.coords, dtype=float)
        steps = np.hypot(np.diff(coords[:, 0]) * 0.84, np.diff(coords[:, 1]))
        cumulative = np.r_[0.0, np.cumsum(steps)]
        total = cumulative[-1] if cumulative[-1] > 0 else 1.0
        out.append(
            {
                "id": row.id,
                "mode": row.mode,
                "corridor": localised_name(row.corridor, chinese),
                "from": row.from_node,
                "to": row.to_node,
                "length_km": round(float(row.length_km), 1),
                "speed_kmh": round(float(row.speed_kmh), 1),
                "x": _rounded(coords[:, 0], 4),
                "y": _rounded(coords[:, 1], 4),
                "cum": _rounded(cumulative / total, 4),
            }
        )
    return out, links


def _corridor_labels(links: pd.DataFrame) -> list[dict[str, Any]]:
    """One label per named corridor at the middle of its longest link (water, rail, road)."""
    out = []
    chinese = corridor_names_zh(links)
    frame = links.assign(group=links["corridor"].map(_corridor_name))
    for (mode, group), rows in frame.groupby(["mode", "group"], sort=True):
        if mode not in ("water", "rail", "road") or not group:
            continue
        total_km = float(rows["length_km"].sum())
        if total_km < (20.0 if mode == "water" else 60.0):  # access roads, spurs
            continue
        longest = rows.loc[rows["length_km"].idxmax()]
        coords = np.asarray(longest["coords"], dtype=float)
        middle = coords[len(coords) // 2] if len(coords) > 2 else coords.mean(axis=0)
        out.append(
            {
                "text": localised_name(group, chinese=_corridor_name_zh(group, rows, chinese)),
                "x": round(float(middle[0]), 4),
                "y": round(float(middle[1]), 4),
                "kind": f"corridor-{mode}",
                "priority": (1 if mode == "water" else 3) + (0 if total_km > 100 else 1),
            }
        )
    return out


#: Chinese names of the waterways :func:`_corridor_name` groups several corridors into
_GROUPS_ZH = {"Grand Canal": "京杭大运河", "Yangtze River": "长江", "Huai River": "淮河"}


def _corridor_name_zh(group: str, rows: pd.DataFrame, chinese: dict[str, str]) -> str:
    """The Chinese name of a group of corridors (:func:`_corridor_name`): the waterway's for
    the Grand Canal, the Yangtze and the Huai, else the ``corridor_zh`` its corridors share
    (without a note in brackets); "" where the data has none."""
    if group in _GROUPS_ZH:
        return _GROUPS_ZH[group]
    names = {chinese.get(str(c), "").split("（")[0] for c in rows["corridor"]}
    return names.pop() if len(names) == 1 else ""


def _corridor_name(corridor: str) -> str:
    """The waterway, railway or road a corridor belongs to ("Grand Canal (Subei) - Li canal"
    is on the Grand Canal)."""
    text = str(corridor or "")
    if text.startswith("Grand Canal"):
        return "Grand Canal"
    if text.startswith("Yangtze River"):
        return "Yangtze River"
    if text.startswith("Huai River"):
        return "Huai River"
    if "(abstraction)" in text or "(assumed)" in text or "(approx.)" in text:
        return ""
    return text.split(" (")[0]


# ---------------------------------------------------------------------------------------
# the moving parts


def _sample_times(window: ViewWindow) -> np.ndarray:
    """Instants the series are taken at: the steps, or every hour for an aggregate."""
    if window.aggregate is None:
        return window.times_h()
    return window.start_h + np.arange(window.steps * round(window.step_h))


def _vessel_tables(
    run: Run, track: Waypoints, window: ViewWindow
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Per-vessel attributes and waypoints (times relative to the window's start)."""
    model = run.data.model
    vessels = run.events("vessels")
    ids = np.unique(track.vessel)
    if window.aggregate is None:
        # vessels in the system during the window but without a path on the map
        entry = vessels["entry_h"].to_numpy(dtype=float)
        exit_h = vessels["exit_h"].to_numpy(dtype=float)
        active = np.flatnonzero(
            (entry <= window.end_h) & (np.isnan(exit_h) | (exit_h > window.start_h))
        )
        pathless = np.setdiff1d(active, ids)
    else:
        pathless = np.zeros(0, dtype=np.int64)
    rows = vessels.iloc[ids]
    flows = model.flows
    flow = rows["flow"].to_numpy()
    terminals = {t: i for i, t in enumerate(model.terminals["id"])}
    area_of_terminal = dict(zip(model.terminals["id"], model.terminals["port_area"], strict=True))
    areas = sorted(set(model.terminals["port_area"]))
    area_index = {a: i for i, a in enumerate(areas)}
    commodities = sorted({c for c in flows["commodity"] if c})
    commodity_index = {c: i for i, c in enumerate(commodities)}
    flow_area = np.array(
        [area_index.get(area_of_terminal.get(t, ""), -1) for t in flows["terminal"]], dtype=int
    )
    flow_commodity = np.array([commodity_index.get(c, -1) for c in flows["commodity"]], dtype=int)
    flow_terminal = np.array([terminals.get(t, -1) for t in flows["terminal"]], dtype=int)
    passages = run.events("passages")
    lock_wait = np.zeros(len(vessels))
    if not passages.empty:
        np.add.at(
            lock_wait,
            passages["vessel"].to_numpy(),
            (passages["start_h"] - passages["arrival_h"]).to_numpy(dtype=float),
        )
    origin = window.start_h
    offsets = np.searchsorted(track.vessel, ids, side="left")
    arrays = {
        "v_entry": rows["entry_h"].to_numpy(dtype=float) - origin,
        "v_exit": rows["exit_h"].to_numpy(dtype=float) - origin,
        "v_class": rows["vessel_class"].to_numpy(dtype=np.int32),
        "v_flow": flow.astype(np.int32),
        "v_payload": np.round(rows["payload_t"].to_numpy(dtype=float)).astype(np.int32),
        "v_lock_wait": np.nan_to_num(lock_wait[ids]).astype(np.float32),
        "v_berth_wait": (rows["berth_start_h"] - rows["berth_arrival_h"]).to_numpy(dtype=float),
        "v_block": rows["block_h"].to_numpy(dtype=float),
        "v_diverted": rows["diverted"].to_numpy(dtype=np.uint8),
        "v_id": ids.astype(np.int32),
        "w_offset": np.r_[offsets, len(track)].astype(np.int32),
        "w_place": track.place.astype(np.int16),
        "w_stop": track.stop.astype(np.uint8),
        "w_arrive": track.arrive_h - origin,
        "w_serve": track.serve_h - origin,
        "w_depart": track.depart_h - origin,
        "w_link": track.link.astype(np.int16),
        "w_forward": track.forward.astype(np.uint8),
    }
    # pathless vessels are drawn at their terminal (or counted apart when they have none)
    pathless_rows = vessels.iloc[pathless]
    place_of = {p: i for i, p in enumerate(model.places["id"])}
    terminal_place = np.array(
        [
            place_of.get(model.terminals["id"].iloc[t], -1) if t >= 0 else -1
            for t in flow_terminal[pathless_rows["flow"].to_numpy()]
        ],
        dtype=np.int16,
    )
    arrays |= {
        "p_entry": pathless_rows["entry_h"].to_numpy(dtype=float) - origin,
        "p_exit": pathless_rows["exit_h"].to_numpy(dtype=float) - origin,
        "p_place": terminal_place,
    }
    tables = {
        "flows": {
            "id": flows["id"].tolist(),
            "kind": flows["kind"].tolist(),
            "terminal": flow_terminal.tolist(),
            "area": flow_area.tolist(),
            "commodity": flow_commodity.tolist(),
            "origin": flows["origin"].tolist(),
            "destination": flows["destination"].tolist(),
        },
        "count": len(ids),
        "pathless": len(pathless),
    }
    return tables, arrays


def _resources(run: Run, window: ViewWindow) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """Locks, berth groups, yards, gates, rail stages and the airport: their state at every
    step (series in ``arrays`` under ``r<i>_<name>``)."""
    model = run.data.model
    times = _sample_times(window)
    places = model.places.set_index("id")
    vessels = run.events("vessels")
    passages = run.events("passages")
    resources: list[dict[str, Any]] = []
    arrays: dict[str, np.ndarray] = {}

    def add(resource: dict[str, Any], **series: np.ndarray) -> None:
        index = len(resources)
        resource["series"] = []
        for name, values in series.items():
            mean, peak = _reduce(np.asarray(values, dtype=float), window)
            arrays[f"r{index}_{name}"] = mean.astype(np.float32)
            resource["series"].append(name)
            if window.aggregate == "daily":
                arrays[f"r{index}_{name}_max"] = peak.astype(np.float32)
        resources.append(resource)

    def place_xy(place: str) -> tuple[float, float]:
        if place in places.index:
            return float(places.at[place, "lon"]), float(places.at[place, "lat"])
        return math.nan, math.nan

    # locks: ships waiting, ships in a chamber, chambers in use
    lock_count = len(model.locks)
    lock_of = passages["lock"].to_numpy() if not passages.empty else np.zeros(0, int)
    waiting = _instants(
        passages["arrival_h"].to_numpy(dtype=float),
        passages["start_h"].to_numpy(dtype=float),
        times,
        lock_of,
        lock_count,
    )
    inside = _instants(
        passages["start_h"].to_numpy(dtype=float),
        passages["end_h"].to_numpy(dtype=float),
        times,
        lock_of,
        lock_count,
    )
    chambers = model.chambers
    for i, lock in enumerate(model.locks.itertuples(index=False)):
        mine = chambers[chambers["lock"] == lock.id]
        opens = np.nan_to_num(mine["start_h"].to_numpy(dtype=float), nan=-np.inf)
        closes = np.nan_to_num(mine["end_h"].to_numpy(dtype=float), nan=np.inf)
        open_chambers = ((opens[:, None] <= times) & (closes[:, None] > times)).sum(axis=0)
        x, y = place_xy(lock.id)
        add(
            {
                "id": lock.id,
                "kind": "lock",
                "name": _short(lock.name),
                "place": lock.id,
                "area": "",
                "x": x,
                "y": y,
                "capacity": int(lock.chambers),
                "unit": "chambers",
            },
            queue=waiting[i],
            inside=inside[i],
            capacity=open_chambers,
        )
    # berth groups: ships waiting, ships at a berth, berths in service
    groups = model.groups
    group_of = vessels["berth_group"].to_numpy()
    has_berth = ~np.isnan(vessels["berth_arrival_h"].to_numpy(dtype=float))
    group_of = np.where(has_berth & (group_of >= 0), group_of, len(groups))
    queue = _instants(
        vessels["berth_arrival_h"].to_numpy(dtype=float),
        vessels["berth_start_h"].to_numpy(dtype=float),
        times,
        group_of,
        len(groups) + 1,
    )
    at_berth = _instants(
        vessels["berth_start_h"].to_numpy(dtype=float),
        vessels["service_end_h"].to_numpy(dtype=float),
        times,
        group_of,
        len(groups) + 1,
    )
    for g, group in enumerate(groups.itertuples(index=False)):
        start = group.start_h if math.isfinite(group.start_h) else -math.inf
        end = group.end_h if math.isfinite(group.end_h) else math.inf
        in_service = np.where((times >= start) & (times < end), group.berths, 0)
        x, y = place_xy(group.terminal)
        add(
            {
                "id": group.id,
                "kind": "berths",
                "name": f"{_short(places.at[group.terminal, 'name'])} {group.id.split('/')[-1]}"
                if group.terminal in places.index
                else group.id,
                "place": group.terminal,
                "area": group.port_area,
                "x": x,
                "y": y,
                "capacity": int(group.berths),
                "unit": "berths",
            },
            queue=queue[g],
            inside=at_berth[g],
            capacity=in_service,
        )
    # yards: tonnes held
    levels = run.events("yard_levels")
    terminal_area = dict(zip(model.terminals["id"], model.terminals["port_area"], strict=True))
    for y_index, yard in enumerate(model.yards.itertuples(index=False)):
        mine = levels[levels["yard"] == y_index].sort_values("time_h", kind="stable")
        level = _level_at(
            mine["time_h"].to_numpy(dtype=float), mine["level_t"].to_numpy(dtype=float), times
        )
        x, y = place_xy(yard.terminal)
        add(
            {
                "id": yard.id,
                "kind": "yard",
                "name": tr(
                    "{place} yard {yard}",
                    place=_short(places.at[yard.terminal, "name"]),
                    yard=yard.id.split("/")[-1],
                )
                if yard.terminal in places.index
                else yard.id,
                "place": yard.terminal,
                "area": terminal_area.get(yard.terminal, ""),
                "x": x,
                "y": y,
                "capacity": float(yard.capacity_t),
                "unit": "t",
                "cargo": yard.cargo_group,
            },
            level=level,
        )
    # landside stages: trucks or flights in the hour, trains loading and departed in 24 h
    stage_hours = run.events("stage_hours")
    trains = run.events("trains")
    for s, stage in enumerate(model.stages.itertuples(index=False)):
        if stage.kind not in ("gate", "air", "rail"):
            continue
        x, y = place_xy(stage.place)
        name = _short(places.at[stage.place, "name"]) if stage.place in places.index else ""
        base = {
            "id": stage.id,
            "place": stage.place,
            "area": terminal_area.get(stage.place, ""),
            "x": x,
            "y": y,
        }
        if stage.kind in ("gate", "air"):
            mine = stage_hours[stage_hours["stage"] == s]
            vehicle_t = float(stage.vehicle_t) if stage.vehicle_t > 0 else 1.0
            per_hour = _hourly(
                mine["time_h"].to_numpy(dtype=float),
                mine["moved_t"].to_numpy(dtype=float) / vehicle_t,
                times,
            )
            capacity = float(stage.rate_t_per_h) / vehicle_t
            add(
                base
                | {
                    "kind": stage.kind,
                    "name": tr("{place} truck gate", place=name)
                    if stage.kind == "gate"
                    else tr("{place} air cargo", place=name),
                    "capacity": round(capacity, 1),
                    "unit": "trucks/h" if stage.kind == "gate" else "flights/h",
                },
                flow=per_hour,
            )
        else:
            mine = trains[trains["stage"] == s]
            start = mine["start_h"].to_numpy(dtype=float)
            depart = mine["depart_h"].to_numpy(dtype=float)
            loading = _instants(start, depart, times, np.zeros(len(mine), int), 1)[0]
            departed = np.searchsorted(np.sort(depart), times, side="right") - np.searchsorted(
                np.sort(depart), times - 24.0, side="right"
            )
            add(
                base
                | {
                    "kind": "rail",
                    "name": tr("{place} rail siding", place=name),
                    "capacity": 0,
                    "unit": "trains",
                },
                inside=loading,
                flow=departed,
            )
    return resources, arrays


def _link_flows(
    run: Run, window: ViewWindow, track: Waypoints, resources: list[dict[str, Any]]
) -> dict[str, np.ndarray]:
    """Per link and step: vessels sailing it (water, sea), trucks per hour (roads, from the
    gates' hours shared by the tonnes of each road route), train movements in the last 24 h
    (rail) and flights under way (air)."""
    model = run.data.model
    links = model.links
    times = _sample_times(window)
    count = len(links)
    out = np.zeros((count, len(times)), dtype=float)
    # vessels sailing a link: between leaving a place and reaching the next one
    if len(track):
        same = np.r_[track.vessel[1:] == track.vessel[:-1], False]
        next_arrive = np.r_[track.arrive_h[1:], np.nan]
        sailing = same & (track.link >= 0)
        out += _instants(
            track.depart_h[sailing],
            next_arrive[sailing],
            times,
            track.link[sailing],
            count,
        )
    # trucks: each gate's trucks in the hour, shared by the tonnes of its routes on each road
    jobs = run.events("jobs")
    mode_of = dict(zip(links["id"], links["mode"], strict=True))
    index_of = {link: i for i, link in enumerate(links["id"])}
    itineraries = model.itineraries
    terminal_ids = model.terminals["id"].tolist()
    by_route = jobs.groupby(["itinerary", "option"])["tonnes"].sum() if len(jobs) else pd.Series()
    weights: dict[tuple[str, str], dict[int, float]] = {}
    for (itinerary, option), tonnes in by_route.items():
        options = itineraries["landside_links"].iloc[int(itinerary)]
        if int(option) >= len(options):
            continue
        route = options[int(option)]
        terminal = int(itineraries["terminal"].iloc[int(itinerary)])
        place = terminal_ids[terminal] if 0 <= terminal < len(terminal_ids) else ""
        modes = {mode_of.get(link) for link in route}
        for mode, stage_kind in (("road", "gate"), ("air", "air")):
            if mode not in modes:
                continue
            key = (stage_kind, place if stage_kind == "gate" else "")
            share = weights.setdefault(key, {})
            for link in route:
                if mode_of.get(link) == mode:
                    share[index_of[link]] = share.get(index_of[link], 0.0) + float(tonnes)
    sample = np.arange(len(times))
    for resource in resources:
        if resource["kind"] not in ("gate", "air"):
            continue
        key = (resource["kind"], resource["place"] if resource["kind"] == "gate" else "")
        share = weights.get(key, {})
        total = sum(share.values())
        if total <= 0:
            continue
        per_hour = _hourly_series(run, resource["id"], times)
        for link, tonnes in share.items():
            flow = per_hour * tonnes / total
            if resource["kind"] == "air":  # flights under way: per hour x hours in the air
                flow = (
                    flow
                    * float(links["length_km"].iloc[link])
                    / float(links["speed_kmh"].iloc[link])
                )
            out[link, sample] += flow
    # rail: movements on each line in the last 24 hours
    movements = run.events("rail_movements")
    landside = run.data.tables.get("landside")
    rail_ids: list[str] = []
    if landside is not None and "kind" in landside:
        rail_ids = landside.loc[landside["kind"] == "rail line", "place"].tolist()
    if len(movements) and rail_ids and movements["link"].max() < len(rail_ids):
        for i, link_id in enumerate(rail_ids):
            if link_id not in index_of:
                continue
            when = np.sort(movements.loc[movements["link"] == i, "time_h"].to_numpy(dtype=float))
            recent = np.searchsorted(when, times, side="right") - np.searchsorted(
                when, times - 24.0, side="right"
            )
            out[index_of[link_id]] += recent
    mean, peak = _reduce(out, window)
    result = {"link_flow": mean.astype(np.float32)}
    if window.aggregate == "daily":
        result["link_flow_max"] = peak.astype(np.float32)
    return result


def _hourly_series(run: Run, stage_id: str, times: np.ndarray) -> np.ndarray:
    stages = run.data.model.stages
    s = int(np.flatnonzero(stages["id"].to_numpy() == stage_id)[0])
    mine = run.events("stage_hours")
    mine = mine[mine["stage"] == s]
    vehicle_t = float(stages["vehicle_t"].iloc[s]) or 1.0
    return _hourly(
        mine["time_h"].to_numpy(dtype=float),
        mine["moved_t"].to_numpy(dtype=float) / vehicle_t,
        times,
    )


def _trains(run: Run, window: ViewWindow) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Train movements on rail links in the window: the link, when it starts, how long it
    runs (length / speed) and its direction (the engine records that a train occupies the
    line, laden out and empty back, not which way: they alternate)."""
    movements = run.events("rail_movements")
    links = run.data.model.links
    landside = run.data.tables.get("landside")
    empty: dict[str, np.ndarray] = {
        "t_link": np.zeros(0, np.int16),
        "t_start": np.zeros(0),
        "t_run": np.zeros(0),
        "t_forward": np.zeros(0, np.uint8),
    }
    if window.aggregate is not None or landside is None or "kind" not in landside:
        return {"rail_lines": []}, empty
    rail_ids = landside.loc[landside["kind"] == "rail line", "place"].tolist()
    index_of = {link: i for i, link in enumerate(links["id"])}
    if not len(movements) or not rail_ids or movements["link"].max() >= len(rail_ids):
        return {"rail_lines": []}, empty
    link_rows = np.array([index_of.get(link, -1) for link in rail_ids])
    chosen = link_rows[movements["link"].to_numpy()]
    start = movements["time_h"].to_numpy(dtype=float)
    parity = movements.groupby("link").cumcount().to_numpy() % 2
    run_h = (links["length_km"] / links["speed_kmh"]).to_numpy(dtype=float)[chosen]
    keep = (chosen >= 0) & (start + run_h >= window.start_h) & (start <= window.end_h)
    return (
        {"rail_lines": rail_ids},
        {
            "t_link": chosen[keep].astype(np.int16),
            "t_start": start[keep] - window.start_h,
            "t_run": run_h[keep],
            "t_forward": (parity[keep] == 0).astype(np.uint8),
        },
    )


def _in_system(run: Run, window: ViewWindow) -> tuple[np.ndarray, np.ndarray]:
    vessels = run.events("vessels")
    times = _sample_times(window)
    count = _instants(
        vessels["entry_h"].to_numpy(dtype=float),
        vessels["exit_h"].to_numpy(dtype=float),
        times,
        np.zeros(len(vessels), dtype=int),
        1,
    )[0]
    return _reduce(count.astype(float), window)


def _labels(run: Run, links: pd.DataFrame, basemap: dict[str, Any]) -> list[dict[str, Any]]:
    """Name candidates for the map, by priority (0 first); the page places those that fit."""
    places = run.data.model.places
    modelled = set(run.data.model.locks["id"])
    out = []
    for row in places.itertuples(index=False):
        priority = {
            "terminal": 0,
            "gateway": 2,
            "airport": 3,
            "rail_station": 4,
            "logistics_park": 5,
        }.get(row.kind)
        if row.kind == "lock":
            priority = 1 if row.id in modelled else 4
        if priority is None:
            continue
        out.append(
            {
                "text": _short(row.name),
                "x": float(row.lon),
                "y": float(row.lat),
                "kind": row.kind,
                "priority": priority,
                "anchor": True,
            }
        )
    out += [
        {
            "text": localised_name(n["name"], chinese=n.get("name_zh", "")),
            "x": n["x"],
            "y": n["y"],
            "kind": "lake",
            "priority": 2,
        }
        for n in basemap["names"]
    ]
    out += _corridor_labels(links)
    seen: set[str] = set()
    unique = []
    for label in sorted(out, key=lambda item: item["priority"]):
        if label["text"] not in seen:
            seen.add(label["text"])
            unique.append(label)
    return unique


# ---------------------------------------------------------------------------------------


def build_scene(run: Run, window: ViewWindow) -> Scene:
    """Everything the page of ``window`` draws.

    Parameters
    ----------
    run : Run
        One replication of a run (:func:`sim.viewer._source.read_run`).
    window : ViewWindow

    Returns
    -------
    Scene
    """
    model = run.data.model
    track = waypoints(
        model,
        run.events("vessels"),
        run.events("passages"),
        run_end_h=run.end_h,
        start_h=window.start_h,
        end_h=window.end_h,
    )
    link_table, links = _links(run)
    basemap = _basemap()
    resources, arrays = _resources(run, window)
    arrays |= _link_flows(run, window, track, resources)
    mean, peak = _in_system(run, window)
    arrays["total_in_system"] = mean.astype(np.float32)
    if window.aggregate is not None:
        arrays["total_in_system_max"] = peak.astype(np.float32)
    vessel_tables, vessel_arrays = _vessel_tables(run, track, window)
    if window.aggregate is None:
        arrays |= vessel_arrays
    trains_table, train_arrays = _trains(run, window)
    arrays |= train_arrays
    calendar = model.calendar
    origin = calendar.origin.replace(tzinfo=dt.UTC)
    summary = run.data.summary
    bottlenecks = summary.get("bottlenecks") or []
    first = next(
        (b["resource"] for b in bottlenecks if isinstance(b, dict) and b.get("resource")), ""
    )
    commodities = sorted({c for c in model.flows["commodity"] if c})
    places = model.places
    tables: dict[str, Any] = {
        "meta": {
            "scenario": run.data.name,
            "replication": run.number,
            "replications": run.data.replications,
            "seed": summary.get("seed"),
            "verdict": summary.get("headline") or summary.get("verdict") or "",
            "origin_ms": int(origin.timestamp() * 1000),
            "start_h": window.start_h,
            "end_h": window.end_h,
            "step_h": window.step_h,
            "steps": window.steps,
            "aggregate": window.aggregate,
            "run_end_h": run.end_h,
            "warmup_h": model.warmup_h,
            "first_bottleneck": first,
            "source": run.data.source,
            "notes": list(model.notes),
        },
        "places": {
            "id": places["id"].tolist(),
            "name": places["name"].tolist(),
            "kind": places["kind"].tolist(),
            "x": _rounded(places["lon"].to_numpy(dtype=float), 4),
            "y": _rounded(places["lat"].to_numpy(dtype=float), 4),
        },
        "links": link_table,
        "basemap": basemap,
        "labels": _labels(run, links, basemap),
        "resources": resources,
        "classes": model.classes["id"].tolist(),
        "class_dwt": model.classes["dwt_t"].tolist(),
        "commodities": commodities,
        "commodity_colours": [commodity_colour(c) for c in commodities],
        "areas": sorted(set(model.terminals["port_area"])),
        "area_names": {
            area: " / ".join(_short(n) for n in rows["name"])
            for area, rows in model.terminals.groupby("port_area", sort=True)
        },
        "terminals": model.terminals["id"].tolist(),
        "mode_colours": {m: MODE_COLOURS.get(m, "#888888") for m in links["mode"].unique()},
        "vessels": vessel_tables,
        **trains_table,
    }
    return Scene(tables, arrays)
