"""Routing on the tiny hand-made dataset (tests/datasets.py); expected costs worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest

import datasets
import network
from network import CostWeights, NoRouteError, RouteRequest

MONEY_ONLY = CostWeights(time_cny_per_t_h=0.0, co2_cny_per_kg=0.0)


@pytest.fixture
def tiny(tiny_dir: Path) -> tuple[network.Dataset, nx.MultiDiGraph]:
    data = network.read_dataset(tiny_dir)
    return data, network.build_graph(data)


def test_graph_has_mode_layers_links_both_ways_and_transfers(tiny):
    _, graph = tiny
    assert set(network.place_nodes(graph, "T_BIG")) == {
        ("T_BIG", "water"),
        ("T_BIG", "road"),
        ("T_BIG", "rail"),
    }
    forward = graph.edges[("GW_SEA", "water"), ("J_A", "water"), "W1"]
    backward = graph.edges[("J_A", "water"), ("GW_SEA", "water"), "W1"]
    assert forward["length_km"] == backward["length_km"] == 50
    assert forward["time_h"] == pytest.approx(5.0)
    assert forward["cost_cny_per_t"] == pytest.approx(2.0)
    transfer = graph.edges[("T_SMALL", "water"), ("T_SMALL", "road"), "transfer"]
    assert transfer["commodities"] == frozenset({"COAL"})
    assert (transfer["time_h"], transfer["cost_cny_per_t"]) == (3.0, 8.0)
    # locks, junctions and hinterland zones never transfer
    assert not graph.has_edge(("HL_CITY", "road"), ("HL_CITY", "rail"))
    # 9 links x 2 directions + transfers: GW_SEA 6, T_BIG 6, T_SMALL 2, RS_X 2
    assert graph.number_of_edges() == 18 + 16


def test_cheapest_routes_in_order_by_money(tiny):
    _, graph = tiny
    routes = network.shortest_routes(
        graph, "GW_SEA", "HL_CITY", commodity="COAL", weights=MONEY_ONLY, k=4
    )
    # water 100 km x 0.04 + transfer 10 + rail 22 km x 0.15 = 17.3
    # water 110 km x 0.04 + transfer 8 + road 20 km x 0.4 = 20.4
    # water 100 km x 0.04 + transfer 10 + road 25 km x 0.4 = 24.0
    # road 130 km x 0.4 = 52.0
    assert [round(r.cost_cny_per_t, 6) for r in routes] == [17.3, 20.4, 24.0, 52.0]
    assert [r.modes for r in routes] == [
        ("water", "rail"),
        ("water", "road"),
        ("water", "road"),
        ("road",),
    ]
    assert [r.terminals for r in routes] == [("T_BIG",), ("T_SMALL",), ("T_BIG",), ()]
    best = routes[0]
    assert best.link_ids == ("W1", "W2", "W3", "RL1", "RL2")
    assert best.places == ("GW_SEA", "J_A", "LOCK_A", "T_BIG", "RS_X", "HL_CITY")
    assert best.length_km_by_mode() == {"water": 100.0, "rail": 22.0}
    assert best.time_h == pytest.approx(100 / 10 + 5 + 22 / 60)
    assert best.co2_kg_per_t == pytest.approx(100 * 0.02 + 22 * 0.015)


def test_terminal_only_transfers_what_it_handles(tiny):
    _, graph = tiny
    routes = network.shortest_routes(
        graph, "GW_SEA", "HL_CITY", commodity="CONTAINER", weights=MONEY_ONLY, k=10
    )
    assert all("T_SMALL" not in r.terminals for r in routes)
    assert [round(r.cost_cny_per_t, 6) for r in routes] == [17.3, 24.0, 52.0]


def test_waterway_class_limits_ship_size(tiny):
    data, graph = tiny
    big = network.vessel_limits(data, "BULK_2000")
    routes = network.shortest_routes(
        graph, "GW_SEA", "T_SMALL", commodity="COAL", vessel=big, weights=MONEY_ONLY, k=10
    )
    # W4 takes 1000 t at most: the 2000 t ship cannot reach T_SMALL by water
    assert all("W4" not in r.link_ids for r in routes)
    small = network.vessel_limits(data, "BULK_1000")
    best = network.shortest_routes(
        graph, "GW_SEA", "T_SMALL", commodity="COAL", vessel=small, weights=MONEY_ONLY
    )[0]
    assert best.link_ids == ("W1", "W4")


def test_no_route_is_a_clear_error(tmp_path):
    def water_gateway_only(data):
        data["links"]["features"] = [
            f for f in data["links"]["features"] if f["properties"]["link_id"] != "R3"
        ]
        data["nodes"]["features"][0]["properties"]["modes"] = "water;sea"

    data = network.read_dataset(datasets.altered(tmp_path / "d", water_gateway_only))
    graph = network.build_graph(data)
    big = network.vessel_limits(data, "BULK_2000")
    # The 2000 t ship cannot take W4; no terminal transfers grain to the road: no way in.
    with pytest.raises(NoRouteError, match="GRAIN from J_A to T_SMALL on BULK_2000"):
        network.shortest_routes(graph, "J_A", "T_SMALL", commodity="GRAIN", vessel=big)
    # Coal can go by water to T_BIG and by road from there.
    route = network.shortest_routes(graph, "J_A", "T_SMALL", commodity="COAL", vessel=big)[0]
    assert route.link_ids == ("W2", "W3", "R1", "R2")


def test_unknown_place_suggests_a_close_id(tiny):
    _, graph = tiny
    with pytest.raises(ValueError, match="did you mean T_SMALL"):
        network.shortest_routes(graph, "GW_SEA", "T_SMAL", commodity="COAL")


def test_time_and_co2_weights_change_the_choice(tiny):
    _, graph = tiny
    # A high value of time favours the fast direct road (2 h) over water (10-11 h + transfer).
    hurry = CostWeights(time_cny_per_t_h=10.0, co2_cny_per_kg=0.0)
    best = network.shortest_routes(graph, "GW_SEA", "HL_CITY", commodity="COAL", weights=hurry)[0]
    assert best.modes == ("road",)
    assert best.generalised_cost_cny_per_t == pytest.approx(52.0 + 10.0 * 130 / 65)
    # A carbon price adds co2 x price to every route's generalised cost.
    green = CostWeights(time_cny_per_t_h=0.0, co2_cny_per_kg=1.0)
    best = network.shortest_routes(graph, "GW_SEA", "HL_CITY", commodity="COAL", weights=green)[0]
    assert best.generalised_cost_cny_per_t == pytest.approx(17.3 + 100 * 0.02 + 22 * 0.015)


def test_default_time_weight_comes_from_cargo_value():
    weights = CostWeights(inventory_rate_per_year=0.0876)
    assert weights.time_weight(1000.0) == pytest.approx(0.01)
    assert CostWeights(time_cny_per_t_h=2.0).time_weight(1000.0) == 2.0
    with pytest.raises(ValueError, match="co2_cny_per_kg"):
        CostWeights(co2_cny_per_kg=-1)


def test_route_table_and_logit_shares(tiny):
    data, graph = tiny
    table = network.route_table(
        data,
        graph,
        [RouteRequest("GW_SEA", "HL_CITY", "COAL"), RouteRequest("GW_SEA", "T_BIG", "CONTAINER")],
        weights=MONEY_ONLY,
        k=2,
    )
    assert list(table["rank"]) == [1, 2, 1, 2]
    assert list(table["terminals"][:2]) == ["T_BIG", "T_SMALL"]
    assert table.loc[2, "link_ids"] == "W1;W2;W3"
    routes = network.shortest_routes(
        graph, "GW_SEA", "HL_CITY", commodity="COAL", weights=MONEY_ONLY, k=2
    )
    shares = network.logit_shares(routes, scale_cny_per_t=3.1)
    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] / shares[1] == pytest.approx(math.exp((20.4 - 17.3) / 3.1))
    with pytest.raises(ValueError, match="unknown commodity 'COLA'; did you mean COAL"):
        network.route_table(data, graph, [RouteRequest("GW_SEA", "HL_CITY", "COLA")])


def test_routes_agree_with_networkx_dijkstra_on_the_collapsed_graph(tiny):
    """Cross-check the first route against a plain Dijkstra over every place pair."""
    _, graph = tiny
    places = sorted(graph.graph["places"])
    for origin in places:
        for destination in places:
            if origin == destination:
                continue
            try:
                route = network.shortest_routes(
                    graph, origin, destination, commodity="COAL", weights=MONEY_ONLY
                )[0]
            except NoRouteError:
                continue
            plain = nx.DiGraph()
            for u, v, d in graph.edges(data=True):
                if d["kind"] == "transfer" and (
                    u[0] in (origin, destination)
                    or (d["commodities"] is not None and "COAL" not in d["commodities"])
                ):
                    continue
                w = d["cost_cny_per_t"]
                if not plain.has_edge(u, v) or plain[u][v]["w"] > w:
                    plain.add_edge(u, v, w=w)
            for node in network.place_nodes(graph, origin):
                plain.add_edge("S", node, w=0.0)
            for node in network.place_nodes(graph, destination):
                plain.add_edge(node, "T", w=0.0)
            expected = nx.dijkstra_path_length(plain, "S", "T", weight="w")
            assert route.cost_cny_per_t == pytest.approx(expected), (origin, destination)
