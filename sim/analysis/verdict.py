"""The verdict: does the plan carry its target, and if not, what holds it back.

One function decides for every surface (the CLI, ``--json``, the KPI tables, the HTML report,
sweeps, notebooks and the Python API):

- :func:`replication_outcomes` measures one replication: for every counted period (each whole
  calendar year simulated after the warm-up, or the counted part of a run given in days) the
  port throughput, every service criterion and any overflowing queue.
- A replication **meets the target** in a year (:meth:`Outcome.meets`) when its throughput
  reaches the target, every service criterion holds (unless the scenario switches them off
  with ``service_criteria.apply: false``) and no queue overflowed.
- :func:`decide` turns the outcomes of all replications into ``met``, ``not met`` or
  ``uncertain`` from 95 % confidence intervals: ``met`` when the throughput CI lies at or above
  the target and every criterion's CI within its limit, ``not met`` when the throughput CI
  lies below the target, a criterion's CI above its limit or every replication overflowed,
  ``uncertain`` otherwise. With one replication the point estimates decide (and the verdict
  says so). The verdict carries its reasons in plain words.
- :func:`with_capacity` adds the sustainable capacity, the margin and the most helpful relief
  when they were computed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.analysis.criteria import CRITERIA, Criterion, blocking_by_resource, measure_criteria
from sim.analysis.stats import mean_ci
from sim.engine import Records
from sim.i18n import en
from sim.model.specs import CompiledModel

__all__ = [
    "CriterionResult",
    "Outcome",
    "Period",
    "Verdict",
    "VerdictText",
    "YearVerdict",
    "counted_periods",
    "decide",
    "failure_text",
    "rank_bottlenecks",
    "replication_outcomes",
    "with_capacity",
]

VerdictText = Literal["met", "not met", "uncertain"]

#: Fewer replications than this give a CI too wide to lean on; the verdict says so.
MIN_REPLICATIONS = 3


@dataclass(frozen=True)
class Period:
    """A counted period: a whole calendar year, or the counted part of a run in days."""

    year: int
    start_h: float
    end_h: float
    basis: str  # "calendar year" or "annualised"


def counted_periods(model: CompiledModel) -> list[Period]:
    """Every whole calendar year simulated after the warm-up; if there is none (a run given
    in days), the counted period itself, labelled ``annualised``."""
    calendar = model.calendar
    periods = []
    for year in sorted({int(y) for y in calendar.month_year.tolist()}):
        start, end = calendar.year_span_h(year)
        if start >= calendar.warmup_h - 1e-9 and end <= calendar.horizon_h + 1e-9:
            periods.append(Period(year, start, end, "calendar year"))
    if periods:
        return periods
    first = int(calendar.year_of(np.array([calendar.warmup_h]))[0])
    return [Period(first, calendar.warmup_h, calendar.horizon_h, "annualised")]


def _date(model: CompiledModel, hour: float) -> str:
    moment = model.calendar.origin + dt.timedelta(hours=hour)
    return moment.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Outcome:
    """One replication in one counted period.

    Attributes
    ----------
    year, basis : int, str
        The period (see :class:`Period`).
    throughput_t : float
        Port throughput: tonnes across the quay in the year (``annualised``: the counted
        tonnes at a yearly rate; a run stopped by an overflow claims only what it carried).
    criteria : tuple of Criterion
        Every criterion the scenario sets, measured in the period.
    blocking : dict
        (kind, resource) -> share of berth time ships were held for that yard or terminal.
    overflow : str or None
        The queue that overflowed and stopped the run in or before this period, in words.
    overflow_at : (str, str) or None
        Its ``(kind, resource)``: ``("lock", LOCK)`` or ``("berths", TERMINAL)``.
    """

    year: int
    basis: str
    throughput_t: float
    criteria: tuple[Criterion, ...]
    blocking: dict[tuple[str, str], float] = field(default_factory=dict)
    overflow: str | None = None
    overflow_at: tuple[str, str] | None = None

    def failures(self, *, criteria_apply: bool = True) -> list[str]:
        """What keeps this replication from meeting the target besides throughput."""
        out = [self.overflow] if self.overflow else []
        if criteria_apply:
            out += [failure_text(c) for c in self.criteria if not c.holds]
        return out

    def meets(self, target_t: float, *, criteria_apply: bool = True) -> bool:
        """Throughput at or above the target, every criterion within its limit (when they
        apply) and no overflow."""
        return self.throughput_t >= target_t and not self.failures(criteria_apply=criteria_apply)


def failure_text(c: Criterion) -> str:
    """A broken criterion in a few words, e.g. ``berths HA_X/G1: waiting/service 0.68 > 0.3``."""
    fields = {"resource": c.resource, "value": c.value, "limit": c.limit}
    if c.name == "berth_waiting_service_ratio":
        return en("berths {resource}: waiting/service {value:.2f} > {limit:g}", **fields)
    if c.name == "berth_occupancy":
        return en("berths {resource}: occupancy {value:.0%} > {limit:.0%}", **fields)
    if c.name == "mean_lock_wait_h":
        return en("lock {resource}: mean wait {value:.1f} h > {limit:g} h", **fields)
    return en(
        "yards and landside: ships held at berth {value:.1%} of berth time > {limit:.1%}", **fields
    )


def replication_outcomes(
    model: CompiledModel, records: Records, throughput: pd.DataFrame
) -> list[Outcome]:
    """The outcome of one replication in every counted period.

    Parameters
    ----------
    model : CompiledModel
    records : Records
        The replication's records.
    throughput : DataFrame
        Its ``throughput`` KPI table (``year``, ``terminal``, ``tonnes``; see
        :func:`sim.analysis.kpi.throughput`).
    """
    target = model.target
    terminals = set(target.terminals) or {t.id for t in model.terminals}
    mine = throughput[throughput["terminal"].isin(terminals)]
    overload = records.overload
    out = []
    for period in counted_periods(model):
        if period.basis == "calendar year":
            tonnes = float(mine.loc[mine["year"] == period.year, "tonnes"].sum())
        else:
            counted_h = records.end_h - period.start_h
            tonnes = float(mine["tonnes"].sum())
            if overload is None and counted_h > 0:
                tonnes *= 8760.0 / counted_h
        overflow = None
        overflow_at = None
        if overload is not None and overload.time_h < period.end_h:
            overflow_at = (overload.kind, overload.resource)
            overflow = en(
                "the queue at {kind} {resource} overflowed ({length} ships waiting on {date}) "
                "and stopped the run",
                kind=overload.kind,
                resource=overload.resource,
                length=overload.length,
                date=_date(model, overload.time_h),
            )
        window = (period.start_h, period.end_h)
        out.append(
            Outcome(
                period.year,
                period.basis,
                tonnes,
                tuple(measure_criteria(model, records, window)),
                blocking_by_resource(model, records, window),
                overflow,
                overflow_at,
            )
        )
    return out


@dataclass(frozen=True)
class CriterionResult:
    """One criterion on one resource across the replications.

    ``holds`` is True when the 95 % CI of the value lies within the limit, False when it lies
    above it, None when the interval straddles the limit (with one replication: the value
    decides). ``failing`` of ``judged`` replications broke it.
    """

    name: str
    kind: str
    resource: str
    label: str
    value: tuple[float, float, float]
    limit: float
    holds: bool | None
    failing: int
    judged: int
    groups: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "resource": self.resource,
            "label": self.label,
            "value": _triple(self.value),
            "limit": self.limit,
            "holds": self.holds,
            "replications_failing": self.failing,
            "replications_judged": self.judged,
        }


@dataclass(frozen=True)
class YearVerdict:
    """The verdict in one counted period (see :func:`decide`)."""

    year: int
    basis: str
    throughput_t: tuple[float, float, float]
    p_target_met: float
    verdict: VerdictText
    criteria: tuple[CriterionResult, ...]
    reasons: tuple[str, ...]
    per_replication: tuple[float, ...]
    met_per_replication: tuple[bool, ...]
    overflows: tuple[str, ...] = ()
    blocking: dict[tuple[str, str], float] = field(default_factory=dict)
    #: (kind, resource) of the queue that overflowed, one per replication it stopped
    overflowing: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "basis": self.basis,
            "throughput_t": _triple(self.throughput_t),
            "p_target_met": self.p_target_met,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Verdict:
    """Whether the plan carries its target: the one answer of a run.

    Attributes
    ----------
    target_t : float
        Target tonnes per year.
    year : int
        Year judged: the target year (or the last counted period if the run ends before it).
    basis : str
        ``calendar year`` (the whole year counted after a warm-up before 1 January) or
        ``annualised`` (a run given in days: the counted tonnes at a yearly rate).
    throughput_t : tuple of float
        Mean and 95 % CI (low, high) of the judged year's throughput.
    p_target_met : float
        Share of replications meeting the target in that year (throughput, criteria, no
        overflow; see :meth:`Outcome.meets`).
    verdict : {"met", "not met", "uncertain"}
    per_replication : tuple of float
        The judged year's throughput of each replication.
    by_year : tuple of YearVerdict
        The verdict in every counted period.
    first_year_met : int or None
        First counted year whose verdict is ``met``.
    reasons : tuple of str
        Why, in plain words: throughput against the target, each failing or undecided
        criterion (where, by how much), overflows, settings and precision.
    criteria : tuple of CriterionResult
        The judged year's criteria (empty if the scenario sets none).
    criteria_applied : bool
        False when the scenario switches its service criteria off (the verdict is then on
        throughput and overflows only, and says so).
    replications : int
    precision_note : str
        Non-empty when there are too few replications for the CI to decide.
    capacity_t : tuple of float or None
        Sustainable capacity (mean, 95 % CI), when computed (:func:`with_capacity`).
    capacity_note : str
        How it was computed and what binds beyond it.
    relief : tuple of (str, tuple of float)
        The reliefs computed (change, gain mean and CI), most helpful first.
    """

    target_t: float
    year: int
    basis: str
    throughput_t: tuple[float, float, float]
    p_target_met: float
    verdict: VerdictText
    per_replication: tuple[float, ...]
    by_year: tuple[YearVerdict, ...] = ()
    first_year_met: int | None = None
    reasons: tuple[str, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()
    criteria_applied: bool = True
    replications: int = 0
    precision_note: str = ""
    capacity_t: tuple[float, float, float] | None = None
    capacity_note: str = ""
    relief: tuple[tuple[str, tuple[float, float, float]], ...] = ()

    @property
    def margin_t(self) -> float | None:
        """Sustainable capacity minus the target (negative: short), when computed."""
        return None if self.capacity_t is None else self.capacity_t[0] - self.target_t

    @property
    def judged(self) -> YearVerdict | None:
        """The judged year's verdict."""
        return next((y for y in self.by_year if y.year == self.year), None)

    @property
    def headline(self) -> str:
        """The verdict in one sentence: throughput against the target, what fails, the
        capacity and margin and the most helpful relief when computed (in the current
        language; :func:`sim.analysis.verdict_text.headline` writes it from the JSON)."""
        from sim.analysis.verdict_text import headline

        return headline(self._document())

    def to_json(self) -> dict[str, Any]:
        """The verdict part of ``hubsim run --json`` and ``summary.json`` (in English, as
        every file of a run: :mod:`sim.analysis.verdict_text` writes it in another
        language)."""
        from sim.analysis.verdict_text import headline
        from sim.i18n import language

        document = self._document()
        with language("en"):
            text = headline(document)
        return {"verdict": document.pop("verdict"), "headline": text, **document}

    def _document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "target_t": self.target_t,
            "target_year": self.year,
            "basis": self.basis,
            "throughput_t": _triple(self.throughput_t),
            "p_target_met": self.p_target_met,
            "first_year_met": self.first_year_met,
            "by_year": [y.to_json() for y in self.by_year],
            "criteria": [c.to_json() for c in self.criteria],
            "criteria_applied": self.criteria_applied,
            "precision_note": self.precision_note,
        }
        if self.capacity_t is not None:
            document["capacity_t"] = _triple(self.capacity_t)
            document["margin_t"] = self.margin_t
            document["capacity_note"] = self.capacity_note
        if self.relief:
            document["relief"] = [
                {"change": change, "gain_t": _triple(gain)} for change, gain in self.relief
            ]
        return document


