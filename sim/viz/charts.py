"""The charts of a run, in the order a report shows them: each one's name, title, caption and
drawing function (:mod:`sim.viz.run` draws them as PNGs; the report's interactive figures of
:mod:`sim.report.figures` have the same names, titles and captions).

This module does not import matplotlib: a chart's drawing function is imported when it is
first called.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.i18n import N_

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.results.rundata import RunData

__all__ = ["CHART_DPI", "RUN_CHARTS", "ChartSpec"]

#: Resolution of the charts of a run, in ``charts/`` and in the report alike (so that a report
#: can embed the charts a run drew).
CHART_DPI = 110


class _Lazy:
    """A chart function of ``sim.viz.<module>``, imported when first called."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = getattr(importlib.import_module(f"sim.viz.{self.module}"), self.name)
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<chart function sim.viz.{self.module}.{self.name}>"


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a run.

    Attributes
    ----------
    name : str
        File stem of its PNG.
    title : str
        Heading in a report (English: the report translates it with :func:`sim.i18n.tr`).
    caption : str
        How to read it (English, as the title).
    draw : callable
        ``RunData -> Figure``.
    """

    name: str
    title: str
    caption: str
    draw: Callable[[RunData], Figure]


RUN_CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "throughput",
        N_("Throughput against the target"),
        N_(
            "Left: port throughput (tonnes across the quay) per simulated year against the target "
            "(dashed line), each bar labelled with the share of replications meeting the target "
            "(throughput, service criteria, no overflow). Right: each port area's throughput per "
            "year and its share of the port's. Error bars are 95 % confidence intervals across "
            "replications, drawn from 3 replications on (with fewer the chart says so). Whole "
            "calendar years are counted (the warm-up before 1 January is not); a run given in days "
            "is hatched and shown at its annual rate."
        ),
        _Lazy("throughput", "throughput_chart"),
    ),
    ChartSpec(
        "throughput_month",
        N_("Monthly throughput"),
        N_(
            "Each month's throughput at an annual rate, so seasonality, growth and the target read "
            "on one scale; the band is the 95 % confidence interval (from 3 replications on)."
        ),
        _Lazy("throughput", "throughput_month_chart"),
    ),
    ChartSpec(
        "throughput_breakdown",
        N_("Throughput by port area and commodity"),
        N_(
            "Where the compared year's throughput is handled and what it is (95 % CIs from 3 "
            "replications on)."
        ),
        _Lazy("throughput", "throughput_breakdown_chart"),
    ),
    ChartSpec(
        "bottlenecks",
        N_("Ranked bottlenecks"),
        N_(
            "Resources in the order of the run's ranking by effect on the verdict (the rank is the "
            "one the verdict and `hubsim run` give): each bar is the resource's service criterion "
            "as value / limit, on an axis fitted to the largest (past the dashed line it breaks "
            "it). Striped: it breaks its criterion; dotted: its own part is under the limit but "
            "it adds to a port-wide criterion that fails (a yard's share of the berth time ships "
            "are held, against a limit on all berths); back-striped: the 95 % CI straddles the "
            "limit. Beside each bar: the criterion, utilisation, mean wait and share of all vessel "
            "time spent waiting for it. When bottleneck relief was computed, the right panel shows "
            "the sustainable capacity one more berth or chamber (or 25 % more yard) would add."
        ),
        _Lazy("utilisation", "bottleneck_chart"),
    ),
    ChartSpec(
        "utilisation",
        N_("Utilisation by month"),
        N_(
            "Share of each lock's chamber time, each berth group's berth time and each yard's "
            "capacity in use, month by month. Red rows that stay red are where the hub chokes."
        ),
        _Lazy("utilisation", "utilisation_heatmap"),
    ),
    ChartSpec(
        "lock_waits",
        N_("Waiting at the locks"),
        N_("Mean and 95th-percentile wait of the ships at each modelled lock (95 % CIs)."),
        _Lazy("utilisation", "lock_wait_chart"),
    ),
    ChartSpec(
        "queues",
        N_("Queues and waits over time"),
        N_(
            "Ships waiting and the mean wait of arriving ships per day (per week for runs over a "
            "year) at the locks and berth groups that hold ships longest; peaks follow weather "
            "stoppages, closures and seasonal demand."
        ),
        _Lazy("queues", "queue_chart"),
    ),
    ChartSpec(
        "turnaround",
        N_("Vessel turnaround"),
        N_(
            "Time from a ship's arrival at the berth area to the end of its handling (berth wait, "
            "handling, yard blocking): all port calls, and by port area."
        ),
        _Lazy("queues", "turnaround_chart"),
    ),
    ChartSpec(
        "time_space",
        N_("Vessels along the Grand Canal (time-space diagram)"),
        N_(
            "The busiest week on the canal near the hub (most ships through the modelled locks), "
            "km against time. Top: ships per km of canal, every ship sailing or stopped; the dark "
            "streaks at a lock are its queue (after a weather stoppage they fade as it clears). "
            "Below: the 8 hours of that week with most ships through the locks (the red frame "
            "above), each ship a line, northbound and southbound apart, coloured by its size; "
            "sloped lines sail, flat stretches stop: orange while waiting for a lock, dark blue in "
            "the chamber, red at a berth. Horizontal lines mark the locks (solid: modelled, names "
            "in bold) and terminals."
        ),
        _Lazy("journeys", "time_space_chart"),
    ),
    ChartSpec(
        "berth_gantt",
        N_("Berth occupation in a week"),
        N_(
            "Each bar is a ship's stay at a berth of the berth group ships waited longest for, "
            "coloured by commodity; hatched ends are time a full yard held the ship."
        ),
        _Lazy("journeys", "berth_gantt_chart"),
    ),
    ChartSpec(
        "yards",
        N_("Yard occupancy"),
        N_(
            "Fill level of the fullest yards over time; red periods are when a full yard held "
            "unloading ships at the berth."
        ),
        _Lazy("landside", "yard_chart"),
    ),
    ChartSpec(
        "landside",
        N_("Landside utilisation"),
        N_(
            "Share of the capacity of every truck gate, rail siding set, airport and rail link "
            "used in the counted period, with its 95 % confidence interval; the dashed line is "
            "full capacity. Gates and airports: tonnes moved over the tonnes their open hours "
            "allow; sidings: busy siding-hours; rail links: train movements over the paths their "
            "headway allows. Labels give the tonnes and vehicles each moved. Bars near 100 % are "
            "where cargo queues on land and yards fill up."
        ),
        _Lazy("landside", "landside_chart"),
    ),
    ChartSpec(
        "gate_hours",
        N_("Gate throughput by hour of day"),
        N_(
            "Mean tonnes the busiest truck gates (and airports) move in each hour of the day over "
            "the counted days; the dashed step is what their opening hours allow with every lane "
            "working. A peak at opening time is cargo that waited for the gate overnight."
        ),
        _Lazy("landside", "gate_hours_chart"),
    ),
    ChartSpec(
        "modal_co2",
        N_("Modal split and CO2"),
        N_(
            "How port cargo reaches or leaves the quay on land, and the transport work and CO2 of "
            "all cargo delivered, by mode (95 % CIs)."
        ),
        _Lazy("landside", "modal_co2_chart"),
    ),
    ChartSpec(
        "flow_map",
        N_("Cargo flows and utilisation on the map"),
        N_(
            "Line width is the cargo on each link (Mt/yr, all modes of each cargo's route), "
            "colour its mode; locks and terminals are coloured by utilisation (grey: not "
            "modelled). Under the network: the coast and sea, lakes (Hongze Lake) and rivers (the "
            "Yangtze) of GSHHG; the waterways, lakes and gateways are named, and no two names "
            "overlap."
        ),
        _Lazy("maps", "flow_map"),
    ),
)
