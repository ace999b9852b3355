"""Compile how a scenario is worked into the plain specs of :mod:`sim.model.operations`:
disruptions and limits, service-time distributions and arrival processes as the numpy draws
that sample them, the target and the service criteria. No pydantic object is kept."""

from __future__ import annotations

from sim.model.calendar import Calendar
from sim.model.operations import (
    ArrivalSpec,
    BreakdownSpec,
    CriteriaSpec,
    OperationsSpec,
    ServiceTimeSpec,
    TargetSpec,
)
from sim.scenario.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
    Uniform,
)
from sim.scenario.models import (
    ArrivalProcess,
    EmpiricalArrivals,
    ErlangArrivals,
    Operations,
    Scenario,
    Scheduled,
)

__all__ = [
    "arrival_spec",
    "compile_operations",
    "criteria_spec",
    "service_time_spec",
    "target_spec",
]


def service_time_spec(distribution: Distribution) -> ServiceTimeSpec:
    """The draw that samples a scenario's service-time distribution."""
    if isinstance(distribution, Exponential):
        return ServiceTimeSpec("exponential", distribution.mean_h)
    if isinstance(distribution, Erlang):
        return ServiceTimeSpec("gamma", distribution.k, distribution.mean_h / distribution.k)
    if isinstance(distribution, Deterministic):
        return ServiceTimeSpec("constant", distribution.value_h)
    if isinstance(distribution, Uniform):
        return ServiceTimeSpec("uniform", distribution.low_h, distribution.high_h)
    if isinstance(distribution, Lognormal):
        return ServiceTimeSpec("lognormal", distribution.mu, distribution.sigma)
    if isinstance(distribution, Empirical):
        return ServiceTimeSpec("choice", values_h=tuple(distribution.values_h))
    raise TypeError(f"unknown distribution {type(distribution).__name__}")


def arrival_spec(process: ArrivalProcess) -> ArrivalSpec:
    """A scenario's arrival process as plain data."""
    if isinstance(process, ErlangArrivals):
        return ArrivalSpec("erlang", k=process.k)
    if isinstance(process, EmpiricalArrivals):
        return ArrivalSpec("empirical", interarrival_h=tuple(process.interarrival_h))
    if isinstance(process, Scheduled):
        return ArrivalSpec("scheduled", weekly_times_h=tuple(process.weekly_times_h))
    return ArrivalSpec(process.process)


def compile_operations(operations: Operations, calendar: Calendar) -> OperationsSpec:
    """The disruptions and limits of ``operations`` on the run's ``calendar``."""
    weather = operations.weather
    closures: dict[str, list[tuple[float, float]]] = {}
    for closure in operations.closures:
        closures.setdefault(closure.resource, []).append(
            (calendar.hour_of(closure.start), calendar.hour_of(closure.end))
        )
    diversion = operations.diversion
    return OperationsSpec(
        operations.overload_queue_vessels,
        # the expression (and so the float) the engine has always drawn event counts with
        weather.downtime_days_per_year * 24.0 / weather.mean_event_h / 8760.0
        if weather.downtime_days_per_year > 0
        else 0.0,
        weather.mean_event_h,
        frozenset(weather.applies_to),
        {resource: tuple(windows) for resource, windows in closures.items()},
        tuple(
            BreakdownSpec(b.resource_kind, frozenset(b.resources), b.mtbf_h, b.mttr_h)
            for b in operations.breakdowns
        ),
        diversion.queue_threshold_vessels,
        diversion.landside_queue_threshold_t if diversion.enabled else None,
    )


def target_spec(scenario: Scenario) -> TargetSpec:
    target = scenario.target
    return TargetSpec(target.throughput_t, target.year, tuple(target.terminals))


def criteria_spec(scenario: Scenario) -> CriteriaSpec:
    return CriteriaSpec(**scenario.service_criteria.model_dump())
