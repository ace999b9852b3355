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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.compiled import CompiledModel, compile_scenario
from sim.engine import Records, simulate
from sim.kpi import replication_tables
from sim.scenario import Scenario
from sim.stats import mean_ci

__all__ = [
    "CapacityResult",
    "Relief",
    "bottleneck_relief",
    "criteria_failures",
    "evaluation_scenario",
    "sustainable_capacity",
]

#: A berth group or lock with fewer calls than this in a run is not judged (too few to say).
MIN_CALLS = 20


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
    """The scenario's service criteria that ``records`` break (empty: sustainable).

    ``tables`` are the replication's KPI tables when the caller has them already.
    """
    if records.overload is not None:
        return [f"queue overflow at {records.overload.kind} {records.overload.resource}"]
    criteria = model.scenario.service_criteria
    tables = tables if tables is not None else replication_tables(model, records)
    failures = []
    berths = tables["berths"]
    judged = berths[berths["calls"] >= MIN_CALLS]
    if criteria.max_berth_waiting_service_ratio is not None:
        for row in judged.itertuples(index=False):
            if row.waiting_service_ratio > criteria.max_berth_waiting_service_ratio:
                failures.append(
                    f"berths {row.resource}: waiting/service "
                    f"{row.waiting_service_ratio:.2f} > "
                    f"{criteria.max_berth_waiting_service_ratio:g}"
                )
    if criteria.max_berth_occupancy is not None:
        for row in judged.itertuples(index=False):
            if row.occupancy > criteria.max_berth_occupancy:
                failures.append(
                    f"berths {row.resource}: occupancy {row.occupancy:.0%} > "
                    f"{criteria.max_berth_occupancy:.0%}"
                )
    locks = tables["locks"]
    if criteria.max_mean_lock_wait_h is not None and not locks.empty:
        for row in locks[locks["passages"] >= MIN_CALLS].itertuples(index=False):
            if row.mean_wait_h > criteria.max_mean_lock_wait_h:
                failures.append(
                    f"lock {row.resource}: mean wait {row.mean_wait_h:.1f} h > "
                    f"{criteria.max_mean_lock_wait_h:g} h"
                )
    if criteria.max_yard_blocking_share is not None:
        v = records.vessels
        served = ~np.isnan(v["service_end_h"]) & (v["berth_start_h"] >= model.calendar.warmup_h)
        berth_time = float((v["service_end_h"] - v["berth_start_h"])[served].sum())
        blocked = float(v["block_h"][served].sum())
        if berth_time > 0 and blocked / berth_time > criteria.max_yard_blocking_share:
            failures.append(
                f"yards: blocking {blocked / berth_time:.1%} of berth time > "
                f"{criteria.max_yard_blocking_share:.1%}"
            )
    return failures


def evaluation_scenario(scenario: Scenario, year: int | None) -> tuple[Scenario, int]:
    """The scenario run over one year only (the target year by default), and that year."""
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
        Called with (runs done, runs planned).
    """
    evaluated, chosen = evaluation_scenario(scenario, year)
    count = replications or scenario.run.replications
    models: dict[float, CompiledModel] = {}

    def model_at(multiplier: float) -> CompiledModel:
        key = round(multiplier, 6)
        if key not in models:
            models[key] = compile_scenario(evaluated, multiplier=multiplier)
        return models[key]

    base = model_at(1.0)
    offered = _offered_t(base, chosen)
    steps_per_replication = math.ceil(math.log2(64 / tolerance)) + 4
    planned = count * steps_per_replication
    done = 0

    def passes(multiplier: float, replication: int) -> list[str]:
        nonlocal done
        model = model_at(multiplier)
        failures = criteria_failures(model, simulate(model, replication))
        done += 1
        if progress is not None:
            progress(done, planned)
        return failures

    found: list[float] = []
    binding: list[str] = []
    for replication in range(count):
        low, high = 0.0, 1.0
        last_failure = ""
        # grow until the criteria fail, shrink until they hold
        failures = passes(high, replication)
        while not failures and high < 64:
            low, high = high, high * 2
            failures = passes(high, replication)
        last_failure = failures[0] if failures else "none up to 64 x demand"
        if low == 0.0:
            probe = 0.5
            while probe > 1 / 64:
                failures = passes(probe, replication)
                if not failures:
                    low = probe
                    break
                high, last_failure = probe, failures[0]
                probe /= 2
        while low > 0 and (high - low) / low > tolerance:
            middle = (low + high) / 2
            failures = passes(middle, replication)
            if failures:
                high, last_failure = middle, failures[0]
            else:
                low = middle
        found.append(low)
        binding.append(last_failure)
    capacities = [offered * m for m in found]
    return CapacityResult(
        chosen,
        offered,
        tuple(found),
        mean_ci(capacities),
        tuple(binding),
        scenario.target.throughput_t,
    )


def _offered_t(model: CompiledModel, year: int) -> float:
    """Port demand offered per year at multiplier 1 (rate flows: vessels x mean payload)."""
    from sim.engine.arrivals import intensity

    calendar = model.calendar
    starts = np.minimum(calendar.month_start_h, calendar.horizon_h)
    hours = np.diff(starts)  # the last month may run past the horizon
    total = 0.0
    for flow in model.flows:
        if flow.kind != "stream":
            continue
        vessels = float((intensity(model, flow) * hours).sum())
        total += vessels * model.mean_payload_t(flow) * flow.quay_crossings
    counted = calendar.horizon_h
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
    """The scenario with one more berth, one more chamber, or a quarter more yard."""
    document = scenario.model_dump(mode="json")
    if kind == "berths":
        terminal, group = resource.split("/", 1)
        for item in document["terminals"].get(terminal, {}).get("berths", []):
            if item["id"] == group:
                item["count"] += 1
                return Scenario.model_validate(document), f"one more berth in {resource}"
    if kind == "lock" and resource in document["locks"]:
        chambers = document["locks"][resource]["chambers"]
        largest = max(chambers, key=lambda c: c["length_m"] * c["width_m"])
        extra = {**largest, "id": "RELIEF", "commissioning": "1900-01-01", "decommissioning": None}
        chambers.append(extra)
        return Scenario.model_validate(document), (
            f"one more chamber of {largest['length_m']:g} x {largest['width_m']:g} m at {resource}"
        )
    if kind == "yard":
        terminal, yard = resource.split("/", 1)
        for item in document["terminals"].get(terminal, {}).get("yards", []):
            if item["id"] == yard:
                item["capacity_t"] *= 1.25
                return Scenario.model_validate(document), f"25 % more yard at {resource}"
    return None


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
        As in the ``bottlenecks`` table (``berths``, ``lock`` or ``yard``), most binding first.

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
    for kind, resource in bottlenecks:
        relieved = _relieved(scenario, kind, resource)
        if relieved is None:
            continue
        changed, description = relieved
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
