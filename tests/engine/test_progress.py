"""Progress in simulated days: the engine's per-day callback changes no record, is called at
most once a day with increasing days, and `sim.run` reports days over all replications."""

from __future__ import annotations

import math

import numpy as np

from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.runs.run import run
from sim.scenario import load_scenario

BASELINE = "scenarios/huaian_2025_baseline.yaml"


def _baseline_weeks():
    scenario = load_scenario(BASELINE)
    settings = scenario.run.model_copy(update={"horizon_days": 21, "warmup_days": 0})
    return scenario.model_copy(update={"run": settings})


def test_the_day_callback_changes_no_record_and_counts_the_days():
    scenario = _baseline_weeks()
    model = compile_scenario(scenario)
    days: list[int] = []
    plain = simulate(model, seed=scenario.run.seed, replication=0)
    reported = simulate(model, seed=scenario.run.seed, replication=0, on_day=days.append)
    for table in ("vessels", "passages", "lockages", "yard_levels", "jobs", "stage_hours"):
        ours, theirs = getattr(plain, table), getattr(reported, table)
        assert ours.keys() == theirs.keys()
        for column in ours:
            np.testing.assert_array_equal(ours[column], theirs[column], err_msg=column)
    assert len(plain.vessels["entry_h"]) > 1000
    assert (plain.events, plain.end_h) == (reported.events, reported.end_h)
    total = math.ceil(model.calendar.horizon_h / 24.0)
    assert days == sorted(set(days))  # increasing, at most once a day
    assert days[0] >= 1 and days[-1] == total
    assert len(days) >= total - 1  # a busy port has events every day


def test_run_reports_simulated_days_over_all_replications():
    scenario = _baseline_weeks()
    calls: list[tuple[int, int]] = []
    result = run(scenario, replications=2, progress=lambda done, total: calls.append((done, total)))
    assert result.model is not None
    days = math.ceil(result.model.calendar.horizon_h / 24.0)
    assert {total for _, total in calls} == {2 * days}
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 2 * days
    assert days in done and len(set(done)) >= 2 * days - 2  # a step per simulated day
