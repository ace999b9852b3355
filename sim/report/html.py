"""Small HTML building blocks for self-contained reports (no external CSS, JS or images).

Everything inserted is escaped; images are embedded as base64 data URIs and interactive
figures as JSON with plotly.js inlined (:func:`figure_scripts`), so the file opens offline and
can be mailed as one attachment.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

import pandas as pd

__all__ = [
    "Column",
    "chart_figures",
    "contents_nav",
    "definition_list",
    "document",
    "figure_scripts",
    "image",
    "interactive_figure",
    "paragraph",
    "section",
    "table",
]

STYLE = """
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif;
       margin: 0 auto; max-width: 1180px; padding: 1.5em 2em 4em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #1f77b4; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
.subtitle { color: #555; margin-top: 0; }
.verdict { border-radius: 6px; padding: 1em 1.4em; margin: 1.2em 0; font-size: 1.1em; }
.verdict strong.word { font-size: 1.5em; text-transform: uppercase; letter-spacing: 0.04em; }
.verdict-met { background: #e5f5e0; border-left: 8px solid #2ca02c; }
.verdict-not-met { background: #fde0dd; border-left: 8px solid #d62728; }
.verdict-uncertain { background: #fff7bc; border-left: 8px solid #e6b800; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f0f4f8; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
div.wide { overflow-x: auto; }
figure { margin: 1.2em 0 2em; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #444; font-size: 0.92em; margin-top: 0.4em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.25em 1.2em; }
dt { font-weight: 600; }
dd { margin: 0; }
.note { background: #fff3e0; border-left: 4px solid #ff7f0e; padding: 0.4em 0.8em; }
nav ul { columns: 2; }
div.plot { width: 100%; border: 1px solid #ddd; background: white; }
p.png-link { font-size: 0.88em; margin: 0.3em 0 0; }
@media print { div.plot { break-inside: avoid; } }
"""

# Draws each figure when it comes near the screen (a report has 15; drawing them all at once
# would hold the page for seconds), and all of them before printing.
_FIGURE_LOADER = """
(function () {
  var plots = Array.prototype.slice.call(document.querySelectorAll("div.plot"));
  var pending = plots.length;
  function draw(div) {
    if (div.getAttribute("data-drawn")) return;
    div.setAttribute("data-drawn", "1");
    var figure = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
    var config = {responsive: true, displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: {format: "png", filename: div.getAttribute("data-name"), scale: 2}};
    Plotly.newPlot(div, figure.data, figure.layout, config).then(function () {
      pending -= 1;
      div.setAttribute("data-ready", "1");
    });
  }
  function drawAll() { plots.forEach(draw); }
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
      });
    }, {rootMargin: "800px 0px"});
    plots.forEach(function (div) { observer.observe(div); });
  } else {
    drawAll();
  }
  window.addEventListener("beforeprint", drawAll);
  window.hubsimReport = {
    drawAll: drawAll,
    pending: function () { return pending; },
    figures: function () {
      return plots.map(function (div) { return div.getAttribute("data-name"); });
    }
  };
})();
"""


def paragraph(text: str, *, css: str = "") -> str:
    """A paragraph of plain text."""
    klass = f' class="{escape(css)}"' if css else ""
    return f"<p{klass}>{escape(text)}</p>"


def section(anchor: str, heading: str, *parts: str) -> str:
    """A section with an ``<h2>`` heading and already-built HTML parts."""
    return f'<section id="{escape(anchor)}"><h2>{escape(heading)}</h2>{"".join(parts)}</section>'


def image(
    png: bytes, *, alt: str, title: str, caption: str, anchor: str, mime: str = "image/png"
) -> str:
    """A figure with an embedded image (data URI; PNG unless ``mime`` says otherwise), its
    heading and caption."""
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="{escape(anchor)}"><h3>{escape(title)}</h3>'
        f'<img src="data:{escape(mime)};base64,{encoded}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def contents_nav(contents: Iterable[tuple[str, str]]) -> str:
    """A table of contents: links to ``(anchor, heading)`` pairs."""
    links = "".join(
        f'<li><a href="#{anchor}">{escape(heading)}</a></li>' for anchor, heading in contents
    )
    return f"<nav><ul>{links}</ul></nav>"


def chart_figures(
    charts: Iterable[tuple[Any, bytes]], *, translate: Callable[[str], str] = str
) -> str:
    """Embedded charts: ``(spec, png)`` pairs whose spec has ``name``, ``title``, ``caption``
    (through ``translate``: :func:`sim.i18n.tr`); each figure is anchored at
    ``chart-<name>``."""
    return "".join(
        image(
            png,
            alt=translate(spec.title),
            title=translate(spec.title),
            caption=translate(spec.caption),
            anchor=f"chart-{spec.name}",
        )
        for spec, png in charts
    )


def _script_json(document: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def interactive_figure(
    name: str,
    figure: dict[str, Any],
    *,
    title: str,
    caption: str,
    anchor: str,
    png: str | None = None,
) -> str:
    """A figure drawn by plotly.js in the browser: its heading, the plot (``figure`` is the
    ``{"data", "layout"}`` JSON of ``Plotly.newPlot``), its caption and, when given, a link to
    the PNG of the same chart (``png``: an address relative to the report)."""
    height = int(figure.get("layout", {}).get("height", 420))
    link = (
        f'<p class="png-link"><a href="{escape(png)}">{escape(png)}</a></p>'
        if png is not None
        else ""
    )
    return (
        f'<figure id="{escape(anchor)}"><h3>{escape(title)}</h3>'
        f'<div class="plot" data-name="{escape(name)}" data-figure="figure-{escape(name)}" '
        f'style="min-height:{height}px"></div>'
        f'<script type="application/json" id="figure-{escape(name)}">{_script_json(figure)}'
        f"</script><figcaption>{escape(caption)}</figcaption>{link}</figure>"
    )


def figure_scripts(plotly_js: str) -> str:
    """The scripts that draw a document's interactive figures: plotly.js (inlined, as given)
    and the loader that draws each figure as it comes into view (``window.hubsimReport``)."""
    return f"<script>\n{plotly_js}\n</script>\n<script>{_FIGURE_LOADER}</script>"


def definition_list(items: Iterable[tuple[str, str]]) -> str:
    """``<dl>`` of (term, description) pairs, both plain text."""
    body = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in items)
    return f"<dl>{body}</dl>"


class Column:
    """A table column: source column, heading and how to format a value."""

    def __init__(self, name: str, heading: str, fmt: Callable[[Any], str] | str = str) -> None:
        self.name = name
        self.heading = heading
        self.fmt = fmt

    def render(self, value: Any) -> tuple[str, bool]:
        """Formatted text and whether it is a number (right-aligned)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-", True
        if isinstance(self.fmt, str):
            return format(value, self.fmt), True
        return self.fmt(value), isinstance(value, int | float)


def table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str = "") -> str:
    """An HTML table of the chosen columns of ``frame`` (missing columns are left out)."""
    present = [c for c in columns if c.name in frame.columns]
    head = "".join(f"<th>{escape(c.heading)}</th>" for c in present)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in present:
            text, numeric = column.render(record[column.name])
            cells.append(
                f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def document(title: str, body: str, *, language: str = "en") -> str:
    """A complete HTML5 document with the report style inlined."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
