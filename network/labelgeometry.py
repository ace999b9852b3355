"""What the two map-name placers share: the positions they try around a point, the gap they
keep, and the geometry of leader lines and of the lines names avoid (:mod:`network.maplabels`
places the PNG maps' names with matplotlib's text extents, :mod:`network.labelboxes` the
report's interactive map's with estimated boxes). No matplotlib here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__: list[str] = []  # shared by the two placers only

#: Distances (points) tried from a point to the nearest edge of its text, and the directions
#: tried around it (degrees, 0 = east, anticlockwise), most preferred first.
_RADII_PT = (2.0, 6.0, 12.0, 20.0, 30.0, 42.0, 56.0, 72.0, 90.0, 110.0, 135.0)
_ANGLES_DEG = (
    0.0, 30.0, -30.0, 180.0, 150.0, -150.0, 60.0, -60.0, 120.0, -120.0, 90.0, -90.0,
    15.0, -15.0, 165.0, -165.0, 45.0, -45.0, 135.0, -135.0, 75.0, -75.0, 105.0, -105.0,
)  # fmt: skip
#: Gap kept between names and to the panel's edge (points).
_GAP_PT = 1.5


def _segment_hits(a: np.ndarray, b: np.ndarray, boxes: np.ndarray) -> bool:
    """Whether the segment a-b passes through any box (sampled every 2 pixels, or display
    units)."""
    if len(boxes) == 0:
        return False
    steps = max(2, int(np.hypot(*(b - a)) / 2.0))
    t = np.linspace(0.0, 1.0, steps)[1:-1, None]
    points = a + t * (b - a)
    inside = (
        (points[:, None, 0] > boxes[None, :, 0])
        & (points[:, None, 0] < boxes[None, :, 2])
        & (points[:, None, 1] > boxes[None, :, 1])
        & (points[:, None, 1] < boxes[None, :, 3])
    )
    return bool(inside.any())


def _densify(
    lines: Sequence[tuple[np.ndarray, float]], step: float
) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` pixels along each line (pixels), and their weights."""
    points, weights = [], []
    for coords, weight in lines:
        if len(coords) < 2:
            continue
        deltas = np.diff(coords, axis=0)
        counts = np.maximum(1, (np.hypot(*deltas.T) / step).astype(int))
        starts = np.repeat(coords[:-1], counts, axis=0)
        ends = np.repeat(deltas, counts, axis=0)
        fractions = np.concatenate([np.arange(n) / n for n in counts])[:, None]
        points.append(starts + fractions * ends)
        weights.append(np.full(len(starts), weight))
    if not points:
        return np.zeros((0, 2)), np.zeros(0)
    return np.concatenate(points), np.concatenate(weights)
