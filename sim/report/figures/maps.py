"""The report's flow map: cargo on every link (line width in Mt/yr, colour by mode), the locks
and terminals coloured by utilisation, over the bundled basemap (coast and sea, lakes, rivers),
for the region and the Huai'an hub enlarged, with the gateways, waterways, lakes and the
resources named and no two names overlapping.

It shows what the briefing PNG (:func:`sim.viz.maps.flow_map`) shows, from the same numbers
(:func:`sim.viz.measures.link_flows`, :func:`sim.viz.maps_data.resource_utilisation`) and the
same names (:func:`sim.viz.maps_data.panel_labels`), drawn by plotly.js as scatter traces on
two lon/lat panels (no geo traces: plotly's geo maps fetch their outlines from the internet).
The basemap is drawn as the map viewer draws it (filled ``scatter`` rings), clipped to each
panel's surroundings and simplified to its resolution.

The names are placed here, before any browser draws them, by
:func:`network.labelboxes.place_boxes` in the panels' pixels at the report's full width (the
figure keeps its lon/lat aspect and fixed margins, so the panels have that size in any window
wide enough to show the report at its full width; in a narrower one the map shrinks, the names
do not, and a few may touch). They are plotly annotations anchored to their point (a shift in
pixels, or a leader line), so they stay with it when the map is zoomed.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from network.basemap import BASEMAP_COLOURS, read_basemap
from network.labelboxes import Frame, PlacedBox, place_boxes
from network.maplabels import MapLabel
from network.plot import HUB_WINDOW
from sim.i18n import tr
from sim.report.figures.base import UTILISATION_SCALE, Figure, figure, no_data_figure
from sim.results.rundata import RunData
from sim.viz.labels import corridor_label, mode_label, place_label
from sim.viz.maps_data import panel_labels, resource_utilisation
from sim.viz.measures import link_flows
from sim.viz.palette import mode_colour

__all__ = ["flow_map_figure"]

#: Width of the report's plots (the width of its body, at most 1180 px: ``sim.report.html``):
#: the names are placed for panels of the size they have at this width.
_WIDTH_PX = 1180
#: Fixed margins (pixels), so that the panels' size is known when the names are placed.
_MARGIN = {"l": 54, "r": 10, "t": 50, "b": 58}
#: Height of the hub panel; the region panel fills the width left beside it.
_HUB_HEIGHT_PX = 640
#: Between the panels: room for the hub panel's latitude ticks.
_PANEL_GAP_PX = 62
#: Room under the region panel for its tick labels, the two legends (six rows) and the
#: colour bar.
_BELOW_REGION_PX = 215
#: Kilometres of a degree of longitude over one of latitude at Huai'an (cos 33°), as the PNG.
_COS_LAT = 0.84
#: Pixels per point of the PNG's font sizes (a 7.5 pt name is written 9.75 px).
_PX_PER_PT = 1.3
#: Widest flow line (pixels), for the busiest link.
_MAX_WIDTH_PX = 11.0
#: Marker sizes (pixels): symbol, size when modelled, size when not.
_MARKERS = {"terminal": ("square", 11, 8), "lock": ("diamond", 11, 8), "gateway": ("star", 15, 15)}
_NOT_MODELLED = "#bdbdbd"
_GATEWAY_COLOUR = "#ff7f0e"
#: How far around a panel the basemap is kept (share of its span), for panning a little.
_BASEMAP_MARGIN = 0.5


@dataclass(frozen=True)
class _Panel:
    """One map panel: its name, window, size and plotly axes."""

    name: str
    frame: Frame
    x_domain: tuple[float, float]
    y_domain: tuple[float, float]
    axis: str  # "" for xaxis/yaxis, "2" for xaxis2/yaxis2

    @property
    def window(self) -> tuple[float, float, float, float]:
        return self.frame.window

    @property
    def deg_per_px(self) -> float:
        """Degrees of longitude per pixel."""
        return (self.window[1] - self.window[0]) / self.frame.width_px

    def refs(self) -> dict[str, str]:
        return {"xaxis": f"x{self.axis}", "yaxis": f"y{self.axis}"}


def _region_window(data: RunData) -> tuple[float, float, float, float]:
    coords = np.concatenate([np.asarray(c, dtype=float) for c in data.model.links["coords"]])
    pad = 0.15  # as the PNG
    return (
        float(coords[:, 0].min() - pad),
        float(coords[:, 0].max() + pad),
        float(coords[:, 1].min() - pad),
        float(coords[:, 1].max() + pad),
    )


def _aspect(window: tuple[float, float, float, float]) -> float:
    """Width over height of a panel showing ``window`` at true distances."""
    return (window[1] - window[0]) * _COS_LAT / (window[3] - window[2])


def _panels(region: tuple[float, float, float, float]) -> tuple[_Panel, _Panel, float]:
    """The region panel (top left) and the hub panel (right), and the figure's height."""
    paper_w = _WIDTH_PX - _MARGIN["l"] - _MARGIN["r"]
    hub_h = float(_HUB_HEIGHT_PX)
    hub_w = hub_h * _aspect(HUB_WINDOW)
    region_w = paper_w - _PANEL_GAP_PX - hub_w
    region_h = region_w / _aspect(region)
    if region_h > hub_h - _BELOW_REGION_PX:  # a tall network: a narrower region panel
        region_h = hub_h - _BELOW_REGION_PX
        region_w = region_h * _aspect(region)
    paper_h = hub_h
    region_panel = _Panel(
        "region",
        Frame(region, region_w, region_h),
        (0.0, region_w / paper_w),
        (1.0 - region_h / paper_h, 1.0),
        "",
    )
    hub_panel = _Panel(
        "hub",
        Frame(HUB_WINDOW, hub_w, hub_h),
        (1.0 - hub_w / paper_w, 1.0),
        (0.0, 1.0),
        "2",
    )
    return region_panel, hub_panel, paper_h + _MARGIN["t"] + _MARGIN["b"]


