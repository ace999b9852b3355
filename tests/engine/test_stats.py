"""Confidence intervals across replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.stats import aggregate, mean_ci


def test_mean_ci_is_the_student_t_interval():
    values = [10.0, 12.0, 9.0, 11.5, 10.5]
    mean, low, high = mean_ci(values)
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / math.sqrt(5)
    assert (mean, low, high) == pytest.approx((10.6, 10.6 - half, 10.6 + half))
    assert mean_ci([3.0])[0] == 3.0 and math.isnan(mean_ci([3.0])[1])
    assert all(math.isnan(x) for x in mean_ci([]))


def test_aggregate_counts_missing_rows_as_zero_only_when_asked():
    frame = pd.DataFrame(
        {
            "key": ["A", "A", "B"],
            "replication": [0, 1, 0],
            "tonnes": [10.0, 20.0, 6.0],
            "wait": [1.0, 3.0, 5.0],
        }
    )
    table = aggregate(frame, ["key"], fill_zero=("tonnes",)).set_index("key")
    assert table.loc["B", "tonnes"] == 3.0  # (6 + 0) / 2
    assert table.loc["B", "wait"] == 5.0  # a mean is not padded with zeros
    assert table.loc["A", "tonnes_ci95_low"] < 15.0 < table.loc["A", "tonnes_ci95_high"]
