"""Names on a map that never overlap: a deterministic, greedy placement.

Labels are placed one after another in order of priority. Each label tries a fixed set of
positions (around its point, at growing distances, or along its line) and takes the cheapest
one that stays inside the axes and clear of every label already placed, of the map's markers
and of the leader lines drawn so far; the cost grows with the distance from the point and with
the map lines the label would cover. A label placed away from its point gets a leader line.
No randomness and no iteration to convergence: the same map gives the same positions, and
a label that finds no free position is left out and reported (never drawn over another).

Positions are worked out in display units once the axes have their final size, so the axes
must be laid out before (fixed positions, or the figure drawn once); they are then stored in
data coordinates and hold at any dpi the figure is saved at.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from network.labelgeometry import (
    _ANGLES_DEG,
    _GAP_PT,
    _RADII_PT,
    _best_position,
    _densify,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Annotation

__all__ = ["MapLabel", "PlacedLabels", "label_box", "place_labels", "renderer_of"]


@dataclass(frozen=True)
class MapLabel:
    """A name to write on a map.

    Attributes
    ----------
    text : str
    x, y : float
        The point it names (data coordinates). For a line label, where it prefers to go.
    priority : float
        Lower is placed first (gets the best position).
    required : bool
        Whether leaving it out for lack of room is a defect the caller wants to hear about
        (:attr:`PlacedLabels.left_out` lists every label left out, required or not).
    lines : tuple of ndarray
        For a line label (a waterway): polylines (n x 2, data coordinates) it is written
        along, turned to their direction; empty for a point label.
    fontsize : float
    colour : str
    style : str
        ``normal`` or ``italic`` (water).
    weight : str
    box : bool
        Whether a white box is drawn behind the text (leader lines always get one).
    gid : str
        Id of the drawn artist (``Annotation.get_gid``), for tests and SVG output.
    """

    text: str
    x: float
    y: float
    priority: float = 0.0
    required: bool = True
    lines: tuple[np.ndarray, ...] = ()
    fontsize: float = 7.5
    colour: str = "black"
    style: str = "normal"
    weight: str = "normal"
    box: bool = True
    gid: str = ""


@dataclass
class PlacedLabels:
    """What :func:`place_labels` drew.

    Attributes
    ----------
    artists : list of Annotation
        One per label drawn, in the order they were placed.
    boxes : list of ndarray
        The display box ``(x0, y0, x1, y1)`` each artist was placed in (its text and padding).
    left_out : list of MapLabel
        Labels that found no free position.
    """

    artists: list[Annotation] = field(default_factory=list)
    boxes: list[np.ndarray] = field(default_factory=list)
    left_out: list[MapLabel] = field(default_factory=list)


def renderer_of(figure: Figure | SubFigure) -> RendererBase:
    """A renderer to measure text with: the figure's canvas's, or an Agg canvas attached to a
    figure created without pyplot (saving it to PNG afterwards works the same)."""
    root = figure.figure  # a subfigure's figure, a figure itself
    canvas: Any = root.canvas
    if not hasattr(canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(root)
    return canvas.get_renderer()


def label_box(artist: Annotation, renderer: RendererBase) -> np.ndarray:
    """Display box ``(x0, y0, x1, y1)`` of a label's text and its white box, without the
    leader line."""
    from matplotlib.text import Text

    artist.update_positions(renderer)  # where the text goes, as drawing puts it
    patch = artist.get_bbox_patch()
    if patch is not None:
        artist.update_bbox_position_size(renderer)
        extent = patch.get_window_extent(renderer)
    else:
        extent = Text.get_window_extent(artist, renderer)
    return np.array([extent.x0, extent.y0, extent.x1, extent.y1])


def _line_candidates(
    coords: np.ndarray, spacing: float
) -> list[tuple[np.ndarray, float, np.ndarray]]:
    """Points every ``spacing`` display units along a polyline, with the direction there
    (degrees, kept between -90 and 90 so text never reads upside down) and the unit normal."""
    out: list[tuple[np.ndarray, float, np.ndarray]] = []
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
        point = coords[k] + direction * (s - cumulative[k])
        angle = math.degrees(math.atan2(direction[1], direction[0]))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        out.append((point, angle, np.array([-direction[1], direction[0]])))
    return out


def place_labels(
    ax: Axes,
    labels: Sequence[MapLabel],
    *,
    markers: Sequence[tuple[float, float, float]] = (),
    lines: Sequence[tuple[np.ndarray, float]] = (),
    leader_colour: str = "#555555",
    zorder: float = 7.0,
) -> PlacedLabels:
    """Write ``labels`` on ``ax`` where they overlap neither each other nor the markers.

    Parameters
    ----------
    ax : Axes
        A map whose limits, aspect and position are final.
    labels : sequence of MapLabel
        Placed in order of ``priority`` (then as given).
    markers : sequence of (x, y, radius in points)
        Symbols on the map (data coordinates) no label may cover.
    lines : sequence of (n x 2 array, weight)
        Lines on the map (data coordinates) a label should rather not cover; the weight
        (e.g. the line width in points) says how much covering each costs.
    leader_colour : str
    zorder : float

    Returns
    -------
    PlacedLabels
    """
    figure = ax.figure
    renderer = renderer_of(figure)
    ax.apply_aspect()
    to_px = figure.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    gap = _GAP_PT * to_px
    inner = np.array([frame.x0 + gap, frame.y0 + gap, frame.x1 - gap, frame.y1 - gap])
    data_to_px = ax.transData
    px_to_data = data_to_px.inverted()
    obstacles = np.array(
        [
            [px - r * to_px, py - r * to_px, px + r * to_px, py + r * to_px]
            for (px, py), r in ((data_to_px.transform((x, y)), radius) for x, y, radius in markers)
        ]
    ).reshape(-1, 4)
    cover_points, cover_weights = _densify(
        [(data_to_px.transform(np.asarray(c, dtype=float)), w) for c, w in lines], 3.0 * to_px
    )
    placed = PlacedLabels()
    taken = np.zeros((0, 4))
    leaders: list[tuple[np.ndarray, np.ndarray]] = []
    order = sorted(range(len(labels)), key=lambda i: (labels[i].priority, i))
    for i in order:
        label = labels[i]
        choice = _choose(
            ax,
            label,
            renderer=renderer,
            to_px=to_px,
            inner=inner,
            taken=taken,
            obstacles=obstacles,
            leaders=leaders,
            cover=(cover_points, cover_weights),
        )
        if choice is None:
            placed.left_out.append(label)
            continue
        centre, angle, box, leader = choice
        tx, ty = px_to_data.transform(centre)
        style: dict[str, Any] = {
            "fontsize": label.fontsize,
            "color": label.colour,
            "fontstyle": label.style,
            "fontweight": label.weight,
            "rotation": angle,
            "rotation_mode": "anchor",
            "ha": "center",
            "va": "center",
            "zorder": zorder,
            "annotation_clip": False,
        }
        if label.box or leader:
            style["bbox"] = {
                "boxstyle": "round,pad=0.2",
                "fc": "white",
                "ec": "#999999" if leader else "none",
                "alpha": 0.9 if leader else 0.75,
                "linewidth": 0.5,
            }
        if leader:
            style["arrowprops"] = {
                "arrowstyle": "-",
                "color": leader_colour,
                "linewidth": 0.6,
                "shrinkA": 0.0,
                "shrinkB": 1.0,
            }
        artist = ax.annotate(
            label.text, (label.x, label.y), xytext=(tx, ty), textcoords="data", **style
        )
        artist.set_in_layout(False)
        if label.gid:
            artist.set_gid(label.gid)
        placed.artists.append(artist)
        placed.boxes.append(box)
        taken = np.vstack([taken, box])
        if leader:
            leaders.append((np.asarray(data_to_px.transform((label.x, label.y))), centre))
    return placed


def _text_size(
    ax: Axes, label: MapLabel, renderer: RendererBase, angle: float, pad: float
) -> tuple[float, float]:
    """Width and height (display units) of the axis-aligned box around the label's text turned
    by ``angle`` degrees, with ``pad`` around the unturned text."""
    from matplotlib.text import Text

    probe = Text(
        0,
        0,
        label.text,
        fontsize=label.fontsize,
        fontstyle=label.style,
        fontweight=label.weight,
        figure=ax.figure,
    )
    extent = probe.get_window_extent(renderer)
    w, h = extent.width + 2 * pad, extent.height + 2 * pad
    theta = math.radians(angle)
    c, s = abs(math.cos(theta)), abs(math.sin(theta))
    return w * c + h * s, w * s + h * c


def _choose(
    ax: Axes,
    label: MapLabel,
    *,
    renderer: RendererBase,
    to_px: float,
    inner: np.ndarray,
    taken: np.ndarray,
    obstacles: np.ndarray,
    leaders: list[tuple[np.ndarray, np.ndarray]],
    cover: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, float, np.ndarray, bool] | None:
    """The cheapest free position of a label: (centre, angle, box, with a leader line)."""
    pad = 0.2 * label.fontsize * to_px + 0.5 * to_px  # the white box's padding
    gap = _GAP_PT * to_px
    anchor = np.asarray(ax.transData.transform((label.x, label.y)), dtype=float)
    # (cost, centre, angle, with a leader, width, height)
    candidates: list[tuple[float, np.ndarray, float, bool, float, float]] = []
    if label.lines:
        sizes: dict[float, tuple[float, float]] = {}
        for coords in label.lines:
            line = np.asarray(ax.transData.transform(np.asarray(coords, dtype=float)))
            for point, angle, normal in _line_candidates(line, 18.0 * to_px):
                key = float(round(angle))
                if key not in sizes:
                    sizes[key] = _text_size(ax, label, renderer, key, pad)
                w, h = sizes[key]
                # beside the line (either side), never on it: the line carries flows
                base = math.hypot(*(point - anchor)) / (40.0 * to_px)
                half = 0.5 * abs(normal[0]) * w + 0.5 * abs(normal[1]) * h + gap
                for side in (1.0, -1.0):
                    centre = point + side * normal * half
                    cost = base + (0.0 if side > 0 else 0.01)
                    candidates.append((cost, centre, key, False, w, h))
    else:
        w, h = _text_size(ax, label, renderer, 0.0, pad)
        for k, radius_pt in enumerate(_RADII_PT):
            r = radius_pt * to_px
            for j, angle in enumerate(_ANGLES_DEG if k else _ANGLES_DEG[:12]):
                theta = math.radians(angle)
                # the box's edge (not its centre) is r from the point
                offset = np.array([math.cos(theta) * (r + w / 2), math.sin(theta) * (r + h / 2)])
                candidates.append((k * 1.0 + j * 0.02, anchor + offset, 0.0, k >= 3, w, h))
    if not candidates:
        return None
    # in order of cost (the earliest first among equals), as they were generated
    chosen = _best_position(
        anchor,
        [c[0] for c in candidates],
        np.array([c[1] for c in candidates]),
        np.array([(c[4], c[5]) for c in candidates]),
        [c[3] for c in candidates],
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
    _, centre, angle, leader, _, _ = candidates[index]
    return centre, angle, box, leader
