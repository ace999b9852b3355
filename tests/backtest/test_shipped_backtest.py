"""`hubsim backtest` on the shipped observations and scenarios, in a small setting for CI: the
2020 calibration scenario with two replications (the full back-test is in the README)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app


@pytest.fixture(scope="module")
def document() -> dict:
    result = CliRunner().invoke(
        app,
        ["backtest", "--scenario", "calibration_2020", "--replications", "2", "--json"],
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_the_2020_rows_are_predicted_and_the_others_listed(document):
    rows = {row["id"]: row for row in document["rows"]}
    ours = [row for row in rows.values() if row["scenario"] == "calibration_2020.yaml"]
    assert {row["id"] for row in ours} >= {"OBS_PORT_TEU_2020", "OBS_PORT_T_2020_1_8"}
    for row in ours:
        assert row["predicted"] is not None, row["id"]
        low, high = row["predicted"]["ci95_low"], row["predicted"]["ci95_high"]
        assert low <= row["predicted"]["mean"] <= high
        assert len(row["predicted"]["values"]) == 2
    assert document["predicted"] == len(ours)
    assert document["all_inside"] == all(row["inside"] for row in ours)


def test_the_2020_calibration_holds(document):
    # the rows the 2020 demand was fitted to lie inside their bands: if this fails, the
    # scenario or the model changed since the calibration and the calibration must be redone
    rows = {row["id"]: row for row in document["rows"]}
    for name in ("OBS_PORT_TEU_2020", "OBS_PORT_T_2020_1_8"):
        row = rows[name]
        assert row["role"] == "calibration"
        assert row["inside"], (name, row["predicted"]["mean"], row["band_low"], row["band_high"])
        assert row["predicted"]["mean"] == pytest.approx(row["observed"], rel=0.03)
