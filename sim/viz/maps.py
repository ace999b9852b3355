"""Map of a run: cargo on every link (line width in Mt/yr, colour by mode) and the locks and
terminals coloured by utilisation, for the region and the Huai'an hub enlarged, over the
bundled basemap (coast, lakes, rivers), with the waterways, lakes and gateways named.

Names never overlap: they are placed by :func:`network.maplabels.place_labels` (deterministic:
the same run gives the same picture) on panels at fixed places of the figure, and the legend
and colour bar have their own space beside them. What is named and the utilisation shown come
from :mod:`sim.viz.maps_data`, which the report's interactive map reads too
(``resource_utilisation`` is re-exported here, where it used to live).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from network.basemap import draw_basemap, read_basemap
from network.maplabels import MapLabel, place_labels
from network.plot import HUB_WINDOW, frame_hub_map, map_panels, window_of
from sim.i18n import tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import mode_label
from sim.viz.maps_data import panel_labels, resource_utilisation
from sim.viz.measures import link_flows
from sim.viz.style import ChartFigure, bold_text, mode_colour, new_figure, no_data

__all__ = ["flow_map", "resource_utilisation"]

_CMAP = colormaps["YlOrRd"]
_MAX_WIDTH_PT = 11.0
#: marker sizes (points squared) of terminals and locks, modelled and not
_MARKERS = {"terminal": ("s", 70.0), "lock": ("D", 55.0), "gateway": ("*", 120.0)}


def _width(mt: np.ndarray, largest: float) -> np.ndarray:
    return 0.8 + (_MAX_WIDTH_PT - 0.8) * np.sqrt(np.clip(mt / largest, 0.0, 1.0))


def _bold_weight() -> str:
    """The weight of the map's bold names: bold, or regular where :func:`bold_text` draws
    bold with an outline (Chinese: the CJK font has no bold face)."""
    return str(bold_text().get("fontweight", "bold"))


def _embolden(artists: list[Any]) -> None:
    """Outline the gateway names and link figures placed on a map, where :func:`_bold_weight` left
    them regular (their size was measured regular, and an outline takes no room)."""
    if _bold_weight() == "bold":
        return
    for artist in artists:
        if str(artist.get_gid()).startswith(("gateway:", "flow:")):
            artist.set_path_effects(bold_text(artist.get_color())["path_effects"])


def _draw(
    ax: Axes,
    data: RunData,
    flows: pd.DataFrame,
    usage: pd.DataFrame,
    largest: float,
    *,
    panel: str,
) -> tuple[list[MapLabel], list[tuple[float, float, float]], list[tuple[np.ndarray, float]]]:
    """Draw one panel's basemap, links and places; return the labels it wants, the markers
    no label may cover and the lines labels should rather not cover."""
    model = data.model
    window = window_of(ax)
    draw_basemap(ax)
    links = model.links.set_index("id")
    background = [np.asarray(c) for c in links["coords"]]
    ax.add_collection(
        LineCollection(background, colors="#c8c8c8", linewidths=0.7, zorder=1), autolim=False
    )
    cover: list[tuple[np.ndarray, float]] = [(line, 0.7) for line in background]
    ordered = flows.sort_values(["mt_per_year", "link"])
    if not ordered.empty:
        lines = [np.asarray(links.at[link, "coords"]) for link in ordered["link"]]
        widths = _width(ordered["mt_per_year"].to_numpy(), largest)
        ax.add_collection(
            LineCollection(
                lines,
                colors=[mode_colour(m) for m in ordered["mode"]],
                linewidths=widths,
                alpha=0.85,
                capstyle="round",
                zorder=2,
            ),
            autolim=False,
        )
        cover += list(zip(lines, widths.tolist(), strict=True))
    places = model.places.set_index("id")
    modelled = dict(zip(usage["place"], usage["utilisation"], strict=True))
    norm = Normalize(0, 100)
    markers: list[tuple[float, float, float]] = []
    for kind in ("terminal", "lock"):
        marker, size = _MARKERS[kind]
        subset = places[places["kind"] == kind]
        known = subset.index.isin(list(modelled))
        ax.scatter(
            subset.loc[~known, "lon"],
            subset.loc[~known, "lat"],
            marker=marker,
            s=size * 0.5,
            color="#bdbdbd",
            edgecolor="black",
            linewidth=0.5,
            zorder=4,
        )
        values = np.array([modelled[p] for p in subset.index[known]], dtype=float) * 100
        ax.scatter(
            subset.loc[known, "lon"],
            subset.loc[known, "lat"],
            marker=marker,
            s=size,
            c=np.nan_to_num(values),
            cmap=_CMAP,
            norm=norm,
            edgecolor="black",
            linewidth=0.8,
            zorder=5,
        )
        markers += [
            (float(x), float(y), float(np.sqrt(size * (1.0 if k else 0.5))) / 2 + 0.5)
            for x, y, k in zip(subset["lon"], subset["lat"], known, strict=True)
        ]
    if panel == "region":
        gateways = places[places["kind"] == "gateway"]
        marker, size = _MARKERS["gateway"]
        ax.scatter(
            gateways["lon"],
            gateways["lat"],
            marker=marker,
            s=size,
            color="#ff7f0e",
            edgecolor="black",
            linewidth=0.6,
            zorder=6,
        )
        for row in gateways.itertuples(index=False):
            markers.append((float(row.lon), float(row.lat), float(np.sqrt(size)) / 2))
    labels = panel_labels(
        data,
        flows,
        usage,
        panel=panel,
        window=window,
        largest=largest,
        bold_weight=_bold_weight(),
    )
    return labels, markers, cover


def flow_map(source: RunSource) -> Figure:
    """Cargo flows on the network (Mt/yr as line widths, colour by mode) and the modelled
    locks and terminals coloured by utilisation, over the basemap.

    Flows are the routes of the cargo delivered in the counted period (all modes: ship legs,
    landside legs), annualised and averaged over replications; locks and terminals the run
    did not model are grey. The left panel names the gateways, waterways and lakes; the right
    panel enlarges the Huai'an hub and labels every modelled resource with its utilisation,
    and the busiest links with their Mt/yr. No two names overlap; a name left out for lack of
    room is listed under the map.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI tables ``locks`` and ``berths``, its ``vessels`` and
        ``jobs`` records and the network.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    if not data.model.has_network:
        figure, ax = new_figure(8, 3)
        no_data(ax, tr("this scenario has no network to map"))
        return figure
    flows = link_flows(data)
    usage = resource_utilisation(data)
    largest = float(flows["mt_per_year"].max()) if not flows.empty else 1.0
    figure = ChartFigure(figsize=(17, 10))
    region, hub, bar_ax = map_panels(figure, colourbar=True)
    assert bar_ax is not None
    coords = np.concatenate([np.asarray(c) for c in data.model.links["coords"]])
    pad = 0.15
    region.set_xlim(coords[:, 0].min() - pad, coords[:, 0].max() + pad)
    region.set_ylim(coords[:, 1].min() - pad, coords[:, 1].max() + pad)
    hub.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    hub.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    frame_hub_map(region, hub)
    for ax in (region, hub):  # network.plot writes them in English
        ax.set_xlabel(tr(ax.get_xlabel()))
        ax.set_ylabel(tr(ax.get_ylabel()))
    region.set_title(tr("Region: cargo on the corridors (Mt/yr)"))
    hub.set_title(tr("Huai'an hub: port areas and locks (labels: utilisation; on links: Mt/yr)"))
    left_out: list[str] = []
    for ax, panel in ((region, "region"), (hub, "hub")):
        labels, markers, cover = _draw(ax, data, flows, usage, largest, panel=panel)
        placed = place_labels(ax, labels, markers=markers, lines=cover)
        _embolden(placed.artists)
        left_out += [label.text for label in placed.left_out if label.required]
        ax.set_gid(f"map:{panel}")
    steps = [v for v in (1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0) if v <= largest] or [largest]
    handles = [
        Line2D([], [], color=mode_colour(m), linewidth=4, label=mode_label(m))
        for m in ("water", "sea", "rail", "road", "air")
        if m in set(flows["mode"])
    ]
    handles += [
        Line2D(
            [],
            [],
            color="#555555",
            linewidth=float(_width(np.array([v]), largest)[0]),
            label=tr("{v:,.0f} Mt/yr", v=v),
        )
        for v in steps[-3:]
    ]
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="*",
            markersize=10,
            color="#ff7f0e",
            markeredgecolor="black",
            label=tr("gateway"),
        ),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="D",
            color="#bdbdbd",
            markeredgecolor="black",
            label=tr("lock not modelled"),
        ),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="s",
            color="#bdbdbd",
            markeredgecolor="black",
            label=tr("terminal not in the plan"),
        ),
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.01),
        ncol=len(handles),
        fontsize=8.5,
        handlelength=2.5,
        frameon=False,
    )
    bar = figure.colorbar(ScalarMappable(norm=Normalize(0, 100), cmap=_CMAP), cax=bar_ax)
    bar.set_label(tr("Utilisation of locks and berths (%)"))
    note = tr("Basemap: {source}.", source=read_basemap().source)
    if left_out:
        note = tr("Not labelled for lack of room: {names}. ", names=tr(", ").join(left_out)) + note
    figure.text(0.995, 0.005, note, ha="right", va="bottom", fontsize=6.5, color="#555555")
    figure.suptitle(tr("{name}: cargo flows and resource utilisation", name=data.name), fontsize=13)
    return figure
