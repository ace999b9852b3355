"""Compile a validated scenario into the sealed model the engine runs on (no SimPy here).

:func:`compile_scenario` turns a :class:`~sim.scenario.Scenario` and its network check into a
:class:`~sim.model.specs.CompiledModel` (plain frozen data, :mod:`sim.model.specs`): resources
with their commissioning hours, every stream's vessel classes and itineraries (the locks and
berth it meets, the sailing hours between them), and per-tonne route figures for tonne-km and
CO2. The engine then only looks up indices.

Itineraries: a ship of a stream that *unloads* sails its ship-side route from the origin to the
terminal, is handled, and sails back the same way empty; one that *loads* comes in along the
reverse of its outbound route and leaves laden. Through traffic sails from origin to destination
once. Locks on a route that the scenario does not model are passed in
``operations.unmodelled_lock_h`` hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal

import network
from network import Dataset, Leg, Route
from sim import facilities
from sim.model.calendar import Calendar
from sim.model.compile_landside import LandsideBuilder
from sim.model.compile_operations import (
    arrival_spec,
    compile_operations,
    criteria_spec,
    service_time_spec,
    target_spec,
)
from sim.model.landside import LandsideOption
from sim.model.specs import (
    BERTH,
    LOCK,
    REEFER_T_PER_PLUG,
    BerthGroupSpec,
    ChamberSpec,
    CompiledModel,
    FlowSpec,
    Itinerary,
    LockSpec,
    LowWaterSpec,
    ProcessSpec,
    StopSpec,
    TerminalSpec,
    VesselClass,
    YardSpec,
)
from sim.scenario.checks import scenario_warnings
from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.models import ALWAYS, Scenario, Stream, ThroughTraffic
from sim.scenario.routes import NetworkCheck, StreamRoute, check_network, vessel_specs

__all__ = ["compile_scenario"]

_SHIP_MODES = ("water", "sea")


def _hours(calendar: Calendar, when: object) -> float:
    """Hour a commissioning or decommissioning date takes effect (see ``in_service_h``)."""
    if when is None:
        return math.inf
    if when == ALWAYS:
        return -math.inf
    return calendar.in_service_h(when)  # type: ignore[arg-type]


def _fail(path: str, message: str, scenario: Scenario) -> ScenarioError:
    return ScenarioError(ScenarioIssue(scenario.name, None, path, message))


def _classes(scenario: Scenario, dataset: Dataset | None) -> dict[str, VesselClass]:
    specs = vessel_specs(scenario, dataset)
    overrides = {v.id: v for v in scenario.fleets.vessels}
    out: dict[str, VesselClass] = {}
    for vessel_id, spec in specs.items():
        extra = overrides.get(vessel_id)
        load_factor = extra.load_factor if extra else 0.85
        cv = extra.load_factor_cv if extra else 0.1
        dwt = spec.get("dwt_t")
        if dwt is None:
            continue
        out[vessel_id] = VesselClass(
            vessel_id,
            float(dwt),
            float(spec.get("length_m") or 60.0),
            float(spec.get("beam_m") or 10.0),
            float(spec.get("loaded_draught_m") or 2.5),
            float(spec.get("speed_kmh") or 10.0),
            float(load_factor),
            float(cv),
        )
    return out


def compile_scenario(
    scenario: Scenario, *, multiplier: float = 1.0, check: NetworkCheck | None = None
) -> CompiledModel:
    """Compile ``scenario`` (already validated) for the engine.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    multiplier : float
        Extra demand multiplier on top of ``demand.multiplier`` (capacity search).
    check : NetworkCheck, optional
        The scenario's network check (:func:`sim.scenario.routes.check_network` of this very
        scenario, or from ``load_checked``): its network data and routes are used instead of
        reading and routing them again.

    Raises
    ------
    ScenarioError
        The network check fails, or a ship can never fit any chamber of a lock on its route.
    """
    if check is None:
        check = check_network(scenario)
    if check.problems:
        raise ScenarioError(
            [
                ScenarioIssue(scenario.name, None, ".".join(map(str, loc)), message)
                for loc, message in check.problems
            ]
        )
    dataset = check.dataset
    calendar = _calendar(scenario)
    classes_by_id = _classes(scenario, dataset)
    class_ids = sorted(classes_by_id)
    locks, lock_index = _locks(scenario, calendar)
    stop_kinds, stops, stop_stations, node_stops = _stops(scenario, calendar, dataset, lock_index)
    terminals, groups, yards, terminal_index = _terminals(scenario, calendar, dataset)
    cargo_group, values = _commodities(dataset if dataset is not None else _bundled_or_none())
    landside = LandsideBuilder(scenario, dataset, calendar, terminal_index)
    yard_rates = {
        f"{terminal_id}/{yard.id}": landside.yard_rate(
            terminal_id, yard.id, yard.landside_rate_t_per_h
        )
        for terminal_id, terminal in scenario.terminals.items()
        for yard in terminal.yards
        if yard.landside_rate_t_per_h is not None
    }
    builder = _ItineraryBuilder(
        scenario, dataset, lock_index, classes_by_id, landside, yards, yard_rates, node_stops
    )
    itineraries: list[Itinerary] = []
    demand: list[Stream | ThroughTraffic] = [
        *scenario.demand.streams,
        *scenario.demand.through_traffic,
    ]
    flows = [
        _flow(flow, scenario, check, builder, itineraries, terminals, groups, cargo_group)
        for flow in demand
    ]
    rail_water = {
        f"{terminal_id}/{group.id}": group.rail_water
        for terminal_id, terminal in scenario.terminals.items()
        for group in terminal.berths
    }
    diversions = _diversions(
        scenario, check, builder, flows, itineraries, groups, terminals, terminal_index, cargo_group
    )
    return CompiledModel(
        calendar,
        tuple(classes_by_id[c] for c in class_ids),
        locks,
        terminals,
        groups,
        yards,
        tuple(flows),
        tuple(itineraries),
        values,
        multiplier * scenario.demand.multiplier,
        24.0 / scenario.operations.berth_working_h_per_day,
        compile_operations(scenario.operations, calendar),
        target_spec(scenario),
        criteria_spec(scenario),
        _not_yet_simulated(scenario, dataset),
        _low_water(scenario, calendar),
        frozenset(dataset.links.index[dataset.links["mode"] == "water"])
        if dataset is not None
        else frozenset(),
        tuple(landside.stages),
        tuple(landside.rail_links),
        frozenset(g for g, group in enumerate(groups) if rail_water.get(group.id, False)),
        diversions,
        multiplier,
        dict(zip(dataset.nodes["node_id"], dataset.nodes["name"], strict=True))
        if dataset is not None
        else {},
        processes=tuple(
            ProcessSpec(p.function, tuple(p.parameters.items())) for p in scenario.processes
        ),
        demand_multiplier=scenario.demand.multiplier,
        stop_kinds=stop_kinds,
        stops=stops,
        stop_stations=stop_stations,
    )


def _stops(
    scenario: Scenario, calendar: Calendar, dataset: Dataset | None, lock_index: dict[str, int]
) -> tuple[
    tuple[str, ...],
    tuple[tuple[StopSpec, ...], ...],
    tuple[str, ...],
    dict[str, tuple[int, int]],
]:
    """The stops of registered kinds the scenario declares (``facilities``), each kind by its
    descriptor's compiler: the kinds (after ``lock`` and ``berths``), their stops, their
    station classes, and node id -> (itinerary code, index) for the ship paths."""
    kinds = ["lock", "berths"]
    specs: list[tuple[StopSpec, ...]] = []
    stations: list[str] = []
    node_stops: dict[str, tuple[int, int]] = {}
    for kind in facilities.kinds(side="waterside"):
        entries = scenario.facilities.get(kind.name)
        if not kind.is_stop or not entries:
            continue
        compiled = kind.compile_stops(entries, calendar)
        if [spec.id for spec in compiled] != list(entries):
            raise ValueError(
                f"facility kind {kind.name!r}: its compiler must return one stop per entry, in "
                f"order, each with the entry's node as id (got {[s.id for s in compiled]})"
            )
        code = len(kinds)
        for i, node in enumerate(entries):
            where = f"facilities.{kind.name}.{node}"
            if dataset is not None and node not in dataset.nodes.index:
                raise _fail(where, f"no node {node!r} in the network data", scenario)
            if node in lock_index or node in node_stops:
                raise _fail(where, "another modelled facility stands at this node", scenario)
            node_stops[node] = (code, i)
        kinds.append(kind.name)
        specs.append(compiled)
        stations.append(kind.station or "sim.engine.stations.servers:ServerStop")
    return tuple(kinds), tuple(specs), tuple(stations), node_stops


def _calendar(scenario: Scenario) -> Calendar:
    """The run's calendar: the warm-up runs before 1 January of the first year, so that every
    counted year is whole."""
    run = scenario.run
    warmup_h = scenario.warmup_days * 24.0
    if run.horizon_days is not None:
        horizon_h = warmup_h + run.horizon_days * 24.0
    else:
        horizon_h = Calendar.build(scenario.first_year, 1.0, warmup_h).hour_of(
            dt.date(scenario.last_year + 1, 1, 1)
        )
    return Calendar.build(scenario.first_year, horizon_h, warmup_h)


def _locks(scenario: Scenario, calendar: Calendar) -> tuple[tuple[LockSpec, ...], dict[str, int]]:
    """The modelled locks with their chambers, and each lock's index by id."""
    locks = []
    for lock_id, lock in scenario.locks.items():
        chambers = tuple(
            ChamberSpec(
                c.id,
                c.length_m,
                c.width_m,
                c.length_m * c.width_m * lock.area_use_max,
                c.levelling_min / 60.0,
                _hours(calendar, c.commissioning),
                _hours(calendar, c.decommissioning),
            )
            for c in lock.chambers
        )
        locks.append(
            LockSpec(
                lock_id,
                chambers,
                lock.policy or scenario.operations.lock_policy,
                lock.fill_max_wait_h,
                lock.vessel_move_min / 60.0,
                lock.fill_min_share,
            )
        )
    return tuple(locks), {lock_id: i for i, lock_id in enumerate(scenario.locks)}


