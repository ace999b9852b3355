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
from sim.i18n import N_, chart_fonts
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
            "Port throughput (tonnes across the quay) per simulated year with its 95 % confidence "
            "interval across replications; the dashed line is the target; each bar is labelled "
            "with the share of replications meeting the target (throughput, service criteria, no "
            "overflow). Whole calendar years are counted (the warm-up before 1 January is not); a "
            "run given in days is hatched and shown at its annual rate."
        ),
        throughput_chart,
    ),
    ChartSpec(
        "throughput_month",
        N_("Monthly throughput"),
        N_(
            "Each month's throughput at an annual rate, so seasonality, growth and the target read "
            "on one scale; the band is the 95 % confidence interval."
        ),
        throughput_month_chart,
    ),
    ChartSpec(
        "throughput_breakdown",
        N_("Throughput by port area and commodity"),
        N_("Where the compared year's throughput is handled and what it is."),
        throughput_breakdown_chart,
    ),
    ChartSpec(
        "bottlenecks",
        N_("Ranked bottlenecks"),
        N_(
            "Resources ranked by their effect on the verdict: each bar is the resource's service "
            "criterion as value / limit (past the dashed line it breaks it; hatched: it does in "
            "the 95 % CI), labelled with the criterion, utilisation, mean wait and share of all "
            "vessel time spent waiting for it. A yard is judged by the share of berth time it "
            "holds ships. When bottleneck relief was computed, the right panel shows the "
            "sustainable capacity one more berth or chamber (or 25 % more yard) would add."
        ),
        bottleneck_chart,
    ),
    ChartSpec(
        "utilisation",
        N_("Utilisation by month"),
        N_(
            "Share of each lock's chamber time, each berth group's berth time and each yard's "
            "capacity in use, month by month. Red rows that stay red are where the hub chokes."
        ),
        utilisation_heatmap,
    ),
    ChartSpec(
        "lock_waits",
        N_("Waiting at the locks"),
        N_("Mean and 95th-percentile wait of the ships at each modelled lock (95 % CIs)."),
        lock_wait_chart,
    ),
    ChartSpec(
        "queues",
        N_("Queues and waits over time"),
        N_(
            "Ships waiting and the mean wait of arriving ships per day (per week for runs over a "
            "year) at the locks and berth groups that hold ships longest; peaks follow weather "
            "stoppages, closures and seasonal demand."
        ),
        queue_chart,
    ),
    ChartSpec(
        "turnaround",
        N_("Vessel turnaround"),
        N_(
            "Time from a ship's arrival at the berth area to the end of its handling (berth wait, "
            "handling, yard blocking): all port calls, and by port area."
        ),
        turnaround_chart,
    ),
    ChartSpec(
        "time_space",
        N_("Vessels along the Grand Canal (time-space diagram)"),
        N_(
            "Every ship on the canal near the hub over half a day: km against time. Sloped lines "
            "sail, flat stretches stop: orange while waiting for a lock, dark blue in the chamber, "
            "red at a berth. Horizontal lines mark the locks (solid: modelled) and terminals."
        ),
        time_space_chart,
    ),
    ChartSpec(
        "berth_gantt",
        N_("Berth occupation in a week"),
        N_(
            "Each bar is a ship's stay at a berth of the berth group ships waited longest for, "
            "coloured by commodity; hatched ends are time a full yard held the ship."
        ),
        berth_gantt_chart,
    ),
    ChartSpec(
        "yards",
        N_("Yard occupancy"),
        N_(
            "Fill level of the fullest yards over time; red periods are when a full yard held "
            "unloading ships at the berth."
        ),
        yard_chart,
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
        landside_chart,
    ),
    ChartSpec(
        "gate_hours",
        N_("Gate throughput by hour of day"),
        N_(
            "Mean tonnes the busiest truck gates (and airports) move in each hour of the day over "
            "the counted days; the dashed step is what their opening hours allow with every lane "
            "working. A peak at opening time is cargo that waited for the gate overnight."
        ),
        gate_hours_chart,
    ),
    ChartSpec(
        "modal_co2",
        N_("Modal split and CO2"),
        N_(
            "How port cargo reaches or leaves the quay on land, and the transport work and CO2 of "
            "all cargo delivered, by mode (95 % CIs)."
        ),
        modal_co2_chart,
    ),
    ChartSpec(
        "flow_map",
        N_("Cargo flows and utilisation on the map"),
        N_(
            "Line width is the cargo on each link (Mt/yr, all modes of each cargo's route), colour "
            "its mode; locks and terminals are coloured by utilisation (grey: not modelled)."
        ),
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
    with chart_fonts():  # the current language's (a font with Chinese glyphs for Chinese)
        return [
            save_figure(figure, folder / f"{spec.name}.png", dpi=dpi)
            for spec, figure in draw_run_charts(source)
        ]