def _mt(tonnes: float) -> str:
    return "-" if tonnes != tonnes else f"{tonnes / 1e6:,.2f}"


def _interval(low: float, high: float) -> str:
    """`` (95 % CI 1.00-2.00)`` in Mt, or nothing when the bound is unknown."""
    if math.isnan(low):
        return ""
    return en(" (95 % CI {low_mt}-{high_mt})", low_mt=_mt(low), high_mt=_mt(high))


def _num(value: float) -> float | None:
    return None if value != value or math.isinf(value) else float(value)


def _triple(values: tuple[float, float, float]) -> dict[str, float | None]:
    return {
        "mean": _num(values[0]),
        "ci95_low": _num(values[1]),
        "ci95_high": _num(values[2]),
    }


def _bounded_ci(values: Sequence[float], low: float = 0.0, high: float = math.inf) -> tuple:
    mean, lo, hi = mean_ci(list(values))
    if not math.isnan(lo):
        lo, hi = max(lo, low), min(hi, high)
    return mean, lo, hi


def _holds(value: tuple[float, float, float], limit: float, n: int) -> bool | None:
    mean, low, high = value
    if math.isnan(low) or n < MIN_REPLICATIONS:  # too few for a CI: the mean decides
        return bool(mean <= limit)
    if high <= limit:
        return True
    if low > limit:
        return False
    return None


