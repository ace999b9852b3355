"""Statistics that decide between plans, from the stored runs.

The unit of replication is one replication of a variant *across all the sweep's futures*:
its observation is the mean over the futures (every variant and future uses the same seeds,
so replication r of two variants sees the same random numbers: common random numbers).
95 % confidence intervals (Student t) and paired differences against the baseline variant are
taken over these replication means. The probability of meeting the target counts every run
(one replication under one future) with a Wilson interval; robustness is the share of
futures in which the variant meets the target in at least a share p of its replications.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.stats import mean_ci, value_bounds
from sim.sweep.load import SweepPlan
from sim.sweep.tasks import KPI_COLUMNS

__all__ = [
    "by_future",
    "comparison_table",
    "frontier",
    "futures_table",
    "planner_table",
    "replication_means",
    "variants_table",
    "wilson",
]


def frontier(table: pd.DataFrame) -> list[str]:
    """Variants no other beats on both cost and mean throughput, cheapest first."""
    ordered = table.sort_values(["cost_cny", "throughput_t"], ascending=[True, False])
    best = -np.inf
    out = []
    for row in ordered.itertuples(index=False):
        if row.throughput_t > best:
            out.append(str(row.variant))
            best = row.throughput_t
    return out


def wilson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float, float]:
    """Share and Wilson score interval; NaN without trials.

    Examples
    --------
    >>> [round(x, 3) for x in wilson(9, 10)]
    [0.9, 0.596, 0.982]
    """
    if trials <= 0:
        return math.nan, math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + level / 2))
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z
        / (1 + z * z / trials)
        * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    )
    # rounding must not put the bounds on the wrong side of the share (0 or 1 successes)
    return share, min(share, max(0.0, centre - half)), max(share, min(1.0, centre + half))


def replication_means(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per (variant, replication), the mean of ``column`` over the futures (ok runs only)."""
    ok = runs[runs["status"] == "ok"]
    return ok.groupby(["variant", "replication"], as_index=False, sort=True)[column].mean()


def _paired(
    means: pd.DataFrame, column: str, variant: str, baseline: str
) -> tuple[float, float, float]:
    table = means.pivot(index="replication", columns="variant", values=column)
    if variant not in table or baseline not in table:
        return math.nan, math.nan, math.nan
    return mean_ci((table[variant] - table[baseline]).to_numpy(dtype=float))


def comparison_table(plan: SweepPlan, runs: pd.DataFrame, probability: float) -> pd.DataFrame:
    """One row per variant: cost, runs, throughput and KPIs with 95 % CIs, the paired
    difference in throughput against the baseline, the probability of meeting the target
    (Wilson) and robustness across futures.

    Parameters
    ----------
    plan : SweepPlan
    runs : DataFrame
        The store (:func:`sim.sweep.store.read_store`).
    probability : float
        p of the robustness share (a future counts as met when at least p of its
        replications meet the target).
    """
    rows = []
    means = {c: replication_means(runs, c) for c in KPI_COLUMNS}
    for variant in plan.variants:
        mine = runs[runs["variant"] == variant.id]
        ok = mine[mine["status"] == "ok"]
        row: dict[str, object] = {
            "variant": variant.id,
            "baseline": variant.id == plan.baseline,
            "cost_cny": variant.cost_cny,
            "replications": int(ok["replication"].nunique()),
            "runs": len(ok),
            "errors": int((mine["status"] == "error").sum()),
        }
        for column in KPI_COLUMNS:
            values = means[column]
            values = values.loc[values["variant"] == variant.id, column].to_numpy(dtype=float)
            mean, low, high = mean_ci(values)
            floor, ceiling = value_bounds(column)  # shares stay within 0-1, amounts above 0
            if not math.isnan(low):
                low, high = max(low, floor), min(high, ceiling)
            row[column], row[f"{column}_ci95_low"], row[f"{column}_ci95_high"] = mean, low, high
        mean, low, high = _paired(means["throughput_t"], "throughput_t", variant.id, plan.baseline)
        row["throughput_vs_baseline_t"] = mean
        row["throughput_vs_baseline_t_ci95_low"] = low
        row["throughput_vs_baseline_t_ci95_high"] = high
        successes = int(ok["success"].sum())
        share, low, high = wilson(successes, len(ok))
        row["p_target_met"], row["p_target_met_ci95_low"] = share, low
        row["p_target_met_ci95_high"] = high
        row["p_criteria_met"] = float(ok["criteria_met"].mean()) if len(ok) else math.nan
        per_future = ok.groupby("sample")["success"].mean()
        row["robustness"] = (
            float((per_future >= probability - 1e-12).mean()) if len(per_future) else math.nan
        )
        rows.append(row)
    return pd.DataFrame(rows)


