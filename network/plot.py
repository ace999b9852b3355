"""Maps of the network: links coloured by mode, terminals and locks labelled.

matplotlib is imported by the functions that draw, so the colours and the hub window cost no
plotting import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from network.dataset import Dataset

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MODE_COLOURS", "MODE_LABELS", "frame_hub_map", "plot_network"]

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


def _draw(ax: Axes, data: Dataset, *, labels: set[str], fontsize: float) -> None:
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
    for row in data.nodes.itertuples(index=False):
        if row.kind not in labels:
            continue
        xmin, xmax = ax.get_xlim()
        ymin, ymax = ax.get_ylim()
        if not (xmin <= row.geometry.x <= xmax and ymin <= row.geometry.y <= ymax):
            continue
        ax.annotate(
            row.name,
            (row.geometry.x, row.geometry.y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=fontsize,
            zorder=7,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )


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
        ax.grid(linewidth=0.3, alpha=0.5)


def plot_network(data: Dataset, *, title: str | None = None) -> Figure:
    """Map of the network: the region on the left, the Huai'an hub enlarged on the right.

    Links are coloured by mode (:data:`MODE_COLOURS`); terminals, locks, gateways, airports,
    rail stations, logistics parks and hinterland zones have their own markers. Terminals and
    locks are labelled in the hub panel, gateways and airports in the region panel.

    Parameters
    ----------
    data : Dataset
        As returned by :func:`network.read_dataset`.
    title : str, optional
        Figure title (a default one names the dataset).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    figure, (region, hub) = plt.subplots(
        1, 2, figsize=(16, 9.5), gridspec_kw={"width_ratios": [1.0, 1.15]}
    )
    xmin, ymin, xmax, ymax = data.links.total_bounds
    pad = 0.15
    region.set_xlim(xmin - pad, xmax + pad)
    region.set_ylim(ymin - pad, ymax + pad)
    _draw(region, data, labels={"gateway", "airport"}, fontsize=7)
    hub.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    hub.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    _draw(hub, data, labels={"terminal", "lock", "rail_station", "airport"}, fontsize=7)
    frame_hub_map(region, hub)
    region.set_title("Region: corridors to the gateways")
    hub.set_title("Huai'an hub: port areas and Grand Canal locks")
    handles = [
        Line2D(
            [],
            [],
            color=MODE_COLOURS[m],
            linewidth=_MODE_WIDTH[m],
            linestyle=_MODE_STYLE[m],
            label=MODE_LABELS[m],
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
            label=kind.replace("_", " ").capitalize(),
        )
        for kind, style in _KIND_MARKERS.items()
    ]
    figure.legend(handles=handles, loc="lower center", ncol=7, fontsize=8, frameon=False)
    figure.suptitle(title or f"hubsim multimodal network ({data.directory.name})", fontsize=13)
    figure.tight_layout(rect=(0, 0.06, 1, 0.96))
    return figure
