"""Read a dataset directory (nodes, links and tables) into checked GeoDataFrames and DataFrames.

The contract (file names, columns, units, CRS) is documented in ``data/ports/README.md`` and coded
in :mod:`network.contract`. :func:`read_dataset` checks every file and the references between them
and raises one :class:`~network.errors.DataError` listing every problem found.

The GIS libraries (GeoPandas, pyogrio, pyproj, shapely), pandas and NetworkX are imported by the
functions that read and check, so ``import network`` (and the engine, which imports it) costs
none of them.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from network import contract
from network.contract import Column, parse_frame
from network.errors import DataError, Problem

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from pyproj import Geod
    from shapely.geometry import LineString, Point

__all__ = ["BUNDLED_DATA", "Dataset", "bundled_data_dir", "read_dataset"]

#: The Huai'an dataset shipped with hubsim (``data/ports`` at the top of the repository).
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data" / "ports"

#: Largest distance between a link's end vertex and its end node.
ENDPOINT_TOLERANCE_KM = 2.0


@functools.cache
def _geod() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


_TABLES: dict[str, tuple[str, tuple[Column, ...], tuple[str, ...]]] = {
    # attribute: (file name, contract, key columns that must be unique together)
    "locks": ("locks.csv", contract.LOCKS, ("lock_id", "chamber_id")),
    "vessel_classes": ("vessel_classes.csv", contract.VESSEL_CLASSES, ("vessel_class_id",)),
    "vehicles": ("vehicles.csv", contract.VEHICLES, ("vehicle_id",)),
    "commodities": ("commodities.csv", contract.COMMODITIES, ("commodity_id",)),
    "berths": ("berths.csv", contract.BERTHS, ("terminal_id", "berth_group_id")),
    "yards": ("yards.csv", contract.YARDS, ("terminal_id", "yard_id")),
    "landside": ("landside.csv", contract.LANDSIDE, ("terminal_id",)),
}


def bundled_data_dir() -> Path:
    """Directory of the default dataset: ``$HUBSIM_DATA`` if set, else the bundled one."""
    override = os.environ.get("HUBSIM_DATA")
    return Path(override) if override else BUNDLED_DATA


@dataclass(frozen=True)
class Dataset:
    """A checked network dataset.

    Attributes
    ----------
    directory : Path
        Where the files were read from.
    nodes : geopandas.GeoDataFrame
        Places, indexed by ``node_id``; Point geometries in EPSG:4326.
    links : geopandas.GeoDataFrame
        Links, indexed by ``link_id``; LineStrings in EPSG:4326; ``length_km`` always filled
        (geodesic length of the geometry where the file left it empty) and
        ``length_from_geometry`` telling which.
    locks, vessel_classes, vehicles, commodities, berths, yards, landside : pandas.DataFrame
        The tables, typed as in :mod:`network.contract`.
    """

    directory: Path
    nodes: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    locks: pd.DataFrame
    vessel_classes: pd.DataFrame
    vehicles: pd.DataFrame
    commodities: pd.DataFrame
    berths: pd.DataFrame
    yards: pd.DataFrame
    landside: pd.DataFrame

    def with_link_changes(self, changes: Mapping[str, Mapping[str, Any]]) -> Dataset:
        """A copy with some link attributes replaced, e.g. a waterway upgraded to Class II.

        ``changes`` maps a link id to ``{column: value}``; ``time`` columns are not stored, so
        nothing derived goes stale. Unknown link ids or columns raise ``KeyError``.
        """
        links = self.links.copy()
        for link_id, values in changes.items():
            if link_id not in links.index:
                raise KeyError(f"unknown link id {link_id!r}")
            for column, value in values.items():
                if column not in links.columns:
                    raise KeyError(f"links have no column {column!r}")
                links.loc[link_id, column] = value
        return replace(self, links=links)

    def terminal_commodities(self) -> dict[str, frozenset[str]]:
        """Commodities each terminal's berths handle (existing and planned)."""
        handled: dict[str, set[str]] = {}
        for terminal, items in zip(
            self.berths["terminal_id"], self.berths["commodities"], strict=True
        ):
            handled.setdefault(terminal, set()).update(items)
        return {terminal: frozenset(items) for terminal, items in handled.items()}


def geodesic_length_km(line: LineString) -> float:
    """Length of a lon/lat line on the WGS84 ellipsoid, in km."""
    return float(_geod().geometry_length(line)) / 1000.0


def _distance_km(a: Point, b: Point) -> float:
    _, _, metres = _geod().inv(a.x, a.y, b.x, b.y)
    return float(metres) / 1000.0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _feature_label(frame: pd.DataFrame, id_column: str) -> Callable[[int], str]:
    ids = frame[id_column].tolist() if id_column in frame.columns else [None] * len(frame)

    def label(position: int) -> str:
        ident = ids[position]
        return f"feature {position + 1}" + (f" ({id_column}={ident})" if ident else "")

    return label


