"""Bad input to `hubsim backtest` exits 2 with one message naming the table, the row and what
is wrong, and no traceback; nothing is simulated first."""

from __future__ import annotations

import pytest
from canal import row, write_table
from typer.testing import CliRunner

from sim.backtest import load_observations
from sim.cli import app


def _exit_2(canal_scenarios, table, *options: str) -> str:
    result = CliRunner().invoke(
        app,
        ["backtest", "--observations", str(table), "--scenarios", str(canal_scenarios), *options],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"months": "13"}, "row OBS_BAD (line 2): months: months must lie within 1-12"),
        ({"months": "6-2"}, "months: months must lie within 1-12, first before last"),
        ({"kpi": "lock_queue"}, "row OBS_BAD (line 2): kpi: expected one of port_throughput_t"),
        ({"unit": "t"}, "unit: lock_lockages is published in 'lockages' (got 't')"),
        ({"band_low": "40"}, "band_low (40) is above band_high (33)"),
        ({"band_low": "", "band_high": ""}, "a band needs at least one bound"),
        ({"value": "many"}, "value: Input should be a valid number"),
        ({"role": "both"}, "role: Input should be 'calibration' or 'validation'"),
        ({"year": "20x5"}, "year: Input should be a valid integer"),
        ({"scenario": "../canal.yaml"}, "scenario: String should match pattern"),
        ({"source": "SUBEI_2025"}, "source: String should match pattern"),
    ],
)
def test_a_malformed_row_names_the_file_row_and_column(canal_scenarios, tmp_path, fields, words):
    table = write_table(tmp_path / "observations.csv", [row(id="OBS_BAD", **fields)])
    text = _exit_2(canal_scenarios, table)
    assert str(table) in text and words in text, text


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"scenario": "calibration_2025.yaml"},
            "row OBS_BAD: scenario calibration_2025.yaml: no such file {scenarios}/"
            "calibration_2025.yaml",
        ),
        ({"year": "2024"}, "row OBS_BAD: 2024 Jan lies outside what {scenarios}/canal.yaml"),
        ({"months": "1-3"}, "2025 Jan-Mar lies outside what {scenarios}/canal.yaml simulates"),
        ({"place": "LOCK_NOWHERE"}, "row OBS_BAD: place LOCK_NOWHERE is neither a node of"),
        ({"place": "PORT"}, "place PORT does not fit kpi lock_lockages (expected a lock node"),
        (
            {"kpi": "port_area_throughput_t", "unit": "t", "tonnage": "cargo"},
            "place LOCK_A does not fit kpi port_area_throughput_t (expected a terminal node",
        ),
        (
            {"kpi": "canal_cargo_carried_t", "unit": "t", "tonnage": "cargo"},
            "place LOCK_A does not fit kpi canal_cargo_carried_t (expected SUBEI_CANAL)",
        ),
    ],
)
def test_a_row_its_scenario_cannot_run_is_bad_input(canal_scenarios, tmp_path, fields, words):
    table = write_table(tmp_path / "observations.csv", [row(), row(id="OBS_BAD", **fields)])
    text = _exit_2(canal_scenarios, table)
    assert str(table) in text and words.format(scenarios=canal_scenarios) in text, text


def test_table_level_problems(canal_scenarios, tmp_path):
    missing = tmp_path / "nope.csv"
    assert f"{missing}: cannot read the table" in _exit_2(canal_scenarios, missing)
    header = tmp_path / "header.csv"
    header.write_text("id,kpi,place\nOBS_A,lock_lockages,LOCK_A\n", encoding="utf-8")
    assert "missing column(s) year, months" in _exit_2(canal_scenarios, header)
    twice = write_table(tmp_path / "twice.csv", [row(), row()])
    assert "row OBS_TEST (line 3): id OBS_TEST is already used on line 2" in _exit_2(
        canal_scenarios, twice
    )
    extra = tmp_path / "extra.csv"
    extra.write_text(twice.read_text().splitlines()[0] + "\n" + ",".join(["x"] * 16) + "\n")
    assert "more fields than the 15 columns" in _exit_2(canal_scenarios, extra)
    empty = write_table(tmp_path / "empty.csv", [])
    assert "no observations (only a header)" in _exit_2(canal_scenarios, empty)
    good = write_table(tmp_path / "good.csv", [row()])
    assert "--scenario calibration_2020: no row of" in _exit_2(
        canal_scenarios, good, "--scenario", "calibration_2020"
    )


def test_bad_numeric_options_exit_2(canal_scenarios, tmp_path):
    good = write_table(tmp_path / "good.csv", [row()])
    for option in (["-n", "0"], ["--workers", "0"]):
        text = _exit_2(canal_scenarios, good, *option)
        assert "Invalid value" in text


def test_the_shipped_table_loads():
    rows = load_observations()
    assert len(rows) >= 10 and len({r.id for r in rows}) == len(rows)
