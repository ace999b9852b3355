"""Ranking and selection on synthetic data where the answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.sweep.selection import choose_cheapest, clopper_pearson, rinott_h, rinott_sizes


@pytest.mark.parametrize(("k", "n0", "confidence"), [(2, 10, 0.95), (4, 5, 0.95), (7, 3, 0.9)])
def test_rinott_h_solves_its_equation(k, n0, confidence):
    h = rinott_h(k, n0, confidence)
    rng = np.random.default_rng(5)
    m, df = 400_000, n0 - 1
    y = rng.chisquare(df, m)
    x = rng.chisquare(df, (m, k - 1))
    z = rng.standard_normal((m, k - 1))
    covered = np.all(z <= h / np.sqrt(df * (1 / x + 1 / y[:, None])), axis=1).mean()
    assert abs(covered - confidence) < 4 * math.sqrt(confidence * (1 - confidence) / m)


def test_rinott_h_grows_with_systems_and_shrinks_with_first_stage():
    assert rinott_h(1, 10, 0.95) == 0.0
    assert rinott_h(2, 10, 0.95) < rinott_h(6, 10, 0.95)
    assert rinott_h(6, 20, 0.95) < rinott_h(6, 5, 0.95)


def _two_stage_pcs(h: float, *, runs: int, seed: int) -> float:
    """Least favourable configuration: the best exceeds three others by exactly delta."""
    rng = np.random.default_rng(seed)
    delta, n0 = 1.0, 10
    means = np.array([0.0, 0.0, 0.0, delta])
    spreads = np.array([1.0, 2.5, 4.0, 3.0])
    correct = 0
    for _ in range(runs):
        first = {i: rng.normal(means[i], spreads[i], n0) for i in range(4)}
        sizes = rinott_sizes({str(i): v for i, v in first.items()}, h, delta, n0)
        totals = [
            np.concatenate([first[i], rng.normal(means[i], spreads[i], sizes[str(i)] - n0)]).mean()
            for i in range(4)
        ]
        correct += int(np.argmax(totals) == 3)
    return correct / runs


def test_rinott_two_stage_selects_the_best_with_the_promised_probability():
    runs = 2000
    pcs = _two_stage_pcs(rinott_h(4, 10, 0.95), runs=runs, seed=1)
    assert pcs >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / runs)
    # with a third of h (too few second-stage replications) the promise is broken
    assert _two_stage_pcs(rinott_h(4, 10, 0.95) / 3, runs=runs, seed=2) < 0.9


def test_rinott_sizes_follow_the_formula():
    values = np.array([10.0, 12.0, 14.0])  # S = 2
    sizes = rinott_sizes({"A": values, "B": np.array([5.0, 5.0, 5.0])}, 3.0, 1.5, 3)
    assert sizes == {"A": math.ceil((3.0 * 2 / 1.5) ** 2), "B": 3}


def test_clopper_pearson_known_values():
    low, high = clopper_pearson(0, 10, 0.95)
    assert low == 0.0 and high == pytest.approx(0.3085, abs=1e-4)
    low, high = clopper_pearson(10, 10, 0.95)
    assert low == pytest.approx(0.6915, abs=1e-4) and high == 1.0
    low, high = clopper_pearson(5, 10, 0.95)
    assert (low, high) == pytest.approx((0.1871, 0.8129), abs=1e-4)


def test_cheapest_feasible_is_chosen():
    counts = [("EXPENSIVE", 9e9, 400, 400), ("CHEAP", 1e9, 200, 400), ("MIDDLE", 3e9, 396, 400)]
    result = choose_cheapest(counts, 0.9, 0.95)
    assert result.chosen == "MIDDLE"
    assert [c.variant for c in result.classifications] == ["CHEAP", "MIDDLE", "EXPENSIVE"]
    assert [c.label for c in result.classifications] == ["infeasible", "feasible", "feasible"]
    assert "MIDDLE is the cheapest" in result.statement


def test_an_undecided_cheaper_variant_blocks_the_choice():
    counts = [("CHEAP", 1e9, 271, 300), ("SAFE", 2e9, 300, 300)]
    result = choose_cheapest(counts, 0.9, 0.95)
    assert result.chosen is None and result.label("CHEAP") == "undecided"
    assert "undecided: CHEAP" in result.statement and "SAFE" in result.statement


def test_none_meets_the_target():
    result = choose_cheapest([("A", 1.0, 10, 100), ("B", 2.0, 50, 100)], 0.9, 0.95)
    assert result.chosen is None
    assert result.statement.startswith("no variant meets the target")


def test_labels_are_jointly_right_with_the_stated_confidence():
    """True probabilities 0.80, 0.95, 0.99 against p = 0.9: a wrong label (0.80 called
    feasible, or 0.95/0.99 called infeasible) must happen in at most 5 % of repetitions."""
    rng = np.random.default_rng(3)
    truth = {"A": 0.80, "B": 0.95, "C": 0.99}
    repetitions, trials, wrong, chosen_b = 2000, 300, 0, 0
    for _ in range(repetitions):
        counts = [
            (name, cost, int(rng.binomial(trials, p)), trials)
            for (name, p), cost in zip(truth.items(), (1.0, 2.0, 3.0), strict=True)
        ]
        result = choose_cheapest(counts, 0.9, 0.95)
        wrong += any(
            (c.label == "feasible" and truth[c.variant] < 0.9)
            or (c.label == "infeasible" and truth[c.variant] >= 0.9)
            for c in result.classifications
        )
        chosen_b += result.chosen == "B"
        assert result.chosen in ("B", None)
    assert wrong / repetitions <= 0.05
    assert chosen_b / repetitions > 0.5  # and it does decide, most of the time
