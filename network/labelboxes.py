"""Names on a map drawn by someone else (a browser): the same greedy, deterministic placement
as :mod:`network.maplabels`, with each name's box estimated from its characters instead of
measured by a renderer.

A map to be drawn by plotly.js in the report is built before any browser has seen it, so
there is no text to measure: a name's width is the sum of its characters' widths (Arial's,
which the report's fonts match within a few per cent, a CJK character one em) times its font
size, a little more for bold and italic, and its height 1.3 em (checked against Chromium's
boxes of the report's map names, English and Chinese). The boxes are then placed as
:func:`network.maplabels.place_labels` places measured ones: in order of priority, each at the
cheapest of a fixed set of positions (around its point at growing distances, or beside its
line) that stays inside the panel and clear of every name placed, of the markers and of the
leader lines; the cost grows with the distance from the point and with the lines covered.
Everything is in display pixels of a panel whose size is known (``y`` up). No matplotlib.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from network.labelgeometry import (
    _ANGLES_DEG,
    _GAP_PT,
    _RADII_PT,
    _best_position,
    _densify,
)
from network.maplabels import MapLabel

__all__ = ["Frame", "PlacedBox", "place_boxes", "text_size_px"]

#: Arial's advance widths (em) of the characters names use; others count as ``_DEFAULT_EM``.
_WIDTHS_EM: dict[str, float] = {
    **dict.fromkeys("ijl'|", 0.222),
    **dict.fromkeys(" ftI.,:;!/[]", 0.278),
    **dict.fromkeys("r()-", 0.333),
    **dict.fromkeys("ckvxyzJsS", 0.5),
    **dict.fromkeys("abdeghnopqu0123456789L", 0.556),
    **dict.fromkeys("FTZ", 0.611),
    **dict.fromkeys("ABEKPSVXY&", 0.667),
    **dict.fromkeys("wCDHNRU", 0.722),
    **dict.fromkeys("GOQ", 0.778),
    **dict.fromkeys("mM", 0.833),
    **dict.fromkeys("%", 0.889),
    **dict.fromkeys("W", 0.944),
}
_DEFAULT_EM = 0.6
#: Bold Latin text is this much wider (a browser emboldens CJK text without widening it).
_BOLD = 1.12
#: What a slanted (italic) line of text overhangs (em).
_ITALIC_EM = 0.25
#: Height of a line of text (em): CJK fonts' lines are the tallest.
_LINE_EM = 1.3
#: Allowance for fonts a little wider than Arial.
_SAFETY = 1.03
#: Spacing of the positions tried along a line (points).
_ALONG_PT = 18.0


def _is_wide(char: str) -> bool:
    """CJK characters and full-width punctuation: one em wide."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_size_px(
    text: str, font_px: float, *, bold: bool = False, italic: bool = False
) -> tuple[float, float]:
    """Estimated width and height (pixels) of one line of text.

    Parameters
    ----------
    text : str
    font_px : float
        Font size (pixels).
    bold, italic : bool

    Returns
    -------
    (float, float)
    """
    wide = sum(1.0 for c in text if _is_wide(c))
    narrow = sum(_WIDTHS_EM.get(c, _DEFAULT_EM) for c in text if not _is_wide(c))
    width_em = wide + narrow * (_BOLD if bold else 1.0) + (_ITALIC_EM if italic else 0.0)
    return width_em * font_px * _SAFETY, _LINE_EM * font_px


@dataclass(frozen=True)
class Frame:
    """A map panel in display pixels.

    Attributes
    ----------
    window : (lon min, lon max, lat min, lat max)
        What the panel shows.
    width_px, height_px : float
        Its size on screen; pixel ``(0, 0)`` is its lower left corner, ``y`` runs up.
    """

    window: tuple[float, float, float, float]
    width_px: float
    height_px: float

    def to_px(self, points: npt.ArrayLike) -> np.ndarray:
        """Lon/lat points (n x 2, or one point) as display pixels."""
        xy = np.asarray(points, dtype=float)
        x0, x1, y0, y1 = self.window
        scale = np.array([self.width_px / (x1 - x0), self.height_px / (y1 - y0)])
        return (xy - np.array([x0, y0])) * scale

    def to_data(self, points: npt.ArrayLike) -> np.ndarray:
        """Display pixels (n x 2, or one point) as lon/lat."""
        px = np.asarray(points, dtype=float)
        x0, x1, y0, y1 = self.window
        scale = np.array([self.width_px / (x1 - x0), self.height_px / (y1 - y0)])
        return px / scale + np.array([x0, y0])


