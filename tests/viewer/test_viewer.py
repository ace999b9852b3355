"""`hubsim view`: the window, the counts the page shows, a self-contained file, the CLI and
the report's link."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from sim.cli import main
from sim.report import write_report
from sim.viewer import ViewerInputError, ViewWindow, build_scene, resolve_window
from sim.viewer._source import read_run


def test_the_page_counts_the_vessels_in_the_system(plan_folder, in_system):
    run = read_run(plan_folder)
    start = run.data.model.warmup_h
    window = ViewWindow(start, start + 24.0, 1.0)
    scene = build_scene(run, window)
    counts = scene.in_system()
    assert len(counts) == 25
    for step in (0, 7, 24):
        assert counts[step] == in_system(start + step) > 100
    # every vessel in the system at a step has a track on the map
    assert scene.tables["vessels"]["pathless"] == 0


def test_the_file_is_self_contained(viewer_page):
    html = viewer_page.read_text(encoding="utf-8")
    # nothing is loaded from elsewhere: no script, style, image or frame from an address
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert "plotly.js (basic - minified) v4.1.1" in html
    assert viewer_page.stat().st_size < 20e6


def test_windows(plan_folder):
    run = read_run(plan_folder)
    model = run.data.model

    def window(**kwargs):
        return resolve_window(
            model.first_year, model.warmup_h, run.end_h, model.target_year, **kwargs
        )

    default = window()
    assert default.start_h == model.warmup_h and default.end_h == run.end_h  # a 3-day run
    assert default.aggregate is None and default.step_h == 0.5
    daily = window(aggregate="daily")
    assert daily.steps == 3 and daily.step_h == 24.0
    chosen = window(window=(dt.datetime(2028, 1, 1, 6), dt.datetime(2028, 1, 2, 6)))
    assert chosen.end_h - chosen.start_h == 24.0 and chosen.step_h == 0.25
    with pytest.raises(ViewerInputError, match="outside the run"):
        window(window=(dt.date(2029, 1, 1), dt.date(2029, 1, 2)))
    with pytest.raises(ViewerInputError, match="not both"):
        window(window=(dt.date(2028, 1, 1), dt.date(2028, 1, 2)), days=1)
    with pytest.raises(ViewerInputError, match="end after it starts"):
        window(window=(dt.date(2028, 1, 2), dt.date(2028, 1, 1)))


def test_aggregates_hold_means_and_peaks(plan_folder):
    run = read_run(plan_folder)
    start = run.data.model.warmup_h
    hourly = build_scene(run, ViewWindow(start, start + 48.0, 1.0, "hourly"))
    daily = build_scene(run, ViewWindow(start, start + 48.0, 24.0, "daily"))
    per_hour = hourly.in_system()
    np.testing.assert_allclose(daily.in_system(), per_hour.reshape(2, 24).mean(axis=1), rtol=1e-6)
    np.testing.assert_array_equal(
        daily.arrays["total_in_system_max"], per_hour.reshape(2, 24).max(axis=1)
    )
    assert "v_entry" not in daily.arrays  # no vessel-by-vessel tracks in an aggregate


def test_cli_and_report_link(plan_folder, tmp_path, capsys):
    page = tmp_path / "week.html"
    assert main(["view", str(plan_folder), "--out", str(page), "--days", "1"]) == 0
    assert "viewer written to" in capsys.readouterr().out and page.stat().st_size > 1e6
    assert main(["view", str(plan_folder), "--aggregate", "weekly"]) == 2
    assert main(["view", str(plan_folder), "--window", "2028-01-01", "2031-01-01"]) == 2
    assert "outside the run" in capsys.readouterr().err
    assert main(["view", str(tmp_path / "missing")]) == 2
    # the report links to the viewer beside it
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "viewer.html").write_text("<html></html>", encoding="utf-8")
    report = write_report(plan_folder, tmp_path / "report")
    assert 'href="viewer.html"' in report.read_text(encoding="utf-8")