def _place(model: CompiledModel, node: str) -> str:
    return model.place_names.get(node, node)


def criterion_label(model: CompiledModel, name: str, kind: str, resource: str) -> str:
    """A criterion's resource in words: the place name with the hubsim id."""
    if kind == "berths":
        terminal, _, groups = resource.partition("/")
        return en(
            "{place} berths {groups} ({resource})",
            place=_place(model, terminal),
            groups=groups.replace("+", " + "),
            resource=resource,
        )
    if kind == "lock":
        return en(
            "{place} ({resource})", place=_place(model, resource).split(" (")[0], resource=resource
        )
    return en("all berths")


def _describe(result: CriterionResult) -> str:
    mean, low, high = result.value
    bounds = {"low": low, "high": high}
    interval = (
        ""
        if math.isnan(low) or result.judged < MIN_REPLICATIONS  # too few for a CI to mean much
        else (
            en(", 95 % CI {low:.2f}-{high:.2f}", **bounds)
            if result.name == "berth_waiting_service_ratio"
            else en(", 95 % CI {low:.1f}-{high:.1f} h", **bounds)
            if result.name == "mean_lock_wait_h"
            else en(", 95 % CI {low:.1%}-{high:.1%}", **bounds)
        )
    )
    times = en("{ratio:.1f} x the limit", ratio=mean / result.limit) if result.limit > 0 else ""
    fields = {"label": result.label, "mean": mean, "limit": result.limit, "interval": interval}
    if result.name == "berth_waiting_service_ratio":
        what = en(
            "{label} wait {mean:.2f} x their service time (limit {limit:g}{interval}; {times})",
            times=times,
            **fields,
        )
    elif result.name == "berth_occupancy":
        what = en("{label} are occupied {mean:.0%} (limit {limit:.0%}{interval})", **fields)
    elif result.name == "mean_lock_wait_h":
        what = en(
            "ships wait {mean:.1f} h on average at {label} (limit {limit:g} h{interval}; {times})",
            times=times,
            **fields,
        )
    else:
        what = en(
            "ships are held at berth for yard space or cargo by land {mean:.1%} of their "
            "berth time (limit {limit:.1%}{interval})",
            **fields,
        )
    if result.judged > 1 and result.holds is not True:
        what = en(
            "{what}, in {failing} of {judged} replications",
            what=what,
            failing=result.failing,
            judged=result.judged,
        )
    return what


