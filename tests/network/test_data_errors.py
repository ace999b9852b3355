"""Every class of bad data gives one clear error naming the file, the row and the column."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

import datasets
import network
from sim.cli import app


def _node(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(f for f in data["nodes"]["features"] if f["properties"]["node_id"] == node_id)


def _link(data: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(f for f in data["links"]["features"] if f["properties"]["link_id"] == link_id)


def unknown_node(data):
    _link(data, "R1")["properties"]["to_node"] = "HL_TOWN"


def duplicate_node(data):
    _node(data, "RS_X")["properties"]["node_id"] = "HL_CITY"


def duplicate_link(data):
    _link(data, "R2")["properties"]["link_id"] = "R1"


def missing_speed(data):
    _link(data, "W2")["properties"]["speed_kmh"] = None


def negative_cost(data):
    _link(data, "R3")["properties"]["cost_cny_per_tkm"] = -0.4


def zero_speed(data):
    _link(data, "R3")["properties"]["speed_kmh"] = 0


def text_for_number(data):
    _node(data, "T_BIG")["properties"]["transfer_h"] = "five"


def bad_kind(data):
    _node(data, "J_A")["properties"]["kind"] = "harbour"


def bad_mode(data):
    _link(data, "R3")["properties"]["mode"] = "canal"


def bad_id(data):
    _node(data, "J_A")["properties"]["node_id"] = "j-a"


def missing_column(data):
    for feature in data["links"]["features"]:
        del feature["properties"]["co2_kg_per_tkm"]


def disconnected(data):
    data["links"]["features"] = [
        f for f in data["links"]["features"] if f["properties"]["link_id"] not in ("RL1", "RL2")
    ]


def far_endpoint(data):
    _link(data, "R3")["geometry"]["coordinates"][-1] = [118.5, 33.1]


def mode_not_served(data):
    _link(data, "R2")["properties"]["mode"] = "rail"


def water_without_size(data):
    _link(data, "W4")["properties"]["max_vessel_dwt_t"] = None


def point_link(data):
    _link(data, "R3")["geometry"] = {"type": "Point", "coordinates": [119.0, 33.0]}


def projected_coordinates(data):
    _node(data, "J_A")["geometry"]["coordinates"] = [13293000.0, 3895000.0]


def lock_without_chamber(data):
    data["locks"][0]["lock_id"] = "LOCK_B"


def unknown_commodity(data):
    data["berths"][1]["commodities"] = "COAL;SAND"


def unknown_terminal(data):
    data["yards"][0]["terminal_id"] = "T_HUGE"


def duplicate_berth_group(data):
    data["berths"][1]["terminal_id"] = "T_BIG"


def bad_bool(data):
    data["vessel_classes"][0]["sea_going"] = "maybe"


def bad_year(data):
    data["berths"][0]["commissioning_year"] = 20255


def fractional_count(data):
    data["berths"][0]["berths"] = 2.5


CASES: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (unknown_node, "links.geojson: feature 5 (link_id=R1), column to_node", "unknown node id"),
    (duplicate_node, "nodes.geojson: feature 7 (node_id=HL_CITY), column node_id", "duplicate id"),
    (duplicate_link, "links.geojson: feature 6 (link_id=R1), column link_id", "duplicate id"),
    (missing_speed, "links.geojson: feature 2 (link_id=W2), column speed_kmh", "value is missing"),
    (negative_cost, "column cost_cny_per_tkm", "must be >= 0 (got -0.4)"),
    (zero_speed, "feature 7 (link_id=R3), column speed_kmh", "must be > 0 (got 0)"),
    (text_for_number, "column transfer_h", "must be a number (got 'five')"),
    (bad_kind, "column kind", "must be one of terminal, lock"),
    (bad_mode, "column mode", "(got 'canal')"),
    (bad_id, "column node_id", "must be an id"),
    (missing_column, "links.geojson: column co2_kg_per_tkm", "column is missing"),
    (disconnected, "links.geojson", "disconnected pieces; not joined to the main one: RS_X"),
    (far_endpoint, "feature 7 (link_id=R3), column geometry", "km from node HL_CITY"),
    (
        mode_not_served,
        "feature 6 (link_id=R2), column from_node",
        "node T_SMALL does not serve mode rail",
    ),
    (
        water_without_size,
        "feature 4 (link_id=W4), column max_vessel_dwt_t",
        "is required for water links",
    ),
    (point_link, "column geometry", "geometry must be a LineString (got Point)"),
    (projected_coordinates, "feature 2 (node_id=J_A), column geometry", "EPSG:4326"),
    (lock_without_chamber, "locks.csv", "lock LOCK_A (nodes.geojson) has no chamber"),
    (unknown_commodity, "berths.csv: line 3, column commodities", "unknown commodity 'SAND'"),
    (unknown_terminal, "yards.csv: line 2, column terminal_id", "unknown terminal id 'T_HUGE'"),
    (duplicate_berth_group, "berths.csv: line 3, column berth_group_id", "duplicate id"),
    (bad_bool, "vessel_classes.csv: line 2, column sea_going", "must be true or false"),
    (bad_year, "berths.csv: line 2, column commissioning_year", "must be a year"),
    (fractional_count, "berths.csv: line 2, column berths", "must be a whole number"),
]


@pytest.mark.parametrize(("change", "where", "what"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_data_names_file_row_and_column(tmp_path, change, where, what):
    folder = datasets.altered(tmp_path / "bad", change)
    with pytest.raises(network.DataError) as caught:
        network.read_dataset(folder)
    message = str(caught.value)
    assert where in message
    assert what in message


def test_every_problem_is_listed_at_once(tmp_path):
    def two_problems(data):
        negative_cost(data)
        bad_bool(data)

    with pytest.raises(network.DataError) as caught:
        network.read_dataset(datasets.altered(tmp_path / "bad", two_problems))
    assert len(caught.value.problems) == 2


def test_wrong_crs(tmp_path):
    folder = datasets.write(tmp_path / "bad", datasets.tiny())
    nodes = json.loads((folder / "nodes.geojson").read_text())
    nodes["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    (folder / "nodes.geojson").write_text(json.dumps(nodes))
    with pytest.raises(network.DataError, match=r"nodes.geojson: CRS must be EPSG:4326"):
        network.read_dataset(folder)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("links.geojson", "this is not json", "cannot be read as GeoJSON"),
        ("berths.csv", b"\xff\xfe\x00junk\x00", "cannot be read as CSV"),
        ("locks.csv", "", "cannot be read as CSV"),
    ],
)
def test_unreadable_files(tmp_path, name, content, what):
    folder = datasets.write(tmp_path / "bad", datasets.tiny())
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(network.DataError, match=what) as caught:
        network.read_dataset(folder)
    assert name in str(caught.value)


def test_missing_file_and_folder(tmp_path):
    folder = datasets.write(tmp_path / "bad", datasets.tiny())
    (folder / "yards.csv").unlink()
    with pytest.raises(network.DataError, match=r"yards\.csv: file not found"):
        network.read_dataset(folder)
    with pytest.raises(network.DataError, match="dataset directory not found"):
        network.read_dataset(tmp_path / "nowhere")


def test_empty_length_is_computed_geodesically(tmp_path):
    def drop_length(data):
        _link(data, "R3")["properties"]["length_km"] = None
        _link(data, "R3")["geometry"]["coordinates"] = [[120.0, 33.0], [118.8, 33.1]]

    data = network.read_dataset(datasets.altered(tmp_path / "d", drop_length))
    # haversine on the mean Earth radius; the ellipsoid differs by well under 0.5 %
    lon1, lat1, lon2, lat2 = map(math.radians, (120.0, 33.0, 118.8, 33.1))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    haversine_km = 2 * 6371.0088 * math.asin(math.sqrt(a))
    assert data.links.loc["R3", "length_km"] == pytest.approx(haversine_km, rel=0.005)
    assert bool(data.links.loc["R3", "length_from_geometry"])
    assert not bool(data.links.loc["R1", "length_from_geometry"])


def test_cli_reports_bad_data_with_exit_2_and_no_traceback(tmp_path):
    folder = datasets.altered(tmp_path / "bad", unknown_node)
    result = CliRunner().invoke(app, ["network", "--data", str(folder)])
    assert result.exit_code == 2
    assert "unknown node id 'HL_TOWN'" in result.output
    assert "Traceback" not in result.output


def test_corridor_zh_may_be_left_out_or_given(tmp_path):
    """``corridor_zh`` came after data files were written: a file without the column reads
    (empty names), one with it keeps the names; a required column still may not be left out."""
    tiny = datasets.tiny()
    assert all("corridor_zh" not in f["properties"] for f in tiny["links"]["features"])
    plain = network.read_dataset(datasets.write(tmp_path / "plain", tiny))
    assert set(plain.links["corridor_zh"]) == {""}

    def named(data):
        _link(data, "R1")["properties"]["corridor_zh"] = "一号公路"

    folder = datasets.altered(tmp_path / "named", named)
    links = network.read_dataset(folder).links.set_index("link_id")
    assert links.loc["R1", "corridor_zh"] == "一号公路" and links.loc["R2", "corridor_zh"] == ""
