"""`hubsim compare` and `sim.runs.compare`: paired deltas from common random numbers, the same
verdicts as `sim.run`, CAPEX against the reference, the JSON document, the folder, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from scipy.stats import t as student_t
from typer.testing import CliRunner

import sim
from sim.analysis.stats import mean_ci
from sim.cli import app
from sim.runs.compare import CompareError, compare, console_table

ROOT = Path(__file__).parents[2]
#: Twenty days of 2028 (after a 3-day warm-up), annualised: a quick look at each plan.
SHORT = "run: {start_year: 2028, end_year: 2028, horizon_days: 20, warmup_days: 3}\n"


@pytest.fixture(scope="module")
def short_plans(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("plans")
    files = []
    for stem in ("huaian_2028_plan", "huaian_2028_no_lock4"):
        path = folder / f"{stem}_short.yaml"
        path.write_text(f"extends: {ROOT / 'scenarios' / stem}.yaml\n{SHORT}", encoding="utf-8")
        files.append(path)
    return files[0], files[1]


def test_paired_deltas_match_two_runs_with_the_same_seed(short_plans, tmp_path):
    plan, no_lock4 = short_plans
    out = tmp_path / "compare"
    result = CliRunner().invoke(
        app,
        [
            *("compare", str(plan), str(no_lock4), "--year", "2028", "-n", "3", "--seed", "7"),
            *("--json", "--out", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"plans", "replications", "seed", "year", "paired"} <= set(document)
    assert (document["replications"], document["seed"], document["year"]) == (3, 7, 2028)
    reference, variant = document["plans"]
    for item in (reference, variant):
        assert {
            "name",
            "file",
            "verdict",
            "reasons",
            "throughput_t",
            "p_target_met",
            "capex_cny",
            "capex_added_cny",
            "cost_cny_per_t",
            "co2_kg_per_t",
            "criteria",
            "bottlenecks",
        } <= set(item)
    assert "vs_reference" not in reference and variant["vs_reference"]["paired"] is True
    assert (
        variant["name"]
        == "Huai'an 2028 plan without the 4th lock chamber (huaian_2028_no_lock4_short)"
    )

    # each plan alone, with the same seed
    alone = [sim.run(path, replications=3, seed=7, keep_records=False) for path in short_plans]
    for item, run in zip((reference, variant), alone, strict=True):
        assert item["verdict"] == run.verdict.verdict
        assert item["throughput_t"]["mean"] == pytest.approx(run.verdict.throughput_t[0])
    differences = np.subtract(alone[1].verdict.per_replication, alone[0].verdict.per_replication)
    delta = variant["vs_reference"]["throughput_t"]
    _, low, high = mean_ci(differences)
    assert delta["mean"] == pytest.approx(differences.mean())
    assert (delta["ci95_low"], delta["ci95_high"]) == pytest.approx((low, high))
    # paired: tighter than the difference of two independent samples would be
    a, b = (np.asarray(r.verdict.per_replication) for r in alone)
    unpaired = student_t.ppf(0.975, 4) * math.sqrt(a.var(ddof=1) / 3 + b.var(ddof=1) / 3)
    assert (high - low) / 2 < unpaired
    # economics: paired as well
    costs = [
        r.per_replication["economics"].sort_values("replication")["cost_cny_per_t"].to_numpy()
        for r in alone
    ]
    assert variant["vs_reference"]["cost_cny_per_t"]["mean"] == pytest.approx(
        (costs[1] - costs[0]).mean()
    )
    # the variant removes the 4th chamber of Huai'an lock (CNY 890 M in the plan)
    assert variant["capex_added_cny"] == -890e6
    assert reference["capex_cny"] - variant["capex_cny"] == 890e6

    # the folder
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "capex_changes.csv",
            "compare.html",
            "comparison.csv",
            "comparison.json",
            "comparison.parquet",
            "comparison.png",
        ]
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging left"
    table = pd.read_parquet(out / "comparison.parquet")
    assert list(table["plan"]) == [reference["name"], variant["name"]]
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "<table>" in page and "One row per plan" in page and "paired" in page
    assert "without the 4th lock chamber" in page
    assert page.count('<img src="data:image/png;base64,') == 1
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_terminal_table_names_every_plan_in_full(short_plans):
    comparison = compare(list(short_plans), replications=2, seed=3)
    console = Console(width=120, record=True)
    console.print(console_table(comparison))
    text = console.export_text()
    assert "…" not in text
    # the plan column, read down the table: every name whole (folded, never cut)
    first_column = "".join(
        line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")
    )
    for plan in comparison.plans:
        assert "".join(plan.name.split()) in first_column.replace(" ", "")
    assert "paired" in text.lower() and "reference" in text
    assert comparison.table["throughput_t_vs_reference"].isna().tolist() == [True, False]


def test_bad_input_exits_2_naming_the_file(short_plans, tmp_path):
    plan, _ = short_plans
    runner = CliRunner()
    one = runner.invoke(app, ["compare", str(plan)])
    assert one.exit_code == 2 and "at least two" in one.output
    missing = tmp_path / "nowhere.yaml"
    gone = runner.invoke(app, ["compare", str(plan), str(missing)])
    assert gone.exit_code == 2 and "nowhere.yaml" in gone.output
    assert "Traceback" not in gone.output
    later = tmp_path / "later.yaml"
    later.write_text(f"extends: {plan}\ntarget: {{year: 2030}}\nrun: {{end_year: 2030}}\n")
    different = runner.invoke(app, ["compare", str(plan), str(later)])
    assert different.exit_code == 2, different.output
    assert "later.yaml: 2030" in different.output and "--year" in different.output
    with pytest.raises(CompareError, match="at least two"):
        compare([plan])
