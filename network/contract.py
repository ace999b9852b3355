"""The data contract of the network files: columns, types, units and allowed values.

Each file of a dataset directory (see ``data/ports/README.md``) has a tuple of :class:`Column`
specifications here. :func:`parse_frame` turns a raw table (every cell as read) into typed
columns and collects a :class:`~network.errors.Problem` for every cell that breaks its column's
rule, naming the file, the row and the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from network.errors import Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BERTHS",
    "CARGO_GROUPS",
    "COMMODITIES",
    "LANDSIDE",
    "LINKS",
    "LOCKS",
    "MODES",
    "NODES",
    "NODE_KINDS",
    "PORT_AREAS",
    "TRANSFER_KINDS",
    "VEHICLES",
    "VESSEL_CLASSES",
    "YARDS",
    "Column",
    "parse_frame",
]

MODES = ("water", "sea", "rail", "road", "air")
NODE_KINDS = (
    "terminal",
    "lock",
    "junction",
    "rail_station",
    "logistics_park",
    "airport",
    "gateway",
    "hinterland",
)
#: Kinds of place where cargo may change mode (the graph adds transfer edges there).
TRANSFER_KINDS = ("terminal", "gateway", "rail_station", "logistics_park", "airport")
PORT_AREAS = ("HUAIAN", "HUANGMA", "HUAIYIN", "LIANSHUI", "XUYI", "JINHU", "HONGZE")
CARGO_GROUPS = ("dry_bulk", "liquid_bulk", "break_bulk", "container", "reefer")
STATUSES = ("existing", "planned")

_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")

Kind = Literal["id", "text", "enum", "list", "number", "int", "year", "bool"]


@dataclass(frozen=True)
class Column:
    """Rule for one column.

    Attributes
    ----------
    name : str
        Column (or GeoJSON property) name; units are part of the name.
    kind : str
        ``id`` (``^[A-Z][A-Z0-9_]*$``), ``text``, ``enum`` (one of ``choices``), ``list``
        (``;``-separated ids), ``number`` (float), ``int``, ``year`` or ``bool`` (true/false).
    required : bool
        Whether an empty cell is an error. Empty optional numbers become NaN, empty optional
        lists the empty tuple, empty optional text the empty string.
    positive : bool
        For numbers: must be > 0 rather than >= 0.
    choices : tuple of str
        Allowed values of an ``enum`` (or of each item of a ``list`` when given).
    may_be_absent : bool
        Whether a file may leave the column out altogether (it is then read as all empty):
        for columns added after data files were written, such as ``corridor_zh``.
    """

    name: str
    kind: Kind
    required: bool = True
    positive: bool = False
    choices: tuple[str, ...] = ()
    may_be_absent: bool = False


NODES = (
    Column("node_id", "id"),
    Column("name", "text"),
    Column("name_zh", "text", required=False),
    Column("kind", "enum", choices=NODE_KINDS),
    Column("port_area", "enum", required=False, choices=PORT_AREAS),
    Column("modes", "list", choices=MODES),
    Column("transfer_h", "number"),
    Column("transfer_cost_cny_per_t", "number"),
    Column("coord_uncertainty_km", "number"),
    Column("source", "text"),
)

LINKS = (
    Column("link_id", "id"),
    Column("from_node", "id"),
    Column("to_node", "id"),
    Column("mode", "enum", choices=MODES),
    Column("corridor", "text"),
    Column("corridor_zh", "text", required=False, may_be_absent=True),
    Column("length_km", "number", required=False, positive=True),
    Column("speed_kmh", "number", positive=True),
    Column("capacity_movements_per_day", "number", positive=True),
    Column("waterway_class", "text", required=False),
    Column("max_vessel_dwt_t", "number", required=False, positive=True),
    Column("max_draught_m", "number", required=False, positive=True),
    Column("cost_cny_per_tkm", "number"),
    Column("co2_kg_per_tkm", "number"),
    Column("source", "text"),
)

LOCKS = (
    Column("lock_id", "id"),
    Column("chamber_id", "id"),
    Column("length_m", "number", positive=True),
    Column("width_m", "number", positive=True),
    Column("sill_depth_m", "number", positive=True),
    Column("status", "enum", choices=STATUSES),
    Column("commissioning_year", "year"),
    Column("levelling_min", "number", positive=True),
    Column("source", "text"),
)

VESSEL_CLASSES = (
    Column("vessel_class_id", "id"),
    Column("description", "text"),
    Column("dwt_t", "number", positive=True),
    Column("length_m", "number", positive=True),
    Column("beam_m", "number", positive=True),
    Column("loaded_draught_m", "number", positive=True),
    Column("speed_kmh", "number", positive=True),
    Column("teu_capacity", "int"),
    Column("sea_going", "bool"),
    Column("source", "text"),
)

VEHICLES = (
    Column("vehicle_id", "id"),
    Column("mode", "enum", choices=("rail", "road", "air")),
    Column("description", "text"),
    Column("payload_t", "number", positive=True),
    Column("teu_capacity", "int"),
    Column("speed_kmh", "number", positive=True),
    Column("source", "text"),
)

COMMODITIES = (
    Column("commodity_id", "id"),
    Column("name", "text"),
    Column("cargo_group", "enum", choices=CARGO_GROUPS),
    Column("t_per_teu", "number", required=False, positive=True),
    Column("value_cny_per_t", "number"),
    Column("needs_reefer_plug", "bool"),
    Column("source", "text"),
)

BERTHS = (
    Column("terminal_id", "id"),
    Column("berth_group_id", "id"),
    Column("berths", "int"),
    Column("max_vessel_dwt_t", "number", positive=True),
    Column("commodities", "list"),
    Column("cranes_per_berth", "int"),
    Column("crane_rate_t_per_h", "number", positive=True),
    Column("berthing_h", "number"),
    Column("working_h_per_day", "number", positive=True),
    Column("status", "enum", choices=STATUSES),
    Column("commissioning_year", "year"),
    Column("source", "text"),
)

YARDS = (
    Column("terminal_id", "id"),
    Column("yard_id", "id"),
    Column("cargo_group", "enum", choices=CARGO_GROUPS),
    Column("capacity_t", "number", positive=True),
    Column("reefer_plugs", "int"),
    Column("dwell_days", "number", positive=True),
    Column("source", "text"),
)

LANDSIDE = (
    Column("terminal_id", "id"),
    Column("gate_lanes", "int"),
    Column("gate_trucks_per_h_per_lane", "number"),
    Column("gate_hours_per_day", "number"),
    Column("rail_sidings", "int"),
    Column("train_handling_h", "number"),
    Column("rail_water_berth", "bool"),
    Column("source", "text"),
)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _parse_cell(value: Any, column: Column) -> tuple[Any, str | None]:
    """Return ``(typed value, None)`` or ``(None, what is wrong)`` for a non-missing cell."""
    text = str(value).strip()
    if column.kind == "id":
        if not _ID.match(text):
            return None, f"must be an id of upper-case letters, digits and _ (got {text!r})"
        return text, None
    if column.kind == "text":
        return text, None
    if column.kind == "enum":
        if text not in column.choices:
            return None, f"must be one of {', '.join(column.choices)} (got {text!r})"
        return text, None
    if column.kind == "list":
        items = tuple(item.strip() for item in text.split(";") if item.strip())
        for item in items:
            if column.choices and item not in column.choices:
                return None, f"items must be among {', '.join(column.choices)} (got {item!r})"
            if not column.choices and not _ID.match(item):
                return None, f"items must be ids separated by ';' (got {item!r})"
        if len(set(items)) != len(items):
            return None, f"lists an item twice (got {text!r})"
        return items, None
    if column.kind == "bool":
        lowered = text.lower()
        if lowered in ("true", "1", "yes"):
            return True, None
        if lowered in ("false", "0", "no"):
            return False, None
        return None, f"must be true or false (got {text!r})"
    if column.kind in ("int", "year"):
        try:
            number = float(text)
        except ValueError:
            return None, f"must be a whole number (got {text!r})"
        if not math.isfinite(number) or number != int(number):
            return None, f"must be a whole number (got {text!r})"
        if column.kind == "year" and not 1900 <= number <= 2100:
            return None, f"must be a year between 1900 and 2100 (got {text})"
        if number < 0:
            return None, f"must be >= 0 (got {text})"
        return int(number), None
    # number
    try:
        number = float(text)
    except ValueError:
        return None, f"must be a number (got {text!r})"
    if not math.isfinite(number):
        return None, f"must be a finite number (got {text!r})"
    if column.positive and number <= 0:
        return None, f"must be > 0 (got {text})"
    if number < 0:
        return None, f"must be >= 0 (got {text})"
    return number, None


def _empty_value(column: Column) -> Any:
    if column.kind == "list":
        return ()
    if column.kind in ("number", "int", "year"):
        return math.nan
    if column.kind == "bool":
        return False
    return ""


def parse_frame(
    raw: pd.DataFrame,
    columns: Sequence[Column],
    *,
    file: str,
    row_label: Callable[[int], str],
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check ``raw`` against ``columns`` and return typed columns and the problems found.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read, one row per record; extra columns are kept untouched.
    columns : sequence of Column
        The contract of this file.
    file : str
        File name used in problem messages.
    row_label : callable
        Maps a 0-based row position to the text that locates it, e.g. ``"line 7"``.

    Returns
    -------
    frame : pandas.DataFrame
        A copy of ``raw`` with the contract's columns typed (same index).
    problems : list of Problem
        Empty when the table honours the contract.
    """
    import pandas as pd

    problems: list[Problem] = []
    missing = [c.name for c in columns if c.name not in raw.columns and not c.may_be_absent]
    for name in missing:
        problems.append(Problem(file, "column is missing (see data/ports/README.md)", column=name))
    if missing:
        return raw.copy(), problems
    raw = raw.assign(**{c.name: None for c in columns if c.name not in raw.columns})
    frame = raw.copy()
    for column in columns:
        values: list[Any] = []
        for position, value in enumerate(raw[column.name].tolist()):
            if _is_missing(value):
                if column.required:
                    problems.append(
                        Problem(file, "value is missing", row_label(position), column.name)
                    )
                values.append(_empty_value(column))
                continue
            parsed, error = _parse_cell(value, column)
            if error is not None:
                problems.append(Problem(file, error, row_label(position), column.name))
                parsed = _empty_value(column)
            values.append(parsed)
        if column.kind in ("number",):
            frame[column.name] = pd.Series(values, index=raw.index, dtype="float64")
        elif column.kind in ("int", "year"):
            if any(isinstance(v, float) for v in values):
                frame[column.name] = pd.Series(values, index=raw.index, dtype="float64")
            else:
                frame[column.name] = pd.Series(values, index=raw.index, dtype="int64")
        elif column.kind == "bool":
            frame[column.name] = pd.Series(values, index=raw.index, dtype="bool")
        else:
            frame[column.name] = pd.Series(values, index=raw.index, dtype="object")
    return frame, problems
