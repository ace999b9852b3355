"""The descriptor of a facility kind: everything hubsim says about one kind, in one place.

A facility kind (a lock, a berth group, a yard, a truck gate, ...) appears at every stage of a
run: a section of the scenario file, a spec of the sealed model, a station of the engine, rows
of a KPI table, a line of the bottleneck ranking, a relief rule of the capacity search, and
labels and colours in the charts. :class:`FacilityKind` holds all of that for one kind; the
stages look a kind up in the registry (:mod:`sim.facilities`) instead of keeping their own
per-kind dictionaries.

This module imports nothing heavy: the schema, spec and station are named by ``module:Name``
and imported on demand (:meth:`FacilityKind.schema_class` ...), so that the registry can be
read by the CLI, a spawned worker or the engine's compiled modules at no cost.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FacilityKind", "RankRow", "ReliefRule", "resolve"]

#: (utilisation, mean wait h, total wait h, blocked h) of one resource, from one row of its
#: KPI table: the figures the bottleneck ranking compares across kinds.
RankRow = tuple[float, float, float, float]

#: Relieves one resource in the scenario's document (``Scenario.model_dump(mode="json")``),
#: editing it in place, and says what it changed (None: nothing to relieve there). It gets
#: the scenario too, for what is not in the document (the network's data): a
#: :class:`sim.scenario.Scenario`, typed ``Any`` here because the scenario layer reads this
#: registry (to check a scenario's ``facilities`` section) and must not be imported by it.
ReliefRule = Callable[[dict[str, Any], str, Any], str | None]


def resolve(reference: str) -> Any:
    """The object a ``"package.module:Name"`` reference names (imported now)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class FacilityKind:
    """One kind of facility, described once.

    Attributes
    ----------
    name : str
        The kind as the KPI and bottleneck tables name it (their ``kind`` column), and the key
        of the registry: ``lock``, ``berths``, ``yard``, ``gate``, ...
    label : str
        What a chart or a report calls one of them ("Lock", "Truck gate").
    side : {"waterside", "landside", "routing"}
        Where it acts: on ships' itineraries, on the cargo's landside leg, or on the choice of
        a route (the diverter).
    scenario : str
        Where a scenario file declares it (for the docs and error messages).
    schema : str or None
        Its pydantic scenario model, as ``module:Name``.
    spec : str or None
        Its spec in the sealed model (:class:`sim.model.specs.CompiledModel`), as ``module:Name``.
    compiler : str or None
        For a **stop on ships' paths** declared in the scenario's ``facilities`` section (a
        ship-to-ship transfer anchorage, a bunkering station): ``module:function`` turning that
        section's entries into the sealed model's stops, called as ``function(entries,
        calendar)`` with ``entries`` the validated ``schema`` models by network node id and
        ``calendar`` the run's :class:`sim.model.calendar.Calendar`; it returns one
        :class:`sim.model.specs.StopSpec` per entry, in order. Ships whose path passes a node
        stop there. Such a kind's station is ``station`` if given, else
        :class:`sim.engine.stations.servers.ServerStop`; its visits make the rows of the
        ``stops`` KPI table (``kpi_table="stops"``).
    station : str or None
        The engine class that runs it, as ``module:Name``. Every station follows the contract of
        :mod:`sim.engine.context`: it is built with a narrow context, is woken by the engine,
        records through the context and keeps its own invariants.
    kpi_table : str or None
        The KPI table (``kpi/<name>.parquet``) with one row per resource of this kind.
    kpi_columns : tuple of str
        That table's columns (pinned by a test: a kind's KPIs are part of its description).
    rank : callable or None
        ``rank(row) -> (utilisation, mean_wait_h, wait_h_total, blocked_h)`` for one row of its
        KPI table, for the bottleneck ranking (None: the kind is not ranked, or its figures
        are computed from the vessels, see ``sim.analysis.kpi.bottlenecks``).
    relieve : callable or None
        The capacity search's relief rule (:data:`ReliefRule`; None: no relief is tried).
    relief : str
        The relief rule in words ("one more chamber as large as the largest").
    breakdown : str or None
        Its name in ``operations.breakdowns[].kind`` (None: it does not break down).
    weather : str or None
        Its name in ``operations.weather.applies_to`` (None: weather does not stop it).
    colour, hatch : str
        How charts draw it.
    mode : str or None
        The transport mode it serves (``road``, ``rail``, ``air``): charts then draw it in that
        mode's colour (``network.plot.MODE_COLOURS``) instead of ``colour``.
    unit_word : str
        The word after a place's name in a chart label ("Huaian port: gate").
    vehicles : str
        What its vehicles are called in a chart ("trucks"; empty: none).
    busy : str
        How a sentence states its utilisation, with ``{utilisation}`` (a share, 0-1).
    waits : str
        How a sentence states its wait, with ``{mean_wait_h}`` and ``{blocked_h}``.
    """

    name: str
    label: str
    side: Literal["waterside", "landside", "routing"]
    scenario: str
    schema: str | None = None
    spec: str | None = None
    compiler: str | None = None
    station: str | None = None
    kpi_table: str | None = None
    kpi_columns: tuple[str, ...] = ()
    rank: Callable[[Any], RankRow] | None = None
    relieve: ReliefRule | None = None
    relief: str = ""
    breakdown: str | None = None
    weather: str | None = None
    colour: str = "grey"
    hatch: str = ""
    mode: str | None = None
    unit_word: str = ""
    vehicles: str = ""
    busy: str = "it is used {utilisation:.0%} of the time"
    waits: str = "ships wait {mean_wait_h:.1f} h on average for it"

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip():
            raise ValueError(f"a facility kind needs a name (got {self.name!r})")
        if self.relieve is not None and not self.relief:
            raise ValueError(f"facility kind {self.name!r}: its relief rule needs words (relief)")
        if self.rank is not None and self.kpi_table is None:
            raise ValueError(f"facility kind {self.name!r}: rank needs a kpi_table to read")
        if self.compiler is not None and (self.side != "waterside" or self.schema is None):
            raise ValueError(
                f"facility kind {self.name!r}: a stop kind (compiler) is on the waterside and "
                "needs the schema of its entries"
            )

    @property
    def is_stop(self) -> bool:
        """Whether a scenario declares it in ``facilities`` as a stop on ships' paths."""
        return self.compiler is not None

    def schema_class(self) -> type | None:
        """The scenario model class (imported now)."""
        return None if self.schema is None else resolve(self.schema)

    def spec_class(self) -> type | None:
        """The sealed model's spec class (imported now)."""
        return None if self.spec is None else resolve(self.spec)

    def compile_stops(self, entries: Mapping[str, Any], calendar: Any) -> tuple[Any, ...]:
        """The sealed model's stops of a scenario's entries of this kind (see ``compiler``)."""
        if self.compiler is None:
            raise ValueError(f"facility kind {self.name!r} is not a stop kind (no compiler)")
        return tuple(resolve(self.compiler)(entries, calendar))

    def station_class(self) -> type | None:
        """The engine's station class (imported now)."""
        return None if self.station is None else resolve(self.station)

    def sentence(self, figures: Mapping[str, float]) -> str:
        """Its utilisation and wait in words, from a row of the bottleneck table."""
        return f"{self.busy.format(**figures)}; {self.waits.format(**figures)}"
