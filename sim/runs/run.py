"""Run a scenario: replications, KPI tables with confidence intervals, and the verdict.

``run(scenario, replications=N, seed=S)`` compiles the scenario once, runs N independent
replications (each with its own random streams derived from the seed, see
:mod:`sim.model.randomness`), and returns a :class:`RunResult` whose tables are pandas DataFrames
with 95 % confidence intervals across replications.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis import (
    Outcome,
    Verdict,
    decide,
    rank_bottlenecks,
    replication_outcomes,
    with_capacity,
)
from sim.analysis.stats import aggregate
from sim.engine import Records
from sim.engine.environment import Process
from sim.i18n import en
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.runs.replicate import days_per_replication, replicate
from sim.scenario import Scenario, load_scenario
from sim.scenario.routes import NetworkCheck, check_network

if TYPE_CHECKING:
    from sim.runs.capacity import CapacityResult, Relief

__all__ = ["RunResult", "Verdict", "run", "verdict_tables"]


@dataclass
class RunResult:
    """What a run tells a planner. Tables are DataFrames with ``*_ci95_low/high`` columns.

    ``verdict`` is the one answer (see :mod:`sim.analysis.verdict`); ``tables["verdict"]``
    and ``tables["criteria"]`` hold it as tables, ``outcomes`` each replication's part.
    """

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
    outcomes: list[list[Outcome]] = field(repr=False, default_factory=list)
    precision: str = ""
    #: the scenario's network check (its network data and routes), read once for the run
    check: NetworkCheck | None = field(repr=False, default=None)
    #: the SimPy processes of the user's that joined every replication (scenario's first)
    processes: list[str] = field(default_factory=list)

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """Resources ranked by their effect on the verdict (see
        :func:`sim.analysis.rank_bottlenecks`)."""
        return self.tables["bottlenecks"]

    def with_verdict(
        self, verdict: Verdict, relief: Sequence[tuple[str, str, float]] = ()
    ) -> RunResult:
        """The same run with a verdict that knows more (capacity, relief; see
        :func:`sim.analysis.with_capacity`): the verdict tables and the ranking follow."""
        tables = dict(self.tables)
        tables["verdict"], tables["criteria"] = verdict_tables(verdict)
        tables["bottlenecks"] = rank_bottlenecks(self.tables["bottlenecks"], verdict, relief)
        return replace(self, verdict=verdict, tables=tables)

    def with_capacity(
        self, capacity: CapacityResult, reliefs: Sequence[Relief] = (), *, quick: bool = False
    ) -> RunResult:
        """The same run whose verdict states the sustainable capacity, the margin and what each
        relief adds (from :mod:`sim.runs.capacity`), and whose bottlenecks carry the relief
        gains."""
        bindings = sorted(set(capacity.binding))
        note = (
            en(
                "quick estimate from replication 0; beyond it: {bindings}",
                bindings="; ".join(bindings),
            )
            if quick
            else en(
                "{n} replications; beyond it: {bindings}",
                n=len(capacity.multipliers),
                bindings="; ".join(bindings),
            )
        )
        verdict = with_capacity(
            self.verdict,
            capacity.capacity_t,
            note=note,
            relief=[(r.change, r.gain_t) for r in reliefs],
        )
        return self.with_verdict(verdict, [(r.kind, r.resource, r.gain_t[0]) for r in reliefs])

    def to_json(self) -> dict[str, Any]:
        """The machine-readable summary printed by ``hubsim run --json``."""
        verdict = self.verdict
        top = self.bottlenecks.head(10)
        return {
            "scenario": self.scenario.name,
            "replications": self.replications,
            "seed": self.seed,
            **verdict.to_json(),
            "bottlenecks": [
                {
                    "rank": int(row.rank),
                    "resource": row.resource,
                    "kind": row.kind,
                    "criterion": row.criterion,
                    "criterion_ratio": _num(row.criterion_ratio),
                    "holds": None if pd.isna(row.holds) else bool(row.holds),
                    "relief_gain_t": _num(row.relief_gain_t),
                    "utilisation": _num(row.utilisation),
                    "mean_wait_h": _num(row.mean_wait_h),
                    "wait_share": _num(row.wait_share),
                }
                for row in top.itertuples(index=False)
            ],
            "overflowed": bool(self.overloads),
            "overloads": self.overloads,
            "notes": list(self.model.notes) if self.model is not None else [],
            "precision_rule": self.precision,
            "processes": self.processes,
            "events": self.events,
            "logical_events": self.logical_events,
            "wall_s": self.wall_s,
        }


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def verdict_tables(verdict: Verdict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The verdict as KPI tables: one row per counted year (``verdict``) and one per
    criterion and resource in each year (``criteria``)."""
    years = pd.DataFrame(
        [
            {
                "year": y.year,
                "basis": y.basis,
                "throughput_t": y.throughput_t[0],
                "throughput_t_ci95_low": y.throughput_t[1],
                "throughput_t_ci95_high": y.throughput_t[2],
                "target_t": verdict.target_t,
                "p_target_met": y.p_target_met,
                "verdict": y.verdict,
                "judged": y.year == verdict.year,
                "criteria_applied": verdict.criteria_applied,
                "reasons": " | ".join(verdict.reasons if y.year == verdict.year else y.reasons),
            }
            for y in verdict.by_year
        ]
    )
    criteria = pd.DataFrame(
        [
            {
                "year": y.year,
                "name": c.name,
                "kind": c.kind,
                "resource": c.resource,
                "label": c.label,
                "value": c.value[0],
                "value_ci95_low": c.value[1],
                "value_ci95_high": c.value[2],
                "limit": c.limit,
                "holds": c.holds,
                "replications_failing": c.failing,
                "replications_judged": c.judged,
            }
            for y in verdict.by_year
            for c in y.criteria
        ],
        columns=[
            "year",
            "name",
            "kind",
            "resource",
            "label",
            "value",
            "value_ci95_low",
            "value_ci95_high",
            "limit",
            "holds",
            "replications_failing",
            "replications_judged",
        ],
    )
    criteria["holds"] = criteria["holds"].astype("boolean")
    return years, criteria