def _terminals(
    scenario: Scenario, calendar: Calendar, dataset: Dataset | None
) -> tuple[
    tuple[TerminalSpec, ...], tuple[BerthGroupSpec, ...], tuple[YardSpec, ...], dict[str, int]
]:
    """The terminals with their berth groups and yards (numbered across terminals), and each
    terminal's index by id."""
    groups: list[BerthGroupSpec] = []
    yards: list[YardSpec] = []
    terminals: list[TerminalSpec] = []
    terminal_index: dict[str, int] = {}
    port_areas = (
        {}
        if dataset is None
        else dict(zip(dataset.nodes["node_id"], dataset.nodes["port_area"], strict=True))
    )
    for t_index, (terminal_id, terminal) in enumerate(scenario.terminals.items()):
        terminal_index[terminal_id] = t_index
        group_indices = []
        for group in terminal.berths:
            group_indices.append(len(groups))
            groups.append(
                BerthGroupSpec(
                    f"{terminal_id}/{group.id}",
                    t_index,
                    group.count,
                    group.max_vessel_dwt_t,
                    frozenset(group.commodities),
                    group.cranes_per_berth * group.crane_rate_t_per_h,
                    group.berthing_h,
                    service_time_spec(group.service_h) if group.service_h is not None else None,
                    _hours(calendar, group.commissioning),
                    _hours(calendar, group.decommissioning),
                )
            )
        yard_indices: dict[str, int] = {}
        for yard in terminal.yards:
            yard_indices.setdefault(yard.cargo_group, len(yards))
            capacity = yard.capacity_t
            if yard.cargo_group == "reefer":
                capacity = min(capacity, yard.reefer_plugs * REEFER_T_PER_PLUG)
            yards.append(
                YardSpec(
                    f"{terminal_id}/{yard.id}",
                    t_index,
                    yard.cargo_group,
                    capacity,
                    yard.dwell_days * 24.0,
                    _hours(calendar, yard.commissioning),
                    yard.capacity_t,
                    yard.reefer_plugs,
                )
            )
        area = terminal.port_area or port_areas.get(terminal_id) or terminal_id
        terminals.append(TerminalSpec(terminal_id, str(area), tuple(group_indices), yard_indices))
    return tuple(terminals), tuple(groups), tuple(yards), terminal_index


