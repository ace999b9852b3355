"""Comparison statistics and the staged replication rules, on runs whose numbers are known."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sweepfiles import sweep_text
from typer.testing import CliRunner

from sim.analysis.stats import mean_ci
from sim.cli import app
from sim.sweep import load_sweep
from sim.sweep.selection import rinott_h
from sim.sweep.stages import pending_chunks, required_replications
from sim.sweep.summary import comparison_table, wilson
from sim.sweep.tasks import SCHEMA


def _runs(plan, throughput, success=None) -> pd.DataFrame:
    """Synthetic stored runs: ``throughput[variant][sample][replication]``."""
    rows = []
    for variant, by_sample in throughput.items():
        for sample, values in enumerate(by_sample):
            for replication, value in enumerate(values):
                ok = success(variant, sample, replication) if success else value >= 2.5e6
                rows.append(
                    {
                        "variant": variant,
                        "sample": sample,
                        "replication": replication,
                        "seed": plan.sweep.seed,
                        "status": "ok",
                        "error": "",
                        "throughput_t": float(value),
                        "target_met": ok,
                        "criteria_met": True,
                        "success": ok,
                        "overloaded": False,
                        "criteria_failures": "",
                        "calls": 1,
                        "attempts": 1,
                    }
                )
    frame = pd.DataFrame(rows)
    for column in SCHEMA.names:
        if column not in frame:
            frame[column] = np.nan
    return frame


def test_wilson_known_value():
    share, low, high = wilson(9, 10)
    assert share == 0.9 and (low, high) == pytest.approx((0.5958, 0.9821), abs=1e-4)
    assert wilson(0, 10)[1] == 0.0 and wilson(10, 10)[2] == 1.0


def test_comparison_pairs_replications_and_counts_futures(quay_sweep):
    plan = load_sweep(quay_sweep)
    base = [[2.0e6, 2.4e6, 2.2e6], [2.6e6, 3.0e6, 2.8e6], [2.7e6, 3.1e6, 2.9e6]]
    throughput = {
        v.id: [[x + i * 1e5 for x in row] for row in base] for i, v in enumerate(plan.variants)
    }
    table = comparison_table(plan, _runs(plan, throughput), 0.6).set_index("variant")
    last = plan.variants[3].id
    # replication means over the futures: the CI is over those
    means = np.array(base).mean(axis=0) + 3e5
    assert table.loc[last, "throughput_t"] == pytest.approx(means.mean())
    assert table.loc[last, "throughput_t_ci95_low"] == pytest.approx(mean_ci(means)[1])
    # paired with the baseline: a constant shift has a zero-width interval
    assert table.loc[last, "throughput_vs_baseline_t"] == pytest.approx(3e5)
    assert table.loc[last, "throughput_vs_baseline_t_ci95_low"] == pytest.approx(3e5)
    # successes: every run of futures 1 and 2, none of future 0 (3e5 added: 2.3-2.7 Mt)
    assert table.loc[plan.baseline, "p_target_met"] == pytest.approx(6 / 9)
    assert table.loc[plan.baseline, "robustness"] == pytest.approx(2 / 3)
    assert table.loc[last, "p_target_met"] == pytest.approx(8 / 9)


def test_rinott_second_stage_and_precision_goal(tmp_path):
    path = tmp_path / "staged.yaml"
    path.write_text(
        sweep_text(samples=1)
        + "selection: {probability: 0.9, indifference_zone_t: 200000, max_replications: 40}\n"
    )
    plan = load_sweep(path)
    spread = {v.id: 1e5 * (i + 1) for i, v in enumerate(plan.variants)}
    first = {v.id: [[3e6 - spread[v.id], 3e6, 3e6 + spread[v.id]]] for v in plan.variants}
    runs = _runs(plan, first)
    keys = set(zip(runs.variant, runs["sample"], runs.replication, runs.seed, strict=True))
    needed, missing = required_replications(plan, runs, keys)
    h = rinott_h(4, 3, 0.95)
    for variant, s in spread.items():
        assert needed[variant] == min(40, max(3, math.ceil((h * s / 2e5) ** 2)))
    assert len(missing) == sum(n - 3 for n in needed.values())
    chunks = pending_chunks(plan, runs, keys)
    assert sorted(r for c in chunks for r in c.replications) == sorted(k[2] for k in missing)

    precise = tmp_path / "precise.yaml"
    precise.write_text(
        sweep_text(samples=1) + "precision: {half_width_pct: 2.0, max_replications: 12}\n"
    )
    plan = load_sweep(precise)
    flat = {v.id: [[3e6, 3e6 + 1e3, 3e6 - 1e3]] for v in plan.variants}
    flat[plan.variants[0].id] = [[2e6, 3e6, 4e6]]
    runs = _runs(plan, flat)
    keys = set(zip(runs.variant, runs["sample"], runs.replication, runs.seed, strict=True))
    needed, _ = required_replications(plan, runs, keys)
    assert needed[plan.variants[0].id] == 12  # half-width ~83 %: capped at max_replications
    assert all(needed[v.id] == 3 for v in plan.variants[1:])


def test_cli_sweep_writes_table_store_and_charts(quay_sweep, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["sweep", str(quay_sweep), "--workers", "1", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert len(document["variants"]) == 4
    assert document["variants"][0]["variant"] == "BERTHS=2,SERVICE=AS_IS"
    for name in ("comparison.csv", "summary.json", "manifest.json", "variants.csv"):
        assert (out / name).is_file()
    for chart in ("throughput", "cost_frontier", "target_probability"):
        assert (out / "charts" / f"{chart}.png").stat().st_size > 1000
    table = pd.read_csv(out / "comparison.csv")
    assert {"throughput_t_ci95_low", "p_target_met_ci95_high", "robustness"} <= set(table)
    text = CliRunner().invoke(app, ["sweep", str(quay_sweep), "--out", str(out), "--resume"])
    assert text.exit_code == 0 and "0 runs executed, 36 already stored" in text.output
    again = CliRunner().invoke(app, ["sweep", str(quay_sweep), "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output
