"""Check a scenario against its network data and route every demand stream.

For each stream and each vessel class of its mix, the route runs from the origin to the
terminal (inbound) and from the terminal to the destination (outbound). Ships cross the quay at
the terminal: they unload when the inbound route arrives by water, load when the outbound route
leaves by water, and both for a water-to-water transshipment. Link upgrades of the plan and the
commodities its terminals handle are applied before routing (the plan's end state).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import network
from network import DataError, Dataset, NoRouteError, Route, VesselLimits
from sim.scenario.errors import ScenarioError
from sim.scenario.load import load_scenario, locate_issue
from sim.scenario.merge import resolve_extends
from sim.scenario.models import Scenario, Stream, ThroughTraffic

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NetworkCheck", "StreamRoute", "check_network", "load_checked", "vessel_specs"]

Loc = tuple[str | int, ...]
_REQUIRED_VESSEL_FIELDS = ("dwt_t", "length_m", "beam_m", "loaded_draught_m", "speed_kmh")
#: A pseudo-commodity no terminal handles: through traffic never transfers.
THROUGH = "__THROUGH__"


@dataclass(frozen=True)
class StreamRoute:
    """How one vessel class of one stream travels.

    Attributes
    ----------
    stream_id, vessel_class_id : str
    handling : {"unload", "load", "transship"}
        What the ship does at the terminal.
    inbound, outbound : Route or None
        Origin -> terminal and terminal -> destination (None where they coincide).
    locks : tuple of str
        Locks the ship passes on its water legs, in order.
    landside : tuple of (mode, share, Route)
        The ways the cargo leaves (unload) or reaches (load) the quay on land: the mode of the
        first landside leg at the terminal, the share of the cargo taking it, and its route
        (the landside side of ``inbound``/``outbound``). Empty when nothing crosses on land.
    """

    stream_id: str
    vessel_class_id: str
    handling: Literal["unload", "load", "transship"]
    inbound: Route | None
    outbound: Route | None
    locks: tuple[str, ...]
    landside: tuple[tuple[str, float, Route], ...] = ()


@dataclass
class NetworkCheck:
    """Result of :func:`check_network`: problems found and the routes of every stream."""

    problems: list[tuple[Loc, str]] = field(default_factory=list)
    routes: dict[str, list[StreamRoute]] = field(default_factory=dict)
    through_routes: dict[str, list[Route]] = field(default_factory=dict)
    dataset: Dataset | None = None
    graph: nx.MultiDiGraph | None = None
    specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)
    lock_places: set[str] = field(default_factory=set)

    def route_stream(self, stream: Stream, vessel_id: str) -> StreamRoute:
        """Route one vessel class of ``stream`` (e.g. the stream sent to another terminal).

        Raises
        ------
        ValueError
            There is no such route.
        """
        assert self.graph is not None
        try:
            return _route_stream(
                self.graph,
                stream,
                vessel_id,
                self.specs[vessel_id],
                float(self.values[stream.commodity]),
                self.lock_places,
            )
        except NoRouteError as error:
            raise ValueError(str(error)) from None


def _did_you_mean(name: str, known: Iterable[Any]) -> str:
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    return f"; did you mean {close[0]}?" if close else ""


def vessel_specs(scenario: Scenario, dataset: Dataset | None) -> dict[str, dict[str, Any]]:
    """Vessel classes of the network data with the scenario's fleets overrides applied."""
    specs: dict[str, dict[str, Any]] = {}
    if dataset is not None:
        for row in dataset.vessel_classes.to_dict("records"):
            specs[str(row["vessel_class_id"])] = {
                k: row[k]
                for k in (*_REQUIRED_VESSEL_FIELDS, "teu_capacity", "sea_going", "description")
            }
    for spec in scenario.fleets.vessels:
        merged = specs.setdefault(spec.id, {})
        for key, value in spec.model_dump(exclude={"id"}).items():
            if value is not None or key not in merged:
                merged[key] = value
    return specs


def _limits(vessel_id: str, spec: dict[str, Any]) -> VesselLimits:
    return VesselLimits(
        vessel_id,
        float(spec["dwt_t"]),
        float(spec["loaded_draught_m"]),
        bool(spec.get("sea_going") or False),
    )


