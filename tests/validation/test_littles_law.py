"""Little's law at a lock and at berths, and conservation of tonnes, on the tiny canal with
random arrivals: the time-average number present (sampled on a grid) equals arrival rate x
mean time present within the replications' 99 % confidence interval."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from test_canal_timeline import _scenario, _write_canal

from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.scenario import Scenario


def _number_present(arrival: np.ndarray, leave: np.ndarray, grid: np.ndarray) -> float:
    arrived = np.searchsorted(np.sort(arrival), grid, side="right")
    left = np.searchsorted(np.sort(leave), grid, side="right")
    return float((arrived - left).mean())


def _within_ci(differences: list[float]) -> bool:
    data = np.asarray(differences)
    half = stats.t.ppf(0.995, len(data) - 1) * data.std(ddof=1) / np.sqrt(len(data))
    return abs(data.mean()) <= half


def test_littles_law_at_lock_and_berth(tmp_path):
    data = _write_canal(tmp_path / "data")
    base = _scenario(data, "fcfs").model_dump(mode="json", exclude_none=True)
    base["demand"]["streams"][0].update(
        {"arrivals": {"process": "poisson"}, "vessels_per_day": 6.0}
    )
    del base["demand"]["streams"][0]["annual_t"]
    base["terminals"]["T_PORT"]["berths"][0].update(
        {"count": 2, "service_h": {"distribution": "exponential", "mean_h": 5.0}}
    )
    base["run"] = {"horizon_days": 120, "warmup_days": 10, "replications": 6, "seed": 5}
    scenario = Scenario.model_validate(base)
    model = compile_scenario(scenario)
    lock_gap, berth_gap = [], []
    for replication in range(6):
        records = simulate(model, seed=scenario.run.seed, replication=replication)
        low, high = 240.0, records.end_h
        grid = np.linspace(low, high, 20_000)
        # lock: everyone who passed, from arrival at the lock to leaving the chamber
        p = records.passages
        sampled = _number_present(p["arrival_h"], p["end_h"], grid)
        inside = (p["arrival_h"] >= low) & (p["arrival_h"] < high)
        rate = inside.sum() / (high - low)
        lock_gap.append(sampled - rate * float((p["end_h"] - p["arrival_h"])[inside].mean()))
        # berths: from arrival at the terminal to the end of handling
        v = records.vessels
        served = ~np.isnan(v["service_end_h"])
        sampled = _number_present(v["berth_arrival_h"][served], v["service_end_h"][served], grid)
        inside = served & (v["berth_arrival_h"] >= low) & (v["berth_arrival_h"] < high)
        rate = inside.sum() / (high - low)
        time_present = (v["service_end_h"] - v["berth_arrival_h"])[inside].mean()
        berth_gap.append(sampled - rate * float(time_present))
        invariants = records.invariants
        assert invariants["tonnes_created"] == pytest.approx(
            invariants["tonnes_crossed_quay"] + invariants["tonnes_in_system"], rel=1e-12
        )
    assert _within_ci(lock_gap), lock_gap
    assert _within_ci(berth_gap), berth_gap


def test_tonnes_are_conserved_on_the_baseline():
    from sim.scenario import load_scenario

    scenario = load_scenario("scenarios/huaian_2025_baseline.yaml")
    scenario = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"horizon_days": 45, "warmup_days": 5})}
    )
    model = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=0)
    v = records.vessels
    port = np.array([model.flows[f].kind == "stream" for f in v["flow"]])
    entered = v["entry_h"] <= records.end_h
    crossed = v["service_end_h"] <= records.end_h
    created = v["payload_t"][entered & port].sum()
    assert created > 5e6  # a real load
    assert created == np.float64(records.invariants["tonnes_created"])
    assert np.isclose(
        created,
        v["payload_t"][entered & port & crossed].sum()
        + v["payload_t"][entered & port & ~crossed].sum(),
    )
    # every lockage carried what its ships carried
    p = records.passages
    assert np.isclose(records.lockages["tonnes"].sum(), v["payload_t"][p["vessel"]].sum())
