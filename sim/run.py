"""Run a scenario: replications, KPI tables with confidence intervals, and the verdict.

``run(scenario, replications=N, seed=S)`` compiles the scenario once, runs N independent
replications (each with its own random streams derived from the seed, see
:mod:`sim.randomness`), and returns a :class:`RunResult` whose tables are pandas DataFrames
with 95 % confidence intervals across replications.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.compiled import CompiledModel, compile_scenario
from sim.engine import Records
from sim.replicate import replicate
from sim.scenario import Scenario, load_scenario
from sim.stats import aggregate, mean_ci

__all__ = ["RunResult", "Verdict", "run"]

VerdictText = Literal["met", "not met", "uncertain"]


@dataclass(frozen=True)
class Verdict:
    """Throughput against the target.

    Attributes
    ----------
    target_t : float
        Target tonnes per year.
    year : int
        Year compared (the target year, or the last simulated one if the run stops earlier).
    basis : str
        ``"calendar year"`` when that year was counted whole (always so for a run over whole
        years: the warm-up runs before 1 January of the first year), else ``"annualised"``
        (a ``run.horizon_days`` period: tonnes counted times 8,760 / hours counted).
    throughput_t : tuple of float
        Mean and 95 % CI (low, high) of the compared throughput.
    p_target_met : float
        Share of replications at or above the target.
    verdict : {"met", "not met", "uncertain"}
        ``met`` if the CI lies above the target, ``not met`` if below, else ``uncertain``
        (with one replication: the point estimate decides).
    per_replication : tuple of float
    by_year : tuple of (year, mean tonnes, share of replications at or above the target)
        For every calendar year counted whole.
    first_year_met : int or None
        First of those years whose mean throughput reaches the target.
    """

    target_t: float
    year: int
    basis: str
    throughput_t: tuple[float, float, float]
    p_target_met: float
    verdict: VerdictText
    per_replication: tuple[float, ...]
    by_year: tuple[tuple[int, float, float], ...] = ()
    first_year_met: int | None = None


@dataclass
class RunResult:
    """What a run tells a planner. Tables are DataFrames with ``*_ci95_low/high`` columns."""

    scenario: Scenario
    replications: int
    seed: int
    tables: dict[str, pd.DataFrame]
    per_replication: dict[str, pd.DataFrame]
    verdict: Verdict
    events: int
    logical_events: int
    wall_s: float
    overloads: list[dict[str, Any]]
    invariants: list[dict[str, float]]
    records: list[Records] = field(repr=False, default_factory=list)
    model: CompiledModel | None = field(repr=False, default=None)

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """Resources ranked by the share of vessel time spent waiting for them."""
        return self.tables["bottlenecks"]

    def to_json(self) -> dict[str, Any]:
        """The machine-readable summary printed by ``hubsim run --json``."""
        verdict = self.verdict
        top = self.bottlenecks.head(10)
        return {
            "scenario": self.scenario.name,
            "replications": self.replications,
            "seed": self.seed,
            "target_t": verdict.target_t,
            "target_year": verdict.year,
            "basis": verdict.basis,
            "throughput_t": {
                "mean": _num(verdict.throughput_t[0]),
                "ci95_low": _num(verdict.throughput_t[1]),
                "ci95_high": _num(verdict.throughput_t[2]),
            },
            "p_target_met": verdict.p_target_met,
            "verdict": verdict.verdict,
            "first_year_met": verdict.first_year_met,
            "by_year": [
                {"year": y, "throughput_t": t, "p_target_met": p} for y, t, p in verdict.by_year
            ],
            "bottlenecks": [
                {
                    "resource": row.resource,
                    "kind": row.kind,
                    "utilisation": _num(row.utilisation),
                    "mean_wait_h": _num(row.mean_wait_h),
                    "wait_share": _num(row.wait_share),
                }
                for row in top.itertuples(index=False)
            ],
            "overloads": self.overloads,
            "notes": list(self.model.notes) if self.model is not None else [],
            "events": self.events,
            "logical_events": self.logical_events,
            "wall_s": self.wall_s,
        }


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


_KEYS = {
    "berths": ["resource", "terminal", "port_area"],
    "locks": ["resource"],
    "yards": ["resource", "terminal", "cargo_group"],
    "landside": ["resource", "kind", "place"],
    "turnaround": ["flow", "kind", "terminal"],
    "transport": ["mode"],
    "modal_split": ["landside"],
    "economics": [],
    "bottlenecks": ["kind", "resource"],
}


def _throughput_tables(
    per_rep: pd.DataFrame,
    replications: list[int],
) -> dict[str, pd.DataFrame]:
    out = {}
    views = {
        "throughput_port": ["year"],
        "throughput_port_area": ["year", "port_area"],
        "throughput_terminal": ["year", "terminal"],
        "throughput_commodity": ["year", "commodity"],
        "throughput_month": ["year", "month"],
    }
    for name, keys in views.items():
        summed = per_rep.groupby([*keys, "replication"], as_index=False)[["tonnes", "calls"]].sum()
        # a replication without any call in a group counts as zero there
        out[name] = aggregate(summed, keys, fill_zero=("tonnes", "calls"))
        missing = set(replications) - set(summed["replication"])
        if missing and not summed.empty:
            padded = pd.concat(
                [summed]
                + [
                    summed[keys].drop_duplicates().assign(replication=r, tonnes=0.0, calls=0)
                    for r in sorted(missing)
                ],
                ignore_index=True,
            )
            out[name] = aggregate(padded, keys, fill_zero=("tonnes", "calls"))
    return out


def _verdict(
    model: CompiledModel, per_rep: pd.DataFrame, records: list[Records], replications: list[int]
) -> Verdict:
    scenario = model.scenario
    target = scenario.target
    calendar = model.calendar
    terminals = set(target.terminals) or {t.id for t in model.terminals}
    mine = per_rep[per_rep["terminal"].isin(terminals)]
    counted_years = calendar.counted_years()
    year = min(target.year, int(calendar.month_year[-1]))
    whole = year in counted_years and year == target.year
    values = []
    for replication, record in zip(replications, records, strict=True):
        rows = mine[mine["replication"] == replication]
        if whole or record.overload is not None:
            # an overloaded run stopped early: what it carried is all it can claim (a rate
            # measured before the queues blew up would overstate the plan)
            in_year = rows["year"] == year if whole else slice(None)
            values.append(float(rows.loc[in_year, "tonnes"].sum()))
        else:
            counted_h = record.end_h - calendar.warmup_h
            values.append(
                float(rows["tonnes"].sum()) * 8760.0 / counted_h if counted_h > 0 else 0.0
            )
    mean, low, high = mean_ci(values)
    overloaded = [r.overload is not None for r in records]
    p_met = float(
        np.mean(
            [v >= target.throughput_t and not o for v, o in zip(values, overloaded, strict=True)]
        )
    )
    if len(values) == 1 or math.isnan(low):
        text: VerdictText = "met" if mean >= target.throughput_t else "not met"
    elif low >= target.throughput_t:
        text = "met"
    elif high < target.throughput_t:
        text = "not met"
    else:
        text = "uncertain"
    if all(overloaded):
        text = "not met"  # demand exceeds what the plan can serve in every replication
    elif any(overloaded) and text == "met":
        text = "uncertain"
    by_year = []
    for candidate in counted_years:
        totals = [
            float(
                mine.loc[(mine["replication"] == r) & (mine["year"] == candidate), "tonnes"].sum()
            )
            for r in replications
        ]
        by_year.append(
            (
                candidate,
                float(np.mean(totals)),
                float(np.mean([t >= target.throughput_t for t in totals])),
            )
        )
    first_met = next((y for y, mean_t, _ in by_year if mean_t >= target.throughput_t), None)
    return Verdict(
        target.throughput_t,
        year,
        "calendar year" if whole else "annualised",
        (mean, low, high),
        p_met,
        text,
        tuple(values),
        tuple(by_year),
        first_met,
    )


def run(
    scenario: Scenario | str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    multiplier: float = 1.0,
    keep_records: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> RunResult:
    """Run ``replications`` of a scenario and summarise them.

    Parameters
    ----------
    scenario : Scenario or path
        A loaded scenario or a scenario file.
    replications, seed : int, optional
        Override the scenario's ``run.replications`` and ``run.seed``.
    multiplier : float
        Scales all demand (used by the capacity search).
    keep_records : bool
        Keep each replication's flat records on the result (for event Parquet and charts).
    progress : callable, optional
        Called with (done, total) in simulated days, warm-up included, over all
        replications: with ``workers=1`` as each replication's clock passes a midnight (at
        most once per simulated day), with more workers as each replication finishes.
    workers : int
        Local processes to run replications on (results do not depend on it).

    Returns
    -------
    RunResult

    Examples
    --------
    >>> result = run("scenarios/minimal_single_berth.yaml", replications=2)
    >>> result.verdict.verdict in ("met", "not met", "uncertain")
    True
    """
    started = time.perf_counter()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    settings = {}
    if replications is not None:
        settings["replications"] = replications
    if seed is not None:
        settings["seed"] = seed
    if settings:
        scenario = scenario.model_copy(update={"run": scenario.run.model_copy(update=settings)})
    model = compile_scenario(scenario, multiplier=multiplier)
    count = scenario.run.replications
    per_rep_tables: dict[str, list[pd.DataFrame]] = {}
    records: list[Records] = []
    for replication, record, rep_tables in replicate(
        model, list(range(count)), workers=workers, progress=progress
    ):
        for name, table in rep_tables.items():
            per_rep_tables.setdefault(name, []).append(table.assign(replication=replication))
        records.append(record)
    per_replication = {
        name: pd.concat(frames, ignore_index=True) for name, frames in per_rep_tables.items()
    }
    reps = list(range(count))
    tables = _throughput_tables(per_replication["throughput"], reps)
    for name, keys in _KEYS.items():
        tables[name] = aggregate(
            per_replication[name],
            keys,
            fill_zero=("calls", "passages", "lockages", "trips", "tonnes"),
        )
    tables["bottlenecks"] = (
        tables["bottlenecks"]
        .sort_values(["wait_share", "utilisation"], ascending=False, na_position="last")
        .reset_index(drop=True)
    )
    verdict = _verdict(model, per_replication["throughput"], records, reps)
    overloads = [
        {
            "replication": i,
            "resource": r.overload.resource,
            "kind": r.overload.kind,
            "time_h": r.overload.time_h,
            "queue": r.overload.length,
        }
        for i, r in enumerate(records)
        if r.overload is not None
    ]
    return RunResult(
        scenario,
        count,
        scenario.run.seed,
        tables,
        per_replication,
        verdict,
        sum(r.events for r in records),
        sum(r.logical_events for r in records),
        time.perf_counter() - started,
        overloads,
        [r.invariants for r in records],
        records if keep_records else [],
        model,
    )