def _locks_on(route: Route | None, locks: set[str], *, water_end: str) -> tuple[str, ...]:
    """Locks on the water leg that touches the terminal (first or last leg)."""
    if route is None or not route.legs:
        return ()
    leg = route.legs[-1] if water_end == "last" else route.legs[0]
    if leg.mode != "water":
        return ()
    return tuple(place for place in leg.places if place in locks)


def check_network(scenario: Scenario) -> NetworkCheck:
    """Check every reference of ``scenario`` into its network data and route its streams.

    Returns a :class:`NetworkCheck` whose ``problems`` are ``(field path, message)`` pairs;
    empty problems mean every stream has a route and a terminal that handles its commodity.
    A scenario without network has nothing to check.
    """
    result = NetworkCheck()
    if scenario.network is None:
        return result
    try:
        dataset = network.read_dataset(scenario.network.data)
    except DataError as error:
        where = scenario.network.data or str(network.bundled_data_dir())
        result.problems.append(
            (("network", "data"), f"network data in {where} is invalid:\n{error}")
        )
        return result
    result.dataset = dataset
    result.problems.extend(_references(scenario, dataset))
    if result.problems:
        return result

    changes = {
        link_id: {
            k: v
            for k, v in upgrade.model_dump(
                include={
                    "waterway_class",
                    "max_vessel_dwt_t",
                    "max_draught_m",
                    "speed_kmh",
                    "capacity_movements_per_day",
                }
            ).items()
            if v is not None
        }
        for link_id, upgrade in scenario.links.items()
    }
    final = dataset.with_link_changes(changes)
    graph = network.build_graph(
        final,
        terminal_commodities={
            terminal_id: terminal.commodities()
            for terminal_id, terminal in scenario.terminals.items()
        },
    )
    specs = vessel_specs(scenario, dataset)
    result.problems.extend(draught_problems(scenario, specs))
    if result.problems:
        return result
    values = dict(
        zip(
            dataset.commodities["commodity_id"], dataset.commodities["value_cny_per_t"], strict=True
        )
    )
    locks = set(dataset.nodes.index[dataset.nodes["kind"] == "lock"])
    result.graph, result.specs, result.lock_places = graph, specs, locks
    result.values = {str(k): float(v) for k, v in values.items()}
    for index, stream in enumerate(scenario.demand.streams):
        at: Loc = ("demand", "streams", index)
        routes = result.routes.setdefault(stream.id, [])
        for vessel_id in stream.vessel_mix:
            try:
                routes.append(
                    _route_stream(
                        graph,
                        stream,
                        vessel_id,
                        specs[vessel_id],
                        float(values[stream.commodity]),
                        locks,
                    )
                )
            except (NoRouteError, ValueError) as error:
                result.problems.append(((*at, "vessel_mix", vessel_id), str(error)))
    for index, flow in enumerate(scenario.demand.through_traffic):
        at = ("demand", "through_traffic", index)
        paths = result.through_routes.setdefault(flow.id, [])
        for vessel_id in flow.vessel_mix:
            try:
                paths.append(_route_through(graph, flow, vessel_id, specs[vessel_id]))
            except (NoRouteError, ValueError) as error:
                result.problems.append(((*at, "vessel_mix", vessel_id), str(error)))
    return result


_SHIP_MODES = ("water", "sea")


