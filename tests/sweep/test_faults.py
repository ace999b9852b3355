"""A worker that dies and runs that raise do not stop a sweep: dead workers' chunks and failed
runs are retried once; runs that fail twice are stored as error rows with their message."""

from __future__ import annotations

import pandas as pd

from sim.sweep import analyse, comparable, load_sweep, run_sweep
from sim.sweep.tasks import FAULT_VARIABLE


def test_dead_worker_and_raising_runs(quay_sweep, tmp_path, monkeypatch):
    plan = load_sweep(quay_sweep)
    reference = comparable(run_sweep(plan, tmp_path / "clean", workers=1).runs)
    dies, flaky, broken = (v.id for v in plan.variants[:3])
    monkeypatch.setenv(FAULT_VARIABLE, f"exit:{dies};raise:{flaky};raise-always:{broken}")
    result = run_sweep(plan, tmp_path / "faulty", workers=2)
    runs = result.runs
    assert len(runs) == len(reference)  # the sweep completed: no key lost, none twice
    good = runs["variant"] != broken
    # the chunks of a dead worker and the runs that raised once were retried and agree
    pd.testing.assert_frame_equal(
        comparable(runs[good]), reference[reference["variant"] != broken].reset_index(drop=True)
    )
    assert (runs.loc[runs["variant"] == dies, "attempts"] >= 2).all()
    assert (runs.loc[runs["variant"] == flaky, "attempts"] == 2).all()
    assert (runs.loc[runs["variant"] == plan.variants[3].id, "attempts"] == 1).any()
    failed = runs[~good]
    assert (failed["status"] == "error").all()
    assert failed["error"].str.contains(f"test fault \\({FAULT_VARIABLE}=raise-always\\)").all()
    assert (failed["attempts"] == 2).all() and failed["throughput_t"].isna().all()
    table = analyse(plan, runs).table.set_index("variant")
    assert table.loc[broken, "errors"] == 9 and table.loc[broken, "runs"] == 0
    assert table.loc[dies, "errors"] == 0


def test_faults_never_fire_in_the_planners_process(quay_sweep, tmp_path, monkeypatch):
    plan = load_sweep(quay_sweep)
    monkeypatch.setenv(FAULT_VARIABLE, f"exit:{plan.variants[0].id}")
    runs = run_sweep(plan, tmp_path / "inline", workers=1).runs
    assert (runs["status"] == "ok").all()