_KEYS = {
    "berths": ["resource", "terminal", "port_area"],
    "locks": ["resource"],
    "stops": ["kind", "resource"],
    "holds": ["resource"],
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


def run(
    scenario: Scenario | str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    multiplier: float = 1.0,
    keep_records: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    precision: float | None = None,
    max_replications: int = 50,
    processes: Sequence[Process] = (),
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
    precision : float, optional
        Precision rule: after the first ``replications`` (at least 3), add replications until
        the half-width of the judged year's throughput CI is at most ``precision`` x the
        target (e.g. 0.01: +/- 0.86 Mt of 86 Mt), or ``max_replications`` is reached. The
        result says which.
    max_replications : int
        Upper bound of the precision rule.
    processes : sequence of callables
        SimPy process functions ``fn(env, model)`` of your own that join every replication
        after those the scenario names (see :mod:`sim.engine.control`): a controller, a
        probe. With ``workers > 1`` each must pickle (a module-level function).

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
    check = check_network(scenario)  # the only read of the network data in a run
    model = compile_scenario(scenario, multiplier=multiplier, check=check)
    count = scenario.run.replications
    if precision is not None:
        count = min(max(count, 3), max_replications)
    per_rep_tables: dict[str, list[pd.DataFrame]] = {}
    records: list[Records] = []
    outcomes: list[list[Outcome]] = []
    rule = ""
    batch = list(range(count))
    while batch:
        done_days = days_per_replication(model) * len(records)  # of earlier batches
        shown = (
            None
            if progress is None
            else functools.partial(_shifted, progress=progress, offset=done_days)
        )
        for replication, record, rep_tables in replicate(
            model,
            batch,
            seed=scenario.run.seed,
            workers=workers,
            progress=shown,
            processes=processes,
        ):
            for name, table in rep_tables.items():
                per_rep_tables.setdefault(name, []).append(table.assign(replication=replication))
            records.append(record)
            outcomes.append(replication_outcomes(model, record, rep_tables["throughput"]))
        batch = []
        if precision is not None:
            rule, more = _precision_rule(model, outcomes, precision, max_replications, workers)
            batch = list(range(len(records), len(records) + more))
    count = len(records)
    per_replication = {
        name: pd.concat(frames, ignore_index=True) for name, frames in per_rep_tables.items()
    }
    reps = list(range(count))
    tables = _throughput_tables(per_replication["throughput"], reps)
    for name, keys in _KEYS.items():
        if name not in per_replication:  # ``stops``: only with stops of registered kinds
            continue
        tables[name] = aggregate(
            per_replication[name],
            keys,
            fill_zero=("calls", "passages", "lockages", "trips", "tonnes"),
        )
    verdict = decide(model, outcomes)
    tables["verdict"], tables["criteria"] = verdict_tables(verdict)
    tables["bottlenecks"] = rank_bottlenecks(tables["bottlenecks"], verdict)
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
        outcomes,
        rule,
        check,
        [p.function for p in scenario.processes] + [_process_name(p) for p in processes],
    )


def _process_name(process: Process) -> str:
    """A process function's name as ``module:function`` (a partial: its function's)."""
    function = getattr(process, "func", process)
    module = getattr(function, "__module__", "?")
    return f"{module}:{getattr(function, '__qualname__', repr(function))}"


def _shifted(done: int, total: int, *, progress: Callable[[int, int], None], offset: int) -> None:
    """Progress of a later batch of replications (the precision rule), after earlier ones."""
    progress(offset + done, offset + total)


def _precision_rule(
    model: CompiledModel,
    outcomes: list[list[Outcome]],
    precision: float,
    max_replications: int,
    workers: int,
) -> tuple[str, int]:
    """(what the rule says, replications to add) after ``len(outcomes)`` replications."""
    verdict = decide(model, outcomes)
    _, low, high = verdict.throughput_t
    half = (high - low) / 2.0 if not math.isnan(low) else math.inf
    wanted = precision * verdict.target_t
    n = len(outcomes)
    if half <= wanted:
        return (
            f"precision rule met after {n} replications: 95 % CI half-width "
            f"{half / 1e6:,.2f} Mt <= {precision:.1%} of the target ({wanted / 1e6:,.2f} Mt)"
        ), 0
    if n >= max_replications:
        return (
            f"precision rule not met: {n} replications (the maximum) give a 95 % CI "
            f"half-width of {half / 1e6:,.2f} Mt > {precision:.1%} of the target "
            f"({wanted / 1e6:,.2f} Mt)"
        ), 0
    # the half-width shrinks as 1/sqrt(n): aim at the count it suggests, a batch at a time
    guess = math.ceil(n * (half / wanted) ** 2) if math.isfinite(half) else n + 1
    more = max(1, min(guess - n, max(workers, 1), max_replications - n))
    return "", more
