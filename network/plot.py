"""Maps of the network: the basemap, links coloured by mode, places and waterways named.

matplotlib is imported by the functions that draw, so the colours and the hub window cost no
plotting import. The region-and-hub layout, the names of the waterways and lakes and the
frame of the panels are shared with the flow map of a run (:mod:`sim.viz.maps`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from network.basemap import draw_basemap
from network.dataset import Dataset
from network.maplabels import MapLabel, place_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "HUB_WINDOW",
    "MODE_COLOURS",
    "MODE_LABELS",
    "PANEL_RECTS",
    "WATERWAY_NAMES",
    "WATERWAY_NAMES_ZH",
    "frame_hub_map",
    "map_panels",
    "plot_network",
    "water_labels",
    "waterway_name",
    "window_of",
]

#: One colour per mode, shared by every hubsim chart.
MODE_COLOURS = {
    "water": "#1f77b4",
    "sea": "#08306b",
    "rail": "#8c2d04",
    "road": "#7f7f7f",
    "air": "#9467bd",
    "transfer": "#2ca02c",
}
MODE_LABELS = {
    "water": "Inland waterway",
    "sea": "Sea / coastal",
    "rail": "Railway",
    "road": "Road",
    "air": "Low-altitude air",
    "transfer": "Transfer",
}
_MODE_WIDTH = {"water": 2.2, "sea": 1.6, "rail": 1.6, "road": 1.0, "air": 1.0}
_MODE_STYLE: dict[str, Any] = {"water": "-", "sea": "--", "rail": "-", "road": "-", "air": ":"}
_KIND_MARKERS: dict[str, dict[str, Any]] = {
    "terminal": {"marker": "s", "color": "#d62728", "s": 42, "zorder": 6},
    "lock": {"marker": "D", "color": "#17becf", "s": 24, "zorder": 5, "edgecolor": "black"},
    "gateway": {"marker": "*", "color": "#ff7f0e", "s": 120, "zorder": 6, "edgecolor": "black"},
    "rail_station": {"marker": "^", "color": "#8c2d04", "s": 40, "zorder": 5},
    "airport": {"marker": "P", "color": "#9467bd", "s": 60, "zorder": 5},
    "logistics_park": {"marker": "h", "color": "#2ca02c", "s": 40, "zorder": 5},
    "hinterland": {"marker": "o", "color": "#bcbd22", "s": 50, "zorder": 4, "alpha": 0.8},
    "junction": {"marker": ".", "color": "black", "s": 10, "zorder": 4},
}
#: Lon/lat window of the Huai'an hub inset.
HUB_WINDOW = (118.45, 119.45, 32.95, 33.85)


#: Names of the waterways on the maps, by the start of their links' ``corridor``; a corridor
#: not listed is named by its text before any bracket.
WATERWAY_NAMES = {
    "Grand Canal": "Grand Canal (Beijing-Hangzhou)",
    "Yangtze River": "Yangtze River",
    "Huai River": "Huai River",
    "Hongze Lake": "",  # the lake crossing: the lake itself is named
}
#: Chinese names of the waterways the maps name (:func:`waterway_name` of the bundled
#: network's water links), as the basemap's lakes and seas carry ``name_zh``: the flow map of
#: a run in Chinese writes them (``hubsim report --lang zh``).
WATERWAY_NAMES_ZH = {
    "Grand Canal (Beijing-Hangzhou)": "京杭大运河",
    "Yangtze River": "长江",
    "Huai River": "淮河",
    "Huaihe-to-sea waterway": "淮河入海水道",
    "Jinbao waterway": "金宝航道",
    "Subei irrigation canal head": "苏北灌溉总渠",
    "Suqian-Lianyungang waterway": "宿连航道",
    "Yan River": "盐河",
}
#: Where the map panels go on a figure (left, bottom, width, height as figure fractions):
#: the legend has the band below them to itself, the colour bar the strip on the right.
PANEL_RECTS = {
    "region": (0.045, 0.16, 0.40, 0.74),
    "hub": (0.50, 0.16, 0.41, 0.74),
    "colourbar": (0.93, 0.30, 0.011, 0.45),
}


def waterway_name(corridor: str) -> str:
    """The waterway a link's corridor belongs to, as the maps name it ("" for none):
    "Grand Canal (Subei) - Li canal" is on the Grand Canal."""
    text = str(corridor or "")
    for start, name in WATERWAY_NAMES.items():
        if text.startswith(start):
            return name
    if "(abstraction)" in text or "(assumed)" in text or "(approx.)" in text:
        return ""
    return text.split(" (")[0]


def map_panels(figure: Figure, *, colourbar: bool = False) -> tuple[Axes, Axes, Axes | None]:
    """The region panel, the hub panel and (optionally) a colour-bar axes at fixed places of
    ``figure`` (:data:`PANEL_RECTS`), so labels can be placed before the figure is drawn and
    the legend below never meets an axis label."""
    region = figure.add_axes(PANEL_RECTS["region"], anchor="N")
    hub = figure.add_axes(PANEL_RECTS["hub"], anchor="N")
    bar = figure.add_axes(PANEL_RECTS["colourbar"]) if colourbar else None
    return region, hub, bar


def _clip(coords: np.ndarray, window: tuple[float, float, float, float]) -> list[np.ndarray]:
    """Parts of a polyline inside a lon/lat window."""
    import shapely
    from shapely.geometry import LineString

    xmin, xmax, ymin, ymax = window
    if len(coords) < 2:
        return []
    clipped = shapely.clip_by_rect(LineString(coords), xmin, ymin, xmax, ymax)
    parts = getattr(clipped, "geoms", [clipped])
    return [np.asarray(p.coords) for p in parts if not p.is_empty and p.length > 0]


def water_labels(
    links: Iterable[tuple[str, str, np.ndarray]],
    window: tuple[float, float, float, float],
    *,
    priority: float = 1.0,
    fontsize: float = 8.0,
    min_share: float = 0.12,
) -> list[MapLabel]:
    """Names of the waterways, lakes and seas in a lon/lat window, as map labels.

    A waterway is named once, along its links in view, when they run for at least
    ``min_share`` of the window's width; a lake or sea when enough of it is in view
    (:func:`network.basemap.water_label_point`).

    Parameters
    ----------
    links : iterable of (mode, corridor, coords)
        The network's links (coords: n x 2 lon/lat).
    window : (lon min, lon max, lat min, lat max)
    priority : float
        Of the waterways; lakes come 0.5 after them, seas 2 after.
    fontsize : float
    min_share : float

    Returns
    -------
    list of MapLabel
    """
    from network.basemap import BASEMAP_COLOURS, read_basemap, water_label_point

    colour = BASEMAP_COLOURS["water_text"]
    xmin, xmax = window[0], window[1]
    parts: dict[str, list[np.ndarray]] = {}
    for mode, corridor, coords in links:
        name = waterway_name(corridor) if mode == "water" else ""
        if name:
            parts.setdefault(name, []).extend(_clip(np.asarray(coords, dtype=float), window))
    out = []
    for name in sorted(parts):
        pieces = parts[name]
        lengths = [float(np.hypot(*np.diff(p, axis=0).T).sum()) for p in pieces]
        if not pieces or sum(lengths) < min_share * (xmax - xmin):
            continue
        longest = pieces[int(np.argmax(lengths))]
        middle = longest[len(longest) // 2] if len(longest) > 2 else longest.mean(axis=0)
        out.append(
            MapLabel(
                name,
                float(middle[0]),
                float(middle[1]),
                priority=priority + (0.0 if name.startswith("Grand Canal") else 0.1),
                required=False,
                lines=tuple(pieces),
                fontsize=fontsize,
                colour=colour,
                style="italic",
                box=False,
                gid=f"waterway:{name}",
            )
        )
    for water in read_basemap().waters:
        point = water_label_point(water, window)
        if point is None:
            continue
        out.append(
            MapLabel(
                water.name,
                point[0],
                point[1],
                priority=priority + (0.5 if water.kind == "lake" else 2.0),
                required=water.kind == "lake",
                fontsize=fontsize + (1.0 if water.kind == "sea" else 0.0),
                colour=colour,
                style="italic",
                box=False,
                gid=f"{water.kind}:{water.name}",
            )
        )
    return out


def frame_hub_map(region: Axes, hub: Axes) -> None:
    """Finish the two panels of a region-and-hub map once their content is drawn.

    Outlines :data:`HUB_WINDOW` on the region panel, labels both panels' axes in degrees and
    sets an aspect that keeps distances true in both directions at Huai'an's latitude.

    Parameters
    ----------
    region, hub : Axes
        The region panel and the hub panel (its limits set to :data:`HUB_WINDOW`).
    """
    from matplotlib.patches import Rectangle

    region.add_patch(
        Rectangle(
            (HUB_WINDOW[0], HUB_WINDOW[2]),
            HUB_WINDOW[1] - HUB_WINDOW[0],
            HUB_WINDOW[3] - HUB_WINDOW[2],
            fill=False,
            linestyle="--",
            edgecolor="black",
            linewidth=0.8,
            zorder=8,
        )
    )
    for ax in (region, hub):
        ax.set_xlabel("Longitude (°E)")
        ax.set_ylabel("Latitude (°N)")
        ax.set_aspect(1 / 0.84)  # cos(33°)
        ax.grid(linewidth=0.3, alpha=0.5, color="#bbbbbb")
        ax.set_axisbelow(True)


def window_of(ax: Axes) -> tuple[float, float, float, float]:
    """``(lon min, lon max, lat min, lat max)`` of a map panel."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    return float(xmin), float(xmax), float(ymin), float(ymax)