def _summarise_criteria(
    model: CompiledModel, outcomes: Sequence[Outcome]
) -> tuple[tuple[CriterionResult, ...], dict[tuple[str, str], float]]:
    values: dict[tuple[str, str, str], list[Criterion]] = {}
    for outcome in outcomes:
        for c in outcome.criteria:
            values.setdefault((c.name, c.kind, c.resource), []).append(c)
    results = []
    for (name, kind, resource), measured in values.items():
        limit = measured[0].limit
        numbers = [c.value for c in measured if not math.isinf(c.value)]
        if len(numbers) < len(measured):  # a queue that was never served has an infinite ratio
            value: tuple[float, float, float] = (math.inf, math.inf, math.inf)
        else:
            top = 1.0 if name in ("berth_occupancy", "yard_blocking_share") else math.inf
            value = _bounded_ci(numbers, 0.0, top)
        results.append(
            CriterionResult(
                name,
                kind,
                resource,
                criterion_label(model, name, kind, resource),
                value,
                limit,
                _holds(value, limit, len(outcomes)),
                sum(not c.holds for c in measured),
                len(measured),
                measured[0].groups,
            )
        )
    order = {None: 1, False: 0, True: 2}
    results.sort(key=lambda r: (order[r.holds], -(r.value[0] / r.limit if r.limit else 0.0)))
    blocking: dict[tuple[str, str], float] = {}
    for outcome in outcomes:
        for key, share in outcome.blocking.items():
            blocking[key] = blocking.get(key, 0.0) + share / len(outcomes)
    return tuple(results), blocking


