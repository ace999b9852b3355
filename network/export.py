"""Write the network to files GIS users open (GeoPackage) and maps to PNG, atomically.

GIS and plotting libraries are imported by the functions that use them, not by ``import network``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from network.dataset import Dataset
from network.files import atomic_path
from network.plot import plot_network

__all__ = ["write_geopackage", "write_map"]


def write_geopackage(data: Dataset, path: str | Path) -> Path:
    """Write ``nodes`` (points) and ``links`` (lines) layers to a GeoPackage that QGIS opens.

    Nodes carry their chamber count (locks) and handled commodities (terminals); list columns
    are written ``;``-joined. Returns the path written.
    """
    import pyogrio

    path = Path(path)
    chambers = data.locks.groupby("lock_id").size()
    handled = data.terminal_commodities()
    nodes = data.nodes.reset_index(drop=True).assign(
        modes=lambda f: f["modes"].map(";".join),
        chambers=lambda f: f["node_id"].map(chambers).fillna(0).astype("int64"),
        commodities=lambda f: f["node_id"].map(lambda n: ";".join(sorted(handled.get(n, ())))),
    )
    links = data.links.reset_index(drop=True)
    with atomic_path(path) as temporary:
        pyogrio.write_dataframe(nodes, temporary, layer="nodes", driver="GPKG")
        pyogrio.write_dataframe(links, temporary, layer="links", driver="GPKG", append=True)
    return path


def write_map(data: Dataset, path: str | Path, *, dpi: int = 150, **options: Any) -> Path:
    """Draw :func:`network.plot_network` to a PNG file (``options``: its keyword arguments,
    ``title``, ``words``, ``labels``). Returns the path written."""
    import matplotlib.pyplot as plt

    path = Path(path)
    figure = plot_network(data, **options)
    try:
        with atomic_path(path) as temporary:
            figure.savefig(temporary, dpi=dpi, format="png")
    finally:
        plt.close(figure)
    return path
