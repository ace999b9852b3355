"""The report's queue, turnaround, time-space and Gantt figures (sim.report.figures.queues and
sim.report.figures.journeys) draw the numbers the PNG charts draw (from sim.viz.queues_data and
sim.viz.journeys_data), with scatter and bar traces only, as strict JSON, in English and in
Chinese, and say why when a run gives them nothing to draw."""

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

from sim.i18n import language, tr
from sim.report.figures import build_figure
from sim.report.figures.base import numbers
from sim.report.figures.journeys import _sail_lines, _stop_lines, _Stretches
from sim.report.figures.queues import _wait_range
from sim.results.rundata import RunData
from sim.viz.journeys_data import (
    DETAIL_H,
    busiest_detail,
    busiest_window,
    canal_segments,
    chosen_groups,
    default_km_range,
    group_stays,
    ship_density,
)
from sim.viz.labels import commodity_label, place_label, port_area_label
from sim.viz.queues_data import (
    queue_bin_h,
    queue_resources,
    turnaround_by_area,
    turnaround_calls,
    waiting_series,
    waiting_series_of,
)
from sim.viz.tracks import GRAND_CANAL, canal_km, replication_columns, vessel_waypoints

FAMILY = ("queues", "turnaround", "time_space", "berth_gantt")
_HOUR_MS = 3_600_000.0


def _values(array: Any) -> np.ndarray:
    """A trace's array as floats: a packed typed array or a JSON list (None: NaN)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in array], dtype=float)


def _ms(data: RunData, hours: np.ndarray) -> np.ndarray:
    """Simulation hours as plotly's date numbers: milliseconds from 1 January of the first
    counted year (the calendar's date at the end of the warm-up) on."""
    calendar = data.model.calendar
    start = calendar.datetimes(np.array([calendar.warmup_h]))[0]
    start_ms = float(start.astype("datetime64[ms]").astype(np.int64))
    return start_ms + (np.asarray(hours, dtype=float) - calendar.warmup_h) * _HOUR_MS


def _texts(figure: dict[str, Any]) -> list[str]:
    """Every text a reader sees in a figure: titles, names, notes and hover templates."""
    layout = figure["layout"]
    texts = [a["text"] for a in layout.get("annotations", [])]
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value.get("title"), dict):
            texts.append(value["title"]["text"])
    for trace in figure["data"]:
        texts += [trace.get("name", ""), trace.get("hovertemplate", "")]
        if isinstance(trace.get("y"), list) and trace.get("type") == "bar":
            texts += [str(y) for y in trace["y"]]
        bar = trace.get("marker", {}).get("colorbar")
        if bar:
            texts.append(bar["title"]["text"])
    return texts


@pytest.fixture(scope="module")
def figures(baseline_data: RunData) -> dict[str, dict[str, Any]]:
    return {name: build_figure(name, baseline_data) for name in FAMILY}


@pytest.fixture(scope="module")
def figures_zh(baseline_data: RunData) -> dict[str, dict[str, Any]]:
    with language("zh"):
        return {name: build_figure(name, baseline_data) for name in FAMILY}


def test_figures_are_strict_json_of_scatter_and_bar_traces(figures, figures_zh):
    for built in (figures, figures_zh):
        for name, figure in built.items():
            text = json.dumps(figure, allow_nan=False)
            assert figure["data"], name
            assert {trace["type"] for trace in figure["data"]} <= {"scatter", "bar"}, name
            assert len(text) < 1_500_000, name


