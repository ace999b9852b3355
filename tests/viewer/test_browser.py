"""The viewer in a real browser: Debian's headless Chromium, driven by selenium, with the
network off. Skipped, saying why, where there is no browser (.ci/run installs one)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from browser import console_errors, needs_browser, not_blank, open_browser

pytestmark = needs_browser

#: Longest the page may take to be ready (the target is 5 s for a week of the plan; this
#: page is a day of a small run, on a machine shared with the rest of the suite).
READY_S = 20.0


@pytest.fixture(scope="module")
def browser():
    yield from open_browser()


def _open(browser, page: Path) -> float:
    started = time.monotonic()
    browser.get(page.resolve().as_uri())
    while time.monotonic() - started < READY_S:
        if browser.execute_script("return !!(window.hubsimViewer && hubsimViewer.state().ready)"):
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"the viewer was not ready within {READY_S} s")


def _step(browser, step: int) -> dict:
    return browser.execute_async_script(f"window.hubsimViewer.setStep({step}).then(arguments[0])")


def test_page_plays_offline_and_draws_every_vessel(browser, viewer_page, in_system, tmp_path):
    seconds = _open(browser, viewer_page)
    assert seconds < READY_S
    assert console_errors(browser) == []
    first = _step(browser, 0)
    assert first["tracks"] and first["steps"] == 97  # a day at a step of 15 min
    later = _step(browser, 40)
    # the vessels drawn are those in the system by the records, at both moments
    for state in (first, later):
        assert state["drawn"] == state["counted"] == in_system(state["hour"]) > 100
    # and they moved: positions differ between the two moments
    before = np.c_[first["x"], first["y"]]
    after = np.c_[later["x"], later["y"]]
    assert not np.array_equal(before[: len(after)], after[: len(before)])
    # the slider drives the same step as the API, and the clock follows it
    label = browser.find_element("id", "when").text
    slider = browser.find_element("id", "slider")
    browser.execute_script(
        "arguments[0].value = 10; arguments[0].dispatchEvent(new Event('input'))", slider
    )
    time.sleep(0.5)
    state = browser.execute_script("return hubsimViewer.state()")
    assert state["step"] == 10 and browser.find_element("id", "when").text != label
    assert state["drawn"] == in_system(state["hour"])
    # a screenshot is not blank: the map has land, water, the network and vessels
    png = browser.get_screenshot_as_png()
    (tmp_path / "viewer.png").write_bytes(png)
    image = not_blank(png)  # the map has land, water, the network and vessels
    assert image.shape[0] > 500 and image.shape[1] > 1000
    assert console_errors(browser) == []


def test_a_resource_chart_follows_the_click(browser, viewer_page):
    _open(browser, viewer_page)
    title = browser.execute_script(
        "hubsimViewer.select('q0'); return document.querySelector('#chart .gtitle').textContent"
    )
    assert title
    rows = browser.find_elements("css selector", "#selected tr")
    assert rows


def test_the_chinese_page_plays_with_no_error(browser, plan_folder, in_system, tmp_path):
    from sim.i18n import language
    from sim.viewer import write_viewer

    with language("zh"):
        page = write_viewer(plan_folder, tmp_path / "viewer_zh.html", days=1)
    _open(browser, page)
    later = _step(browser, 40)
    assert later["drawn"] == in_system(later["hour"]) > 100
    assert "年" in browser.find_element("id", "when").text
    assert "系统内船舶" in browser.find_element("id", "counts").text
    assert "播放" in browser.find_element("id", "play").text
    title = browser.execute_script(
        "hubsimViewer.select('q0'); return document.querySelector('#chart .gtitle').textContent"
    )
    assert title and not title.isascii()  # a lock's Chinese name
    assert console_errors(browser) == []
