"""The registry of facility kinds: each kind described once (:class:`FacilityKind`).

The KPI tables' ``kind`` column, the bottleneck ranking, the capacity search's relief rules
and the charts' labels and colours all come from here, so that a new kind is described in
one place rather than in a dictionary per stage::

    >>> from sim import facilities
    >>> facilities.kind("lock").relief
    'one more chamber as large as its largest, in service all year'
    >>> [k.name for k in facilities.kinds(side="landside")][:3]
    ['gate', 'rail', 'rail line']

Adding a kind (say a ship-to-ship transfer anchorage) takes, besides its tests:

1. its scenario section, a pydantic model in ``sim/scenario/models.py``;
2. its spec in the sealed model and the step of the compiler that fills it;
3. its station: a class following the contract of :mod:`sim.engine.context` (built with the
   narrow ``Context``, woken by the engine, recording through the context);
4. its descriptor here (labels, KPI table, ranking and relief rule), registered with
   :func:`register`.

The kinds hubsim ships are registered when this package is imported; a descriptor registered
by a user's package is used by the same tables and charts.

A **stop on ships' paths** (a ship-to-ship transfer anchorage, a bunkering or inspection
anchorage) needs no change to hubsim at all: a package describes it in one module (its
pydantic schema, a compiler from entries to :class:`sim.model.specs.StopSpec`, a service-time
rule and the descriptor with ``compiler=``; ``tests/test_stop_kinds.py`` is a complete one) and
registers it, either by calling :func:`register` or, so that ``hubsim`` on the command line and
every worker process find it, by an entry point in its ``pyproject.toml``::

    [project.entry-points."hubsim.facilities"]
    sts = "mypackage.sts:STS"

A scenario then declares the stops in ``facilities: {sts: {NODE_ID: {...}}}``; ships whose path
passes the node are served there by :class:`sim.engine.stations.servers.ServerStop`
(identical servers, first come first served), its visits fill the ``stops`` KPI table and the
kind is ranked and relieved like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.facilities.base import FacilityKind, RankRow, ReliefRule, resolve
from sim.facilities.landside import (
    AIRPORT,
    GATE,
    LANDSIDE_SUPPLY,
    RAIL_LINK,
    SIDINGS,
    YARD_RATE,
)
from sim.facilities.waterside import BERTHS, DIVERTER, LOCK, YARD

__all__ = [
    "ENTRY_POINTS",
    "FacilityKind",
    "RankRow",
    "ReliefRule",
    "UnknownKind",
    "kind",
    "kinds",
    "register",
    "resolve",
    "unregister",
]

_REGISTRY: dict[str, FacilityKind] = {}
#: the entry-point group through which installed packages register their kinds
ENTRY_POINTS = "hubsim.facilities"
_plugins_loaded = False


def _load_plugins() -> None:
    """Register the kinds installed packages declare (entry points ``hubsim.facilities``),
    once, at the first lookup."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINTS):
        descriptor = point.load()
        if not isinstance(descriptor, FacilityKind):
            raise TypeError(
                f"entry point {point.name!r} ({point.value}) of group {ENTRY_POINTS!r} is not "
                "a sim.facilities.FacilityKind"
            )
        if descriptor.name not in _REGISTRY:
            register(descriptor)


class UnknownKind(KeyError):
    """A facility kind that is not registered (the message lists those that are)."""

    def __str__(self) -> str:
        return str(self.args[0])


def register(descriptor: FacilityKind, *, replace: bool = False) -> FacilityKind:
    """Add a facility kind to the registry (``replace=True`` to redefine one)."""
    if descriptor.name in _REGISTRY and not replace:
        raise ValueError(
            f"facility kind {descriptor.name!r} is already registered "
            "(pass replace=True to redefine it)"
        )
    _REGISTRY[descriptor.name] = descriptor
    return descriptor


def unregister(name: str) -> None:
    """Remove a facility kind (for tests and for a package that registered its own)."""
    _REGISTRY.pop(name, None)


def kind(name: str) -> FacilityKind:
    """The descriptor of a kind, by its name in the KPI tables (``UnknownKind`` if none)."""
    _load_plugins()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownKind(f"no facility kind {name!r} (known: {known})") from None


def kinds(*, side: str | None = None) -> Iterator[FacilityKind]:
    """Every registered kind in registration order, or those on one ``side``."""
    _load_plugins()
    return (k for k in list(_REGISTRY.values()) if side is None or k.side == side)


for _descriptor in (
    LOCK,
    BERTHS,
    YARD,
    DIVERTER,
    GATE,
    SIDINGS,
    RAIL_LINK,
    AIRPORT,
    YARD_RATE,
    LANDSIDE_SUPPLY,
):
    register(_descriptor)
