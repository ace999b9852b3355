"""The report's interactive figures: the charts of a run (:data:`sim.viz.charts.RUN_CHARTS`,
same names, titles and captions) as plotly figures that the browser draws.

``hubsim report DIR`` writes them into ``report.html`` with plotly.js inlined
(:mod:`sim.vendor`), so the report opens offline, each chart answers hover with its values and
zooms, and its camera button saves a PNG. The matplotlib PNGs of :mod:`sim.viz` stay the
briefing charts (``hubsim run --out DIR --charts``, ``hubsim report DIR --charts``): drawing
them takes several CPU seconds, building these figures a fraction of a second.

Each family module (``throughput``, ``utilisation``, ``queues``, ``journeys``, ``landside``,
``maps``) builds its figures from the same run data and the same matplotlib-free measures
(:mod:`sim.viz.measures`, :mod:`sim.viz.palette`, :mod:`sim.viz.labels`) as the PNG charts.
No module here imports matplotlib.

``hubsim run --out`` builds the figures while the run's records are still in memory and keeps
them in the folder (``figures.json``, covered by the run's manifest, with the language and a
fingerprint of the code that built them: :func:`figure_settings`), so that the report need
not read the records again; a report in another language, or by other code, builds them from
the folder's records (:func:`stored_figures` returns ``None``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from network.files import atomic_path
from sim.i18n import current_language
from sim.report.figures.base import Figure
from sim.results.rundata import RunData
from sim.viz.charts import RUN_CHARTS

__all__ = [
    "FIGURES",
    "FIGURES_FILE",
    "Figure",
    "build_figure",
    "figure_settings",
    "run_figures",
    "stored_figures",
    "write_figures",
]

#: The figures of a run kept in its folder by ``hubsim run --out``.
FIGURES_FILE = "figures.json"
_FORMAT = "hubsim-figures/1"

#: Chart name -> ``module:function`` of :mod:`sim.report.figures` that builds its figure.
FIGURES: dict[str, str] = {
    "throughput": "throughput:throughput_figure",
    "throughput_month": "throughput:throughput_month_figure",
    "throughput_breakdown": "throughput:throughput_breakdown_figure",
    "bottlenecks": "utilisation:bottleneck_figure",
    "utilisation": "utilisation:utilisation_figure",
    "lock_waits": "utilisation:lock_wait_figure",
    "queues": "queues:queue_figure",
    "turnaround": "queues:turnaround_figure",
    "time_space": "journeys:time_space_figure",
    "berth_gantt": "journeys:berth_gantt_figure",
    "yards": "landside:yard_figure",
    "landside": "landside:landside_figure",
    "gate_hours": "landside:gate_hours_figure",
    "modal_co2": "landside:modal_co2_figure",
    "flow_map": "maps:flow_map_figure",
}


def _builder(name: str) -> Callable[[RunData], Figure]:
    module, function = FIGURES[name].split(":")
    built: Callable[[RunData], Figure] = getattr(
        importlib.import_module(f"sim.report.figures.{module}"), function
    )
    return built


def build_figure(name: str, data: RunData) -> Figure:
    """The figure of chart ``name`` of a run (a name of :data:`~sim.viz.charts.RUN_CHARTS`)."""
    return _builder(name)(data)


def run_figures(data: RunData) -> list[tuple[str, Figure]]:
    """Every chart of a run as a figure, in the report's order."""
    return [(spec.name, build_figure(spec.name, data)) for spec in RUN_CHARTS]


def figure_settings(*, lang: str | None = None) -> dict[str, Any]:
    """What the figures of a run depend on besides the run: their language and a fingerprint
    of the code that builds them (these modules, the chart data and names of :mod:`sim.viz`
    they read, the run-folder readers, the translations and the map's label boxes and
    basemap). Stored figures built with other settings are built again."""
    lang = current_language() if lang is None else lang
    sim = Path(__file__).resolve().parents[2]
    viz = sim / "viz"
    sources = [
        *sorted(Path(__file__).resolve().parent.glob("*.py")),
        *(viz / f"{name}.py" for name in ("charts", "labels", "measures", "palette", "tracks")),
        *sorted(viz.glob("*_data.py")),
        *sorted((sim / "results").glob("*.py")),
        *sorted((sim / "i18n").glob("*.py")),
        *sorted((sim / "i18n").glob("*.po")),
        *(
            sim.parent / "network" / name
            for name in ("labelboxes.py", "labelgeometry.py", "basemap.py", "plot.py")
        ),
    ]
    code = hashlib.sha256(_FORMAT.encode())
    for source in sources:
        if source.is_file():
            code.update(source.name.encode())
            code.update(source.read_bytes())
    return {"lang": lang, "code": code.hexdigest()}


def write_figures(data: RunData, folder: str | Path) -> Path:
    """Build every figure of a run and keep them in ``folder/figures.json`` (atomically)."""
    path = Path(folder) / FIGURES_FILE
    document = {
        "format": _FORMAT,
        "settings": figure_settings(),
        "figures": dict(run_figures(data)),
    }
    with atomic_path(path) as temporary:
        temporary.write_text(
            json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
            encoding="utf-8",
        )
    return path


def stored_figures(folder: str | Path) -> list[tuple[str, Figure]] | None:
    """The figures kept in a run folder, in the report's order, if they were built with the
    current settings (:func:`figure_settings`) and none is missing; else ``None``. The folder
    is checked against its manifest by the caller."""
    path = Path(folder) / FIGURES_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != _FORMAT or document.get("settings") != figure_settings():
            return None
        figures = document["figures"]
        return [(spec.name, figures[spec.name]) for spec in RUN_CHARTS]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
