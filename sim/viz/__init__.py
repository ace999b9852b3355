"""Charts of a run: every function takes a run (:class:`~sim.results.rundata.RunData`, a
:class:`~sim.runs.run.RunResult` or a run folder) and returns a :class:`matplotlib.figure.Figure`.

Throughput against the target, utilisation by month, ranked bottlenecks with relief gains,
queues and waits over time, turnaround, the berth Gantt chart and the Grand Canal time-space
diagram, yard occupancy, landside utilisation (gates, rail sidings and links, airports) and
gate throughput by hour of day, modal split and CO2, the flow map, and vessel positions on a
map (a snapshot, or a GIF of a chosen day with :func:`animate_vessels`).

The chart functions are loaded on first use (PEP 562), so that the matplotlib-free parts of
this package (:mod:`sim.viz.palette`, :mod:`sim.viz.labels`, :mod:`sim.viz.measures` and the
chart data the report's interactive figures share with these charts) can be imported
without matplotlib, which takes about half a second to import.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "animate_vessels": "animation",
    "vessel_positions_chart": "animation",
    "comparison_chart": "compare",
    "plans_chart": "compare",
    "berth_gantt_chart": "journeys",
    "time_space_chart": "journeys",
    "gate_hours_chart": "landside",
    "landside_chart": "landside",
    "modal_co2_chart": "landside",
    "yard_chart": "landside",
    "flow_map": "maps",
    "control_chart": "queues",
    "queue_chart": "queues",
    "turnaround_chart": "queues",
    "throughput_breakdown_chart": "throughput",
    "throughput_chart": "throughput",
    "throughput_month_chart": "throughput",
    "bottleneck_chart": "utilisation",
    "lock_wait_chart": "utilisation",
    "utilisation_heatmap": "utilisation",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim.viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sim.viz.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
