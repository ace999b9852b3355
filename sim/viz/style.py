"""Shared look of hubsim charts: colours per mode, kind and commodity; figures; units.

Figures are built with :class:`matplotlib.figure.Figure` directly rather than through
``pyplot``: no global figure registry to leak into (a report draws many charts). They are
:class:`ChartFigure` objects, which Jupyter shows as PNG without any pyplot backend set up.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from network.plot import MODE_COLOURS, MODE_LABELS

__all__ = [
    "COMMODITY_COLOURS",
    "KIND_COLOURS",
    "KIND_LABELS",
    "MODE_COLOURS",
    "MODE_LABELS",
    "PORT_COLOUR",
    "TARGET_COLOUR",
    "THROUGH_COLOUR",
    "ChartFigure",
    "commodity_colour",
    "hours_to_datetimes",
    "mode_colour",
    "new_figure",
    "no_data",
]

#: Resource kinds as the bottleneck table names them.
KIND_COLOURS = {"lock": "#17becf", "berths": "#d62728", "yard": "#bcbd22"}
KIND_LABELS = {"lock": "Lock", "berths": "Berth group", "yard": "Yard"}
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


class ChartFigure(Figure):
    """A figure that displays itself as a PNG in Jupyter (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(width_in: float, height_in: float, **subplots: Any) -> tuple[Figure, Any]:
    """A figure with constrained layout and its axes (``Figure.subplots`` arguments)."""
    figure = ChartFigure(figsize=(width_in, height_in), layout="constrained")
    axes = figure.subplots(**subplots) if subplots else figure.subplots()
    return figure, axes


def no_data(ax: Axes, message: str) -> None:
    """Say on an empty panel why there is nothing to draw."""
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def hours_to_datetimes(first_year: int, hours: np.ndarray) -> np.ndarray:
    """Simulation hours as ``datetime64[s]`` (hour 0 is 1 January of ``first_year``)."""
    origin = np.datetime64(dt.datetime(first_year, 1, 1), "s")
    seconds = np.round(np.asarray(hours, dtype=float) * 3600.0)
    return origin + seconds.astype("timedelta64[s]")
