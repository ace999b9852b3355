"""Every chart draws a figure from a small run, in memory and read back from its folder, and
from a scenario without network; the charts' data agree with the KPI tables."""

from __future__ import annotations

import io
import warnings

import pytest
from matplotlib.figure import Figure

from sim.viz import plans_chart
from sim.viz.run import RUN_CHARTS

CHART_NAMES = [spec.name for spec in RUN_CHARTS]


def _drew_something(figure: Figure) -> bool:
    return any(ax.has_data() for ax in figure.axes)


def _render(figure: Figure) -> None:
    """Draw the figure to PNG: layout and text warnings only come when it is drawn."""
    figure.savefig(io.BytesIO(), format="png", dpi=40)


def _texts(figure: Figure) -> str:
    return " ".join(t.get_text() for ax in figure.axes for t in ax.texts)


@pytest.mark.parametrize("spec", RUN_CHARTS, ids=CHART_NAMES)
def test_chart_from_memory_and_from_folder(spec, baseline_data, folder_data):
    for data in (baseline_data, folder_data):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            figure = spec.draw(data)
            _render(figure)
        assert isinstance(figure, Figure)
        assert _drew_something(figure), f"{spec.name} drew nothing"
        assert figure.axes[0].get_title() or figure.get_suptitle()
        for ax in figure.axes:
            if ax.has_data() and ax.get_xlabel() and ax.name == "rectilinear":
                assert ax.get_xlabel().strip()


@pytest.mark.parametrize("spec", RUN_CHARTS, ids=CHART_NAMES)
def test_chart_without_network(spec, minimal):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = spec.draw(minimal)
        _render(figure)
    assert isinstance(figure, Figure)
    if spec.name in ("flow_map", "time_space"):
        assert "network" in _texts(figure) or "Grand Canal" in _texts(figure)
    elif spec.name == "lock_waits":
        assert "no locks" in _texts(figure)
    elif spec.name == "landside":
        assert "no landside resources" in _texts(figure)
    else:
        assert _drew_something(figure) or _texts(figure), spec.name


def test_run_result_and_run_folder_are_accepted_directly(baseline, run_folder):
    for source in (baseline, run_folder, str(run_folder)):
        figure = RUN_CHARTS[0].draw(source)  # type: ignore[arg-type]
        assert _drew_something(figure)


def test_plans_side_by_side(baseline, minimal):
    figure = plans_chart({"baseline": baseline, "tiny": minimal})
    bars, grid = figure.axes[:2]
    labels = {t.get_text(): t.get_position()[1] for t in bars.get_yticklabels()}
    assert labels["baseline"] > labels["tiny"]  # plans top to bottom in the given order
    assert grid.images[0].get_array().shape[0] == 2


def test_time_space_marks_the_modelled_locks_at_their_km(baseline_data):
    from sim.viz import time_space_chart
    from sim.viz.tracks import canal_km

    km = canal_km(baseline_data.model)
    figure = time_space_chart(baseline_data, hours=6)
    ax = figure.axes[0]
    marked = {round(float(line.get_ydata()[0]), 6) for line in ax.lines}
    for lock in ("LOCK_HUAIAN", "LOCK_HUAIYIN"):
        assert round(km[lock], 6) in marked
    low, high = ax.get_ylim()
    assert low <= km["LOCK_HUAIAN"] <= high
    segments = [seg for collection in ax.collections for seg in collection.get_segments()]
    assert len(segments) > 100  # ships sail the canal near the hub every hour


def test_gantt_draws_each_stay_of_the_week_once(baseline_data):
    from sim.viz import berth_gantt_chart
    from sim.viz.journeys import default_start_h

    group = "HA_NEWPORT/NP_PH1_BULK"
    figure = berth_gantt_chart(baseline_data, groups=group, days=3)
    vessels = baseline_data.replication_events("vessels", 0)
    index = baseline_data.model.groups["id"].tolist().index(group)
    start = default_start_h(baseline_data)
    mine = vessels[vessels["berth_group"] == index]
    stays = ((mine["service_end_h"] >= start) & (mine["berth_start_h"] <= start + 72)).sum()
    service_bars = figure.axes[0].containers[0]
    assert len(service_bars) == stays > 0


def test_unknown_berth_group_names_the_known_ones(baseline_data):
    from sim.viz import berth_gantt_chart

    with pytest.raises(ValueError, match="HA_NEWPORT/NP_PH1_BULK"):
        berth_gantt_chart(baseline_data, groups="NOWHERE")