def _route_stream(
    graph: nx.MultiDiGraph,
    stream: Stream,
    vessel_id: str,
    spec: dict[str, Any],
    value: float,
    locks: set[str],
) -> StreamRoute:
    """Cheapest way for one vessel class of a stream to cross the quay once.

    Either the ship arrives and unloads (inbound ends on the water, outbound stays on land) or
    loads and leaves (the reverse); the cheaper of the two in generalised cost is taken unless
    ``handling`` fixes it. Landside legs keep to ``landside_modes`` when given; water on the
    landside is a water-to-water transshipment.
    """
    limits = _limits(vessel_id, spec)
    assert stream.origin is not None and stream.destination is not None
    landside = set(stream.landside_modes) or {"road", "rail", "air"}

    def route(a: str, b: str, **limits_by_mode: Any) -> Route | None:
        try:
            return network.shortest_routes(
                graph,
                a,
                b,
                commodity=stream.commodity,
                vessel=limits,
                value_cny_per_t=value,
                **limits_by_mode,
            )[0]
        except NoRouteError:
            return None

    def cost(route: Route | None) -> float:
        return route.generalised_cost_cny_per_t if route is not None else 0.0

    has_inbound = stream.origin != stream.terminal
    has_outbound = stream.terminal != stream.destination
    candidates: list[tuple[float, Literal["unload", "load"], Route | None, Route | None]] = []
    if stream.handling in (None, "unload") and has_inbound:
        inbound = route(stream.origin, stream.terminal, end_modes=_SHIP_MODES)
        outbound = (
            route(stream.terminal, stream.destination, modes=landside) if (has_outbound) else None
        )
        if inbound is not None and (outbound is not None or not has_outbound):
            candidates.append((cost(inbound) + cost(outbound), "unload", inbound, outbound))
    if stream.handling in (None, "load") and has_outbound:
        outbound = route(stream.terminal, stream.destination, start_modes=_SHIP_MODES)
        inbound = route(stream.origin, stream.terminal, modes=landside) if has_inbound else None
        if outbound is not None and (inbound is not None or not has_inbound):
            candidates.append((cost(inbound) + cost(outbound), "load", inbound, outbound))
    if not candidates:
        raise ValueError(
            f"stream {stream.id}: {vessel_id} cannot cross the quay of {stream.terminal}: no "
            f"route from {stream.origin} brings it by ship with a landside leg to "
            f"{stream.destination} by {'/'.join(sorted(landside))}, nor the reverse"
        )
    _, handling, inbound, outbound = min(candidates, key=lambda c: c[0])
    ship_side = inbound if handling == "unload" else outbound
    both_ways: Literal["unload", "load", "transship"] = handling
    other = outbound if handling == "unload" else inbound
    if other is not None and set(other.modes) & set(_SHIP_MODES):
        both_ways = "transship"
    passed = _locks_on(ship_side, locks, water_end="last" if handling == "unload" else "first")
    options: list[tuple[str, float, Route]] = []
    if other is not None and both_ways != "transship":
        if stream.landside_split:
            total = sum(stream.landside_split.values())
            for mode, weight in stream.landside_split.items():
                modes = landside | {mode}
                a, b = (
                    (stream.terminal, stream.destination)
                    if handling == "unload"
                    else (stream.origin, stream.terminal)
                )
                if mode == "air":  # the cheapest route with a flight on it
                    by_mode = _with_mode(graph, stream, a, b, limits, value, {"road", "air"})
                elif handling == "unload":
                    by_mode = route(a, b, modes=modes, start_modes=(mode,))
                else:
                    by_mode = route(a, b, modes=modes, end_modes=(mode,))
                if by_mode is None:
                    raise ValueError(
                        f"stream {stream.id}: landside_split.{mode}: no route "
                        + (
                            f"from {stream.terminal} to {stream.destination}"
                            if handling == "unload"
                            else f"from {stream.origin} to {stream.terminal}"
                        )
                        + (
                            " with a flight"
                            if mode == "air"
                            else f" starting by {mode} at the terminal"
                        )
                    )
                options.append((mode, weight / total, by_mode))
        else:
            first = other.legs[0].mode if handling == "unload" else other.legs[-1].mode
            options.append((first, 1.0, other))
    return StreamRoute(stream.id, vessel_id, both_ways, inbound, outbound, passed, tuple(options))


def _with_mode(
    graph: nx.MultiDiGraph,
    stream: Stream,
    a: str,
    b: str,
    limits: VesselLimits,
    value: float,
    modes: set[str],
    mode: str = "air",
) -> Route | None:
    """The cheapest of the first few routes from ``a`` to ``b`` that uses ``mode``."""
    try:
        candidates = network.shortest_routes(
            graph,
            a,
            b,
            commodity=stream.commodity,
            vessel=limits,
            value_cny_per_t=value,
            k=5,
            distinct="modes",
            modes=modes,
        )
    except NoRouteError:
        return None
    return next((r for r in candidates if mode in r.modes), None)


