"""The notebook helpers: shipped scenarios, short-run settings, plans compared, bottlenecks
explained."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import explore
from sim.results.rundata import as_run_data
from sim.viz.measures import resource_label


def test_shipped_scenarios_by_name():
    assert explore.scenario_path("huaian_2028_plan").name == "huaian_2028_plan.yaml"
    with pytest.raises(FileNotFoundError, match="huaian_2025_baseline"):
        explore.scenario_path("huaian_2030_dream")


def test_run_settings_for_one_year_of_the_plan():
    plan = explore.with_run_settings(
        explore.scenario_path("huaian_2028_plan"), year=2028, horizon_days=30, warmup_days=3
    )
    assert (plan.run.start_year, plan.run.end_year) == (2028, 2028)
    assert plan.run.horizon_days == 30 and plan.run.warmup_days == 3


def test_compare_plans_one_row_per_plan(baseline, minimal):
    table = explore.compare_plans({"baseline": baseline, "tiny": minimal})
    assert list(table.index) == ["baseline", "tiny"]
    assert table.at["baseline", "verdict"] == baseline.verdict.verdict
    assert table.at["baseline", "throughput_mt"] == pytest.approx(
        baseline.verdict.throughput_t[0] / 1e6
    )
    # the main bottleneck is the top of the ranking by effect on the verdict
    top = baseline.bottlenecks.iloc[0]
    assert top["rank"] == 1
    label = resource_label(top["kind"], top["resource"], as_run_data(baseline))
    assert table.at["baseline", "main_bottleneck"] == label
    assert 0 < table.at["baseline", "rail_share"] < 1
    assert pd.isna(table.at["tiny", "max_lock_utilisation"])  # no locks


def test_bottlenecks_explained_with_their_relief(baseline_data):
    ranked = baseline_data.tables["bottlenecks"]
    rank = int(ranked.loc[ranked["resource"] == "LOCK_HUAIAN", "rank"].iloc[0])
    sentences = explore.explain_bottlenecks(baseline_data, top=rank)
    assert len(sentences) == rank
    [lock] = [s for s in sentences if "Huai'an lock (lock)" in s]
    assert lock.startswith(f"{rank}. Huai'an lock (lock): its chambers are busy")
    assert "adds +2.50 Mt/yr" in lock
    # a resource judged by a service criterion says whether it holds
    judged = ranked.iloc[0]
    if judged["criterion"]:
        assert "service criterion" in sentences[0]
