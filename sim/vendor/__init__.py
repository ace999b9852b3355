"""JavaScript that hubsim's HTML pages embed, so that they open offline: plotly.js from its
*basic* bundle (scatter, bar and pie traces), npm package ``plotly.js-basic-dist-min`` 4.1.1,
MIT licence (``plotly.js-LICENSE`` beside it; the bundle keeps its banner), the same plotly.js
version as plotly.py 7.1 embeds. Used by the map viewer (:mod:`sim.viewer`) and by the run
report's interactive charts (:mod:`sim.report.figures`).

The full bundle that plotly.py embeds is 4.8 MB and takes headless Chromium about 3 s to parse
on this project's 2-core machine before a page can start; the basic one is 1.2 MB and 0.6 s.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["PLOTLY_JS", "PLOTLY_JS_LICENCE", "PLOTLY_JS_VERSION", "plotly_js"]

#: The plotly.js bundle the pages embed (in ``sim/vendor/``).
PLOTLY_JS = "plotly-basic.min.js"
#: Its version (npm ``plotly.js-basic-dist-min``) and licence.
PLOTLY_JS_VERSION = "4.1.1"
PLOTLY_JS_LICENCE = "MIT"


@cache
def plotly_js() -> str:
    """The bundle's text, to inline in a ``<script>`` element."""
    return resources.files(__name__).joinpath(PLOTLY_JS).read_text(encoding="utf-8")
