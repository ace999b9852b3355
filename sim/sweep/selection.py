"""Ranking and selection: the cheapest variant that meets the target with probability >= p.

The procedure (stated in every result):

1. **Rinott's two-stage procedure on throughput** (Rinott 1978; Bechhofer, Santner and
   Goldsman 1995, ch. 2). The observation of variant i in replication r is its throughput
   averaged over the sweep's futures (common random numbers: every variant and future uses the
   same seeds). After ``n0`` first-stage replications with sample standard deviation
   ``S_i``, variant i is run to ``N_i = max(n0, ceil((h S_i / delta)^2))`` replications, where
   ``delta`` is the indifference zone (tonnes per year) and ``h`` Rinott's constant for k
   variants, ``n0`` and confidence ``1 - alpha`` (:func:`rinott_h`). The variant with the
   largest overall mean is then the one of truly largest mean throughput with probability
   >= 1 - alpha whenever that mean exceeds every other by at least ``delta`` (normal
   observations, unknown and unequal variances). Variants capped by ``max_replications``
   below ``N_i`` lose that guarantee, and the result says so.
2. **Feasibility on the probability of meeting the target**, on all the runs of each variant
   (each run is one replication under one future; futures weigh equally): two-sided
   Clopper-Pearson intervals at level ``1 - alpha / k`` (Bonferroni over the k variants). A
   variant is *feasible* when the lower bound is >= p, *infeasible* when the upper bound is
   < p, and *undecided* otherwise.
3. **Choice**: walking the variants from the cheapest, the first feasible one is chosen if
   every cheaper variant is infeasible. If an undecided variant comes first, no choice is
   made and the result names the undecided variants that need more replications; if every
   variant is infeasible, none meets the target.

Guarantee: with probability >= 1 - alpha (approximately: runs are treated as independent
trials, and the binomial model is conservative for a mix of futures with different
probabilities, Hoeffding 1956), every feasible/infeasible label is right at once, so a chosen
variant meets the target with probability >= p and every cheaper one does not. The
second-stage sample sizes of step 1 depend on the first-stage throughput variance, not on the
success counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from sim.i18n import en

__all__ = [
    "PROCEDURE",
    "Classification",
    "SelectionResult",
    "choose_cheapest",
    "clopper_pearson",
    "guarantee",
    "rinott_h",
    "rinott_sizes",
]

PROCEDURE = en(
    "Rinott's two-stage indifference-zone procedure on throughput (averaged over futures, "
    "common random numbers), then Bonferroni-adjusted Clopper-Pearson intervals on the "
    "probability of meeting the target; the cheapest variant declared feasible is chosen "
    "when every cheaper one is declared infeasible"
)


def guarantee(probability: float, confidence: float) -> str:
    """What a result of :func:`choose_cheapest` guarantees, in one sentence for the planner.

    Examples
    --------
    >>> guarantee(0.9, 0.95)[:60]
    'With probability >= 95%, every feasible and infeasible label'
    """
    return en(
        "With probability >= {confidence:.0%}, every feasible and infeasible label is right at "
        "once (approximately: runs are treated as independent trials), so a chosen variant "
        "meets the target with probability >= {probability:.0%} and every cheaper variant "
        "does not; undecided variants need more replications.",
        confidence=confidence,
        probability=probability,
    )


def rinott_h(k: int, n0: int, confidence: float) -> float:
    """Rinott's constant h for k systems, first-stage size n0 and P(correct selection).

    h solves ``E_Y[ P_X( Z <= h / sqrt((n0 - 1)(1/X + 1/Y)) )^(k-1) ] = confidence`` with X, Y
    independent chi-square(n0 - 1) and Z standard normal. Both expectations are integrals
    over the chi-square probability scale, by 400-point Gauss-Legendre quadrature (h to
    about 1e-4; checked against adaptive quadrature and Monte Carlo in the tests).

    Examples
    --------
    >>> round(rinott_h(2, 10, 0.95), 3)
    2.614
    """
    if k < 1 or n0 < 2 or not 0 < confidence < 1:
        raise ValueError(f"need k >= 1, n0 >= 2 and 0 < confidence < 1 (got {k}, {n0})")
    if k == 1:
        return 0.0
    df = n0 - 1
    nodes, weights = np.polynomial.legendre.leggauss(400)
    weights = weights / 2
    inverse = 1 / stats.chi2.ppf((nodes + 1) / 2, df)
    spread = np.sqrt(df * (inverse[:, None] + inverse[None, :]))  # rows: Y, columns: X

    def coverage(h: float) -> float:
        inner = special.ndtr(h / spread) @ weights
        return float((inner ** (k - 1)) @ weights) - confidence

    return float(optimize.brentq(coverage, 1e-6, 100.0, xtol=1e-8))


def rinott_sizes(
    first_stage: dict[str, np.ndarray], h: float, delta: float, n0: int
) -> dict[str, int]:
    """Total replications per system: ``max(n0, ceil((h S_i / delta)^2))``.

    Systems with fewer than two first-stage values keep ``n0``.
    """
    sizes = {}
    for name, values in first_stage.items():
        data = np.asarray(values, dtype=float)
        data = data[~np.isnan(data)]
        if len(data) < 2:
            sizes[name] = n0
            continue
        spread = float(data.std(ddof=1))
        sizes[name] = max(n0, math.ceil((h * spread / delta) ** 2 - 1e-9))
    return sizes


def clopper_pearson(successes: int, trials: int, level: float) -> tuple[float, float]:
    """Exact two-sided binomial interval (0, 1 at the edges); (nan, nan) without trials."""
    if trials <= 0:
        return math.nan, math.nan
    alpha = 1 - level
    low = (
        0.0
        if successes == 0
        else float(stats.beta.ppf(alpha / 2, successes, trials - successes + 1))
    )
    high = (
        1.0
        if successes == trials
        else float(stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
    )
    return low, high


@dataclass(frozen=True)
class Classification:
    """One variant's label against the probability target."""

    variant: str
    cost_cny: float
    successes: int
    trials: int
    low: float
    high: float
    label: str  # feasible, infeasible, undecided