# ---------------------------------------------------------------------------------------
# the basemap


def _flat(parts: list[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    """Polylines as one x list and one y list with ``None`` between them (4 decimals)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for part in parts:
        if xs:
            xs.append(None)
            ys.append(None)
        rounded = np.round(part, 4)
        xs.extend(rounded[:, 0].tolist())
        ys.extend(rounded[:, 1].tolist())
    return xs, ys


@functools.lru_cache(maxsize=8)
def _basemap_parts(
    window: tuple[float, float, float, float], tolerance_deg: float
) -> dict[str, tuple[list[float | None], list[float | None]]]:
    """The basemap's layers around ``window``, clipped and simplified to ``tolerance_deg``."""
    import shapely
    from shapely.geometry import LineString, Polygon

    x0, x1, y0, y1 = window
    dx, dy = (x1 - x0) * _BASEMAP_MARGIN, (y1 - y0) * _BASEMAP_MARGIN
    clip = (x0 - dx, y0 - dy, x1 + dx, y1 + dy)
    layers = read_basemap()
    out = {}
    for name, rings in (
        ("land", layers.land),
        ("lake", layers.lakes),
        ("island", layers.islands),
        ("river", layers.rivers),
    ):
        parts: list[np.ndarray] = []
        for ring in rings:
            low, high = ring.min(axis=0), ring.max(axis=0)
            if high[0] < clip[0] or low[0] > clip[2] or high[1] < clip[1] or low[1] > clip[3]:
                continue
            if name == "river":
                shape = shapely.clip_by_rect(LineString(ring), *clip)
            else:
                if len(ring) < 4:
                    continue
                shape = shapely.clip_by_rect(Polygon(ring).buffer(0), *clip)
            shape = shape.simplify(tolerance_deg, preserve_topology=False)
            for piece in getattr(shape, "geoms", [shape]):
                if piece.is_empty:
                    continue
                if piece.geom_type == "Polygon":
                    parts.append(np.asarray(piece.exterior.coords))
                elif piece.geom_type == "LineString" and name == "river":
                    parts.append(np.asarray(piece.coords))
        out[name] = _flat([p for p in parts if len(p) >= 2])
    return out


def _basemap_traces(panel: _Panel) -> list[dict[str, Any]]:
    """Land, lakes, islands (filled rings) and rivers under a panel's network; the sea is the
    plot's background."""
    parts = _basemap_parts(panel.window, round(panel.deg_per_px * 0.8, 6))
    colours = BASEMAP_COLOURS
    traces = []
    for layer, fill, edge in (
        ("land", colours["land"], colours["land"]),
        ("lake", colours["water"], colours["shore"]),
        ("island", colours["land"], colours["land"]),
    ):
        xs, ys = parts[layer]
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "fill": "toself",
                    "fillcolor": fill,
                    "line": {"color": edge, "width": 0.6},
                    "hoverinfo": "skip",
                    "showlegend": False,
                    **panel.refs(),
                }
            )
    xs, ys = parts["river"]
    if xs:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "line": {"color": colours["river"], "width": 0.7},
                "hoverinfo": "skip",
                "showlegend": False,
                **panel.refs(),
            }
        )
    return traces


