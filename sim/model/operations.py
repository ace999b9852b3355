"""How a run is worked, as plain specs: disruptions, limits, random durations, the goal.

The engine reads these and nothing of the scenario: weather as a rate of downtime events,
closures already in simulation hours, breakdown entries, the overflow and diversion limits,
service-time distributions and arrival processes as the numpy draws that sample them. The
target and the service criteria, read after the run by the verdict, are plain specs too.
:mod:`sim.model.compile_operations` builds them from a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = [
    "ArrivalSpec",
    "BreakdownSpec",
    "CriteriaSpec",
    "OperationsSpec",
    "ServiceDraw",
    "ServiceTimeSpec",
    "TargetSpec",
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


@dataclass(frozen=True)
class TargetSpec:
    """The throughput goal of the verdict: tonnes in ``year`` at ``terminals`` (empty:
    all)."""

    throughput_t: float
    year: int
    terminals: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriteriaSpec:
    """The service criteria of the verdict (None: not used); ``apply`` False leaves them out
    of the verdict (the sustainable capacity still uses them)."""

    apply: bool = True
    max_berth_waiting_service_ratio: float | None = None
    max_mean_lock_wait_h: float | None = None
    max_yard_blocking_share: float | None = None
    max_berth_occupancy: float | None = None
