"""Replications give the same numbers wherever they run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.runs.executor import process_pool


def test_one_worker_and_two_give_identical_results():
    serial = sim.run("scenarios/minimal_single_berth.yaml", replications=3, seed=11)
    parallel = sim.run("scenarios/minimal_single_berth.yaml", replications=3, seed=11, workers=2)
    for name, table in serial.per_replication.items():
        pd.testing.assert_frame_equal(table, parallel.per_replication[name], check_exact=True)
    assert serial.verdict == parallel.verdict
    for mine, theirs in zip(serial.records, parallel.records, strict=True):
        for column, values in mine.vessels.items():
            pd.testing.assert_series_equal(
                pd.Series(values), pd.Series(theirs.vessels[column]), check_exact=True
            )


def _started_by(marker: str) -> str:
    return f"{marker} {os.getpid()}"


def test_every_local_pool_is_the_one_executor():
    """Worker processes are started in one place (sim.runs.executor), so that what every
    worker needs is added once; a sweep's Dask executor is not a local pool."""
    root = Path(__file__).resolve().parents[2]
    starting = {
        str(path.relative_to(root))
        for path in (root / "sim").rglob("*.py")
        if re.search(
            r"ProcessPoolExecutor\(|get_context\(|multiprocessing\.Process\(", path.read_text()
        )
    }
    assert starting == {"sim/runs/executor.py"}


def test_the_executor_spawns_workers():
    with process_pool(2) as pool:
        answers = list(pool.map(_started_by, ["a", "b", "c"]))
    assert [a.split()[0] for a in answers] == ["a", "b", "c"]
    assert str(os.getpid()) not in {a.split()[1] for a in answers}
    with pytest.raises(ValueError, match="workers: must be >= 1"):
        process_pool(0)
