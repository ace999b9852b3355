"""A tiny deterministic canal with one lock: the event timeline worked out by hand.

GW_SEA --10 km-- LOCK_X --5 km-- T_PORT --road-- HL_CITY
ships sail at 10 km/h; the chamber (100 x 12 m, 90 % usable = 1,080 m2) takes two ships of
50 x 10 m; a lockage of n ships takes n x 6 min in + 30 min levelling + n x 3 min out;
one berth, 2 h per call; ships enter at GW_SEA at hours 0, 0.5 and 10.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.scenario import Scenario

POINTS = {
    "GW_SEA": (119.0, 33.0),
    "LOCK_X": (119.1, 33.0),
    "T_PORT": (119.15, 33.0),
    "HL_CITY": (119.2, 33.05),
}


def _write_canal(folder: Path) -> Path:
    folder.mkdir()
    kinds = {
        "GW_SEA": ("gateway", "water;road"),
        "LOCK_X": ("lock", "water"),
        "T_PORT": ("terminal", "water;road"),
        "HL_CITY": ("hinterland", "road"),
    }
    nodes = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(POINTS[n])},
            "properties": {
                "node_id": n,
                "name": n,
                "name_zh": "",
                "kind": k,
                "port_area": "HUAIAN" if k == "terminal" else None,
                "modes": m,
                "transfer_h": 1.0,
                "transfer_cost_cny_per_t": 5.0,
                "coord_uncertainty_km": 0.0,
                "source": "TEST",
            },
        }
        for n, (k, m) in kinds.items()
    ]

    def link(link_id, a, b, mode, km):
        water = mode == "water"
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(POINTS[a]), list(POINTS[b])]},
            "properties": {
                "link_id": link_id,
                "from_node": a,
                "to_node": b,
                "mode": mode,
                "corridor": "test",
                "length_km": km,
                "speed_kmh": 10.0 if water else 50.0,
                "capacity_movements_per_day": 100.0,
                "waterway_class": "III" if water else None,
                "max_vessel_dwt_t": 1000.0 if water else None,
                "max_draught_m": None,
                "cost_cny_per_tkm": 0.05 if water else 0.4,
                "co2_kg_per_tkm": 0.02 if water else 0.08,
                "source": "TEST",
            },
        }

    links = [
        link("W1", "GW_SEA", "LOCK_X", "water", 10.0),
        link("W2", "LOCK_X", "T_PORT", "water", 5.0),
        link("R1", "T_PORT", "HL_CITY", "road", 10.0),
        link("R2", "GW_SEA", "HL_CITY", "road", 100.0),
    ]
    (folder / "nodes.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": nodes})
    )
    (folder / "links.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": links})
    )
    tables = {
        "locks.csv": "lock_id,chamber_id,length_m,width_m,sill_depth_m,status,"
        "commissioning_year,levelling_min,source\n"
        "LOCK_X,C1,100,12,4,existing,2000,30,TEST\n",
        "vessel_classes.csv": "vessel_class_id,description,dwt_t,length_m,beam_m,"
        "loaded_draught_m,speed_kmh,teu_capacity,sea_going,source\n"
        "SHIP,test ship,1000,50,10,2.5,10,0,false,TEST\n",
        "vehicles.csv": "vehicle_id,mode,description,payload_t,teu_capacity,speed_kmh,source\n"
        "TRUCK,road,truck,30,2,60,TEST\n",
        "commodities.csv": "commodity_id,name,cargo_group,t_per_teu,value_cny_per_t,"
        "needs_reefer_plug,source\nCOAL,Coal,dry_bulk,,800,false,TEST\n",
        "berths.csv": "terminal_id,berth_group_id,berths,max_vessel_dwt_t,commodities,"
        "cranes_per_berth,crane_rate_t_per_h,berthing_h,working_h_per_day,status,"
        "commissioning_year,source\n"
        "T_PORT,B1,1,1000,COAL,1,500,0,24,existing,2000,TEST\n",
        "yards.csv": "terminal_id,yard_id,cargo_group,capacity_t,reefer_plugs,dwell_days,source\n",
        "landside.csv": "terminal_id,gate_lanes,gate_trucks_per_h_per_lane,gate_hours_per_day,"
        "rail_sidings,train_handling_h,rail_water_berth,source\n"
        "T_PORT,2,30,24,0,0,false,TEST\n",
    }
    for name, text in tables.items():
        (folder / name).write_text(text)
    return folder


def _scenario(data: Path, policy: str) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "tiny canal",
            "network": {"data": str(data)},
            "terminals": {
                "T_PORT": {
                    "berths": [
                        {
                            "id": "B1",
                            "count": 1,
                            "max_vessel_dwt_t": 1000,
                            "commodities": ["COAL"],
                            "service_h": {"distribution": "deterministic", "value_h": 2.0},
                        }
                    ]
                }
            },
            "locks": {
                "LOCK_X": {
                    "chambers": [{"id": "C1", "length_m": 100, "width_m": 12, "levelling_min": 30}],
                    "vessel_move_min": 6,
                    "area_use_max": 0.9,
                    "fill_max_wait_h": 1.0,
                }
            },
            "demand": {
                "base_year": 2025,
                "streams": [
                    {
                        "id": "COAL_IN",
                        "commodity": "COAL",
                        "origin": "GW_SEA",
                        "terminal": "T_PORT",
                        "destination": "HL_CITY",
                        "annual_t": 1e9,
                        "arrivals": {"process": "scheduled", "weekly_times_h": [0.0, 0.5, 10.0]},
                        "vessel_mix": {"SHIP": 1},
                    }
                ],
            },
            "operations": {"lock_policy": policy},
            "run": {"horizon_days": 2, "warmup_days": 0, "replications": 1, "seed": 1},
        }
    )


@pytest.fixture(scope="module")
def canal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_canal(tmp_path_factory.mktemp("canal") / "data")


def _timeline(canal: Path, policy: str):
    scenario = _scenario(canal, policy)
    return simulate(compile_scenario(scenario), seed=scenario.run.seed, replication=0)


def test_first_come_first_served_timeline(canal):
    records = _timeline(canal, "fcfs")
    v = records.vessels
    np.testing.assert_allclose(v["entry_h"], [0.0, 0.5, 10.0])
    np.testing.assert_allclose(v["payload_t"], [1000.0] * 3)
    np.testing.assert_allclose(v["berth_arrival_h"], [2.15, 3.30, 12.15])
    np.testing.assert_allclose(v["berth_start_h"], [2.15, 4.15, 12.15])
    np.testing.assert_allclose(v["service_end_h"], [4.15, 6.15, 14.15])
    np.testing.assert_allclose(v["exit_h"], [6.30, 8.80, 16.30])
    lk = records.lockages
    expected = [  # start, end, direction, ships
        (1.00, 1.65, 0, 1),  # V0 up
        (1.65, 2.15, 1, 0),  # chamber comes back empty for V1
        (2.15, 2.80, 0, 1),  # V1 up
        (4.65, 5.30, 1, 1),  # V0 down
        (6.65, 7.15, 0, 0),  # chamber goes up empty for V1
        (7.15, 7.80, 1, 1),  # V1 down
        (11.00, 11.65, 0, 1),  # V2 up
        (14.65, 15.30, 1, 1),  # V2 down
    ]
    got = list(
        zip(
            lk["start_h"].round(6),
            lk["end_h"].round(6),
            lk["direction"],
            lk["vessels"],
            strict=True,
        )
    )
    assert got == [(pytest.approx(a), pytest.approx(b), c, d) for a, b, c, d in expected]
    p = records.passages
    waits = dict(
        zip(
            zip(p["vessel"].tolist(), p["direction"].tolist(), strict=True),
            (p["start_h"] - p["arrival_h"]).round(6).tolist(),
            strict=True,
        )
    )
    assert waits == {
        (0, 0): 0.0,
        (1, 0): pytest.approx(0.65),
        (0, 1): 0.0,
        (1, 1): pytest.approx(0.5),
        (2, 0): 0.0,
        (2, 1): 0.0,
    }


def test_wait_to_fill_timeline(canal):
    records = _timeline(canal, "fill")
    v = records.vessels
    # V0 waits for V1 (room for two) until its 1 h limit: both lock up 2.00 -> 2.80
    lk = records.lockages
    assert (lk["start_h"][0], lk["end_h"][0], lk["vessels"][0]) == (
        pytest.approx(2.0),
        pytest.approx(2.80),
        2,
    )
    np.testing.assert_allclose(v["berth_arrival_h"][:2], [3.30, 3.30])
    np.testing.assert_allclose(v["berth_start_h"][:2], [3.30, 5.30])
    np.testing.assert_allclose(v["service_end_h"][:2], [5.30, 7.30])
    assert records.invariants["tonnes_created"] == 3000.0
    assert records.invariants["tonnes_crossed_quay"] == 3000.0


def test_cost_co2_value_and_modal_split_by_hand(canal):
    from sim.analysis.kpi import economics, modal_split, transport

    scenario = _scenario(canal, "fcfs")
    model = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=0)
    # per tonne: water 15 km x 0.05 + road 10 km x 0.4 + port handling 5 = 9.75 CNY;
    # CO2 15 x 0.02 + 10 x 0.08 = 1.1 kg; coal is worth 800 CNY/t; 3 ships x 1000 t
    money = economics(model, records).iloc[0]
    assert money["tonnes"] == 3000.0
    assert money["cost_cny_per_t"] == pytest.approx(9.75)
    assert money["co2_kg_per_t"] == pytest.approx(1.1)
    assert money["value_cny"] == pytest.approx(3000 * 800.0)
    split = modal_split(model, records)
    assert list(split["landside"]) == ["road"] and split["share"].iloc[0] == 1.0
    modes = transport(model, records).set_index("mode")
    assert modes.loc["water", "tonne_km"] == pytest.approx(3000 * 15.0)
    assert modes.loc["road", "tonne_km"] == pytest.approx(3000 * 10.0)
    assert modes.loc["port handling", "cost_cny"] == pytest.approx(3000 * 5.0)