# ---------------------------------------------------------------------------------------
# the network


def _width_px(mt: np.ndarray, largest: float) -> np.ndarray:
    """Line width of a link's cargo: its square root's share of the busiest link's."""
    return 0.9 + (_MAX_WIDTH_PX - 0.9) * np.sqrt(np.clip(mt / largest, 0.0, 1.0))


def _densified(coords: np.ndarray, step: float) -> np.ndarray:
    """A polyline with points added every ``step`` (degrees), so hover finds it anywhere."""
    deltas = np.diff(coords, axis=0)
    counts = np.maximum(1, np.ceil(np.hypot(*deltas.T) / step).astype(int))
    fractions = np.concatenate([np.arange(n) / n for n in counts])[:, None]
    points = np.repeat(coords[:-1], counts, axis=0) + fractions * np.repeat(deltas, counts, axis=0)
    return np.vstack([points, coords[-1:]])


def _near(coords: np.ndarray, window: tuple[float, float, float, float]) -> bool:
    """Whether a polyline's bounding box meets the window."""
    return bool(
        coords[:, 0].max() >= window[0]
        and coords[:, 0].min() <= window[1]
        and coords[:, 1].max() >= window[2]
        and coords[:, 1].min() <= window[3]
    )


def _mt_text(mt: float) -> str:
    """Mt/yr with the decimals a figure of its size needs (218, 4.4, 0.05)."""
    return f"{mt:,.0f}" if mt >= 100 else f"{mt:.1f}" if mt >= 10 else f"{mt:.2f}"


def _link_hovers(data: RunData, flows: pd.DataFrame) -> dict[str, str]:
    """Hover text of each link with cargo: its corridor, mode, id and length, and its cargo."""
    model = data.model
    links = model.links
    corridors = {
        corridor: html.escape(corridor_label(model, corridor))
        for corridor in links["corridor"].unique()
    }
    about = {
        str(link): (corridor, str(mode), float(km))
        for link, corridor, mode, km in zip(
            links["id"], links["corridor"], links["mode"], links["length_km"], strict=True
        )
    }
    out = {}
    for link, mt, tonnes in zip(flows["link"], flows["mt_per_year"], flows["tonnes"], strict=True):
        corridor, mode, km = about[str(link)]
        where = tr("{mode}, link {link} ({km:,.0f} km)", mode=mode_label(mode), link=link, km=km)
        cargo = tr(
            "{mt} Mt/yr ({tonnes:,.0f} t in the counted period)",
            mt=_mt_text(float(mt)),
            tonnes=float(tonnes),
        )
        out[str(link)] = (
            f"<b>{corridors[corridor]}</b><br>{html.escape(where)}<br>{html.escape(cargo)}"
            "<extra></extra>"
        )
    return out


