"""Every numeric CLI flag is bounded: out of range gives exit 2 and a message naming the flag
and its range, before any work (no allocation for a billion replications)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = str(ROOT / "scenarios" / "minimal_single_berth.yaml")
SWEEP = str(ROOT / "scenarios" / "sweep_2028_options.yaml")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["run", MINIMAL, "--replications", "1000000000"], "--replications"),
        (["run", MINIMAL, "--workers", "0"], "--workers"),
        (["run", MINIMAL, "--seed", "-1"], "--seed"),
        (["run", MINIMAL, "--seed", str(2**63)], "--seed"),
        (["run", MINIMAL, "--relief", "1000"], "--relief"),
        (["run", MINIMAL, "--precision", "0"], "--precision"),
        (["capacity", MINIMAL, "--replications", "1000000000"], "--replications"),
        (["capacity", MINIMAL, "--relief", "1000"], "--relief"),
        (["capacity", MINIMAL, "--workers", "100000"], "--workers"),
        (["compare", MINIMAL, MINIMAL, "--replications", "0"], "--replications"),
        (["backtest", "--replications", "5000"], "--replications"),
        (["sweep", SWEEP, "--workers", "100000"], "--workers"),
    ],
)
def test_out_of_range_flag_exits_2(args: list[str], flag: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert flag in result.output and "Invalid value" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("year", ["2200", "1800"])
def test_a_year_the_scenario_does_not_simulate_exits_2(year: str) -> None:
    for command in ("run", "capacity"):
        result = CliRunner().invoke(app, [command, MINIMAL, "--year", year])
        assert result.exit_code == 2, result.output
        assert f"--year {year}: the scenario simulates 2025; choose that year" in result.output