def _line_label(position: int) -> str:
    return f"line {position + 2}"


def _read_geojson(
    path: Path,
    columns: Sequence[Column],
    id_column: str,
    geometry_type: str,
    problems: list[Problem],
) -> gpd.GeoDataFrame | None:
    import geopandas as gpd
    import pyogrio

    name = _display(path)
    if not path.is_file():
        problems.append(Problem(name, "file not found"))
        return None
    try:
        with warnings.catch_warnings():
            # GDAL warns and keeps text when a property mixes types; the contract check below
            # then reports the cell that is not of its column's type.
            warnings.simplefilter("ignore")
            raw = pyogrio.read_dataframe(path)
    except Exception as error:  # pyogrio raises several types for unreadable files
        problems.append(Problem(name, f"cannot be read as GeoJSON ({error})"))
        return None
    if raw.crs is None or raw.crs.to_epsg() != 4326:
        problems.append(
            Problem(name, f"CRS must be EPSG:4326 (WGS84 lon/lat), got {raw.crs or 'none'}")
        )
        return None
    frame, found = parse_frame(raw, columns, file=name, row_label=_feature_label(raw, id_column))
    problems.extend(found)
    label = _feature_label(raw, id_column)
    for position, geometry in enumerate(frame.geometry):
        if geometry is None or geometry.is_empty or geometry.geom_type != geometry_type:
            got = "nothing" if geometry is None else geometry.geom_type
            problems.append(
                Problem(
                    name,
                    f"geometry must be a {geometry_type} (got {got})",
                    label(position),
                    "geometry",
                )
            )
            continue
        xs, ys = np.asarray(geometry.coords).T[:2]
        if (np.abs(xs) > 180).any() or (np.abs(ys) > 90).any() or not np.isfinite(xs).all():
            problems.append(
                Problem(
                    name,
                    "coordinates are not lon/lat degrees; is the file in EPSG:4326?",
                    label(position),
                    "geometry",
                )
            )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _read_csv(path: Path, columns: Sequence[Column], problems: list[Problem]) -> pd.DataFrame:
    import pandas as pd

    name = _display(path)
    if not path.is_file():
        problems.append(Problem(name, "file not found"))
        return pd.DataFrame(columns=[c.name for c in columns])
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"cannot be read as CSV ({str(error).strip()})"))
        return pd.DataFrame(columns=[c.name for c in columns])
    frame, found = parse_frame(raw, columns, file=name, row_label=_line_label)
    problems.extend(found)
    return frame


def _check_unique(
    frame: pd.DataFrame,
    keys: Sequence[str],
    file: str,
    label: Callable[[int], str],
    problems: list[Problem],
) -> None:
    if not set(keys) <= set(frame.columns):
        return
    duplicated = frame.duplicated(subset=list(keys), keep="first").to_numpy()
    for position in np.flatnonzero(duplicated):
        key = ", ".join(f"{k}={frame[k].iloc[position]}" for k in keys)
        problems.append(Problem(file, f"duplicate id ({key})", label(int(position)), keys[-1]))


def _check_reference(
    frame: pd.DataFrame,
    column: str,
    allowed: set[str],
    file: str,
    what: str,
    label: Callable[[int], str],
    problems: list[Problem],
) -> None:
    for position, value in enumerate(frame[column].tolist()):
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if item and item not in allowed:
                problems.append(Problem(file, f"unknown {what} {item!r}", label(position), column))


