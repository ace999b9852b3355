"""`hubsim run` and `sim.run`: JSON contract, outputs, reproducibility and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.runs.capacity import sustainable_capacity
from sim.runs.run import run
from sim.scenario import load_scenario

MINIMAL = "scenarios/minimal_single_berth.yaml"


def test_json_document_has_the_documented_fields():
    result = CliRunner().invoke(
        app, ["run", MINIMAL, "--replications", "3", "--seed", "9", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {
        "scenario",
        "replications",
        "seed",
        "target_t",
        "throughput_t",
        "p_target_met",
        "verdict",
        "bottlenecks",
        "events",
        "wall_s",
    } <= set(document)
    assert document["replications"] == 3 and document["seed"] == 9
    assert set(document["throughput_t"]) == {"mean", "ci95_low", "ci95_high"}
    low, mean, high = (document["throughput_t"][k] for k in ("ci95_low", "mean", "ci95_high"))
    assert low < mean < high
    assert document["verdict"] in ("met", "not met", "uncertain")
    assert 0.0 <= document["p_target_met"] <= 1.0
    top = document["bottlenecks"][0]
    assert {"resource", "kind", "utilisation", "mean_wait_h"} <= set(top)
    assert top["resource"] == "QUAY/B1" and 0.6 < top["utilisation"] < 0.9
    assert document["events"] > 1000


def test_readable_report_and_outputs(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", MINIMAL, "-n", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "verdict:" in result.output and "Top bottlenecks" in result.output
    for name in (
        "throughput_port",
        "berths",
        "locks",
        "yards",
        "bottlenecks",
        "transport",
        "turnaround",
    ):
        csv = (
            pd.read_csv(out / "kpi" / f"{name}.csv")
            if (out / "kpi" / f"{name}.csv").stat().st_size > 1
            else None
        )
        parquet = pd.read_parquet(out / "kpi" / f"{name}.parquet")
        if csv is not None:
            assert len(csv) == len(parquet)
    vessels = pq.read_table(out / "events" / "vessels.parquet").to_pandas()
    assert set(vessels["replication"]) == {0, 1}
    assert {"entry_h", "berth_start_h", "service_end_h", "payload_t"} <= set(vessels.columns)
    assert not (out / "charts").exists()  # drawn by `hubsim report`, or with --charts
    assert "charts: `hubsim report" in " ".join(result.output.split())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 2
    charted = tmp_path / "charted"
    result = CliRunner().invoke(app, ["run", MINIMAL, "-n", "2", "--out", str(charted), "--charts"])
    assert result.exit_code == 0, result.output
    for chart in ("throughput", "bottlenecks", "lock_waits"):
        assert (charted / "charts" / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"


def test_same_seed_same_numbers_different_seed_different_numbers():
    a = run(MINIMAL, replications=2, seed=3)
    b = run(MINIMAL, replications=2, seed=3)
    c = run(MINIMAL, replications=2, seed=4)
    assert a.verdict.per_replication == b.verdict.per_replication
    pd.testing.assert_frame_equal(a.tables["berths"], b.tables["berths"])
    assert a.verdict.per_replication != c.verdict.per_replication
    # each replication is independent of how many are run (same streams per replication)
    one = run(MINIMAL, replications=1, seed=3)
    assert one.verdict.per_replication[0] == a.verdict.per_replication[0]


def test_bad_scenario_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nterminals: {}\n")
    result = CliRunner().invoke(app, ["run", str(bad)])
    assert result.exit_code == 2
    assert "terminals: must have at least 1 item" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(app, ["run", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_overload_stops_cleanly_and_names_the_queue(tmp_path):
    text = Path(MINIMAL).read_text().replace("vessels_per_day: 3.6", "vessels_per_day: 14.4")
    path = tmp_path / "overloaded.yaml"
    path.write_text(text.replace("replications: 5", "replications: 2"))
    result = run(path)
    assert result.overloads, "rho = 3 must overflow the queue (it grows ~0.4 ships/h)"
    first = result.overloads[0]
    assert first["resource"] == "QUAY" and first["kind"] == "berths"
    assert first["queue"] > 2000 - 1
    assert len(result.overloads) == 2
    assert result.verdict.verdict == "not met" and result.verdict.p_target_met == 0.0
    # the reason names the queue, the date it overflowed and in how many replications
    reasons = [r for r in result.verdict.reasons if r.startswith("overflow:")]
    assert 1 <= len(reasons) <= 2
    for overload in result.overloads:
        date = (result.model.calendar.origin + dt.timedelta(hours=overload["time_h"])).date()
        words = f"berths QUAY overflowed ({overload['queue']} ships waiting on {date:%Y-%m-%d})"
        assert any(words in r and "of 2 replications" in r for r in reasons)
    # what was carried before the queue blew up, not a rate extrapolated from it
    served = result.records[0].vessels["service_end_h"]
    assert result.verdict.per_replication[0] <= np.nansum(
        result.records[0].vessels["payload_t"][served <= result.records[0].end_h]
    )


def test_public_api():
    assert sim.run is run
    assert {"run", "RunResult", "load_scenario", "Scenario"} <= set(sim.__all__)


def test_capacity_command_json():
    result = CliRunner().invoke(app, ["capacity", MINIMAL, "-n", "2", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"capacity_t", "offered_t", "target_t", "margin_t", "binding", "year"} <= set(document)
    assert 0 < document["capacity_t"]["mean"] < document["offered_t"]
    assert document["margin_t"] == pytest.approx(
        document["capacity_t"]["mean"] - document["target_t"]
    )
    # the one verdict, as `hubsim run` gives it, stated with the capacity and margin
    ran = json.loads(CliRunner().invoke(app, ["run", MINIMAL, "-n", "2", "--json"]).output)
    assert document["verdict"] == ran["verdict"]
    assert document["reasons"][: len(ran["reasons"])] == ran["reasons"]
    capacity = document["capacity_t"]["mean"] / 1e6
    assert f"sustainable capacity {capacity:,.2f} Mt" in document["headline"]
    # the run at the plan's own demand serves as every search's first probe: same result
    alone = sustainable_capacity(load_scenario(MINIMAL), replications=2)
    assert document["multipliers"] == list(alone.multipliers)


def test_capacity_relief_table():
    result = CliRunner().invoke(app, ["capacity", MINIMAL, "-n", "2", "--relief", "1", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    (relief,) = document["relief"]
    assert relief["resource"] == "QUAY/B1" and relief["kind"] == "berths"
    assert relief["gain_t"]["mean"] > 0
