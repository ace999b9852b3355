"""The landside chart draws one bar per gate, siding set, airport and rail link from the KPI
table, in the mode colours, with CIs and the 100 % line; the modal split notes diversions;
gate throughput by hour of day adds up to the KPI tonnes and respects opening hours."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from sim.results.modelinfo import ModelInfo
from sim.results.rundata import RunData
from sim.viz import gate_hours_chart, landside_chart, modal_co2_chart
from sim.viz.landside import LANDSIDE_KINDS
from sim.viz.measures import hour_of_day_profile
from sim.viz.style import MODE_COLOURS


def _with_tables(data: RunData, **tables: pd.DataFrame) -> RunData:
    return dataclasses.replace(data, tables={**data.tables, **tables})


def _bars_of(ax) -> list:
    return [bar for c in ax.containers if isinstance(c, BarContainer) for bar in c]


def _bars(figure: Figure) -> list:
    return _bars_of(figure.axes[0])


@pytest.fixture(scope="module")
def with_air_and_rate(baseline_data: RunData) -> RunData:
    """The baseline with an airport over its slots and a yard given as a plain rate (no CI)."""
    extra = pd.DataFrame(
        [
            {
                "resource": "AP_TEST/air",
                "kind": "air",
                "place": "AP_TEST",
                "tonnes": 800.0,
                "vehicles": 40.0,
                "utilisation": 1.02,
                "utilisation_ci95_low": 0.95,
                "utilisation_ci95_high": 1.09,
            },
            {
                "resource": "QUAY/Y/rate",
                "kind": "rate",
                "place": "QUAY",
                "tonnes": 5e4,
                "vehicles": 5e4,
                "utilisation": 0.6,
                "utilisation_ci95_low": np.nan,
                "utilisation_ci95_high": np.nan,
            },
        ]
    )
    table = pd.concat([baseline_data.tables["landside"], extra], ignore_index=True)
    return _with_tables(baseline_data, landside=table)


def test_one_bar_per_limited_resource_in_its_mode_colour(baseline_data):
    table = baseline_data.tables["landside"]
    figure = landside_chart(baseline_data)
    ax = figure.axes[0]
    limited = table[table["utilisation"].notna()].sort_values("utilisation", ascending=False)
    bars = _bars(figure)
    assert len(bars) == len(limited) > 0
    widths = sorted((bar.get_width() for bar in bars), reverse=True)
    assert widths == pytest.approx(sorted(limited["utilisation"] * 100, reverse=True))
    colours = {to_hex(bar.get_facecolor()) for bar in bars}
    assert colours == {MODE_COLOURS["road"], MODE_COLOURS["rail"]}  # gates, sidings, links
    assert len(ax.get_yticks()) == len(table)  # ample sidings are named, without a bar
    assert "ample sidings" in " ".join(t.get_text() for t in ax.texts)
    assert any(list(line.get_xdata()) == [100, 100] for line in ax.lines)
    assert "%" in ax.get_xlabel() and ax.get_ylabel()
    assert "landside utilisation" in ax.get_title()


def test_gates_come_first_then_sidings_then_rail_links(baseline_data):
    ax = landside_chart(baseline_data).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    positions = [t.get_position()[1] for t in ax.get_yticklabels()]
    assert positions == sorted(positions)  # listed top to bottom (the y axis is inverted)
    kinds = [
        "gate" if x.endswith(": gate") else "rail" if x.endswith(": sidings") else "line"
        for x in labels
    ]
    assert kinds == sorted(kinds, key=["gate", "rail", "line"].index)


def test_airports_and_yard_rates_in_their_own_colours(with_air_and_rate):
    figure = landside_chart(with_air_and_rate)
    colours = [to_hex(bar.get_facecolor()) for bar in _bars(figure)]
    assert colours.count(MODE_COLOURS["air"]) == 1
    assert colours.count(LANDSIDE_KINDS["rate"][1]) == 1
    texts = " ".join(t.get_text() for t in figure.axes[0].texts)
    assert "102 %: 1 kt, 40 flights" in texts
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[:5] == [
        LANDSIDE_KINDS[k][0] for k in ("gate", "rail", "rail line", "air", "rate")
    ]
    assert "full capacity (100 %)" in legend


def test_no_landside_says_so(minimal):
    figure = landside_chart(minimal)
    assert "no landside resources" in " ".join(t.get_text() for t in figure.axes[0].texts)


def test_diverted_tonnes_are_noted_under_the_modal_split(baseline_data):
    assert "Diverted" not in modal_co2_chart(baseline_data).axes[0].get_xlabel()
    split = baseline_data.tables["modal_split"].copy()
    split["diverted_t"] = np.where(split["landside"] == "road", 123_456.0, 0.0)
    figure = modal_co2_chart(_with_tables(baseline_data, modal_split=split))
    label = figure.axes[0].get_xlabel()
    share = 123_456.0 / split["tonnes"].sum()
    assert f"Diverted from a congested option: 0.12 Mt ({share:.1%} of port cargo)" in label
    assert "now by Road 0.12 Mt" in label


def test_hour_of_day_profile_adds_up_to_the_tonnes_through_the_gate(baseline_data):
    low, high = baseline_data.window_h(0)
    days = (high - low) / 24.0
    assert days == int(days)  # whole days: every clock hour is counted `days` times
    stages = baseline_data.model.stages
    table = baseline_data.tables["landside"].set_index("resource")
    for index, spec in enumerate(stages.itertuples(index=False)):
        if spec.kind != "gate":
            continue
        profile = hour_of_day_profile(baseline_data, index)
        assert profile["hour"].tolist() == list(range(24))
        moved = profile["moved_t_per_h"].to_numpy()
        assert moved.sum() * days == pytest.approx(table.loc[spec.id, "tonnes"], rel=1e-9)
        capacity = profile["capacity_t_per_h"].to_numpy()
        closed = capacity == 0
        assert closed.sum() == round(24 - spec.hours_per_day)
        assert (moved[closed] == 0).all()
        assert capacity.max() == pytest.approx(spec.rate_t_per_h)


def test_gate_hours_chart_draws_the_busiest_gates(baseline_data, minimal):
    figure = gate_hours_chart(baseline_data, top=3)
    shown = [ax for ax in figure.axes if ax.get_visible()]
    assert len(shown) == 3
    assert all("busiest" in ax.get_title(loc="left") for ax in shown)
    assert all(len(_bars_of(ax)) == 24 for ax in shown)
    assert shown[-1].get_xlabel() == "Hour of the day (h)"
    figure = gate_hours_chart(minimal)
    assert "no truck gate" in " ".join(t.get_text() for t in figure.axes[0].texts)


def test_stages_travel_in_model_json_and_old_files_read_without_them(baseline_data):
    document = json.loads(json.dumps(baseline_data.model.to_json()))
    model = ModelInfo.from_json(document)
    pd.testing.assert_frame_equal(
        model.stages, baseline_data.model.stages, check_dtype=False, check_column_type=False
    )
    del document["stages"]
    older = dataclasses.replace(baseline_data, model=ModelInfo.from_json(document))
    assert older.model.stages.empty
    assert "no truck gate" in " ".join(t.get_text() for t in gate_hours_chart(older).axes[0].texts)


def test_yard_chart_draws_blocking_only_in_the_counted_period(folder_data):
    """Red periods (a full yard holding ships at the berth) are clipped to the counted period,
    like the level drawn: a hold in the warm-up does not stretch the time axis, and the hours
    in each panel's title are the hours drawn."""
    import re

    from matplotlib.collections import PolyCollection
    from matplotlib.dates import date2num

    from sim.viz import yard_chart
    from sim.viz.style import hours_to_datetimes

    low, high = folder_data.window_h(0)
    first = yard_chart(folder_data).axes[0].get_title(loc="left").split(" ")[0]
    yard = folder_data.model.yards["id"].tolist().index(first)
    vessels = folder_data.events["vessels"].copy()
    of_yard = folder_data.model.itineraries["yard"].to_numpy()[vessels["itinerary"].to_numpy()]
    mine = np.flatnonzero((of_yard == yard) & (vessels["replication"].to_numpy() == 0))
    block = np.zeros(len(vessels))
    # one hold from 10 h before the warm-up ends to 10 h after, one of 5 h mid-year
    vessels.loc[vessels.index[mine[0]], "berth_start_h"] = low - 10
    block[mine[0]] = 20
    vessels.loc[vessels.index[mine[1]], "berth_start_h"] = (low + high) / 2
    block[mine[1]] = 5
    vessels["block_h"] = block
    events = {"vessels": vessels, "yard_levels": folder_data.events["yard_levels"]}
    figure = yard_chart(dataclasses.replace(folder_data, events=events))
    ax = figure.axes[0]
    assert ax.get_title(loc="left").startswith(first)
    assert re.search(r"blocked 15 h", ax.get_title(loc="left"))
    spans = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_alpha() == 0.35]
    assert len(spans) == 1 and len(spans[0].get_paths()) == 2
    start, end = date2num(hours_to_datetimes(folder_data.model.calendar, np.array([low, high])))
    x = np.concatenate([p.vertices[:, 0] for p in spans[0].get_paths()])
    assert x.min() == pytest.approx(start) and x.max() <= end
    assert sum(np.ptp(p.vertices[:, 0]) for p in spans[0].get_paths()) * 24 == pytest.approx(15)
    assert ax.get_xlim()[0] >= start - 20  # the axis starts by 1 January, not in the warm-up


@pytest.mark.parametrize("replications", [2, 3])
def test_whiskers_only_where_the_replications_back_a_ci(baseline_data, replications):
    """The lock-wait, landside and modal charts draw 95 % CI whiskers only from 3 replications
    (as the throughput chart); with fewer they say so instead of drawing caps at the mean."""
    from matplotlib.collections import LineCollection

    from sim.viz import lock_wait_chart

    data = dataclasses.replace(
        baseline_data, summary={**baseline_data.summary, "replications": replications}
    )
    shown = replications >= 3
    for draw in (lock_wait_chart, landside_chart, modal_co2_chart):
        figure = draw(data)
        whiskers = [
            c for ax in figure.axes for c in ax.collections if isinstance(c, LineCollection)
        ]
        texts = [t.get_text() for t in figure.findobj(match=lambda a: hasattr(a, "get_text"))]
        assert bool(whiskers) == shown, draw.__name__
        said = any(f"{replications} replications: too few" in t for t in texts)
        assert said == (not shown and draw is not modal_co2_chart), draw.__name__
    title = lock_wait_chart(data).axes[0].get_title()
    assert ("95 % CI" in title) == shown
