"""Build the multimodal NetworkX graph from a checked dataset.

Each place is split into one graph node per mode it serves, keyed ``(place_id, mode)``; mode edges
join the same mode at two places (both directions of every link), and ``transfer`` edges join two
modes inside a place where cargo may change mode (terminals, gateways, rail stations, logistics
parks, airports), with that place's handling time and cost. A terminal transfers only the
commodities its berths handle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import permutations
from typing import TYPE_CHECKING

from network.contract import TRANSFER_KINDS
from network.dataset import Dataset

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build_graph", "place_nodes"]


def build_graph(
    dataset: Dataset, *, terminal_commodities: Mapping[str, Iterable[str]] | None = None
) -> nx.MultiDiGraph:
    """Return the multimodal graph of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        As returned by :func:`network.read_dataset`.
    terminal_commodities : mapping, optional
        What each terminal handles, replacing what its berths in ``dataset`` handle (a scenario's
        capacity plan); a terminal missing from the mapping then transfers nothing.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes ``(place_id, mode)`` with attributes ``place``, ``mode``, ``kind``, ``name``,
        ``port_area``, ``x`` (lon) and ``y`` (lat). Edges carry ``kind`` (``link`` or
        ``transfer``), ``mode``, ``time_h``, ``cost_cny_per_t``, ``co2_kg_per_t`` and
        ``length_km``; link edges (key = ``link_id``) also ``corridor``, ``speed_kmh``,
        ``capacity_movements_per_day``, ``waterway_class``, ``max_vessel_dwt_t``,
        ``max_draught_m``, ``cost_cny_per_tkm`` and ``co2_kg_per_tkm``; transfer edges (key
        ``"transfer"``) also ``commodities`` (a frozenset, or None for every commodity).
        Graph attributes: ``crs`` ("EPSG:4326"), ``name`` and ``places`` (place id -> its
        graph nodes).

    Examples
    --------
    >>> from network import read_dataset
    >>> graph = build_graph(read_dataset())
    >>> graph.has_edge(("HA_NEWPORT", "water"), ("HA_NEWPORT", "rail"))
    True
    """
    import networkx as nx

    graph = nx.MultiDiGraph(name=f"hubsim network ({dataset.directory.name})", crs="EPSG:4326")
    handled = (
        dataset.terminal_commodities()
        if terminal_commodities is None
        else {t: frozenset(items) for t, items in terminal_commodities.items()}
    )
    graph.graph["places"] = {
        row.node_id: [(row.node_id, mode) for mode in row.modes]
        for row in dataset.nodes.itertuples(index=False)
    }
    for row in dataset.nodes.itertuples(index=False):
        for mode in row.modes:
            graph.add_node(
                (row.node_id, mode),
                place=row.node_id,
                mode=mode,
                kind=row.kind,
                name=row.name,
                port_area=row.port_area,
                x=float(row.geometry.x),
                y=float(row.geometry.y),
            )
        if row.kind not in TRANSFER_KINDS:
            continue
        commodities = handled.get(row.node_id, frozenset()) if row.kind == "terminal" else None
        for first, second in permutations(row.modes, 2):
            graph.add_edge(
                (row.node_id, first),
                (row.node_id, second),
                key="transfer",
                kind="transfer",
                mode="transfer",
                place=row.node_id,
                time_h=float(row.transfer_h),
                cost_cny_per_t=float(row.transfer_cost_cny_per_t),
                co2_kg_per_t=0.0,
                length_km=0.0,
                commodities=commodities,
            )
    for row in dataset.links.itertuples(index=False):
        length_km = float(row.length_km)
        attributes = {
            "kind": "link",
            "link_id": row.link_id,
            "mode": row.mode,
            "corridor": row.corridor,
            "length_km": length_km,
            "speed_kmh": float(row.speed_kmh),
            "time_h": length_km / float(row.speed_kmh),
            "capacity_movements_per_day": float(row.capacity_movements_per_day),
            "waterway_class": row.waterway_class or None,
            "max_vessel_dwt_t": float(row.max_vessel_dwt_t),
            "max_draught_m": float(row.max_draught_m),
            "cost_cny_per_tkm": float(row.cost_cny_per_tkm),
            "co2_kg_per_tkm": float(row.co2_kg_per_tkm),
            "cost_cny_per_t": float(row.cost_cny_per_tkm) * length_km,
            "co2_kg_per_t": float(row.co2_kg_per_tkm) * length_km,
        }
        start, end = (row.from_node, row.mode), (row.to_node, row.mode)
        graph.add_edge(start, end, key=row.link_id, direction="forward", **attributes)
        graph.add_edge(end, start, key=row.link_id, direction="reverse", **attributes)
    return graph


def place_nodes(graph: nx.MultiDiGraph, place: str) -> list[tuple[str, str]]:
    """The graph nodes ``(place, mode)`` of one place (empty for an unknown place)."""
    return list(graph.graph["places"].get(place, []))
