"""Debian's headless Chromium, driven by selenium, with the network off: the fixture of the
browser tests (the viewer's and the report's). They are skipped, saying why, where there is
no browser (.ci/run installs one)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

#: Marks a test module that needs the browser.
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="browser tests skipped: no headless Chromium here (apt-get install chromium "
    "chromium-driver, as .ci/run does)",
)


def open_browser(width: int = 1400, height: int = 900) -> Iterator[object]:
    """A headless Chromium whose every request to the network fails (yielded, then quit)."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="browser tests skipped: selenium is not installed"
    )
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        # no name resolves: any request to the network fails (and would be logged)
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: object) -> list[dict]:
    """The page's console errors since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def not_blank(png: bytes, *, colours: int = 200, inked: float = 0.3) -> np.ndarray:
    """The screenshot as an RGB array, after checking it has at least ``colours`` colours
    and that a share ``inked`` of its pixels is not white."""
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    found = np.unique(image.reshape(-1, 3)[::7], axis=0)
    assert len(found) > colours, len(found)
    assert (image < 250).any(axis=2).mean() > inked
    return image
