"""Dates that do not fit together and unit slips are warned about by validate and carried in a
run's notes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from sim.model.compile import compile_scenario
from sim.scenario import load_scenario
from sim.scenario.checks import scenario_warnings, timing_warnings, unit_warnings

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "scenarios" / "minimal_single_berth.yaml"
LATE = f"""\
extends: {MINIMAL}
terminals:
  QUAY:
    berths:
      - {{id: B1, commissioning: 2025-03-01}}
      - {{id: B9, count: 1, max_vessel_dwt_t: 2000, commodities: [COAL], commissioning: 2031-01-01}}
locks: {{}}
"""
BERTHS_LATE = (
    "stream COAL_IN (COAL at QUAY) flows from 2025-01-01, but no berth group of QUAY handling "
    "COAL is in service until 2025-03-01 (QUAY/B1): its ships are diverted or wait"
)
NEVER = (
    "berth group QUAY/B9 enters service on 2031-01-01, after the simulated period ends "
    "(2025-12-31): it serves no ship in this run"
)


def test_demand_before_its_berths_and_a_berth_after_the_period(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(LATE)
    scenario = load_scenario(path)
    assert timing_warnings(scenario) == [NEVER, BERTHS_LATE]
    assert set(timing_warnings(scenario)) <= set(compile_scenario(scenario).notes)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert f"warning: {NEVER}" in flat and f"warning: {BERTHS_LATE}" in flat


def test_a_stream_whose_berths_never_come_in_the_period(tmp_path: Path) -> None:
    path = tmp_path / "never.yaml"
    path.write_text(LATE.replace("commissioning: 2025-03-01", "commissioning: 2026-06-01"))
    [*_, stream] = timing_warnings(load_scenario(path))
    assert stream.endswith(
        "no berth group of QUAY handling COAL is in service at any time of the simulated "
        "period: its ships are diverted or wait"
    )


def test_the_shipped_scenarios_fit_their_dates() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if path.name.startswith("sweep"):
            continue
        assert scenario_warnings(load_scenario(path)) == [], path.name


def test_million_tonnes_typed_into_a_tonnes_field(tmp_path: Path) -> None:
    path = tmp_path / "slip.yaml"
    path.write_text(
        f"extends: {MINIMAL}\ntarget: {{throughput_t: 86}}\n"
        "demand:\n  streams:\n    - {id: COAL_IN, annual_t: 2.5, vessels_per_day: null}\n"
    )
    assert unit_warnings(load_scenario(path)) == [
        "target.throughput_t is 86 t: did you mean 86 Mt (86_000_000)? The field is in tonnes",
        "COAL_IN carries 2.5 t a year: did you mean 2.5 Mt (2_500_000)? annual_t is in tonnes",
    ]
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: target.throughput_t is 86 t: did you mean 86 Mt" in result.output
