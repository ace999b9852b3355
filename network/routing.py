"""Generalised-cost routing through the multimodal graph.

The generalised cost of moving one tonne is::

    money * (haulage + transfer cost, CNY/t)
    + time_cny_per_t_h * (sailing, driving and transfer time, h)
    + co2_cny_per_kg * (CO2, kg/t)

Routes honour the waterway class (a ship may only use water links whose largest ship and draught
it fits) and the commodities terminals handle (a terminal only transfers what its berths handle).
:func:`shortest_routes` returns the k cheapest routes that differ in their modes and transfer
places, the alternatives a mode-choice model chooses between (:func:`logit_shares`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any, Literal

from network.dataset import Dataset
from network.graph import place_nodes

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = [
    "CostWeights",
    "Leg",
    "NoRouteError",
    "Route",
    "RouteRequest",
    "Transfer",
    "VesselLimits",
    "logit_shares",
    "route_table",
    "shortest_routes",
    "vessel_limits",
]

HOURS_PER_YEAR = 8760.0

_SOURCE = ("__origin__", "")
_TARGET = ("__destination__", "")


class NoRouteError(ValueError):
    """No route joins an origin and a destination under the given restrictions."""


@dataclass(frozen=True)
class CostWeights:
    """Weights of the generalised cost, all overridable.

    Attributes
    ----------
    money : float
        Weight of out-of-pocket cost (haulage and transfers), CNY per CNY.
    time_cny_per_t_h : float or None
        Value of one tonne-hour. ``None`` derives it from the commodity's value as the cost of
        capital tied up in transit: ``value_cny_per_t * inventory_rate_per_year / 8760``.
    co2_cny_per_kg : float
        Carbon price, CNY per kg CO2 (0.1 = 100 CNY per tonne).
    inventory_rate_per_year : float
        Yearly cost of capital used when ``time_cny_per_t_h`` is None.
    """

    money: float = 1.0
    time_cny_per_t_h: float | None = None
    co2_cny_per_kg: float = 0.1
    inventory_rate_per_year: float = 0.10

    def __post_init__(self) -> None:
        for name in ("money", "co2_cny_per_kg", "inventory_rate_per_year"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"CostWeights.{name} must be >= 0 (got {getattr(self, name)})")
        if self.time_cny_per_t_h is not None and not self.time_cny_per_t_h >= 0:
            raise ValueError(
                f"CostWeights.time_cny_per_t_h must be >= 0 (got {self.time_cny_per_t_h})"
            )

    def time_weight(self, value_cny_per_t: float) -> float:
        """CNY per tonne-hour for cargo worth ``value_cny_per_t``."""
        if self.time_cny_per_t_h is not None:
            return self.time_cny_per_t_h
        return value_cny_per_t * self.inventory_rate_per_year / HOURS_PER_YEAR


@dataclass(frozen=True)
class VesselLimits:
    """What limits a ship's route: deadweight, draught and whether it may go to sea."""

    vessel_class_id: str
    dwt_t: float
    draught_m: float
    sea_going: bool


def vessel_limits(dataset: Dataset, vessel_class_id: str) -> VesselLimits:
    """Limits of one vessel class of ``dataset``; ``ValueError`` names close ids if unknown."""
    table = dataset.vessel_classes.set_index("vessel_class_id")
    if vessel_class_id not in table.index:
        raise ValueError(_unknown("vessel class", vessel_class_id, table.index))
    row = table.loc[vessel_class_id]
    return VesselLimits(
        vessel_class_id, float(row["dwt_t"]), float(row["loaded_draught_m"]), bool(row["sea_going"])
    )


@dataclass(frozen=True)
class Leg:
    """A stretch of a route in one mode, from one transfer place to the next."""

    mode: str
    start: str
    end: str
    link_ids: tuple[str, ...]
    places: tuple[str, ...]
    length_km: float
    time_h: float
    cost_cny_per_t: float
    co2_kg_per_t: float


@dataclass(frozen=True)
class Transfer:
    """A change of mode inside a place (a ship continuing to sea has none)."""

    place: str
    kind: str
    from_mode: str
    to_mode: str
    time_h: float
    cost_cny_per_t: float