@dataclass(frozen=True)
class PlacedBox:
    """Where :func:`place_boxes` put a name.

    Attributes
    ----------
    label : MapLabel
    centre_px : (float, float)
        Centre of the text (display pixels of the frame).
    angle_deg : float
        Turn of the text, anticlockwise (a name along a line).
    box_px : (x0, y0, x1, y1)
        The box it takes (text and padding).
    leader : bool
        Whether a leader line joins it to its point.
    font_px : float
    """

    label: MapLabel
    centre_px: tuple[float, float]
    angle_deg: float
    box_px: tuple[float, float, float, float]
    leader: bool
    font_px: float


def _line_candidates(coords: np.ndarray, spacing: float) -> list[tuple[np.ndarray, float]]:
    """Points every ``spacing`` pixels along a polyline and the direction there (degrees,
    between -90 and 90 so that text never reads upside down)."""
    out: list[tuple[np.ndarray, float]] = []
    lengths = np.hypot(*np.diff(coords, axis=0).T)
    total = float(lengths.sum())
    if total <= 0:
        return out
    offsets = np.arange(spacing / 2, total, spacing) if total > spacing else [total / 2]
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    for s in offsets:
        k = int(np.clip(np.searchsorted(cumulative, s) - 1, 0, len(lengths) - 1))
        if lengths[k] <= 0:
            continue
        direction = (coords[k + 1] - coords[k]) / lengths[k]
        angle = math.degrees(math.atan2(direction[1], direction[0]))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        out.append((coords[k] + direction * (s - cumulative[k]), angle))
    return out


def _turned(w: float, h: float, angle: float) -> tuple[float, float]:
    theta = math.radians(angle)
    c, s = abs(math.cos(theta)), abs(math.sin(theta))
    return w * c + h * s, w * s + h * c


def place_boxes(
    labels: Sequence[MapLabel],
    frame: Frame,
    *,
    px_per_pt: float,
    pad_px: Callable[[float], float],
    markers: Sequence[tuple[float, float, float]] = (),
    lines: Sequence[tuple[np.ndarray, float]] = (),
) -> tuple[list[PlacedBox], list[MapLabel]]:
    """Place ``labels`` in ``frame`` where they overlap neither each other nor the markers.

    Parameters
    ----------
    labels : sequence of MapLabel
        Placed in order of ``priority`` (then as given); ``fontsize`` in points.
    frame : Frame
    px_per_pt : float
        Display pixels per point: a label's font is ``fontsize * px_per_pt`` pixels, and the
        distances tried are :mod:`network.maplabels`'s scaled the same way.
    pad_px : callable
        Font size (pixels) -> the padding around the text of a name drawn with a box.
    markers : sequence of (lon, lat, radius in pixels)
        Symbols no name may cover.
    lines : sequence of (n x 2 lon/lat array, weight)
        Lines a name should rather not cover; covering costs ``0.01 * weight`` per 3 pixels.

    Returns
    -------
    placed : list of PlacedBox
        In the order they were placed.
    left_out : list of MapLabel
        The labels that found no free position.
    """
    gap = _GAP_PT * px_per_pt
    inner = np.array([gap, gap, frame.width_px - gap, frame.height_px - gap])
    obstacles = np.array(
        [
            [px - r, py - r, px + r, py + r]
            for (px, py), r in ((frame.to_px((x, y)), radius) for x, y, radius in markers)
        ]
    ).reshape(-1, 4)
    cover = _densify([(frame.to_px(np.asarray(c)), w) for c, w in lines], 3.0)
    placed: list[PlacedBox] = []
    left_out: list[MapLabel] = []
    taken = np.zeros((0, 4))
    leaders: list[tuple[np.ndarray, np.ndarray]] = []
    order = sorted(range(len(labels)), key=lambda i: (labels[i].priority, i))
    for i in order:
        label = labels[i]
        font = label.fontsize * px_per_pt
        chosen = _choose(
            label,
            frame,
            font_px=font,
            pad=pad_px(font) if (label.box or not label.lines) else 1.0,
            px_per_pt=px_per_pt,
            inner=inner,
            taken=taken,
            obstacles=obstacles,
            leaders=leaders,
            cover=cover,
        )
        if chosen is None:
            left_out.append(label)
            continue
        centre, angle, box, leader = chosen
        placed.append(
            PlacedBox(
                label,
                (float(centre[0]), float(centre[1])),
                angle,
                (float(box[0]), float(box[1]), float(box[2]), float(box[3])),
                leader,
                font,
            )
        )
        taken = np.vstack([taken, box])
        if leader:
            leaders.append((frame.to_px((label.x, label.y)), centre))
    return placed, left_out


