"""Charts of a sweep (PNG): throughput with its CI per variant, cost against throughput with
the efficient frontier, and the probability of meeting the target per variant."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from network.export import atomic_path

__all__ = [
    "cost_frontier_chart",
    "frontier",
    "target_probability_chart",
    "throughput_chart",
    "write_sweep_charts",
]


def _errors(table: pd.DataFrame, column: str, scale: float = 1.0) -> np.ndarray:
    mean = table[column].to_numpy(dtype=float) / scale
    low = table[f"{column}_ci95_low"].to_numpy(dtype=float) / scale
    high = table[f"{column}_ci95_high"].to_numpy(dtype=float) / scale
    below = np.clip(np.nan_to_num(mean - low), 0, None)
    return np.vstack([below, np.clip(np.nan_to_num(high - mean), 0, None)])


def throughput_chart(table: pd.DataFrame, target_t: float) -> Figure:
    """Mean throughput per variant with its 95 % CI, against the target."""
    figure, ax = plt.subplots(figsize=(8, 0.45 * max(len(table), 2) + 1.6))
    y = np.arange(len(table))
    ax.barh(
        y,
        table["throughput_t"].to_numpy(dtype=float) / 1e6,
        xerr=_errors(table, "throughput_t", 1e6),
        capsize=3,
        color="#1f77b4",
    )
    ax.set_yticks(y, table["variant"])
    ax.invert_yaxis()
    ax.axvline(
        target_t / 1e6, color="#d62728", linestyle="--", label=f"target {target_t / 1e6:,.0f}"
    )
    ax.set_xlabel("Port throughput (Mt/yr), mean and 95 % CI")
    ax.legend(loc="lower right")
    figure.tight_layout()
    return figure


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


def cost_frontier_chart(table: pd.DataFrame, target_t: float) -> Figure:
    """Cost against mean throughput (95 % CI), the efficient frontier joined."""
    figure, ax = plt.subplots(figsize=(8, 5))
    cost = table["cost_cny"].to_numpy(dtype=float) / 1e9
    mean = table["throughput_t"].to_numpy(dtype=float) / 1e6
    ax.errorbar(cost, mean, yerr=_errors(table, "throughput_t", 1e6), fmt="o", capsize=3)
    for x, y, name in zip(cost, mean, table["variant"], strict=True):
        ax.annotate(str(name), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
    on = table.set_index("variant").loc[frontier(table)]
    ax.plot(
        on["cost_cny"] / 1e9, on["throughput_t"] / 1e6, color="#2ca02c", label="efficient frontier"
    )
    ax.axhline(target_t / 1e6, color="#d62728", linestyle="--", label="target")
    ax.set_xlabel("Cost (bn CNY)")
    ax.set_ylabel("Port throughput (Mt/yr)")
    ax.legend(loc="lower right")
    figure.tight_layout()
    return figure


def target_probability_chart(table: pd.DataFrame, probability: float | None) -> Figure:
    """Probability of meeting the target per variant with its Wilson interval."""
    figure, ax = plt.subplots(figsize=(8, 0.45 * max(len(table), 2) + 1.6))
    y = np.arange(len(table))
    ax.barh(
        y,
        table["p_target_met"].to_numpy(dtype=float),
        xerr=_errors(table, "p_target_met"),
        capsize=3,
        color="#9467bd",
    )
    ax.set_yticks(y, table["variant"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    if probability is not None:
        ax.axvline(
            probability, color="#d62728", linestyle="--", label=f"required {probability:.0%}"
        )
        ax.legend(loc="lower right")
    ax.set_xlabel("Probability of meeting the target (95 % Wilson interval)")
    figure.tight_layout()
    return figure


def write_sweep_charts(
    table: pd.DataFrame, folder: Path, *, target_t: float, probability: float | None
) -> list[Path]:
    """Save the three charts as PNG files in ``folder``; returns the paths."""
    written = []
    for name, figure in (
        ("throughput", throughput_chart(table, target_t)),
        ("cost_frontier", cost_frontier_chart(table, target_t)),
        ("target_probability", target_probability_chart(table, probability)),
    ):
        path = folder / f"{name}.png"
        try:
            with atomic_path(path) as temporary:
                figure.savefig(temporary, dpi=120, format="png")
        finally:
            plt.close(figure)
        written.append(path)
    return written
