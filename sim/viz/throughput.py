"""Port throughput against the target: by year, by month, by port area and commodity.

Years or months the run counts only in part (a run given in days) are shown as
annualised rates (tonnes x 8,760 / hours counted), so every bar reads against the target in
Mt/yr; such bars are hatched and say so in the legend.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.verdict_text import verdict_word
from sim.i18n import N_, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import commodity_label, port_area_label
from sim.viz.style import (
    PORT_COLOUR,
    TARGET_COLOUR,
    commodity_colour,
    error_bars,
    hours_to_datetimes,
    label_bar_ends,
    new_figure,
    no_data,
)

__all__ = [
    "counted_hours",
    "throughput_breakdown_chart",
    "throughput_chart",
    "throughput_month_chart",
]

_NO_TONNES = N_("no tonnes crossed the quay in the counted period")


def counted_hours(data: RunData, start_h: float, end_h: float) -> float:
    """Hours of ``[start_h, end_h]`` inside the counted window of every replication."""
    ends = [data.end_h(r) for r in range(data.replications)] or [data.model.horizon_h]
    return max(0.0, min(end_h, min(ends)) - max(start_h, data.model.warmup_h))


def _year_hours(data: RunData, year: int) -> tuple[float, float]:
    """(hours counted in ``year``, hours of the whole year)."""
    start, end = data.model.calendar.year_span_h(year)
    return counted_hours(data, start, end), end - start


def _target_line(ax: Axes, data: RunData, *, horizontal: bool = False) -> None:
    target = data.model.target_t / 1e6
    label = tr("target {target:,.0f} Mt/yr ({year})", target=target, year=data.model.target_year)
    if horizontal:
        ax.axvline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.5, label=label)
    else:
        ax.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.5, label=label)


def throughput_chart(source: RunSource) -> Figure:
    """Port throughput per simulated year with its 95 % CI, against the target.

    A year counted whole is its tonnes; a year counted in part (a ``run.horizon_days``
    period; the warm-up before 1 January is never shown) is its annualised rate, hatched.
    Each bar is labelled with its value and, for whole years, the share of replications that
    met the target.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``throughput_port`` and the summary's ``by_year``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["throughput_port"]
    figure, ax = new_figure(8.5, 4.8)
    if table.empty:
        no_data(ax, tr(_NO_TONNES))
        return figure
    met = {int(y): p for y, p in ((b["year"], b["p_target_met"]) for b in _by_year(data))}
    years, means, lows, highs, partial = [], [], [], [], []
    for row in table.sort_values("year").itertuples(index=False):
        counted, whole = _year_hours(data, int(row.year))
        if counted <= 0:
            continue
        factor = 1.0 if counted >= whole - 1e-6 else 8760.0 / counted
        years.append(str(int(row.year)))
        means.append(row.tonnes * factor / 1e6)
        lows.append(row.tonnes_ci95_low * factor / 1e6)
        highs.append(row.tonnes_ci95_high * factor / 1e6)
        partial.append(factor != 1.0)
    mean = np.array(means)
    errors = error_bars(mean, np.array(lows), np.array(highs))
    bars = ax.bar(years, mean, yerr=errors, capsize=5, color=PORT_COLOUR, edgecolor="black")
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set_hatch("//")
            bar.set_facecolor("#9ecae1")
    for x, (value, year) in enumerate(zip(mean, years, strict=True)):
        share = met.get(int(year))
        text = f"{value:,.1f}" + (
            tr("\nmet in {share:.0%}", share=share) if share is not None else ""
        )
        ax.annotate(
            text,
            (x, value),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    _target_line(ax, data)
    handles = [Patch(facecolor=PORT_COLOUR, edgecolor="black", label=tr("calendar year (95 % CI)"))]
    if any(partial):
        handles.append(
            Patch(
                facecolor="#9ecae1",
                edgecolor="black",
                hatch="//",
                label=tr("annualised, part year"),
            )
        )
    handles.append(ax.get_lines()[-1])
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    ax.set_ylim(0, max(float(np.nanmax(highs + means)), data.model.target_t / 1e6) * 1.18)
    ax.set_ylabel(tr("Port throughput (Mt/yr)"))
    ax.set_xlabel(tr("Simulated year"))
    verdict = data.summary.get("verdict", "")
    ax.set_title(
        tr(
            "{name}: port throughput against the target (verdict: {verdict})",
            name=data.name,
            verdict=verdict_word(verdict),
        )
    )
    ax.grid(axis="y", alpha=0.3)
    return figure


def _by_year(data: RunData) -> list[dict[str, float]]:
    return list(data.summary.get("by_year") or [])


def throughput_month_chart(source: RunSource) -> Figure:
    """Monthly port throughput as an annualised rate (Mt/yr) with its 95 % band.

    Reading each month at an annual rate puts seasonality, growth and partial months on the
    same scale as the target. Months counted for less than a week (the end of a warm-up) are
    left out when the run has longer ones.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI table ``throughput_month``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["throughput_month"]
    figure, ax = new_figure(10, 4.6)
    if table.empty:
        no_data(ax, tr(_NO_TONNES))
        return figure
    calendar = data.model.calendar
    rows = []
    for row in table.sort_values(["year", "month"]).itertuples(index=False):
        start = calendar.hour_of(dt.date(int(row.year), int(row.month), 1))
        following = (
            dt.date(int(row.year) + 1, 1, 1)
            if int(row.month) == 12
            else dt.date(int(row.year), int(row.month) + 1, 1)
        )
        end = calendar.hour_of(following)
        counted = counted_hours(data, start, end)
        if counted <= 0:
            continue
        factor = 8760.0 / counted / 1e6
        rows.append(
            (
                start + counted / 2 if start < data.model.warmup_h else (start + end) / 2,
                row.tonnes * factor,
                row.tonnes_ci95_low * factor,
                row.tonnes_ci95_high * factor,
                counted < (end - start) - 1e-6,
                counted,
            )
        )
    frame = pd.DataFrame(rows, columns=["hour", "mean", "low", "high", "partial", "counted_h"])
    # a few hours of a month at an annual rate say little: leave out stubs under a week when
    # the run has longer months to show
    if (frame["counted_h"] >= 168.0).any():
        frame = frame[frame["counted_h"] >= 168.0].reset_index(drop=True)
    when = hours_to_datetimes(data.model.calendar, frame["hour"].to_numpy())
    ax.fill_between(
        when,
        frame["low"],
        frame["high"],
        color=PORT_COLOUR,
        alpha=0.25,
        label=tr("95 % CI"),
        linewidth=0,
    )
    ax.plot(when, frame["mean"], color=PORT_COLOUR, marker="o", label=tr("mean of replications"))
    partial = frame["partial"].to_numpy()
    if partial.any():
        ax.plot(
            when[partial],
            frame["mean"][partial],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            color=PORT_COLOUR,
            label=tr("part month (annualised)"),
        )
    _target_line(ax, data)
    ax.set_ylim(
        0,
        max(float(np.nanmax(frame[["mean", "high"]].to_numpy())), data.model.target_t / 1e6) * 1.15,
    )
    ax.set_ylabel(tr("Port throughput, annualised (Mt/yr)"))
    ax.set_xlabel(tr("Month"))
    ax.set_title(tr("{name}: monthly port throughput at an annual rate", name=data.name))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=9)
    figure.autofmt_xdate()
    return figure


def throughput_breakdown_chart(source: RunSource, *, year: int | None = None) -> Figure:
    """Throughput of one year by port area and by commodity (Mt/yr, 95 % CI).

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI tables ``throughput_port_area`` and ``throughput_commodity``.
    year : int, optional
        Default: the year the verdict compares (the target year, or the last simulated one).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    chosen = int(year if year is not None else data.summary.get("target_year") or 0)
    figure, (left, right) = new_figure(12, 5.2, ncols=2)
    counted, whole = _year_hours(data, chosen)
    if counted <= 0:
        no_data(left, tr("{chosen} is not in the counted period", chosen=chosen))
        no_data(right, "")
        return figure
    factor = (1.0 if counted >= whole - 1e-6 else 8760.0 / counted) / 1e6
    suffix = "" if factor == 1e-6 else tr(" (annualised)")
    for ax, name, key in (
        (left, "throughput_port_area", "port_area"),
        (right, "throughput_commodity", "commodity"),
    ):
        table = data.tables[name]
        table = table[table["year"] == chosen].sort_values("tonnes")
        if table.empty:
            no_data(ax, tr("no throughput in {chosen}", chosen=chosen))
            continue
        mean = table["tonnes"].to_numpy() * factor
        errors = error_bars(
            mean,
            table["tonnes_ci95_low"].to_numpy() * factor,
            table["tonnes_ci95_high"].to_numpy() * factor,
        )
        labels = [
            commodity_label(v) if key == "commodity" else port_area_label(data.model, v)
            for v in table[key]
        ]
        colours = (
            [commodity_colour(c) for c in table[key]]
            if key == "commodity"
            else [PORT_COLOUR] * len(table)
        )
        ax.barh(labels, mean, xerr=errors, capsize=3, color=colours, edgecolor="black")
        label_bar_ends(ax, mean + errors[1], [f"{value:,.1f}" for value in mean], offset_pt=5)
        ax.set_xlabel(
            tr("Port throughput in {chosen}{suffix} (Mt/yr)", chosen=chosen, suffix=suffix)
        )
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlim(0, float(np.nanmax(mean + errors[1])) * 1.25)
    left.set_title(tr("By port area"))
    right.set_title(tr("By commodity"))
    figure.suptitle(
        tr("{name}: where the {chosen} throughput is handled", name=data.name, chosen=chosen)
    )
    return figure
