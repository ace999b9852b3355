"""`hubsim backtest`: the JSON document, the exit status, the output folder, reproducibility and
the rows it cannot predict (on the tiny canal of conftest.py, whose figures are exact)."""

from __future__ import annotations

import json

import html5lib
import pandas as pd
import pytest
from canal import SCENARIO, row, write_table
from typer.testing import CliRunner

from sim.cli import app

#: Rows the tiny canal hits, with their exact predictions.
HITS = [
    (row(id="OBS_LOCKAGES_JAN"), 30.0),
    (row(id="OBS_CARGO_FEB", kpi="lock_cargo_t", months=2, value=12e3, role="validation"), 12e3),
    (row(id="OBS_SHIPTON", kpi="lock_ship_tonnage_t_per_lockage", months="1-2", value=1e3), 1e3),
    (row(id="OBS_TEU_JAN", kpi="port_teu", place="PORT", value=500), 500.0),
    (
        row(
            id="OBS_HUANGMA",
            kpi="port_area_throughput_t",
            place="T_SMALL",
            months=2,
            value=4e3,
            role="validation",
        ),
        4000.0,
    ),
    (
        row(
            id="OBS_QUEUE",
            kpi="lock_peak_queue_ships",
            months="1-2",
            value=2,
            band_low=2,
            band_high="",
            band_reason="one-sided",
            role="validation",
        ),
        2.0,
    ),
    (row(id="OBS_CANAL", kpi="canal_cargo_carried_t", place="SUBEI_CANAL", value=15e3), 15e3),
]
#: Rows the canal cannot predict, and the words of the reason.
MISSES = [
    (row(id="OBS_NO_SCENARIO", scenario="", note="no scenario yet"), "no scenario yet"),
    (row(id="OBS_SUBEI_LOCKAGES", place="SUBEI_CANAL"), "LOCK_SHIQIAO, LOCK_SHAOBO"),
    (
        row(id="OBS_HAWW", place="HUAIAN_WATERWAY_LOCKS"),
        "includes Zhuma lock (朱码船闸), which is not in the network data",
    ),
    (
        row(id="OBS_ZAOHE", place="LOCK_ZAOHE", scenario="minimal.yaml"),
        "LOCK_ZAOHE is not modelled in minimal.yaml (not under its locks:)",
    ),
]


def _backtest(canal_scenarios, table, *options: str):
    return CliRunner().invoke(
        app,
        [
            "backtest",
            "--observations",
            str(table),
            "--scenarios",
            str(canal_scenarios),
            "-n",
            "2",
            *options,
        ],
    )


@pytest.fixture(scope="module")
def hits(canal_scenarios, tmp_path_factory):
    table = write_table(
        tmp_path_factory.mktemp("hits") / "observations.csv",
        [r for r, _ in HITS] + [r for r, _ in MISSES],
    )
    result = _backtest(canal_scenarios, table, "--json", "--scenario", "canal")
    return table, result


def test_json_document_and_exact_predictions(hits):
    _, result = hits
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"rows", "verdict", "inside", "predicted", "not_predicted", "all_inside"} <= set(
        document
    )
    # --scenario canal keeps the canal's rows: the rows naming no scenario or minimal.yaml go
    rows = {r["id"]: r for r in document["rows"]}
    assert set(rows) == {r["id"] for r, _ in HITS} | {"OBS_SUBEI_LOCKAGES", "OBS_HAWW"}
    for observation, expected in HITS:
        got = rows[observation["id"]]
        assert {
            "id",
            "kpi",
            "place",
            "year",
            "months",
            "source",
            "observed",
            "unit",
            "predicted",
            "band_low",
            "band_high",
            "inside",
            "role",
            "scenario",
            "replications",
            "reason",
        } <= set(got)
        # a deterministic canal: both replications give the hand-computed value
        assert got["predicted"] == {
            "mean": expected,
            "ci95_low": expected,
            "ci95_high": expected,
            "values": [expected, expected],
        }, got["id"]
        assert got["inside"] is True and got["reason"] is None and got["replications"] == 2
    assert rows["OBS_QUEUE"]["band_high"] is None
    assert rows["OBS_HUANGMA"]["place_name"] == "Huangma port area"
    assert document["verdict"] == (
        "7 of 7 predicted observations inside their bands (calibration 4 of 4, validation 3 "
        "of 3); 2 not predicted"
    )
    assert document["by_role"]["validation"] == {"inside": 3, "predicted": 3}
    assert [s["scenario"] for s in document["scenarios"]] == ["canal.yaml"]


