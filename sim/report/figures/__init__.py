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
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sim.report.figures.base import Figure
from sim.results.rundata import RunData
from sim.viz.charts import RUN_CHARTS

__all__ = ["FIGURES", "Figure", "build_figure", "run_figures"]

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
