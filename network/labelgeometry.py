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


def _overlaps(boxes: np.ndarray, others: np.ndarray, gap: float) -> np.ndarray:
    """For each of ``boxes`` (n x 4) whether it comes within ``gap`` of any of ``others``."""
    if len(others) == 0:
        return np.zeros(len(boxes), dtype=bool)
    return np.any(
        (boxes[:, None, 0] < others[None, :, 2] + gap)
        & (boxes[:, None, 2] > others[None, :, 0] - gap)
        & (boxes[:, None, 1] < others[None, :, 3] + gap)
        & (boxes[:, None, 3] > others[None, :, 1] - gap),
        axis=1,
    )


def _best_position(
    anchor: np.ndarray,
    costs: Sequence[float],
    centres: np.ndarray,
    sizes: np.ndarray,
    with_leader: Sequence[bool],
    *,
    gap: float,
    inner: np.ndarray,
    taken: np.ndarray,
    obstacles: np.ndarray,
    leaders: list[tuple[np.ndarray, np.ndarray]],
    cover: tuple[np.ndarray, np.ndarray],
) -> tuple[int, np.ndarray] | None:
    """The cheapest free position among candidates (index and box), or ``None``.

    Candidate ``n`` is a box of ``sizes[n]`` (width, height) centred at ``centres[n]``,
    costing ``costs[n]``: free when it lies inside ``inner``, keeps ``gap`` from the boxes
    ``taken``, covers no obstacle, crosses no leader line and (with a leader line of its own,
    ``with_leader[n]``) its line crosses no taken box or obstacle but the label's own marker.
    The lines it covers (``cover``: points and weights) add to its cost; the earliest wins a
    tie.
    """
    half_sizes = np.asarray(sizes, dtype=float) / 2
    boxes = np.hstack([centres - half_sizes, centres + half_sizes])
    free = (
        (boxes[:, 0] >= inner[0])
        & (boxes[:, 1] >= inner[1])
        & (boxes[:, 2] <= inner[2])
        & (boxes[:, 3] <= inner[3])
        & ~_overlaps(boxes, taken, gap)
        & ~_overlaps(boxes, obstacles, 0.0)
    )
    # the label's own marker does not stop its leader line
    own = (
        (obstacles[:, 0] <= anchor[0])
        & (obstacles[:, 2] >= anchor[0])
        & (obstacles[:, 1] <= anchor[1])
        & (obstacles[:, 3] >= anchor[1])
    )
    others = obstacles[~own]
    points, weights = cover
    best: tuple[float, int] | None = None
    for index in sorted(np.flatnonzero(free).tolist(), key=lambda n: (costs[n], n)):
        cost = costs[index]
        if best is not None and cost >= best[0]:
            break  # covering lines only adds to the cost
        box = boxes[index]
        if any(_segment_hits(a, b, box[None, :]) for a, b in leaders):
            continue
        centre = centres[index]
        if with_leader[index] and (
            _segment_hits(anchor, centre, taken) or _segment_hits(anchor, centre, others)
        ):
            continue
        if len(points):
            inside = (
                (points[:, 0] > box[0])
                & (points[:, 0] < box[2])
                & (points[:, 1] > box[1])
                & (points[:, 1] < box[3])
            )
            cost += 0.01 * float(weights[inside].sum())
        if best is None or cost < best[0]:
            best = (cost, index)
    return None if best is None else (best[1], boxes[best[1]])
