"""What charts and reports need to know about a compiled model, as plain tables and JSON.

A run folder must be enough to draw every chart of the run without simulating again, so
:func:`describe_model` turns a :class:`~sim.model.specs.CompiledModel` into a
:class:`ModelInfo`: resources in the engine's index order (so that the indices in the event
records resolve), the calendar, each itinerary's ship path and full route (link ids), and the
places and links of the network with their geometry. :meth:`ModelInfo.to_json` and
:meth:`ModelInfo.from_json` write and read it as ``model.json``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.model.calendar import Calendar
from sim.model.specs import CompiledModel
from sim.scenario import Scenario
from sim.scenario.routes import NetworkCheck, check_network

__all__ = [
    "FORMAT",
    "ModelInfo",
    "ModelInfoError",
    "describe_model",
    "interpolate_sailing",
    "lock_and_berth_sailing",
]


def lock_and_berth_sailing(itinerary: Any) -> tuple[int, list[float]]:
    """How many locks and berths an itinerary row of ``model.json`` meets, and the hours
    sailed to each then from the last to the exit.

    A stop of a registered kind (``kinds`` other than ``lock`` and ``berth``) is folded into
    the sailing to the next lock or berth: the maps and the time-space diagram draw it as a
    place the ship passes, its time there shown as slower sailing on that stretch.
    """
    sails: list[float] = []
    carried = 0.0
    for kind, hours in zip(itinerary["kinds"], itinerary["sail_h"], strict=True):
        if kind in ("lock", "berth"):
            sails.append(carried + float(hours))
            carried = 0.0
        else:
            carried += float(hours)
    return len(sails), [*sails, carried + float(itinerary["sail_after_h"])]


def interpolate_sailing(
    arrive: np.ndarray,
    serve: np.ndarray,
    depart: np.ndarray,
    legs: Sequence[int],
    hop_h: np.ndarray,
    dwell: np.ndarray,
    sail: Sequence[float],
) -> None:
    """Fill in, in place, the times at the places a ship passes between the places it was
    recorded at (the time-space diagram's and the viewer's tracks).

    ``arrive``, ``serve`` and ``depart`` are (ships, places) hours, known at the places whose
    columns ``legs`` lists in order (entry, locks and berths, exit); ``hop_h[j]`` is the
    nominal time from place ``j`` to ``j + 1`` (link length over speed), ``dwell[j]`` the time
    passing place ``j`` takes and ``sail[leg]`` the sailing hours the itinerary gives from
    ``legs[leg]`` to ``legs[leg + 1]``. The links of a leg share its sailing hours as their
    nominal times do, scaled so that the ship reaches the next recorded place when it was
    recorded there; a recorded place keeps its recorded arrival.
    """
    for leg, (a, b) in enumerate(itertools.pairwise(legs)):
        nominal = np.concatenate([[0.0], np.cumsum(hop_h[a:b] + dwell[a + 1 : b + 1])])
        nominal_total = nominal[-1] - dwell[b]
        scale = float(sail[leg]) / nominal_total if nominal_total > 0 else 1.0
        for k, j in enumerate(range(a + 1, b + 1)):
            due = depart[:, a] + scale * (nominal[k + 1] - dwell[j]) + 0.0
            if j == b:
                arrive[:, j] = np.where(np.isnan(arrive[:, j]), due, arrive[:, j])
            else:
                arrive[:, j] = due
                serve[:, j] = due
                depart[:, j] = due + dwell[j]


#: ``format`` field of ``model.json``; :meth:`ModelInfo.from_json` refuses anything else.
# 2: hour 0 is the start of the warm-up, before 1 January of the first year (1: that day)
FORMAT = "hubsim-model/2"

_TABLES = (
    "classes",
    "chambers",
    "locks",
    "groups",
    "yards",
    "terminals",
    "flows",
    "itineraries",
    "places",
    "links",
    "stages",
)
#: Columns of the ``stages`` table; a ``model.json`` written before it existed reads as empty.
_STAGE_COLUMNS = [
    "id",
    "kind",
    "place",
    "rate_t_per_h",
    "vehicle_t",
    "hours_per_day",
    "opens_at_h",
]


class ModelInfoError(ValueError):
    """A ``model.json`` document that is not one this version writes."""


@dataclass(frozen=True)
class ModelInfo:
    """A compiled model described for charts and reports.

    Every table keeps the engine's order: row ``i`` of ``locks`` is lock index ``i`` in the
    passage and lockage records, row ``i`` of ``groups`` is ``berth_group == i`` in the vessel
    records, and so on.

    Attributes
    ----------
    scenario : dict
        The scenario as data (``Scenario.model_dump(mode="json")``).
    first_year : int
        First counted year: 1 January of it is simulation hour ``warmup_h``.
    horizon_h, warmup_h : float
        End of the run and end of the warm-up (statistics count after it), in hours; hour 0
        is the start of the warm-up, ``warmup_h`` hours before 1 January ``first_year``.
    end_h : tuple of float
        Hour each replication stopped (the horizon, or earlier when a queue overflowed).
    notes : tuple of str
        What the engine does not simulate yet, as said in every result.
    unmodelled_lock_h : float
        Hours a ship spends at a lock the scenario does not model.
    classes : DataFrame
        ``id, dwt_t, length_m, beam_m, speed_kmh``.
    locks : DataFrame
        ``id, name, chambers, policy``.
    chambers : DataFrame
        ``lock, chamber, length_m, width_m, start_h, end_h`` (``start_h``/``end_h`` NaN:
        unbounded).
    groups : DataFrame
        Berth groups: ``id, terminal, port_area, berths, start_h, end_h``.
    yards : DataFrame
        ``id, terminal, cargo_group, capacity_t, dwell_h, reefer_plugs, start_h``.
    terminals : DataFrame
        ``id, name, port_area``.
    flows : DataFrame
        ``id, kind (stream or through), commodity, terminal, origin, destination``.
    itineraries : DataFrame
        ``flow`` (row of ``flows``), ``vessel_class`` (row of ``classes``), ``handling``,
        ``kinds`` (``"lock"``/``"berth"`` per resource met), ``resources`` (lock or terminal
        row per resource), ``sail_h`` (hours sailed before each resource), ``sail_after_h``,
        ``places`` (the ship path from where the ship enters to the terminal, or to the
        destination for through traffic), ``ship_links`` (the links between those places) and
        ``route_links`` (every link the cargo uses, all
        modes).
    places : DataFrame
        ``id, name, name_zh, kind, lon, lat`` (empty without network; ``name_zh`` is empty
        where the data gives no Chinese name, and missing in a ``model.json`` written before
        it was added).
    links : DataFrame
        ``id, from_node, to_node, mode, corridor, corridor_zh, length_km, speed_kmh`` (speed
        after the plan's upgrades) and ``coords`` (list of ``[lon, lat]``); ``corridor_zh``
        is the corridor's Chinese name, empty where the data gives none, and missing in a
        ``model.json`` written before it was added.
    stages : DataFrame
        Landside stages (row ``i`` is ``stage == i`` in the ``stage_hours`` and ``trains``
        records): ``id, kind (gate, rail, air or rate), place, rate_t_per_h`` (tonnes an open
        hour moves; NaN for rail), ``vehicle_t`` (tonnes per truck, train or flight),
        ``hours_per_day`` and ``opens_at_h`` (daily opening hours).
    """

    scenario: dict[str, Any]
    first_year: int
    horizon_h: float
    warmup_h: float
    end_h: tuple[float, ...]
    notes: tuple[str, ...]
    unmodelled_lock_h: float
    classes: pd.DataFrame = field(repr=False)
    locks: pd.DataFrame = field(repr=False)
    chambers: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    yards: pd.DataFrame = field(repr=False)
    terminals: pd.DataFrame = field(repr=False)
    flows: pd.DataFrame = field(repr=False)
    itineraries: pd.DataFrame = field(repr=False)
    places: pd.DataFrame = field(repr=False)
    links: pd.DataFrame = field(repr=False)
    stages: pd.DataFrame = field(
        repr=False, default_factory=lambda: pd.DataFrame(columns=_STAGE_COLUMNS)
    )

    @property
    def name(self) -> str:
        """Scenario name."""
        return str(self.scenario.get("name", ""))

    @property
    def target_t(self) -> float:
        """Target port throughput, tonnes per year."""
        return float(self.scenario["target"]["throughput_t"])

    @property
    def target_year(self) -> int:
        """Year the target applies to."""
        return int(self.scenario["target"]["year"])

    @property
    def calendar(self) -> Calendar:
        """The run's calendar (hour <-> date, months)."""
        return Calendar.build(self.first_year, self.horizon_h, self.warmup_h)

    @property
    def has_network(self) -> bool:
        """Whether the scenario runs on a network (ship paths, places, links)."""
        return not self.links.empty

    def to_json(self) -> dict[str, Any]:
        """The JSON document written as ``model.json`` (infinite hours as ``null``)."""
        document: dict[str, Any] = {
            "format": FORMAT,
            "scenario": self.scenario,
            "first_year": self.first_year,
            "horizon_h": self.horizon_h,
            "warmup_h": self.warmup_h,
            "end_h": list(self.end_h),
            "notes": list(self.notes),
            "unmodelled_lock_h": self.unmodelled_lock_h,
        }
        for name in _TABLES:
            table: pd.DataFrame = getattr(self, name)
            document[name] = {
                "columns": list(table.columns),
                "rows": [[_plain(v) for v in row] for row in table.itertuples(index=False)],
            }
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ModelInfo:
        """Read a document written by :meth:`to_json`.

        Raises
        ------
        ModelInfoError
            The document is not a ``model.json`` of this format.
        """
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            found = document.get("format") if isinstance(document, dict) else type(document)
            raise ModelInfoError(f"format must be {FORMAT!r} (got {found!r})")
        try:
            tables = {
                name: pd.DataFrame(document[name]["rows"], columns=document[name]["columns"])
                for name in _TABLES
                if name != "stages" or name in document
            }
            if "stages" in tables:
                for column in ("rate_t_per_h", "vehicle_t", "hours_per_day", "opens_at_h"):
                    tables["stages"][column] = tables["stages"][column].astype(float)
            for name in ("chambers", "groups", "yards"):
                for column in ("start_h", "end_h"):
                    if column in tables[name]:
                        tables[name][column] = tables[name][column].astype(float)
            return cls(
                document["scenario"],
                int(document["first_year"]),
                float(document["horizon_h"]),
                float(document["warmup_h"]),
                tuple(float(v) for v in document["end_h"]),
                tuple(document["notes"]),
                float(document["unmodelled_lock_h"]),
                **tables,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelInfoError(f"malformed model description: {error}") from None


def _text(value: Any) -> str:
    """A text field of the network data, "" where it is missing (None or NaN)."""
    return value if isinstance(value, str) else ""


def _plain(value: Any) -> Any:
    """A JSON-safe value: tuples as lists, infinite or NaN floats as null."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _finite(hours: float) -> float:
    return hours if math.isfinite(hours) else math.nan


def _chain(link_ids: Sequence[str], ends: dict[str, tuple[str, str]], *, last: str) -> list[str]:
    """Places of a path given its links in order and the place it ends at."""
    places = [last]
    for link_id in reversed(link_ids):
        a, b = ends[link_id]
        places.append(a if b == places[-1] else b)
    return places[::-1]


def _chain_from(link_ids: Sequence[str], ends: dict[str, tuple[str, str]], first: str) -> list[str]:
    places = [first]
    for link_id in link_ids:
        a, b = ends[link_id]
        places.append(b if a == places[-1] else a)
    return places


def describe_model(
    scenario: Scenario,
    model: CompiledModel,
    end_h: Sequence[float] | None = None,
    *,
    check: NetworkCheck | None = None,
) -> ModelInfo:
    """Describe ``model`` for charts and reports.

    Parameters
    ----------
    scenario : Scenario
        The scenario ``model`` was compiled from.
    model : CompiledModel
        The model a run simulated.
    end_h : sequence of float, optional
        Hour each replication stopped (default: none recorded).
    check : NetworkCheck, optional
        The scenario's network check, if the run kept it (default: checked here again,
        which reads the network data).

    Returns
    -------
    ModelInfo
    """
    if check is None:
        check = check_network(scenario)
    dataset = check.dataset
    names: dict[str, str] = {}
    places = pd.DataFrame(columns=["id", "name", "name_zh", "kind", "lon", "lat"])
    links = pd.DataFrame(
        columns=[
            "id",
            "from_node",
            "to_node",
            "mode",
            "corridor",
            "corridor_zh",
            "length_km",
            "speed_kmh",
            "coords",
        ]
    )
    ends: dict[str, tuple[str, str]] = {}
    if dataset is not None:
        nodes = dataset.nodes
        names = dict(zip(nodes["node_id"], nodes["name"], strict=True))
        places = pd.DataFrame(
            {
                "id": nodes["node_id"].to_list(),
                "name": nodes["name"].to_list(),
                # the Chinese name (data/ports/nodes.geojson), empty where the data has none
                "name_zh": [_text(v) for v in nodes.get("name_zh", pd.Series([""] * len(nodes)))],
                "kind": nodes["kind"].to_list(),
                "lon": nodes.geometry.x.to_list(),
                "lat": nodes.geometry.y.to_list(),
            }
        )
        rows = []
        for row in dataset.links.itertuples(index=False):
            upgrade = scenario.links.get(row.link_id)
            speed = upgrade.speed_kmh if upgrade is not None and upgrade.speed_kmh else None
            rows.append(
                {
                    "id": row.link_id,
                    "from_node": row.from_node,
                    "to_node": row.to_node,
                    "mode": row.mode,
                    "corridor": row.corridor,
                    # the Chinese name (data/ports/links.geojson), empty where the data has none
                    "corridor_zh": _text(getattr(row, "corridor_zh", "")),
                    "length_km": float(row.length_km),
                    "speed_kmh": float(speed or row.speed_kmh),
                    "coords": [[float(x), float(y)] for x, y in row.geometry.coords],
                }
            )
            ends[row.link_id] = (row.from_node, row.to_node)
        links = pd.DataFrame(rows, columns=links.columns)

    lock_rows, chamber_rows = [], []
    for lock in model.locks:
        lock_rows.append(
            {
                "id": lock.id,
                "name": names.get(lock.id, lock.id),
                "chambers": len(lock.chambers),
                "policy": lock.policy,
            }
        )
        for chamber in lock.chambers:
            chamber_rows.append(
                {
                    "lock": lock.id,
                    "chamber": chamber.id,
                    "length_m": chamber.length_m,
                    "width_m": chamber.width_m,
                    "start_h": _finite(chamber.start_h),
                    "end_h": _finite(chamber.end_h),
                }
            )
    terminals = pd.DataFrame(
        {
            "id": [t.id for t in model.terminals],
            "name": [names.get(t.id, t.id) for t in model.terminals],
            "port_area": [t.port_area for t in model.terminals],
        }
    )
    groups = pd.DataFrame(
        {
            "id": [g.id for g in model.groups],
            "terminal": [model.terminals[g.terminal].id for g in model.groups],
            "port_area": [model.terminals[g.terminal].port_area for g in model.groups],
            "berths": [g.count for g in model.groups],
            "start_h": [_finite(g.start_h) for g in model.groups],
            "end_h": [_finite(g.end_h) for g in model.groups],
        }
    )
    yards = pd.DataFrame(
        {
            "id": [y.id for y in model.yards],
            "terminal": [model.terminals[y.terminal].id for y in model.yards],
            "cargo_group": [y.cargo_group for y in model.yards],
            "capacity_t": [y.capacity_t for y in model.yards],
            "dwell_h": [y.dwell_h for y in model.yards],
            "reefer_plugs": [y.reefer_plugs for y in model.yards],
            "start_h": [_finite(y.start_h) for y in model.yards],
        }
    )
    classes = pd.DataFrame(
        {
            "id": [c.id for c in model.classes],
            "dwt_t": [c.dwt_t for c in model.classes],
            "length_m": [c.length_m for c in model.classes],
            "beam_m": [c.beam_m for c in model.classes],
            "speed_kmh": [c.speed_kmh for c in model.classes],
        }
    )
    class_index = {c.id: i for i, c in enumerate(model.classes)}
    origins = {
        **{s.id: (s.origin or "", s.destination or "") for s in scenario.demand.streams},
        **{t.id: (t.origin, t.destination) for t in scenario.demand.through_traffic},
    }
    flows = pd.DataFrame(
        {
            "id": [f.id for f in model.flows],
            "kind": [f.kind for f in model.flows],
            "commodity": [f.commodity for f in model.flows],
            "terminal": [
                model.terminals[f.terminal].id if f.terminal >= 0 else "" for f in model.flows
            ],
            "origin": [origins[f.id][0] for f in model.flows],
            "destination": [origins[f.id][1] for f in model.flows],
        }
    )
    itinerary_rows: list[dict[str, Any]] = [{} for _ in model.itineraries]
    members = [
        (f, position, i, False)
        for f, flow in enumerate(model.flows)
        for position, i in enumerate(flow.itineraries)
    ]
    # itineraries a ship may be diverted to: same flow and class, another terminal
    members += [
        (f, position, alternative, True)
        for f, flow in enumerate(model.flows)
        for position, i in enumerate(flow.itineraries)
        for alternative in model.diversions.get(i, ())
    ]
    for f, position, i, diverted in members:
        flow = model.flows[f]
        it = model.itineraries[i]
        vessel_id = model.classes[flow.classes[position]].id
        route_links: list[str] = []
        if diverted:
            route_links = list(it.ship_links)
            path = (
                _chain(it.ship_links, ends, last=model.terminals[it.terminal].id)
                if it.ship_links
                else []
            )
        elif flow.kind == "stream":
            found = next(
                (r for r in check.routes.get(flow.id, []) if r.vessel_class_id == vessel_id),
                None,
            )
            if found is not None:  # the ship side of the route (the landside is per option)
                ship_side = {
                    "unload": (found.inbound,),
                    "load": (found.outbound,),
                    "transship": (found.inbound, found.outbound),
                }[found.handling]
                for route in ship_side:
                    if route is not None:
                        route_links += [link for leg in route.legs for link in leg.link_ids]
            path = (
                _chain(it.ship_links, ends, last=model.terminals[flow.terminal].id)
                if it.ship_links
                else []
            )
        else:
            route_links = list(it.ship_links)
            path = _chain_from(it.ship_links, ends, origins[flow.id][0])
        itinerary_rows[i] = {
            "flow": f,
            "vessel_class": class_index[vessel_id],
            "handling": it.handling,
            "empty_leg": it.empty_leg,
            "kinds": [
                "lock" if k == 0 else "berth" if k == 1 else model.stop_kinds[k] for k in it.kinds
            ],
            "resources": list(it.index),
            "sail_h": list(it.sail_h),
            "sail_after_h": it.sail_after_h,
            "places": path,
            "ship_links": list(it.ship_links),
            "route_links": route_links,
            "yard": it.yard,
            "terminal": it.terminal,
            "landside_links": [list(option.link_ids) for option in it.landside],
        }
    return ModelInfo(
        scenario.model_dump(mode="json"),
        model.calendar.first_year,
        model.calendar.horizon_h,
        model.calendar.warmup_h,
        tuple(float(v) for v in (end_h or ())),
        tuple(model.notes),
        scenario.operations.unmodelled_lock_h,
        classes,
        pd.DataFrame(lock_rows, columns=["id", "name", "chambers", "policy"]),
        pd.DataFrame(
            chamber_rows, columns=["lock", "chamber", "length_m", "width_m", "start_h", "end_h"]
        ),
        groups,
        yards,
        terminals,
        flows,
        pd.DataFrame(
            itinerary_rows,
            columns=[
                "flow",
                "vessel_class",
                "handling",
                "empty_leg",
                "kinds",
                "resources",
                "sail_h",
                "sail_after_h",
                "places",
                "ship_links",
                "route_links",
                "yard",
                "terminal",
                "landside_links",
            ],
        ),
        places,
        links,
        pd.DataFrame(
            [
                (
                    stage.id,
                    stage.kind,
                    stage.place,
                    _finite(stage.rate_t_per_h),
                    stage.vehicle_t,
                    stage.hours_per_day,
                    stage.opens_at_h,
                )
                for stage in model.stages
            ],
            columns=_STAGE_COLUMNS,
        ),
    )
