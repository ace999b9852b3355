"""Shared look of hubsim charts: figures, error bars and bar labels, units; the colours per
mode, kind and commodity and the CI rules come from :mod:`sim.viz.palette` (matplotlib-free,
shared with the report's interactive figures) and are re-exported here.

Figures are built with :class:`matplotlib.figure.Figure` directly rather than through
``pyplot``: no global figure registry to leak into (a report draws many charts). They are
:class:`ChartFigure` objects, which Jupyter shows as PNG without any pyplot backend set up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.i18n import current_language
from sim.model.calendar import Calendar
from sim.viz.palette import (
    COMMODITY_COLOURS,
    KIND_COLOURS,
    KIND_LABELS,
    MODE_COLOURS,
    MODE_LABELS,
    PORT_COLOUR,
    TARGET_COLOUR,
    THROUGH_COLOUR,
    ci_bounds,
    ci_note,
    ci_shown,
    commodity_colour,
    kind_colour,
    kind_label,
    mode_colour,
)

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
