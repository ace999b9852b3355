"""Queues and waits over time at locks and berths, and the distribution of turnaround times."""

from __future__ import annotations

from typing import Literal

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.i18n import N_, tr
from sim.results.rundata import RunSource, as_run_data
from sim.viz.labels import port_area_label
from sim.viz.measures import resource_label
from sim.viz.queues_data import (
    QUEUE_COLOURS,
    anchorage_series,
    queue_bin_h,
    queue_resources,
    turnaround_by_area,
    turnaround_calls,
    waiting_series,
    waiting_series_of,
)
from sim.viz.style import PORT_COLOUR, hours_to_datetimes, kind_label, new_figure, no_data

__all__ = ["anchorage_series", "control_chart", "queue_chart", "turnaround_chart", "waiting_series"]


def control_chart(
    without: RunSource, with_control: RunSource, lock: str, *, bin_h: float = 24.0
) -> Figure:
    """Ships waiting at a lock, and at its anchorage, without and with a control process.

    Both runs are of one scenario with the same seed (the same ships); the lines are means over
    the replications per ``bin_h`` hours from the end of the warm-up.
    """
    before, after = as_run_data(without), as_run_data(with_control)
    fig, ax = new_figure(10, 4.2)
    queued = waiting_series(before, "lock", lock, bin_h=bin_h)
    controlled = waiting_series(after, "lock", lock, bin_h=bin_h)
    edges = np.append(controlled["start_h"].to_numpy(), controlled["end_h"].to_numpy()[-1])
    anchored = anchorage_series(after, lock, edges)
    label = resource_label("lock", lock, after)
    for frame, values, colour, text in (
        (queued, queued["queue_vessels"], "#7f7f7f", N_("at the lock, no controller")),
        (
            controlled,
            controlled["queue_vessels"],
            PORT_COLOUR,
            N_("at the lock, with the controller"),
        ),
        (controlled, anchored, "#ff7f0e", N_("at the anchorage, with the controller")),
    ):
        times = hours_to_datetimes(after.model.calendar, frame["start_h"].to_numpy())
        ax.step(times, values, where="post", color=colour, label=tr(text), linewidth=1.4)
    ax.set_ylabel(tr("ships waiting (mean per {bin_h:g} h)", bin_h=bin_h))
    ax.set_title(
        tr("{label}: ships waiting without and with the control process", label=label), loc="left"
    )
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return fig


def queue_chart(source: RunSource, *, top: int = 5, bin_h: float | None = None) -> Figure:
    """Ships waiting and their mean wait over time at the locks and berth groups that hold
    vessels longest.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``bottlenecks`` and its ``passages`` and
        ``vessels`` records.
    top : int
        Number of resources (locks and berth groups ranked by total waiting hours).
    bin_h : float, optional
        Width of the time bins in hours (default: a day, a week for runs over a year).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    ranked = queue_resources(data, top=top)
    figure, (queue_ax, wait_ax) = new_figure(11, 7, nrows=2, sharex=True)
    if ranked.empty:
        no_data(queue_ax, tr("no ship waited at a lock or a berth"))
        no_data(wait_ax, "")
        return figure
    width = queue_bin_h(data, bin_h)
    handles = []
    rows = list(ranked.itertuples(index=False))[: len(QUEUE_COLOURS)]
    every = waiting_series_of(data, [(row.kind, row.resource) for row in rows], bin_h=width)
    for colour, row, series in zip(QUEUE_COLOURS, rows, every, strict=False):
        middle = hours_to_datetimes(
            data.model.calendar, ((series["start_h"] + series["end_h"]) / 2).to_numpy()
        )
        style: Literal["-", "--"] = "-" if row.kind == "lock" else "--"
        label = tr(
            "{kind}: {resource}",
            kind=kind_label(row.kind),
            resource=resource_label(row.kind, row.resource, data),
        )
        queue_ax.plot(middle, series["queue_vessels"], style, color=colour, linewidth=1.4)
        wait_ax.plot(middle, series["mean_wait_h"], style, color=colour, linewidth=1.4)
        handles.append(Line2D([], [], linestyle=style, color=colour, label=label))
    unit = {24.0: tr("day"), 168.0: tr("week")}.get(width, tr("{width:g}-h bin", width=width))
    queue_ax.set_ylabel(tr("Ships waiting (mean per {unit})", unit=unit))
    wait_ax.set_ylabel(tr("Mean wait of arrivals (h, per {unit})", unit=unit))
    wait_ax.set_xlabel(tr("Date"))
    for ax in (queue_ax, wait_ax):
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    queue_ax.legend(handles=handles, loc="upper left", fontsize=8, ncol=2)
    queue_ax.set_title(
        tr("{name}: queues and waits at locks (solid) and berths (dashed)", name=data.name)
    )
    figure.autofmt_xdate()
    return figure


def turnaround_chart(source: RunSource) -> Figure:
    """Distribution of vessel turnaround in port: from arrival at the berth area to the end
    of handling (berth wait + handling + yard blocking), all port calls and by port area.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` records.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    calls = turnaround_calls(data)
    figure, (hist_ax, area_ax) = new_figure(12, 5, ncols=2, gridspec_kw={"width_ratios": [1.3, 1]})
    if calls.empty:
        no_data(hist_ax, tr("no port call completed in the counted period"))
        no_data(area_ax, "")
        return figure
    values = calls["turnaround_h"].to_numpy()
    top = float(np.percentile(values, 99.5))
    hist_ax.hist(np.clip(values, 0, top), bins=60, color=PORT_COLOUR, alpha=0.85, edgecolor="white")
    for statistic, label, style in (
        (float(np.mean(values)), N_("mean"), "-"),
        (float(np.percentile(values, 50)), N_("median"), ":"),
        (float(np.percentile(values, 95)), N_("95th percentile"), "--"),
    ):
        hist_ax.axvline(
            statistic,
            color="black",
            linestyle=style,
            label=tr("{label} {statistic:.1f} h", label=tr(label), statistic=statistic),
        )
    waited = float(np.mean(calls["wait_h"] > 1e-9))
    hist_ax.set_xlabel(
        tr("Turnaround in port (h; values above the 99.5th percentile in the last bin)")
    )
    hist_ax.set_ylabel(tr("Port calls (all replications)"))
    hist_ax.set_title(
        tr(
            "All port calls: {count:,}; {waited:.0%} waited for a berth",
            count=len(values),
            waited=waited,
        )
    )
    hist_ax.legend(fontsize=8)
    hist_ax.grid(alpha=0.3)
    stats = turnaround_by_area(calls)
    y = np.arange(len(stats))
    area_ax.hlines(y, stats["5%"], stats["95%"], color="black", linewidth=1)
    area_ax.hlines(y, stats["25%"], stats["75%"], color=PORT_COLOUR, linewidth=8)
    area_ax.plot(stats["50%"], y, "|", color="white", markersize=10, markeredgewidth=2)
    area_ax.plot(stats["mean"], y, "D", color="black", markersize=4, label=tr("mean"))
    area_ax.set_yticks(y, [port_area_label(data.model, a) for a in stats.index])
    area_ax.set_xlabel(tr("Turnaround (h): 5-95 % line, 25-75 % bar, median tick"))
    area_ax.set_title(tr("By port area"))
    area_ax.legend(fontsize=8, loc="lower right")
    area_ax.grid(axis="x", alpha=0.3)
    figure.suptitle(tr("{name}: vessel turnaround in port", name=data.name))
    return figure