def test_rows_not_predicted_say_why(canal_scenarios, tmp_path):
    table = write_table(tmp_path / "observations.csv", [r for r, _ in MISSES])
    result = _backtest(canal_scenarios, table, "--json")
    assert result.exit_code == 0, result.output  # nothing predicted, nothing outside
    document = json.loads(result.output)
    for (observation, words), got in zip(MISSES, document["rows"], strict=True):
        assert got["id"] == observation["id"]
        assert got["predicted"] is None and got["inside"] is None
        assert words in got["reason"], got["reason"]
    assert document["scenarios"] == []  # no row needed a simulation
    assert document["verdict"].endswith("; 4 not predicted")


def test_one_row_outside_its_band_exits_1_and_says_so(canal_scenarios, tmp_path):
    outside = row(id="OBS_OUTSIDE", value=40, band_low=36, band_high=44, role="validation")
    table = write_table(tmp_path / "observations.csv", [HITS[0][0], outside, MISSES[0][0]])
    result = _backtest(canal_scenarios, table)
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert (
        "1 of 2 predicted observations inside their bands (calibration 1 of 1, validation 0 "
        "of 1); 1 not predicted"
    ) in text
    assert "OBS_OUTSIDE" in text and "Not predicted (1)" in text and "no scenario yet" in text


def test_out_writes_csv_json_chart_and_html(hits, canal_scenarios, tmp_path):
    table, _ = hits
    out = tmp_path / "out"
    result = _backtest(canal_scenarios, table, "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out / "backtest.csv")
    assert len(frame) == len(HITS) + len(MISSES)
    assert {"id", "predicted_mean", "predicted_ci95_low", "inside", "reason"} <= set(frame)
    assert frame.set_index("id").loc["OBS_LOCKAGES_JAN", "predicted_mean"] == 30.0
    assert json.loads((out / "backtest.json").read_text())["predicted"] == len(HITS)
    assert (out / "backtest.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "backtest.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)
    assert "data:image/png;base64," in page
    for words in ("Calibration rows: 4 of 4 inside", "Not predicted: 4 rows", "OBS_ZAOHE"):
        assert words in page
    assert not list(out.glob(".*"))  # no temporary file left behind


def test_same_seed_gives_the_same_json_on_one_or_two_workers(canal_scenarios, tmp_path):
    # minimal.yaml: Poisson arrivals and exponential service, so replications differ
    port = {"kpi": "port_throughput_t", "place": "PORT", "scenario": "minimal.yaml"}
    rows = [
        row(id="OBS_PORT_YEAR", months="1-12", value=2.6e6, **port),
        row(id="OBS_PORT_MARCH", months=3, value=2.2e5, band_low=1e5, band_high=4e5, **port),
    ]
    table = write_table(tmp_path / "observations.csv", rows)
    one = _backtest(canal_scenarios, table, "--json", "--workers", "1")
    two = _backtest(canal_scenarios, table, "--json", "--workers", "2")
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert json.loads(one.output) == json.loads(two.output)
    values = json.loads(one.output)["rows"][0]["predicted"]["values"]
    assert len(set(values)) == 2  # the replications differ


def test_a_run_stopped_by_an_overflowing_queue_is_flagged(canal_scenarios, tmp_path):
    # fifteen coal ships reach the lock within 9 minutes, one locks and the others queue: the
    # run stops with more than 10 waiting, so the peak is that queue, and every figure is cut
    # short (the first ship's lockage is the only one)
    times = ", ".join(f"{0.01 * i:.2f}" for i in range(15))
    jam = SCENARIO.replace("[0.0, 0.5, 0.6]", f"[{times}]").replace(
        "{lock_policy: fcfs}", "{lock_policy: fcfs, overload_queue_vessels: 10}"
    )
    (canal_scenarios / "jam.yaml").write_text(jam, encoding="utf-8")
    rows = [
        row(id="OBS_JAM", kpi="lock_peak_queue_ships", value=11, band_low=11, band_high="",
            band_reason="one-sided", scenario="jam.yaml"),
        row(id="OBS_JAM_LOCKAGES", value=1, band_low=0, band_high=2, scenario="jam.yaml"),
        row(id="OBS_JAM_FEB", months=2, value=1, band_low=0, band_high=2, scenario="jam.yaml"),
    ]  # fmt: skip
    table = write_table(tmp_path / "observations.csv", rows)
    result = _backtest(canal_scenarios, table, "--json", "-n", "1")
    assert result.exit_code == 1, result.output  # February has no value: outside
    queue, lockages, february = json.loads(result.output)["rows"]
    assert queue["predicted"]["mean"] == 14.0 and lockages["predicted"]["mean"] == 1.0
    for got in (queue, lockages):
        (warning,) = got["warnings"]
        assert warning.startswith("replication 0 stopped on 2025-01-01 07:")
        assert "the queue at lock LOCK_A reached 14 vessels" in warning
    # the run stopped before February began: no value, and the row says why
    assert february["predicted"]["mean"] is None and february["inside"] is False
    assert "no replication gives a value" in february["warnings"][-1]
