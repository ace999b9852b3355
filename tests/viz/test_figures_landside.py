"""The report's landside figures (yards, landside utilisation, gate hours, modal split and CO2)
draw the numbers of the PNG charts from the same KPI tables and records, with plotly's basic
traces only; they are plain JSON, Chinese in Chinese, and say why when there is nothing to
draw or too few replications for a CI."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.i18n import language
from sim.report.figures import build_figure
from sim.report.figures.base import dates
from sim.report.figures.landside import (
    gate_hours_figure,
    landside_figure,
    modal_co2_figure,
    yard_figure,
)
from sim.results.modelinfo import ModelInfo
from sim.results.rundata import RunData
from sim.viz.labels import place_label
from sim.viz.landside_data import (
    blocking_periods,
    busiest_gates,
    counted_blocking_periods,
    fullest_yards,
    hour_of_day_profiles,
    landside_label,
    yard_fill_pct,
    yard_grid_h,
)
from sim.viz.measures import hour_of_day_profile
from sim.viz.palette import ci_note

NAMES = ("yards", "landside", "gate_hours", "modal_co2")


def _with(data: RunData, *, replications: int | None = None, **tables: pd.DataFrame) -> RunData:
    summary = (
        data.summary if replications is None else {**data.summary, "replications": replications}
    )
    return dataclasses.replace(data, summary=summary, tables={**data.tables, **tables})


def _unpacked(values: Any) -> np.ndarray:
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype="<" + values["dtype"])
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _texts(figure: dict[str, Any]) -> list[str]:
    """Every text a reader sees: titles, annotations, tick and legend labels, bar labels and
    hover texts (plotly's placeholders and tags left out)."""
    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list) and key in ("text", "ticktext", "hovertext"):
            found.extend(str(v) for v in node)
        elif isinstance(node, str) and key in ("text", "name", "hovertemplate", "hovertext"):
            found.append(node)

    walk(figure)
    return [re.sub(r"%\{[^}]*\}|<[^>]*>", " ", text) for text in found]


def _message(figure: dict[str, Any]) -> str:
    return " ".join(a["text"] for a in figure["layout"].get("annotations", []))


@pytest.fixture(scope="module")
def held(folder_data: RunData) -> RunData:
    """The folder run with ships held by the fullest yard: one hold from 10 h before the
    warm-up ends to 10 h after, one of 5 h mid-run and one of 3 h overlapping it."""
    low, high = folder_data.window_h(0)
    first = str(fullest_yards(folder_data).iloc[0]["resource"])
    yard = folder_data.model.yards["id"].tolist().index(first)
    vessels = folder_data.events["vessels"].copy()
    of_yard = folder_data.model.itineraries["yard"].to_numpy()[vessels["itinerary"].to_numpy()]
    mine = np.flatnonzero((of_yard == yard) & (vessels["replication"].to_numpy() == 0))
    start = vessels["berth_start_h"].to_numpy(dtype=float).copy()
    block = np.zeros(len(vessels))
    middle = (low + high) / 2
    for row, (at, hours) in zip(
        mine[:3], [(low - 10, 20.0), (middle, 5.0), (middle + 4, 3.0)], strict=True
    ):
        start[row], block[row] = at, hours
    vessels = vessels.assign(berth_start_h=start, block_h=block)
    events = {**{k: folder_data.events[k] for k in folder_data.events}, "vessels": vessels}
    return dataclasses.replace(folder_data, events=events)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_are_json_of_basic_traces_only(baseline_data, lang):
    with language(lang):
        for name in NAMES:
            figure = build_figure(name, baseline_data)
            json.dumps(figure, allow_nan=False)
            types = {trace["type"] for trace in figure["data"]}
            assert figure["data"] and types <= {"scatter", "bar", "pie"}, name