def _low_water(scenario: Scenario, calendar: Calendar) -> tuple[LowWaterSpec, ...]:
    return tuple(
        LowWaterSpec(
            calendar.hour_of(p.start),
            calendar.hour_of(p.end),
            p.max_draught_m,
            frozenset(p.links) if p.links else None,
        )
        for p in scenario.operations.low_water
    )


def _commodities(reference: Dataset | None) -> tuple[dict[str, str], dict[str, float]]:
    """Cargo group and value (CNY per t) of each commodity of the network data."""
    if reference is None:
        return {}, {}
    commodities = reference.commodities
    cargo_group = dict(zip(commodities["commodity_id"], commodities["cargo_group"], strict=True))
    values = {
        str(k): float(v)
        for k, v in zip(commodities["commodity_id"], commodities["value_cny_per_t"], strict=True)
    }
    return cargo_group, values


def _flow(
    flow: Stream | ThroughTraffic,
    scenario: Scenario,
    check: NetworkCheck,
    builder: _ItineraryBuilder,
    itineraries: list[Itinerary],
    terminals: Sequence[TerminalSpec],
    groups: Sequence[BerthGroupSpec],
    cargo_group: dict[str, str],
) -> FlowSpec:
    """A demand stream or through flow with its vessel mix; its itineraries (one per vessel
    class and, for one-way calls, per empty or backhaul leg) are appended to
    ``itineraries``."""
    terminal_index = {t.id: i for i, t in enumerate(terminals)}
    class_index = {c: i for i, c in enumerate(builder.class_ids)}
    mix = list(flow.vessel_mix.items())
    total = sum(weight for _, weight in mix)
    indices, shares, routes = [], [], []
    for vessel_id, weight in mix:
        if vessel_id not in builder.classes:
            raise _fail(
                f"fleets.vessels.{vessel_id}",
                "needs dwt_t (no network data gives it)",
                scenario,
            )
        vessel = builder.classes[vessel_id]
        variants: list[tuple[float, Itinerary]] = []
        if isinstance(flow, Stream):
            route = next(
                (r for r in check.routes.get(flow.id, []) if r.vessel_class_id == vessel_id),
                None,
            )
            # calls that sail their empty leg, and calls that carry a backhaul on it
            sailed = scenario.demand.empty_return(flow)
            one_way = route is not None and route.handling in ("unload", "load")
            for empty_leg, part in ((True, sailed if one_way else 1.0), (False, 1 - sailed)):
                if part > 0 and (empty_leg or one_way):
                    itinerary = builder.stream(
                        flow,
                        vessel,
                        route,
                        terminal_index[flow.terminal],
                        groups,
                        terminals,
                        cargo_group,
                        empty_leg=empty_leg,
                    )
                    variants.append((part, itinerary))
        else:
            through = next(
                r for r in check.through_routes[flow.id] if r.vessel_class_id == vessel_id
            )
            variants.append((1.0, builder.through(flow, vessel, through)))
        for part, itinerary in variants:
            indices.append(class_index[vessel_id])
            shares.append(weight / total * part)
            routes.append(len(itineraries))
            itineraries.append(itinerary)
    season = flow.seasonality
    profiles = scenario.demand.seasonality_profiles
    factors = (profiles[season] if isinstance(season, str) else season) or (1.0,) * 12
    mean = sum(factors) / 12.0
    is_stream = isinstance(flow, Stream)
    handling = itineraries[routes[0]].handling
    return FlowSpec(
        flow.id,
        "stream" if is_stream else "through",
        flow.commodity if isinstance(flow, Stream) else "",
        terminal_index[flow.terminal] if isinstance(flow, Stream) else -1,
        flow.annual_t,
        flow.vessels_per_day,
        flow.from_year or scenario.demand.base_year,
        flow.growth_per_year,
        tuple(f / mean for f in factors),
        arrival_spec(flow.arrivals),
        tuple(indices),
        tuple(shares),
        tuple(routes),
        2 if handling == "transship" else (1 if is_stream else 0),
    )