def _network_traces(
    data: RunData, panel: _Panel, flows: pd.DataFrame, largest: float, hovers: dict[str, str]
) -> tuple[list[dict[str, Any]], list[tuple[np.ndarray, float]]]:
    """The network in grey and the links with cargo over it (one trace per link: its width
    is its cargo); and the lines names should rather not cover, with their weights."""
    links = data.model.links
    coords_of = {
        link: np.asarray(c, dtype=float)
        for link, c in zip(links["id"], links["coords"], strict=True)
    }
    wide = _wider(panel.window, 0.2)
    background = [c for c in coords_of.values() if len(c) >= 2 and _near(c, wide)]
    xs, ys = _flat(background)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": ys,
            "line": {"color": "#c8c8c8", "width": 0.9},
            "hoverinfo": "skip",
            "showlegend": False,
            **panel.refs(),
        }
    ]
    cover: list[tuple[np.ndarray, float]] = [(c, 0.7) for c in background]
    ordered = flows.sort_values(["mt_per_year", "link"])
    widths = _width_px(ordered["mt_per_year"].to_numpy(dtype=float), largest)
    step = panel.deg_per_px * 6.0
    for link, mode, width in zip(ordered["link"], ordered["mode"], widths.tolist(), strict=True):
        coords = coords_of[link]
        if len(coords) < 2 or not _near(coords, wide):
            continue
        dense = np.round(_densified(coords, step), 4)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": dense[:, 0].tolist(),
                "y": dense[:, 1].tolist(),
                "line": {"color": mode_colour(str(mode)), "width": round(width, 2)},
                "opacity": 0.85,
                "hovertemplate": hovers[link],
                "hoverlabel": {"bgcolor": "white"},
                "showlegend": False,
                "meta": link,
                **panel.refs(),
            }
        )
        cover.append((coords, width / _PX_PER_PT))
    return traces, cover


def _wider(
    window: tuple[float, float, float, float], share: float
) -> tuple[float, float, float, float]:
    dx, dy = (window[1] - window[0]) * share, (window[3] - window[2]) * share
    return window[0] - dx, window[1] + dx, window[2] - dy, window[3] + dy


def _place_traces(
    data: RunData, panel: _Panel, usage: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[tuple[float, float, float]]]:
    """The terminals and locks (utilisation colours, grey when not modelled) and, on the
    region panel, the gateways; and the markers no name may cover."""
    model = data.model
    places = model.places
    modelled = dict(zip(usage["place"], usage["utilisation"], strict=True))
    wide = _wider(panel.window, 0.2)
    lon = places["lon"].to_numpy(dtype=float)
    lat = places["lat"].to_numpy(dtype=float)
    near = (lon >= wide[0]) & (lon <= wide[1]) & (lat >= wide[2]) & (lat <= wide[3])
    kinds = places["kind"].to_numpy()
    ids = places["id"].astype(str).to_numpy()
    names = [place_label(model, p, n) for p, n in zip(ids, places["name"], strict=True)]
    traces: list[dict[str, Any]] = []
    markers: list[tuple[float, float, float]] = []
    grey: list[dict[str, Any]] = []
    coloured: dict[str, list[Any]] = {
        "x": [],
        "y": [],
        "symbol": [],
        "size": [],
        "value": [],
        "text": [],
    }
    for kind in ("terminal", "lock"):
        symbol, size, small = _MARKERS[kind]
        mine = np.flatnonzero(near & (kinds == kind))
        known = [i for i in mine if ids[i] in modelled]
        unknown = [i for i in mine if ids[i] not in modelled]
        if unknown:
            grey.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": np.round(lon[unknown], 4).tolist(),
                    "y": np.round(lat[unknown], 4).tolist(),
                    "marker": {
                        "symbol": symbol,
                        "size": small,
                        "color": _NOT_MODELLED,
                        "line": {"color": "black", "width": 0.6},
                    },
                    "text": [html.escape(names[i]) for i in unknown],
                    "hovertemplate": "<b>%{text}</b><br>"
                    + html.escape(
                        tr("lock not modelled")
                        if kind == "lock"
                        else tr("terminal not in the plan")
                    )
                    + "<extra></extra>",
                    "hoverlabel": {"bgcolor": "white"},
                    "showlegend": False,
                    **panel.refs(),
                }
            )
        for i in known:
            share = modelled[ids[i]]
            coloured["x"].append(round(float(lon[i]), 4))
            coloured["y"].append(round(float(lat[i]), 4))
            coloured["symbol"].append(symbol)
            coloured["size"].append(size)
            coloured["value"].append(None if share != share else round(100.0 * share, 1))
            value = f"{share:.0%}" if share == share else tr("n/a")
            what = (
                tr("Lock: utilisation {share}", share=value)
                if kind == "lock"
                else tr("Terminal: berth occupancy {share}", share=value)
            )
            coloured["text"].append(f"<b>{html.escape(names[i])}</b><br>{html.escape(what)}")
        markers += [
            (float(lon[i]), float(lat[i]), (size if ids[i] in modelled else small) / 2 + 1.0)
            for i in mine
        ]
    traces += grey
    if coloured["x"]:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": coloured["x"],
                "y": coloured["y"],
                "text": coloured["text"],
                "hovertemplate": "%{text}<extra></extra>",
                "hoverlabel": {"bgcolor": "white"},
                "marker": {
                    "symbol": coloured["symbol"],
                    "size": coloured["size"],
                    "color": [0.0 if v is None else v for v in coloured["value"]],
                    "colorscale": UTILISATION_SCALE,
                    "cmin": 0,
                    "cmax": 100,
                    "showscale": panel.name == "hub",
                    "line": {"color": "black", "width": 1},
                },
                "showlegend": False,
                **panel.refs(),
            }
        )
    if panel.name == "region":
        gateways = np.flatnonzero(kinds == "gateway")
        symbol, size, _ = _MARKERS["gateway"]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": np.round(lon[gateways], 4).tolist(),
                "y": np.round(lat[gateways], 4).tolist(),
                "text": [html.escape(names[i]) for i in gateways],
                "hovertemplate": "<b>%{text}</b><br>"
                + html.escape(tr("gateway"))
                + "<extra></extra>",
                "hoverlabel": {"bgcolor": "white"},
                "marker": {
                    "symbol": symbol,
                    "size": size,
                    "color": _GATEWAY_COLOUR,
                    "line": {"color": "black", "width": 0.7},
                },
                "showlegend": False,
                **panel.refs(),
            }
        )
        # a star's points reach beyond its nominal size
        markers += [(float(lon[i]), float(lat[i]), size / 2 + 3.0) for i in gateways]
    return traces, markers


