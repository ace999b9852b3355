"""The scenario format: frozen pydantic models, units in field names, no SimPy.

A scenario names the network data, the capacity plan (terminals with berth groups, yards, gates
and rail sidings; locks with chambers; link upgrades; airports), demand streams, fleets,
operations, the service criteria that define "sustainable", the target and the run settings.
``hubsim schema`` prints the JSON Schema of :class:`Scenario`.

Clock: hours. Dates are calendar dates (``2026-06-30``) or years (``2026`` = 1 January).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from sim.scenario.distributions import Distribution

__all__ = [
    "Airport",
    "ArrivalProcess",
    "BerthGroup",
    "Breakdowns",
    "Chamber",
    "Closure",
    "Demand",
    "Diversion",
    "Fleets",
    "Gate",
    "LinkUpgrade",
    "Lock",
    "LowWater",
    "NetworkSource",
    "Operations",
    "ProcessEntry",
    "RailSidings",
    "RunSettings",
    "Scenario",
    "ServiceCriteria",
    "Stream",
    "Target",
    "Terminal",
    "ThroughTraffic",
    "VehicleSpec",
    "VesselClassSpec",
    "Weather",
    "Yard",
    "flow_tonnes",
]

ID_PATTERN = r"^[A-Z][A-Z0-9_]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Tonnes = Annotated[float, Field(gt=0, le=1e10)]
Money = Annotated[float, Field(ge=0, le=1e13)]
Year = Annotated[int, Field(ge=1900, le=2100)]
HoursPerDay = Annotated[float, Field(gt=0, le=24)]
CargoGroup = Literal["dry_bulk", "liquid_bulk", "break_bulk", "container", "reefer"]

#: Date from which a facility without a commissioning date exists: always.
ALWAYS = dt.date(1900, 1, 1)


def _to_date(value: Any) -> Any:
    """Accept a year (``2026`` -> 1 January 2026) or a date; leave anything else to pydantic."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not 1900 <= value <= 2100:
            raise ValueError(f"must be a year between 1900 and 2100 or a date (got {value})")
        return dt.date(value, 1, 1)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _to_datetime(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


Date = Annotated[dt.date, BeforeValidator(_to_date, json_schema_input_type=dt.date | int)]
DateTime = Annotated[
    dt.datetime, BeforeValidator(_to_datetime, json_schema_input_type=dt.datetime | dt.date)
]


class Model(BaseModel):
    """Base of every scenario model: immutable, unknown keys refused, no NaN or infinity."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True
    )


def _unique_ids(items: tuple[Any, ...], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} is used twice")
        seen.add(item.id)


class Facility(Model):
    """Something that can be built: when it comes into service and what it costs."""

    commissioning: Date = Field(ALWAYS, description="Date (or year) it enters service.")
    decommissioning: Date | None = Field(None, description="Date it leaves service, if any.")
    capex_cny: Money = Field(
        0.0,
        description="Investment cost (the fixed part when the facility also gives a cost per "
        "unit, e.g. capex_cny_per_berth).",
    )
    opex_cny_per_year: Money = Field(0.0, description="Operating cost per year.")

    @model_validator(mode="after")
    def _dates_ordered(self) -> Facility:
        if self.decommissioning is not None and self.decommissioning <= self.commissioning:
            raise ValueError("decommissioning must be after commissioning")
        return self


# ---------------------------------------------------------------------------- capacity plan


class BerthGroup(Facility):
    """Identical berths of one terminal serving the same ships and commodities.

    Service time of a call is ``payload_t / (cranes_per_berth * crane_rate_t_per_h) +
    berthing_h`` unless ``service_h`` gives a distribution to use instead (for validation
    against queueing theory, or measured service times).
    """

    id: Id
    count: Annotated[int, Field(ge=1, le=1000)]
    max_vessel_dwt_t: Tonnes
    commodities: Annotated[tuple[Id, ...], Field(min_length=1)]
    cranes_per_berth: Annotated[int, Field(ge=1, le=50)] = 1
    crane_rate_t_per_h: Annotated[float, Field(gt=0, le=100_000)] = 300.0
    berthing_h: Annotated[float, Field(ge=0, le=100)] = 4.0
    service_h: Distribution | None = None
    vessel_classes: tuple[Id, ...] = Field(
        (),
        description="Ships this group is dedicated to under the 'dedicated' berth policy "
        "(empty: any ship that fits).",
    )
    rail_water: bool = Field(False, description="Transfers directly between ship and train.")
    capex_cny_per_berth: Money = Field(
        0.0, description="Investment cost per berth, added to capex_cny (see README 'CAPEX')."
    )


class Yard(Facility):
    """Storage for one cargo group; a full yard blocks unloading."""

    id: Id
    cargo_group: CargoGroup
    capacity_t: Tonnes
    reefer_plugs: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    dwell_days: Annotated[float, Field(gt=0, le=365)] = 7.0
    landside_rate_t_per_h: Annotated[float, Field(gt=0, le=1e6)] | None = Field(
        None,
        description="Rate at which the landside empties the yard (default: "
        "capacity_t / dwell time).",
    )
    capex_cny_per_t: Money = Field(
        0.0, description="Investment cost per tonne of capacity_t, added to capex_cny."
    )
    capex_cny_per_plug: Money = Field(
        0.0, description="Investment cost per reefer plug, added to capex_cny."
    )


class Gate(Facility):
    """Truck gate of a terminal: every truck visit (delivering or collecting) uses a lane."""

    lanes: Annotated[int, Field(ge=1, le=200)]
    trucks_per_h_per_lane: Annotated[float, Field(gt=0, le=1000)] = 30.0
    hours_per_day: HoursPerDay = 24.0
    opens_at_h: Annotated[float, Field(ge=0, lt=24)] = Field(
        6.0, description="Hour of day the gate opens (when open less than 24 h a day)."
    )
    truck_payload_t: Annotated[float, Field(gt=0, le=100)] = 30.0
    capex_cny_per_lane: Money = Field(
        0.0, description="Investment cost per lane, added to capex_cny."
    )


class RailSidings(Facility):
    """Loading tracks of a terminal."""

    sidings: Annotated[int, Field(ge=1, le=100)]
    train_handling_h: Annotated[float, Field(gt=0, le=200)] = 4.0
    train_payload_t: Annotated[float, Field(gt=0, le=50_000)] = Field(
        3500.0,
        description="Tonnes per train (50 wagons x 70 t; a 55 FEU container train "
        "carries about 1,210 t).",
    )
    train_max_wait_h: Annotated[float, Field(gt=0, le=24 * 30)] = Field(
        24.0, description="A train leaves part-loaded when its first cargo has waited this long."
    )
    capex_cny_per_siding: Money = Field(
        0.0, description="Investment cost per siding, added to capex_cny."
    )


class Terminal(Model):
    """One terminal (a node of the network, or a stand-alone terminal without network)."""

    port_area: str | None = Field(None, description="Port area (default: from the network).")
    berths: Annotated[tuple[BerthGroup, ...], Field(min_length=1)]
    yards: tuple[Yard, ...] = ()
    gate: Gate | None = None
    rail: RailSidings | None = None

    @model_validator(mode="after")
    def _ids(self) -> Terminal:
        _unique_ids(self.berths, "berth group")
        _unique_ids(self.yards, "yard")
        return self

    def commodities(self) -> frozenset[str]:
        """Everything some berth group of the terminal handles."""
        return frozenset(c for group in self.berths for c in group.commodities)


class Chamber(Facility):
    """One lock chamber."""

    id: Id
    length_m: Annotated[float, Field(gt=0, le=1000)]
    width_m: Annotated[float, Field(gt=0, le=100)]
    levelling_min: Annotated[float, Field(gt=0, le=600)] = 15.0


class Lock(Model):
    """A lock: its chambers and how they are worked."""

    chambers: Annotated[tuple[Chamber, ...], Field(min_length=1)]
    policy: Literal["fcfs", "fill"] | None = Field(
        None, description="Lockage policy (default: operations.lock_policy)."
    )
    fill_max_wait_h: Annotated[float, Field(ge=0, le=48)] = 1.0
    fill_min_share: Fraction = Field(
        0.0,
        description="Under the fill policy, a chamber filled to less than this share of its "
        "usable area waits for more ships (up to fill_max_wait_h) even while ships wait on the "
        "other side (0: it waits only while nobody does).",
    )
    vessel_move_min: Annotated[float, Field(gt=0, le=120)] = Field(
        4.0, description="Time for one ship to enter a chamber; ships leave in half that."
    )
    area_use_max: Annotated[float, Field(gt=0, le=1)] = Field(
        0.8,
        description="Largest share of the chamber area ships may fill (observed averages "
        "are 0.4-0.7).",
    )

    @model_validator(mode="after")
    def _ids(self) -> Lock:
        _unique_ids(self.chambers, "chamber")
        return self


class LinkUpgrade(Facility):
    """New limits of a network link from its commissioning date (e.g. a waterway upgrade)."""

    waterway_class: str | None = None
    max_vessel_dwt_t: Tonnes | None = None
    max_draught_m: Annotated[float, Field(gt=0, le=30)] | None = None
    speed_kmh: Annotated[float, Field(gt=0, le=1000)] | None = None
    capacity_movements_per_day: Annotated[float, Field(gt=0, le=1e6)] | None = None


class Airport(Facility):
    """Air cargo capacity of an airport."""

    slots_per_day: Annotated[float, Field(gt=0, le=10_000)]
    hours_per_day: HoursPerDay = 16.0
    opens_at_h: Annotated[float, Field(ge=0, lt=24)] = 6.0
    payload_t_per_flight: Annotated[float, Field(gt=0, le=200)] = Field(
        1.5, description="Cargo per flight (light cargo aircraft 1.5 t, cargo drone 0.2 t)."
    )
    capex_cny_per_slot: Money = Field(
        0.0, description="Investment cost per daily flight slot, added to capex_cny."
    )


# ---------------------------------------------------------------------------------- demand


class Poisson(Model):
    """Exponential interarrival times (random, independent arrivals)."""

    process: Literal["poisson"]

    @property
    def cv2(self) -> float:
        """Squared coefficient of variation of the interarrival time."""
        return 1.0


class ErlangArrivals(Model):
    """Erlang-k interarrival times (more regular than Poisson)."""

    process: Literal["erlang"]
    k: Annotated[int, Field(ge=1, le=1000)]

    @property
    def cv2(self) -> float:
        return 1.0 / self.k


class DeterministicArrivals(Model):
    """Evenly spaced arrivals."""

    process: Literal["deterministic"]

    @property
    def cv2(self) -> float:
        return 0.0


class Scheduled(Model):
    """A liner timetable: calls at fixed hours of each week (0 = Monday 00:00)."""

    process: Literal["scheduled"]
    weekly_times_h: Annotated[
        tuple[Annotated[float, Field(ge=0, lt=168)], ...], Field(min_length=1, max_length=1000)
    ]

    @property
    def cv2(self) -> float:
        return 0.0


class EmpiricalArrivals(Model):
    """Interarrival times resampled from observations, rescaled to the stream's rate."""

    process: Literal["empirical"]
    interarrival_h: Annotated[
        tuple[Annotated[float, Field(ge=0, le=1e5)], ...], Field(min_length=2, max_length=100_000)
    ]

    @model_validator(mode="after")
    def _not_all_zero(self) -> EmpiricalArrivals:
        if sum(self.interarrival_h) <= 0:
            raise ValueError("interarrival_h must not be all zero")
        return self

    @property
    def cv2(self) -> float:
        values = self.interarrival_h
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / len(values) / mean**2


ArrivalProcess = Annotated[
    Poisson | ErlangArrivals | DeterministicArrivals | Scheduled | EmpiricalArrivals,
    Field(discriminator="process"),
]

Seasonality = Annotated[
    tuple[Annotated[float, Field(ge=0, le=100)], ...],
    Field(
        min_length=12,
        max_length=12,
        description="Twelve monthly factors, January first; rescaled to average 1.",
    ),
]


def _seasonality_ok(value: Any) -> Any:
    if isinstance(value, tuple) and value and sum(value) <= 0:
        raise ValueError("seasonality needs at least one month above 0")
    return value


class _Flow(Model):
    id: Id
    annual_t: Tonnes | None = Field(None, description="Tonnes in the first year of the flow.")
    vessels_per_day: Annotated[float, Field(gt=0, le=10_000)] | None = Field(
        None, description="Arrival rate instead of tonnes (payload from the vessel mix)."
    )
    from_year: Year | None = Field(
        None,
        description="First year with this flow; annual_t is its volume that year "
        "(default: demand.base_year). Nothing flows before it.",
    )
    growth_per_year: Annotated[float, Field(ge=-0.5, le=2.0)] = 0.0
    seasonality: Seasonality | str | None = None
    arrivals: ArrivalProcess = Field(default_factory=lambda: Poisson(process="poisson"))
    vessel_mix: Annotated[dict[Id, Annotated[float, Field(gt=0)]], Field(min_length=1)] = Field(
        ..., description="Vessel class -> share of calls (normalised to 1)."
    )

    @field_validator("seasonality")
    @classmethod
    def _season(cls, value: Any) -> Any:
        return _seasonality_ok(value)

    @model_validator(mode="after")
    def _one_rate(self) -> _Flow:
        if (self.annual_t is None) == (self.vessels_per_day is None):
            raise ValueError("give exactly one of annual_t and vessels_per_day")
        if isinstance(self.arrivals, Scheduled) and self.vessels_per_day is not None:
            raise ValueError("a scheduled stream takes annual_t (its timetable sets the calls)")
        return self


class Stream(_Flow):
    """Cargo of one commodity calling at one terminal, from an origin to a destination.

    The ships cross the quay at ``terminal``: they unload there when the water leg comes
    before the terminal on the route, load when it comes after. Without a network, only
    ``terminal`` and ``handling`` are given.
    """

    commodity: Id
    terminal: Id
    origin: Id | None = None
    destination: Id | None = None
    handling: Literal["unload", "load"] | None = Field(
        None, description="Without a network: whether ships unload or load (default unload)."
    )
    empty_return_share: Fraction | None = Field(
        None,
        description="Share of calls that sail their empty leg (an unloading ship's return, a "
        "loading ship's approach) through the network; the others carry a backhaul on it, "
        "outside the port's streams (default: demand.empty_return_share).",
    )
    landside_modes: tuple[Literal["road", "rail", "air", "water"], ...] = Field(
        (), description="Modes allowed off the quay (empty: the cheapest route decides)."
    )
    landside_split: dict[Literal["road", "rail", "air"], Annotated[float, Field(gt=0)]] = Field(
        {},
        description="Shares of the cargo leaving (or reaching) the quay by road, by rail (the "
        "mode at the terminal) and by air (trucked to an airfield and flown), normalised to 1 "
        "(empty: all by the cheapest route).",
    )


class ThroughTraffic(_Flow):
    """Ships that pass the locks without calling at a Huai'an Port terminal."""

    origin: Id
    destination: Id


def flow_tonnes(
    flow: Stream | ThroughTraffic, year: int, base_year: int, multiplier: float = 1.0
) -> float:
    """Tonnes a flow given as ``annual_t`` carries in ``year`` (0 before it starts).

    ``annual_t`` is the volume in the flow's first year (``from_year`` or the base year) and
    grows by ``growth_per_year`` compounded; rate-based flows (``vessels_per_day``) return NaN.
    """
    if flow.annual_t is None:
        return math.nan
    first = flow.from_year or base_year
    if year < first:
        return 0.0
    return multiplier * flow.annual_t * (1.0 + flow.growth_per_year) ** (year - first)


class Demand(Model):
    """What must be carried: port streams and background through traffic."""

    base_year: Year
    multiplier: Annotated[float, Field(gt=0, le=100)] = Field(
        1.0, description="Scales every stream and through-traffic flow (capacity search)."
    )
    streams: Annotated[tuple[Stream, ...], Field(min_length=1)]
    through_traffic: tuple[ThroughTraffic, ...] = ()
    seasonality_profiles: dict[str, Seasonality] = {}
    empty_return_share: Fraction = Field(
        1.0,
        description="Share of a stream's calls that sail their empty leg through the network "
        "(1: every unloading ship sails back empty, every loading ship comes in empty); a "
        "stream's own empty_return_share overrides it.",
    )

    def empty_return(self, stream: Stream) -> float:
        """Share of ``stream``'s calls that sail their empty leg (see ``empty_return_share``)."""
        own = stream.empty_return_share
        return self.empty_return_share if own is None else own

    def port_tonnes(self, year: int) -> float:
        """Tonnes offered across the quay in ``year`` by streams given in tonnes."""
        return sum(
            t
            for s in self.streams
            if not math.isnan(t := flow_tonnes(s, year, self.base_year, self.multiplier))
        )

    def through_tonnes(self, year: int) -> float:
        """Tonnes of through traffic in ``year`` (flows given in tonnes)."""
        return sum(
            t
            for s in self.through_traffic
            if not math.isnan(t := flow_tonnes(s, year, self.base_year, self.multiplier))
        )

    @model_validator(mode="after")
    def _ids(self) -> Demand:
        _unique_ids((*self.streams, *self.through_traffic), "stream")
        for name, profile in self.seasonality_profiles.items():
            if sum(profile) <= 0:
                raise ValueError(f"seasonality profile {name!r} needs a month above 0")
        return self


# ----------------------------------------------------------------------------------- fleets


class VesselClassSpec(Model):
    """A vessel class: by id from the network data, with any field overridden here.

    Without network data every field the engine needs must be given.
    """

    id: Id
    description: str | None = None
    dwt_t: Tonnes | None = None
    length_m: Annotated[float, Field(gt=0, le=500)] | None = None
    beam_m: Annotated[float, Field(gt=0, le=80)] | None = None
    loaded_draught_m: Annotated[float, Field(gt=0, le=25)] | None = None
    speed_kmh: Annotated[float, Field(gt=0, le=80)] | None = None
    teu_capacity: Annotated[int, Field(ge=0, le=30_000)] | None = None
    sea_going: bool | None = None
    load_factor: Annotated[float, Field(gt=0, le=1)] = Field(
        0.85, description="Mean payload as a share of deadweight."
    )
    load_factor_cv: Annotated[float, Field(ge=0, le=1)] = Field(
        0.1, description="Coefficient of variation of the payload between calls."
    )


class VehicleSpec(Model):
    """A train, truck, aircraft or drone type: by id from the network data, or given here."""

    id: Id
    mode: Literal["rail", "road", "air"] | None = None
    description: str | None = None
    payload_t: Annotated[float, Field(gt=0, le=50_000)] | None = None
    teu_capacity: Annotated[int, Field(ge=0, le=1000)] | None = None
    speed_kmh: Annotated[float, Field(gt=0, le=1000)] | None = None


class Fleets(Model):
    """Movers used by the scenario."""

    vessels: tuple[VesselClassSpec, ...] = ()
    trains: tuple[VehicleSpec, ...] = ()
    trucks: tuple[VehicleSpec, ...] = ()
    aircraft: tuple[VehicleSpec, ...] = ()

    @model_validator(mode="after")
    def _ids(self) -> Fleets:
        _unique_ids(self.vessels, "vessel class")
        _unique_ids(self.trains + self.trucks + self.aircraft, "vehicle")
        return self


# ------------------------------------------------------------------------------- operations


class Weather(Model):
    """Weather downtime: random stoppages (fog, wind, storms)."""

    downtime_days_per_year: Annotated[float, Field(ge=0, le=365)] = 0.0
    mean_event_h: Annotated[float, Field(gt=0, le=24 * 60)] = 12.0
    applies_to: tuple[Literal["berths", "locks", "gates", "air"], ...] = ("berths", "locks")


class LowWater(Model):
    """A low-water period: ships may load only to ``max_draught_m``."""

    start: Date
    end: Date
    max_draught_m: Annotated[float, Field(gt=0, le=25)]
    links: tuple[Id, ...] = Field((), description="Affected links (empty: all inland water).")

    @model_validator(mode="after")
    def _ordered(self) -> LowWater:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Closure(Model):
    """A resource (lock, terminal, link, gate ...) out of service between two times.

    ``resource`` names a place or link, or one chamber of a lock as ``LOCK_ID/CHAMBER_ID``
    (the lock's other chambers keep working, e.g. during an overhaul).
    """

    resource: Annotated[
        str,
        StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*(/[A-Z][A-Z0-9_]*)?$", max_length=129),
        Field(description="A place or link id, or LOCK_ID/CHAMBER_ID for one lock chamber."),
    ]
    start: DateTime
    end: DateTime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Breakdowns(Model):
    """Random failures of a kind of equipment."""

    resource_kind: Literal["crane", "lock_chamber", "gate", "siding"]
    resources: tuple[Id, ...] = Field((), description="Which ones (empty: all of that kind).")
    mtbf_h: Annotated[float, Field(gt=0, le=1e6)]
    mttr_h: Annotated[float, Field(gt=0, le=1e5)]


class Diversion(Model):
    """Congestion-aware routing: past a queue threshold, cargo goes to an alternative."""

    enabled: bool = False
    queue_threshold_vessels: Annotated[int, Field(ge=1, le=10_000)] = Field(
        10,
        description="A ship sets off for an alternative terminal when this many ships already "
        "queue for the berths it can use at its own (and fewer at the alternative).",
    )
    alternatives: dict[Id, tuple[Id, ...]] = Field(
        {}, description="Terminal -> alternative terminals, in order of preference."
    )
    landside_queue_threshold_t: Annotated[float, Field(gt=0, le=1e9)] | None = Field(
        None,
        description="Cargo waiting for a terminal's trains or gate beyond this many tonnes "
        "takes the stream's other landside mode (landside_split) instead (null: never).",
    )


class Operations(Model):
    """How the hub is worked: policies, hours and disruptions."""

    berth_policy: Literal["first_free", "dedicated"] = "first_free"
    lock_policy: Literal["fcfs", "fill"] = "fcfs"
    berth_working_h_per_day: HoursPerDay = 24.0
    weather: Weather = Weather()
    low_water: tuple[LowWater, ...] = ()
    closures: tuple[Closure, ...] = ()
    breakdowns: tuple[Breakdowns, ...] = ()
    diversion: Diversion = Diversion()
    unmodelled_lock_h: Annotated[float, Field(ge=0, le=48)] = Field(
        1.0,
        description="Time to pass a lock on a route that the scenario does not model "
        "(not listed under locks).",
    )
    overload_queue_vessels: Annotated[int, Field(ge=10, le=1_000_000)] = Field(
        2000, description="A queue longer than this stops the run as overloaded."
    )


class ServiceCriteria(Model):
    """Service levels that define a sustainable load (a criterion set to null is not used).

    They are part of the verdict: a replication meets the target only when every criterion
    holds too. ``apply: false`` leaves them out of the verdict (it is then on throughput and
    overflows only, and says so); the sustainable capacity always uses them.
    """

    apply: bool = Field(
        True,
        description="Whether the verdict requires the criteria (false: throughput only, "
        "stated in every output).",
    )
    max_berth_waiting_service_ratio: Annotated[float, Field(gt=0, le=100)] | None = 0.3
    max_mean_lock_wait_h: Annotated[float, Field(gt=0, le=1000)] | None = 4.0
    max_yard_blocking_share: Fraction | None = 0.02
    max_berth_occupancy: Fraction | None = None


class Target(Model):
    """The throughput goal the verdict compares with."""

    throughput_t: Tonnes = 86_000_000.0
    year: Year = 2028
    terminals: tuple[Id, ...] = Field((), description="Terminals counted (empty: all).")


class RunSettings(Model):
    """Horizon, warm-up, replications and seed."""

    start_year: Year | None = Field(
        None, description="First simulated year (default: demand.base_year)."
    )
    end_year: Year | None = Field(None, description="Last simulated year (default: target.year).")
    horizon_days: Annotated[float, Field(gt=0, le=366 * 30)] | None = Field(
        None,
        description="Count this many days from 1 January start_year (after the warm-up) "
        "instead of whole years.",
    )
    warmup_days: Annotated[float, Field(ge=0, le=365)] = Field(
        30.0,
        description="Days simulated before 1 January start_year and not counted (at least "
        "twice the longest yard dwell_days, at most 365; rounded up to whole days).",
    )
    replications: Annotated[int, Field(ge=1, le=100_000)] = 5
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 2028


class NetworkSource(Model):
    """Where the network data comes from."""

    data: str | None = Field(
        None,
        description="Dataset folder, relative to the scenario "
        "file (default: the bundled data/ports).",
    )


# --------------------------------------------------------------------------------- scenario


PROCESS_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$"


class ProcessEntry(Model):
    """A SimPy process of your own that joins every replication (see ``sim.engine.control``).

    The function is imported by name, so a scenario that names one runs that Python code, as
    a notebook would: name only code you trust.
    """

    function: Annotated[str, StringConstraints(pattern=PROCESS_PATTERN, max_length=200)] = Field(
        description="'package.module:function'; the module must be importable (installed or on "
        "PYTHONPATH). The function is called as function(env, model, **parameters) and must be "
        "a generator function (a SimPy process)."
    )
    parameters: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")], Any] = Field(
        default_factory=dict, description="Keyword arguments for the function (plain values)."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"function": value} if isinstance(value, str) else value

    @field_validator("function")
    @classmethod
    def _importable(cls, value: str) -> str:
        import importlib

        module_name, _, name = value.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise ValueError(f"cannot import module {module_name!r}: {error}") from None
        function = getattr(module, name, None)
        if not callable(function):
            raise ValueError(f"module {module_name!r} has no function {name!r}")
        return value


