"""The charts of a run, in the order a report shows them, and writing them as PNG files.

``hubsim run --out`` writes them to ``charts/``; ``hubsim report`` draws them again from the
run folder and embeds them. Each entry says what the chart shows and how to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from network.files import atomic_path
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz import (
    berth_gantt_chart,
    bottleneck_chart,
    flow_map,
    gate_hours_chart,
    landside_chart,
    lock_wait_chart,
    modal_co2_chart,
    queue_chart,
    throughput_breakdown_chart,
    throughput_chart,
    throughput_month_chart,
    time_space_chart,
    turnaround_chart,
    utilisation_heatmap,
    yard_chart,
)

__all__ = ["RUN_CHARTS", "ChartSpec", "draw_run_charts", "save_figure", "write_run_charts"]


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a run.

    Attributes
    ----------
    name : str
        File stem of its PNG.
    title : str
        Heading in a report.
    caption : str
        How to read it.
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
        "Throughput against the target",
        "Left: port throughput (tonnes across the quay) per simulated year against the target "
        "(dashed line), each bar labelled with the share of replications meeting the target "
        "(throughput, service criteria, no overflow). Right: each port area's throughput per "
        "year and its share of the port's. Error bars are 95 % confidence intervals across "
        "replications, drawn from 3 replications on (with fewer the chart says so). Whole "
        "calendar years are counted (the warm-up before 1 January is not); a run given in days "
        "is hatched and shown at its annual rate.",
        throughput_chart,
    ),
    ChartSpec(
        "throughput_month",
        "Monthly throughput",
        "Each month's throughput at an annual rate, so seasonality, growth and the target read "
        "on one scale; the band is the 95 % confidence interval (from 3 replications on).",
        throughput_month_chart,
    ),
    ChartSpec(
        "throughput_breakdown",
        "Throughput by port area and commodity",
        "Where the compared year's throughput is handled and what it is (95 % CIs from 3 "
        "replications on).",
        throughput_breakdown_chart,
    ),
    ChartSpec(
        "bottlenecks",
        "Ranked bottlenecks",
        "Resources in the order of the run's ranking by effect on the verdict (the rank is the "
        "one the verdict and `hubsim run` give): each bar is the resource's service criterion "
        "as value / limit, on an axis fitted to the largest (past the dashed line it breaks "
        "it). Striped: it breaks its criterion; dotted: its own part is under the limit but "
        "it adds to a port-wide criterion that fails (a yard's share of the berth time ships "
        "are held, against a limit on all berths); back-striped: the 95 % CI straddles the "
        "limit. Beside each bar: the criterion, utilisation, mean wait and share of all vessel "
        "time spent waiting for it. When bottleneck relief was computed, the right panel shows "
        "the sustainable capacity one more berth or chamber (or 25 % more yard) would add.",
        bottleneck_chart,
    ),
    ChartSpec(
        "utilisation",
        "Utilisation by month",
        "Share of each lock's chamber time, each berth group's berth time and each yard's "
        "capacity in use, month by month. Red rows that stay red are where the hub chokes.",
        utilisation_heatmap,
    ),
    ChartSpec(
        "lock_waits",
        "Waiting at the locks",
        "Mean and 95th-percentile wait of the ships at each modelled lock (95 % CIs).",
        lock_wait_chart,
    ),
    ChartSpec(
        "queues",
        "Queues and waits over time",
        "Ships waiting and the mean wait of arriving ships per day (per week for runs over a "
        "year) at the locks and berth groups that hold ships longest; peaks follow weather "
        "stoppages, closures and seasonal demand.",
        queue_chart,
    ),
    ChartSpec(
        "turnaround",
        "Vessel turnaround",
        "Time from a ship's arrival at the berth area to the end of its handling (berth wait, "
        "handling, yard blocking): all port calls, and by port area.",
        turnaround_chart,
    ),
    ChartSpec(
        "time_space",
        "Vessels along the Grand Canal (time-space diagram)",
        "The busiest week on the canal near the hub (most ships through the modelled locks), "
        "km against time. Top: ships per km of canal, every ship sailing or stopped; the dark "
        "streaks at a lock are its queue (after a weather stoppage they fade as it clears). "
        "Below: the 8 hours of that week with most ships through the locks (the red frame "
        "above), each ship a line, northbound and southbound apart, coloured by its size; "
        "sloped lines sail, flat stretches stop: orange while waiting for a lock, dark blue in "
        "the chamber, red at a berth. Horizontal lines mark the locks (solid: modelled, names "
        "in bold) and terminals.",
        time_space_chart,
    ),
    ChartSpec(
        "berth_gantt",
        "Berth occupation in a week",
        "Each bar is a ship's stay at a berth of the berth group ships waited longest for, "
        "coloured by commodity; hatched ends are time a full yard held the ship.",
        berth_gantt_chart,
    ),
    ChartSpec(
        "yards",
        "Yard occupancy",
        "Fill level of the fullest yards over time; red periods are when a full yard held "
        "unloading ships at the berth.",
        yard_chart,
    ),
    ChartSpec(
        "landside",
        "Landside utilisation",
        "Share of the capacity of every truck gate, rail siding set, airport and rail link used "
        "in the counted period, with its 95 % confidence interval; the dashed line is full "
        "capacity. Gates and airports: tonnes moved over the tonnes their open hours allow; "
        "sidings: busy siding-hours; rail links: train movements over the paths their headway "
        "allows. Labels give the tonnes and vehicles each moved. Bars near 100 % are where "
        "cargo queues on land and yards fill up.",
        landside_chart,
    ),
    ChartSpec(
        "gate_hours",
        "Gate throughput by hour of day",
        "Mean tonnes the busiest truck gates (and airports) move in each hour of the day over "
        "the counted days; the dashed step is what their opening hours allow with every lane "
        "working. A peak at opening time is cargo that waited for the gate overnight.",
        gate_hours_chart,
    ),
    ChartSpec(
        "modal_co2",
        "Modal split and CO2",
        "How port cargo reaches or leaves the quay on land, and the transport work and CO2 of "
        "all cargo delivered, by mode (95 % CIs).",
        modal_co2_chart,
    ),
    ChartSpec(
        "flow_map",
        "Cargo flows and utilisation on the map",
        "Line width is the cargo on each link (Mt/yr, all modes of each cargo's route), colour "
        "its mode; locks and terminals are coloured by utilisation (grey: not modelled). Under "
        "the network: the coast and sea, lakes (Hongze Lake) and rivers (the Yangtze) of GSHHG; "
        "the waterways, lakes and gateways are named, and no two names overlap.",
        flow_map,
    ),
)


def draw_run_charts(
    source: RunSource,
) -> Iterator[tuple[ChartSpec, Figure]]:
    """Draw the charts of :data:`RUN_CHARTS` one after another (each figure is new)."""
    data = as_run_data(source)
    for spec in RUN_CHARTS:
        yield spec, spec.draw(data)


def save_figure(figure: Figure, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``figure`` to ``path`` (format from the suffix) atomically."""
    path = Path(path)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=dpi, format=path.suffix.lstrip(".") or "png")
    return path


def write_run_charts(source: RunSource, folder: str | Path, *, dpi: int = 120) -> list[Path]:
    """Save every chart of the run as ``folder/<name>.png``; returns the paths."""
    folder = Path(folder)
    return [
        save_figure(figure, folder / f"{spec.name}.png", dpi=dpi)
        for spec, figure in draw_run_charts(source)
    ]
