"""Disruptions: closures stop every passage and service in their window; breakdowns of lock
chambers and cranes take capacity away (same random numbers otherwise)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_engine_features import scenario as quay_scenario

from sim.engine import simulate
from sim.engine.arrivals import draw_arrivals
from sim.model.compile import compile_scenario
from sim.scenario import Scenario, load_scenario


def _baseline_weeks(**operations):
    document = load_scenario("scenarios/huaian_2025_baseline.yaml").model_dump(mode="json")
    document["operations"].update(operations)
    document["run"].update({"horizon_days": 40, "warmup_days": 0})
    return Scenario.model_validate(document)


def test_a_lock_closure_stops_every_lockage_in_its_window():
    closure = {
        "resource": "LOCK_HUAIAN",
        "start": "2025-01-10T00:00",
        "end": "2025-01-12T12:00",
        "reason": "maintenance",
    }
    scenario = _baseline_weeks(closures=[closure], weather={"downtime_days_per_year": 0})
    model = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=0)
    lock = [lock.id for lock in model.locks].index("LOCK_HUAIAN")
    lk = records.lockages
    mine = lk["lock"] == lock
    start, end = (
        model.calendar.hour_of(dt.date(2025, 1, 10)),
        model.calendar.hour_of(dt.datetime(2025, 1, 12, 12)),
    )
    assert end - start == 2.5 * 24.0
    assert mine.sum() > 100
    assert not ((lk["start_h"][mine] >= start) & (lk["start_h"][mine] < end)).any()
    # ships queue during the closure and are served after it
    p = records.passages
    waited = (p["lock"] == lock) & (p["arrival_h"] > start) & (p["arrival_h"] < end)
    assert waited.any() and (p["start_h"][waited] >= end).all()
    other = lk["lock"] != lock
    assert ((lk["start_h"][other] >= start) & (lk["start_h"][other] < end)).any()


def test_a_terminal_closure_stops_every_service_start():
    s = quay_scenario(
        operations={
            "closures": [{"resource": "QUAY", "start": "2025-03-01", "end": "2025-03-04"}],
            "overload_queue_vessels": 100000,
        }
    )
    records = simulate(compile_scenario(s), seed=s.run.seed, replication=0)
    starts = records.vessels["berth_start_h"]
    start, end = (31 + 28) * 24.0, (31 + 28 + 3) * 24.0
    assert not ((starts >= start) & (starts < end)).any()
    assert ((starts >= end) & (starts < end + 1e-6)).any()  # the queue starts at reopening


def test_breakdowns_take_capacity_away():
    plain = quay_scenario()
    broken = quay_scenario(
        operations={
            "breakdowns": [{"resource_kind": "crane", "mtbf_h": 100, "mttr_h": 30}],
            "overload_queue_vessels": 100000,
        }
    )
    a = simulate(compile_scenario(plain), seed=plain.run.seed, replication=0).vessels
    b = simulate(compile_scenario(broken), seed=broken.run.seed, replication=0).vessels
    np.testing.assert_array_equal(a["entry_h"], b["entry_h"])  # same demand
    wait_a = np.nanmean(a["berth_start_h"] - a["berth_arrival_h"])
    wait_b = np.nanmean(b["berth_start_h"] - b["berth_arrival_h"])
    assert wait_b > 2 * wait_a


def test_chamber_breakdowns_lengthen_lock_waits():
    plain = _baseline_weeks(weather={"downtime_days_per_year": 0})
    broken = _baseline_weeks(
        weather={"downtime_days_per_year": 0},
        breakdowns=[
            {
                "resource_kind": "lock_chamber",
                "resources": ["LOCK_HUAIAN"],
                "mtbf_h": 48,
                "mttr_h": 12,
            }
        ],
    )
    model_a, model_b = compile_scenario(plain), compile_scenario(broken)
    a = simulate(model_a, seed=plain.run.seed, replication=0)
    b = simulate(model_b, seed=broken.run.seed, replication=0)
    lock = [lock.id for lock in model_a.locks].index("LOCK_HUAIAN")

    def mean_wait(records):
        p = records.passages
        mine = p["lock"] == lock
        return float((p["start_h"] - p["arrival_h"])[mine].mean())

    assert mean_wait(b) > 1.5 * mean_wait(a)
    assert not any("breakdowns" in note for note in model_b.notes)


def test_low_water_cuts_payloads_and_brings_more_ships_for_the_same_tonnes():
    def year_2028(name):
        document = load_scenario(f"scenarios/{name}.yaml").model_dump(mode="json")
        document["run"].update({"start_year": 2028, "end_year": 2028})
        return Scenario.model_validate(document)

    plan_scenario, low_scenario = (
        year_2028("huaian_2028_plan"),
        year_2028("huaian_2028_low_water_2019"),
    )
    plan, low = compile_scenario(plan_scenario), compile_scenario(low_scenario)
    a = draw_arrivals(plan, seed=plan_scenario.run.seed, replication=0)
    b = draw_arrivals(low, seed=low_scenario.run.seed, replication=0)
    period = low.low_water[0]
    # before the low water both plans see exactly the same ships (common random numbers)
    np.testing.assert_array_equal(
        a.entry_h[a.entry_h < period.start_h], b.entry_h[b.entry_h < period.start_h]
    )

    def inside(arrivals):
        port = np.array([plan.flows[f].kind == "stream" for f in arrivals.flow])
        return port & (arrivals.entry_h >= period.start_h) & (arrivals.entry_h < period.end_h)

    ships_a, ships_b = inside(a).sum(), inside(b).sum()
    tonnes_a, tonnes_b = a.payload_t[inside(a)].sum(), b.payload_t[inside(b)].sum()
    assert ships_b > 1.05 * ships_a
    assert tonnes_b == pytest.approx(tonnes_a, rel=0.02)
    # a 2.9 m ship limited to 2.2 m loads (2.2 - 0.87) / (2.9 - 0.87) = 65.5 % of a full load
    big = next(c for c, vc in enumerate(low.classes) if vc.id == "BULK_II_2000")
    itinerary = next(i for i, it in enumerate(low.itineraries) if it.ship_links)
    assert low.payload_factor(big, itinerary, period) == pytest.approx(
        (2.2 - 0.3 * 2.9) / (2.9 - 0.3 * 2.9)
    )