def _decide_year(
    model: CompiledModel,
    outcomes: Sequence[Outcome],
    *,
    criteria_apply: bool,
    earlier: Sequence[YearVerdict] = (),
) -> YearVerdict:
    """The verdict in one counted period; ``earlier`` years, when given, say since when a
    failing criterion fails (from what demand on)."""
    target = model.target.throughput_t
    year, basis = outcomes[0].year, outcomes[0].basis
    throughput = [o.throughput_t for o in outcomes]
    mean, low, high = _bounded_ci(throughput)
    n = len(outcomes)
    met = tuple(o.meets(target, criteria_apply=criteria_apply) for o in outcomes)
    criteria, blocking = _summarise_criteria(model, outcomes)
    overflows = tuple(o.overflow for o in outcomes if o.overflow)
    if n < MIN_REPLICATIONS or math.isnan(low):  # too few for a CI: the mean decides
        above: bool | None = mean >= target
    else:
        above = True if low >= target else False if high < target else None
    judged = criteria if criteria_apply else ()
    if above is False or any(c.holds is False for c in judged) or len(overflows) == n:
        verdict: VerdictText = "not met"
    elif above is True and all(c.holds is True for c in judged) and not overflows:
        verdict = "met"
    else:
        verdict = "uncertain"
    interval = _interval(low, high)
    span = (
        en("{year} throughput", year=year)
        if basis == "calendar year"
        else en("{year} throughput, annualised,", year=year)
    )
    relation = (
        en("at or above")
        if above is True
        else en("below")
        if above is False
        else en("not clearly above or below")
    )
    reasons = [
        en(
            "throughput: {span} {mean_mt} Mt{interval} is {relation} the {target_mt} Mt target",
            span=span,
            mean_mt=_mt(mean),
            interval=interval,
            relation=relation,
            target_mt=_mt(target),
        )
    ]
    if criteria_apply:
        for c in criteria:
            if c.holds is False:
                since = _since(c, year, earlier)
                reasons.append(
                    en(
                        "fails: {what}; failing since {year}, when the port carried "
                        "{carried_mt} Mt",
                        what=_describe(c),
                        year=since[0],
                        carried_mt=_mt(since[1]),
                    )
                    if since is not None
                    else en("fails: {what}", what=_describe(c))
                )
        reasons += [en("may fail: {what}", what=_describe(c)) for c in criteria if c.holds is None]
    for overflow in dict.fromkeys(overflows):
        count = overflows.count(overflow)
        reasons.append(
            en(
                "overflow: {overflow} (in {count} of {n} replications)",
                overflow=overflow,
                count=count,
                n=n,
            )
        )
    return YearVerdict(
        year,
        basis,
        (mean, low, high),
        float(np.mean(met)) if met else math.nan,
        verdict,
        criteria,
        tuple(reasons),
        tuple(throughput),
        met,
        overflows,
        blocking,
        tuple(o.overflow_at for o in outcomes if o.overflow_at is not None),
    )


