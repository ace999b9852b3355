"""The report's utilisation figures draw what the PNG charts draw (the run's ranking, criteria,
relief, monthly utilisation, lock waits) with the basic bundle's traces, in English and Chinese,
and say why when there is nothing to draw; ``monthly_utilisation``, vectorised, gives the same
floats as the loops over months it replaced."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.viz.measures as measures
from sim.i18n import language, tr
from sim.report.figures import build_figure
from sim.report.figures import utilisation as figures
from sim.results.rundata import RunData
from sim.runs.run import RunResult
from sim.viz.labels import localise_names
from sim.viz.measures import monthly_utilisation, resource_label
from sim.viz.palette import ci_note, kind_colour, kind_label
from sim.viz.utilisation_data import bottleneck_notes, utilisation_grid

NAMES = ("bottlenecks", "utilisation", "lock_waits")
BASIC_TRACES = {"scatter", "bar", "pie"}


#: Where a figure holds what a reader sees: texts, names, hover, tick and category labels.
_WORDS = {"text", "name", "hovertext", "hovertemplate", "ticktext", "categoryarray", "x", "y"}


def _strings(value: Any, *, seen: bool = True) -> list[str]:
    """The strings a reader sees in (part of) a figure."""
    if isinstance(value, str):
        return [value] if seen else []
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _strings(item, seen=key in _WORDS)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item, seen=seen)]
    return []


def _ranked(data: RunData, ratios: list[float], holds: list[bool | None]) -> RunData:
    table = data.tables["bottlenecks"].head(len(ratios)).copy()
    table["rank"] = np.arange(1, len(ratios) + 1)
    table["criterion"] = [f"criterion {i}" for i in range(len(ratios))]
    table["criterion_ratio"] = ratios
    table["holds"] = pd.array(holds, dtype="boolean")
    table["overflowed"] = False
    return dataclasses.replace(data, tables={**data.tables, "bottlenecks": table}, relief=None)


def _criterion_rows(figure: dict[str, Any]) -> list[dict[str, Any]]:
    """The value / limit bars of a bottleneck figure (a trace per kind), row by row."""
    rows: dict[int, dict[str, Any]] = {}
    for trace in figure["data"]:
        if trace["type"] == "bar" and "xaxis" not in trace and not trace.get("showlegend"):
            for j, row in enumerate(trace["y"]):
                rows[row] = {
                    "x": trace["x"][j],
                    "shape": trace["marker"]["pattern"]["shape"][j],
                    "text": trace["text"][j],
                    "hover": trace["hovertext"][j],
                    "colour": trace["marker"]["color"],
                }
    return [rows[row] for row in sorted(rows)]


def _with_replications(data: RunData, replications: int) -> RunData:
    return dataclasses.replace(data, summary={**data.summary, "replications": replications})


# --- monthly utilisation: the loops it replaced -------------------------------------------


def _loops(data: RunData) -> pd.DataFrame:
    """monthly_utilisation as it was written before (a loop over months, resources, yards)."""
    model = data.model
    rows = []
    for replication in range(data.replications):
        months = measures.month_windows(data, replication)
        lockages = data.replication_events("lockages", replication)
        vessels = data.replication_events("vessels", replication)
        bookings = data.replication_events("yard_levels", replication)
        groups = vessels["berth_group"].to_numpy() if len(vessels) else np.empty(0, dtype=int)
        berthed = groups >= 0
        for month in months.itertuples(index=False):
            low, high = month.start_h, month.end_h
            if len(model.locks):
                busy = np.bincount(
                    lockages["lock"].to_numpy(dtype=np.int64),
                    weights=measures._overlap(
                        lockages["start_h"].to_numpy(dtype=float),
                        lockages["end_h"].to_numpy(dtype=float),
                        low,
                        high,
                    ),
                    minlength=len(model.locks),
                )
                for i, lock_id in enumerate(model.locks["id"]):
                    chambers = model.chambers[model.chambers["lock"] == lock_id]
                    hours = measures._overlap(
                        chambers["start_h"].to_numpy(dtype=float),
                        chambers["end_h"].to_numpy(dtype=float),
                        low,
                        high,
                    ).sum()
                    if hours > 0:
                        rows.append(("lock", lock_id, month, replication, busy[i] / hours))
            if len(model.groups):
                busy = np.bincount(
                    groups[berthed],
                    weights=measures._overlap(
                        vessels["berth_start_h"].to_numpy(dtype=float)[berthed],
                        vessels["service_end_h"].to_numpy(dtype=float)[berthed],
                        low,
                        high,
                    ),
                    minlength=len(model.groups),
                )
                for g, group in enumerate(model.groups.itertuples(index=False)):
                    window = measures._overlap(
                        np.array([group.start_h]), np.array([group.end_h]), low, high
                    )
                    hours = window[0] * group.berths
                    if hours > 0:
                        rows.append(("berths", group.id, month, replication, busy[g] / hours))
            for y, yard in enumerate(model.yards.itertuples(index=False)):
                start = low if np.isnan(yard.start_h) else max(low, yard.start_h)
                if high <= start:
                    continue
                mine = bookings[bookings["yard"] == y]
                times = mine["time_h"].to_numpy(dtype=float)
                values = mine["level_t"].to_numpy(dtype=float)
                inside = (times > start) & (times < high)
                edges = np.concatenate([[start], times[inside], [high]])
                level = measures.yard_level_t(times, values, edges[:-1])
                mean = float((level * np.diff(edges)).sum()) / (high - start)
                rows.append(("yard", yard.id, month, replication, mean / yard.capacity_t))
    frame = pd.DataFrame(
        [(k, r, m.year, m.month, rep, value) for k, r, m, rep, value in rows],
        columns=["kind", "resource", "year", "month", "replication", "utilisation"],
    )
    return (
        frame.groupby(["kind", "resource", "year", "month"], as_index=False, sort=False)[
            "utilisation"
        ]
        .mean()
        .reset_index(drop=True)
    )


def _short_windows(hours: float):  # type: ignore[no-untyped-def]
    """month_windows cut into ``hours``-long "months" (so ships and lockages straddle many)."""
    whole = measures.month_windows

    def windows(data: RunData, replication: int) -> pd.DataFrame:
        months = whole(data, replication)
        low, high = float(months["start_h"].min()), float(months["end_h"].max())
        edges = np.append(np.arange(low, high, hours), high)
        return pd.DataFrame(
            {
                "year": 2025,
                "month": np.arange(1, len(edges)),
                "start_h": edges[:-1],
                "end_h": edges[1:],
            }
        )

    return windows


def test_monthly_utilisation_is_the_loops_float_for_float(
    baseline_data: RunData, folder_data: RunData, minimal: RunResult
) -> None:
    for data in (baseline_data, folder_data, RunData.from_result(minimal)):
        expected = _loops(data)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(monthly_utilisation(data), expected, check_exact=True)


@pytest.mark.parametrize("hours", [7.3, 50.0])
def test_monthly_utilisation_over_windows_that_ships_straddle(
    baseline_data: RunData, monkeypatch: pytest.MonkeyPatch, hours: float
) -> None:
    # the 20-day run has one month: shorter "months" make lockages, berth stays and yard
    # levels run across their edges, and some resource closes within a window
    monkeypatch.setattr(measures, "month_windows", _short_windows(hours))
    groups = baseline_data.model.groups.copy()
    groups.loc[0, "start_h"] = 200.0  # opens inside a window
    groups.loc[1, "end_h"] = 100.0  # closes before most of them
    yards = baseline_data.model.yards.copy()
    yards.loc[0, "start_h"] = 333.3
    model = dataclasses.replace(baseline_data.model, groups=groups, yards=yards)
    data = dataclasses.replace(baseline_data, model=model)
    expected = _loops(data)
    assert expected["month"].nunique() > 5
    assert not ((expected["resource"] == groups.at[1, "id"]) & (expected["month"] > 20)).any()
    pd.testing.assert_frame_equal(monthly_utilisation(data), expected, check_exact=True)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.one_of(st.floats(-20.0, 120.0), st.just(float("nan"))),
            st.one_of(st.floats(0.0, 60.0), st.just(float("nan"))),
        ),
        max_size=40,
    ),
    st.lists(st.floats(1.0, 30.0), min_size=1, max_size=6),
)
def test_busy_hours_are_the_month_by_month_bincount(
    intervals: list[tuple[int, float, float]], lengths: list[float]
) -> None:
    index = np.array([i for i, _, _ in intervals], dtype=np.int64)
    start = np.array([s for _, s, _ in intervals], dtype=float)
    end = start + np.array([d for _, _, d in intervals], dtype=float)
    edges = np.concatenate([[0.0], np.cumsum(lengths)])
    low, high = edges[:-1], edges[1:]
    busy = measures._busy_h(index, start, end, low, high, 3)
    assert busy.dtype == np.float64 and busy.shape == (len(low), 3)
    for k in range(len(low)):
        weights = measures._overlap(start, end, float(low[k]), float(high[k]))
        np.testing.assert_array_equal(busy[k], np.bincount(index, weights, minlength=3))


# --- ranked bottlenecks --------------------------------------------------------------------


def test_every_figure_uses_basic_traces_and_is_json(baseline_data: RunData) -> None:
    for lang in ("en", "zh"):
        with language(lang):
            for name in NAMES:
                figure = build_figure(name, baseline_data)
                assert {trace["type"] for trace in figure["data"]} <= BASIC_TRACES, name
                json.dumps(figure, allow_nan=False)


def test_bottleneck_rows_are_the_runs_ranking(baseline_data: RunData) -> None:
    table = baseline_data.tables["bottlenecks"].head(figures.TOP_BOTTLENECKS)
    figure = figures.bottleneck_figure(baseline_data)
    ticks = figure["layout"]["yaxis"]["ticktext"]
    assert [int(text.split(".")[0]) for text in ticks] == table["rank"].tolist()
    assert ticks == [
        f"{rank}. {resource_label(k, r, baseline_data)}".replace("&", "&amp;")
        for rank, k, r in zip(table["rank"], table["kind"], table["resource"], strict=True)
    ]
    # rank 1 on top: the rows run down the reversed axis
    bars = _criterion_rows(figure)
    assert len(bars) == len(table)
    assert figure["layout"]["yaxis"]["range"] == [len(table) - 0.5, -0.5]
    np.testing.assert_allclose([b["x"] for b in bars], table["criterion_ratio"], rtol=1e-3)
    assert [b["colour"] for b in bars] == [kind_colour(k) for k in table["kind"]]
    # the notes beside the bars are the PNG chart's
    notes = next(t for t in figure["data"] if t.get("mode") == "text" and t["xaxis"] == "x2")
    assert notes["y"] == list(range(len(table)))
    for text, (said, measured) in zip(notes["text"], bottleneck_notes(table), strict=True):
        assert said in text and measured in text


def test_bottleneck_axis_fits_the_values(baseline_data: RunData) -> None:
    for ratios in ([6.5, 3.1, 0.95, 0.5, 0.02], [0.07, 0.05, 0.02, 0.01, 0.0]):
        data = _ranked(baseline_data, ratios, [False, False, False, False, True])
        right = figures.bottleneck_figure(data)["layout"]["xaxis"]["range"][1]
        largest = max(max(ratios), 1.0)  # the limit (1) is always in view
        assert largest <= right <= 1.5 * largest, (ratios, right)


def test_bottleneck_states_are_told_apart(baseline_data: RunData) -> None:
    data = _ranked(baseline_data, [2.4, 1.07, 0.5, 0.8, 0.3], [False, False, False, None, True])
    figure = figures.bottleneck_figure(data)
    bars = _criterion_rows(figure)
    assert [b["shape"] for b in bars] == ["/", "/", ".", "\\", ""]
    legend = {t["name"]: t["marker"]["pattern"]["shape"] for t in figure["data"] if t.get("name")}
    assert legend[tr("breaks its criterion")] == "/"
    assert legend[tr("adds to a port-wide criterion that fails")] == "."
    assert legend[tr("may break it (95 % CI straddles the limit)")] == "\\"
    assert tr("breaks its criterion") in bars[0]["hover"]
    assert tr("holds its criterion") in bars[4]["hover"]
    # one bar a row: the legend's entries take no room beside the bars
    assert figure["layout"]["barmode"] == "overlay"


def test_an_overflowed_queue_runs_past_the_others(baseline_data: RunData) -> None:
    data = _ranked(baseline_data, [2.0, float("nan"), 0.5], [False, False, True])
    table = data.tables["bottlenecks"].copy()
    table["overflowed"] = [False, True, False]
    data = dataclasses.replace(data, tables={**data.tables, "bottlenecks": table})
    bars = _criterion_rows(figures.bottleneck_figure(data))
    assert bars[1]["x"] == pytest.approx(2.2)
    assert bars[1]["shape"] == "x"
    assert bars[1]["text"] == tr("overflowed ").strip()


def test_the_relief_panel_shows_the_capacity_each_relief_adds(baseline_data: RunData) -> None:
    relief = baseline_data.relief
    assert relief is not None
    figure = figures.bottleneck_figure(baseline_data)
    gains = next(t for t in figure["data"] if t.get("xaxis") == "x3" and t["type"] == "bar")
    table = baseline_data.tables["bottlenecks"].head(figures.TOP_BOTTLENECKS)
    relieved = relief.set_index("resource")["gain_t"]
    for resource, gain in zip(table["resource"], gains["x"], strict=True):
        if resource in relieved:
            assert gain == pytest.approx(relieved[resource] / 1e6, rel=1e-3)
        else:
            assert gain is None
    row = table["resource"].tolist().index(relief["resource"].iloc[0])
    assert gains["error_x"]["arrayminus"][row] == pytest.approx(
        (relief["gain_t"].iloc[0] - relief["gain_t_ci95_low"].iloc[0]) / 1e6, rel=1e-3
    )
    labels = next(t for t in figure["data"] if t.get("xaxis") == "x3" and t["type"] == "scatter")
    assert labels["text"][row] == tr("{gain:+.2f} (most)", gain=relieved.iloc[0] / 1e6)
    assert labels["text"].count(tr("not relieved")) == len(table) - 1
    # without relief, no third panel
    plain = figures.bottleneck_figure(dataclasses.replace(baseline_data, relief=None))
    assert "xaxis3" not in plain["layout"]
    assert all(t.get("xaxis") != "x3" for t in plain["data"])


def test_a_folder_from_before_the_ranking_shows_the_wait_share(baseline_data: RunData) -> None:
    table = baseline_data.tables["bottlenecks"].drop(
        columns=["criterion_ratio", "criterion", "holds", "overflowed"]
    )
    data = dataclasses.replace(baseline_data, tables={**baseline_data.tables, "bottlenecks": table})
    figure = figures.bottleneck_figure(data)
    bars = figure["data"][0]
    np.testing.assert_allclose(bars["x"], table["wait_share"].head(10) * 100, rtol=1e-3)
    # two replications: no CI drawn, and the note says why
    assert bars["error_x"] == {"visible": False}
    assert ci_note(2) in _strings(figure["layout"]["annotations"])
    shown = figures.bottleneck_figure(_with_replications(data, 3))["data"][0]["error_x"]
    assert shown.get("visible", True) and len(shown["array"]) == len(bars["x"])


def test_no_resource_to_rank(baseline_data: RunData) -> None:
    table = baseline_data.tables["bottlenecks"].head(0)
    data = dataclasses.replace(baseline_data, tables={**baseline_data.tables, "bottlenecks": table})
    figure = figures.bottleneck_figure(data)
    assert figure["data"] == []
    assert _strings(figure["layout"]["annotations"], seen=False) == [tr("no resource to rank")]


# --- utilisation by month ------------------------------------------------------------------


def test_the_heat_map_cells_are_the_monthly_utilisation(minimal: RunResult) -> None:
    data = RunData.from_result(minimal)
    figure = figures.utilisation_figure(data)
    cells = figure["data"][0]
    monthly = monthly_utilisation(data)
    assert len(cells["y"]) == len(monthly)
    label = tr(
        "{kind}: {resource}",
        kind=kind_label("berths"),
        resource=resource_label("berths", "QUAY/B1", data),
    )
    columns = [f"{y}-{m:02d}" for y, m in zip(monthly["year"], monthly["month"], strict=True)]
    drawn = {
        (row, month[0]): value
        for row, month, value in zip(
            cells["y"], cells["customdata"], cells["marker"]["color"], strict=True
        )
    }
    for column, value in zip(columns, monthly["utilisation"], strict=True):
        assert drawn[(label, column)] == pytest.approx(value * 100, rel=1e-3)
    # two months: the values are written in the cells
    assert cells["text"] == [f"{v * 100:.0f}" for v in monthly["utilisation"]]


def test_the_heat_map_rows_are_the_grid_of_the_png_chart(
    baseline_data: RunData, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = utilisation_grid(baseline_data, top=figures.TOP_RESOURCES)
    figure = figures.utilisation_figure(baseline_data)
    rows = figure["layout"]["yaxis"]["categoryarray"][::-1]  # top row first
    assert len(rows) == len(grid.values)
    assert [row.split(": ", 1)[1] for row in rows] == [
        resource_label(k, r, baseline_data).replace("&", "&amp;") for k, r in grid.values.index
    ]
    kinds = [k for k, _ in grid.values.index]
    assert len(figure["layout"]["shapes"]) == sum(a != b for a, b in itertools.pairwise(kinds))
    # fewer rows than resources in service: the figure says how many it leaves out
    monkeypatch.setattr(figures, "TOP_RESOURCES", 5)
    few = figures.utilisation_figure(baseline_data)
    assert len(few["layout"]["yaxis"]["categoryarray"]) == 5
    note = tr(
        "the {shown} most used of the {total} resources in service",
        shown=5,
        total=grid.resources,
    )
    assert _strings(few["layout"]["annotations"], seen=False) == [note]


def test_a_resource_closed_all_year_has_no_row(baseline_data: RunData) -> None:
    groups = baseline_data.model.groups.copy()
    closed = groups.at[0, "id"]
    groups.loc[0, "start_h"] = 1e9
    model = dataclasses.replace(baseline_data.model, groups=groups)
    figure = figures.utilisation_figure(dataclasses.replace(baseline_data, model=model))
    rows = figure["layout"]["yaxis"]["categoryarray"]
    assert not any(row.endswith(resource_label("berths", closed, baseline_data)) for row in rows)


def test_nothing_in_service_says_so(baseline_data: RunData) -> None:
    model = dataclasses.replace(
        baseline_data.model,
        locks=baseline_data.model.locks.head(0),
        groups=baseline_data.model.groups.head(0),
        yards=baseline_data.model.yards.head(0),
    )
    figure = figures.utilisation_figure(dataclasses.replace(baseline_data, model=model))
    assert figure["data"] == []
    expected = tr("no resource in service in the counted period")
    assert _strings(figure["layout"]["annotations"], seen=False) == [expected]


# --- waiting at the locks ------------------------------------------------------------------


def test_lock_waits_are_the_kpi_table_with_cis_from_three_replications(
    baseline_data: RunData,
) -> None:
    table = baseline_data.tables["locks"]
    figure = figures.lock_wait_figure(baseline_data)
    mean, p95 = figure["data"]
    assert mean["x"] == [resource_label("lock", r, baseline_data) for r in table["resource"]]
    np.testing.assert_allclose(mean["y"], table["mean_wait_h"], rtol=1e-3)
    np.testing.assert_allclose(p95["y"], table["p95_wait_h"], rtol=1e-3)
    # two replications: no CI, and the note says why
    assert mean["error_y"] == p95["error_y"] == {"visible": False}
    assert _strings(figure["layout"]["annotations"], seen=False) == [ci_note(2)]
    # three: the table's CIs
    three = figures.lock_wait_figure(_with_replications(baseline_data, 3))
    error = three["data"][0]["error_y"]
    low = np.clip(table["mean_wait_h_ci95_low"], 0.0, None)
    np.testing.assert_allclose(error["arrayminus"], table["mean_wait_h"] - low, rtol=1e-3)
    np.testing.assert_allclose(
        error["array"], table["mean_wait_h_ci95_high"] - table["mean_wait_h"], rtol=1e-3
    )
    assert "annotations" not in three["layout"]


def test_no_locks_says_so(minimal: RunResult) -> None:
    figure = figures.lock_wait_figure(RunData.from_result(minimal))
    assert figure["data"] == []
    assert _strings(figure["layout"]["annotations"], seen=False) == [
        tr("no locks in this scenario")
    ]


# --- in Chinese ----------------------------------------------------------------------------

#: Latin words a Chinese figure may keep: resource ids (HA_NEWPORT/NP_CY) and units.
_IDS = re.compile(r"[A-Z][A-Z0-9_]*(?:/[A-Za-z0-9_]+)?|%\{[^}]*\}|<[^>]*>|&[a-z]+;|\bh\b|Mt")


def test_in_chinese_places_are_named_in_chinese_and_no_english_words_are_left(
    baseline_data: RunData,
) -> None:
    names = localise_names(baseline_data.model)
    with language("zh"):
        for name in NAMES:
            figure = build_figure(name, baseline_data)
            for text in _strings(figure):
                left = _IDS.sub("", text)
                assert not re.search(r"[a-z]{3,}", left), (name, text)
        locks = build_figure("lock_waits", baseline_data)["data"][0]["x"]
        assert names["Huai'an lock"] in locks
        ranked = build_figure("bottlenecks", baseline_data)["layout"]["yaxis"]["ticktext"]
        assert any(names["Huai'an lock"] in tick for tick in ranked)