def _diversions(
    scenario: Scenario,
    check: NetworkCheck,
    builder: _ItineraryBuilder,
    flows: list[FlowSpec],
    itineraries: list[Itinerary],
    groups: Sequence[BerthGroupSpec],
    terminals: Sequence[TerminalSpec],
    terminal_index: dict[str, int],
    cargo_group: dict[str, str],
) -> dict[int, tuple[int, ...]]:
    """Itineraries a ship may switch to when its terminal is congested (``diversion``).

    For every stream calling at a terminal with alternatives, the same stream and vessel class
    is routed to each alternative terminal; alternatives a ship cannot reach or whose berths
    do not take it are left out. The new itineraries are appended to ``itineraries``.
    """
    diversion = scenario.operations.diversion
    out: dict[int, tuple[int, ...]] = {}
    if not diversion.enabled or not diversion.alternatives:
        return out
    streams = {s.id: s for s in scenario.demand.streams}
    for flow in flows:
        stream = streams.get(flow.id)
        if stream is None or stream.terminal not in diversion.alternatives:
            continue
        for class_number, itinerary in zip(flow.classes, flow.itineraries, strict=True):
            vessel_id = builder.class_ids[class_number]
            vessel = builder.classes[vessel_id]
            choices = []
            for alternative in diversion.alternatives[stream.terminal]:
                moved = stream.model_copy(update={"terminal": alternative})
                try:
                    route = (
                        check.route_stream(moved, vessel_id) if check.graph is not None else None
                    )
                    new = builder.stream(
                        moved,
                        vessel,
                        route,
                        terminal_index[alternative],
                        groups,
                        terminals,
                        cargo_group,
                    )
                except (ValueError, ScenarioError):
                    continue
                choices.append(len(itineraries))
                itineraries.append(new)
            if choices:
                out[itinerary] = tuple(choices)
    return out