def planner_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table in planner units, one row per variant (the index).

    Parameters
    ----------
    table : DataFrame
        :func:`comparison_table` (``SweepDecision.table``).

    Returns
    -------
    DataFrame
        ``cost_m_cny``, ``replications``, ``runs``; ``throughput_mt`` and ``gain_mt`` (paired
        difference from the baseline), each with ``_ci95_low``/``_ci95_high``, in Mt/yr;
        ``p_target_met`` with its Wilson interval, ``p_criteria_met``, ``robustness``, and
        ``selection`` and ``frontier`` when the table has them.
    """
    out = pd.DataFrame(index=pd.Index(table["variant"], name="variant"))
    out["cost_m_cny"] = table["cost_cny"].to_numpy(dtype=float) / 1e6
    out["replications"] = table["replications"].to_numpy()
    out["runs"] = table["runs"].to_numpy()
    for source, name in (
        ("throughput_t", "throughput_mt"),
        ("throughput_vs_baseline_t", "gain_mt"),
    ):
        for suffix in ("", "_ci95_low", "_ci95_high"):
            out[f"{name}{suffix}"] = table[f"{source}{suffix}"].to_numpy(dtype=float) / 1e6
    for column in (
        "p_target_met",
        "p_target_met_ci95_low",
        "p_target_met_ci95_high",
        "p_criteria_met",
        "robustness",
        "selection",
        "frontier",
    ):
        if column in table:
            out[column] = table[column].to_numpy()
    return out


def variants_table(plan: SweepPlan) -> pd.DataFrame:
    """One row per variant: ``variant, baseline, cost_cny``, the option of each lever and the
    options' descriptions (``variants.csv`` of the store)."""
    return pd.DataFrame(
        [
            {
                "variant": v.id,
                "baseline": v.id == plan.baseline,
                "cost_cny": v.cost_cny,
                **{o.lever: o.id for o in v.options},
                "description": v.description,
            }
            for v in plan.variants
        ]
    )


def futures_table(plan: SweepPlan) -> pd.DataFrame:
    """One row per future: ``sample`` and each uncertain parameter's value (the index into
    its ``values`` for values that are not numbers); ``futures.csv`` of the store."""
    return pd.DataFrame([{"sample": f.index, **dict(f.labels)} for f in plan.futures])


def by_future(
    runs: pd.DataFrame, column: str = "success", *, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Robustness across futures: the mean of ``column`` per variant (rows) and future
    (columns, by sample), over the successful runs.

    With the default ``success`` each cell is the share of the variant's replications that
    meet the target in that future; ``throughput_t`` gives the mean throughput there.

    Parameters
    ----------
    runs : DataFrame
        The store (:func:`sim.sweep.store.read_store`).
    column : str
        A column of the store.
    order : sequence of str, optional
        Variants in this order (default: as the store sorts them); a variant without a
        successful run in a future has NaN there.

    Examples
    --------
    >>> runs = pd.DataFrame({"variant": ["A", "A", "B", "B"], "sample": [0, 1, 0, 1],
    ...                      "status": "ok", "success": [True, False, True, True]})
    >>> by_future(runs, order=["B", "A"]).to_dict("index")
    {'B': {0: 1.0, 1: 1.0}, 'A': {0: 1.0, 1: 0.0}}
    """
    ok = runs[runs["status"] == "ok"]
    table = ok.pivot_table(index="variant", columns="sample", values=column, aggfunc="mean")
    samples = sorted(int(s) for s in runs["sample"].unique())
    variants = list(order) if order is not None else list(dict.fromkeys(runs["variant"]))
    table = table.astype(float).reindex(index=variants, columns=samples)
    table.index.name = "variant"
    table.columns.name = "sample"
    return table


def half_width_share(values: np.ndarray) -> float:
    """95 % CI half-width over |mean| (NaN with fewer than two values or a zero mean)."""
    mean, low, high = mean_ci(values)
    if math.isnan(low) or mean == 0:
        return math.nan
    return (high - low) / 2 / abs(mean)
