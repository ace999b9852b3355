"""Confidence intervals across replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["aggregate", "mean_ci", "value_bounds"]

#: Columns that hold shares (0-1) in the KPI tables.
SHARE_COLUMNS = frozenset(
    {
        "utilisation",
        "occupancy",
        "share",
        "wait_share",
        "area_share",
        "yard_blocking_share",
        "p_target_met",
    }
)


def value_bounds(column: str) -> tuple[float, float]:
    """The range a KPI column's values can take: shares 0-1, measured quantities (tonnes,
    hours, counts, costs) >= 0; differences, gains and margins are unbounded."""
    shares = ("occupancy" in column or "utilisation" in column) and not column.endswith("_t")
    if column in SHARE_COLUMNS or column.endswith("_share") or column.startswith("p_") or shares:
        return 0.0, 1.0
    if any(word in column for word in ("gain", "margin", "delta", "_vs_", "difference")):
        return -math.inf, math.inf
    return 0.0, math.inf


def mean_ci(values: np.ndarray | list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of independent replications.

    One replication gives the mean with an undefined (NaN) interval; NaN values are ignored.
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    n = len(data)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if n == 1:
        return mean, math.nan, math.nan
    # imported here: scipy.special takes 0.3 s to import, which commands that only read KPI
    # tables (hubsim report, view) need not pay
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, 0.5 + level / 2) * data.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def aggregate(
    per_replication: pd.DataFrame,
    keys: list[str],
    level: float = 0.95,
    fill_zero: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Mean and CI of every numeric column per key, across the ``replication`` column.

    Columns named in ``fill_zero`` count things (tonnes, calls): a key missing from a
    replication counts as 0 there rather than being left out.
    """
    if per_replication.empty or not set(keys) <= set(per_replication.columns):
        return pd.DataFrame(columns=keys)
    replications = sorted(per_replication["replication"].unique())
    numeric = [
        c
        for c in per_replication.columns
        if c not in keys
        and c != "replication"
        and pd.api.types.is_numeric_dtype(per_replication[c])
    ]
    if fill_zero and keys:
        combos = per_replication[keys].drop_duplicates()
        grid = combos.merge(pd.DataFrame({"replication": replications}), how="cross")
        per_replication = grid.merge(per_replication, on=[*keys, "replication"], how="left")
        for column in fill_zero:
            if column in per_replication:
                per_replication[column] = per_replication[column].fillna(0.0)
    rows = []
    grouped = (
        per_replication.groupby(keys, sort=True, dropna=False) if keys else [((), per_replication)]
    )
    for key, group in grouped:
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        for column in numeric:
            mean, low, high = mean_ci(group[column].to_numpy(dtype=float), level)
            floor, ceiling = value_bounds(column)
            if not math.isnan(low):  # a share's CI stays within 0-100 %, a count's above 0
                low, high = max(low, floor), min(high, ceiling)
            row[column] = mean
            row[f"{column}_ci95_low"] = low
            row[f"{column}_ci95_high"] = high
        rows.append(row)
    return pd.DataFrame(rows)