def decide(model: CompiledModel, outcomes: Sequence[Sequence[Outcome]]) -> Verdict:
    """The verdict of a run from the outcomes of its replications.

    Parameters
    ----------
    model : CompiledModel
    outcomes : sequence of sequence of Outcome
        Per replication, its outcome in every counted period (:func:`replication_outcomes`).
    """
    target = model.target
    criteria_apply = model.criteria.apply
    n = len(outcomes)
    periods = [p.year for p in counted_periods(model)]
    judged_index = periods.index(target.year) if target.year in periods else len(periods) - 1
    decided: list[YearVerdict] = []
    for i in range(len(periods)):
        decided.append(
            _decide_year(
                model,
                [rep[i] for rep in outcomes],
                criteria_apply=criteria_apply,
                earlier=decided if i == judged_index else (),
            )
        )
    by_year = tuple(decided)
    judged = by_year[judged_index]
    reasons = list(judged.reasons)
    if not criteria_apply:
        reasons.append(
            en(
                "settings: the scenario switches its service criteria off "
                "(service_criteria.apply: false); the verdict is on throughput and overflows only"
            )
        )
    elif not any(getattr(model.criteria, f) is not None for f in CRITERIA.values()):
        reasons.append(en("settings: the scenario sets no service criterion"))
    if judged.year != target.year:
        reasons.append(
            en(
                "settings: the run does not cover the target year {year}; judged on {first}",
                year=target.year,
                first=judged.year,
            )
        )
    if judged.basis == "annualised":
        reasons.append(
            en(
                "settings: the run counts part of a year; its throughput is annualised "
                "(tonnes counted x 8,760 / hours counted)"
            )
        )
    note = _precision_note(judged, target.throughput_t, n)
    if note:
        reasons.append(en("precision: {note}", note=note))
    first = next((y.year for y in by_year if y.verdict == "met"), None)
    return Verdict(
        target.throughput_t,
        judged.year,
        judged.basis,
        judged.throughput_t,
        judged.p_target_met,
        judged.verdict,
        judged.per_replication,
        by_year,
        first,
        tuple(reasons),
        judged.criteria,
        criteria_apply,
        n,
        note,
    )


def _since(
    criterion: CriterionResult, year: int, earlier: Sequence[YearVerdict]
) -> tuple[int, float] | None:
    """(year, tonnes the port carried that year) of the first earlier counted year in which
    a criterion already failed (from what demand on it fails), else None."""
    first = next(
        (
            y
            for y in earlier
            if y.year < year
            and any(
                c.name == criterion.name and c.resource == criterion.resource and c.holds is False
                for c in y.criteria
            )
        ),
        None,
    )
    if first is None:
        return None
    return first.year, first.throughput_t[0]


