"""Data-contract and coverage tests on the bundled Huai'an dataset (data/ports)."""

from __future__ import annotations

import re

import networkx as nx
import pytest

import network
from network import BUNDLED_DATA

PORT_AREA_TERMINALS = {
    "HA_NEWPORT": "HUAIAN",
    "HA_PH3": "HUAIAN",
    "HA_HUANGMA": "HUANGMA",
    "HA_HUAIYIN": "HUAIYIN",
    "HA_LIANSHUI": "LIANSHUI",
    "HA_XUYI": "XUYI",
    "HA_JINHU": "JINHU",
    "HA_HONGZE": "HONGZE",
}
CANAL_LOCKS_SHIQIAO_TO_SIYANG = [
    "LOCK_SHIQIAO",
    "LOCK_SHAOBO",
    "LOCK_HUAIAN",
    "LOCK_HUAIYIN",
    "LOCK_SIYANG",
]
GATEWAYS = [
    "GW_LIANYUNGANG",
    "GW_NANJING",
    "GW_TAICANG",
    "GW_YANGSHAN",
    "GW_XUZHOU",
    "GW_SUQIAN",
    "GW_BIANDANGANG",
]


@pytest.fixture(scope="module")
def data() -> network.Dataset:
    return network.read_dataset(BUNDLED_DATA)


@pytest.fixture(scope="module")
def graph(data: network.Dataset) -> nx.MultiDiGraph:
    return network.build_graph(data)


def test_all_seven_port_areas_are_terminals(data):
    terminals = data.nodes[data.nodes["kind"] == "terminal"]
    assert dict(zip(terminals["node_id"], terminals["port_area"], strict=True)) == (
        PORT_AREA_TERMINALS
    )
    for terminal in PORT_AREA_TERMINALS:
        assert "water" in data.nodes.loc[terminal, "modes"]
        assert "road" in data.nodes.loc[terminal, "modes"]
    # Huai'an Port lies in Huai'an municipality
    points = terminals.geometry
    assert points.x.between(118.2, 119.7).all()
    assert points.y.between(32.7, 34.2).all()


def test_places_named_by_the_foundation_issue_exist(data):
    kinds = dict(zip(data.nodes["node_id"], data.nodes["kind"], strict=True))
    for gateway in GATEWAYS:
        assert kinds[gateway] == "gateway"
    assert kinds["RS_YUANBEI"] == "rail_station"
    assert kinds["AP_LIANSHUI"] == kinds["AP_JINHU_GA"] == "airport"
    assert sum(kind == "logistics_park" for kind in kinds.values()) >= 2
    assert sum(kind == "hinterland" for kind in kinds.values()) >= 5


def test_grand_canal_lock_steps_have_chambers(data):
    chambers = data.locks.groupby("lock_id").size()
    for lock in CANAL_LOCKS_SHIQIAO_TO_SIYANG:
        assert chambers[lock] >= 3, lock
    huaian = data.locks[data.locks["lock_id"] == "LOCK_HUAIAN"]
    assert (huaian["status"] == "existing").sum() == 3
    assert (huaian["status"] == "planned").sum() == 1
    assert (data.locks["length_m"] > data.locks["width_m"]).all()


def test_every_mode_is_present_and_links_follow_corridors(data):
    assert set(data.links["mode"]) == {"water", "sea", "rail", "road", "air"}
    long_links = data.links[(data.links["length_km"] > 25) & (data.links["mode"] != "air")]
    vertices = long_links.geometry.map(lambda line: len(line.coords))
    straight = list(long_links.index[vertices < 3])
    assert not straight, f"long links drawn as straight lines: {straight}"
    # the geometry length (geodesic) agrees with any length given in the file within 35 %
    given = data.links[~data.links["length_from_geometry"]]
    for link_id, row in given.iterrows():
        drawn = network.dataset.geodesic_length_km(row.geometry)
        assert 0.65 * row["length_km"] <= drawn <= 1.35 * row["length_km"], link_id


def test_water_links_carry_class_and_ship_size(data):
    water = data.links[data.links["mode"].isin(["water", "sea"])]
    assert (water["waterway_class"] != "").all()
    assert (water["max_vessel_dwt_t"] > 0).all()
    assert data.links[data.links["mode"] == "rail"]["max_vessel_dwt_t"].isna().all()


