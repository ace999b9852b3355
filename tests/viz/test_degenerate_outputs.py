"""Valid scenarios whose runs carry almost nothing still give every output: a lock closed for
the whole period (its queue overflows, and the ranking puts it first) and a demand of a
thousandth of the plan's."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "scenarios" / "huaian_2028_plan.yaml"
SHORT = "run: {start_year: 2028, end_year: 2028, horizon_days: 10, warmup_days: 2, replications: 1}"
CASES = {
    "lock_closed": f"""\
extends: {PLAN}
{SHORT}
operations:
  overload_queue_vessels: 5000
  closures:
    - {{resource: LOCK_HUAIAN, start: 2027-01-01, end: 2029-01-01}}
""",
    "almost_no_demand": f"""\
extends: {PLAN}
{SHORT}
demand: {{multiplier: 0.001}}
""",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_chart_table_and_the_report_are_written(tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(CASES[case])
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--charts"])
    # exit 3: a result whose queue overflowed and stopped the run (documented in the README)
    assert result.exit_code == (3 if case == "lock_closed" else 0), result.output
    assert "nan" not in result.output.lower().replace("nanjing", "")
    charts = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert len(charts) >= 15, charts
    assert all((out / "charts" / name).stat().st_size > 5_000 for name in charts)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overflowed"] is (case == "lock_closed")
    ranked = pd.read_parquet(out / "kpi" / "bottlenecks.parquet")
    if case == "lock_closed":  # the queue that stopped the run holds the verdict back first
        first = ranked.iloc[0]
        assert (first["kind"], first["resource"], bool(first["overflowed"])) == (
            "lock",
            "LOCK_HUAIAN",
            True,
        )
        assert "overflowed and stopped the run (1 of 1 replications)" in first["criterion"]
        assert ranked["overflowed"].sum() == 1
    else:
        assert not ranked["overflowed"].any()
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output
    assert (out / "report" / "report.html").stat().st_size > 10_000
    text = (out / "report" / "report.html").read_text(encoding="utf-8")
    for name in charts:  # the report links the charts the run drew
        assert f'<a href="../charts/{name}">' in text