def _precision_note(judged: YearVerdict, target_t: float, n: int) -> str:
    mean, low, high = judged.throughput_t
    if n < MIN_REPLICATIONS:
        if n == 1:
            return en(
                "only 1 replication: too few for a meaningful 95 % CI (the point estimates "
                "decide); use at least 3 or `--precision`"
            )
        return en(
            "only {n} replications: too few for a meaningful 95 % CI (the point estimates "
            "decide where the CI cannot); use at least 3 or `--precision`",
            n=n,
        )
    half = (high - low) / 2.0
    margin = abs(mean - target_t)
    if judged.verdict == "uncertain" and half > margin:
        return en(
            "the throughput CI (+/- {half_mt} Mt) is wider than its margin to the target "
            "({margin_mt} Mt); add replications or use `--precision`",
            half_mt=_mt(half),
            margin_mt=_mt(margin),
        )
    if judged.verdict == "uncertain":
        return en("a criterion's CI straddles its limit; add replications (`--replications`)")
    return ""


def with_capacity(
    verdict: Verdict,
    capacity_t: tuple[float, float, float],
    *,
    note: str = "",
    relief: Sequence[tuple[str, tuple[float, float, float]]] = (),
) -> Verdict:
    """The verdict with the sustainable capacity, the margin and the reliefs computed for it
    (most helpful first in the headline)."""
    ordered = sorted(relief, key=lambda r: -r[1][0] if not math.isnan(r[1][0]) else math.inf)
    reasons = [r for r in verdict.reasons if not r.startswith(("capacity:", "relief:"))]
    mean, low, high = capacity_t
    interval = _interval(low, high)
    margin = mean - verdict.target_t
    fields = {"capacity_mt": _mt(mean), "interval": interval, "note": note}
    if margin < 0 and note:
        text = en(
            "capacity: sustainable capacity {capacity_mt} Mt/yr{interval}, {short_mt} Mt/yr "
            "short of the target; {note}",
            short_mt=_mt(-margin),
            **fields,
        )
    elif margin < 0:
        text = en(
            "capacity: sustainable capacity {capacity_mt} Mt/yr{interval}, {short_mt} Mt/yr "
            "short of the target",
            short_mt=_mt(-margin),
            **fields,
        )
    elif note:
        text = en(
            "capacity: sustainable capacity {capacity_mt} Mt/yr{interval}, {above_mt} Mt/yr "
            "above the target; {note}",
            above_mt=_mt(margin),
            **fields,
        )
    else:
        text = en(
            "capacity: sustainable capacity {capacity_mt} Mt/yr{interval}, {above_mt} Mt/yr "
            "above the target",
            above_mt=_mt(margin),
            **fields,
        )
    reasons.append(text)
    for change, gain in ordered:
        reasons.append(
            en(
                "relief: {change} adds {gain_mt} Mt/yr{interval}",
                change=change,
                gain_mt=_mt(gain[0]),
                interval=_interval(gain[1], gain[2]),
            )
        )
    return replace(
        verdict,
        reasons=tuple(reasons),
        capacity_t=capacity_t,
        capacity_note=note,
        relief=tuple(ordered),
    )


