"""Sustainable capacity: the largest demand a plan carries while its service criteria hold.

For each replication, a bisection on a demand multiplier (all streams and through traffic
scaled together) finds the largest multiplier at which every service criterion of the scenario
holds and no queue overflows; the capacity is the port demand offered at that multiplier in
the evaluation year. Replications use the same random streams at every multiplier (common
random numbers), which keeps each bisection close to monotone; the capacities of the
replications give the mean and its 95 % confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import facilities
from sim.analysis.criteria import MIN_CALLS, measure_criteria
from sim.analysis.stats import mean_ci
from sim.analysis.verdict import counted_periods, failure_text
from sim.engine import Records, simulate
from sim.i18n import en
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.runs.executor import process_pool
from sim.scenario import Scenario
from sim.scenario.years import require_simulated_year

__all__ = [
    "MIN_CALLS",
    "CapacityResult",
    "Relief",
    "bottleneck_relief",
    "criteria_failures",
    "evaluation_scenario",
    "quick_capacity",
    "quick_relief",
    "sustainable_capacity",
]


@dataclass(frozen=True)
class CapacityResult:
    """Sustainable capacity of a plan.

    Attributes
    ----------
    year : int
        Year whose demand was scaled (the target year, or the run's horizon).
    offered_t : float
        Port demand offered in that year at multiplier 1.
    multipliers : tuple of float
        Largest multiplier meeting the criteria, per replication.
    capacity_t : tuple of float
        Mean and 95 % CI of ``offered_t x multiplier`` (tonnes per year).
    binding : tuple of str
        Per replication, the criterion that failed just above the capacity.
    target_t : float
        The scenario's target, for the margin.
    """

    year: int
    offered_t: float
    multipliers: tuple[float, ...]
    capacity_t: tuple[float, float, float]
    binding: tuple[str, ...]
    target_t: float

    @property
    def margin_t(self) -> float:
        """Mean capacity minus the target (negative: the plan falls short)."""
        return self.capacity_t[0] - self.target_t

    def to_json(self) -> dict[str, object]:
        mean, low, high = self.capacity_t
        return {
            "year": self.year,
            "offered_t": self.offered_t,
            "capacity_t": {"mean": mean, "ci95_low": _clean(low), "ci95_high": _clean(high)},
            "target_t": self.target_t,
            "margin_t": self.margin_t,
            "multipliers": list(self.multipliers),
            "binding": list(self.binding),
        }


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else value


def criteria_failures(
    model: CompiledModel,
    records: Records,
    tables: dict[str, pd.DataFrame] | None = None,
) -> list[str]:
    """The scenario's service criteria that ``records`` break in the judged year (the target
    year, or the last counted period), and an overflow (empty: sustainable).

    The same measurements as the verdict (:func:`sim.analysis.measure_criteria`); used
    whether or not the scenario applies its criteria to the verdict, since they define what
    is sustainable. ``tables`` is accepted for callers that have the KPI tables already.
    """
    del tables  # the criteria are measured from the records, in the judged year's window
    periods = counted_periods(model)
    target_year = model.target.year
    period = next((p for p in periods if p.year == target_year), periods[-1])
    failures = []
    overload = records.overload
    if overload is not None and overload.time_h < period.end_h:
        failures.append(
            en(
                "queue overflow at {kind} {resource}",
                kind=overload.kind,
                resource=overload.resource,
            )
        )
    failures += [
        failure_text(c)
        for c in measure_criteria(model, records, (period.start_h, period.end_h))
        if not c.holds
    ]
    return failures


def evaluation_scenario(scenario: Scenario, year: int | None) -> tuple[Scenario, int]:
    """The scenario run over one year only (the target year by default), and that year."""
    if year is not None:
        require_simulated_year(scenario, year)  # raises ScenarioError naming the years
    if scenario.run.horizon_days is not None:
        return scenario, scenario.first_year
    chosen = year or min(scenario.target.year, scenario.last_year)
    settings = scenario.run.model_copy(update={"start_year": chosen, "end_year": chosen})
    return scenario.model_copy(update={"run": settings}), chosen


def sustainable_capacity(
    scenario: Scenario,
    *,
    replications: int | None = None,
    year: int | None = None,
    tolerance: float = 0.02,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    at_one: dict[int, list[str]] | None = None,
) -> CapacityResult:
    """Bisect the demand multiplier per replication until the criteria boundary is found.

    Parameters
    ----------
    scenario : Scenario
        The plan; its ``service_criteria`` define "sustainable".
    replications : int, optional
        Default: the scenario's ``run.replications``.
    year : int, optional
        Year to scale (default: the target year, or the last simulated one); runs covering a
        horizon in days use that horizon.
    tolerance : float
        Relative width of the final bracket.
    progress : callable, optional
        Called with (runs done, runs planned) (with several workers: replications done).
    workers : int
        Local processes, one replication's search each (results do not depend on it).
    at_one : dict, optional
        Replication -> criteria failures at multiplier 1, when a run of the same evaluation
        scenario already gave them (see :func:`criteria_failures`).
    """
    known = at_one or {}
    evaluated, chosen = evaluation_scenario(scenario, year)
    count = replications or scenario.run.replications
    model = compile_scenario(evaluated)  # once: a probe only scales its demand
    seed = evaluated.run.seed
    offered = _offered_t(model, chosen)
    steps_per_replication = math.ceil(math.log2(64 / tolerance)) + 4
    planned = count * steps_per_replication
    outcomes: list[tuple[float, str]] = []
    if workers > 1 and count > 1:
        with process_pool(min(workers, count)) as pool:
            futures = [
                pool.submit(_bisect, model, seed, r, tolerance, None, known.get(r))
                for r in range(count)
            ]
            for done, future in enumerate(futures, start=1):
                outcomes.append(future.result())
                if progress is not None:
                    progress(done, count)
    else:
        runs = 0

        def step() -> None:
            nonlocal runs
            runs += 1
            if progress is not None:
                progress(runs, planned)

        outcomes = [_bisect(model, seed, r, tolerance, step, known.get(r)) for r in range(count)]
    found = [multiplier for multiplier, _ in outcomes]
    capacities = [offered * m for m in found]
    return CapacityResult(
        chosen,
        offered,
        tuple(found),
        mean_ci(capacities),
        tuple(binding for _, binding in outcomes),
        scenario.target.throughput_t,
    )


def quick_capacity(
    scenario: Scenario,
    *,
    at_one: list[str] | None = None,
    year: int | None = None,
    rounds: int = 2,
    workers: int = 1,
    bracket: tuple[float, float] | None = None,
) -> CapacityResult:
    """A quick sustainable-capacity estimate from replication 0: two probes per round.

    ``at_one`` are the criteria failures of replication 0 at the scenario's own demand (from a
    run of the same evaluation scenario already made; None: found here). Each round evaluates
    two multipliers (in parallel with ``workers`` >= 2; the probes, and so the result, do not
    depend on it): 0.6 and 0.8 of the demand if it fails, 1.25 and 1.5 if it holds, then the
    thirds of the bracket left (of its upper half when nothing has passed yet). Two rounds
    narrow the boundary to a tenth of the demand or less when it lies between 0.3 and 0.8 of
    it; :func:`sustainable_capacity` gives the full estimate with its CI.

    ``bracket`` = (low, high) searches only between multipliers known (or taken) to pass and
    to fail, in thirds, without the run at the scenario's own demand (used for reliefs).
    """
    evaluated, chosen = evaluation_scenario(scenario, year)
    model = compile_scenario(evaluated)  # once: a probe only scales its demand
    seed = evaluated.run.seed
    offered = _offered_t(model, chosen)
    if bracket is not None:
        # a relieved plan: it carries at least what the plan did; look above that
        low, high = bracket
        binding = en("none up to {x:g} x demand (the top of the bracket searched)", x=high)
        third = (high - low) / 3.0
        probes = [low + third, low + 2.0 * third]
    else:
        if at_one is None:
            at_one = _failures_at(model, seed, 1.0)
        low, high = 0.0, 1.0
        binding = at_one[0] if at_one else ""
        if at_one:
            probes = [0.6, 0.8]
        else:
            low, high, probes = 1.0, math.inf, [1.25, 1.5]
    pool = process_pool(2) if workers > 1 else None
    try:
        for _ in range(rounds):
            if pool is not None:
                futures = [pool.submit(_failures_at, model, seed, m) for m in probes]
                outcomes = [f.result() for f in futures]
            else:
                outcomes = [_failures_at(model, seed, m) for m in probes]
            for multiplier, failures in zip(probes, outcomes, strict=True):
                if failures:
                    if multiplier < high:
                        high, binding = multiplier, failures[0]
                elif multiplier > low:
                    low = multiplier
            if math.isinf(high):
                probes = [low * 2.0, low * 4.0]
            else:
                base = low if low > 0 else high / 2.0  # nothing passed yet: look just below
                third = (high - base) / 3.0
                probes = [base + third, base + 2.0 * third]
    finally:
        if pool is not None:
            pool.shutdown()
    if math.isinf(high):
        binding = en("none up to {x:g} x demand", x=low)
    return CapacityResult(
        chosen,
        offered,
        (low,),
        (offered * low, math.nan, math.nan),
        (binding,),
        scenario.target.throughput_t,
    )


def _failures_at(
    model: CompiledModel, seed: int, multiplier: float, replication: int = 0
) -> list[str]:
    """The criteria one replication breaks with all demand of ``model`` (compiled at
    multiplier 1) scaled by ``multiplier``."""
    scaled = model.scaled(multiplier)
    return criteria_failures(scaled, simulate(scaled, seed=seed, replication=replication))


_GROW = (1.25, 1.5, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
_SHRINK = (0.8, 0.6, 0.4, 0.2, 0.1, 0.05, 0.025, 1 / 64)


def _bisect(
    model: CompiledModel,
    seed: int,
    replication: int,
    tolerance: float,
    step: Callable[[], None] | None = None,
    at_one: list[str] | None = None,
) -> tuple[float, str]:
    """Largest multiplier meeting the criteria in one replication, and what fails above it.

    ``at_one``: the criteria failures at multiplier 1 if already known (from a run of the same
    scenario and replication), saving that run.
    """

    def passes(multiplier: float) -> list[str]:  # the search never returns to a multiplier
        failures = _failures_at(model, seed, multiplier, replication)
        if step is not None:
            step()
        return failures

    low, high = 0.0, 1.0
    # bracket the boundary: most plans are judged near their own demand, so the first probes
    # stay close to 1 and widen from there
    failures = passes(high) if at_one is None else at_one
    for probe in _GROW:
        if failures:
            break
        low, high = high, probe
        failures = passes(high)
    last_failure = failures[0] if failures else en("none up to {x:g} x demand", x=_GROW[-1])
    if low == 0.0:
        for probe in _SHRINK:
            failures = passes(probe)
            if not failures:
                low = probe
                break
            high, last_failure = probe, failures[0]
    while low > 0 and (high - low) / low > tolerance:
        middle = (low + high) / 2
        failures = passes(middle)
        if failures:
            high, last_failure = middle, failures[0]
        else:
            low = middle
    return low, last_failure


def _offered_t(model: CompiledModel, year: int) -> float:
    """Port demand offered per year at multiplier 1 (rate flows: vessels x mean payload)."""
    from sim.engine.arrivals import intensity

    calendar = model.calendar
    starts = np.clip(calendar.month_start_h, calendar.warmup_h, calendar.horizon_h)
    hours = np.diff(starts)  # counted hours only: the warm-up and past the horizon left out
    total = 0.0
    for flow in model.flows:
        if flow.kind != "stream":
            continue
        vessels = float((intensity(model, flow) * hours).sum())
        total += vessels * model.mean_payload_t(flow) * flow.quay_crossings
    counted = calendar.horizon_h - calendar.warmup_h
    return total * 8760.0 / counted if counted > 0 else total


@dataclass(frozen=True)
class Relief:
    """Capacity gained by relieving one bottleneck (paired with the same random numbers)."""

    resource: str
    kind: str
    change: str
    gain_t: tuple[float, float, float]
    capacity_t: tuple[float, float, float]
    gains_per_replication: tuple[float, ...] = ()


def _relieved(scenario: Scenario, kind: str, resource: str) -> tuple[Scenario, str] | None:
    """The scenario with the relief rule of the resource's kind applied (one more berth,
    chamber, gate lane or siding, a quarter more yard, flight slots or train paths; see
    :mod:`sim.facilities`), and the change in words (None: nothing to relieve there)."""
    try:
        rule = facilities.kind(kind).relieve
    except facilities.UnknownKind:
        return None
    if rule is None:
        return None
    document = scenario.model_dump(mode="json")
    change = rule(document, resource, scenario)
    return None if change is None else (Scenario.model_validate(document), change)


def _relievable(
    scenario: Scenario, bottlenecks: list[tuple[str, str]]
) -> Iterator[tuple[str, str, Scenario, str]]:
    """(kind, resource, relieved scenario, change) for each bottleneck that has a relief rule."""
    for kind, resource in bottlenecks:
        relieved = _relieved(scenario, kind, resource)
        if relieved is not None:
            yield kind, resource, *relieved


def bottleneck_relief(
    scenario: Scenario,
    bottlenecks: list[tuple[str, str]],
    *,
    replications: int | None = None,
    year: int | None = None,
    tolerance: float = 0.02,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[CapacityResult, list[Relief]]:
    """Sustainable capacity of the plan and the capacity each relief adds.

    Parameters
    ----------
    bottlenecks : list of (kind, resource)
        As in the ``bottlenecks`` table (``berths``, ``lock``, ``yard``, ``gate``, ``rail``,
        ``rail line``, ``air`` or ``landside supply``), most binding first.

    Returns
    -------
    base : CapacityResult
    reliefs : list of Relief
        The gain is the paired difference of capacities per replication (same random
        numbers), with its 95 % CI.
    """
    base = sustainable_capacity(
        scenario, replications=replications, year=year, tolerance=tolerance, progress=progress
    )
    base_capacity = np.array(base.multipliers) * base.offered_t
    reliefs = []
    for kind, resource, changed, description in _relievable(scenario, bottlenecks):
        result = sustainable_capacity(
            changed, replications=replications, year=year, tolerance=tolerance, progress=progress
        )
        capacity = np.array(result.multipliers) * result.offered_t
        gains = capacity - base_capacity
        reliefs.append(
            Relief(
                resource,
                kind,
                description,
                mean_ci(gains),
                result.capacity_t,
                tuple(gains.tolist()),
            )
        )
    return base, reliefs


#: How far above the plan's capacity (x demand) a quick relief looks.
RELIEF_SPAN = 0.36


def quick_relief(
    scenario: Scenario,
    base: CapacityResult,
    bottlenecks: list[tuple[str, str]],
    *,
    year: int | None = None,
    workers: int = 1,
) -> list[Relief]:
    """The quick capacity estimate (:func:`quick_capacity`, replication 0) of the plan with
    each bottleneck relieved, against ``base`` (the plan's own quick estimate).

    Each relieved plan is searched between the plan's own quick capacity (which relieving a
    resource does not lower) and :data:`RELIEF_SPAN` x demand above it, in two rounds of
    thirds: a resolution of about 4 % of the demand. Use :func:`bottleneck_relief` for gains
    with confidence intervals.
    """
    reliefs = []
    low = base.multipliers[0]
    for kind, resource, changed, description in _relievable(scenario, bottlenecks):
        result = quick_capacity(
            changed, year=year, workers=workers, bracket=(low, low + RELIEF_SPAN)
        )
        gain = result.capacity_t[0] - base.capacity_t[0]
        reliefs.append(
            Relief(
                resource,
                kind,
                description,
                (gain, math.nan, math.nan),
                result.capacity_t,
                (gain,),
            )
        )
    return reliefs
