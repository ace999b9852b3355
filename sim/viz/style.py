"""Shared look of hubsim charts: colours per mode, kind and commodity; figures; error bars and
bar labels; units.

Figures are built with :class:`matplotlib.figure.Figure` directly rather than through
``pyplot``: no global figure registry to leak into (a report draws many charts). They are
:class:`ChartFigure` objects, which Jupyter shows as PNG without any pyplot backend set up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from network.plot import MODE_COLOURS, MODE_LABELS
from sim import facilities
from sim.analysis.verdict import MIN_REPLICATIONS
from sim.i18n import current_language, tr
from sim.model.calendar import Calendar

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
    "bold_text",
    "ci_bounds",
    "ci_note",
    "ci_shown",
    "commodity_colour",
    "error_bars",
    "hours_to_datetimes",
    "kind_colour",
    "kind_label",
    "label_bar_ends",
    "mode_colour",
    "new_figure",
    "no_data",
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


class ChartFigure(Figure):
    """A figure that displays itself as a PNG in Jupyter (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def bold_text(colour: str = "black") -> dict[str, Any]:
    """Keyword arguments of a matplotlib text drawn bold.

    English: ``fontweight="bold"``. Chinese is drawn in Noto Sans SC as hubsim ships it
    (:mod:`sim.i18n.fonts`), which has no bold face: matplotlib would draw the text regular and
    log that it found none. There the text is regular with a thin outline of its own colour,
    which reads as bold and takes the same room.
    """
    if current_language() == "en":
        return {"fontweight": "bold"}
    from matplotlib import patheffects

    return {
        "fontweight": "normal",
        "path_effects": [patheffects.withStroke(linewidth=0.6, foreground=colour)],
    }


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


def hours_to_datetimes(calendar: Calendar, hours: np.ndarray) -> np.ndarray:
    """Simulation hours as ``datetime64[s]`` (hour ``calendar.warmup_h`` is 1 January of
    ``calendar.first_year``)."""
    return calendar.datetimes(hours)


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


def error_bars(
    mean: np.ndarray, low: np.ndarray, high: np.ndarray, *, floor: float | None = None
) -> np.ndarray:
    """Matplotlib's ``xerr``/``yerr`` (2 x n: below, above) from a mean and its CI bounds.

    An unknown bound (NaN: a single replication) draws no error bar; ``floor`` clips the low
    bound first (a share or a wait cannot be negative).
    """
    below = np.asarray(low, dtype=float)
    if floor is not None:
        below = np.clip(below, floor, None)
    return np.vstack([np.nan_to_num(mean - below), np.nan_to_num(np.asarray(high) - mean)])


def label_bar_ends(
    ax: Axes,
    ends: Sequence[float] | np.ndarray,
    texts: Sequence[str],
    *,
    rows: Sequence[float] | np.ndarray | None = None,
    offset_pt: float = 4.0,
    fontsize: float = 8.0,
    colours: Sequence[str] | None = None,
) -> None:
    """Write ``texts[i]`` just right of ``ends[i]`` on horizontal bar ``i``.

    Parameters
    ----------
    ax : Axes
    ends : sequence of float
        Where each bar (or its error bar) ends, in data units.
    texts : sequence of str
    rows : sequence of float, optional
        The bars' y positions (default ``0, 1, ...``, as ``barh`` places labelled bars).
    offset_pt : float
        Gap between the end and the text, in points.
    fontsize : float
    colours : sequence of str, optional
        Text colour per bar (default black).
    """
    ys = range(len(texts)) if rows is None else rows
    shades = colours if colours is not None else ["black"] * len(texts)
    for end, y, text, colour in zip(ends, ys, texts, shades, strict=True):
        ax.annotate(
            text,
            (end, y),
            xytext=(offset_pt, 0),
            textcoords="offset points",
            va="center",
            fontsize=fontsize,
            color=colour,
        )
