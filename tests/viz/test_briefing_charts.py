"""The charts a planner briefs from say what they show: map names never overlap and name the
waterways, lakes and gateways; the bottleneck axis fits its values and its rows are the
verdict's ranking; throughput is drawn per year and per port area against the target, with
CIs only where they mean something; the time-space diagram shows the busiest week with the
locks marked."""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Annotation

import network
import sim
from network.maplabels import MapLabel, label_box, place_labels, renderer_of
from sim.explore import scenario_path, with_run_settings
from sim.results.rundata import RunData
from sim.viz import bottleneck_chart, flow_map, throughput_chart, time_space_chart
from sim.viz.journeys import busiest_window, ship_density
from sim.viz.style import ChartFigure
from sim.viz.tracks import canal_km
from sim.viz.utilisation import criterion_status


@pytest.fixture(scope="module")
def plan_data() -> RunData:
    """Two counted days of the 2028 plan (after its 40-day warm-up): the plan's map."""
    scenario = with_run_settings(
        scenario_path("huaian_2028_plan"), year=2028, horizon_days=2, warmup_days=1
    )
    return RunData.from_result(sim.run(scenario, replications=1, seed=3))


@pytest.fixture(scope="module")
def two_years() -> RunData:
    """Two whole years of the smallest scenario, three replications (CIs drawn)."""
    scenario = with_run_settings(
        scenario_path("minimal_single_berth"), horizon_days=730, warmup_days=5
    )
    return RunData.from_result(sim.run(scenario, replications=3, seed=5))