def _inside(x: float, y: float, window: tuple[float, float, float, float]) -> bool:
    return window[0] <= x <= window[1] and window[2] <= y <= window[3]


def _short(name: str) -> str:
    """A place's name without its bracketed detail ("Huai'an New Port (phases I-II)")."""
    return str(name).split(" (")[0].split(",")[0]


#: Which kinds each panel of the network map names, and their priority (lower first).
_NAMED = {
    "region": {"gateway": 0.0, "airport": 3.0},
    "hub": {"terminal": 0.0, "lock": 0.5, "rail_station": 2.5, "airport": 2.5},
}


def _draw(ax: Axes, data: Dataset, *, panel: str) -> list[MapLabel]:
    """Draw the basemap, links and places on one panel; return the labels it wants."""
    draw_basemap(ax)
    for mode in ("road", "rail", "air", "sea", "water"):
        subset = data.links[data.links["mode"] == mode]
        if not subset.empty:
            subset.plot(
                ax=ax,
                color=MODE_COLOURS[mode],
                linewidth=_MODE_WIDTH[mode],
                linestyle=_MODE_STYLE[mode],
                zorder=2 if mode == "road" else 3,
            )
    for kind, style in _KIND_MARKERS.items():
        subset = data.nodes[data.nodes["kind"] == kind]
        if not subset.empty:
            ax.scatter(subset.geometry.x, subset.geometry.y, **style)
    window = window_of(ax)
    labels = []
    named = _NAMED[panel]
    for row in data.nodes.itertuples(index=False):
        if row.kind not in named or not _inside(row.geometry.x, row.geometry.y, window):
            continue
        labels.append(
            MapLabel(
                _short(row.name),
                float(row.geometry.x),
                float(row.geometry.y),
                priority=named[row.kind],
                required=row.kind in ("gateway", "terminal", "lock"),
                fontsize=7.5,
                weight="bold" if row.kind == "gateway" else "normal",
                gid=f"{row.kind}:{row.node_id}",
            )
        )
    links = [
        (str(m), str(c), np.asarray(g.coords))
        for m, c, g in zip(
            data.links["mode"], data.links["corridor"], data.links.geometry, strict=True
        )
    ]
    return labels + water_labels(links, window, fontsize=8.0 if panel == "hub" else 7.5)


