"""Replications give the same numbers wherever they run."""

from __future__ import annotations

import pandas as pd

import sim


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