class Scenario(Model):
    """A hubsim scenario: everything one run needs, checked once at load time."""

    model_config = ConfigDict(
        title="hubsim scenario",
        json_schema_extra={
            "$comment": "Generated by `hubsim schema`; see README 'Writing a scenario'."
        },
    )

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    network: NetworkSource | None = Field(
        default_factory=NetworkSource,
        description="Network data; null for a stand-alone terminal without network.",
    )
    terminals: Annotated[dict[Id, Terminal], Field(min_length=1)]
    locks: dict[Id, Lock] = {}
    links: dict[Id, LinkUpgrade] = {}
    airports: dict[Id, Airport] = {}
    demand: Demand
    fleets: Fleets = Fleets()
    operations: Operations = Operations()
    service_criteria: ServiceCriteria = ServiceCriteria()
    target: Target = Target()
    run: RunSettings = RunSettings()
    processes: list[ProcessEntry] = Field(
        default_factory=list,
        description="SimPy processes of your own started in every replication, in this order "
        "(e.g. a controller; see README 'Processes of your own').",
    )
    facilities: dict[str, dict[Id, Any]] = Field(
        default_factory=dict,
        description="Stops on ships' paths of kinds registered in sim.facilities (e.g. a "
        "ship-to-ship transfer anchorage): {KIND: {NODE_ID: {...}}}, each entry checked "
        "against its kind's schema; ships whose path passes the node stop there (see README "
        "'Facility kinds: described once').",
    )

    @field_validator("facilities")
    @classmethod
    def _registered_stop_kinds(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from pydantic import ValidationError

        from sim import facilities as registry

        checked: dict[str, dict[str, Any]] = {}
        for name, entries in value.items():
            known = [k.name for k in registry.kinds() if k.is_stop]
            if name not in known:
                raise ValueError(
                    f"{name}: not a registered stop kind (registered: "
                    f"{', '.join(known) or 'none'}; see sim.facilities.register)"
                )
            schema: Any = registry.kind(name).schema_class()  # a stop kind has a pydantic model
            checked[name] = {}
            for node, entry in entries.items():
                if isinstance(entry, schema):
                    checked[name][node] = entry
                    continue
                try:
                    checked[name][node] = schema.model_validate(entry)
                except ValidationError as error:
                    first = error.errors()[0]
                    where = ".".join(str(part) for part in (name, node, *first["loc"]))
                    raise ValueError(f"{where}: {first['msg']}") from None
        return checked

    @property
    def first_year(self) -> int:
        """First simulated year."""
        return self.run.start_year or self.demand.base_year

    @property
    def last_year(self) -> int:
        """Last simulated year (inclusive)."""
        return self.run.end_year or self.target.year

    @property
    def warmup_days(self) -> float:
        """The warm-up the run simulates before 1 January of ``first_year`` (not counted).

        ``run.warmup_days``, but at least twice the longest yard dwell time of the scenario
        (capped at 365 days), so that yards have filled before statistics count; rounded up to
        whole days, so that simulation hour 0 is a midnight. The warm-up simulates the plan as
        it stands on 1 January ``first_year``: that year's demand (each month at its own
        seasonality) and the facilities in service on that day.
        """
        dwell_days = max(
            (yard.dwell_days for terminal in self.terminals.values() for yard in terminal.yards),
            default=0.0,
        )
        return float(math.ceil(max(self.run.warmup_days, min(2.0 * dwell_days, 365.0))))

    @property
    def simulated_years(self) -> tuple[int, ...]:
        """Calendar years the run counts (a partial ``run.horizon_days`` period included)."""
        if self.run.horizon_days is None:
            return tuple(range(self.first_year, self.last_year + 1))
        end = dt.date(self.first_year, 1, 1) + dt.timedelta(days=self.run.horizon_days)
        last = end.year if end > dt.date(end.year, 1, 1) else end.year - 1
        return tuple(range(self.first_year, last + 1))


def slug(text: str) -> str:
    """A file-name-safe version of a scenario name."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "scenario"