def _choose(
    label: MapLabel,
    frame: Frame,
    *,
    font_px: float,
    pad: float,
    px_per_pt: float,
    inner: np.ndarray,
    taken: np.ndarray,
    obstacles: np.ndarray,
    leaders: list[tuple[np.ndarray, np.ndarray]],
    cover: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, float, np.ndarray, bool] | None:
    """The cheapest free position of a label: (centre, angle, box, with a leader line)."""
    gap = _GAP_PT * px_per_pt
    text_w, text_h = text_size_px(
        label.text, font_px, bold=label.weight == "bold", italic=label.style == "italic"
    )
    w0, h0 = text_w + 2 * pad, text_h + 2 * pad
    anchor = frame.to_px((label.x, label.y))
    costs: list[float] = []
    centres: list[np.ndarray] = []
    angles: list[float] = []
    sizes: list[tuple[float, float]] = []
    with_leader: list[bool] = []
    if label.lines:
        for coords in label.lines:
            line = frame.to_px(np.asarray(coords, dtype=float))
            for point, angle in _line_candidates(line, _ALONG_PT * px_per_pt):
                key = float(round(angle))
                w, h = _turned(w0, h0, key)
                theta = math.radians(key)
                normal = np.array([-math.sin(theta), math.cos(theta)])
                # beside the line (either side), never on it: the line carries flows
                base = math.hypot(*(point - anchor)) / (40.0 * px_per_pt)
                half = 0.5 * abs(normal[0]) * w + 0.5 * abs(normal[1]) * h + gap
                for side in (1.0, -1.0):
                    costs.append(base + (0.0 if side > 0 else 0.01))
                    centres.append(point + side * normal * half)
                    angles.append(key)
                    sizes.append((w, h))
                    with_leader.append(False)
    else:
        for k, radius_pt in enumerate(_RADII_PT):
            r = radius_pt * px_per_pt
            for j, angle in enumerate(_ANGLES_DEG if k else _ANGLES_DEG[:12]):
                theta = math.radians(angle)
                # the box's edge (not its centre) is r from the point
                offset = np.array([math.cos(theta) * (r + w0 / 2), math.sin(theta) * (r + h0 / 2)])
                costs.append(k * 1.0 + j * 0.02)
                centres.append(anchor + offset)
                angles.append(0.0)
                sizes.append((w0, h0))
                with_leader.append(k >= 3)
    if not costs:
        return None
    centre_array = np.array(centres)
    chosen = _best_position(
        anchor,
        costs,
        centre_array,
        np.array(sizes),
        with_leader,
        gap=gap,
        inner=inner,
        taken=taken,
        obstacles=obstacles,
        leaders=leaders,
        cover=cover,
    )
    if chosen is None:
        return None
    index, box = chosen
    return centre_array[index], angles[index], box, with_leader[index]