def _not_yet_simulated(scenario: Scenario, dataset: Dataset | None) -> tuple[str, ...]:
    """Parts of the scenario the engine does not simulate, said out loud in every result."""
    operations = scenario.operations
    simulated = set(scenario.locks) | set(scenario.terminals) | set(scenario.airports)
    simulated |= {f"{k}/{c.id}" for k, lock in scenario.locks.items() for c in lock.chambers}
    if dataset is not None:
        simulated |= set(dataset.links.index[dataset.links["mode"] == "rail"])
    notes = []
    skipped = sorted(c.resource for c in operations.closures if c.resource not in simulated)
    if skipped:
        notes.append(
            "operations.closures of "
            + ", ".join(skipped)
            + ": only locks, terminals (berths, gate and sidings), airports and rail links "
            "are closed by the engine; results do not reflect these closures"
        )
    notes.extend(scenario_warnings(scenario))
    return tuple(notes)


def _bundled_or_none() -> Dataset | None:
    try:
        return network.read_dataset()
    except network.DataError:
        return None


class _ItineraryBuilder:
    """Turns routes into resource sequences with sailing hours between them."""

    def __init__(
        self,
        scenario: Scenario,
        dataset: Dataset | None,
        lock_index: dict[str, int],
        classes: dict[str, VesselClass],
        landside: LandsideBuilder,
        yards: Sequence[YardSpec],
        yard_rates: dict[str, int],
        node_stops: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.landside = landside
        self.node_stops = node_stops or {}
        self.yards = yards
        self.yard_rates = yard_rates
        self.scenario = scenario
        self.lock_index = lock_index
        self.classes = classes
        self.class_ids = sorted(classes)  # index -> id, as compile_scenario numbers them
        self.unmodelled_lock_h = scenario.operations.unmodelled_lock_h
        self.lock_nodes: set[str] = set()
        self.links: dict[str, tuple[float, float]] = {}
        self.handling_cost: dict[str, float] = {}
        if dataset is not None:
            self.handling_cost = {
                str(k): float(v)
                for k, v in zip(
                    dataset.nodes["node_id"], dataset.nodes["transfer_cost_cny_per_t"], strict=True
                )
            }
            self.lock_nodes = set(dataset.nodes.index[dataset.nodes["kind"] == "lock"])
            for row in dataset.links.itertuples(index=False):
                upgrade = scenario.links.get(row.link_id)
                speed = upgrade.speed_kmh if upgrade and upgrade.speed_kmh else row.speed_kmh
                self.links[row.link_id] = (float(row.length_km), float(speed))

    def _path(
        self,
        places: Sequence[str],
        links: Sequence[str],
        vessel: VesselClass,
    ) -> tuple[list[tuple[int, int, int, float]], float]:
        """Locks and other stops met along a ship path: [(kind code, index, direction, sail
        hours before)], and the hours from the last one to the end of the path."""
        steps: list[tuple[int, int, int, float]] = []
        sail = 0.0
        node_stops = self.node_stops
        for position, place in enumerate(places):
            if position > 0:
                length, speed = self.links[links[position - 1]]
                sail += length / min(speed, vessel.speed_kmh)
            if not 0 < position < len(places) - 1:
                continue
            before, after = places[position - 1], places[position + 1]
            if place in node_stops:
                code, index = node_stops[place]
                steps.append((code, index, 0 if before < after else 1, sail))
                sail = 0.0
            elif place in self.lock_nodes:
                if place in self.lock_index:
                    steps.append((LOCK, self.lock_index[place], 0 if before < after else 1, sail))
                    sail = 0.0
                else:
                    sail += self.unmodelled_lock_h
        return steps, sail

    def _ship_path(
        self,
        route: Route,
        side: Literal["last", "first"],
    ) -> tuple[list[str], list[str]]:
        legs = list(route.legs)
        ship: list[Leg] = []
        if side == "last":
            for leg in reversed(legs):
                if leg.mode not in _SHIP_MODES:
                    break
                ship.insert(0, leg)
        else:
            for leg in legs:
                if leg.mode not in _SHIP_MODES:
                    break
                ship.append(leg)
        places: list[str] = []
        links: list[str] = []
        for leg in ship:
            places.extend(leg.places if not places else leg.places[1:])
            links.extend(leg.link_ids)
        return places, links

    def stream(
        self,
        stream: Stream,
        vessel: VesselClass,
        route: StreamRoute | None,
        terminal: int,
        groups: Sequence[BerthGroupSpec],
        terminals: Sequence[TerminalSpec],
        cargo_group: dict[str, str],
        *,
        empty_leg: bool = True,
    ) -> Itinerary:
        """Where a ship of ``stream`` goes: in, the berth, out.

        ``empty_leg=False`` leaves out the leg the ship sails empty (an unloading ship's return,
        a loading ship's approach): it carries a backhaul there, outside the port's streams
        (``empty_return_share``).
        """
        eligible = self._eligible(stream, vessel, terminal, groups, terminals)
        yard = terminals[terminal].yards.get(cargo_group.get(stream.commodity, ""), -1)
        dwell_h = self.yards[yard].dwell_h if yard >= 0 else 0.0
        rate_stage = self.yard_rates.get(self.yards[yard].id) if yard >= 0 else None
        if route is None:  # no network: the ship arrives at the berth and leaves
            handling = stream.handling or "unload"
            stages: tuple[int, ...] = ()
            if rate_stage is not None:
                stages = (rate_stage,)
            elif (gate := self.landside.gate(stream.terminal)) is not None:
                stages = (gate,)
            option = LandsideOption("road", 1.0, stages, tuple(() for _ in stages), (), "")
            return Itinerary(
                (BERTH,),
                (terminal,),
                (0,),
                (0.0,),
                0.0,
                eligible,
                yard if handling == "unload" else -1,
                handling,
                terminal=terminal,
                landside=(option,),
                dwell_h=dwell_h,
            )
        if route.handling in ("unload", "transship"):
            assert route.inbound is not None
            places, links = self._ship_path(route.inbound, "last")
            ship_routes = [route.inbound]
        else:
            assert route.outbound is not None
            out_places, out_links = self._ship_path(route.outbound, "first")
            places, links = out_places[::-1], out_links[::-1]
            ship_routes = [route.outbound]
        if route.handling == "transship":
            assert route.outbound is not None
            ship_routes.append(route.outbound)
        steps_in, sail_in = self._path(places, links, vessel)
        steps_out, sail_out = self._path(places[::-1], links[::-1], vessel)
        if not empty_leg and route.handling == "unload":
            steps_out, sail_out = [], 0.0  # leaves with a backhaul from the berth
        elif not empty_leg and route.handling == "load":
            steps_in, sail_in = [], 0.0  # arrives from a backhaul delivered nearby
        kinds = [s[0] for s in steps_in] + [BERTH] + [s[0] for s in steps_out]
        index = [s[1] for s in steps_in] + [terminal] + [s[1] for s in steps_out]
        direction = [s[2] for s in steps_in] + [0] + [s[2] for s in steps_out]
        sail = [s[3] for s in steps_in] + [sail_in] + [s[3] for s in steps_out]
        legs = [leg for r in ship_routes for leg in _leg_rows(r)]
        legs.append(("port handling", 0.0, 0.0, self.handling_cost.get(stream.terminal, 0.0)))
        options = tuple(
            self.landside.option(
                stream.terminal,
                mode,
                share,
                landside_route,
                "load" if route.handling == "load" else "unload",
                rate_stage,
                cargo_group.get(stream.commodity) in ("container", "reefer"),
            )
            for mode, share, landside_route in route.landside
        )
        if not options and route.handling != "load":  # the cargo stays on the water
            options = (LandsideOption("water", 1.0, (), (), (), ""),)
        return Itinerary(
            tuple(kinds),
            tuple(index),
            tuple(direction),
            tuple(sail),
            sail_out,
            eligible,
            yard if route.handling != "load" else -1,
            route.handling,
            tuple(links),
            tuple(legs),
            terminal,
            options,
            dwell_h,
            sum(sail[: len(steps_in) + 1]),
            empty_leg or route.handling == "transship",
        )

    def through(self, flow: ThroughTraffic, vessel: VesselClass, route: Route) -> Itinerary:
        places, links = list(route.places), list(route.link_ids)
        steps, sail_after = self._path(places, links, vessel)
        return Itinerary(
            tuple(s[0] for s in steps),
            tuple(s[1] for s in steps),
            tuple(s[2] for s in steps),
            tuple(s[3] for s in steps),
            sail_after,
            (),
            -1,
            "through",
            tuple(links),
            tuple(_leg_rows(route)),
        )

    def _eligible(
        self,
        stream: Stream,
        vessel: VesselClass,
        terminal: int,
        groups: Sequence[BerthGroupSpec],
        terminals: Sequence[TerminalSpec],
    ) -> tuple[int, ...]:
        candidates = [
            g
            for g in terminals[terminal].groups
            if stream.commodity in groups[g].commodities
            and groups[g].max_vessel_dwt_t >= vessel.dwt_t
        ]
        if self.scenario.operations.berth_policy == "dedicated":
            terminal_id = terminals[terminal].id
            plan = {f"{terminal_id}/{g.id}": g for g in self.scenario.terminals[terminal_id].berths}
            dedicated = [g for g in candidates if vessel.id in plan[groups[g].id].vessel_classes]
            candidates = dedicated or candidates[:1]
        if not candidates:
            raise ScenarioError(
                ScenarioIssue(
                    self.scenario.name,
                    None,
                    f"demand.streams.{stream.id}.vessel_mix.{vessel.id}",
                    f"no berth group of {terminals[terminal].id} handling {stream.commodity} takes "
                    f"{vessel.id} ({vessel.dwt_t:g} t)",
                )
            )
        return tuple(candidates)


def _leg_rows(route: Route) -> list[tuple[str, float, float, float]]:
    rows = [(leg.mode, leg.length_km, leg.co2_kg_per_t, leg.cost_cny_per_t) for leg in route.legs]
    rows += [("transfer", 0.0, 0.0, t.cost_cny_per_t) for t in route.transfers]
    return rows
