"""What the charts compute from the records agrees with the KPI tables and the engine."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.results.modelinfo import ModelInfo, ModelInfoError
from sim.viz.journeys import berth_lanes
from sim.viz.measures import (
    link_flows,
    month_windows,
    monthly_utilisation,
    queue_length,
    yard_level_t,
)
from sim.viz.queues import waiting_series
from sim.viz.tracks import canal_km, vessel_waypoints


def _hour_weighted(data, table: pd.DataFrame) -> pd.Series:
    months = month_windows(data, 0).assign(hours=lambda f: f["end_h"] - f["start_h"])
    merged = table.merge(months, on=["year", "month"])
    merged = merged.assign(busy=merged["utilisation"] * merged["hours"])
    sums = merged.groupby(["kind", "resource"])[["busy", "hours"]].sum()
    return sums["busy"] / sums["hours"]


def test_monthly_utilisation_averages_to_the_kpi(baseline_data):
    monthly = _hour_weighted(baseline_data, monthly_utilisation(baseline_data))
    for kind, name, column in (("lock", "locks", "utilisation"), ("berths", "berths", "occupancy")):
        kpi = baseline_data.tables[name].set_index("resource")[column]
        for resource, value in kpi.items():
            assert monthly[(kind, resource)] == pytest.approx(value, rel=1e-9, abs=1e-12)
    yards = baseline_data.tables["yards"].set_index("resource")["occupancy"]
    for resource, value in yards.items():
        assert monthly[("yard", resource)] == pytest.approx(value, rel=1e-6, abs=1e-9)


def test_link_flows_carry_the_transport_tonne_km(baseline_data):
    by_mode = link_flows(baseline_data).groupby("mode")["tonne_km"].sum()
    transport = baseline_data.tables["transport"].set_index("mode")["tonne_km"]
    for mode in ("water", "rail", "road", "sea"):
        assert by_mode[mode] == pytest.approx(transport[mode], rel=1e-9)


def test_queue_integral_is_the_waiting_time_littles_law(baseline_data):
    series = waiting_series(baseline_data, "lock", "LOCK_HUAIAN", bin_h=24.0)
    area = float((series["queue_vessels"] * (series["end_h"] - series["start_h"])).sum())
    kpi = baseline_data.tables["locks"].set_index("resource").at["LOCK_HUAIAN", "wait_h_total"]
    # the KPI counts ships that arrived after the warm-up and left before the end; the queue
    # counts every hour of waiting in the window: they differ only at the two edges
    assert area == pytest.approx(kpi, rel=0.03)


def test_queue_length_of_known_intervals():
    edges = np.array([0.0, 10.0, 20.0])
    # one ship waits 5-15, another 12-14: 5 h in the first bin, 5 + 2 in the second
    assert queue_length(np.array([5.0, 12.0]), np.array([15.0, 14.0]), edges) == pytest.approx(
        [0.5, 0.7]
    )


def test_yard_level_holds_between_changes():
    levels = yard_level_t(
        np.array([10.0, 20.0, 30.0]),
        np.array([100.0, 80.0, 0.0]),
        np.array([0.0, 10.0, 14.0, 40.0, 20.0, 25.0]),
    )
    assert levels == pytest.approx([0.0, 100.0, 100.0, 0.0, 80.0, 80.0])


def test_waypoints_meet_the_records_and_sail_at_the_engine_speed(baseline_data):
    model = baseline_data.model
    start = 24.0 * 5
    points = vessel_waypoints(baseline_data, start_h=start, end_h=start + 6)
    assert points["vessel"].nunique() > 100
    passages = baseline_data.replication_events("passages", 0)
    locks = points[points["stop"] == "lock"].dropna(subset=["depart_h"])
    recorded = set(zip(passages["vessel"], passages["arrival_h"].round(9), strict=True))
    assert all(
        (v, round(t, 9)) in recorded
        for v, t in zip(locks["vessel"], locks["arrive_h"], strict=True)
    )
    # between two places with no stop, a ship sails the link at min(link, ship) speed
    links = model.links.set_index("id")
    speed_of = dict(zip(range(len(model.classes)), model.classes["speed_kmh"], strict=True))
    vessels = baseline_data.replication_events("vessels", 0)
    nxt = points.groupby("vessel").shift(-1)
    plain = (points["stop"].isin(["pass", "entry"])) & nxt["stop"].isin(["pass", "exit"])
    checked = 0
    for row, after in zip(points[plain].itertuples(), nxt[plain].itertuples(), strict=True):
        if np.isnan(after.arrive_h):
            continue
        link = links.loc[row.next_link]
        ship = speed_of[int(vessels["vessel_class"].iloc[row.vessel])]
        expected = link["length_km"] / min(link["speed_kmh"], ship)
        assert after.arrive_h - row.depart_h == pytest.approx(expected, rel=1e-9)
        checked += 1
    assert checked > 100
    ordered = points.dropna(subset=["arrive_h", "depart_h"])
    assert (ordered["depart_h"] >= ordered["arrive_h"] - 1e-9).all()


def test_canal_km_runs_north_from_the_yangtze(baseline_data):
    km = canal_km(baseline_data.model)
    links = baseline_data.model.links
    canal = links[links["corridor"].str.startswith("Grand Canal")]
    assert km["J_LIUWEI"] == 0.0
    assert max(km.values()) == pytest.approx(canal["length_km"].sum())
    assert km["LOCK_HUAIAN"] < km["HA_HUANGMA"] < km["LOCK_HUAIYIN"] < km["HA_NEWPORT"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.1, 30)), min_size=1, max_size=40))
def test_berth_lanes_never_overlap_and_use_the_peak_count(stays):
    start = np.array([s for s, _ in stays])
    end = start + np.array([d for _, d in stays])
    lanes = berth_lanes(start, end)
    for lane in np.unique(lanes):
        mine = np.argsort(start[lanes == lane])
        s, e = start[lanes == lane][mine], end[lanes == lane][mine]
        assert (s[1:] >= e[:-1] - 1e-9).all()
    peak = max(int(((start <= t) & (end > t)).sum()) for t in start)
    assert lanes.max() + 1 == peak


def test_model_description_round_trips_through_json(baseline_data, folder_data):
    document = json.loads(json.dumps(baseline_data.model.to_json()))
    again = ModelInfo.from_json(document)
    assert again.to_json() == document
    pd.testing.assert_frame_equal(
        monthly_utilisation(baseline_data), monthly_utilisation(folder_data)
    )
    pd.testing.assert_frame_equal(link_flows(baseline_data), link_flows(folder_data))
    with pytest.raises(ModelInfoError, match="format"):
        ModelInfo.from_json({"format": "something else"})