def _drawn(figure: Figure) -> None:
    """Draw the figure (on an Agg canvas), warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        renderer_of(figure)
        figure.canvas.draw()


def _labels(ax: Axes) -> list[Annotation]:
    return [t for t in ax.texts if isinstance(t, Annotation) and t.get_gid()]


def _assert_apart(figure: Figure, ax: Axes) -> dict[str, np.ndarray]:
    """Every label's box on ``ax`` is inside the axes and meets no other; returns them by id."""
    renderer = renderer_of(figure)
    frame = ax.get_window_extent(renderer)
    boxes = {a.get_gid(): label_box(a, renderer) for a in _labels(ax)}
    assert boxes
    for gid, box in boxes.items():
        assert frame.x0 <= box[0] and box[2] <= frame.x1, gid
        assert frame.y0 <= box[1] and box[3] <= frame.y1, gid
    for (one, a), (two, b) in itertools.combinations(boxes.items(), 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"{one} overlaps {two}"
    return boxes


def _axes(figure: Figure, gid: str) -> Axes:
    return next(ax for ax in figure.axes if ax.get_gid() == gid)


# --- maps ------------------------------------------------------------------------------


def test_network_map_names_every_gateway_terminal_and_lock_apart() -> None:
    import matplotlib.pyplot as plt

    data = network.read_dataset()
    figure = network.plot_network(data)
    _drawn(figure)
    plt.close(figure)
    region, hub = figure.axes[:2]
    names = {"region": _assert_apart(figure, region), "hub": _assert_apart(figure, hub)}
    nodes = data.nodes
    for kind, panel in (("gateway", "region"), ("terminal", "hub"), ("lock", "hub")):
        xmin, xmax = (region if panel == "region" else hub).get_xlim()
        ymin, ymax = (region if panel == "region" else hub).get_ylim()
        for row in nodes[nodes["kind"] == kind].itertuples(index=False):
            if xmin <= row.geometry.x <= xmax and ymin <= row.geometry.y <= ymax:
                assert f"{kind}:{row.node_id}" in names[panel]
    assert "waterway:Grand Canal (Beijing-Hangzhou)" in names["region"]
    assert "waterway:Yangtze River" in names["region"]
    assert "lake:Hongze Lake" in names["region"] and "lake:Hongze Lake" in names["hub"]
    # the legend has the band below the panels to itself
    legend = figure.legends[0].get_window_extent(renderer_of(figure))
    for ax in (region, hub):
        assert legend.y1 < ax.get_tightbbox(renderer_of(figure)).y0


def test_plan_flow_map_names_apart_and_over_the_basemap(plan_data: RunData) -> None:
    figure = flow_map(plan_data)
    _drawn(figure)
    region, hub = _axes(figure, "map:region"), _axes(figure, "map:hub")
    hub_names = _assert_apart(figure, hub)
    region_names = _assert_apart(figure, region)
    modelled = set(plan_data.model.locks["id"]) | set(plan_data.tables["berths"]["terminal"])
    places = plan_data.model.places.set_index("id")
    for place in sorted(modelled):
        kind = places.at[place, "kind"]
        assert f"{kind}:{place}" in hub_names, place
    gateways = places.index[places["kind"] == "gateway"]
    assert {f"gateway:{g}" for g in gateways} <= set(region_names)
    assert "waterway:Grand Canal (Beijing-Hangzhou)" in region_names
    assert "lake:Hongze Lake" in hub_names
    # the basemap lies under the network: land and lakes as polygons, the sea as background
    assert hub.get_facecolor() != region.figure.get_facecolor()
    assert any(type(c).__name__ == "PolyCollection" for c in hub.collections)
    # nothing was left out for lack of room
    assert "lack of room" not in " ".join(t.get_text() for t in figure.texts)


def test_flow_map_is_the_same_picture_every_time(plan_data: RunData) -> None:
    def picture() -> tuple[list, np.ndarray]:
        figure = flow_map(plan_data)
        renderer = renderer_of(figure)
        figure.canvas.draw()
        positions = [
            (a.get_gid(), a.get_text(), *np.round(label_box(a, renderer), 3))
            for ax in figure.axes
            for a in _labels(ax)
        ]
        return positions, np.asarray(renderer.buffer_rgba()).copy()

    first, second = picture(), picture()
    assert first[0] == second[0]
    assert np.array_equal(first[1], second[1])


def test_placement_never_overlaps_and_reports_what_did_not_fit() -> None:
    figure = ChartFigure(figsize=(3, 2))
    ax = figure.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    labels = [MapLabel(f"a rather long name {i}", 0.5, 0.5, gid=str(i)) for i in range(40)]
    placed = place_labels(ax, labels, markers=[(0.5, 0.5, 4.0)])
    assert len(placed.artists) + len(placed.left_out) == 40
    assert placed.left_out  # 40 long names cannot all fit in 3 x 2 inches
    renderer = renderer_of(figure)
    boxes = [label_box(a, renderer) for a in placed.artists]
    marker = ax.transData.transform((0.5, 0.5))
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    for box in boxes:  # the marker stays uncovered
        assert not (box[0] < marker[0] < box[2] and box[1] < marker[1] < box[3])


# --- bottlenecks -----------------------------------------------------------------------


def _ranked(data: RunData, ratios: list[float], holds: list[bool | None]) -> RunData:
    table = data.tables["bottlenecks"].head(len(ratios)).copy()
    table["rank"] = np.arange(1, len(ratios) + 1)
    table["criterion"] = [f"criterion {i}" for i in range(len(ratios))]
    table["criterion_ratio"] = ratios
    table["holds"] = pd.array(holds, dtype="boolean")
    table["overflowed"] = False
    return dataclasses.replace(data, tables={**data.tables, "bottlenecks": table}, relief=None)


def test_bottleneck_axis_fits_the_values(baseline_data: RunData) -> None:
    for ratios in ([6.5, 3.1, 0.95, 0.5, 0.02], [0.07, 0.05, 0.02, 0.01, 0.0]):
        data = _ranked(baseline_data, ratios, [False, False, False, False, True])
        ax = bottleneck_chart(data).axes[0]
        right = ax.get_xlim()[1]
        largest = max(max(ratios), 1.0)  # the limit (1) is always in view
        assert largest <= right <= 1.5 * largest, (ratios, right)


def test_bottleneck_rows_are_the_verdicts_ranking(baseline_data: RunData) -> None:
    table = baseline_data.tables["bottlenecks"].head(10)
    figure = bottleneck_chart(baseline_data)
    ax = figure.axes[0]
    shown = [t.get_text() for t in ax.get_yticklabels()][::-1]  # top row first
    assert [int(text.split(".")[0]) for text in shown] == table["rank"].tolist()
    for text, resource in zip(shown, table["resource"], strict=True):
        if not text.endswith("lock"):  # locks go by their name
            assert resource in text
    # the same order as the run's summary (what `hubsim run` prints and the verdict reads)
    ranked = [b["resource"] for b in baseline_data.summary["bottlenecks"]]
    assert ranked == table["resource"].head(len(ranked)).tolist()


def test_a_port_wide_criterion_is_not_drawn_as_each_yard_breaking_it(
    baseline_data: RunData,
) -> None:
    data = _ranked(baseline_data, [2.4, 1.07, 0.5, 0.8, 0.3], [False, False, False, None, True])
    table = data.tables["bottlenecks"]
    assert criterion_status(table) == ["fails", "fails", "shared", "uncertain", "holds"]
    bars = bottleneck_chart(data).axes[0].patches[: len(table)][::-1]  # drawn bottom up
    assert [bar.get_hatch() for bar in bars] == ["///", "///", "...", "\\\\", None]


# --- throughput ------------------------------------------------------------------------


def _bars(figure: Figure, prefix: str) -> dict[str, float]:
    return {
        p.get_gid(): p.get_height()
        for ax in figure.axes
        for p in ax.patches
        if (p.get_gid() or "").startswith(prefix)
    }


def test_throughput_by_year_and_port_area_against_the_target(two_years: RunData) -> None:
    figure = throughput_chart(two_years)
    port = _bars(figure, "port:")
    assert set(port) == {"port:2025", "port:2026"}
    table = two_years.tables["throughput_port"].set_index("year")
    for year in (2025, 2026):
        assert port[f"port:{year}"] == pytest.approx(table.at[year, "tonnes"] / 1e6)
    areas = _bars(figure, "area:")
    assert set(areas) == {"area:TEST:2025", "area:TEST:2026"}
    target = next(line for line in figure.axes[0].lines if line.get_gid() == "target")
    assert target.get_ydata()[0] == pytest.approx(two_years.model.target_t / 1e6)
    # three replications: every bar carries its 95 % CI
    bars = [c for ax in figure.axes for c in ax.containers if isinstance(c, BarContainer)]
    assert bars and all(c.errorbar is not None for c in bars)
    assert "confidence interval" not in (figure.get_supxlabel() or "")


def test_throughput_says_when_replications_are_too_few_for_a_ci(baseline_data: RunData) -> None:
    figure = throughput_chart(baseline_data)  # two replications
    areas = _bars(figure, "area:")
    expected = baseline_data.tables["throughput_port_area"]
    assert {g.split(":")[1] for g in areas} == set(expected["port_area"])
    bars = [c for ax in figure.axes for c in ax.containers if isinstance(c, BarContainer)]
    assert bars and all(c.errorbar is None for c in bars)
    assert "too few for a meaningful 95 % confidence interval" in figure.get_supxlabel()


# --- time-space diagram ----------------------------------------------------------------


def test_ship_density_counts_ship_hours() -> None:
    segment = pd.DataFrame({"t0": [0.0], "t1": [10.0], "y0": [0.0], "y1": [10.0]})
    grid = ship_density(segment, start_h=0.0, end_h=10.0, km_range=(0.0, 10.0))
    assert grid.shape == (10, 10)
    assert grid.sum() == pytest.approx(10.0)  # ten ship-hours over 1 km x 1 h cells
    assert np.allclose(np.diag(grid), 1.0)


def test_time_space_shows_the_busiest_week_with_the_locks_marked(baseline_data: RunData) -> None:
    model = baseline_data.model
    km = canal_km(model)
    locks = [i for i, lock in enumerate(model.locks["id"]) if lock in km]
    passages = baseline_data.replication_events("passages", 0)
    arrivals = passages.loc[passages["lock"].isin(locks), "arrival_h"].to_numpy()
    low, high = baseline_data.window_h(0)
    counts = [
        int(((arrivals >= low + 24 * d) & (arrivals < low + 24 * (d + 7))).sum())
        for d in range(math.floor((high - low) / 24) - 6)
    ]
    start = busiest_window(baseline_data)
    assert start == low + 24 * int(np.argmax(counts))
    figure = time_space_chart(baseline_data)
    density = figure.axes[0]
    begin, end = model.calendar.datetimes(np.array([start, start + 168.0]))
    assert density.get_xlim() == pytest.approx(tuple(mdates.date2num([begin, end])))
    diagrams = [
        ax for ax in figure.axes if ax.get_title().startswith(("All", "Northbound", "Southbound"))
    ]
    assert len(diagrams) == 3
    for ax in diagrams:
        marked = {line.get_gid(): line.get_ydata()[0] for line in ax.lines}
        for lock in ("LOCK_HUAIAN", "LOCK_HUAIYIN"):
            assert marked[f"lock:{lock}"] == pytest.approx(km[lock])
    names = " ".join(t.get_text() for ax in figure.axes for t in ax.texts)
    assert "Huai'an lock (modelled)" in names and "Huaiyin lock (modelled)" in names
    panels = {ax.get_title().split(":")[0] for ax in figure.axes}
    assert {"Northbound", "Southbound"} <= panels