# ---------------------------------------------------------------------------------------
# names


def _pad_px(font_px: float) -> float:
    """Room around a name's text inside its box (the annotation's border pad)."""
    return round(0.2 * font_px + 0.8, 1)


def _text(label: MapLabel) -> str:
    text = html.escape(label.text)
    if label.weight == "bold":
        text = f"<b>{text}</b>"
    if label.style == "italic":
        text = f"<i>{text}</i>"
    return text


def _annotation(panel: _Panel, placed: PlacedBox) -> dict[str, Any]:
    """A placed name as a plotly annotation: anchored to its point and shifted in pixels
    (so it stays beside the point when the map is zoomed), or, along a line, at its place
    on the map and turned."""
    label = placed.label
    anchor = panel.frame.to_px((label.x, label.y))
    dx = placed.centre_px[0] - float(anchor[0])
    dy = placed.centre_px[1] - float(anchor[1])
    pad = _pad_px(placed.font_px)
    out: dict[str, Any] = {
        "name": label.gid,  # what it names (``gateway:GW_NANJING``), for tests
        "text": _text(label),
        "xref": f"x{panel.axis}",
        "yref": f"y{panel.axis}",
        "font": {"size": round(placed.font_px, 1), "color": label.colour},
        "xanchor": "center",
        "yanchor": "middle",
        "borderpad": pad,
        "captureevents": False,
    }
    if label.box or placed.leader:
        out["bgcolor"] = "rgba(255,255,255,0.9)" if placed.leader else "rgba(255,255,255,0.75)"
    if placed.leader:
        out |= {
            "x": label.x,
            "y": label.y,
            "showarrow": True,
            "arrowhead": 0,
            "arrowwidth": 0.8,
            "arrowcolor": "#555555",
            "standoff": 1,
            "ax": round(dx, 1),
            "ay": round(-dy, 1),
            "bordercolor": "#999999",
            "borderwidth": 0.5,
            "borderpad": max(0.0, pad - 0.5),
        }
    elif label.lines:
        x, y = panel.frame.to_data(placed.centre_px)
        out |= {
            "x": round(float(x), 5),
            "y": round(float(y), 5),
            "showarrow": False,
            "textangle": round(-placed.angle_deg, 1),
        }
    else:
        out |= {
            "x": label.x,
            "y": label.y,
            "showarrow": False,
            "xshift": round(dx, 1),
            "yshift": round(dy, 1),
        }
    return out


