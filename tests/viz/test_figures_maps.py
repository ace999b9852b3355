"""The report's flow map: the links' cargo and the resources' utilisation are the numbers the PNG
map draws, the basemap lies under the network, the names the PNG writes are written and never
overlap (estimated boxes, placed as network.maplabels places measured ones), Chinese names in
Chinese, and a figure that says why when there is nothing to map."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from network.labelboxes import Frame, place_boxes, text_size_px
from network.maplabels import MapLabel
from network.plot import HUB_WINDOW
from sim.i18n import language, tr
from sim.report.figures import build_figure
from sim.report.figures import maps as figure_maps
from sim.results.rundata import RunData
from sim.runs.run import RunResult
from sim.viz.labels import place_label
from sim.viz.maps_data import resource_utilisation
from sim.viz.measures import link_flows


@pytest.fixture(scope="module")
def flow_map(folder_data: RunData) -> dict:
    return build_figure("flow_map", folder_data)


def _flow_traces(figure: dict, axis: str) -> dict[str, dict]:
    """The traces of the links with cargo on one panel (``x``: region, ``x2``: hub), by link."""
    return {t["meta"]: t for t in figure["data"] if "meta" in t and t["xaxis"] == axis}


def _named(figure: dict, axis: str) -> dict[str, dict]:
    """The names placed on one panel, by what they name."""
    return {a["name"]: a for a in figure["layout"]["annotations"] if a.get("xref") == axis}


def _in_hub(data: RunData) -> list[tuple[str, str, float]]:
    """(place, kind, utilisation) of the modelled locks and terminals in the hub window."""
    places = data.model.places.set_index("id")
    usage = resource_utilisation(data)
    out = []
    for place, share in zip(usage["place"], usage["utilisation"], strict=True):
        lon, lat = places.at[place, "lon"], places.at[place, "lat"]
        if HUB_WINDOW[0] <= lon <= HUB_WINDOW[1] and HUB_WINDOW[2] <= lat <= HUB_WINDOW[3]:
            out.append((place, str(places.at[place, "kind"]), share))
    assert out
    return out


def _mt(hover: str) -> float:
    return float(re.search(r"<br>([\d,.]+) Mt/yr", hover).group(1).replace(",", ""))


def test_the_map_is_plain_json_with_scatter_traces_only(flow_map: dict):
    json.dumps(flow_map, allow_nan=False)
    assert {t["type"] for t in flow_map["data"]} == {"scatter"}
    assert not any("geo" in key for key in flow_map["layout"])
    assert len(json.dumps(flow_map)) < 500_000


def test_line_widths_and_hover_are_the_link_flows(folder_data: RunData, flow_map: dict):
    flows = link_flows(folder_data).set_index("link")
    assert not flows.empty
    for axis in ("x", "x2"):
        drawn = _flow_traces(flow_map, axis)
        assert set(drawn) <= set(flows.index)
        for link, trace in drawn.items():
            expected = flows.at[link, "mt_per_year"]
            assert _mt(trace["hovertemplate"]) == pytest.approx(expected, rel=0.01, abs=0.006)
            assert f"link {link} (" in trace["hovertemplate"]
        # wider is more cargo: widths in the order of the links' Mt/yr
        order = sorted(drawn, key=lambda link: (flows.at[link, "mt_per_year"], link))
        widths = [drawn[link]["line"]["width"] for link in order]
        assert widths == sorted(widths)
        assert [t["meta"] for t in flow_map["data"] if t.get("xaxis") == axis and "meta" in t] == (
            order
        )  # the busiest drawn last, on top
    assert set(_flow_traces(flow_map, "x")) == set(flows.index)  # the region shows them all


def test_locks_and_terminals_are_coloured_by_their_utilisation(
    folder_data: RunData, flow_map: dict
):
    usage = resource_utilisation(folder_data).set_index("place")["utilisation"]
    places = folder_data.model.places
    resources = places[places["kind"].isin(["lock", "terminal"])]
    at = {
        (round(x, 4), round(y, 4)): p
        for p, x, y in zip(resources["id"], resources["lon"], resources["lat"], strict=True)
    }
    for axis in ("x", "x2"):
        (coloured,) = [
            t
            for t in flow_map["data"]
            if t.get("xaxis") == axis and isinstance(t.get("marker", {}).get("color"), list)
        ]
        seen = {
            at[(x, y)]: c
            for x, y, c in zip(
                coloured["x"], coloured["y"], coloured["marker"]["color"], strict=True
            )
        }
        assert seen  # the plan's locks and terminals are in both panels
        for place, colour in seen.items():
            assert colour == pytest.approx(100 * usage[place], abs=0.05)
        assert coloured["marker"]["cmin"] == 0 and coloured["marker"]["cmax"] == 100
    # the hub panel carries the colour bar; locks the run did not model are grey there
    hub = [t for t in flow_map["data"] if t.get("xaxis") == "x2" and "marker" in t]
    assert sum(bool(t["marker"].get("showscale")) for t in hub) == 1
    grey = [t for t in hub if t["marker"].get("color") == "#bdbdbd"]
    assert grey and all(
        tr("lock not modelled") in t["hovertemplate"]
        or tr("terminal not in the plan") in t["hovertemplate"]
        for t in grey
    )


def test_the_basemap_lies_under_the_network(flow_map: dict):
    filled = [i for i, t in enumerate(flow_map["data"]) if t.get("fill") == "toself"]
    first_link = min(i for i, t in enumerate(flow_map["data"]) if "meta" in t)
    assert filled and max(i for i in filled if flow_map["data"][i]["xaxis"] == "x") < first_link
    assert {flow_map["data"][i]["xaxis"] for i in filled} == {"x", "x2"}
    layout = flow_map["layout"]
    # the sea is the background; lon/lat keep true distances at Huai'an
    assert layout["plot_bgcolor"] != layout["paper_bgcolor"]
    for axis in ("", "2"):
        assert layout[f"yaxis{axis}"]["scaleanchor"] == f"x{axis}"
        assert layout[f"yaxis{axis}"]["scaleratio"] == pytest.approx(1 / 0.84)
    assert layout["xaxis2"]["range"] == [HUB_WINDOW[0], HUB_WINDOW[1]]


def test_the_names_the_png_writes_are_written(folder_data: RunData, flow_map: dict):
    region, hub = _named(flow_map, "x"), _named(flow_map, "x2")
    places = folder_data.model.places
    gateways = set(places.loc[places["kind"] == "gateway", "id"])
    assert {f"gateway:{g}" for g in gateways} <= set(region)
    for place, kind, share in _in_hub(folder_data):
        assert hub[f"{kind}:{place}"]["text"].endswith(f": {share:.0%}")
    assert "waterway:Grand Canal (Beijing-Hangzhou)" in region
    assert "lake:Hongze Lake" in region and "lake:Hongze Lake" in hub
    assert "hub-window" in region
    notes = " ".join(a["text"] for a in flow_map["layout"]["annotations"])
    assert "GSHHG" in notes and "lack of room" not in notes


def test_placed_names_never_overlap_each_other_or_the_markers():
    frame = Frame((0.0, 1.0, 0.0, 1.0), 300.0, 200.0)
    labels = [MapLabel(f"name {i}", 0.5, 0.5, gid=str(i)) for i in range(40)]
    labels.append(
        MapLabel("along", 0.1, 0.1, lines=(np.array([[0.0, 0.1], [1.0, 0.12]]),), gid="line")
    )
    placed, left_out = place_boxes(
        labels, frame, px_per_pt=1.3, pad_px=lambda f: 2.0, markers=[(0.5, 0.5, 6.0)]
    )
    assert len(placed) + len(left_out) == len(labels)
    assert left_out  # 40 names cannot all fit around one point of a 300 x 200 px map
    boxes = np.array([p.box_px for p in placed])
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= 300).all()
    assert (boxes[:, 1] >= 0).all() and (boxes[:, 3] <= 200).all()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        # the marker at the centre (150, 100), 6 px around, stays clear
        assert a[2] <= 144 or a[0] >= 156 or a[3] <= 94 or a[1] >= 106
    assert any(p.leader for p in placed)  # the far ones point at their place
    line = next(p for p in placed if p.label.gid == "line")
    assert abs(line.angle_deg) < 5  # written along its (nearly level) line
    again, _ = place_boxes(
        labels, frame, px_per_pt=1.3, pad_px=lambda f: 2.0, markers=[(0.5, 0.5, 6.0)]
    )
    assert again == placed  # the same map gives the same positions


def test_text_boxes_count_cjk_characters_twice_as_wide():
    latin, height = text_size_px("Huaian", 10.0)
    chinese, chinese_height = text_size_px("淮安港", 10.0)
    assert chinese == pytest.approx(2 * text_size_px("xyz", 10.0)[0])
    assert chinese > latin / 2 and height == chinese_height
    assert text_size_px("Huaian", 10.0, bold=True)[0] > latin
    assert text_size_px("Huaian", 20.0)[0] == pytest.approx(2 * latin)


def test_the_chinese_map_names_places_in_chinese(folder_data: RunData):
    with language("zh"):
        figure = build_figure("flow_map", folder_data)
        titles = {
            tr("Region: cargo on the corridors (Mt/yr)"),
            tr("Utilisation of locks and berths (%)"),
        }
    json.dumps(figure, allow_nan=False)
    region, hub = _named(figure, "x"), _named(figure, "x2")
    assert region["gateway:GW_LIANYUNGANG"]["text"] == "<b>连云港港</b>"
    assert region["waterway:Grand Canal (Beijing-Hangzhou)"]["text"] == "<i>京杭大运河</i>"
    assert hub["lake:Hongze Lake"]["text"] == "<i>洪泽湖</i>"
    with language("zh"):
        for place, kind, _ in _in_hub(folder_data):
            text = hub[f"{kind}:{place}"]["text"]
            assert text.startswith(place_label(folder_data.model, place))
    texts = [a["text"] for a in figure["layout"]["annotations"] if "GSHHG" not in a["text"]]
    texts += [t["name"] for t in figure["data"] if "name" in t]
    texts += [
        figure["data"][i]["hovertemplate"] for i, t in enumerate(figure["data"]) if "meta" in t
    ]
    texts.append(
        next(t for t in figure["data"] if t.get("marker", {}).get("showscale"))["marker"][
            "colorbar"
        ]["title"]["text"]
    )
    english = [t for t in texts if re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|[A-Z]+_\w+", "", t))]
    assert not english, english
    assert any(t in texts for t in titles)


def test_a_run_without_cargo_or_with_a_closed_lock_still_maps(
    folder_data: RunData, monkeypatch: pytest.MonkeyPatch
):
    empty = link_flows(folder_data).iloc[0:0]
    usage = resource_utilisation(folder_data)
    closed = usage.assign(
        utilisation=np.where(usage["kind"] == "lock", np.nan, usage["utilisation"])
    )
    monkeypatch.setattr(figure_maps, "link_flows", lambda data: empty)
    monkeypatch.setattr(figure_maps, "resource_utilisation", lambda data: closed)
    figure = figure_maps.flow_map_figure(folder_data)
    json.dumps(figure, allow_nan=False)
    assert not _flow_traces(figure, "x") and not _flow_traces(figure, "x2")
    hub = _named(figure, "x2")
    lock = closed.loc[closed["kind"] == "lock", "place"].iloc[0]
    assert hub[f"lock:{lock}"]["text"].endswith(": n/a")
    coloured = next(t for t in figure["data"] if t.get("marker", {}).get("showscale"))
    assert any("utilisation n/a" in text for text in coloured["text"])


def test_a_scenario_without_a_network_says_so(minimal: RunResult):
    figure = build_figure("flow_map", RunData.from_result(minimal))
    assert not figure["data"]
    assert figure["layout"]["annotations"][0]["text"] == tr("this scenario has no network to map")


def test_the_map_module_does_not_import_matplotlib():
    code = (
        "import sys\n"
        "import sim.report.figures.maps, sim.viz.maps_data, network.labelboxes\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "from sim.viz.maps import resource_utilisation\n"  # the old import path still works
        "from sim.viz.maps_data import resource_utilisation as moved\n"
        "assert resource_utilisation is moved\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_region_window_holds_every_link(folder_data: RunData, flow_map: dict):
    coords = np.concatenate([np.asarray(c) for c in folder_data.model.links["coords"]])
    x0, x1 = flow_map["layout"]["xaxis"]["range"]
    y0, y1 = flow_map["layout"]["yaxis"]["range"]
    assert x0 < coords[:, 0].min() and coords[:, 0].max() < x1
    assert y0 < coords[:, 1].min() and coords[:, 1].max() < y1
