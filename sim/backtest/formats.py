"""Words and numbers of a back-test as a planner reads them (console, chart, HTML), in the
current language (:mod:`sim.i18n`). The words are marked English (``N_``), translated where
they are shown; the files of a back-test (``backtest.csv``, ``.json``) keep the English."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.i18n import N_, current_language, tr

if TYPE_CHECKING:
    from sim.backtest.observations import Observation
    from sim.backtest.results import BacktestRow

__all__ = [
    "CONVENTIONS",
    "KPI_LABELS",
    "ROLE_WORDS",
    "format_band",
    "format_quantity",
    "format_with_ci",
    "kpi_words",
    "period_words",
    "place_words",
    "role_words",
]

#: Each KPI in words.
KPI_LABELS = {
    "port_throughput_t": N_("port throughput"),
    "port_area_throughput_t": N_("port area throughput"),
    "port_teu": N_("containers (TEU)"),
    "lock_lockages": N_("lockages"),
    "lock_ships": N_("ships passing"),
    "lock_ships_per_lockage": N_("ships per lockage"),
    "lock_cargo_t": N_("cargo through locks"),
    "lock_ship_tonnage_t": N_("ship tonnage through locks"),
    "lock_cargo_t_per_lockage": N_("cargo per lockage"),
    "lock_ship_tonnage_t_per_lockage": N_("ship tonnage per lockage"),
    "lock_peak_queue_ships": N_("peak queue (ships waiting)"),
    "canal_cargo_carried_t": N_("freight carried on the canal"),
}
#: The roles of a row in words.
ROLE_WORDS = {"calibration": N_("calibration"), "validation": N_("validation")}

#: How the back-test counts, term by term (the CLI caption, the HTML page, the README).
CONVENTIONS = (
    (
        N_("inside"),
        N_(
            "the predicted mean (over replications) lies within the band [band_low, "
            "band_high]; an empty bound is open. The 95 % CI is shown beside it, not used for "
            "the test."
        ),
    ),
    (
        N_("period"),
        N_(
            "whole calendar months of the row's year; each replication's KPI counts simulated "
            "time in those months only (never the warm-up)."
        ),
    ),
    (
        N_("port throughput"),
        N_(
            "tonnes across the quay: a ship's payload when its handling ends, twice for a "
            "water-to-water transshipment; a port area counts the terminals of the place's "
            "area."
        ),
    ),
    (
        N_("TEU"),
        N_(
            "container and reefer tonnes across the quay divided by the commodity's t_per_teu "
            "(data/ports/commodities.csv)."
        ),
    ),
    (
        N_("lockages"),
        N_(
            "lockages that carried at least one vessel, counted when they start; empty "
            "lockages (a chamber turned round for waiting ships) are left out, as in the locks "
            "table."
        ),
    ),
    (
        N_("ships, cargo, ship tonnage"),
        N_(
            "lock passages, counted with their lockage. Cargo: the payload of laden passages "
            "(an unloading ship sails back empty, a loading ship comes in empty); ship "
            "tonnage: the dwt of every passage. A group of locks (Subei canal) is the sum over "
            "its locks: a ship passing five steps counts five times."
        ),
    ),
    (
        N_("per lockage"),
        N_("the window's total divided by its lockages, in each replication, then averaged."),
    ),
    (
        N_("peak queue"),
        N_(
            "the most vessels waiting at once for the lock, both sides, from their arrival to "
            "the start of their lockage (a group of locks: the largest)."
        ),
    ),
    (
        N_("freight carried on the canal"),
        N_(
            "the payload of every voyage whose ship sails a Grand Canal (Subei) link, counted "
            "once, when the ship leaves the system."
        ),
    ),
    (
        N_("not predicted"),
        N_(
            "the row names no scenario, or its scenario does not model every lock of its "
            "place, or the place holds a lock outside the network (Zhuma): never a partial sum."
        ),
    ),
)

#: Places the back-test names in its own words (aggregates, the port, a port area).
_PLACE_WORDS = (
    N_("Huai'an Port"),
    N_("Subei canal"),
    N_("Huai'an waterway locks"),
    N_("Huai'an port area"),
)


def kpi_words(kpi: str) -> str:
    """A KPI in words, in the current language."""
    return tr(KPI_LABELS[kpi])


def role_words(role: str) -> str:
    """``calibration`` or ``validation`` in the current language."""
    return tr(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def place_words(row: BacktestRow) -> str:
    """A row's place: its label (network names, ``Huai'an lock``); in Chinese the network's
    ``name_zh`` of the place (淮安船闸), or the back-test's own words for an aggregate (苏北运河),
    else the English label."""
    if current_language() == "en":
        return row.label
    return row.label_zh or tr(row.label)


def period_words(observation: Observation) -> str:
    """The months of a row: ``2025 Jan-Sep`` (:attr:`Observation.period`), ``2025年1–9月``."""
    if current_language() == "en":
        return observation.period
    first, last = observation.months
    year = observation.year
    return f"{year}年{first}月" if first == last else f"{year}年{first}–{last}月"


def _scale(value: float, unit: str) -> tuple[float, str, str]:
    """(divisor, unit suffix, number format) that suit ``value``, in the current language
    (Chinese counts a billion tonnes in 亿吨, 1e8 t)."""
    if unit == "t":
        size = abs(value)
        if size >= 1e9:
            if current_language() != "en":  # 亿: the Chinese count of 1e8
                return 1e8, " 亿吨", ",.1f"
            return 1e9, " bn t", ",.2f"
        if size >= 1e8:
            return 1e6, tr(" Mt"), ",.0f"
        if size >= 1e7:
            return 1e6, tr(" Mt"), ",.1f"
        if size >= 1e5:
            return 1e6, tr(" Mt"), ",.2f"
        return 1.0, tr(" t"), ",.0f"
    suffix = {"t/lockage": tr(" t"), "TEU": tr(" TEU")}.get(unit, "")
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