def _names(
    data: RunData,
    panel: _Panel,
    flows: pd.DataFrame,
    usage: pd.DataFrame,
    largest: float,
    *,
    markers: list[tuple[float, float, float]],
    cover: list[tuple[np.ndarray, float]],
) -> tuple[list[dict[str, Any]], list[MapLabel]]:
    """The names of a panel as annotations, and the labels left out for lack of room."""
    wanted = panel_labels(
        data, flows, usage, panel=panel.name, window=panel.window, largest=largest
    )
    placed, left_out = place_boxes(
        wanted,
        panel.frame,
        px_per_pt=_PX_PER_PT,
        pad_px=_pad_px,
        markers=markers,
        lines=cover,
    )
    return [_annotation(panel, p) for p in placed], left_out


# ---------------------------------------------------------------------------------------
# the figure


def _legend_traces(flows: pd.DataFrame, largest: float) -> list[dict[str, Any]]:
    """Legend entries (traces without points): the modes, three line widths and the kinds
    of markers, in two legends under the region panel."""
    empty: dict[str, Any] = {"type": "scatter", "x": [None], "y": [None], "hoverinfo": "skip"}
    present = set(flows["mode"])
    out: list[dict[str, Any]] = [
        empty
        | {
            "mode": "lines",
            "name": mode_label(m),
            "line": {"color": mode_colour(m), "width": 4},
            "legend": "legend",
        }
        for m in ("water", "sea", "rail", "road", "air")
        if m in present
    ]
    steps = [v for v in (1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0) if v <= largest] or [largest]
    out += [
        empty
        | {
            "mode": "lines",
            "name": tr("{v:,.0f} Mt/yr", v=v),
            "line": {"color": "#555555", "width": float(_width_px(np.array([v]), largest)[0])},
            "legend": "legend2",
        }
        for v in steps[-3:]
    ]
    for name, symbol, colour in (
        (tr("gateway"), "star", _GATEWAY_COLOUR),
        (tr("lock not modelled"), "diamond", _NOT_MODELLED),
        (tr("terminal not in the plan"), "square", _NOT_MODELLED),
    ):
        out.append(
            empty
            | {
                "mode": "markers",
                "name": name,
                "marker": {
                    "symbol": symbol,
                    "size": 10,
                    "color": colour,
                    "line": {"color": "black", "width": 0.7},
                },
                "legend": "legend2",
            }
        )
    return out


def _axes(panel: _Panel) -> dict[str, Any]:
    """The lon/lat axes of a panel: fixed to its window, true distances, no auto margins."""
    x0, x1, y0, y1 = panel.window
    span = x1 - x0
    dtick = 0.2 if span < 2 else 1.0
    common = {
        "showgrid": False,
        "zeroline": False,
        "showline": True,
        "mirror": True,
        "linecolor": "#888888",
        "ticks": "outside",
        "ticklen": 4,
        "tickfont": {"size": 10},
        "automargin": False,
        "constrain": "domain",
        "dtick": dtick,
    }
    return {
        f"xaxis{panel.axis}": common
        | {
            "domain": list(panel.x_domain),
            "range": [x0, x1],
            "ticksuffix": "°E",
            "anchor": f"y{panel.axis}",
        },
        f"yaxis{panel.axis}": common
        | {
            "domain": list(panel.y_domain),
            "range": [y0, y1],
            "ticksuffix": "°N",
            "anchor": f"x{panel.axis}",
            "scaleanchor": f"x{panel.axis}",
            "scaleratio": 1 / _COS_LAT,
        },
    }


