"""Plans side by side with the same random numbers: the plan against one or more what-ifs.

:func:`compare` runs every scenario over the same judged year with the same seed and the same
number of replications. Replication r of every plan draws its demand, service times and
weather from the streams keyed by (seed, r, source name) (see :mod:`sim.model.randomness`), so the
plans see the same demand: common random numbers. The difference of each plan from the first
(the reference) is taken replication by replication and its 95 % CI computed from those
paired differences, which is much tighter than the difference of two independent CIs.

The :class:`Comparison` holds one row per plan (:attr:`Comparison.table`): the verdict and
its short reasons, throughput, capacity and margin (when asked), the criteria that fail or may
fail in any plan, the top three bottlenecks, CAPEX (:mod:`sim.scenario.costs`) and what each
plan adds against the reference, cost and CO2 per tonne, and the paired deltas.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.markup import escape
from rich.table import Table

from sim.analysis import CriterionResult, Verdict, with_capacity
from sim.analysis.criteria import format_value
from sim.analysis.stats import mean_ci
from sim.analysis.verdict_text import verdict_word
from sim.i18n import N_, en, localise, tr
from sim.runs.capacity import CapacityResult, criteria_failures, evaluation_scenario, quick_capacity
from sim.runs.run import RunResult
from sim.runs.run import run as simulate
from sim.scenario import Scenario
from sim.scenario.costs import capex_difference, capex_total
from sim.scenario.routes import load_checked

__all__ = [
    "DELTAS",
    "CompareError",
    "Comparison",
    "PlanRun",
    "compare",
    "console_table",
]

#: Paired deltas against the reference: column prefix -> what it measures.
DELTAS = {
    "throughput_t": "judged-year port throughput (t)",
    "cost_cny_per_t": "transport cost per tonne of port cargo (CNY/t)",
    "co2_kg_per_t": "CO2 per tonne of port cargo (kg/t)",
    "p_target_met": "share of replications meeting the target",
}

_CRITERION_NAMES = {
    "berth_waiting_service_ratio": N_("berth waiting/service"),
    "berth_occupancy": N_("berth occupancy"),
    "mean_lock_wait_h": N_("mean lock wait (h)"),
    "yard_blocking_share": N_("ships held at berth (share)"),
}


class CompareError(ValueError):
    """Plans that cannot be compared (fewer than two, different target years or tonnes);
    the message names the files."""


@dataclass(frozen=True)
class PlanRun:
    """One plan of a comparison.

    Attributes
    ----------
    name : str
        Readable name: the scenario's ``name`` and the file stem.
    file : str
        The scenario file ("" for a scenario given as an object).
    scenario : Scenario
        The scenario as run (one judged year, see :func:`sim.runs.capacity.evaluation_scenario`).
    result : RunResult
    capacity : CapacityResult or None
        The quick sustainable-capacity estimate, when asked.
    capex_cny : float
        CAPEX of the plan: the reference's CAPEX plus what this plan adds to it.
    capex_added : DataFrame
        What the plan adds to the reference, facility by facility
        (:func:`sim.scenario.costs.capex_difference`; empty for the reference).
    """

    name: str
    file: str
    scenario: Scenario
    result: RunResult
    capacity: CapacityResult | None
    capex_cny: float
    capex_added: pd.DataFrame

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    @property
    def capex_added_cny(self) -> float:
        return float(self.capex_added["capex_added_cny"].sum())


@dataclass(frozen=True)
class Comparison:
    """Plans compared with common random numbers (see :func:`compare`).

    Attributes
    ----------
    plans : tuple of PlanRun
        The first is the reference.
    replications, seed, year : int
        The same for every plan.
    target_t : float
    criteria : tuple of (name, resource, label)
        Criteria that fail or may fail in some plan (columns of :attr:`table`).
    table : DataFrame
        One row per plan (see :func:`compare`).
    wall_s : float
        Time the comparison took.
    """

    plans: tuple[PlanRun, ...]
    replications: int
    seed: int
    year: int
    target_t: float
    criteria: tuple[tuple[str, str, str], ...]
    table: pd.DataFrame
    wall_s: float

    @property
    def reference(self) -> PlanRun:
        return self.plans[0]

    @property
    def runs(self) -> dict[str, RunResult]:
        """Plan name -> its run, in order (for :func:`sim.viz.plans_chart` and friends)."""
        return {plan.name: plan.result for plan in self.plans}

    @property
    def paired_note(self) -> str:
        """How the deltas were computed, in words."""
        return en(
            "deltas against {reference} are paired: each plan ran {n} replications with seed "
            "{seed} (common random numbers: replication r of every plan sees the same demand), "
            "and the 95 % CI is that of the per-replication differences",
            reference=self.reference.name,
            n=self.replications,
            seed=self.seed,
        )

    def to_json(self) -> dict[str, Any]:
        """The document printed by ``hubsim compare --json``."""
        plans = []
        for plan, row in zip(self.plans, self.table.to_dict("records"), strict=True):
            verdict = plan.verdict
            item: dict[str, Any] = {
                "name": plan.name,
                "scenario": plan.scenario.name,
                "file": plan.file,
                "reference": plan is self.reference,
                "verdict": verdict.verdict,
                "headline": verdict.headline,
                "reasons": _short_reasons(verdict),
                "throughput_t": _triple(row, "throughput_t"),
                "p_target_met": verdict.p_target_met,
                "capex_cny": plan.capex_cny,
                "capex_added_cny": plan.capex_added_cny,
                "capex_changes": [
                    {k: _clean(v) for k, v in change.items()}
                    for change in plan.capex_added.to_dict("records")
                ],
                "cost_cny_per_t": _triple(row, "cost_cny_per_t"),
                "co2_kg_per_t": _triple(row, "co2_kg_per_t"),
                "criteria": [
                    c.to_json()
                    for c in verdict.criteria
                    if (c.name, c.resource) in {(n, r) for n, r, _ in self.criteria}
                ],
                "bottlenecks": _bottlenecks(plan.result),
            }
            if plan.capacity is not None:
                item["capacity_t"] = _triple(row, "capacity_t")
                item["margin_t"] = _clean(row["margin_t"])
            if plan is not self.reference:
                item["vs_reference"] = {
                    "paired": True,
                    **{key: _triple(row, f"{key}_vs_reference") for key in DELTAS},
                }
            plans.append(item)
        return {
            "plans": plans,
            "reference": self.reference.name,
            "replications": self.replications,
            "seed": self.seed,
            "year": self.year,
            "target_t": self.target_t,
            "paired": self.paired_note,
            "wall_s": self.wall_s,
        }


def _clean(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _triple(row: dict[str, Any], column: str) -> dict[str, float | None]:
    return {
        "mean": _clean(row[column]),
        "ci95_low": _clean(row[f"{column}_ci95_low"]),
        "ci95_high": _clean(row[f"{column}_ci95_high"]),
    }


def _load(item: Scenario | str | Path) -> tuple[Scenario, str]:
    if isinstance(item, Scenario):
        return item, ""
    scenario, _ = load_checked(item)
    return scenario, str(item)


def _names(loaded: Sequence[tuple[Scenario, str]]) -> list[str]:
    names: list[str] = []
    for scenario, file in loaded:
        name = f"{scenario.name} ({Path(file).stem})" if file else scenario.name
        if name in names:
            name = f"{name} [{len(names) + 1}]"
        names.append(name)
    return names


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    replications: int | None = None,
    seed: int | None = None,
    year: int | None = None,
    workers: int = 1,
    capacity: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    files: Sequence[str] | None = None,
    keep_records: bool = False,
) -> Comparison:
    """Run plans with the same random numbers and compare each with the first.

    Parameters
    ----------
    scenarios : sequence of Scenario or path
        Two or more; the first is the reference.
    replications, seed : int, optional
        The same for every plan (default: the reference's ``run.replications``/``run.seed``).
    year : int, optional
        Judged year, simulated alone (a warm-up, then the calendar year); default: the plans'
        target year, which must then be the same for all. A scenario given with
        ``run.horizon_days`` is run as it is.
    workers : int
        Local processes for the replications (results do not depend on it).
    capacity : bool
        Also estimate each plan's sustainable capacity quickly (as ``hubsim run
        --capacity``) and its margin to the target.
    progress : callable, optional
        Called with (plan name, replications done, replications).
    files : sequence of str, optional
        The file each scenario came from, when they are given loaded (for names and messages).
    keep_records : bool
        Keep each run's flat records (for the charts of :mod:`sim.viz` that draw them).

    Returns
    -------
    Comparison
        Its ``table`` has one row per plan: ``plan, scenario, file, reference, verdict,
        reasons``, ``throughput_t`` with ``_ci95_low/_ci95_high``, ``p_target_met``,
        ``target_t``, (``capacity_t`` with its CI, ``margin_t``), ``capex_cny``,
        ``capex_added_cny``, ``capex_changes``, ``cost_cny_per_t`` and ``co2_kg_per_t``
        with CIs, ``bottleneck_1..3``, one column per criterion that fails or may fail in
        any plan (its mean value, named ``criterion: WHAT at WHERE``) and, for each key of
        :data:`DELTAS`, ``KEY_vs_reference`` with its paired CI (NaN for the reference).

    Raises
    ------
    ScenarioError
        A file that does not load (the message names it).
    CompareError
        Fewer than two plans, or plans with different target years (without ``year``) or
        different target tonnes.
    """
    started = time.perf_counter()
    if len(scenarios) < 2:
        raise CompareError(
            f"compare needs at least two scenario files (the reference first), got {len(scenarios)}"
        )
    loaded = [_load(item) for item in scenarios]
    if files is not None:
        loaded = [(s, str(f or given)) for (s, given), f in zip(loaded, files, strict=True)]
    names = _names(loaded)
    labels = [file or scenario.name for scenario, file in loaded]
    if year is None:
        years = {scenario.target.year for scenario, _ in loaded}
        if len(years) > 1:
            listed = ", ".join(
                f"{label}: {s.target.year}" for (s, _), label in zip(loaded, labels, strict=True)
            )
            raise CompareError(
                f"the plans have different target years ({listed}); every plan must be judged "
                "in the same year: give --year"
            )
    targets = {scenario.target.throughput_t for scenario, _ in loaded}
    if len(targets) > 1:
        listed = ", ".join(
            f"{label}: {s.target.throughput_t / 1e6:,.2f} Mt"
            for (s, _), label in zip(loaded, labels, strict=True)
        )
        raise CompareError(f"the plans have different targets ({listed}); set the same target")
    reference = loaded[0][0]
    count = replications or reference.run.replications
    seed = reference.run.seed if seed is None else seed
    plans: list[PlanRun] = []
    for (scenario, file), name in zip(loaded, names, strict=True):
        evaluated, _ = evaluation_scenario(scenario, year or scenario.target.year)
        evaluated = evaluated.model_copy(
            update={"run": evaluated.run.model_copy(update={"seed": seed})}
        )

        def report(done: int, total: int, name: str = name) -> None:
            if progress is not None:
                progress(name, done, total)

        result = simulate(
            evaluated,
            replications=count,
            seed=seed,
            workers=workers,
            progress=report,
            keep_records=capacity or keep_records,
        )
        estimate = None
        if capacity:
            assert result.model is not None
            estimate = quick_capacity(
                evaluated,
                at_one=criteria_failures(result.model, result.records[0]),
                workers=workers,
            )
            result = result.with_verdict(
                with_capacity(
                    result.verdict,
                    estimate.capacity_t,
                    note=f"quick estimate from replication 0; beyond it: {estimate.binding[0]}",
                )
            )
            if not keep_records:
                result = _without_records(result)
        added = capex_difference(reference, scenario) if plans else _no_changes()
        capex = capex_total(reference) + float(added["capex_added_cny"].sum())
        plans.append(PlanRun(name, file, evaluated, result, estimate, capex, added))
    judged = {plan.verdict.year for plan in plans}
    if len(judged) > 1:
        listed = ", ".join(
            f"{label}: {plan.verdict.year}" for plan, label in zip(plans, labels, strict=True)
        )
        raise CompareError(f"the plans were judged in different years ({listed}); give --year")
    criteria = _compared_criteria(plans)
    table = _table(plans, criteria)
    return Comparison(
        tuple(plans),
        count,
        seed,
        plans[0].verdict.year,
        reference.target.throughput_t,
        criteria,
        table,
        time.perf_counter() - started,
    )


def _without_records(result: RunResult) -> RunResult:
    from dataclasses import replace

    return replace(result, records=[])


def _no_changes() -> pd.DataFrame:
    from sim.scenario.costs import DIFFERENCE_COLUMNS

    return pd.DataFrame([], columns=DIFFERENCE_COLUMNS).astype(
        {"capex_added_cny": float, "units_added": float}
    )


def _compared_criteria(plans: Sequence[PlanRun]) -> tuple[tuple[str, str, str], ...]:
    """Criteria that fail or may fail in some plan, in the order they first appear."""
    found: dict[tuple[str, str], str] = {}
    for plan in plans:
        if not plan.verdict.criteria_applied:
            continue
        for c in plan.verdict.criteria:
            if c.holds is not True:
                found.setdefault((c.name, c.resource), c.label)
    return tuple((name, resource, label) for (name, resource), label in found.items())


def criterion_column(name: str, label: str) -> str:
    """The table column of a criterion: ``criterion: WHAT at WHERE``."""
    return f"criterion: {_CRITERION_NAMES.get(name, name)} at {label}"


def _brief(c: CriterionResult) -> str:
    value = format_value(c.name, c.value[0])
    limit = format_value(c.name, c.limit)
    where = c.resource if c.kind != "yard" else en("all berths")
    fields = {"where": where, "value": value, "limit": limit}
    if c.name == "berth_waiting_service_ratio":
        return en("{where} berth waiting/service {value} > {limit}", **fields)
    if c.name == "berth_occupancy":
        return en("{where} berth occupancy {value} > {limit}", **fields)
    if c.name == "mean_lock_wait_h":
        return en("{where} mean lock wait (h) {value} > {limit}", **fields)
    if c.name == "yard_blocking_share":
        return en("{where} ships held at berth (share) {value} > {limit}", **fields)
    return en("{where} {criterion} {value} > {limit}", criterion=c.name, **fields)


def _short_reasons(verdict: Verdict) -> list[str]:
    """Why a plan is not met, in a few words: throughput, failing criteria, overflows."""
    mean = verdict.throughput_t[0]
    target = verdict.target_t
    reasons = []
    judged = verdict.judged
    if judged is not None and judged.reasons:
        first = judged.reasons[0]
        if "below" in first:
            reasons.append(en("throughput {mt:,.2f} Mt below the target", mt=mean / 1e6))
        elif "not clearly" in first:
            reasons.append(en("throughput {mt:,.2f} Mt: CI straddles the target", mt=mean / 1e6))
    elif mean < target:
        reasons.append(en("throughput {mt:,.2f} Mt below the target", mt=mean / 1e6))
    if verdict.criteria_applied:
        reasons += [
            en("fails: {what}", what=_brief(c)) for c in verdict.criteria if c.holds is False
        ]
        uncertain = sum(c.holds is None for c in verdict.criteria)
        if uncertain == 1:
            reasons.append(en("1 criterion uncertain (CI straddles the limit)"))
        elif uncertain:
            reasons.append(en("{n} criteria uncertain (CI straddles the limit)", n=uncertain))
    reasons += [r for r in verdict.reasons if r.startswith("overflow:")]
    return reasons


def _bottlenecks(result: RunResult, top: int = 3) -> list[str]:
    out = []
    for row in result.bottlenecks.head(top).itertuples(index=False):
        fields = {"resource": row.resource, "kind": row.kind}
        if row.criterion:
            out.append(en("{resource} ({kind}): {what}", what=row.criterion, **fields))
        elif row.utilisation == row.utilisation:
            out.append(
                en(
                    "{resource} ({kind}): utilisation {share:.0%}",
                    share=row.utilisation,
                    **fields,
                )
            )
        else:
            out.append(en("{resource} ({kind}): no criterion", **fields))
    return out


def _economics(result: RunResult, column: str) -> tuple[tuple[float, float, float], np.ndarray]:
    table = result.tables["economics"]
    summary = (
        (
            float(table[column].iloc[0]),
            float(table[f"{column}_ci95_low"].iloc[0]),
            float(table[f"{column}_ci95_high"].iloc[0]),
        )
        if len(table) and f"{column}_ci95_low" in table
        else (float(table[column].iloc[0]) if len(table) else math.nan, math.nan, math.nan)
    )
    per_rep = result.per_replication["economics"].sort_values("replication")
    return summary, per_rep[column].to_numpy(dtype=float)


def _per_replication(plan: PlanRun) -> dict[str, np.ndarray]:
    verdict = plan.verdict
    judged = verdict.judged
    met = judged.met_per_replication if judged is not None else ()
    return {
        "throughput_t": np.asarray(verdict.per_replication, dtype=float),
        "cost_cny_per_t": _economics(plan.result, "cost_cny_per_t")[1],
        "co2_kg_per_t": _economics(plan.result, "co2_kg_per_t")[1],
        "p_target_met": np.asarray(met, dtype=float),
    }


def _table(plans: Sequence[PlanRun], criteria: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    reference = _per_replication(plans[0])
    rows = []
    for plan in plans:
        verdict = plan.verdict
        row: dict[str, Any] = {
            "plan": plan.name,
            "scenario": plan.scenario.name,
            "file": plan.file,
            "reference": plan is plans[0],
            "verdict": verdict.verdict,
            "reasons": "; ".join(_short_reasons(verdict)),
            "throughput_t": verdict.throughput_t[0],
            "throughput_t_ci95_low": verdict.throughput_t[1],
            "throughput_t_ci95_high": verdict.throughput_t[2],
            "p_target_met": verdict.p_target_met,
            "target_t": verdict.target_t,
        }
        if plan.capacity is not None:
            mean, low, high = plan.capacity.capacity_t
            row |= {
                "capacity_t": mean,
                "capacity_t_ci95_low": low,
                "capacity_t_ci95_high": high,
                "margin_t": plan.capacity.margin_t,
            }
        row |= {
            "capex_cny": plan.capex_cny,
            "capex_added_cny": plan.capex_added_cny,
            "capex_changes": "; ".join(
                f"{c['facility']} {_change_text(c)}" for c in plan.capex_added.to_dict("records")
            ),
        }
        for column in ("cost_cny_per_t", "co2_kg_per_t"):
            (mean, low, high), _ = _economics(plan.result, column)
            row |= {column: mean, f"{column}_ci95_low": low, f"{column}_ci95_high": high}
        for rank, text in enumerate(_bottlenecks(plan.result), start=1):
            row[f"bottleneck_{rank}"] = text
        values = {(c.name, c.resource): c for c in verdict.criteria}
        for name, resource, label in criteria:
            found = values.get((name, resource))
            row[criterion_column(name, label)] = found.value[0] if found else math.nan
        mine = _per_replication(plan)
        for key in DELTAS:
            if plan is plans[0]:
                mean, low, high = math.nan, math.nan, math.nan
            else:
                mean, low, high = mean_ci(mine[key] - reference[key])
            row |= {
                f"{key}_vs_reference": mean,
                f"{key}_vs_reference_ci95_low": low,
                f"{key}_vs_reference_ci95_high": high,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def _change_text(change: dict[str, Any]) -> str:
    added = change["capex_added_cny"] / 1e6
    sign = "+" if added >= 0 else ""
    what = change["note"] if change["note"] in ("new facility", "removed") else ""
    if not what:
        units = change["units_added"]
        what = f"{'+' if units >= 0 else ''}{units:,.0f} {change['unit']}" if units else ""
        if change["note"]:
            what = f"{what}, {change['note']}" if what else change["note"]
    return f"{what} ({sign}{added:,.0f} M CNY)"


# --------------------------------------------------------------------------------- terminal


def _mt(value: float) -> str:
    return "-" if value != value else f"{value / 1e6:,.2f}"


def _ci(row: dict[str, Any], column: str, fmt: Callable[[float], str]) -> str:
    low, high = row[f"{column}_ci95_low"], row[f"{column}_ci95_high"]
    text = fmt(row[column])
    if low == low and high == high:
        text += f"\n({fmt(low)} to {fmt(high)})"
    return text


def _signed(fmt: Callable[[float], str]) -> Callable[[float], str]:
    def out(value: float) -> str:
        text = fmt(value)
        return text if value != value or text.startswith("-") else f"+{text}"

    return out


_COLOURS = {"met": "green", "not met": "red", "uncertain": "yellow"}


def console_table(comparison: Comparison) -> Table:
    """The comparison as one rich table, one row per plan (names and texts wrapped, never
    cut), with a caption defining every column."""
    capacity = "capacity_t" in comparison.table
    table = Table(
        title=tr(
            "Plans compared in {year} against the {target:,.0f} Mt target ({n} replications, "
            "seed {seed}; reference: {reference})",
            year=comparison.year,
            target=comparison.target_t / 1e6,
            n=comparison.replications,
            seed=comparison.seed,
            reference=comparison.reference.name,
        ),
        title_justify="left",
        caption=tr(
            "plan: the scenario's name (file); verdict: met / not met / uncertain and why "
            "(failing criteria, how many are uncertain); throughput: judged-year port "
            "throughput, Mt, mean (95 % CI) and P(met), the share of replications meeting the "
            "target"
        )
        + (
            tr(
                "; capacity: quick sustainable-capacity estimate (Mt/yr, from replication 0) "
                "and its margin to the target"
            )
            if capacity
            else ""
        )
        + tr(
            "; criteria: every criterion that fails (x) or may fail (?) in any plan (ok: "
            "holds), its value / its limit; top bottlenecks: the three resources ranked by their "
            "effect on the verdict; CAPEX: the plan's investment, bn CNY (the reference's "
            "facilities plus what the plan adds), and what it adds against the reference, "
            "M CNY, by facility; cost, CO2: transport cost (CNY) and CO2 (kg) per tonne of "
            "port cargo, mean (95 % CI); delta vs reference: plan minus reference with PAIRED "
            "95 % CIs (same random numbers, from the per-replication differences) of "
            "throughput, cost per tonne, CO2 per tonne and P(met) (in percentage points)"
        ),
        caption_justify="left",
        show_lines=True,
        expand=True,
    )
    headings = [N_("plan"), N_("verdict"), N_("throughput Mt\n(95% CI)")]
    if capacity:
        headings.append(N_("capacity Mt/yr\n(margin)"))
    headings += [
        N_("criteria failing or uncertain in any plan"),
        N_("top bottlenecks"),
        N_("CAPEX bn CNY\n(added)"),
        N_("per tonne\n(95% CI)"),
        N_("delta vs reference\n(paired 95% CI)"),
    ]
    ratios = {"criteria": 5, "top": 4, "verdict": 3, "delta": 3, "plan": 2, "CAPEX": 2}
    for heading in headings:
        numeric = heading.startswith(("throughput", "capacity", "per tonne"))
        table.add_column(
            tr(heading),
            justify="right" if numeric else "left",
            overflow="fold",
            ratio=ratios.get(heading.split(" ")[0], 2),
        )
    for plan, row in zip(comparison.plans, comparison.table.to_dict("records"), strict=True):
        table.add_row(*_console_cells(comparison, plan, row, capacity=capacity))
    return table


def _console_cells(
    comparison: Comparison, plan: PlanRun, row: dict[str, Any], *, capacity: bool
) -> list[str]:
    verdict = plan.verdict
    colour = _COLOURS[verdict.verdict]
    cells = [
        escape(plan.name)
        + (f"\n[dim]{escape(tr('reference'))}[/]" if plan is comparison.reference else ""),
        f"[bold {colour}]{escape(verdict_word(verdict.verdict))}[/]"
        + "".join(f"\n- {escape(localise(r))}" for r in _short_reasons(verdict)),
        _ci(row, "throughput_t", _mt) + f"\nP(met) {verdict.p_target_met:.0%}",
    ]
    if capacity:
        cells.append(
            f"{_mt(row['capacity_t'])}\n({_signed(_mt)(row['margin_t'])})"
            if row["capacity_t"] == row["capacity_t"]
            else "-"
        )
    by_key = {(c.name, c.resource): c for c in verdict.criteria}
    lines = []
    for name, resource, _ in comparison.criteria:
        c = by_key.get((name, resource))
        what = f"{resource} {tr(_CRITERION_NAMES.get(name, name))}"
        if c is None:
            lines.append(tr("{what}: not judged", what=what))
            continue
        mark = {True: "ok", False: "x", None: "?"}[c.holds]
        lines.append(
            f"{mark} {what} {format_value(name, c.value[0])} / {format_value(name, c.limit)}"
        )
    cells.append(escape("\n".join(lines)) or "-")
    bottlenecks = _bottlenecks(plan.result)
    cells.append(
        escape("\n".join(f"{i}. {localise(b)}" for i, b in enumerate(bottlenecks, 1))) or "-"
    )
    capex = f"{row['capex_cny'] / 1e9:,.2f}"
    if plan is not comparison.reference:
        added = _signed(lambda v: f"{v / 1e6:,.0f}")(row["capex_added_cny"])
        changes = row["capex_changes"]
        capex += f"\nadded {added} M" + (f":\n{escape(changes)}" if changes else "")
    cells.append(capex)
    cells.append(
        "cost CNY/t\n"
        + _ci(row, "cost_cny_per_t", lambda v: f"{v:,.2f}")
        + "\nCO2 kg/t\n"
        + _ci(row, "co2_kg_per_t", lambda v: f"{v:,.2f}")
    )
    if plan is comparison.reference:
        cells.append(tr("reference"))
        return cells
    deltas: list[tuple[str, str, Callable[[float], str]]] = [
        ("throughput", "throughput_t", lambda v: _mt(v) + " Mt"),
        ("cost/t", "cost_cny_per_t", lambda v: f"{v:,.3f} CNY"),
        ("CO2/t", "co2_kg_per_t", lambda v: f"{v:,.3f} kg"),
        ("P(met)", "p_target_met", lambda v: f"{v * 100:,.0f} pts"),
    ]
    parts = []
    for label, key, fmt in deltas:
        column = f"{key}_vs_reference"
        signed = _signed(fmt)
        low, high = row[f"{column}_ci95_low"], row[f"{column}_ci95_high"]
        interval = f"\n  ({signed(low)} to {signed(high)})" if low == low else ""
        parts.append(f"{label} {signed(row[column])}{interval}")
    cells.append("\n".join(parts))
    return cells
