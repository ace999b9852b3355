"""Compile how a scenario is worked into plain specs: disruptions, limits, random durations.

The engine reads these and nothing of the scenario: weather as a rate of downtime events,
closures already in simulation hours, breakdown entries, the overflow and diversion limits,
service-time distributions and arrival processes as the numpy draws that sample them. The
target and the service criteria, read after the run by the verdict, are plain specs too.
No SimPy here, and no pydantic object is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.calendar import Calendar
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
    "ArrivalSpec",
    "BreakdownSpec",
    "CriteriaSpec",
    "OperationsSpec",
    "ServiceTimeSpec",
    "TargetSpec",
    "arrival_spec",
    "compile_operations",
    "criteria_spec",
    "service_time_spec",
    "target_spec",
]

ServiceDraw = Literal["exponential", "gamma", "constant", "uniform", "lognormal", "choice"]


@dataclass(frozen=True)
class ServiceTimeSpec:
    """Service hours of a berth group as the numpy draw that samples them.

    ``draw`` names the generator method and ``a``, ``b`` its parameters: ``exponential``
    (scale ``a``), ``gamma`` (shape ``a``, scale ``b``: Erlang-k), ``constant`` (always
    ``a``), ``uniform`` (``a`` to ``b``), ``lognormal`` (``a``, ``b``: mean and standard
    deviation of the underlying normal), ``choice`` (equally likely ``values_h``).
    """

    draw: ServiceDraw
    a: float = 0.0
    b: float = 0.0
    values_h: tuple[float, ...] = ()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` service times in hours, drawn from ``rng``."""
        if self.draw == "exponential":
            return rng.exponential(self.a, n)
        if self.draw == "gamma":
            return rng.gamma(self.a, self.b, n)
        if self.draw == "constant":
            return np.full(n, self.a)
        if self.draw == "uniform":
            return rng.uniform(self.a, self.b, n)
        if self.draw == "lognormal":
            return rng.lognormal(self.a, self.b, n)
        return rng.choice(np.asarray(self.values_h, dtype=float), size=n)


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


@dataclass(frozen=True)
class ArrivalSpec:
    """The arrival process of a flow.

    ``k`` is the Erlang shape (``erlang``), ``interarrival_h`` the observed gaps resampled
    (``empirical``), ``weekly_times_h`` the hours of the week a liner calls (``scheduled``).
    """

    process: Literal["poisson", "erlang", "deterministic", "scheduled", "empirical"]
    k: int = 1
    interarrival_h: tuple[float, ...] = ()
    weekly_times_h: tuple[float, ...] = ()


def arrival_spec(process: ArrivalProcess) -> ArrivalSpec:
    """A scenario's arrival process as plain data."""
    if isinstance(process, ErlangArrivals):
        return ArrivalSpec("erlang", k=process.k)
    if isinstance(process, EmpiricalArrivals):
        return ArrivalSpec("empirical", interarrival_h=tuple(process.interarrival_h))
    if isinstance(process, Scheduled):
        return ArrivalSpec("scheduled", weekly_times_h=tuple(process.weekly_times_h))
    return ArrivalSpec(process.process)


@dataclass(frozen=True)
class BreakdownSpec:
    """Random failures of one kind of equipment: at rate servers / ``mtbf_h``, each repaired
    in Exp(``mttr_h``) hours. ``owners`` are the locks or terminals whose equipment fails
    (empty: every one)."""

    kind: Literal["crane", "lock_chamber", "gate", "siding"]
    owners: frozenset[str]
    mtbf_h: float
    mttr_h: float


@dataclass(frozen=True)
class OperationsSpec:
    """Disruptions and limits of a run, in simulation hours.

    Attributes
    ----------
    overload_queue_vessels : int
        A queue longer than this stops the run as overloaded.
    weather_events_per_h : float
        Rate of weather downtime events (0: no weather downtime).
    weather_mean_event_h : float
        Mean length of one event (exponential).
    weather_applies_to : frozenset of str
        What weather stops: ``berths``, ``locks``, ``gates``, ``air``.
    closures_h : dict
        Resource id (a place, a link or ``LOCK/CHAMBER``) -> its closures as (start, end)
        hours, in the order the scenario lists them.
    breakdowns : tuple of BreakdownSpec
        In the scenario's order (an entry's position names its random streams).
    diversion_queue_threshold_vessels : int
        Ships already queueing at a terminal's berths that send a ship to an alternative.
    landside_diversion_t : float or None
        Tonnes waiting at a landside stage beyond which cargo takes another landside option
        (None: never).
    """

    overload_queue_vessels: int = 2000
    weather_events_per_h: float = 0.0
    weather_mean_event_h: float = 12.0
    weather_applies_to: frozenset[str] = frozenset()
    closures_h: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    breakdowns: tuple[BreakdownSpec, ...] = ()
    diversion_queue_threshold_vessels: int = 10
    landside_diversion_t: float | None = None


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


@dataclass(frozen=True)
class TargetSpec:
    """The throughput goal of the verdict: tonnes in ``year`` at ``terminals`` (empty:
    all)."""

    throughput_t: float
    year: int
    terminals: tuple[str, ...] = ()


def target_spec(scenario: Scenario) -> TargetSpec:
    target = scenario.target
    return TargetSpec(target.throughput_t, target.year, tuple(target.terminals))


@dataclass(frozen=True)
class CriteriaSpec:
    """The service criteria of the verdict (None: not used); ``apply`` False leaves them out
    of the verdict (the sustainable capacity still uses them)."""

    apply: bool = True
    max_berth_waiting_service_ratio: float | None = None
    max_mean_lock_wait_h: float | None = None
    max_yard_blocking_share: float | None = None
    max_berth_occupancy: float | None = None


def criteria_spec(scenario: Scenario) -> CriteriaSpec:
    return CriteriaSpec(**scenario.service_criteria.model_dump())