@dataclass(frozen=True)
class Route:
    """One route of one tonne from an origin to a destination.

    Attributes
    ----------
    legs : tuple of Leg
        The route split where the mode changes.
    transfers : tuple of Transfer
        The mode changes, in order.
    time_h, cost_cny_per_t, co2_kg_per_t, generalised_cost_cny_per_t : float
        Totals per tonne over legs and transfers.
    """

    origin: str
    destination: str
    commodity: str
    vessel_class_id: str | None
    legs: tuple[Leg, ...]
    transfers: tuple[Transfer, ...]
    time_h: float
    cost_cny_per_t: float
    co2_kg_per_t: float
    generalised_cost_cny_per_t: float
    nodes: tuple[tuple[str, str], ...] = field(repr=False)

    @property
    def modes(self) -> tuple[str, ...]:
        """Mode of each leg, in order."""
        return tuple(leg.mode for leg in self.legs)

    @property
    def link_ids(self) -> tuple[str, ...]:
        """Every link used, in order."""
        return tuple(link for leg in self.legs for link in leg.link_ids)

    @property
    def places(self) -> tuple[str, ...]:
        """Every place passed, in order, without repeats at transfers."""
        out: list[str] = []
        for place, _ in self.nodes:
            if not out or out[-1] != place:
                out.append(place)
        return tuple(out)

    @property
    def terminals(self) -> tuple[str, ...]:
        """Terminals where cargo changes mode (the port calls of this route)."""
        return tuple(t.place for t in self.transfers if t.kind == "terminal")

    @property
    def length_km(self) -> float:
        """Total length in km."""
        return sum(leg.length_km for leg in self.legs)

    def length_km_by_mode(self) -> dict[str, float]:
        """Kilometres travelled in each mode."""
        out: dict[str, float] = {}
        for leg in self.legs:
            out[leg.mode] = out.get(leg.mode, 0.0) + leg.length_km
        return out


@dataclass(frozen=True)
class RouteRequest:
    """One origin-destination-commodity (and optionally vessel class) to route."""

    origin: str
    destination: str
    commodity: str
    vessel_class_id: str | None = None