def rank_bottlenecks(
    table: pd.DataFrame,
    verdict: Verdict,
    relief: Sequence[tuple[str, str, float]] = (),
) -> pd.DataFrame:
    """Bottlenecks ranked by their effect on the answer.

    First a queue that overflowed and stopped the run, then the resources that break a
    service criterion (by how far over its limit), then those
    that may break one, then the others by how close they come to their limit, then by the
    capacity their relief adds (when computed), then by the share of vessel time spent waiting
    for them. Adds ``criterion`` (in words), ``criterion_ratio`` (value / limit), ``holds``,
    ``overflowed`` (its queue stopped the run) and ``relief_gain_t``; keeps the measured
    columns.

    Parameters
    ----------
    table : DataFrame
        The ``bottlenecks`` KPI table (``kind``, ``resource``, measures, ``wait_share``).
    verdict : Verdict
    relief : sequence of (kind, resource, gain tonnes per year)
    """
    frame = table.drop(columns=["rank"], errors="ignore").copy()
    judged = verdict.judged
    found: dict[tuple[str, str], tuple[str, float, bool | None]] = {}

    def note(key: tuple[str, str], text: str, ratio: float, holds: bool | None) -> None:
        if key not in found or ratio > found[key][1]:
            found[key] = (text, ratio, holds)

    for c in verdict.criteria if verdict.criteria_applied else ():
        ratio = c.value[0] / c.limit if c.limit > 0 else math.nan
        if c.name == "berth_waiting_service_ratio":
            text = en(
                "waiting/service {value:.2f} (limit {limit:g})", value=c.value[0], limit=c.limit
            )
            for group in c.groups:
                note(("berths", group), text, ratio, c.holds)
        elif c.name == "berth_occupancy":
            note(
                ("berths", c.resource),
                en("occupancy {value:.0%} (limit {limit:.0%})", value=c.value[0], limit=c.limit),
                ratio,
                c.holds,
            )
        elif c.name == "mean_lock_wait_h":
            note(
                ("lock", c.resource),
                en("mean wait {value:.1f} h (limit {limit:g} h)", value=c.value[0], limit=c.limit),
                ratio,
                c.holds,
            )
        elif c.name == "yard_blocking_share" and judged is not None:
            for key, share in judged.blocking.items():
                note(
                    key,
                    en(
                        "holds ships {share:.1%} of berth time (all berths {value:.1%}, "
                        "limit {limit:.1%})",
                        share=share,
                        value=c.value[0],
                        limit=c.limit,
                    ),
                    share / c.limit if c.limit > 0 else math.nan,
                    c.holds,
                )
    keys = list(zip(frame["kind"], frame["resource"], strict=True))
    # a queue that overflowed stopped the run: it holds the verdict back before any criterion
    overflowed: set[tuple[str, str]] = set()
    if judged is not None and judged.overflowing:
        n = len(judged.per_replication)
        for (kind, resource), count in Counter(judged.overflowing).items():
            text = en(
                "its queue overflowed and stopped the run ({count} of {n} replications)",
                count=count,
                n=n,
            )
            for key in keys:
                if key[0] == kind and (
                    key[1] == resource or (kind == "berths" and key[1].startswith(f"{resource}/"))
                ):
                    found[key] = (text, math.nan, False)
                    overflowed.add(key)
    frame["criterion"] = [found.get(k, ("", math.nan, None))[0] for k in keys]
    frame["criterion_ratio"] = [found.get(k, ("", math.nan, None))[1] for k in keys]
    frame["holds"] = pd.array(
        [found.get(k, ("", math.nan, None))[2] for k in keys], dtype="boolean"
    )
    frame["overflowed"] = [k in overflowed for k in keys]
    gains = {(kind, resource): gain for kind, resource, gain in relief}
    frame["relief_gain_t"] = [gains.get(k, math.nan) for k in keys]
    status = np.select(
        [
            np.array([k in overflowed for k in keys], dtype=bool),
            frame["holds"].eq(False).fillna(False).to_numpy(),
            frame["holds"].isna().to_numpy() & frame["criterion"].ne("").to_numpy(),
        ],
        [-1, 0, 1],
        2,
    )
    frame = frame.assign(_status=status, _ratio=frame["criterion_ratio"].fillna(0.0))
    frame = frame.sort_values(
        ["_status", "_ratio", "relief_gain_t", "wait_share", "utilisation"],
        ascending=[True, False, False, False, False],
        na_position="last",
        kind="stable",
    ).drop(columns=["_status", "_ratio"])
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame
