"""The run report in a real browser (headless Chromium, network off): every interactive figure
draws every trace it carries with no console error, in English and in Chinese, and the page is
not blank. Skipped, saying why, where there is no browser (.ci/run installs one)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from browser import console_errors, needs_browser, not_blank, open_browser

from sim.i18n import language
from sim.report import write_report
from sim.viz.charts import RUN_CHARTS

pytestmark = needs_browser

#: Longest drawing all figures may take (a 20-day run on a machine shared with the suite).
DRAWN_S = 60.0


@pytest.fixture(scope="module")
def browser():
    yield from open_browser(1300, 1000)


def _draw_all(browser, page: Path) -> float:
    started = time.monotonic()
    browser.get(page.resolve().as_uri())
    browser.execute_script("window.hubsimReport.drawAll()")
    while time.monotonic() - started < DRAWN_S:
        if browser.execute_script("return window.hubsimReport.pending()") == 0:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"the figures were not drawn within {DRAWN_S} s")


def _figures_in(page: Path) -> dict[str, dict]:
    text = page.read_text(encoding="utf-8")
    found = re.findall(
        r'<script type="application/json" id="figure-([a-z0-9_]+)">(.*?)</script>', text
    )
    return {name: json.loads(body.replace("<\\/", "</")) for name, body in found}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_draws_every_trace_offline(browser, run_folder, tmp_path, lang):
    with language(lang):
        page = write_report(run_folder, tmp_path / lang)
    figures = _figures_in(page)
    assert list(figures) == [spec.name for spec in RUN_CHARTS]
    _draw_all(browser, page)
    assert console_errors(browser) == []
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.plot')).map(function (div) {"
        "  return [div.getAttribute('data-name'), (div._fullData || []).length,"
        "          div.querySelectorAll('.main-svg').length]; })"
    )
    for name, traces, svgs in drawn:
        assert traces == len(figures[name]["data"]), name
        assert svgs >= 1, name
    if lang == "zh":
        assert browser.execute_script("return document.documentElement.lang") == "zh-CN"


def test_the_first_screen_is_not_blank(browser, run_folder, tmp_path):
    page = write_report(run_folder, tmp_path / "shot")
    _draw_all(browser, page)
    browser.execute_script(
        "document.getElementById('chart-throughput').scrollIntoView({block: 'start'})"
    )
    time.sleep(0.3)
    png = browser.get_screenshot_as_png()
    (tmp_path / "report.png").write_bytes(png)
    not_blank(png, colours=100, inked=0.05)
    assert console_errors(browser) == []