def flow_map_figure(data: RunData) -> Figure:
    """Cargo flows on the network and the utilisation of the locks and terminals, on a map.

    The region panel (top left) shows every corridor and names the gateways, waterways,
    lakes and seas; the hub panel (right) enlarges the Huai'an hub (its window is outlined on
    the region panel) and names every modelled lock and terminal with its utilisation, the
    locks not modelled and the busiest links with their Mt/yr. Line width is a link's cargo
    (:func:`sim.viz.measures.link_flows`: the cargo delivered in the counted period on the
    links of its route, annualised, mean of the replications), colour its mode; locks and
    terminals are coloured by utilisation
    (:func:`sim.viz.maps_data.resource_utilisation`), grey where the run did not model them.
    Hovering a link gives its corridor, mode and Mt/yr, a lock or terminal its name and
    utilisation. Names never overlap; those left out for lack of room are listed under the
    map, with the basemap's source.

    Parameters
    ----------
    data : RunData
        The run: its KPI tables ``locks`` and ``berths``, its ``vessels`` and ``jobs``
        records and the network.

    Returns
    -------
    Figure
        Scatter traces only; a figure saying why when the scenario has no network.
    """
    if not data.model.has_network:
        return no_data_figure(tr("this scenario has no network to map"))
    flows = link_flows(data)
    usage = resource_utilisation(data)
    largest = float(flows["mt_per_year"].max()) if not flows.empty else 1.0
    region, hub, height = _panels(_region_window(data))
    hovers = _link_hovers(data, flows)
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    left_out: list[str] = []
    for panel in (region, hub):
        traces += _basemap_traces(panel)
        network, cover = _network_traces(data, panel, flows, largest, hovers)
        places, markers = _place_traces(data, panel, usage)
        traces += network + places
        names, missing = _names(data, panel, flows, usage, largest, markers=markers, cover=cover)
        annotations += names
        left_out += [label.text for label in missing if label.required]
    traces += _legend_traces(flows, largest)
    paper_h = height - _MARGIN["t"] - _MARGIN["b"]
    below_region = region.y_domain[0] - 30 / paper_h  # under its tick labels
    for panel, title in (
        (region, tr("Region: cargo on the corridors (Mt/yr)")),
        (hub, tr("Huai'an hub: port areas and locks (labels: utilisation; on links: Mt/yr)")),
    ):
        annotations.append(
            {
                "text": html.escape(title),
                "xref": "paper",
                "yref": "paper",
                "x": sum(panel.x_domain) / 2,
                "y": panel.y_domain[1],
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    note = tr("Basemap: {source}.", source=read_basemap().source)
    if left_out:
        note = tr("Not labelled for lack of room: {names}. ", names=tr(", ").join(left_out)) + note
    annotations.append(
        {
            "text": html.escape(note),
            "xref": "paper",
            "yref": "paper",
            "x": 1.0,
            "y": -32 / paper_h,
            "xanchor": "right",
            "yanchor": "top",
            "showarrow": False,
            "font": {"size": 10, "color": "#555555"},
        }
    )
    # the colour bar of the hub's modelled markers, across the bottom of the left column
    for trace in traces:
        if trace.get("marker", {}).get("showscale"):
            trace["marker"]["colorbar"] = {
                "orientation": "h",
                "x": region.x_domain[1] / 2,
                "xanchor": "center",
                "y": 0.0,
                "yanchor": "bottom",
                "len": 0.9 * region.frame.width_px,
                "lenmode": "pixels",
                "thickness": 10,
                "title": {
                    "text": html.escape(tr("Utilisation of locks and berths (%)")),
                    "side": "top",
                    "font": {"size": 11},
                },
                "tickfont": {"size": 10},
                "outlinewidth": 0.5,
            }
    legend_box = {
        "orientation": "v",
        "yanchor": "top",
        "y": below_region,
        "xanchor": "left",
        "bgcolor": "rgba(255,255,255,0)",
        "font": {"size": 11},
        "itemclick": False,
        "itemdoubleclick": False,
        "tracegroupgap": 2,
    }
    layout: dict[str, Any] = {
        "margin": dict(_MARGIN),
        "plot_bgcolor": BASEMAP_COLOURS["water"],
        "annotations": annotations,
        "shapes": [
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": HUB_WINDOW[0],
                "x1": HUB_WINDOW[1],
                "y0": HUB_WINDOW[2],
                "y1": HUB_WINDOW[3],
                "line": {"color": "black", "width": 1, "dash": "dash"},
            }
        ],
        "legend": legend_box | {"x": 0.0},
        "legend2": legend_box | {"x": 0.48 * region.x_domain[1]},
        "hoverdistance": 12,
        **_axes(region),
        **_axes(hub),
    }
    return figure(traces, layout, height=round(height), legend=True)