def _marker_obstacles(data: Dataset, window: tuple[float, float, float, float]) -> list:
    out = []
    for row in data.nodes.itertuples(index=False):
        style = _KIND_MARKERS.get(row.kind)
        if style is not None and _inside(row.geometry.x, row.geometry.y, window):
            out.append((float(row.geometry.x), float(row.geometry.y), np.sqrt(style["s"]) / 2))
    return out


def _cover_lines(data: Dataset) -> list[tuple[np.ndarray, float]]:
    return [
        (np.asarray(g.coords), _MODE_WIDTH.get(str(m), 1.0))
        for m, g in zip(data.links["mode"], data.links.geometry, strict=True)
    ]


def plot_network(
    data: Dataset,
    *,
    title: str | None = None,
    words: Callable[[str], str] | None = None,
    labels: Callable[[list[MapLabel]], list[MapLabel]] | None = None,
) -> Figure:
    """Map of the network: the region on the left, the Huai'an hub enlarged on the right.

    The basemap (coast and sea, lakes with Hongze Lake, rivers with the Yangtze; see
    :mod:`network.basemap`) lies under the links, coloured by mode (:data:`MODE_COLOURS`);
    terminals, locks, gateways, airports, rail stations, logistics parks and hinterland zones
    have their own markers. The waterways, lakes and gateways are named in the region panel,
    the terminals, locks, rail stations and airports in the hub panel, and no two names
    overlap (:func:`network.maplabels.place_labels`). The legend has its own band below the
    panels.

    Parameters
    ----------
    data : Dataset
        As returned by :func:`network.read_dataset`.
    title : str, optional
        Figure title (a default one names the dataset).
    words : callable, optional
        English text -> the text to write (the panel titles, axis labels, legend entries and
        the basemap's credit word), for a map in another language; default: as is.
    labels : callable, optional
        The labels a panel wants -> the labels to place (a map in another language names
        places in it: the labels' ``gid`` say what each names), applied before they are
        placed so that their room is measured in the text written; default: as they are.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from network.basemap import read_basemap

    say = words or (lambda text: text)
    relabel = labels or (lambda wanted: wanted)

    figure = plt.figure(figsize=(16, 9.5))
    region, hub, _ = map_panels(figure)
    xmin, ymin, xmax, ymax = data.links.total_bounds
    pad = 0.15
    region.set_xlim(xmin - pad, xmax + pad)
    region.set_ylim(ymin - pad, ymax + pad)
    hub.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    hub.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    wanted = {"region": _draw(region, data, panel="region"), "hub": _draw(hub, data, panel="hub")}
    # drawing with geopandas may move the limits: put them back before the aspect is fixed
    region.set_xlim(xmin - pad, xmax + pad)
    region.set_ylim(ymin - pad, ymax + pad)
    hub.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    hub.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    frame_hub_map(region, hub)
    for ax in (region, hub):
        ax.set_xlabel(say(ax.get_xlabel()))
        ax.set_ylabel(say(ax.get_ylabel()))
    region.set_title(say("Region: corridors to the gateways"))
    hub.set_title(say("Huai'an hub: port areas and Grand Canal locks"))
    for ax, panel in ((region, "region"), (hub, "hub")):
        place_labels(
            ax,
            relabel(wanted[panel]),
            markers=_marker_obstacles(data, window_of(ax)),
            lines=_cover_lines(data),
        )
    handles = [
        Line2D(
            [],
            [],
            color=MODE_COLOURS[m],
            linewidth=_MODE_WIDTH[m],
            linestyle=_MODE_STYLE[m],
            label=say(MODE_LABELS[m]),
        )
        for m in ("water", "sea", "rail", "road", "air")
    ]
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=style["marker"],
            color=style["color"],
            markeredgecolor=style.get("edgecolor", style["color"]),
            label=say(kind.replace("_", " ").capitalize()),
        )
        for kind, style in _KIND_MARKERS.items()
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.01),
        ncol=7,
        fontsize=8,
        frameon=False,
    )
    figure.text(
        0.995,
        0.005,
        f"{say('Basemap:')} {read_basemap().source}",
        ha="right",
        va="bottom",
        fontsize=6,
    )
    figure.suptitle(title or f"hubsim multimodal network ({data.directory.name})", fontsize=13)
    return figure
