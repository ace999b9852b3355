"""The bundled basemap under the network maps: land, sea, lakes (Hongze Lake among them) and
rivers (the Yangtze among them), from ``data/ports/basemap/basemap.geojson`` (GSHHG 2.3.6, see
``data/ports/basemap/make_basemap.py``).

matplotlib is imported by :func:`draw_basemap` only and shapely by the functions that read or
clip the layers, so ``import network`` loads neither. The file is read once per process; the
layers are immutable.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from network.dataset import BUNDLED_DATA

if TYPE_CHECKING:
    import shapely
    from matplotlib.axes import Axes
    from shapely.geometry import Polygon

__all__ = [
    "BASEMAP",
    "BASEMAP_COLOURS",
    "Basemap",
    "NamedWater",
    "draw_basemap",
    "read_basemap",
    "water_label_point",
]

#: The coast, lakes and rivers drawn under the network (GeoJSON, WGS84).
BASEMAP = BUNDLED_DATA / "basemap" / "basemap.geojson"

#: Fill of the sea and lakes, of the land, and the colour of rivers and shores.
BASEMAP_COLOURS = {
    "water": "#dbe9f6",
    "land": "#f5f3ee",
    "river": "#9ecae1",
    "shore": "#a6c8e4",
    "water_text": "#3d6f99",
}

#: Seas named on the map: a point in open water (checked against the land at read time).
_SEAS = (("Yellow Sea", "黄海", 121.55, 34.1),)


@dataclass(frozen=True)
class NamedWater:
    """A named lake or sea of the basemap.

    Attributes
    ----------
    name, name_zh : str
        English and Chinese name.
    kind : str
        ``lake`` or ``sea``.
    shape : shapely Polygon or None
        The lake's outline (None for a sea, named at ``point``).
    point : (float, float)
        Where the name goes when all of the water is in view (lon, lat).
    """

    name: str
    name_zh: str
    kind: str
    shape: Polygon | None
    point: tuple[float, float]


@dataclass(frozen=True)
class Basemap:
    """The basemap's layers as rings of lon/lat points.

    Attributes
    ----------
    land, lakes, islands : tuple of ndarray
        Outer rings (n x 2 arrays) of the land, the lakes and the islands in lakes.
    rivers : tuple of ndarray
        River lines (n x 2 arrays).
    waters : tuple of NamedWater
        The named lakes and seas.
    source : str
        Where the geometry comes from (cited under the map).
    """

    land: tuple[np.ndarray, ...]
    lakes: tuple[np.ndarray, ...]
    islands: tuple[np.ndarray, ...]
    rivers: tuple[np.ndarray, ...]
    waters: tuple[NamedWater, ...]
    source: str


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry["type"]
    if kind == "Polygon":
        return [geometry["coordinates"][0]]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    if kind == "LineString":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])  # MultiLineString


def _inside(ring: np.ndarray, x: float, y: float) -> bool:
    """Whether a point is inside a ring (lon/lat), with its bounding box tested first."""
    import shapely
    from shapely.geometry import Polygon

    low, high = ring.min(axis=0), ring.max(axis=0)
    if not (low[0] <= x <= high[0] and low[1] <= y <= high[1]):
        return False
    return bool(shapely.contains_xy(Polygon(ring), x, y))


def _largest(shape: shapely.Geometry) -> Polygon:
    """The largest polygon of a (multi)polygon."""
    return max(getattr(shape, "geoms", [shape]), key=lambda part: part.area)


@functools.lru_cache(maxsize=4)
def read_basemap(path: str | Path = BASEMAP) -> Basemap:
    """The layers of a basemap file (by default the bundled one), read once.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection whose features carry ``layer`` (``land``, ``lake``,
        ``island``, ``river``) and, for named lakes, ``name`` and ``name_zh``.

    Returns
    -------
    Basemap
    """
    from shapely.geometry import Polygon
    from shapely.ops import polylabel

    document = json.loads(Path(path).read_text(encoding="utf-8"))
    layers: dict[str, list[np.ndarray]] = {"land": [], "lake": [], "island": [], "river": []}
    waters: list[NamedWater] = []
    for feature in document["features"]:
        properties = feature["properties"]
        layer = properties["layer"]
        rings = [np.asarray(ring, dtype=float) for ring in _rings(feature["geometry"])]
        layers.setdefault(layer, []).extend(r for r in rings if len(r) >= 2)
        if layer == "lake" and properties.get("name") and rings:
            shape = _largest(Polygon(rings[0]).buffer(0))
            centre = polylabel(shape, tolerance=0.002)
            waters.append(
                NamedWater(
                    str(properties["name"]),
                    str(properties.get("name_zh", "")),
                    "lake",
                    shape,
                    (float(centre.x), float(centre.y)),
                )
            )
    for name, name_zh, lon, lat in _SEAS:
        if not any(_inside(ring, lon, lat) for ring in layers["land"]):
            waters.append(NamedWater(name, name_zh, "sea", None, (lon, lat)))
    return Basemap(
        land=tuple(layers["land"]),
        lakes=tuple(layers["lake"]),
        islands=tuple(layers["island"]),
        rivers=tuple(layers["river"]),
        waters=tuple(waters),
        source=str(document.get("source", "")),
    )


def water_label_point(
    water: NamedWater, window: tuple[float, float, float, float]
) -> tuple[float, float] | None:
    """Where to write a lake's or sea's name in a lon/lat window: the point of the part in view
    farthest from its shore, or None when too little of it is in view to name it.

    Parameters
    ----------
    water : NamedWater
    window : (lon min, lon max, lat min, lat max)
    """
    from shapely.geometry import Polygon, box
    from shapely.ops import polylabel

    xmin, xmax, ymin, ymax = window
    if water.shape is None:
        x, y = water.point
        return (x, y) if xmin <= x <= xmax and ymin <= y <= ymax else None
    visible = water.shape.intersection(box(xmin, ymin, xmax, ymax))
    if visible.is_empty or visible.area < 0.004 * (xmax - xmin) * (ymax - ymin):
        return None
    if visible.area >= water.shape.area * 0.999:
        return water.point
    largest = _largest(visible)
    if not isinstance(largest, Polygon):
        return None
    centre = polylabel(largest, tolerance=0.002)
    return float(centre.x), float(centre.y)


def draw_basemap(ax: Axes, basemap: Basemap | None = None) -> None:
    """Draw the sea (the axes background), land, lakes, islands and rivers under a map.

    The layers sit below everything else (``zorder`` 0.1-0.4), and do not change the axes
    limits: set the limits before or after, the result is the same.

    Parameters
    ----------
    ax : Axes
        An axes in lon/lat degrees.
    basemap : Basemap, optional
        Default :func:`read_basemap` of the bundled file.
    """
    from matplotlib.collections import LineCollection, PolyCollection

    layers = basemap or read_basemap()
    colours = BASEMAP_COLOURS
    ax.set_facecolor(colours["water"])
    for rings, face, edge, z in (
        (layers.land, colours["land"], "none", 0.1),
        (layers.lakes, colours["water"], colours["shore"], 0.2),
        (layers.islands, colours["land"], "none", 0.3),
    ):
        if rings:
            ax.add_collection(
                PolyCollection(
                    list(rings), facecolors=face, edgecolors=edge, linewidths=0.5, zorder=z
                ),
                autolim=False,
            )
    if layers.rivers:
        ax.add_collection(
            LineCollection(
                list(layers.rivers), colors=colours["river"], linewidths=0.6, zorder=0.4
            ),
            autolim=False,
        )