def read_dataset(directory: str | Path | None = None) -> Dataset:
    """Read and check a dataset directory.

    Parameters
    ----------
    directory : str or Path, optional
        Folder holding ``nodes.geojson``, ``links.geojson`` and the CSV tables; defaults to
        :func:`bundled_data_dir`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        Listing every breach of the contract: missing files or columns, wrong types, negative
        values, duplicate or unknown ids, wrong CRS, link ends away from their nodes, links of a
        mode their end node does not serve, and a network in disconnected pieces.

    Examples
    --------
    >>> data = read_dataset()
    >>> "HA_HUANGMA" in data.nodes.index
    True
    """
    from shapely.geometry import Point

    folder = Path(directory) if directory is not None else bundled_data_dir()
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError(Problem(_display(folder), "dataset directory not found"))

    nodes = _read_geojson(folder / "nodes.geojson", contract.NODES, "node_id", "Point", problems)
    links = _read_geojson(
        folder / "links.geojson", contract.LINKS, "link_id", "LineString", problems
    )
    tables = {
        attribute: _read_csv(folder / file, columns, problems)
        for attribute, (file, columns, _) in _TABLES.items()
    }
    if problems or nodes is None or links is None:
        raise DataError(problems)

    nodes_file = _display(folder / "nodes.geojson")
    links_file = _display(folder / "links.geojson")
    _check_unique(nodes, ("node_id",), nodes_file, _feature_label(nodes, "node_id"), problems)
    _check_unique(links, ("link_id",), links_file, _feature_label(links, "link_id"), problems)
    for attribute, (file, _, keys) in _TABLES.items():
        _check_unique(tables[attribute], keys, _display(folder / file), _line_label, problems)
    if problems:
        raise DataError(problems)

    node_ids = set(nodes["node_id"])
    node_kind = dict(zip(nodes["node_id"], nodes["kind"], strict=True))
    node_modes = dict(zip(nodes["node_id"], nodes["modes"], strict=True))
    node_point = dict(zip(nodes["node_id"], nodes.geometry, strict=True))
    link_label = _feature_label(links, "link_id")

    for column in ("from_node", "to_node"):
        _check_reference(links, column, node_ids, links_file, "node id", link_label, problems)
    lengths: list[float] = []
    from_geometry: list[bool] = []
    for position, row in enumerate(links.itertuples(index=False)):
        given = float(row.length_km)
        from_geometry.append(bool(np.isnan(given)))
        lengths.append(geodesic_length_km(row.geometry) if np.isnan(given) else given)
        if row.mode in ("water", "sea") and np.isnan(row.max_vessel_dwt_t):
            problems.append(
                Problem(
                    links_file,
                    f"is required for {row.mode} links",
                    link_label(position),
                    "max_vessel_dwt_t",
                )
            )
        ends = (
            (row.from_node, Point(row.geometry.coords[0])),
            (row.to_node, Point(row.geometry.coords[-1])),
        )
        for column, (node, vertex) in zip(("from_node", "to_node"), ends, strict=True):
            if node not in node_ids:
                continue
            if row.mode not in node_modes[node]:
                problems.append(
                    Problem(
                        links_file,
                        f"node {node} does not serve mode {row.mode} (its modes: "
                        f"{';'.join(node_modes[node])})",
                        link_label(position),
                        column,
                    )
                )
            gap = _distance_km(vertex, node_point[node])
            if gap > ENDPOINT_TOLERANCE_KM:
                problems.append(
                    Problem(
                        links_file,
                        f"geometry ends {gap:.1f} km from node {node} (at most "
                        f"{ENDPOINT_TOLERANCE_KM:g} km)",
                        link_label(position),
                        "geometry",
                    )
                )
        if row.from_node == row.to_node:
            problems.append(
                Problem(
                    links_file,
                    "link starts and ends at the same node",
                    link_label(position),
                    "to_node",
                )
            )

    terminals = {n for n, k in node_kind.items() if k == "terminal"}
    locks_file = _display(folder / "locks.csv")
    _check_reference(
        tables["locks"],
        "lock_id",
        {n for n, k in node_kind.items() if k == "lock"},
        locks_file,
        "lock node id",
        _line_label,
        problems,
    )
    for lock in sorted(n for n, k in node_kind.items() if k == "lock"):
        if lock not in set(tables["locks"]["lock_id"]):
            problems.append(
                Problem(locks_file, f"lock {lock} (nodes.geojson) has no chamber", column="lock_id")
            )
    commodities = set(tables["commodities"]["commodity_id"])
    for attribute in ("berths", "yards", "landside"):
        file = _display(folder / _TABLES[attribute][0])
        _check_reference(
            tables[attribute], "terminal_id", terminals, file, "terminal id", _line_label, problems
        )
    _check_reference(
        tables["berths"],
        "commodities",
        commodities,
        _display(folder / "berths.csv"),
        "commodity",
        _line_label,
        problems,
    )
    _check_connected(nodes, links, nodes_file, links_file, problems)
    if problems:
        raise DataError(problems)

    links = links.assign(length_km=lengths, length_from_geometry=from_geometry)
    return Dataset(
        directory=folder,
        nodes=nodes.set_index("node_id", drop=False).rename_axis(None),
        links=links.set_index("link_id", drop=False).rename_axis(None),
        **{name: frame.reset_index(drop=True) for name, frame in tables.items()},
    )


def _check_connected(
    nodes: gpd.GeoDataFrame,
    links: gpd.GeoDataFrame,
    nodes_file: str,
    links_file: str,
    problems: list[Problem],
) -> None:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes["node_id"])
    graph.add_edges_from(
        (a, b)
        for a, b in zip(links["from_node"], links["to_node"], strict=True)
        if a in graph and b in graph
    )
    pieces = sorted(nx.connected_components(graph), key=len, reverse=True)
    for piece in pieces[1:]:
        names = ", ".join(sorted(piece))
        problems.append(
            Problem(
                links_file,
                f"the network is in {len(pieces)} disconnected pieces; not joined to the main one: "
                f"{names} (add a link from {nodes_file})",
            )
        )
