"""What the flow map of a run shows, without matplotlib: the utilisation of each lock and
terminal, and the names each panel writes (gateways, resources with their utilisation, the
figures on the busiest links, waterways, lakes and seas).

Both flow maps read it: the briefing PNG (:func:`sim.viz.maps.flow_map`) and the report's
interactive figure (:func:`sim.report.figures.maps.flow_map_figure`), so they colour and name
the same things. Where a name goes is each map's own business (its text is measured
differently).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from network.basemap import read_basemap
from network.maplabels import MapLabel
from network.plot import HUB_WINDOW, WATERWAY_NAMES_ZH, water_labels
from sim.i18n import current_language, tr
from sim.results.rundata import RunData
from sim.viz.labels import place_label
from sim.viz.palette import mode_colour

__all__ = ["panel_labels", "resource_utilisation", "short_name", "water_names"]

#: Lon/lat window: (lon min, lon max, lat min, lat max).
Window = tuple[float, float, float, float]


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


def short_name(name: str) -> str:
    """A place's name without its bracketed or comma detail ("Huai'an Port (phase III)")."""
    return str(name).split(" (")[0].split(",")[0]


def _inside(x: float, y: float, window: Window) -> bool:
    return window[0] <= x <= window[1] and window[2] <= y <= window[3]


def water_names(labels: list[MapLabel]) -> list[MapLabel]:
    """The names of the waterways, lakes and seas (:func:`network.plot.water_labels`, in
    English) in the current language, before they are placed (a Chinese name is shorter);
    the labels' ids stay English."""
    if current_language() == "en":
        return labels
    chinese = {f"{w.kind}:{w.name}": w.name_zh for w in read_basemap().waters if w.name_zh}
    chinese.update({f"waterway:{name}": zh for name, zh in WATERWAY_NAMES_ZH.items()})
    return [dataclasses.replace(label, text=chinese.get(label.gid, label.text)) for label in labels]


def panel_labels(
    data: RunData,
    flows: pd.DataFrame,
    usage: pd.DataFrame,
    *,
    panel: str,
    window: Window,
    largest: float,
    bold_weight: str = "bold",
) -> list[MapLabel]:
    """The names one panel of the flow map wants, in the current language, before placing.

    The region panel names the hub window and the gateways; the hub panel every modelled
    lock and terminal in view with its utilisation, the locks not modelled (optional, grey)
    and the links carrying at least 15 % of the busiest link's cargo with their Mt/yr
    (optional, along the link). Both name the waterways, lakes and seas in view
    (:func:`water_names`).

    Parameters
    ----------
    data : RunData
    flows : DataFrame
        :func:`sim.viz.measures.link_flows` of the run.
    usage : DataFrame
        :func:`resource_utilisation` of the run.
    panel : {"region", "hub"}
    window : (lon min, lon max, lat min, lat max)
        The panel's extent.
    largest : float
        Mt/yr of the busiest link (1 when no link carries cargo).
    bold_weight : str
        Font weight of the gateway names and link figures (a map whose font has no bold
        face embolden them otherwise).

    Returns
    -------
    list of MapLabel
        Ids (``gid``): ``hub-window``, ``gateway:<place>``, ``terminal:<place>``,
        ``lock:<place>``, ``flow:<link>``, ``waterway:<name>``, ``lake:<name>``,
        ``sea:<name>``.
    """
    model = data.model
    places = model.places.set_index("id")
    links = model.links.set_index("id")
    modelled = dict(zip(usage["place"], usage["utilisation"], strict=True))
    labels: list[MapLabel] = []
    if panel == "region":
        labels.append(
            MapLabel(
                tr("Huai'an hub (right)"),
                (HUB_WINDOW[0] + HUB_WINDOW[1]) / 2,
                HUB_WINDOW[3],
                priority=0.1,
                fontsize=7.0,
                gid="hub-window",
            )
        )
        gateways = places[places["kind"] == "gateway"]
        for place, row in gateways.iterrows():
            labels.append(
                MapLabel(
                    place_label(model, str(place), short_name(row["name"])),
                    float(row["lon"]),
                    float(row["lat"]),
                    priority=0.0,
                    weight=bold_weight,
                    gid=f"gateway:{place}",
                )
            )
    else:
        for place, value in sorted(modelled.items()):
            if place not in places.index:
                continue
            x, y = float(places.at[place, "lon"]), float(places.at[place, "lat"])
            if _inside(x, y, window):
                labels.append(
                    MapLabel(
                        f"{place_label(model, place, short_name(places.at[place, 'name']))}: "
                        + (f"{value:.0%}" if value == value else tr("n/a")),
                        x,
                        y,
                        priority=0.0 if places.at[place, "kind"] == "terminal" else 0.2,
                        gid=f"{places.at[place, 'kind']}:{place}",
                    )
                )
        for place, row in places[places["kind"] == "lock"].iterrows():
            if place not in modelled and _inside(float(row["lon"]), float(row["lat"]), window):
                labels.append(
                    MapLabel(
                        place_label(model, str(place), short_name(row["name"])),
                        float(row["lon"]),
                        float(row["lat"]),
                        priority=3.0,
                        required=False,
                        fontsize=6.5,
                        colour="#555555",
                        box=False,
                        gid=f"lock:{place}",
                    )
                )
        # the busiest links in view carry their figure, written along them
        ordered = flows.sort_values(["mt_per_year", "link"])
        for row in ordered.iloc[::-1].itertuples(index=False):
            if row.mt_per_year < 0.15 * largest:
                break
            coords = np.asarray(links.at[row.link, "coords"], dtype=float)
            seen = (
                (coords[:, 0] >= window[0])
                & (coords[:, 0] <= window[1])
                & (coords[:, 1] >= window[2])
                & (coords[:, 1] <= window[3])
            )
            if seen.sum() < 2:
                continue
            middle = coords[seen][int(seen.sum()) // 2]
            labels.append(
                MapLabel(
                    f"{row.mt_per_year:,.0f}",
                    float(middle[0]),
                    float(middle[1]),
                    priority=4.0 + 1.0 / (1.0 + row.mt_per_year),
                    required=False,
                    lines=(coords[seen],),
                    fontsize=7.0,
                    colour=mode_colour(row.mode),
                    weight=bold_weight,
                    gid=f"flow:{row.link}",
                )
            )
    named_links = [
        (str(m), str(c), np.asarray(k))
        for m, c, k in zip(
            model.links["mode"], model.links["corridor"], model.links["coords"], strict=True
        )
    ]
    labels += water_names(
        water_labels(named_links, window, fontsize=8.0 if panel == "hub" else 7.5)
    )
    return labels