def _unknown(what: str, name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown {what} {name!r}{hint}"


def _routing_graph(
    graph: nx.MultiDiGraph,
    *,
    commodity: str,
    vessel: VesselLimits | None,
    weights: CostWeights,
    time_weight: float,
    endpoints: tuple[str, str],
    modes: Collection[str] | None = None,
) -> nx.DiGraph:
    """Collapse the multigraph to its cheapest allowed edge between each pair of nodes.

    Transfers inside the origin and destination are left out: cargo starts and ends on
    whichever mode its route uses there.
    """
    import networkx as nx

    routing = nx.DiGraph()
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = data["kind"]
        mode = data["mode"]
        if modes is not None and (u[1] not in modes or v[1] not in modes):
            continue
        time_h, cost, co2 = data["time_h"], data["cost_cny_per_t"], data["co2_kg_per_t"]
        if kind == "transfer":
            if u[0] in endpoints:
                continue
            allowed = data["commodities"]
            if allowed is not None and commodity not in allowed:
                continue
            if vessel is not None and vessel.sea_going and {u[1], v[1]} == {"water", "sea"}:
                # a river-sea ship sails on: no handling
                kind, time_h, cost, co2 = "continue", 0.0, 0.0, 0.0
        elif mode == "water" and vessel is not None:
            if vessel.dwt_t > data["max_vessel_dwt_t"]:
                continue
            if not math.isnan(data["max_draught_m"]) and vessel.draught_m > data["max_draught_m"]:
                continue
        cost_gc = weights.money * cost + time_weight * time_h + weights.co2_cny_per_kg * co2
        if routing.has_edge(u, v) and routing[u][v]["gc"] <= cost_gc:
            continue
        routing.add_edge(
            u,
            v,
            gc=cost_gc,
            key=key,
            kind=kind,
            mode=mode,
            time_h=time_h,
            cost=cost,
            co2=co2,
            length_km=data["length_km"],
        )
    return routing


def _route_from_path(
    graph: nx.MultiDiGraph,
    routing: nx.DiGraph,
    path: Sequence[Any],
    request: RouteRequest,
) -> Route:
    nodes = tuple(path[1:-1])
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    current: dict[str, Any] | None = None
    totals = {"time": 0.0, "cost": 0.0, "co2": 0.0, "gc": 0.0}

    def close_leg() -> None:
        if current is not None:
            legs.append(
                Leg(
                    current["mode"],
                    current["places"][0],
                    current["places"][-1],
                    tuple(current["links"]),
                    tuple(current["places"]),
                    current["length"],
                    current["time"],
                    current["cost"],
                    current["co2"],
                )
            )

    for u, v in pairwise(nodes):
        edge = routing[u][v]
        totals["time"] += edge["time_h"]
        totals["cost"] += edge["cost"]
        totals["co2"] += edge["co2"]
        totals["gc"] += edge["gc"]
        if edge["kind"] == "transfer":
            close_leg()
            current = None
            transfers.append(
                Transfer(u[0], graph.nodes[u]["kind"], u[1], v[1], edge["time_h"], edge["cost"])
            )
            continue
        if edge["kind"] == "continue":
            # the ship carries on from inland water to sea: no transfer, a new leg
            continue
        mode = edge["mode"]
        if current is None or current["mode"] != mode:
            close_leg()
            current = {
                "mode": mode,
                "places": [u[0]],
                "links": [],
                "length": 0.0,
                "time": 0.0,
                "cost": 0.0,
                "co2": 0.0,
            }
        current["places"].append(v[0])
        current["links"].append(edge["key"])
        current["length"] += edge["length_km"]
        current["time"] += edge["time_h"]
        current["cost"] += edge["cost"]
        current["co2"] += edge["co2"]
    close_leg()
    return Route(
        origin=request.origin,
        destination=request.destination,
        commodity=request.commodity,
        vessel_class_id=request.vessel_class_id,
        legs=tuple(legs),
        transfers=tuple(transfers),
        time_h=totals["time"],
        cost_cny_per_t=totals["cost"],
        co2_kg_per_t=totals["co2"],
        generalised_cost_cny_per_t=totals["gc"],
        nodes=nodes,
    )


def _signature(route: Route, distinct: str) -> tuple[Any, ...]:
    if distinct == "modes":
        return route.modes
    if distinct == "transfers":
        return (route.modes, tuple(t.place for t in route.transfers))
    return route.nodes


def shortest_routes(
    graph: nx.MultiDiGraph,
    origin: str,
    destination: str,
    *,
    commodity: str,
    vessel: VesselLimits | None = None,
    weights: CostWeights | None = None,
    value_cny_per_t: float = 0.0,
    k: int = 1,
    distinct: Literal["transfers", "modes", "paths"] = "transfers",
    max_candidates: int = 300,
    modes: Collection[str] | None = None,
    start_modes: Collection[str] | None = None,
    end_modes: Collection[str] | None = None,
) -> list[Route]:
    """The ``k`` cheapest routes of one tonne of ``commodity`` from ``origin`` to ``destination``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        As built by :func:`network.build_graph`.
    origin, destination : str
        Place ids; a route may leave the origin and reach the destination by any mode they serve
        and never passes through another place's mode change except by a transfer edge.
    commodity : str
        Commodity id; terminals that do not handle it cannot transfer it.
    vessel : VesselLimits, optional
        The ship on the water legs: water links too small for it are not used. A sea-going ship
        continues from inland water to sea without a transfer. None places no limit.
    weights : CostWeights, optional
        Weights of the generalised cost (defaults of :class:`CostWeights`).
    value_cny_per_t : float
        Cargo value, used for the value of time when ``weights.time_cny_per_t_h`` is None.
    k : int
        How many alternatives to return (fewer if fewer exist).
    distinct : {"transfers", "modes", "paths"}
        What makes two routes different alternatives: their mode sequence and transfer places
        (default), their mode sequence only, or any difference in the path.
    max_candidates : int
        How many simple paths to scan at most while looking for ``k`` distinct ones.
    modes : collection of str, optional
        Modes the route may use (default: all).
    start_modes, end_modes : collection of str, optional
        Modes the route may leave the origin by and reach the destination by, e.g.
        ``end_modes=("water", "sea")`` for cargo that must arrive by ship.

    Returns
    -------
    list of Route
        Cheapest first.

    Raises
    ------
    ValueError
        Unknown origin or destination, or ``k < 1``.
    NoRouteError
        No allowed route joins them.

    Examples
    --------
    >>> from network import build_graph, read_dataset
    >>> graph = build_graph(read_dataset())
    >>> route = shortest_routes(graph, "GW_XUZHOU", "HA_NEWPORT", commodity="COAL")[0]
    >>> route.modes
    ('water',)
    """
    import networkx as nx

    if k < 1:
        raise ValueError(f"k must be >= 1 (got {k})")
    places = graph.graph["places"]
    for place in (origin, destination):
        if place not in places:
            raise ValueError(_unknown("place", place, places))
    if origin == destination:
        raise ValueError(f"origin and destination are the same place ({origin})")
    weights = weights or CostWeights()
    routing = _routing_graph(
        graph,
        commodity=commodity,
        vessel=vessel,
        weights=weights,
        time_weight=weights.time_weight(value_cny_per_t),
        endpoints=(origin, destination),
        modes=modes,
    )
    for node in place_nodes(graph, origin):
        if node in routing and (start_modes is None or node[1] in start_modes):
            routing.add_edge(_SOURCE, node, gc=0.0)
    for node in place_nodes(graph, destination):
        if node in routing and (end_modes is None or node[1] in end_modes):
            routing.add_edge(node, _TARGET, gc=0.0)
    request = RouteRequest(
        origin, destination, commodity, vessel.vessel_class_id if vessel else None
    )
    what = f"{commodity} from {origin} to {destination}"
    if vessel is not None:
        what += f" on {vessel.vessel_class_id}"
    if (
        _SOURCE not in routing
        or _TARGET not in routing
        or not nx.has_path(routing, _SOURCE, _TARGET)
    ):
        raise NoRouteError(
            f"no route for {what}: check that the links exist, that the waterways take the ship "
            "and that a terminal on the way handles the commodity"
        )
    routes: list[Route] = []
    seen: set[tuple[Any, ...]] = set()
    candidates = nx.shortest_simple_paths(routing, _SOURCE, _TARGET, weight="gc")
    for path in islice(candidates, max_candidates):
        if any(a[0] == c[0] for a, c in zip(path[1:-3], path[3:-1], strict=True)):
            continue  # two transfers in a row inside one place: a direct transfer is cheaper
        route = _route_from_path(graph, routing, path, request)
        inner = route.places[1:-1]
        if origin in inner or destination in inner:
            continue  # comes back through its own origin or passes its destination
        signature = _signature(route, distinct)
        if signature in seen:
            continue
        seen.add(signature)
        routes.append(route)
        if len(routes) == k:
            break
    return routes


def logit_shares(routes: Sequence[Route], *, scale_cny_per_t: float) -> list[float]:
    """Multinomial-logit choice shares of alternative routes.

    ``share_i = exp(-gc_i / scale) / sum_j exp(-gc_j / scale)``; a small ``scale_cny_per_t``
    sends nearly everything to the cheapest route, a large one spreads it evenly.
    """
    if scale_cny_per_t <= 0:
        raise ValueError(f"scale_cny_per_t must be > 0 (got {scale_cny_per_t})")
    if not routes:
        return []
    costs = [r.generalised_cost_cny_per_t for r in routes]
    low = min(costs)
    weights = [math.exp(-(c - low) / scale_cny_per_t) for c in costs]
    total = sum(weights)
    return [w / total for w in weights]


def route_table(
    dataset: Dataset,
    graph: nx.MultiDiGraph,
    requests: Iterable[RouteRequest],
    *,
    weights: CostWeights | None = None,
    k: int = 1,
) -> pd.DataFrame:
    """Route many requests and return one row per (request, alternative).

    Columns: ``origin``, ``destination``, ``commodity``, ``vessel_class_id``, ``rank`` (1 =
    cheapest), ``modes`` and ``terminals`` (``;``-joined), ``length_km``, ``time_h``,
    ``cost_cny_per_t``, ``co2_kg_per_t``, ``generalised_cost_cny_per_t`` and ``link_ids``.
    Commodity values come from ``dataset.commodities``.

    Raises
    ------
    ValueError
        An unknown commodity, vessel class or place.
    NoRouteError
        A request has no route.
    """
    import pandas as pd

    values = dict(
        zip(
            dataset.commodities["commodity_id"], dataset.commodities["value_cny_per_t"], strict=True
        )
    )
    rows: list[dict[str, Any]] = []
    for request in requests:
        if request.commodity not in values:
            raise ValueError(_unknown("commodity", request.commodity, values))
        vessel = (
            vessel_limits(dataset, request.vessel_class_id) if request.vessel_class_id else None
        )
        routes = shortest_routes(
            graph,
            request.origin,
            request.destination,
            commodity=request.commodity,
            vessel=vessel,
            weights=weights,
            value_cny_per_t=float(values[request.commodity]),
            k=k,
        )
        for rank, route in enumerate(routes, start=1):
            rows.append(
                {
                    "origin": request.origin,
                    "destination": request.destination,
                    "commodity": request.commodity,
                    "vessel_class_id": request.vessel_class_id,
                    "rank": rank,
                    "modes": ";".join(route.modes),
                    "terminals": ";".join(route.terminals),
                    "length_km": route.length_km,
                    "time_h": route.time_h,
                    "cost_cny_per_t": route.cost_cny_per_t,
                    "co2_kg_per_t": route.co2_kg_per_t,
                    "generalised_cost_cny_per_t": route.generalised_cost_cny_per_t,
                    "link_ids": ";".join(route.link_ids),
                }
            )
    return pd.DataFrame(rows)
