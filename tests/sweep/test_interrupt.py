"""A sweep killed part way (kill -9) or stopped with Ctrl-C, then resumed, gives the same store
as an uninterrupted one: no run lost, none twice, no half-written file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sweepfiles import ROOT, sweep_text

from sim.sweep import comparable, load_sweep, read_store, run_sweep

TOTAL = 4 * 2 * 3  # variants x futures x replications, one chunk per run


@pytest.fixture(scope="module")
def slow_sweep(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("slow")
    path = folder / "slow_sweep.yaml"
    path.write_text(sweep_text(horizon_days=365, replications=3, samples=2, chunk=1))
    return path


@pytest.fixture(scope="module")
def reference(slow_sweep, tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("reference")
    return comparable(run_sweep(load_sweep(slow_sweep), folder, workers=1).runs)


def _start(sweep: Path, out: Path, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sweep",
            str(sweep),
            "--out",
            str(out),
            "-w",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # start as from a terminal: a shell that runs the suite in the background (``cmd &``)
        # ignores SIGINT in it, and a child would inherit that and never see Ctrl-C
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_parts(out: Path, count: int, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        parts = len(list((out / "runs").glob("part-*.parquet")))
        if parts >= count:
            return parts
        if process.poll() is not None:
            pytest.fail(f"the sweep ended before it could be interrupted: {process.stderr}")
        time.sleep(0.005)
    pytest.fail("the sweep stored nothing within 2 minutes")


def _resume_and_compare(sweep: Path, out: Path, reference: pd.DataFrame) -> None:
    stored = len(read_store(out))
    assert 0 < stored < TOTAL  # it really was interrupted part way
    result = run_sweep(load_sweep(sweep), out, workers=1, resume=True)
    assert result.skipped == stored and result.executed == TOTAL - stored
    assert not list((out / "runs").glob(".part-*"))
    pd.testing.assert_frame_equal(comparable(read_store(out)), reference)


def test_kill_9_then_resume(slow_sweep, reference, tmp_path):
    out = tmp_path / "killed"
    process = _start(slow_sweep, out, workers=1)
    _wait_for_parts(out, 3, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    _resume_and_compare(slow_sweep, out, reference)


def test_ctrl_c_stops_cleanly_then_resume(slow_sweep, reference, tmp_path):
    out = tmp_path / "stopped"
    process = _start(slow_sweep, out, workers=2)
    _wait_for_parts(out, 2, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    message = stderr.decode()
    assert "interrupted" in message and "--resume" in message
    assert "Traceback" not in message
    _resume_and_compare(slow_sweep, out, reference)


def test_a_store_is_not_overwritten_without_resume(quay_sweep, tmp_path):
    from sim.sweep import StoreError

    out = tmp_path / "done"
    plan = load_sweep(quay_sweep)
    first = run_sweep(plan, out, workers=1)
    with pytest.raises(StoreError, match="--resume"):
        run_sweep(plan, out, workers=1)
    again = run_sweep(plan, out, workers=1, resume=True)
    assert again.executed == 0 and again.skipped == len(first.runs)
    pd.testing.assert_frame_equal(comparable(again.runs), comparable(first.runs))
    changed = quay_sweep.with_name("changed.yaml")
    changed.write_text(quay_sweep.read_text().replace("seed: 11", "seed: 12"))
    with pytest.raises(StoreError, match="different sweep"):
        run_sweep(load_sweep(changed), out, workers=1, resume=True)
