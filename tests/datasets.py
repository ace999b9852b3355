"""A tiny hand-made dataset for routing and validation tests, written to a folder on demand.

Layout (lon/lat near 33 N; lengths are given explicitly so costs are easy to compute by hand)::

    GW_SEA --W1 50 km-- J_A --W2 20 km-- LOCK_A --W3 30 km-- T_BIG --RL1 10 km-- RS_X
      |                   \\                                  |  (road R1 25 km)    | RL2 12 km
      |                    W4 60 km (max 1000 t)             HL_CITY --------------+
      |                      T_SMALL --R2 20 km (road)-------'
      '-------------------------- R3 130 km (road) -----------'
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any

POINTS = {
    "GW_SEA": (120.0, 33.0),
    "J_A": (119.5, 33.0),
    "LOCK_A": (119.3, 33.0),
    "T_BIG": (119.0, 33.0),
    "T_SMALL": (119.0, 33.2),
    "HL_CITY": (118.8, 33.1),
    "RS_X": (118.9, 33.0),
}


def _node(
    node_id: str,
    kind: str,
    modes: str,
    transfer_h: float = 0.0,
    transfer_cost: float = 0.0,
    port_area: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "node_id": node_id,
            "name": node_id.title(),
            "name_zh": "",
            "kind": kind,
            "port_area": port_area,
            "modes": modes,
            "transfer_h": transfer_h,
            "transfer_cost_cny_per_t": transfer_cost,
            "coord_uncertainty_km": 0.0,
            "source": "TEST",
        },
        "geometry": {"type": "Point", "coordinates": list(POINTS[node_id])},
    }


def _link(
    link_id: str,
    a: str,
    b: str,
    mode: str,
    length_km: float,
    speed_kmh: float,
    cost: float,
    co2: float,
    dwt: float | None = None,
) -> dict[str, Any]:
    water = mode in ("water", "sea")
    middle = [(POINTS[a][0] + POINTS[b][0]) / 2, (POINTS[a][1] + POINTS[b][1]) / 2 + 0.01]
    return {
        "type": "Feature",
        "properties": {
            "link_id": link_id,
            "from_node": a,
            "to_node": b,
            "mode": mode,
            "corridor": "test",
            "length_km": length_km,
            "speed_kmh": speed_kmh,
            "capacity_movements_per_day": 100.0,
            "waterway_class": "II" if water else None,
            "max_vessel_dwt_t": dwt if water else None,
            "max_draught_m": None,
            "cost_cny_per_tkm": cost,
            "co2_kg_per_tkm": co2,
            "source": "TEST",
        },
        "geometry": {
            "type": "LineString",
            "coordinates": [list(POINTS[a]), middle, list(POINTS[b])],
        },
    }


def tiny() -> dict[str, Any]:
    """The tiny dataset as plain data: ``{"nodes": FeatureCollection, ..., "berths": rows}``."""
    nodes = [
        _node("GW_SEA", "gateway", "water;sea;road", 2.0, 5.0),
        _node("J_A", "junction", "water"),
        _node("LOCK_A", "lock", "water"),
        _node("T_BIG", "terminal", "water;road;rail", 5.0, 10.0, "HUAIAN"),
        _node("T_SMALL", "terminal", "water;road", 3.0, 8.0, "HUANGMA"),
        _node("HL_CITY", "hinterland", "road;rail"),
        _node("RS_X", "rail_station", "rail;road", 1.0, 2.0),
    ]
    links = [
        _link("W1", "GW_SEA", "J_A", "water", 50, 10, 0.04, 0.02, 3000),
        _link("W2", "J_A", "LOCK_A", "water", 20, 10, 0.04, 0.02, 3000),
        _link("W3", "LOCK_A", "T_BIG", "water", 30, 10, 0.04, 0.02, 3000),
        _link("W4", "J_A", "T_SMALL", "water", 60, 10, 0.04, 0.02, 1000),
        _link("R1", "T_BIG", "HL_CITY", "road", 25, 50, 0.4, 0.08),
        _link("R2", "T_SMALL", "HL_CITY", "road", 20, 50, 0.4, 0.08),
        _link("R3", "GW_SEA", "HL_CITY", "road", 130, 65, 0.4, 0.08),
        _link("RL1", "T_BIG", "RS_X", "rail", 10, 60, 0.15, 0.015),
        _link("RL2", "RS_X", "HL_CITY", "rail", 12, 60, 0.15, 0.015),
    ]
    return {
        "nodes": {"type": "FeatureCollection", "features": nodes},
        "links": {"type": "FeatureCollection", "features": links},
        "locks": [
            {
                "lock_id": "LOCK_A",
                "chamber_id": "C1",
                "length_m": 230,
                "width_m": 23,
                "sill_depth_m": 5,
                "status": "existing",
                "commissioning_year": 1990,
                "levelling_min": 12,
                "source": "TEST",
            },
        ],
        "vessel_classes": [
            {
                "vessel_class_id": "BULK_1000",
                "description": "1000 t",
                "dwt_t": 1000,
                "length_m": 60,
                "beam_m": 10.8,
                "loaded_draught_m": 2.6,
                "speed_kmh": 10,
                "teu_capacity": 0,
                "sea_going": "false",
                "source": "TEST",
            },
            {
                "vessel_class_id": "BULK_2000",
                "description": "2000 t",
                "dwt_t": 2000,
                "length_m": 75,
                "beam_m": 14,
                "loaded_draught_m": 3.0,
                "speed_kmh": 10,
                "teu_capacity": 0,
                "sea_going": "false",
                "source": "TEST",
            },
        ],
        "vehicles": [
            {
                "vehicle_id": "TRUCK",
                "mode": "road",
                "description": "truck",
                "payload_t": 30,
                "teu_capacity": 2,
                "speed_kmh": 60,
                "source": "TEST",
            },
        ],
        "commodities": [
            {
                "commodity_id": "COAL",
                "name": "Coal",
                "cargo_group": "dry_bulk",
                "t_per_teu": "",
                "value_cny_per_t": 800,
                "needs_reefer_plug": "false",
                "source": "TEST",
            },
            {
                "commodity_id": "CONTAINER",
                "name": "Containers",
                "cargo_group": "container",
                "t_per_teu": 10,
                "value_cny_per_t": 20000,
                "needs_reefer_plug": "false",
                "source": "TEST",
            },
        ],
        "berths": [
            {
                "terminal_id": "T_BIG",
                "berth_group_id": "B1",
                "berths": 4,
                "max_vessel_dwt_t": 2000,
                "commodities": "COAL;CONTAINER",
                "cranes_per_berth": 2,
                "crane_rate_t_per_h": 300,
                "berthing_h": 4,
                "working_h_per_day": 24,
                "status": "existing",
                "commissioning_year": 2015,
                "source": "TEST",
            },
            {
                "terminal_id": "T_SMALL",
                "berth_group_id": "B1",
                "berths": 2,
                "max_vessel_dwt_t": 1000,
                "commodities": "COAL",
                "cranes_per_berth": 1,
                "crane_rate_t_per_h": 200,
                "berthing_h": 3,
                "working_h_per_day": 22,
                "status": "existing",
                "commissioning_year": 2010,
                "source": "TEST",
            },
        ],
        "yards": [
            {
                "terminal_id": "T_BIG",
                "yard_id": "Y1",
                "cargo_group": "dry_bulk",
                "capacity_t": 100000,
                "reefer_plugs": 0,
                "dwell_days": 7,
                "source": "TEST",
            },
        ],
        "landside": [
            {
                "terminal_id": "T_BIG",
                "gate_lanes": 4,
                "gate_trucks_per_h_per_lane": 30,
                "gate_hours_per_day": 24,
                "rail_sidings": 2,
                "train_handling_h": 4,
                "rail_water_berth": "false",
                "source": "TEST",
            },
            {
                "terminal_id": "T_SMALL",
                "gate_lanes": 2,
                "gate_trucks_per_h_per_lane": 30,
                "gate_hours_per_day": 16,
                "rail_sidings": 0,
                "train_handling_h": 0,
                "rail_water_berth": "false",
                "source": "TEST",
            },
        ],
    }


def write(folder: Path, data: dict[str, Any]) -> Path:
    """Write plain data from :func:`tiny` (possibly altered) as a dataset folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("nodes", "links"):
        (folder / f"{name}.geojson").write_text(json.dumps(data[name]), encoding="utf-8")
    for name, rows in data.items():
        if name in ("nodes", "links"):
            continue
        columns = list(rows[0]) if rows else ["empty"]
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def altered(folder: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """Write the tiny dataset after ``change`` has edited a copy of it in place."""
    data = deepcopy(tiny())
    change(data)
    return write(folder, data)
