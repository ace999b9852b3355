"""One verdict on every surface: the CLI text, --json, the KPI tables, the report banner and a
sweep's store give the same answer for the same reason, on the same whole calendar year.

A quay of two berths fed at 75 % load carries its throughput target easily but its ships wait
about 0.96 x their service time (M/M/2, Erlang C), far over the 0.3 limit: `not met`. The same
demand at four berths waits about 0.03 x: `met`. With the criteria switched off, the first one
is `met` and says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.results.rundata import as_run_data
from sim.sweep.store import read_store

QUAY = {
    "name": "Quay judged",
    "network": None,
    "terminals": {
        "QUAY": {
            "port_area": "TEST",
            "berths": [
                {
                    "id": "B1",
                    "count": 2,
                    "max_vessel_dwt_t": 2000,
                    "commodities": ["COAL"],
                    "service_h": {"distribution": "exponential", "mean_h": 10.0},
                }
            ],
        }
    },
    "demand": {
        "base_year": 2025,
        "streams": [
            {
                "id": "COAL_IN",
                "commodity": "COAL",
                "terminal": "QUAY",
                "handling": "unload",
                "vessels_per_day": 3.6,
                "arrivals": {"process": "poisson"},
                "vessel_mix": {"SHIP": 1},
            }
        ],
    },
    "fleets": {
        "vessels": [
            {
                "id": "SHIP",
                "dwt_t": 2000,
                "length_m": 67.5,
                "beam_m": 13.8,
                "loaded_draught_m": 2.9,
                "load_factor": 1.0,
                "load_factor_cv": 0.0,
            }
        ]
    },
    # 3.6 ships a day of 2,000 t: about 2.6 Mt a year against a 2 Mt target
    "target": {"throughput_t": 2_000_000, "year": 2025},
    "run": {"start_year": 2025, "end_year": 2025, "warmup_days": 20, "replications": 4, "seed": 5},
}

REASON = "QUAY berths B1 (QUAY/B1) wait"


def _write(tmp_path: Path, name: str, *, berths: int = 2, apply: bool = True) -> Path:
    document = json.loads(json.dumps(QUAY))
    document["terminals"]["QUAY"]["berths"][0]["count"] = berths
    if not apply:
        document["service_criteria"] = {"apply": False}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _surfaces(tmp_path: Path, scenario: Path) -> dict[str, object]:
    """The verdict as each surface gives it."""
    runner = CliRunner()
    out = tmp_path / f"{scenario.stem}_out"
    text = runner.invoke(app, ["run", str(scenario), "--out", str(out)])
    assert text.exit_code == 0, text.output
    document = runner.invoke(app, ["run", str(scenario), "--json"])
    assert document.exit_code == 0, document.output
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    banner = re.search(r'<div class="verdict [^"]+" id="verdict">(.*?)</div>', html, re.S)
    assert banner is not None
    sweep = tmp_path / f"{scenario.stem}_sweep.yaml"
    sweep.write_text(
        yaml.safe_dump(
            {
                "name": f"{scenario.stem} sweep",
                "base": scenario.name,
                "levers": [{"id": "QUAY", "options": [{"id": "AS_IS", "cost_cny": 0}]}],
                "replications": 4,
                "seed": 5,
            }
        )
    )
    store = tmp_path / f"{scenario.stem}_store"
    swept = runner.invoke(app, ["sweep", str(sweep), "--out", str(store), "--workers", "1"])
    assert swept.exit_code == 0, swept.output
    return {
        "text": text.output,
        "json": json.loads(document.output),
        "verdict_table": pd.read_csv(out / "kpi" / "verdict.csv"),
        "criteria_table": pd.read_csv(out / "kpi" / "criteria.csv"),
        "banner": banner.group(1),
        "store": read_store(store),
        "comparison": pd.read_csv(store / "comparison.csv"),
        "out": out,
    }


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("failing")
    return _surfaces(tmp, _write(tmp, "two_berths"))


@pytest.fixture(scope="module")
def passing(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("passing")
    return _surfaces(tmp, _write(tmp, "four_berths", berths=4))


def test_throughput_met_but_a_criterion_fails_is_not_met_everywhere(failing):
    document = failing["json"]
    assert document["throughput_t"]["ci95_low"] > document["target_t"]  # carries the tonnes
    assert document["verdict"] == "not met"
    [reason] = [r for r in document["reasons"] if r.startswith("fails:")]
    assert REASON in reason and "limit 0.3" in reason
    [criterion] = [c for c in document["criteria"] if c["resource"] == "QUAY/B1"]
    assert criterion["holds"] is False and criterion["value"]["ci95_low"] > 0.3
    assert document["p_target_met"] == 0.0
    # the CLI text
    assert "verdict: not met" in failing["text"]
    assert f"fails: {REASON}" in failing["text"]
    # the KPI tables
    table = failing["verdict_table"]
    judged = table[table["judged"]].iloc[0]
    assert judged["verdict"] == "not met" and REASON in judged["reasons"]
    criteria = failing["criteria_table"]
    assert not criteria.loc[criteria["resource"] == "QUAY/B1", "holds"].iloc[0]
    # the report banner
    assert "not met" in failing["banner"] and REASON in failing["banner"]
    # the sweep store and its comparison
    store = failing["store"]
    assert len(store) == 4 and not store["target_met"].any() and not store["success"].any()
    assert store["criteria_failures"].str.contains("berths QUAY/B1: waiting/service").all()
    assert (store["throughput_t"] > 2_000_000).all()
    assert failing["comparison"]["p_target_met"].iloc[0] == 0.0
    # the bottleneck ranking leads with the failing berths
    assert document["bottlenecks"][0]["resource"] == "QUAY/B1"
    assert document["bottlenecks"][0]["holds"] is False


def test_the_converse_is_met_everywhere(passing):
    document = passing["json"]
    assert document["verdict"] == "met" and document["p_target_met"] == 1.0
    assert not [r for r in document["reasons"] if r.startswith(("fails:", "may fail:"))]
    assert all(c["holds"] is True for c in document["criteria"])
    assert "verdict: met" in passing["text"]
    table = passing["verdict_table"]
    assert table.loc[table["judged"], "verdict"].iloc[0] == "met"
    assert "met" in passing["banner"] and "not met" not in passing["banner"]
    store = passing["store"]
    assert store["target_met"].all() and store["criteria_met"].all()
    assert passing["comparison"]["p_target_met"].iloc[0] == 1.0


def test_criteria_switched_off_judge_throughput_and_say_so(tmp_path):
    scenario = _write(tmp_path, "criteria_off", apply=False)
    result = CliRunner().invoke(app, ["run", str(scenario), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["verdict"] == "met" and document["criteria_applied"] is False
    assert any("switches its service criteria off" in r for r in document["reasons"])
    # still measured and shown, only not required
    [criterion] = [c for c in document["criteria"] if c["resource"] == "QUAY/B1"]
    assert criterion["holds"] is False


def test_target_year_figure_is_one_number_over_the_whole_calendar_year(failing):
    document = failing["json"]
    mean = document["throughput_t"]["mean"]
    assert document["basis"] == "calendar year" and document["target_year"] == 2025
    # the CLI table's 2025 row and the verdict line
    row = re.search(r"│\s*2025\s*│\s*([\d.,]+)\s*│", failing["text"])
    assert row is not None and row.group(1) == f"{mean / 1e6:,.2f}"
    assert f"carries {mean / 1e6:,.2f} Mt in 2025" in failing["text"]
    # the KPI table and the report's headline
    table = failing["verdict_table"]
    assert table.loc[table["judged"], "throughput_t"].iloc[0] == pytest.approx(mean, rel=1e-12)
    assert f"carries {mean / 1e6:,.2f} Mt in 2025" in failing["banner"]
    # counted from the event records over exactly 1 January - 31 December 2025
    data = as_run_data(failing["out"])
    start, end = data.model.calendar.year_span_h(2025)
    assert end - start == 8760.0
    vessels = data.events["vessels"]
    done = vessels["service_end_h"].between(start, end, inclusive="left")
    per_replication = vessels[done].groupby("replication")["payload_t"].sum()
    assert len(per_replication) == document["replications"]
    assert np.mean(per_replication) == pytest.approx(mean, rel=1e-9)
    # nothing of the warm-up is counted: ships handled before 1 January exist but are left out
    assert (vessels["service_end_h"] < start).any()
