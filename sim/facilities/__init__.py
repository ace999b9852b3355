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
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownKind(f"no facility kind {name!r} (known: {known})") from None


def kinds(*, side: str | None = None) -> Iterator[FacilityKind]:
    """Every registered kind in registration order, or those on one ``side``."""
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
