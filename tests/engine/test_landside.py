"""The landside: yards with dwell, truck gates, trains on sidings and rail lines, airports,
reefer plugs, export cargo, rail-water berths and congestion-aware diversion."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from sim.analysis.kpi import replication_tables
from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.scenario import Scenario

SHIP = {"id": "SHIP", "dwt_t": 1000, "load_factor": 0.8, "load_factor_cv": 0.0}


def quay(**changes: Any) -> dict[str, Any]:
    """A one-terminal scenario without network: 800 t ships every 10 days, 10 h service."""
    document: dict[str, Any] = {
        "name": "landside",
        "network": None,
        "terminals": {
            "QUAY": {
                "berths": [
                    {
                        "id": "B1",
                        "count": 1,
                        "max_vessel_dwt_t": 2000,
                        "commodities": ["COAL"],
                        "service_h": {"distribution": "deterministic", "value_h": 10.0},
                    }
                ],
                "yards": [
                    {"id": "Y", "cargo_group": "dry_bulk", "capacity_t": 50_000, "dwell_days": 1}
                ],
                "gate": {"lanes": 1, "trucks_per_h_per_lane": 4, "truck_payload_t": 25},
            }
        },
        "demand": {
            "base_year": 2025,
            "streams": [
                {
                    "id": "S1",
                    "commodity": "COAL",
                    "terminal": "QUAY",
                    "vessels_per_day": 0.1,
                    "arrivals": {"process": "deterministic"},
                    "vessel_mix": {"SHIP": 1},
                }
            ],
        },
        "fleets": {"vessels": [SHIP]},
        "operations": {"overload_queue_vessels": 100_000},
        "run": {"horizon_days": 100, "warmup_days": 0, "replications": 1, "seed": 3},
    }
    for path, value in changes.items():
        target = document
        *steps, last = path.split("__")
        for step in steps:
            target = target[step]
        target[last] = value
    return document


def one_stream(
    stream_id: str, vessels_per_day: float, *, commodity: str = "COAL", **extra: Any
) -> list[dict[str, Any]]:
    """The single demand stream of a :func:`quay` scenario."""
    return [
        {
            "id": stream_id,
            "commodity": commodity,
            "terminal": "QUAY",
            "vessels_per_day": vessels_per_day,
            "vessel_mix": {"SHIP": 1},
            **extra,
        }
    ]


def run_once(document: dict[str, Any]) -> tuple[Any, Any]:
    scenario = Scenario.model_validate(copy.deepcopy(document))
    model = compile_scenario(scenario)
    return model, simulate(model, seed=scenario.run.seed, replication=0)


def test_unloaded_cargo_dwells_then_leaves_through_the_gate_hour_by_hour():
    _model, records = run_once(quay())
    v = records.vessels
    first = int(np.argmin(v["entry_h"]))
    end = v["service_end_h"][first]
    assert end == pytest.approx(v["entry_h"][first] + 10.0)  # no wait: ships 10 days apart
    ready = end + 24.0  # one day of dwell
    first_batch = math.ceil(ready)
    jobs = records.jobs
    mine = jobs["vessel"] == first
    assert jobs["tonnes"][mine].sum() == pytest.approx(800.0)
    # 100 t an hour through the gate: 8 hourly batches, done at the end of the last one
    assert jobs["done_h"][mine].max() == pytest.approx(first_batch + 8)
    levels = records.yard_levels
    times, level = levels["time_h"], levels["level_t"]
    assert level[0] == pytest.approx(800.0) and times[0] == pytest.approx(v["berth_start_h"][first])
    drop = (times >= first_batch) & (times < first_batch + 8)
    assert np.allclose(np.diff(np.r_[800.0, level[drop]]), -100.0)
    assert np.allclose(times[drop], first_batch + np.arange(8))
    hours = records.stage_hours
    assert (hours["moved_t"] <= hours["capacity_t"] + 1e-9).all()
    assert hours["moved_t"].sum() == pytest.approx(jobs["tonnes"][~np.isnan(jobs["done_h"])].sum())


def test_gate_never_exceeds_its_capacity_and_keeps_its_opening_hours_and_closures():
    document = quay(demand__streams=one_stream("S1", 3.0))
    document["terminals"]["QUAY"]["berths"][0]["count"] = 4
    document["terminals"]["QUAY"]["gate"] = {
        "lanes": 2,
        "trucks_per_h_per_lane": 10,
        "truck_payload_t": 30,
        "hours_per_day": 8,
        "opens_at_h": 8,
    }
    document["operations"]["closures"] = [
        {"resource": "QUAY", "start": "2025-02-01T00:00", "end": "2025-02-03T00:00"}
    ]
    model, records = run_once(document)
    hours = records.stage_hours
    moving = hours["moved_t"] > 0
    assert (hours["moved_t"] <= 600.0 + 1e-9).all()  # 2 lanes x 10 trucks x 30 t
    assert np.isclose(hours["moved_t"], 600.0).sum() > 50  # the gate binds
    assert set(np.unique(hours["time_h"][moving] % 24)) <= set(range(8, 16))
    closed_from = model.calendar.hour_of(dt.date(2025, 2, 1))
    closed = (hours["time_h"] >= closed_from) & (hours["time_h"] < closed_from + 48.0)
    assert hours["moved_t"][closed].sum() == 0
    # 2,400 t a day of demand against 4,800 t of gate a day: it keeps up on average
    table = replication_tables(model, records)["landside"]
    gate = table.set_index("resource").loc["QUAY/gate"]
    assert 0.3 < gate["utilisation"] <= 1.0
    assert gate["vehicles"] == pytest.approx(gate["tonnes"] / 30.0)


def test_loading_ships_wait_for_cargo_only_when_the_landside_is_too_slow():
    def blocked(trucks_per_h: float) -> np.ndarray:
        document = quay(
            demand__streams=one_stream(
                "OUT", 0.5, handling="load", arrivals={"process": "deterministic"}
            )
        )
        document["terminals"]["QUAY"]["gate"]["trucks_per_h_per_lane"] = trucks_per_h
        model, records = run_once(document)
        v = records.vessels
        late = v["entry_h"] > 48  # cargo of the first ships is called before the run starts
        assert model.itineraries[0].handling == "load"
        return v["block_h"][late & ~np.isnan(v["block_h"])]

    assert (blocked(4.0) == 0).all()  # 100 t/h: 8 h for 800 t, well inside the day of lead
    slow = blocked(0.4)  # 10 t/h: 80 h for 800 t, the ship waits for the rest
    assert (slow > 1.0).all()


def test_reefer_plugs_limit_the_reefer_yard():
    def run(plugs: int) -> tuple[Any, Any]:
        document = quay(demand__streams=one_stream("COLD", 1.0, commodity="COLD_CHAIN"))
        quay_ = document["terminals"]["QUAY"]
        quay_["berths"][0]["commodities"] = ["COLD_CHAIN"]
        quay_["berths"][0]["count"] = 3
        quay_["yards"] = [
            {
                "id": "R",
                "cargo_group": "reefer",
                "capacity_t": 100_000,
                "dwell_days": 3,
                "reefer_plugs": plugs,
            }
        ]
        return run_once(document)

    model, records = run(60)
    assert model.yards[0].capacity_t == pytest.approx(1200.0)  # 60 plugs x 20 t
    assert records.yard_levels["level_t"].max() <= 1200.0 + 1e-6
    assert np.nansum(records.vessels["block_h"]) > 100.0
    model, records = run(1000)
    assert model.yards[0].capacity_t == pytest.approx(20_000.0)
    assert np.nansum(records.vessels["block_h"]) == 0.0


def _queue_at(records: Any, model: Any, terminal: int, time_h: float) -> int:
    v = records.vessels
    at = np.array([it.terminal for it in model.itineraries])[v["itinerary"]] == terminal
    waiting = (v["berth_arrival_h"] < time_h) & (
        np.isnan(v["berth_start_h"]) | (v["berth_start_h"] > time_h)
    )
    return int((at & waiting).sum())


def test_ships_divert_to_the_alternative_terminal_only_past_the_threshold():
    document = quay(demand__streams=one_stream("BUSY", 2.6))
    document["terminals"]["QUAY"]["berths"][0]["service_h"] = {
        "distribution": "exponential",
        "mean_h": 9.0,
    }
    document["terminals"]["OTHER"] = copy.deepcopy(document["terminals"]["QUAY"])
    document["run"]["horizon_days"] = 200

    def run(threshold: int) -> tuple[Any, Any]:
        document["operations"]["diversion"] = {
            "enabled": True,
            "queue_threshold_vessels": threshold,
            "alternatives": {"QUAY": ["OTHER"]},
        }
        return run_once(document)

    model, records = run(5)
    v = records.vessels
    diverted = np.flatnonzero(v["diverted"])
    assert len(diverted) > 20
    quay_index, other_index = 0, 1
    for vessel in diverted:
        t = v["entry_h"][vessel]
        assert _queue_at(records, model, quay_index, t) >= 5
        assert _queue_at(records, model, other_index, t) < 5
    stayed = np.flatnonzero(~v["diverted"])
    for vessel in stayed:
        t = v["entry_h"][vessel]
        own = _queue_at(records, model, quay_index, t)
        there = _queue_at(records, model, other_index, t)
        assert own < 5 or there >= 5 or there >= own
    tables = replication_tables(model, records)
    by_terminal = tables["throughput"].groupby("terminal")["tonnes"].sum()
    assert by_terminal["OTHER"] == pytest.approx(
        800.0 * int((v["diverted"] & ~np.isnan(v["service_end_h"])).sum())
    )
    model, records = run(10_000)
    assert not records.vessels["diverted"].any()


NETWORK_PLAN: dict[str, Any] = {
    "name": "rail at Huaiyin",
    "terminals": {
        "HA_HUAIYIN": {
            "berths": [
                {"id": "BULK", "count": 14, "max_vessel_dwt_t": 1000, "commodities": ["COAL"]},
            ],
            "yards": [
                {"id": "DRY", "cargo_group": "dry_bulk", "capacity_t": 400_000, "dwell_days": 2}
            ],
            "gate": {"lanes": 8},
            "rail": {"sidings": 1, "train_handling_h": 5},
        },
        "HA_PH3": {
            "berths": [
                {
                    "id": "RW",
                    "count": 2,
                    "max_vessel_dwt_t": 2000,
                    "commodities": ["COAL"],
                    "rail_water": True,
                },
            ],
            "yards": [
                {"id": "DRY", "cargo_group": "dry_bulk", "capacity_t": 400_000, "dwell_days": 2}
            ],
            "rail": {"sidings": 2, "train_handling_h": 3},
        },
    },
    "demand": {
        "base_year": 2025,
        "streams": [
            {
                "id": "COAL_HY",
                "commodity": "COAL",
                "origin": "GW_XUZHOU",
                "terminal": "HA_HUAIYIN",
                "destination": "HL_HUAIAN_URBAN",
                "annual_t": 12_000_000,
                "landside_split": {"rail": 0.5, "road": 0.5},
                "vessel_mix": {"BULK_III_1000": 1},
            },
            {
                "id": "COAL_RW",
                "commodity": "COAL",
                "origin": "GW_XUZHOU",
                "terminal": "HA_PH3",
                "destination": "HL_SUQIAN_SHUYANG_NORTH",
                "annual_t": 1_000_000,
                "landside_modes": ["rail"],
                "vessel_mix": {"BULK_II_2000": 1},
            },
        ],
    },
    "run": {"horizon_days": 60, "warmup_days": 0, "replications": 1, "seed": 5},
}


def network_run(**operations: Any) -> tuple[Any, Any]:
    document = copy.deepcopy(NETWORK_PLAN)
    document["operations"] = operations
    scenario = Scenario.model_validate(document)
    model = compile_scenario(scenario)
    return model, simulate(model, seed=scenario.run.seed, replication=0)


@pytest.fixture(scope="module")
def rail_run() -> tuple[Any, Any]:
    return network_run()


def test_trains_keep_to_line_capacity_sidings_and_train_size(rail_run):
    model, records = rail_run
    trains, moves = records.trains, records.rail_movements
    assert len(trains["tonnes"]) > 50
    payload = {i: s.vehicle_t for i, s in enumerate(model.stages)}
    assert all(
        t <= payload[s] + 1e-6 for s, t in zip(trains["stage"], trains["tonnes"], strict=True)
    )
    for i, link in enumerate(model.rail_links):
        times = np.sort(moves["time_h"][moves["link"] == i])
        assert len(times) and np.diff(times).min() >= link.headway_h - 1e-9
    huaiyin = next(i for i, s in enumerate(model.stages) if s.id == "HA_HUAIYIN/rail")
    mine = trains["stage"] == huaiyin
    start, depart = trains["start_h"][mine], trains["depart_h"][mine]
    assert (np.diff(start) >= 0).all()
    assert (start[1:] >= depart[:-1] - 1e-9).all()  # one siding: one train at a time
    assert (depart - start >= 5.0 - 1e-9).all()
    # the spur R_SP_03 (8 movements a day) is what holds the trains back: well used
    table = replication_tables(model, records)["landside"].set_index("resource")
    assert table.loc["rail link R_SP_03", "utilisation"] > 0.8


def test_tonnes_are_conserved_across_all_modes(rail_run):
    model, records = rail_run
    jobs, v = records.jobs, records.vessels
    unloaded = v["service_end_h"] <= records.end_h  # handling ended within the run
    assert jobs["tonnes"].sum() == pytest.approx(v["payload_t"][unloaded].sum())
    done = ~np.isnan(jobs["done_h"])
    invariants = records.invariants
    assert invariants["landside_tonnes_done"] + invariants[
        "landside_tonnes_in_system"
    ] == pytest.approx(jobs["tonnes"].sum())
    tables = replication_tables(model, records)
    split = tables["modal_split"].set_index("landside")
    counted = done & (jobs["done_h"] >= model.calendar.warmup_h)  # after the warm-up
    assert split["tonnes"].sum() == pytest.approx(jobs["tonnes"][counted].sum())
    # half of Huaiyin's coal by rail, half by road (and Phase III's all by rail)
    transport = tables["transport"].set_index("mode")
    assert transport.loc["rail", "tonnes"] > 0 and transport.loc["road", "tonnes"] > 0


def test_rail_water_berth_puts_cargo_straight_on_trains(rail_run):
    model, records = rail_run
    jobs = records.jobs
    ph3 = next(i for i, y in enumerate(model.yards) if y.id == "HA_PH3/DRY")
    assert jobs["direct"].any()
    levels = records.yard_levels
    assert (levels["yard"] != ph3).all()  # the yard of phase III is never used
    direct = jobs["direct"]
    assert np.allclose(
        jobs["ready_h"][direct], records.vessels["service_end_h"][jobs["vessel"][direct]]
    )  # no dwell


def test_cargo_switches_from_rail_to_road_only_past_the_landside_threshold(rail_run):
    _, records = rail_run
    assert not records.jobs["diverted"].any()  # diversion off
    model, records = network_run(diversion={"enabled": True, "landside_queue_threshold_t": 20_000})
    jobs = records.jobs
    assert jobs["diverted"].any()
    modes = np.array(
        [
            model.itineraries[i].landside[o].mode
            for i, o in zip(jobs["itinerary"], jobs["option"], strict=False)
        ]
    )
    assert set(modes[jobs["diverted"]]) == {"road"}
    model, records = network_run(diversion={"enabled": True, "landside_queue_threshold_t": 1e8})
    assert not records.jobs["diverted"].any()


def test_air_cargo_is_limited_by_airport_slots():
    document = copy.deepcopy(NETWORK_PLAN)
    document["terminals"] = {
        "HA_HUANGMA": {
            "berths": [
                {"id": "C", "count": 2, "max_vessel_dwt_t": 2000, "commodities": ["COLD_CHAIN"]}
            ],
            "yards": [
                {
                    "id": "R",
                    "cargo_group": "reefer",
                    "capacity_t": 20_000,
                    "dwell_days": 1,
                    "reefer_plugs": 1000,
                }
            ],
            "gate": {"lanes": 4},
        }
    }
    document["airports"] = {
        "AP_JINHU_GA": {"slots_per_day": 24, "hours_per_day": 12, "payload_t_per_flight": 0.5}
    }
    document["demand"]["streams"] = [
        {
            "id": "COLD",
            "commodity": "COLD_CHAIN",
            "origin": "GW_YANGSHAN",
            "terminal": "HA_HUANGMA",
            "destination": "HL_XUYI_JINHU_SOUTH",
            "annual_t": 200_000,
            "landside_split": {"road": 0.9, "air": 0.1},
            "vessel_mix": {"CONT_120TEU_RS": 1},
        }
    ]
    scenario = Scenario.model_validate(document)
    model = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=0)
    air = next(i for i, s in enumerate(model.stages) if s.kind == "air")
    hours = records.stage_hours
    mine = hours["stage"] == air
    assert (hours["moved_t"][mine] <= 1.0 + 1e-9).all()  # 2 flights an hour x 0.5 t
    # 10 % of 200 kt is ~55 t a day; the airfield flies 12 t a day: always at capacity
    open_hours = mine & (hours["capacity_t"] > 0)
    assert np.isclose(hours["moved_t"][open_hours], 1.0).mean() > 0.9


def test_broken_gate_lanes_cut_the_gate_capacity():
    document = quay(demand__streams=one_stream("S1", 3.0))
    document["terminals"]["QUAY"]["berths"][0]["count"] = 4
    document["terminals"]["QUAY"]["gate"] = {
        "lanes": 2,
        "trucks_per_h_per_lane": 10,
        "truck_payload_t": 30,
    }
    document["operations"]["breakdowns"] = [
        {"resource_kind": "gate", "mtbf_h": 100.0, "mttr_h": 20.0}
    ]
    _, records = run_once(document)
    hours = records.stage_hours
    capacities = set(np.round(hours["capacity_t"], 6))
    assert capacities <= {300.0, 600.0}  # one lane of two down, or both up
    assert 300.0 in capacities and 600.0 in capacities
    assert (hours["moved_t"] <= hours["capacity_t"] + 1e-9).all()


def test_containers_go_by_container_train_bulk_by_bulk_train():
    document = copy.deepcopy(NETWORK_PLAN)
    document["terminals"]["HA_PH3"]["berths"].append(
        {"id": "CONT", "count": 2, "max_vessel_dwt_t": 2000, "commodities": ["CONTAINER"]}
    )
    document["terminals"]["HA_PH3"]["yards"].append(
        {"id": "CY", "cargo_group": "container", "capacity_t": 100_000, "dwell_days": 1}
    )
    document["demand"]["streams"].append(
        {
            "id": "BOXES",
            "commodity": "CONTAINER",
            "origin": "GW_YANGSHAN",
            "terminal": "HA_PH3",
            "destination": "HL_SUQIAN_SHUYANG_NORTH",
            "annual_t": 1_000_000,
            "landside_modes": ["rail"],
            "vessel_mix": {"CONT_120TEU_RS": 1},
        }
    )
    scenario = Scenario.model_validate(document)
    model = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=0)
    boxes = next(i for i, f in enumerate(model.flows) if f.id == "BOXES")
    option = model.itineraries[model.flows[boxes].itineraries[0]].landside[0]
    assert option.mode == "rail" and option.train_t == 1210.0
    ph3 = next(i for i, s in enumerate(model.stages) if s.id == "HA_PH3/rail")
    mine = records.trains["stage"] == ph3
    tonnes, capacity = records.trains["tonnes"][mine], records.trains["capacity_t"][mine]
    assert set(capacity) == {1210.0, 3500.0}  # container trains and bulk trains
    assert (tonnes <= capacity + 1e-6).all()
    assert np.isclose(tonnes[capacity == 1210.0], 1210.0).sum() > 20


def test_relief_adds_a_gate_lane_a_siding_train_paths_or_flight_slots():
    from sim.runs.capacity import _relieved

    document = copy.deepcopy(NETWORK_PLAN)
    document["airports"] = {"AP_JINHU_GA": {"slots_per_day": 40}}
    plan = Scenario.model_validate(document)
    gate, text = _relieved(plan, "gate", "HA_HUAIYIN/gate") or (None, "")
    assert gate is not None and gate.terminals["HA_HUAIYIN"].gate.lanes == 9
    assert text == "one more gate lane at HA_HUAIYIN"
    rail, _ = _relieved(plan, "rail", "HA_HUAIYIN/rail") or (None, "")
    assert rail is not None and rail.terminals["HA_HUAIYIN"].rail.sidings == 2
    line, _ = _relieved(plan, "rail line", "rail link R_SP_03") or (None, "")
    assert line is not None and line.links["R_SP_03"].capacity_movements_per_day == 10.0
    air, _ = _relieved(plan, "air", "AP_JINHU_GA/air") or (None, "")
    assert air is not None and air.airports["AP_JINHU_GA"].slots_per_day == 50.0
    assert _relieved(plan, "rail", "RS_YUANBEI/rail") is None  # a station: ample sidings


def test_an_overflow_found_while_ships_choose_their_terminal_loses_no_ship():
    document = quay(demand__streams=one_stream("FLOOD", 20.0))
    document["terminals"]["OTHER"] = copy.deepcopy(document["terminals"]["QUAY"])
    document["operations"] = {
        "overload_queue_vessels": 30,
        "diversion": {
            "enabled": True,
            "queue_threshold_vessels": 3,
            "alternatives": {"QUAY": ["OTHER"]},
        },
    }
    _, records = run_once(document)  # the census of check_invariants runs inside
    assert records.overload is not None
    assert records.vessels["diverted"].any()
