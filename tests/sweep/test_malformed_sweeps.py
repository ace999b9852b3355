"""Malformed sweep files get one clear message each: file:line field: expectation; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweepfiles import sweep_text
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import ScenarioError
from sim.sweep import load_sweep


def _errors(tmp_path, text: str) -> list[str]:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_sweep(path)
    return [str(issue) for issue in caught.value.issues]


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_misspelt_field(tmp_path):
    text = sweep_text().replace("replications: 3", "replicatoins: 3")
    [message] = _errors(tmp_path, text)
    assert message.endswith("unknown field; did you mean replications?")
    assert f"bad.yaml:{_line(text, 'replicatoins')} replicatoins" in message


def test_grid_needs_one_cost_per_value(tmp_path):
    text = sweep_text().replace("cost_cny: [0, 50_000_000]", "cost_cny: [0]")
    [message] = _errors(tmp_path, text)
    assert "levers[0].grid: cost_cny needs one cost per value (2 values, 1 costs)" in message


def test_override_path_that_leads_nowhere_is_located_in_the_sweep_file(tmp_path):
    text = sweep_text().replace("terminals.QUAY.berths.B1.service_h", "terminals.QUAY.berths.B9.x")
    messages = _errors(tmp_path, text)
    assert messages == [
        f"{tmp_path / 'bad.yaml'}:{_line(text, 'B9')} overrides.terminals.QUAY.berths.B9.x: "
        "no item 'B9' in terminals.QUAY.berths (ids: B1) (variant BERTHS=2,SERVICE=FASTER, "
        "future 0)"
    ]


def test_invalid_value_from_a_lever_is_located_at_the_lever(tmp_path):
    text = sweep_text().replace("values: [2, 3]", "values: [2, 0]")
    messages = _errors(tmp_path, text)
    assert messages[0] == (
        f"{tmp_path / 'bad.yaml'}:{_line(text, 'values: [2, 0]')} "
        "terminals.QUAY.berths[0].count: must be >= 1 (got 0) (variant BERTHS=0,SERVICE=AS_IS, "
        "future 0)"
    )


def test_an_impossible_date_in_a_patch_is_located_in_the_sweep_file(tmp_path):
    text = sweep_text().replace(
        "          terminals.QUAY.berths.B1.service_h: {mean_h: 8.0}",
        "          terminals.QUAY.berths.B1.commissioning: 2027-02-30",
    )
    [message] = _errors(tmp_path, text)
    line = _line(text, "2027-02-30")
    assert message == (
        f"{tmp_path / 'bad.yaml'}:{line} levers[1].options[1].overrides."
        "terminals.QUAY.berths.B1.commissioning: '2027-02-30' is not a date (day is out of range "
        "for month); write a real day as YYYY-MM-DD"
    )


def test_unknown_baseline_base_and_sampling(tmp_path):
    assert "no variant 'NOPE'" in _errors(tmp_path, sweep_text() + "baseline: NOPE\n")[0]
    missing = sweep_text().replace("minimal_single_berth.yaml", "nowhere.yaml")
    assert "base: scenario file" in _errors(tmp_path, missing)[0]
    no_samples = sweep_text().replace("  samples: 3\n", "")
    assert "latin_hypercube needs samples" in _errors(tmp_path, no_samples)[0]


def test_scale_needs_a_number(tmp_path):
    text = sweep_text().replace(
        "path: demand.streams.COAL_IN.vessels_per_day, range",
        "path: terminals.QUAY.port_area, scale: true, range",
    )
    assert "can only scale a number (the scenario has 'TEST')" in _errors(tmp_path, text)[0]


def test_selection_needs_enough_replications(tmp_path):
    text = sweep_text(replications=1) + (
        "selection: {probability: 0.9, indifference_zone_t: 100000, max_replications: 10}\n"
    )
    assert "selection needs replications >= 2" in _errors(tmp_path, text)[0]


def test_cli_exit_status_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(sweep_text().replace("replications: 3", "replications: zero"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "replications: must be a whole number (got 'zero')" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_messages_keep_brackets_the_user_wrote(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(sweep_text().replace("range: [3.0, 4.2]", "range: [4.2, 3.0]"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "range must be [low, high] with low <= high (got (4.2, 3.0))" in flat


NETWORK_BASE = Path(__file__).parents[1] / "scenario" / "malformed" / "_network_base.yaml"


def test_a_future_that_breaks_a_route_is_an_error_at_load(tmp_path):
    # the berths' size limit is uncertain: in the last future (100 t) the only ships of the
    # stream (BULK_IV_500) no longer fit, which the network check of every future finds
    text = f"""\
name: berth size
base: {NETWORK_BASE}
levers:
  - id: AS_IS
    options: [{{id: PLAN, cost_cny: 0}}]
uncertainties:
  method: grid
  parameters:
    - id: SIZE
      path: terminals.HA_HUANGMA.berths.HM_LOCAL.max_vessel_dwt_t
      values: [1900, 1000, 100]
replications: 2
seed: 1
target: {{throughput_t: 900_000, year: 2025}}
"""
    messages = _errors(tmp_path, text)
    assert messages, "every future must be checked against the network"
    assert all(
        "no berth group of HA_HUANGMA handling GRAIN takes BULK_IV_500" in m for m in messages
    )
    assert [m.rsplit("future ", 1)[1] for m in messages] == ["2)"]  # 1900 and 1000 t take it