def test_the_figure_modules_do_not_import_matplotlib():
    code = (
        "import sys, sim.report.figures.queues, sim.report.figures.journeys; "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_queue_figure_draws_the_waiting_series_of_the_png(baseline_data, figures):
    from sim.viz import queue_chart

    ranked = queue_resources(baseline_data)
    width = queue_bin_h(baseline_data)
    assert width == 24.0  # a 20-day run: a day per bin
    resources = list(zip(ranked["kind"], ranked["resource"], strict=True))
    series = waiting_series_of(baseline_data, resources, bin_h=width)
    traces = figures["queues"]["data"]
    assert len(traces) == 2 * len(resources) > 0
    png = queue_chart(baseline_data)
    queue_ax, wait_ax = png.axes[:2]
    for k, ((kind, resource), frame) in enumerate(zip(resources, series, strict=True)):
        queue, wait = traces[2 * k], traces[2 * k + 1]
        assert queue["y"] == numbers(frame["queue_vessels"], 3)
        assert wait["y"] == numbers(frame["mean_wait_h"], 3)
        assert (queue.get("yaxis", "y"), wait["yaxis"]) == ("y", "y2")
        assert queue["line"]["dash"] == ("solid" if kind == "lock" else "dash")
        # the PNG draws the same values
        assert numbers(queue_ax.lines[k].get_ydata(), 3) == queue["y"]
        assert numbers(wait_ax.lines[k].get_ydata(), 3) == wait["y"]
        pd.testing.assert_frame_equal(
            frame, waiting_series(baseline_data, kind, resource, bin_h=width)
        )


def test_the_wait_axis_leaves_out_a_series_that_dwarfs_the_others():
    top, above = _wait_range({"a": 6244.0, "b": 7.0, "c": 5.0, "d": 17.5})  # type: ignore[misc]
    assert above == ["a"]
    assert top == pytest.approx(1.08 * 17.5)
    assert _wait_range({"a": 7.0, "b": 5.0, "c": 17.5}) is None
    assert _wait_range({"a": 6244.0}) is None  # nothing to compare it with


def test_turnaround_figure_counts_every_call_and_the_png_statistics(baseline_data, figures):
    calls = turnaround_calls(baseline_data)
    values = calls["turnaround_h"].to_numpy()
    traces = figures["turnaround"]["data"]
    histogram = traces[0]
    assert sum(histogram["y"]) == len(calls) > 0
    lines = {trace["line"]["dash"]: trace["x"] for trace in traces[1:4]}
    assert lines == {
        "solid": [np.mean(values)] * 2,
        "dot": [np.percentile(values, 50)] * 2,
        "dash": [np.percentile(values, 95)] * 2,
    }
    stats = turnaround_by_area(calls)
    spread, middle = traces[4], traces[5]
    assert spread["y"] == [port_area_label(baseline_data.model, a) for a in stats.index]
    assert spread["base"] == numbers(stats["5%"])
    assert spread["x"] == numbers(stats["95%"] - stats["5%"])
    assert middle["base"] == numbers(stats["25%"])
    assert traces[6]["x"] == numbers(stats["50%"])


def test_turnaround_by_area_equals_pandas_describe(baseline_data):
    calls = turnaround_calls(baseline_data)
    assert isinstance(calls["port_area"].dtype, pd.CategoricalDtype)
    described = (
        calls.assign(port_area=calls["port_area"].astype(str))
        .groupby("port_area")["turnaround_h"]
        .describe(percentiles=[0.05, 0.25, 0.5, 0.75, 0.95])
        .sort_values("50%")
    )
    ours = turnaround_by_area(calls)
    assert list(ours.index) == list(described.index)
    for column in ours.columns:  # exactly: the PNG draws these numbers
        assert np.array_equal(ours[column].to_numpy(), described[column].to_numpy()), column


def test_replication_columns_equal_the_replications_records(baseline_data):
    frame = baseline_data.events["passages"]
    shuffled = dataclasses.replace(
        baseline_data,
        events={
            **baseline_data.events,
            "passages": frame.sort_values("replication", ascending=False),
        },
    )
    for data in (baseline_data, shuffled):  # stored replication by replication, and not
        for replication in range(baseline_data.replications):
            rows = data.replication_events("passages", replication)
            got = replication_columns(data, "passages", replication, ["lock", "arrival_h"])
            for column, values in got.items():
                assert np.array_equal(values, rows[column].to_numpy(), equal_nan=True)


def _week(data: RunData) -> tuple[float, float, pd.DataFrame, tuple[float, float]]:
    km = canal_km(data.model, GRAND_CANAL)
    begin = busiest_window(data)
    points = vessel_waypoints(data, start_h=begin, end_h=begin + 168.0)
    segments = canal_segments(data, points, km, GRAND_CANAL, data.end_h(0))
    return begin, begin + 168.0, segments, default_km_range(data, km)


def test_time_space_figure_carries_the_weeks_density_and_ships(baseline_data, figures):
    figure = figures["time_space"]
    begin, finish, segments, (low, high) = _week(baseline_data)
    grid = ship_density(
        segments, start_h=begin, end_h=finish, km_range=(low, high), bin_h=2.0, bin_km=1.0
    )
    hover = figure["data"][0]
    rows, columns = np.nonzero(grid > 0)
    assert np.array_equal(_values(hover["customdata"]), grid[rows, columns].astype(np.float32))
    assert np.array_equal(_values(hover["x"]), _ms(baseline_data, begin + (columns + 0.5) * 2.0))
    image = figure["layout"]["images"][0]
    png = base64.b64decode(image["source"].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = np.frombuffer(png[16:24], dtype=">u4")
    assert (height, width) == (grid.shape[0] * 8, grid.shape[1] * 12)
    # every lockage of the week on the shown km is drawn, at its lock, in its direction
    chambers = segments[
        (segments["kind"] == "chamber")
        & segments["y0"].between(low, high)
        & (segments["t1"] >= begin)
        & (segments["t0"] <= finish)
    ]
    for axis_name, north in (("x2", True), ("x3", False)):
        (trace,) = [
            t
            for t in figure["data"]
            if t.get("legendgroup") == "chamber" and t.get("xaxis") == axis_name
        ]
        drawn = set(zip(_values(trace["x"]), _values(trace["y"]).round(3), strict=True))
        mine = chambers[chambers["north"] == north]
        assert len(mine) > 0
        for t0, t1, y in zip(mine["t0"], mine["t1"], mine["y0"], strict=True):
            ms = _ms(baseline_data, np.array([t0, t1]))
            km = round(float(np.float32(y)), 3)
            assert (ms[0], km) in drawn and (ms[1], km) in drawn
    detail = busiest_detail(segments, begin, finish, DETAIL_H)
    layout = figure["layout"]
    assert layout["xaxis2"]["range"] == list(_ms(baseline_data, np.array([detail, detail + 8])))
    assert layout["xaxis3"]["matches"] == "x2"
    assert layout["yaxis"]["range"] == layout["yaxis2"]["range"] == [low, high]
    km = canal_km(baseline_data.model)
    lines = {(s["yref"], s["y0"]) for s in layout["shapes"] if s["type"] == "line"}
    for lock in ("LOCK_HUAIAN", "LOCK_HUAIYIN"):
        assert {("y2", km[lock]), ("y3", km[lock])} <= lines
    names = [a["text"] for a in layout["annotations"]]
    assert "<b>Huai'an lock (modelled)</b>" in names


def test_sail_lines_run_on_through_a_lock_and_break_between_ships():
    rows = _Stretches(
        vessel=np.array([1, 1, 1, 1, 2]),
        t0=np.array([0.0, 1.0, 3.0, 4.0, 0.0]),
        y0=np.array([0.0, 10.0, 20.0, 30.0, 5.0]),
        t1=np.array([1.0, 2.0, 4.0, 6.0, 1.0]),
        y1=np.array([10.0, 20.0, 30.0, 40.0, 15.0]),
    )
    t, y = _sail_lines(rows, locks_km=np.array([20.0]))
    # (1, 10) is on a straight run; the ship stops at the lock from 2 to 3; at (4, 30) it
    # slows down; ship 2 is a line of its own
    assert np.array_equal(t, [0.0, 2.0, 3.0, 4.0, 6.0, np.nan, 0.0, 1.0], equal_nan=True)
    assert np.array_equal(y, [0.0, 20.0, 20.0, 30.0, 40.0, np.nan, 5.0, 15.0], equal_nan=True)
    t, y = _sail_lines(rows, locks_km=np.array([]))  # a stop elsewhere breaks the line
    assert np.isnan(t).sum() == 2


def test_stops_at_one_place_are_drawn_once():
    queue = _Stretches(
        vessel=np.arange(4),
        t0=np.array([1.0, 0.0, 4.0, 0.0]),
        y0=np.array([5.0, 5.0, 5.0, 7.0]),
        t1=np.array([3.0, 2.0, 5.0, 1.0]),
        y1=np.array([5.0, 5.0, 5.0, 7.0]),
    )
    t, y, ships, hours = _stop_lines(queue, merge=True)
    assert np.array_equal(t, [0.0, 3.0, np.nan, 4.0, 5.0, np.nan, 0.0, 1.0], equal_nan=True)
    assert np.array_equal(y, [5.0, 5.0, np.nan, 5.0, 5.0, np.nan, 7.0, 7.0], equal_nan=True)
    assert list(ships[[0, 3, 6]]) == [2.0, 1.0, 1.0]
    assert list(hours[[0, 3, 6]]) == [3.0, 1.0, 1.0]
    lockages = _Stretches(
        vessel=np.arange(3),
        t0=np.array([0.0, 0.0, 0.0]),
        y0=np.full(3, 5.0),
        t1=np.array([1.0, 1.0, 2.0]),
        y1=np.full(3, 5.0),
    )
    t, _, ships, _ = _stop_lines(lockages, merge=False)  # one line per lockage, not merged
    assert np.array_equal(t, [0.0, 1.0, np.nan, 0.0, 2.0], equal_nan=True)
    assert list(ships[[0, 3]]) == [2.0, 1.0]


def test_gantt_figure_draws_each_stay_of_the_week_as_the_png(baseline_data, figures):
    from sim.viz import berth_gantt_chart

    figure = figures["berth_gantt"]
    (group,) = chosen_groups(baseline_data, None)
    begin = busiest_window(baseline_data)
    assert figure["layout"]["xaxis"]["range"][0] == _ms(baseline_data, np.array([begin]))[0]
    stays = group_stays(baseline_data, group, begin, begin + 168.0)
    *service, held = figure["data"]
    assert sum(len(trace["y"]) for trace in service) == len(stays) > 0
    start_ms = _ms(baseline_data, stays["start_h"].to_numpy())
    end_ms = _ms(baseline_data, stays["end_h"].to_numpy())
    held_ms = stays["block_h"].to_numpy() * _HOUR_MS
    for trace in service:  # each stay a bar from its start to the end of handling
        (commodity,) = {c for c in stays["commodity"] if commodity_label(c) == trace["name"]}
        mine = (stays["commodity"] == commodity).to_numpy()
        assert sorted(zip(trace["base"], trace["x"], strict=True)) == sorted(
            zip(
                numbers(start_ms[mine], 13),
                numbers(end_ms[mine] - held_ms[mine] - start_ms[mine], 8),
                strict=True,
            )
        )
    assert len(held["y"]) == int((stays["block_h"] > 1e-9).sum())
    heading = figure["layout"]["annotations"][0]["text"]
    assert ("No ship was held by a full yard" in heading) == (len(held["y"]) == 0)
    png = berth_gantt_chart(baseline_data, start=begin)
    assert len(png.axes[0].containers[0]) == len(stays)


def test_chinese_figures_name_places_in_chinese_and_leave_no_english(baseline_data, figures_zh):
    model = baseline_data.model
    with language("zh"):
        lock = place_label(model, "LOCK_HUAIAN")
    assert re.search("[\u4e00-\u9fff]", lock)
    names = " ".join(_texts(figures_zh["time_space"]))
    assert lock in names and "Huai'an lock" not in names
    for name, figure in figures_zh.items():
        for text in _texts(figure):
            words = text.replace(baseline_data.name, "")
            words = re.sub(r"%\{[^}]*\}|<[^>]*>|[A-Z0-9_]+(?:/[A-Z0-9_]+)*", "", words)
            assert not re.search(r"[a-z]{3,}", words), (name, text)


def test_figures_of_runs_with_nothing_to_draw_say_why(baseline_data, minimal):
    tables = baseline_data.tables
    nobody_waited = dataclasses.replace(
        baseline_data, tables={**tables, "bottlenecks": tables["bottlenecks"].iloc[0:0]}
    )
    vessels = baseline_data.events["vessels"]
    no_call = dataclasses.replace(
        baseline_data, events={**baseline_data.events, "vessels": vessels.assign(berth_group=-1)}
    )
    no_canal = RunData.from_result(minimal)
    for data, name, message in (
        (nobody_waited, "queues", tr("no ship waited at a lock or a berth")),
        (no_call, "turnaround", tr("no port call completed in the counted period")),
        (
            no_canal,
            "time_space",
            tr("no {corridor} in this scenario's network", corridor=GRAND_CANAL),
        ),
    ):
        figure = build_figure(name, data)
        json.dumps(figure, allow_nan=False)
        assert figure["data"] == []
        assert [a["text"] for a in figure["layout"]["annotations"]] == [message]
    gantt = build_figure("berth_gantt", no_canal)  # one berth group, no network: still drawn
    assert sum(len(trace["y"]) for trace in gantt["data"]) > 0