@dataclass(frozen=True)
class SelectionResult:
    """What the procedure concludes.

    Attributes
    ----------
    chosen : str or None
        The cheapest variant meeting the target with probability >= p, if the data decide.
    statement : str
        One sentence for the planner.
    classifications : tuple of Classification
        Cheapest first.
    procedure : str
    """

    chosen: str | None
    statement: str
    classifications: tuple[Classification, ...]
    probability: float
    confidence: float
    procedure: str = PROCEDURE

    def label(self, variant: str) -> str:
        return next(c.label for c in self.classifications if c.variant == variant)

    @property
    def guarantee(self) -> str:
        """What the result guarantees (:func:`guarantee`)."""
        return guarantee(self.probability, self.confidence)

    def table(self) -> pd.DataFrame:
        """The classifications, cheapest first: ``variant, cost_cny, successes, trials``, the
        Bonferroni-adjusted Clopper-Pearson bounds ``low, high`` and ``label``."""
        return pd.DataFrame(
            [
                {
                    "variant": c.variant,
                    "cost_cny": c.cost_cny,
                    "successes": c.successes,
                    "trials": c.trials,
                    "low": c.low,
                    "high": c.high,
                    "label": c.label,
                }
                for c in self.classifications
            ],
            columns=["variant", "cost_cny", "successes", "trials", "low", "high", "label"],
        )


def choose_cheapest(
    counts: list[tuple[str, float, int, int]], probability: float, confidence: float
) -> SelectionResult:
    """Steps 2 and 3 of the module's procedure.

    Parameters
    ----------
    counts : list of (variant, cost, successes, trials)
        In the sweep's variant order (ties in cost keep it).
    probability : float
        Required probability of meeting the target, p.
    confidence : float
        1 - alpha, shared by all variants (Bonferroni).
    """
    k = max(len(counts), 1)
    level = 1 - (1 - confidence) / k
    ordered = sorted(enumerate(counts), key=lambda item: (item[1][1], item[0]))
    labelled = []
    for _, (variant, cost, successes, trials) in ordered:
        low, high = clopper_pearson(successes, trials, level)
        if trials > 0 and low >= probability:
            label = "feasible"
        elif trials > 0 and high < probability:
            label = "infeasible"
        else:
            label = "undecided"
        labelled.append(Classification(variant, cost, successes, trials, low, high, label))
    chosen = None
    undecided: list[str] = []
    for item in labelled:
        if item.label == "feasible":
            if not undecided:
                chosen = item.variant
            break
        if item.label == "undecided":
            undecided.append(item.variant)
    # stored English (summary.json), shown in the reader's language by sim.i18n.localise
    if chosen is not None:
        statement = en(
            "{chosen} is the cheapest variant that meets the target with probability >= "
            "{probability:.0%} (every cheaper one is below it; joint confidence "
            "{confidence:.0%})",
            chosen=chosen,
            probability=probability,
            confidence=confidence,
        )
    elif undecided:
        feasible = next((c.variant for c in labelled if c.label == "feasible"), None)
        statement = (
            en(
                "undecided: {variants} may or may not meet the target with probability >= "
                "{probability:.0%}; more replications needed (the cheapest shown to meet it is "
                "{feasible})",
                variants=", ".join(undecided),
                probability=probability,
                feasible=feasible,
            )
            if feasible
            else en(
                "undecided: {variants} may or may not meet the target with probability >= "
                "{probability:.0%}; more replications needed",
                variants=", ".join(undecided),
                probability=probability,
            )
        )
    else:
        statement = en(
            "no variant meets the target with probability >= {probability:.0%} (joint "
            "confidence {confidence:.0%})",
            probability=probability,
            confidence=confidence,
        )
    return SelectionResult(chosen, statement, tuple(labelled), probability, confidence)
