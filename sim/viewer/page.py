"""The viewer page: one self-contained HTML file (plotly.js, the page's script and the scene's
data inline; nothing is fetched, so it works offline).

plotly.js comes from its *basic* bundle (scatter, bar and pie traces), vendored in
:mod:`sim.vendor` (npm package ``plotly.js-basic-dist-min`` 4.1.1, MIT licence). The full
bundle that plotly.py embeds is 4.8 MB and takes headless Chromium about 3 s to parse on this
project's 2-core machine before the page can start; the basic one is 1.2 MB and takes 0.6 s.
The page only needs scatter traces on cartesian axes (a lon/lat map of its own: plotly's geo
maps would fetch their topojson from a CDN).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from html import escape
from importlib import resources
from typing import Any

import numpy as np

from sim.i18n import N_, current_language, format_datetime, tr
from sim.vendor import PLOTLY_JS, PLOTLY_JS_LICENCE, PLOTLY_JS_VERSION, plotly_js
from sim.viewer.scene import Scene

__all__ = ["PLOTLY_JS", "PLOTLY_JS_LICENCE", "PLOTLY_JS_VERSION", "page_html"]


_DTYPES = {
    np.dtype("float64"): "f4",
    np.dtype("float32"): "f4",
    np.dtype("int64"): "i4",
    np.dtype("int32"): "i4",
    np.dtype("int16"): "i2",
    np.dtype("uint8"): "u1",
    np.dtype("bool"): "u1",
}


def _encode(values: np.ndarray) -> dict[str, Any]:
    """A numeric array as base64 of little-endian typed-array bytes."""
    code = _DTYPES[np.asarray(values).dtype]
    target = {"f4": "<f4", "i4": "<i4", "i2": "<i2", "u1": "u1"}[code]
    raw = np.ascontiguousarray(np.asarray(values).astype(target)).tobytes()
    return {"dtype": code, "b64": base64.b64encode(raw).decode("ascii")}


def _asset(name: str) -> str:
    return resources.files("sim.viewer").joinpath(name).read_text(encoding="utf-8")


def _script_json(document: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_HTML_LANG = {"en": "en", "zh": "zh-CN"}
# say("...") in viewer.js, adjacent literals joined with + (the page's words)
_JS_TEXT = re.compile(r'\bsay\(\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)')
_JS_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
# words the script shows through say() from the data: units, cargo groups, vessel states
_DATA_WORDS = (
    N_("chambers"),
    N_("berths"),
    N_("t"),
    N_("trucks/h"),
    N_("flights/h"),
    N_("trains"),
    N_("dry bulk"),
    N_("liquid bulk"),
    N_("break bulk"),
    N_("container"),
    N_("reefer"),
    N_("sailing"),
    N_("waiting at a lock"),
    N_("in a lock"),
    N_("waiting for a berth"),
    N_("at a berth"),
    N_("Coal"),
    N_("Building Mat"),
    N_("Metal Ore"),
    N_("Nonmetal Ore"),
    N_("Grain"),
    N_("Salt"),
    N_("Steel"),
    N_("Chemicals"),
    N_("Container"),
    N_("Cold Chain"),
)
# text of viewer.html (between tags, and its title attribute)
_HTML_TEXT = re.compile(r'(>|title=")([^<>"]*[A-Za-z][^<>"]*)(<|")')


def script_words() -> list[str]:
    """Every text viewer.js shows through ``say()`` (its message ids)."""
    words = []
    for match in _JS_TEXT.finditer(_asset("viewer.js")):
        words.append("".join(json.loads(f'"{m}"') for m in _JS_LITERAL.findall(match.group(1))))
    return list(dict.fromkeys(words))


def html_words() -> list[str]:
    """Every text of viewer.html (its message ids)."""
    found = (m.group(2).strip() for m in _HTML_TEXT.finditer(_asset("viewer.html")))
    return list(dict.fromkeys(w for w in found if w))


def page_words() -> dict[str, str]:
    """English -> current language of every word the page shows (script, data words)."""
    return {w: tr(w) for w in [*script_words(), *_DATA_WORDS] if tr(w) != w}


def _static_html() -> str:
    """viewer.html with its text in the current language."""
    html = _asset("viewer.html")
    if current_language() == "en":
        return html

    def said(match: re.Match[str]) -> str:
        text = match.group(2)
        core = text.strip()
        return match.group(1) + text.replace(core, tr(core)) + match.group(3)

    return _HTML_TEXT.sub(said, html)


def page_html(scene: Scene, *, title: str) -> str:
    """The viewer page of ``scene``.

    Parameters
    ----------
    scene : Scene
    title : str
        Shown in the browser tab and the page header.

    Returns
    -------
    str
        The HTML document.
    """
    tables = dict(scene.tables)
    lang = current_language()
    tables["meta"] = tables["meta"] | {
        "title": title,
        "generated": format_datetime(dt.datetime.now()),
        "plotly_js": PLOTLY_JS_VERSION,
    }
    if lang != "en":  # the page's words in its language (English pages carry none)
        tables["meta"] |= {"lang": lang, "i18n": page_words()}
    document = {"tables": tables, "arrays": {k: _encode(v) for k, v in scene.arrays.items()}}
    return (
        f'<!DOCTYPE html>\n<html lang="{_HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_asset('viewer.css')}\n</style>\n"
        f"<script>\n{plotly_js()}\n</script>\n</head>\n<body>\n"
        f"{_static_html()}\n"
        f'<script type="application/json" id="hubsim-data">{_script_json(document)}</script>\n'
        f"<script>\n{_asset('viewer.js')}\n</script>\n</body>\n</html>\n"
    )