def _route_through(
    graph: nx.MultiDiGraph, flow: ThroughTraffic, vessel_id: str, spec: dict[str, Any]
) -> Route:
    limits = _limits(vessel_id, spec)
    route = network.shortest_routes(
        graph, flow.origin, flow.destination, commodity=THROUGH, vessel=limits
    )[0]
    if route.transfers or any(mode != "water" for mode in route.modes):
        raise ValueError(
            f"through traffic {flow.id} must stay on inland water from "
            f"{flow.origin} to {flow.destination} (its route: "
            f"{' + '.join(route.modes)})"
        )
    return route


def _references(scenario: Scenario, dataset: Dataset) -> Iterator[tuple[Loc, str]]:
    nodes = dataset.nodes
    kind = dict(zip(nodes["node_id"], nodes["kind"], strict=True))
    modes = dict(zip(nodes["node_id"], nodes["modes"], strict=True))
    terminals = {n for n, k in kind.items() if k == "terminal"}
    commodities = set(dataset.commodities["commodity_id"])
    for terminal_id, terminal in scenario.terminals.items():
        if terminal_id not in terminals:
            yield (
                ("terminals", terminal_id),
                (
                    f"{terminal_id!r} is not a terminal of the network data"
                    f"{_did_you_mean(terminal_id, terminals)}"
                ),
            )
        for index, berth_group in enumerate(terminal.berths):
            for commodity in berth_group.commodities:
                if commodity not in commodities:
                    yield (
                        ("terminals", terminal_id, "berths", index, "commodities"),
                        (f"unknown commodity {commodity!r}{_did_you_mean(commodity, commodities)}"),
                    )
    for lock_id in scenario.locks:
        if kind.get(lock_id) != "lock":
            locks = [n for n, k in kind.items() if k == "lock"]
            yield (
                ("locks", lock_id),
                (f"{lock_id!r} is not a lock of the network data{_did_you_mean(lock_id, locks)}"),
            )
    for link_id in scenario.links:
        if link_id not in dataset.links.index:
            yield (
                ("links", link_id),
                (
                    f"{link_id!r} is not a link of the network data"
                    f"{_did_you_mean(link_id, dataset.links.index)}"
                ),
            )
    for airport_id in scenario.airports:
        if kind.get(airport_id) != "airport":
            airports = [n for n, k in kind.items() if k == "airport"]
            yield (
                ("airports", airport_id),
                (
                    f"{airport_id!r} is not an airport of the network "
                    f"data{_did_you_mean(airport_id, airports)}"
                ),
            )
    specs = vessel_specs(scenario, dataset)
    for index, spec in enumerate(scenario.fleets.vessels):
        for name in _REQUIRED_VESSEL_FIELDS:
            if specs[spec.id].get(name) is None:
                yield (
                    ("fleets", "vessels", index, name),
                    (f"is required: {spec.id} is not a vessel class of the network data"),
                )
    flows: list[tuple[str, int, Stream | ThroughTraffic]] = [
        ("streams", i, s) for i, s in enumerate(scenario.demand.streams)
    ]
    flows += [("through_traffic", i, t) for i, t in enumerate(scenario.demand.through_traffic)]
    for group, index, flow in flows:
        at: Loc = ("demand", group, index)
        for name in ("origin", "destination"):
            place = getattr(flow, name)
            if place is not None and place not in kind:
                yield (*at, name), (f"unknown place {place!r}{_did_you_mean(place, kind)}")
            elif group == "through_traffic" and place is not None and ("water" not in modes[place]):
                yield (*at, name), f"{place} is not on the water (modes: {';'.join(modes[place])})"
        for vessel_id in flow.vessel_mix:
            if vessel_id not in specs:
                yield (
                    (*at, "vessel_mix", vessel_id),
                    (f"unknown vessel class {vessel_id!r}{_did_you_mean(vessel_id, specs)}"),
                )
        if isinstance(flow, Stream):
            if flow.commodity not in commodities:
                yield (
                    (*at, "commodity"),
                    (
                        f"unknown commodity {flow.commodity!r}"
                        f"{_did_you_mean(flow.commodity, commodities)}"
                    ),
                )
            called = scenario.terminals.get(flow.terminal)
            if called is None:
                continue
            for vessel_id in flow.vessel_mix:
                dwt = specs.get(vessel_id, {}).get("dwt_t")
                if dwt is None:
                    continue
                fits = [
                    g
                    for g in called.berths
                    if flow.commodity in g.commodities and g.max_vessel_dwt_t >= dwt
                ]
                if not fits:
                    yield (
                        (*at, "vessel_mix", vessel_id),
                        (
                            f"no berth group of {flow.terminal} handling {flow.commodity} takes "
                            f"{vessel_id} ({dwt:g} t)"
                        ),
                    )
    known_resources = (
        set(kind)
        | set(dataset.links.index)
        | {f"{lock_id}/{c.id}" for lock_id, lock in scenario.locks.items() for c in lock.chambers}
    )
    for index, closure in enumerate(scenario.operations.closures):
        if closure.resource not in known_resources:
            yield (
                ("operations", "closures", index, "resource"),
                (
                    f"unknown resource {closure.resource!r} (a place or link id, or LOCK/CHAMBER "
                    "of a modelled lock)"
                    f"{_did_you_mean(closure.resource, known_resources)}"
                ),
            )
    for index, period in enumerate(scenario.operations.low_water):
        for link_id in period.links:
            if link_id not in dataset.links.index:
                yield (
                    ("operations", "low_water", index, "links"),
                    (f"unknown link {link_id!r}{_did_you_mean(link_id, dataset.links.index)}"),
                )


