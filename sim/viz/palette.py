"""Colours and names of hubsim charts, and when a chart draws a 95 % CI: shared by the PNG
charts (:mod:`sim.viz`) and the report's interactive figures (:mod:`sim.report.figures`), with
no matplotlib import.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from network.plot import MODE_COLOURS, MODE_LABELS
from sim import facilities
from sim.analysis.verdict import MIN_REPLICATIONS
from sim.i18n import tr

__all__ = [
    "COMMODITY_COLOURS",
    "KIND_COLOURS",
    "KIND_LABELS",
    "MODE_COLOURS",
    "MODE_LABELS",
    "PORT_COLOUR",
    "TARGET_COLOUR",
    "THROUGH_COLOUR",
    "ci_bounds",
    "ci_note",
    "ci_shown",
    "commodity_colour",
    "kind_colour",
    "kind_label",
    "mode_colour",
]


def kind_colour(kind: str) -> str:
    """Colour of a facility kind (see :mod:`sim.facilities`): its mode's colour for a
    landside kind, grey for a kind that is not registered."""
    try:
        descriptor = facilities.kind(kind)
    except facilities.UnknownKind:
        return "grey"
    if descriptor.mode is None:
        return descriptor.colour
    return MODE_COLOURS.get(descriptor.mode, descriptor.colour)


def kind_label(kind: str) -> str:
    """What charts call a facility kind ("Lock", "Truck gate", in the current language); the
    kind itself if unknown."""
    try:
        return tr(facilities.kind(kind).label)
    except facilities.UnknownKind:
        return kind


#: The waterside kinds of the bottleneck table (lock, berths, yard), as charts colour them.
KIND_COLOURS = {
    k.name: kind_colour(k.name) for k in facilities.kinds(side="waterside") if k.rank is not None
}
#: Every registered kind, as charts name it.
KIND_LABELS = {k.name: k.label for k in facilities.kinds()}
TARGET_COLOUR = "#d62728"
#: Ships calling at the port (inland waterway colour) and through traffic (grey).
PORT_COLOUR = MODE_COLOURS["water"]
THROUGH_COLOUR = "#9e9e9e"
#: Commodities of the bundled data, in a fixed order so colours never move between charts.
COMMODITY_COLOURS = {
    "COAL": "#3b3b3b",
    "BUILDING_MAT": "#b07a46",
    "METAL_ORE": "#8c564b",
    "NONMETAL_ORE": "#c49c94",
    "GRAIN": "#e6b800",
    "SALT": "#9edae5",
    "STEEL": "#7f7f7f",
    "CHEMICALS": "#9467bd",
    "CONTAINER": "#1f77b4",
    "COLD_CHAIN": "#17becf",
}
_SPARE = ("#ff7f0e", "#2ca02c", "#e377c2", "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a")
_EXTRA_MODES = {"port handling": "#2ca02c"}


def commodity_colour(commodity: str) -> str:
    """Colour of a commodity (stable for commodities outside the bundled list too)."""
    if commodity in COMMODITY_COLOURS:
        return COMMODITY_COLOURS[commodity]
    return _SPARE[sum(map(ord, commodity)) % len(_SPARE)]


def mode_colour(mode: str) -> str:
    """Colour of a mode, or of a landside label such as ``road+rail`` (its first mode)."""
    first = mode.split("+")[0].strip()
    return MODE_COLOURS.get(first) or _EXTRA_MODES.get(first, "#c7c7c7")


def ci_bounds(table: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95 % CI (low, high) of a KPI column as float arrays.

    The KPI tables carry ``<column>_ci95_low`` and ``<column>_ci95_high`` beside each mean;
    where a table has none (one replication), both bounds are the mean.
    """
    mean = table[column].to_numpy(dtype=float)
    low = table.get(f"{column}_ci95_low", table[column]).to_numpy(dtype=float)
    high = table.get(f"{column}_ci95_high", table[column]).to_numpy(dtype=float)
    return mean, low, high


def ci_shown(replications: int) -> bool:
    """Whether a run has replications enough for its 95 % CIs to be drawn: as many as the
    verdict needs before it leans on a CI (``MIN_REPLICATIONS``, 3). With fewer, the t
    quantile makes a two-replication interval say little and one replication has none."""
    return replications >= MIN_REPLICATIONS


def ci_note(replications: int) -> str:
    """What a chart says in place of the CIs it does not draw (empty when it draws them)."""
    if ci_shown(replications):
        return ""
    if replications <= 1:
        return tr(
            "1 replication: no 95 % confidence interval (one needs at least {least} replications)",
            least=MIN_REPLICATIONS,
        )
    return tr(
        "{replications} replications: too few for a meaningful 95 % confidence interval "
        "(at least {least}); values are the mean",
        replications=replications,
        least=MIN_REPLICATIONS,
    )