def test_the_figures_import_no_matplotlib():
    code = (
        "import sys; import sim.report.figures.landside; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- yards -----------------------------------------------------------------------------------


def test_blocking_periods_merge_overlapping_holds_as_a_plain_loop_does(held):
    yard_of = held.model.itineraries["yard"].to_numpy()
    vessels = held.replication_events("vessels", 0)
    for yard in range(len(held.model.yards)):
        mine = (yard_of[vessels["itinerary"].to_numpy()] == yard) & (vessels["block_h"] > 1e-9)
        starts = vessels["berth_start_h"].to_numpy()[mine]
        ends = starts + vessels["block_h"].to_numpy()[mine]
        merged: list[list[float]] = []
        for start, end in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        expected = np.array(merged, dtype=float).reshape(-1, 2)
        np.testing.assert_array_equal(blocking_periods(held, yard), expected)


def test_yard_levels_are_the_png_samples_of_the_fullest_yards(held):
    figure = yard_figure(held)
    ranked = fullest_yards(held)
    grid = yard_grid_h(held)
    fills = [t for t in figure["data"] if t["type"] == "scatter"]
    assert len(fills) == len(ranked) == 6
    ids = held.model.yards["id"].tolist()
    for trace, resource in zip(fills, ranked["resource"], strict=True):
        expected = yard_fill_pct(held, ids.index(resource), grid)
        np.testing.assert_allclose(_unpacked(trace["y"]), expected, rtol=1e-6)
        assert trace["x0"] == dates(held.model.calendar, grid[:1])[0]
        assert trace["dx"] == pytest.approx((grid[1] - grid[0]) * 3.6e6)
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert [t.split(" ")[0] for t in titles] == ranked["resource"].tolist()
    assert len(json.dumps(figure)) < 300_000


def test_held_periods_are_clipped_to_the_counted_period(held):
    low, high = held.window_h(0)
    figure = yard_figure(held)
    periods = [t for t in figure["data"] if t["type"] == "bar"]
    assert len(periods) == 1 and periods[0]["yaxis"] == "y"  # the first panel's yard only
    # 10 h after the warm-up, and 5 h and 3 h overlapping mid-run: 7 h merged
    assert _unpacked(periods[0]["width"]) / 3.6e6 == pytest.approx([10, 7])
    assert periods[0]["x"] == dates(held.model.calendar, [low, (low + high) / 2])
    assert "blocked 17 h" in figure["layout"]["annotations"][0]["text"]
    yard = held.model.yards["id"].tolist().index(str(fullest_yards(held).iloc[0]["resource"]))
    np.testing.assert_array_equal(
        counted_blocking_periods(held, yard),
        [[low, low + 10], [(low + high) / 2, (low + high) / 2 + 7]],
    )
    assert figure["layout"]["xaxis"]["range"] == dates(held.model.calendar, [low, high])


def test_a_run_stopped_in_its_warm_up_has_no_yard_level_to_show(baseline_data):
    low, _ = baseline_data.window_h(0)
    model = dataclasses.replace(baseline_data.model, end_h=(low - 24.0, low - 24.0))
    figure = yard_figure(dataclasses.replace(baseline_data, model=model))
    assert "stopped before the counted period began" in _message(figure)
    assert not figure["data"]


def test_no_yards_says_so(baseline_data):
    empty = baseline_data.tables["yards"].iloc[0:0]
    assert "no yards" in _message(yard_figure(_with(baseline_data, yards=empty)))


# --- landside utilisation --------------------------------------------------------------------


def test_landside_bars_are_the_kpi_utilisations_named_by_place_and_corridor(baseline_data):
    figure = landside_figure(baseline_data)
    table = baseline_data.tables["landside"].set_index("resource")
    yaxis = figure["layout"]["yaxis"]
    label_of_row = dict(zip(yaxis["tickvals"], yaxis["ticktext"], strict=True))
    names = {
        landside_label(baseline_data, r.kind, r.Index, r.place): r.Index for r in table.itertuples()
    }
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    drawn = {}
    for trace in bars:
        for row, value in zip(trace["y"], trace["x"], strict=True):
            drawn[names[label_of_row[row]]] = value
    limited = table["utilisation"].dropna()
    assert set(drawn) == set(limited.index)
    for resource, value in drawn.items():
        assert value == pytest.approx(limited[resource] * 100, rel=1e-3)
    assert len(yaxis["ticktext"]) == len(table)  # ample sidings are named, without a bar
    assert any(name.startswith("R_") and " " in name for name in yaxis["ticktext"])  # corridor
    # 2 replications: no whiskers, and the axis title says why
    assert all(not t["error_x"]["visible"] for t in bars)
    assert ci_note(2) in figure["layout"]["xaxis"]["title"]["text"]


def test_landside_whiskers_from_three_replications(baseline_data):
    table = baseline_data.tables["landside"]
    figure = landside_figure(_with(baseline_data, replications=3))
    gates = next(t for t in figure["data"] if t.get("name") == "Truck gate")
    assert gates["error_x"].get("visible", True)
    mine = table[table["kind"] == "gate"].sort_values(
        ["utilisation", "resource"], ascending=[False, True]
    )
    above = (mine["utilisation_ci95_high"] - mine["utilisation"]).to_numpy() * 100
    assert gates["error_x"]["array"] == pytest.approx(above, rel=1e-3, abs=1e-6)
    assert "whiskers: 95 % CI" in figure["layout"]["xaxis"]["title"]["text"]


def test_a_resource_without_capacity_is_named_without_a_bar(baseline_data):
    table = baseline_data.tables["landside"].copy()
    gate = table.index[table["kind"] == "gate"][0]
    for column in ("utilisation", "utilisation_ci95_low", "utilisation_ci95_high"):
        table.loc[gate, column] = np.nan
    figure = landside_figure(_with(baseline_data, landside=table))
    gates = next(t for t in figure["data"] if t.get("name") == "Truck gate")
    assert len(gates["x"]) == (table["kind"] == "gate").sum() - 1
    labels = next(t for t in figure["data"] if t.get("mode") == "text")
    said = [t for t in labels["text"] if "no capacity in the counted period" in t]
    assert len(said) == 1


def test_no_landside_says_so(minimal):
    assert "no landside resources" in _message(
        build_figure("landside", RunData.from_result(minimal))
    )


# --- gates by hour of the day ----------------------------------------------------------------


def test_hour_profiles_in_one_pass_equal_the_measure(baseline_data):
    stages = list(range(len(baseline_data.model.stages)))
    for stage, profile in hour_of_day_profiles(baseline_data, stages).items():
        pd.testing.assert_frame_equal(profile, hour_of_day_profile(baseline_data, stage))


def test_gate_hours_bars_are_the_hour_of_day_profiles_of_the_busiest_gates(baseline_data):
    figure = gate_hours_figure(baseline_data, top=3)
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    steps = [t for t in figure["data"] if t["type"] == "scatter"]
    stages = baseline_data.model.stages
    totals = {
        i: np.nansum(hour_of_day_profile(baseline_data, i)["moved_t_per_h"])
        for i in np.flatnonzero(stages["kind"].isin(["gate", "air"]).to_numpy())
    }
    busiest = sorted((i for i in totals if totals[i] > 0), key=lambda i: -totals[i])[:3]
    assert [i for i, _ in busiest_gates(baseline_data, 3)] == busiest
    assert len(bars) == len(steps) == 3
    for bar, step, stage in zip(bars, steps, busiest, strict=True):
        profile = hour_of_day_profile(baseline_data, int(stage))
        np.testing.assert_allclose(_unpacked(bar["y"]), profile["moved_t_per_h"], rtol=1e-3)
        capacity = profile["capacity_t_per_h"].to_numpy()
        np.testing.assert_allclose(_unpacked(step["y"]), np.append(capacity, capacity[-1]))
        assert step["line"]["shape"] == "hv"
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert all("busiest" in t and "t/h" in t for t in titles)


def test_no_gates_say_so(baseline_data, minimal):
    document = json.loads(json.dumps(baseline_data.model.to_json()))
    del document["stages"]
    older = dataclasses.replace(baseline_data, model=ModelInfo.from_json(document))
    for data in (older, RunData.from_result(minimal)):
        assert "no truck gate" in _message(gate_hours_figure(data))


# --- modal split and CO2 ---------------------------------------------------------------------


def test_modal_bars_are_the_split_and_transport_tables(baseline_data):
    figure = modal_co2_figure(baseline_data)
    split, tkm, co2 = (t for t in figure["data"] if t["type"] == "bar")
    table = baseline_data.tables["modal_split"].sort_values("share")
    assert split["x"] == pytest.approx(table["share"].to_numpy() * 100, rel=1e-3)
    transport = baseline_data.tables["transport"]
    moved = transport[transport["tonne_km"] > 0].sort_values("tonne_km")
    assert tkm["x"] == pytest.approx(moved["tonne_km"].to_numpy() / 1e9, rel=1e-3)
    assert co2["x"] == pytest.approx(moved["co2_t"].to_numpy() / 1e3, rel=1e-3)
    assert (tkm["xaxis"], co2["xaxis"]) == ("x2", "x3")
    assert not tkm["error_x"]["visible"]
    assert ci_note(2) in _message(figure)


def test_diverted_tonnes_are_noted_under_the_modal_split(baseline_data):
    split = baseline_data.tables["modal_split"].copy()
    split["diverted_t"] = np.where(split["landside"] == "road", 123_456.0, 0.0)
    title = modal_co2_figure(_with(baseline_data, modal_split=split))["layout"]["xaxis"]["title"]
    assert "Diverted from a congested option: 0.12 Mt" in title["text"]
    assert "<br>now by Road 0.12 Mt" in title["text"]


def test_no_cargo_says_so(baseline_data):
    empty = {"modal_split": baseline_data.tables["modal_split"].iloc[0:0]}
    figure = modal_co2_figure(_with(baseline_data, **empty))
    assert "no port cargo delivered" in _message(figure)
    assert len([t for t in figure["data"] if t["type"] == "bar"]) == 2  # t-km and CO2 remain
    empty["transport"] = baseline_data.tables["transport"].iloc[0:0]
    assert "no port cargo delivered" in _message(modal_co2_figure(_with(baseline_data, **empty)))


# --- Chinese ---------------------------------------------------------------------------------


def test_in_chinese_places_are_named_in_chinese_and_no_english_words_are_left(held):
    english = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
    with language("zh"):
        for name in NAMES:
            figure = build_figure(name, held)
            left = {
                word
                for text in _texts(figure)
                # ids (HA_NEWPORT/NP_CY, R_SP_03) and units kept in Latin letters
                for word in english.findall(re.sub(r"[A-Za-z0-9_]*_[A-Za-z0-9_/]*", " ", text))
            }
            assert not left, (name, left)
        ticks = landside_figure(held)["layout"]["yaxis"]["ticktext"]
        gate = held.tables["landside"].query("kind == 'gate'").iloc[0]
        assert any(t.startswith(place_label(held.model, gate["place"])) for t in ticks)
        assert re.search("[\u4e00-\u9fff]", place_label(held.model, gate["place"]))
