"""Charts of a run: every function takes a run (:class:`~sim.results.rundata.RunData`, a
:class:`~sim.runs.run.RunResult` or a run folder) and returns a :class:`matplotlib.figure.Figure`.

Throughput against the target, utilisation by month, ranked bottlenecks with relief gains,
queues and waits over time, turnaround, the berth Gantt chart and the Grand Canal time-space
diagram, yard occupancy, landside utilisation (gates, rail sidings and links, airports) and
gate throughput by hour of day, modal split and CO2, the flow map, and vessel positions on a
map (a snapshot, or a GIF of a chosen day with :func:`animate_vessels`).
"""

from sim.viz.animation import animate_vessels, vessel_positions_chart
from sim.viz.compare import comparison_chart, plans_chart
from sim.viz.journeys import berth_gantt_chart, time_space_chart
from sim.viz.landside import gate_hours_chart, landside_chart, modal_co2_chart, yard_chart
from sim.viz.maps import flow_map
from sim.viz.queues import control_chart, queue_chart, turnaround_chart
from sim.viz.throughput import (
    throughput_breakdown_chart,
    throughput_chart,
    throughput_month_chart,
)
from sim.viz.utilisation import bottleneck_chart, lock_wait_chart, utilisation_heatmap

__all__ = [
    "animate_vessels",
    "berth_gantt_chart",
    "bottleneck_chart",
    "comparison_chart",
    "control_chart",
    "flow_map",
    "gate_hours_chart",
    "landside_chart",
    "lock_wait_chart",
    "modal_co2_chart",
    "plans_chart",
    "queue_chart",
    "throughput_breakdown_chart",
    "throughput_chart",
    "throughput_month_chart",
    "time_space_chart",
    "turnaround_chart",
    "utilisation_heatmap",
    "vessel_positions_chart",
    "yard_chart",
]
