"""Charts of a run (PNG): throughput against the target, ranked bottlenecks, lock waits.

Functions return matplotlib figures; :func:`write_run_charts` saves them atomically.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from network.export import atomic_path
from sim.run import RunResult

__all__ = ["bottleneck_chart", "lock_wait_chart", "throughput_chart", "write_run_charts"]

_KIND_COLOURS = {"lock": "#17becf", "berths": "#d62728", "yard": "#bcbd22"}


def throughput_chart(result: RunResult) -> Figure:
    """Port throughput per simulated year with 95 % CIs, against the target."""
    table = result.tables["throughput_port"]
    figure, ax = plt.subplots(figsize=(8, 4.5))
    years = table["year"].astype(int).to_numpy()
    mean = table["tonnes"].to_numpy() / 1e6
    low = table["tonnes_ci95_low"].to_numpy() / 1e6
    high = table["tonnes_ci95_high"].to_numpy() / 1e6
    errors = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
    ax.bar(
        years.astype(str),
        mean,
        yerr=errors,
        capsize=4,
        color="#1f77b4",
        label="throughput (95 % CI)",
    )
    target = result.verdict.target_t / 1e6
    ax.axhline(
        target,
        color="#d62728",
        linestyle="--",
        label=f"target {target:,.0f} Mt in {result.scenario.target.year}",
    )
    ax.set_ylabel("Port throughput (Mt/yr)")
    ax.set_xlabel("Year (the first year excludes the warm-up)")
    ax.set_title(f"{result.scenario.name}: verdict {result.verdict.verdict}")
    ax.legend(loc="lower right")
    figure.tight_layout()
    return figure


def bottleneck_chart(result: RunResult, top: int = 10) -> Figure:
    """The top resources by share of vessel time spent waiting for them."""
    table = result.bottlenecks.head(top).iloc[::-1]
    figure, ax = plt.subplots(figsize=(8, 0.45 * max(len(table), 2) + 1.5))
    colours = [_KIND_COLOURS.get(kind, "grey") for kind in table["kind"]]
    share = table["wait_share"].to_numpy() * 100
    ax.barh(table["resource"], share, color=colours)
    for y, (value, utilisation) in enumerate(zip(share, table["utilisation"], strict=True)):
        ax.text(value, y, f"  util {utilisation:.0%}", va="center", fontsize=8)
    ax.set_xlabel("Share of all vessel time spent waiting for the resource (%)")
    ax.set_title("Bottlenecks")
    figure.tight_layout()
    return figure


def lock_wait_chart(result: RunResult) -> Figure:
    """Mean and 95th-percentile waiting time at each lock."""
    table = result.tables["locks"]
    figure, ax = plt.subplots(figsize=(8, 4))
    if table.empty:
        ax.text(0.5, 0.5, "no locks in this scenario", ha="center", va="center")
        ax.set_axis_off()
        return figure
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["mean_wait_h"], width=0.4, label="mean", color="#17becf")
    ax.bar(x + 0.2, table["p95_wait_h"], width=0.4, label="95th percentile", color="#08306b")
    ax.set_xticks(x, table["resource"], rotation=30, ha="right")
    ax.set_ylabel("Waiting time at the lock (h)")
    ax.set_title("Lock waits")
    ax.legend()
    figure.tight_layout()
    return figure


def write_run_charts(result: RunResult, folder: Path) -> list[Path]:
    """Save the run's charts as PNG files in ``folder``; returns the paths."""
    written = []
    for name, chart in (
        ("throughput", throughput_chart),
        ("bottlenecks", bottleneck_chart),
        ("lock_waits", lock_wait_chart),
    ):
        figure = chart(result)
        path = folder / f"{name}.png"
        try:
            with atomic_path(path) as temporary:
                figure.savefig(temporary, dpi=120, format="png")
        finally:
            plt.close(figure)
        written.append(path)
    return written
