"""Map of a run: cargo on every link (line width in Mt/yr, colour by mode) and the locks and
terminals coloured by utilisation, for the region and the Huai'an hub enlarged."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from network.plot import HUB_WINDOW, frame_hub_map
from sim.i18n import tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import mode_label, place_label
from sim.viz.measures import link_flows
from sim.viz.style import mode_colour, new_figure, no_data

__all__ = ["flow_map", "resource_utilisation"]

_CMAP = colormaps["YlOrRd"]
_MAX_WIDTH_PT = 11.0


def resource_utilisation(data: RunData) -> pd.DataFrame:
    """Utilisation of each modelled lock and each terminal (berth-weighted over its groups).

    Returns
    -------
    DataFrame
        ``place, kind (lock or terminal), utilisation`` (share, 0-1).
    """
    rows = []
    locks = data.tables["locks"]
    for row in locks.itertuples(index=False):
        rows.append((row.resource, "lock", float(row.utilisation)))
    berths = data.tables["berths"]
    if not berths.empty:
        weighted = berths.assign(busy=berths["occupancy"] * berths["berths"])
        per_terminal = weighted.groupby("terminal")[["busy", "berths"]].sum()
        for terminal, values in per_terminal.iterrows():
            if values["berths"] > 0:
                rows.append((str(terminal), "terminal", float(values["busy"] / values["berths"])))
    return pd.DataFrame(rows, columns=["place", "kind", "utilisation"])


def _width(mt: np.ndarray, largest: float) -> np.ndarray:
    return 0.8 + (_MAX_WIDTH_PT - 0.8) * np.sqrt(np.clip(mt / largest, 0.0, 1.0))


def _draw(
    ax: Axes,
    data: RunData,
    flows: pd.DataFrame,
    usage: pd.DataFrame,
    largest: float,
    *,
    labels: bool,
) -> None:
    model = data.model
    links = model.links.set_index("id")
    background = [np.asarray(c) for c in links["coords"]]
    ax.add_collection(
        LineCollection(background, colors="#d9d9d9", linewidths=0.7, zorder=1, linestyles="-")
    )
    ordered = flows.sort_values("mt_per_year")
    if not ordered.empty:
        lines = [np.asarray(links.at[link, "coords"]) for link in ordered["link"]]
        ax.add_collection(
            LineCollection(
                lines,
                colors=[mode_colour(m) for m in ordered["mode"]],
                linewidths=_width(ordered["mt_per_year"].to_numpy(), largest),
                alpha=0.85,
                capstyle="round",
                zorder=2,
            )
        )
    places = model.places.set_index("id")
    modelled = dict(zip(usage["place"], usage["utilisation"], strict=True))
    norm = Normalize(0, 100)
    for kind, marker, size in (("terminal", "s", 70), ("lock", "D", 55)):
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
        values = np.array([modelled[p] for p in subset.index[known]]) * 100
        ax.scatter(
            subset.loc[known, "lon"],
            subset.loc[known, "lat"],
            marker=marker,
            s=size,
            c=values,
            cmap=_CMAP,
            norm=norm,
            edgecolor="black",
            linewidth=0.8,
            zorder=5,
        )
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    if labels:
        shown = [
            (place, float(places.at[place, "lon"]), float(places.at[place, "lat"]), value)
            for place, value in modelled.items()
            if place in places.index
            and xmin <= places.at[place, "lon"] <= xmax
            and ymin <= places.at[place, "lat"] <= ymax
        ]
        window = (xmin, xmax, ymin, ymax)
        for (place, x, y, value), (tx, ty) in zip(shown, _callouts(shown, window), strict=True):
            name = place_label(data.model, place, str(places.at[place, "name"]).split(" (")[0])
            ax.annotate(
                f"{name}: {value:.0%}",
                (x, y),
                xytext=(tx, ty),
                textcoords="data",
                fontsize=7.5,
                va="center",
                ha="left" if tx > x else "right",
                zorder=7,
                arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.6},
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#999999", "alpha": 0.9},
            )
        # the busiest links in view carry their figure
        for row in ordered.iloc[::-1].itertuples(index=False):
            coords = np.asarray(links.at[row.link, "coords"])
            x, y = coords[len(coords) // 2]
            if len(coords) == 2:
                x, y = coords.mean(axis=0)
            if xmin <= x <= xmax and ymin <= y <= ymax and row.mt_per_year >= 0.15 * largest:
                ax.annotate(
                    f"{row.mt_per_year:,.0f}",
                    (x, y),
                    fontsize=7,
                    ha="center",
                    va="center",
                    zorder=6,
                    color=mode_colour(row.mode),
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                )


def _callouts(
    points: list[tuple[str, float, float, float]], window: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """Label positions beside the points, pushed apart vertically so labels do not overlap.

    Points left of the window's centre are labelled to their left, the others to their right;
    on each side labels keep at least 4 % of the window's height between them.
    """
    xmin, xmax, ymin, ymax = window
    centre = (xmin + xmax) / 2
    gap = 0.04 * (ymax - ymin)
    dx = 0.06 * (xmax - xmin)
    result: dict[int, tuple[float, float]] = {}
    for side in (-1, 1):
        mine = [i for i, p in enumerate(points) if (p[1] >= centre) == (side > 0)]
        mine.sort(key=lambda i: points[i][2])
        placed: list[float] = []
        for i in mine:
            y = points[i][2]
            if placed and y < placed[-1] + gap:
                y = placed[-1] + gap
            placed.append(y)
        # shift the column down if it ran off the top
        overflow = (placed[-1] - (ymax - gap / 2)) if placed else 0.0
        for i, y in zip(mine, placed, strict=True):
            result[i] = (points[i][1] + side * dx, y - max(0.0, overflow))
    return [result[i] for i in range(len(points))]


def flow_map(source: RunSource) -> Figure:
    """Cargo flows on the network (Mt/yr as line widths, colour by mode) and the modelled
    locks and terminals coloured by utilisation.

    Flows are the routes of the cargo delivered in the counted period (all modes: ship legs,
    landside legs), annualised and averaged over replications; locks and terminals the run
    did not model are grey. The right panel enlarges the Huai'an hub and labels resources and
    the busiest links (Mt/yr).

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
    figure, (region, hub) = new_figure(17, 9.5, ncols=2, gridspec_kw={"width_ratios": [1, 1.15]})
    coords = np.concatenate([np.asarray(c) for c in data.model.links["coords"]])
    pad = 0.15
    region.set_xlim(coords[:, 0].min() - pad, coords[:, 0].max() + pad)
    region.set_ylim(coords[:, 1].min() - pad, coords[:, 1].max() + pad)
    hub.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    hub.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    _draw(region, data, flows, usage, largest, labels=False)
    _draw(hub, data, flows, usage, largest, labels=True)
    frame_hub_map(region, hub)
    for ax in (region, hub):  # network.plot writes them in English
        ax.set_xlabel(tr(ax.get_xlabel()))
        ax.set_ylabel(tr(ax.get_ylabel()))
    places = data.model.places
    for row in places[places["kind"] == "gateway"].itertuples(index=False):
        region.annotate(
            place_label(data.model, str(row.id), str(row.name).split(",")[0].split(" (")[0]),
            (row.lon, row.lat),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
        )
    region.set_title(tr("Region: cargo on the corridors (Mt/yr)"))
    hub.set_title(tr("Huai'an hub: port areas and locks (label: utilisation)"))
    steps = [v for v in (1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0) if v <= largest] or [largest]
    handles = [
        Line2D([], [], color=mode_colour(m), linewidth=4, label=mode_label(m))
        for m in ("water", "sea", "rail", "road")
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
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8)
    bar = figure.colorbar(
        ScalarMappable(norm=Normalize(0, 100), cmap=_CMAP),
        ax=hub,
        shrink=0.6,
    )
    bar.set_label(tr("Utilisation of locks and berths (%)"))
    figure.suptitle(tr("{name}: cargo flows and resource utilisation", name=data.name))
    return figure
