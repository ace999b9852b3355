"""The sealed model: everything a replication needs, as plain frozen data (no SimPy here).

:func:`sim.model.compile.compile_scenario` builds a :class:`CompiledModel` from a validated
scenario once: resources with their commissioning hours, every flow's vessel classes and
itineraries (the locks and berth it meets, the sailing hours between them), and per-tonne
route figures for tonne-km and CO2. The engine then only looks up indices. This module and
the specs it holds (:mod:`sim.model.landside`, :mod:`sim.model.operations`,
:mod:`sim.model.calendar`) import neither pydantic nor the scenario layer nor pandas, so that
the engine (and every spawned worker) loads without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from sim.model.calendar import Calendar
from sim.model.landside import LandsideOption, RailLinkSpec, StageSpec
from sim.model.operations import (
    ArrivalSpec,
    CriteriaSpec,
    OperationsSpec,
    ServiceTimeSpec,
    TargetSpec,
)

__all__ = [
    "BERTH",
    "LOCK",
    "REEFER_T_PER_PLUG",
    "BerthGroupSpec",
    "ChamberSpec",
    "CompiledModel",
    "FlowSpec",
    "Itinerary",
    "LockSpec",
    "LowWaterSpec",
    "ProcessSpec",
    "StopSpec",
    "TerminalSpec",
    "VesselClass",
    "YardSpec",
    "draw_payloads",
]

#: ``Itinerary.kinds``: a lock or a berth; codes from 2 up are the stops of registered kinds,
#: ``CompiledModel.stop_kinds[code]`` (see :mod:`sim.facilities`, "a stop on ships' paths")
LOCK = 0
BERTH = 1
#: Tonnes of reefer cargo one plug keeps cold: a 40 ft reefer of 2 TEU at 10 t/TEU (assumption).
REEFER_T_PER_PLUG = 20.0


@dataclass(frozen=True)
class VesselClass:
    """A vessel class as the engine needs it."""

    id: str
    dwt_t: float
    length_m: float
    beam_m: float
    draught_m: float
    speed_kmh: float
    load_factor: float
    load_factor_cv: float

    @property
    def area_m2(self) -> float:
        """Water area a ship of this class takes in a lock chamber."""
        return self.length_m * self.beam_m

    @property
    def mean_payload_t(self) -> float:
        """Mean payload (payloads are drawn symmetric about it)."""
        return self.dwt_t * self.load_factor


@dataclass(frozen=True)
class ChamberSpec:
    """One lock chamber."""

    id: str
    length_m: float
    width_m: float
    usable_area_m2: float
    levelling_h: float
    start_h: float
    end_h: float


@dataclass(frozen=True)
class ProcessSpec:
    """A SimPy process named in the scenario: ``function`` is ``'package.module:function'``,
    called as ``function(env, model, **dict(parameters))``."""

    function: str
    parameters: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class LockSpec:
    """A modelled lock."""

    id: str
    chambers: tuple[ChamberSpec, ...]
    policy: Literal["fcfs", "fill"]
    fill_max_wait_h: float
    move_h: float
    fill_min_share: float = 0.0


@dataclass(frozen=True)
class BerthGroupSpec:
    """Identical berths of one terminal."""

    id: str
    terminal: int
    count: int
    max_vessel_dwt_t: float
    commodities: frozenset[str]
    handling_t_per_h: float
    berthing_h: float
    service_h: ServiceTimeSpec | None
    start_h: float
    end_h: float

    @property
    def label(self) -> str:
        return self.id


@dataclass(frozen=True)
class YardSpec:
    """Storage of one cargo group at one terminal for cargo landed from ships.

    ``capacity_t`` is what it may hold: its area, or for reefer cargo the reefer plugs times
    :data:`REEFER_T_PER_PLUG` if that is less. Landed cargo dwells ``dwell_h`` before it is
    collected by the landside.
    """

    id: str
    terminal: int
    cargo_group: str
    capacity_t: float
    dwell_h: float
    start_h: float
    area_capacity_t: float = math.inf
    reefer_plugs: int = 0


@dataclass(frozen=True)
class StopSpec:
    """A stop of a registered kind (see :mod:`sim.facilities`) at a node on ships' paths.

    ``servers`` identical servers (anchorage berths, transfer spreads, ...) serve the ships
    that pass ``id`` first come first served, from ``start_h`` to ``end_h`` (ships arriving
    before ``start_h`` wait for it; after ``end_h`` they pass without stopping). A ship holds a
    server ``service(payload_t, length_m, beam_m, **dict(parameters))`` hours, ``service``
    being a ``module:function`` reference resolved once per run.
    """

    id: str
    kind: str
    servers: int
    service: str
    parameters: tuple[tuple[str, float], ...] = ()
    start_h: float = 0.0
    end_h: float = math.inf


@dataclass(frozen=True)
class TerminalSpec:
    """A terminal: its berth groups (indices) and yards by cargo group (indices)."""

    id: str
    port_area: str
    groups: tuple[int, ...]
    yards: dict[str, int]


@dataclass(frozen=True)
class Itinerary:
    """Where one vessel class of one flow goes, resource by resource.

    ``kinds[i]`` is :data:`LOCK`, :data:`BERTH` or the code of another stop kind (its index in
    ``CompiledModel.stop_kinds``), ``index[i]`` the lock, terminal or stop of that kind,
    ``direction[i]`` the direction through a lock (0 or 1), ``sail_h[i]`` the hours sailed
    before reaching resource ``i`` (from the entry for ``i = 0``) and ``sail_after_h`` the hours
    from the last resource to the exit.
    """

    kinds: tuple[int, ...]
    index: tuple[int, ...]
    direction: tuple[int, ...]
    sail_h: tuple[float, ...]
    sail_after_h: float
    eligible_groups: tuple[int, ...] = ()
    yard: int = -1
    handling: Literal["unload", "load", "transship", "through"] = "through"
    ship_links: tuple[str, ...] = ()
    # every leg of the cargo's route: (mode, km, kg CO2 per t, CNY per t); transfers as mode
    # "transfer" with their handling cost
    legs: tuple[tuple[str, float, float, float], ...] = ()
    terminal: int = -1
    landside: tuple[LandsideOption, ...] = ()
    dwell_h: float = 0.0
    to_berth_h: float = 0.0
    # False: the call carries a backhaul on its empty leg, which is left out (an unloading ship
    # leaves from the berth, a loading ship starts there; ``empty_return_share``)
    empty_leg: bool = True


@dataclass(frozen=True)
class FlowSpec:
    """A demand stream or a through-traffic flow."""

    id: str
    kind: Literal["stream", "through"]
    commodity: str
    terminal: int
    annual_t: float | None
    vessels_per_day: float | None
    from_year: int
    growth_per_year: float
    seasonality: tuple[float, ...]
    arrivals: ArrivalSpec
    classes: tuple[int, ...]
    class_share: tuple[float, ...]
    itineraries: tuple[int, ...]
    quay_crossings: int

    @property
    def label(self) -> str:
        return self.id


@dataclass(frozen=True)
class LowWaterSpec:
    """A low-water period: ships on the affected links load to ``max_draught_m`` at most."""

    start_h: float
    end_h: float
    max_draught_m: float
    links: frozenset[str] | None  # None: every inland water link


@dataclass(frozen=True)
class CompiledModel:
    """Everything a replication needs, indexed: plain data only.

    The engine reads this and nothing else (no scenario object, no file); it pickles small,
    so worker processes receive it rather than compile the scenario again. ``target`` and
    ``criteria`` are read after the run, by the verdict.
    """

    calendar: Calendar
    classes: tuple[VesselClass, ...]
    locks: tuple[LockSpec, ...]
    terminals: tuple[TerminalSpec, ...]
    groups: tuple[BerthGroupSpec, ...]
    yards: tuple[YardSpec, ...]
    flows: tuple[FlowSpec, ...]
    itineraries: tuple[Itinerary, ...]
    commodity_value_cny_per_t: dict[str, float]
    multiplier: float
    working_factor: float
    operations: OperationsSpec
    target: TargetSpec
    criteria: CriteriaSpec
    notes: tuple[str, ...] = ()
    low_water: tuple[LowWaterSpec, ...] = ()
    water_links: frozenset[str] = frozenset()
    stages: tuple[StageSpec, ...] = ()
    rail_links: tuple[RailLinkSpec, ...] = ()
    rail_water_groups: frozenset[int] = frozenset()
    diversions: dict[int, tuple[int, ...]] = field(default_factory=dict)
    requested_multiplier: float = 1.0  # the ``multiplier`` argument it was compiled with
    place_names: dict[str, str] = field(default_factory=dict)  # node id -> name (network data)
    processes: tuple[ProcessSpec, ...] = ()  # the scenario's own SimPy processes, by name
    demand_multiplier: float = 1.0  # the scenario's own ``demand.multiplier``
    #: the kinds of stop an itinerary's ``kinds`` code names: ``lock`` and ``berths``, then
    #: the registered stop kinds the scenario declares (its ``facilities`` section)
    stop_kinds: tuple[str, ...] = ("lock", "berths")
    #: the stops of each stop kind after the first two (``stops[k - 2]`` for code ``k``)
    stops: tuple[tuple[StopSpec, ...], ...] = ()
    #: the station class of each of those kinds, as ``module:Name`` (``ServerStop`` unless the
    #: kind's descriptor names its own), built as ``Class(context, spec, index, code)``
    stop_stations: tuple[str, ...] = ()

    def scaled(self, multiplier: float) -> CompiledModel:
        """The model :func:`compile_scenario` gives with ``multiplier=multiplier`` (the
        multiplier scales demand only, so nothing else is compiled again)."""
        return replace(
            self,
            multiplier=multiplier * self.demand_multiplier,
            requested_multiplier=multiplier,
        )

    def payload_factor(self, vessel_class: int, itinerary: int, period: LowWaterSpec) -> float:
        """Share of its usual payload a ship loads in a low-water period (1: unaffected).

        A ship's payload scales with its immersion: light draught is taken as 30 % of the
        loaded draught (an assumption), so the payload that fits an allowed draught d is
        ``(d - light) / (loaded - light)`` of a full load.
        """
        links = set(self.itineraries[itinerary].ship_links)
        affected = period.links if period.links is not None else self.water_links
        if not links & affected:
            return 1.0
        loaded = self.classes[vessel_class].draught_m
        if period.max_draught_m >= loaded:
            return 1.0
        light = 0.3 * loaded
        return max(0.05, (period.max_draught_m - light) / (loaded - light))

    def mean_payload_t(self, flow: FlowSpec) -> float:
        """Expected payload of one call of ``flow`` (over its vessel mix)."""
        return sum(
            share * self.classes[c].mean_payload_t
            for c, share in zip(flow.classes, flow.class_share, strict=True)
        )


def draw_payloads(rng: np.random.Generator, vessel: VesselClass, n: int) -> np.ndarray:
    """Payloads of ``n`` calls: symmetric about ``dwt x load_factor``, never above the dwt."""
    mean = vessel.mean_payload_t
    if vessel.load_factor_cv <= 0 or n == 0:
        return np.full(n, mean)
    limit = min(
        3.0,
        1.0 / vessel.load_factor_cv,
        (1.0 - vessel.load_factor) / (vessel.load_factor * vessel.load_factor_cv)
        if vessel.load_factor < 1
        else 0.0,
    )
    z = np.clip(rng.standard_normal(n), -limit, limit)
    return mean * (1.0 + vessel.load_factor_cv * z)
