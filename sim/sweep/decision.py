"""A sweep's conclusions: the comparison table and the choice (written to the sweep's folder by
:func:`sim.sweep.folder.write_report`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.i18n import en
from sim.sweep.load import SweepPlan
from sim.sweep.selection import (
    PROCEDURE,
    Classification,
    SelectionResult,
    choose_cheapest,
    rinott_h,
    rinott_sizes,
)
from sim.sweep.summary import comparison_table, frontier, replication_means

__all__ = ["SweepDecision", "analyse"]


@dataclass(frozen=True)
class SweepDecision:
    """Everything a planner reads after a sweep.

    Attributes
    ----------
    table : DataFrame
        :func:`sim.sweep.summary.comparison_table`, plus ``selection`` labels when the sweep
        has a selection rule, and ``frontier`` (on the cost-throughput frontier).
    selection : SelectionResult or None
    best_throughput : str
        The variant of largest mean throughput and what Rinott's procedure says about it.
    probability : float or None
        The probability of meeting the target the selection rule asks for.
    """

    name: str
    target_t: float
    table: pd.DataFrame
    selection: SelectionResult | None
    best_throughput: str
    probability: float | None

    def headline(self) -> tuple[str, str]:
        """The decision as a headline and a sentence.

        Returns
        -------
        (str, str)
            ``("chosen: X", statement)``, ``("undecided", statement)`` (an option cheaper
            than any feasible one may or may not meet the target), ``("none meets the
            target", statement)``, or ``("no selection rule", ...)`` naming the option of
            largest mean throughput.
        """
        # English, as summary.json holds the decision: sim.i18n.localise writes it in the
        # reader's language
        selection = self.selection
        if selection is None:
            return (
                en("no selection rule"),
                en(
                    "The sweep has no selection rule, so no option is chosen; {best}.",
                    best=self.best_throughput,
                ),
            )
        if selection.chosen is not None:
            return en("chosen: {variant}", variant=selection.chosen), selection.statement
        # choose_cheapest names no option when an undecided one comes before every feasible
        # one, or when all are infeasible
        labels = self.table["selection"] if "selection" in self.table else pd.Series(dtype=str)
        if (labels == "undecided").any():
            return en("undecided"), selection.statement
        return en("none meets the target"), selection.statement

    def explain(self) -> str:
        """The decision in a few lines: headline and statement, the procedure and its
        guarantee, and what Rinott's procedure says about the largest mean throughput."""
        word, statement = self.headline()
        lines = [word.upper(), statement]
        if self.selection is not None:
            lines += [
                f"Procedure: {self.selection.procedure}.",
                f"Guarantee: {self.selection.guarantee}",
                f"Largest throughput: {self.best_throughput}.",
            ]
        return "\n".join(lines)

    def selection_table(self) -> pd.DataFrame:
        """The selection's classifications, cheapest first (see
        :meth:`sim.sweep.selection.SelectionResult.table`); empty without a selection rule."""
        if self.selection is None:
            return SelectionResult(None, "", (), math.nan, math.nan).table()
        return self.selection.table()

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
                    "guarantee": self.selection.guarantee,
                    "classifications": [
                        {k: clean(v) for k, v in row.items()}
                        for row in self.selection.table().to_dict("records")
                    ],
                }
            ),
            "best_throughput": self.best_throughput,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any], table: pd.DataFrame) -> SweepDecision:
        """The decision again from :meth:`to_json`'s document and ``comparison.csv``.

        Raises
        ------
        KeyError, TypeError, ValueError
            The document is not one :meth:`to_json` wrote.
        """
        chosen = document.get("selection")
        selection = None
        if chosen is not None:
            selection = SelectionResult(
                None if chosen["chosen"] is None else str(chosen["chosen"]),
                str(chosen["statement"]),
                tuple(
                    Classification(
                        str(c["variant"]),
                        float(c["cost_cny"]),
                        int(c["successes"]),
                        int(c["trials"]),
                        math.nan if c["low"] is None else float(c["low"]),
                        math.nan if c["high"] is None else float(c["high"]),
                        str(c["label"]),
                    )
                    for c in chosen.get("classifications", [])
                ),
                float(chosen["probability"]),
                float(chosen["confidence"]),
                str(chosen.get("procedure", PROCEDURE)),
            )
        return cls(
            str(document["sweep"]),
            float(document["target_t"]),
            table,
            selection,
            str(document["best_throughput"]),
            selection.probability if selection is not None else None,
        )


def _best_throughput(plan: SweepPlan, runs: pd.DataFrame, table: pd.DataFrame) -> str:
    # stored English (summary.json), shown in the reader's language by sim.i18n.localise
    ranked = table.dropna(subset=["throughput_t"]).sort_values("throughput_t", ascending=False)
    if ranked.empty:
        return en("no successful runs")
    best = str(ranked.iloc[0]["variant"])
    rule = plan.sweep.selection
    if rule is None:
        return en(
            "{best} has the largest mean throughput (no selection rule in the sweep)", best=best
        )
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
    if short:
        return en(
            "{best} has the largest mean throughput; Rinott's guarantee does not hold: "
            "{variants} stopped at selection.max_replications below the second-stage size",
            best=best,
            variants=", ".join(short),
        )
    return en(
        "{best} has the largest mean throughput: it is the best with probability >= "
        "{confidence:.0%} if the best exceeds the others by at least {zone_mt:g} Mt/yr (Rinott)",
        best=best,
        confidence=rule.confidence,
        zone_mt=rule.indifference_zone_t / 1e6,
    )


def analyse(plan: SweepPlan, runs: pd.DataFrame) -> SweepDecision:
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
    return SweepDecision(
        plan.sweep.name,
        plan.target_t,
        table,
        selection,
        _best_throughput(plan, runs, table),
        probability,
    )
