"""The shared chart helpers: CI bounds of a KPI column, error bars, labels at bar ends."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.viz.style import ci_bounds, error_bars, label_bar_ends, new_figure


def test_ci_bounds_fall_back_to_the_mean_without_ci_columns():
    with_ci = pd.DataFrame({"x": [1.0, 2.0], "x_ci95_low": [0.5, 1.5], "x_ci95_high": [2.0, 3.0]})
    mean, low, high = ci_bounds(with_ci, "x")
    assert mean.tolist() == [1.0, 2.0]
    assert low.tolist() == [0.5, 1.5]
    assert high.tolist() == [2.0, 3.0]
    mean, low, high = ci_bounds(pd.DataFrame({"x": [4, 5]}), "x")
    assert mean.dtype == float and low.tolist() == high.tolist() == [4.0, 5.0]


def test_error_bars_are_distances_from_the_mean_and_nan_draws_none():
    mean = np.array([1.0, 2.0, 3.0])
    errors = error_bars(mean, np.array([0.5, np.nan, -1.0]), np.array([1.5, np.nan, 4.0]))
    assert errors.shape == (2, 3)
    assert errors.tolist() == [[0.5, 0.0, 4.0], [0.5, 0.0, 1.0]]
    floored = error_bars(mean, np.array([0.5, np.nan, -1.0]), mean, floor=0.0)
    assert floored[0].tolist() == [0.5, 0.0, 3.0]


def test_bar_end_labels_sit_at_the_ends_on_the_given_rows():
    _, ax = new_figure(4, 3)
    label_bar_ends(ax, [1.0, 2.5], ["a", "b"], rows=[3, 1], colours=["black", "grey"])
    texts = ax.texts
    assert [t.get_text() for t in texts] == ["a", "b"]
    assert [t.xy for t in texts] == [(1.0, 3), (2.5, 1)]
    assert texts[1].get_color() == "grey"
