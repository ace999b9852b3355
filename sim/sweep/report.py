"""A sweep's conclusions: the comparison table, the choice, and the files that show them."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from network.export import atomic_path
from sim.sweep.charts import frontier, write_sweep_charts
from sim.sweep.load import SweepPlan
from sim.sweep.selection import SelectionResult, choose_cheapest, rinott_h, rinott_sizes
from sim.sweep.summary import comparison_table, replication_means

__all__ = ["SweepReport", "analyse", "write_report"]


@dataclass(frozen=True)
class SweepReport:
    """Everything a planner reads after a sweep.

    Attributes
    ----------
    table : DataFrame
        :func:`sim.sweep.summary.comparison_table`, plus ``selection`` labels when the sweep
        has a selection rule, and ``frontier`` (on the cost-throughput frontier).
    selection : SelectionResult or None
    best_throughput : str
        The variant of largest mean throughput and what Rinott's procedure says about it.
    """

    name: str
    target_t: float
    table: pd.DataFrame
    selection: SelectionResult | None
    best_throughput: str
    probability: float | None

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, float) and math.isnan(value):
                return None
            return value.item() if hasattr(value, "item") else value

        return {
            "sweep": self.name,
            "target_t": self.target_t,
            "variants": [
                {k: clean(v) for k, v in row.items()} for row in self.table.to_dict("records")
            ],
            "selection": (
                None
                if self.selection is None
                else {
                    "chosen": self.selection.chosen,
                    "statement": self.selection.statement,
                    "probability": self.selection.probability,
                    "confidence": self.selection.confidence,
                    "procedure": self.selection.procedure,
                }
            ),
            "best_throughput": self.best_throughput,
        }


def _best_throughput(plan: SweepPlan, runs: pd.DataFrame, table: pd.DataFrame) -> str:
    ranked = table.dropna(subset=["throughput_t"]).sort_values("throughput_t", ascending=False)
    if ranked.empty:
        return "no successful runs"
    best = str(ranked.iloc[0]["variant"])
    rule = plan.sweep.selection
    if rule is None:
        return f"{best} has the largest mean throughput (no selection rule in the sweep)"
    n0 = plan.sweep.replications
    means = replication_means(runs, "throughput_t")
    first = {
        v.id: means.loc[
            (means["variant"] == v.id) & (means["replication"] < n0), "throughput_t"
        ].to_numpy(dtype=float)
        for v in plan.variants
    }
    sizes = rinott_sizes(
        first, rinott_h(len(plan.variants), n0, rule.confidence), rule.indifference_zone_t, n0
    )
    done = dict(zip(table["variant"], table["replications"], strict=True))
    short = [v for v, size in sizes.items() if done.get(v, 0) < size]
    zone = f"{rule.indifference_zone_t / 1e6:g} Mt/yr"
    if short:
        return (
            f"{best} has the largest mean throughput; Rinott's guarantee does not hold: "
            f"{', '.join(short)} stopped at selection.max_replications below the second-stage "
            "size"
        )
    return (
        f"{best} has the largest mean throughput: it is the best with probability >= "
        f"{rule.confidence:.0%} if the best exceeds the others by at least {zone} (Rinott)"
    )


def analyse(plan: SweepPlan, runs: pd.DataFrame) -> SweepReport:
    """Compare the variants of a finished (or partial) sweep."""
    rule = plan.sweep.selection
    probability = rule.probability if rule is not None else None
    table = comparison_table(plan, runs, probability if probability is not None else 0.5)
    selection = None
    if rule is not None:
        ok = runs[runs["status"] == "ok"]
        counts = [
            (
                v.id,
                v.cost_cny,
                int(ok.loc[ok["variant"] == v.id, "success"].sum()),
                int((ok["variant"] == v.id).sum()),
            )
            for v in plan.variants
        ]
        selection = choose_cheapest(counts, rule.probability, rule.confidence)
        table["selection"] = [selection.label(v) for v in table["variant"]]
    on = set(frontier(table.dropna(subset=["throughput_t"])))
    table["frontier"] = [v in on for v in table["variant"]]
    return SweepReport(
        plan.sweep.name,
        plan.target_t,
        table,
        selection,
        _best_throughput(plan, runs, table),
        probability,
    )


def write_report(report: SweepReport, folder: str | Path) -> list[Path]:
    """``comparison.csv``, ``summary.json`` and ``charts/*.png`` in ``folder``, atomically."""
    folder = Path(folder)
    written = []
    path = folder / "comparison.csv"
    with atomic_path(path) as temporary:
        report.table.to_csv(temporary, index=False)
    written.append(path)
    path = folder / "summary.json"
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    written.append(path)
    chartable = report.table.dropna(subset=["throughput_t"])
    if not chartable.empty:
        written += write_sweep_charts(
            chartable,
            folder / "charts",
            target_t=report.target_t,
            probability=report.probability,
        )
    return written
