"""Words and numbers of a back-test as a planner reads them (console, chart, HTML)."""

from __future__ import annotations

import math

__all__ = ["CONVENTIONS", "KPI_LABELS", "format_band", "format_quantity", "format_with_ci"]

#: Each KPI in words.
KPI_LABELS = {
    "port_throughput_t": "port throughput",
    "port_area_throughput_t": "port area throughput",
    "port_teu": "containers (TEU)",
    "lock_lockages": "lockages",
    "lock_ships": "ships passing",
    "lock_ships_per_lockage": "ships per lockage",
    "lock_cargo_t": "cargo through locks",
    "lock_ship_tonnage_t": "ship tonnage through locks",
    "lock_cargo_t_per_lockage": "cargo per lockage",
    "lock_ship_tonnage_t_per_lockage": "ship tonnage per lockage",
    "lock_peak_queue_ships": "peak queue (ships waiting)",
    "canal_cargo_carried_t": "freight carried on the canal",
}

#: How the back-test counts, term by term (the CLI caption, the HTML page, the README).
CONVENTIONS = (
    (
        "inside",
        "the predicted mean (over replications) lies within the band [band_low, band_high]; "
        "an empty bound is open. The 95 % CI is shown beside it, not used for the test.",
    ),
    (
        "period",
        "whole calendar months of the row's year; each replication's KPI counts simulated time "
        "in those months only (never the warm-up).",
    ),
    (
        "port throughput",
        "tonnes across the quay: a ship's payload when its handling ends, twice for a "
        "water-to-water transshipment; a port area counts the terminals of the place's area.",
    ),
    (
        "TEU",
        "container and reefer tonnes across the quay divided by the commodity's t_per_teu "
        "(data/ports/commodities.csv).",
    ),
    (
        "lockages",
        "lockages that carried at least one vessel, counted when they start; empty lockages "
        "(a chamber turned round for waiting ships) are left out, as in the locks table.",
    ),
    (
        "ships, cargo, ship tonnage",
        "lock passages, counted with their lockage. Cargo: the payload of laden passages (an "
        "unloading ship sails back empty, a loading ship comes in empty); ship tonnage: the "
        "dwt of every passage. A group of locks (Subei canal) is the sum over its locks: a "
        "ship passing five steps counts five times.",
    ),
    (
        "per lockage",
        "the window's total divided by its lockages, in each replication, then averaged.",
    ),
    (
        "peak queue",
        "the most vessels waiting at once for the lock, both sides, from their arrival to the "
        "start of their lockage (a group of locks: the largest).",
    ),
    (
        "freight carried on the canal",
        "the payload of every voyage whose ship sails a Grand Canal (Subei) link, counted "
        "once, when the ship leaves the system.",
    ),
    (
        "not predicted",
        "the row names no scenario, or its scenario does not model every lock of its place, "
        "or the place holds a lock outside the network (Zhuma): never a partial sum.",
    ),
)


def _scale(value: float, unit: str) -> tuple[float, str, str]:
    """(divisor, unit suffix, number format) that suit ``value``."""
    if unit == "t":
        size = abs(value)
        if size >= 1e9:
            return 1e9, " bn t", ",.2f"
        if size >= 1e8:
            return 1e6, " Mt", ",.0f"
        if size >= 1e7:
            return 1e6, " Mt", ",.1f"
        if size >= 1e5:
            return 1e6, " Mt", ",.2f"
        return 1.0, " t", ",.0f"
    suffix = {"t/lockage": " t", "TEU": " TEU"}.get(unit, "")
    return 1.0, suffix, ",.2f" if unit == "ships/lockage" else ",.0f"


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def format_quantity(value: float | None, unit: str) -> str:
    """A value in its unit, rounded for reading.

    Examples
    --------
    >>> format_quantity(1.76e9, "t"), format_quantity(6.05e6, "t"), format_quantity(612e3, "TEU")
    ('1.76 bn t', '6.05 Mt', '612,000 TEU')
    >>> format_quantity(3.741, "ships/lockage"), format_quantity(6027.0, "t/lockage")
    ('3.74', '6,027 t')
    """
    if value is None or math.isnan(value):
        return "-"
    divisor, suffix, fmt = _scale(value, unit)
    return format(value / divisor, fmt) + suffix


def format_band(low: float | None, high: float | None, unit: str) -> str:
    """A tolerance band: ``323 - 357 Mt``, ``>= 4,100`` (open above).

    Examples
    --------
    >>> format_band(3.23e8, 3.57e8, "t"), format_band(4100.0, None, "ships")
    ('323 - 357 Mt', '>= 4,100')
    """
    if low is None or high is None:
        return (
            f">= {format_quantity(low, unit)}"
            if high is None
            else f"<= {format_quantity(high, unit)}"
        )
    divisor, suffix, fmt = _scale(high, unit)
    return f"{format(low / divisor, fmt)} - {format(high / divisor, fmt)}{suffix}"


def format_with_ci(mean: float | None, low: float | None, high: float | None, unit: str) -> str:
    """A prediction with its 95 % CI in the mean's unit: ``123 Mt (122 - 124)``; the mean
    alone from one replication.

    Examples
    --------
    >>> format_with_ci(1.2345e8, 1.22e8, 1.24e8, "t")
    '123 Mt (122 - 124)'
    """
    if mean is None or math.isnan(mean):
        return "-"
    text = format_quantity(mean, unit)
    if _missing(low) or _missing(high):
        return text
    assert low is not None and high is not None
    divisor, _, fmt = _scale(mean, unit)
    return f"{text} ({format(low / divisor, fmt)} - {format(high / divisor, fmt)})"