#: A ship's light draught as a share of its loaded draught (the assumption of
#: ``CompiledModel.payload_factor``).
LIGHT_DRAUGHT_SHARE = 0.3


def draught_problems(
    scenario: Scenario, specs: dict[str, dict[str, Any]]
) -> Iterator[tuple[Loc, str]]:
    """A low-water depth below the light draught of a ship that sails in it: such a ship
    floats empty deeper than the water allows, and could carry nothing at all."""
    used = {v for flow in scenario.demand.streams for v in flow.vessel_mix}
    used |= {v for flow in scenario.demand.through_traffic for v in flow.vessel_mix}
    for index, period in enumerate(scenario.operations.low_water):
        too_deep = []
        for vessel_id in sorted(used):
            loaded = specs.get(vessel_id, {}).get("loaded_draught_m")
            if loaded is None:
                continue
            light = LIGHT_DRAUGHT_SHARE * float(loaded)
            if period.max_draught_m <= light:
                too_deep.append((light, vessel_id, float(loaded)))
        if too_deep:
            light, vessel_id, loaded = max(too_deep)
            others = (
                f" and {len(too_deep) - 1} other class(es) sailing" if len(too_deep) > 1 else ""
            )
            yield (
                ("operations", "low_water", index, "max_draught_m"),
                f"{period.max_draught_m:g} m is at or below the light draught of {vessel_id} "
                f"({light:.2f} m, taken as {LIGHT_DRAUGHT_SHARE:.0%} of its {loaded:g} m loaded "
                f"draught){others}: such ships could carry nothing; give more than "
                f"{light:.2f} m, or limit the period to the links where the water is that low",
            )


def data_folder(scenario: Scenario) -> Path:
    """The network data folder a scenario uses."""
    if scenario.network is None or scenario.network.data is None:
        return network.bundled_data_dir()
    return Path(scenario.network.data)


def load_checked(path: str | Path) -> tuple[Scenario, NetworkCheck]:
    """Load a scenario file and check it against its network data.

    Raises
    ------
    ScenarioError
        Any problem of the file itself or of its references into the network data, each
        located at the file and line that set the offending value.
    """
    scenario = load_scenario(path)
    check = check_network(scenario)
    if check.problems:
        document = resolve_extends(Path(path))
        raise ScenarioError(
            [locate_issue(document, loc, message) for loc, message in check.problems]
        )
    return scenario, check