def _water_layer(graph: nx.MultiDiGraph, max_dwt_t: float = 0.0) -> nx.DiGraph:
    layer = nx.DiGraph()
    for u, v, d in graph.edges(data=True):
        if d["kind"] == "link" and d["mode"] == "water" and d["max_vessel_dwt_t"] >= max_dwt_t:
            layer.add_edge(u, v)
    return layer


@pytest.mark.parametrize("gateway", ["GW_NANJING", "GW_TAICANG", "GW_LIANYUNGANG"])
def test_every_port_area_is_reachable_by_water(graph, gateway):
    water = _water_layer(graph)
    for terminal in PORT_AREA_TERMINALS:
        assert nx.has_path(water, (gateway, "water"), (terminal, "water")), terminal
        assert nx.has_path(water, (terminal, "water"), (gateway, "water")), terminal


def test_a_1000_t_ship_reaches_every_port_area_from_the_yangtze(graph):
    water = _water_layer(graph, max_dwt_t=1000)
    for terminal in PORT_AREA_TERMINALS:
        assert nx.has_path(water, ("GW_NANJING", "water"), (terminal, "water")), terminal


def test_every_commodity_is_handled_somewhere_and_groups_are_consistent(data):
    handled = set().union(*data.terminal_commodities().values())
    assert set(data.commodities["commodity_id"]) <= handled
    containers = data.commodities[data.commodities["cargo_group"].isin(["container", "reefer"])]
    assert (containers["t_per_teu"] > 0).all()
    assert (
        data.commodities.loc[data.commodities["needs_reefer_plug"], "cargo_group"]
        .eq("reefer")
        .all()
    )
    assert (data.yards["reefer_plugs"].sum()) > 0
    assert set(data.landside["terminal_id"]) == set(PORT_AREA_TERMINALS)


def test_phase_iii_is_planned_with_sixteen_2000_t_berths(data):
    ph3 = data.berths[data.berths["terminal_id"] == "HA_PH3"]
    assert (ph3["status"] == "planned").all()
    assert ph3.loc[ph3["max_vessel_dwt_t"] >= 2000, "berths"].sum() >= 16


def test_every_source_key_is_defined_and_assumptions_are_flagged(data):
    text = (BUNDLED_DATA / "SOURCES.md").read_text(encoding="utf-8")
    used = set(data.nodes["source"]) | set(data.links["source"])
    for table in (
        data.locks,
        data.vessel_classes,
        data.vehicles,
        data.commodities,
        data.berths,
        data.yards,
        data.landside,
    ):
        used |= set(table["source"])
    for cell in list(used):
        used |= set(re.split(r"[;,\s]+", cell))
    keys = {key for key in used if key and re.fullmatch(r"[A-Z][A-Z0-9_]*", key)}
    assert keys, "rows must name source keys"
    missing = sorted(key for key in keys if not re.search(rf"`?\b{key}\b`?", text))
    assert not missing, f"source keys not defined in SOURCES.md: {missing}"
    assumptions = text.split("Assumptions", 1)[-1]
    flagged = sorted(k for k in keys if k.startswith("ASSUME_") and k not in assumptions)
    assert not flagged, f"assumption keys not in the Assumptions section: {flagged}"


def test_routes_on_the_bundled_network(data, graph):
    coal = network.shortest_routes(
        graph,
        "GW_XUZHOU",
        "HA_NEWPORT",
        commodity="COAL",
        vessel=network.vessel_limits(data, "BULK_II_2000"),
    )[0]
    assert coal.modes == ("water",)
    assert "LOCK_SIYANG" in coal.places
    ore = network.shortest_routes(
        graph,
        "GW_LIANYUNGANG",
        "HA_HUAIYIN",
        commodity="METAL_ORE",
        vessel=network.vessel_limits(data, "BULK_III_1000"),
        k=3,
    )
    assert ore[0].modes[0] == "water"
    boxes = network.shortest_routes(
        graph, "HL_HUAIAN_URBAN", "GW_YANGSHAN", commodity="CONTAINER", k=3
    )
    assert any(set(r.terminals) & {"HA_NEWPORT", "HA_PH3", "HA_HUANGMA"} for r in boxes)
