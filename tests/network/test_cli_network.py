"""`hubsim network` writes a valid PNG map and a GeoPackage that geopandas reads back."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.image as mpimg
import pyogrio
import pytest
from typer.testing import CliRunner

import network
from sim.cli import app


def test_map_and_geopackage(tmp_path):
    png = tmp_path / "maps" / "network.png"
    gpkg = tmp_path / "network.gpkg"
    result = CliRunner().invoke(app, ["network", "--map", str(png), "--gpkg", str(gpkg)])
    assert result.exit_code == 0, result.output
    assert "water" in result.output and "rail" in result.output

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(png)
    assert pixels.shape[0] > 1000 and pixels.shape[1] > 2000
    assert pixels[..., :3].std() > 0.05  # something was drawn

    data = network.read_dataset()
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert layers == {"nodes", "links"}
    nodes = gpd.read_file(gpkg, layer="nodes")
    links = gpd.read_file(gpkg, layer="links")
    assert nodes.crs.to_epsg() == links.crs.to_epsg() == 4326
    assert len(nodes) == len(data.nodes) and len(links) == len(data.links)
    assert set(links.geom_type) == {"LineString"}
    huaian = nodes.set_index("node_id").loc["LOCK_HUAIAN"]
    assert huaian["chambers"] == 4
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_existing_output_survives_a_failed_write(tmp_path, monkeypatch):
    target = tmp_path / "network.png"
    target.write_bytes(b"old map")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", broken)
    data = network.read_dataset()
    with pytest.raises(RuntimeError, match="disk full"):
        network.write_map(data, target)
    assert target.read_bytes() == b"old map"
    assert not list(tmp_path.glob(".network-*"))
