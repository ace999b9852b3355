"""Port throughput against the target: by year, by month, by port area and commodity.

Years or months the run counts only in part (a run given in days) are shown as
annualised rates (tonnes x 8,760 / hours counted), so every bar reads against the target in
Mt/yr; such bars are hatched and say so in the legend.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.verdict_text import verdict_word
from sim.i18n import N_, current_language, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.labels import port_area_label
from sim.viz.style import (
    PORT_COLOUR,
    TARGET_COLOUR,
    ci_note,
    ci_shown,
    error_bars,
    hours_to_datetimes,
    label_bar_ends,
    new_figure,
    no_data,
)
from sim.viz.throughput_data import (
    breakdown_bars,
    by_year,
    counted_hours,
    counted_years,
    monthly_rates,
    mt_text,
    port_years,
    target_notes,
    year_hours,
)

__all__ = [
    "counted_hours",  # re-exported from sim.viz.throughput_data
    "throughput_breakdown_chart",
    "throughput_chart",
    "throughput_month_chart",
]

_NO_TONNES = N_("no tonnes crossed the quay in the counted period")


def _target_line(ax: Axes, data: RunData, *, horizontal: bool = False) -> None:
    target = data.model.target_t / 1e6
    label = tr("target {target:,.0f} Mt/yr ({year})", target=target, year=data.model.target_year)
    if horizontal:
        ax.axvline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.5, label=label)
    else:
        ax.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.5, label=label)


def _year_colours(years: list[int], judged: int) -> dict[int, str]:
    """The judged year in the port colour, the others in lighter blues (older: lighter)."""
    others = [y for y in years if y != judged]
    shades = colormaps["Blues"](np.linspace(0.3, 0.6, max(len(others), 1)))
    out = {y: to_hex(shades[i]) for i, y in enumerate(others)}
    out[judged] = PORT_COLOUR
    return out


def throughput_chart(source: RunSource) -> Figure:
    """Port throughput per simulated year against the target, and by port area and year.

    Left: the port's throughput per counted year with the target line, each bar labelled
    with its value and, for whole years, the share of replications that met the target.
    Right: each port area's throughput, one bar per year (the judged year darkest) and its
    share of the port's. A year counted whole is its tonnes; a year counted in part (a
    ``run.horizon_days`` period; the warm-up before 1 January is never shown) is its
    annualised rate, hatched. The 95 % CIs across replications are drawn when the run has
    enough replications for them to mean something (3); with fewer, the chart says so.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its KPI tables ``throughput_port`` and ``throughput_port_area`` and the
        summary's ``by_year``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    table = data.tables["throughput_port"]
    years = counted_years(data, table) if not table.empty else []
    if not years:
        figure, ax = new_figure(8.5, 3.5)
        no_data(ax, tr(_NO_TONNES))
        ax.set_title(tr("{name}: port throughput against the target", name=data.name))
        return figure
    figure, (ax, area_ax) = new_figure(13.5, 5.6, ncols=2, gridspec_kw={"width_ratios": [1, 1.8]})
    judged = int(data.summary.get("target_year") or years[-1][0])
    if judged not in {y for y, _ in years}:
        judged = years[-1][0]
    colours = _year_colours([y for y, _ in years], judged)
    with_ci = ci_shown(data.replications)
    _port_panel(ax, data, table, years, colours, with_ci=with_ci)
    areas = data.tables.get("throughput_port_area", pd.DataFrame())
    _area_panel(area_ax, data, areas, table, years, judged, colours, with_ci=with_ci)
    verdict = data.summary.get("verdict", "")
    figure.suptitle(
        tr(
            "{name}: port throughput against the target (verdict: {verdict})",
            name=data.name,
            verdict=verdict_word(verdict),
        )
    )
    notes = target_notes(data)
    if notes:  # a figure-level x label: the layout keeps it clear of the legend
        figure.supxlabel("\n".join(notes), fontsize=8.5)
    return figure


def _port_panel(
    ax: Axes,
    data: RunData,
    table: pd.DataFrame,
    years: list[tuple[int, float]],
    colours: dict[int, str],
    *,
    with_ci: bool,
) -> None:
    met = {int(y): p for y, p in ((b["year"], b["p_target_met"]) for b in by_year(data))}
    mean, low, high = port_years(table, years)
    partial = [f != 1.0 for _, f in years]
    x = np.arange(len(years))
    errors = error_bars(mean, low, high) if with_ci else None
    bars = ax.bar(
        x,
        mean,
        yerr=errors,
        capsize=5,
        color=[colours[y] for y, _ in years],
        edgecolor="black",
        width=0.6,
    )
    for bar, (year, _), is_partial in zip(bars, years, partial, strict=True):
        bar.set_gid(f"port:{year}")
        if is_partial:
            bar.set_hatch("//")
    reach = mean + (errors[1] if errors is not None else 0.0)
    for i, (value, (year, _)) in enumerate(zip(mean, years, strict=True)):
        share = met.get(year)
        text = mt_text(value) + (
            tr("\nmet in {share:.0%}*", share=share) if share is not None else ""
        )
        ax.annotate(
            text,
            (i, reach[i]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    target = data.model.target_t / 1e6
    line = ax.axhline(
        target,
        color=TARGET_COLOUR,
        linestyle="--",
        linewidth=1.5,
        label=tr("target {target:,.0f} Mt/yr ({year})", target=target, year=data.model.target_year),
        zorder=3,
    )
    line.set_gid("target")
    ci_text = tr(" (95 % CI)") if with_ci else ""
    handles: list[Artist]
    if len(years) > 1:
        handles = [
            Patch(
                facecolor=colours[y],
                edgecolor="black",
                hatch="//" if f != 1.0 else None,
                label=(tr("{year} annualised", year=y) if f != 1.0 else str(y)) + ci_text,
            )
            for y, f in years
        ]
    else:
        handles = [
            Patch(
                facecolor=PORT_COLOUR,
                edgecolor="black",
                hatch="//" if partial[0] else None,
                label=(tr("annualised, part year") if partial[0] else tr("calendar year"))
                + ci_text,
            )
        ]
    handles.append(line)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=min(len(handles), 3),
        fontsize=8.5,
        frameon=False,
    )
    ax.set_xticks(x, [str(y) for y, _ in years])
    ax.set_xlim(-0.6, len(years) - 0.4)
    top = max(float(np.nanmax(reach)), target)
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel(tr("Port throughput (Mt/yr)"))
    ax.set_title(tr("Port"))
    ax.grid(axis="y", alpha=0.3)


def _area_panel(
    ax: Axes,
    data: RunData,
    areas: pd.DataFrame,
    port: pd.DataFrame,
    years: list[tuple[int, float]],
    judged: int,
    colours: dict[int, str],
    *,
    with_ci: bool,
) -> None:
    if areas.empty:
        no_data(ax, tr("no throughput by port area"))
        return
    factors = dict(years)
    areas = areas[areas["year"].astype(int).isin(list(factors))]
    totals = dict(zip(port["year"].astype(int), port["tonnes"], strict=True))
    order = (
        areas[areas["year"].astype(int) == judged]
        .sort_values(["tonnes", "port_area"], ascending=[False, True])["port_area"]
        .tolist()
    )
    order += sorted(set(areas["port_area"]) - set(order))
    width = 0.8 / len(years)
    x = np.arange(len(order))
    top = 0.0
    for k, (year, factor) in enumerate(years):
        rows = areas[areas["year"].astype(int) == year].set_index("port_area").reindex(order)
        mean = rows["tonnes"].to_numpy(dtype=float) * factor / 1e6
        errors = (
            error_bars(
                mean,
                rows["tonnes_ci95_low"].to_numpy(dtype=float) * factor / 1e6,
                rows["tonnes_ci95_high"].to_numpy(dtype=float) * factor / 1e6,
            )
            if with_ci
            else None
        )
        offset = (k - (len(years) - 1) / 2) * width
        bars = ax.bar(
            x + offset,
            np.nan_to_num(mean),
            width=width * 0.95,
            yerr=errors,
            capsize=2,
            color=colours[year],
            edgecolor="black",
            linewidth=0.6,
            label=str(year) + (tr(" (annualised)") if factor != 1.0 else ""),
        )
        reach = np.nan_to_num(mean) + (np.nan_to_num(errors[1]) if errors is not None else 0.0)
        top = max(top, float(reach.max(initial=0.0)))
        for bar, area in zip(bars, order, strict=True):
            bar.set_gid(f"area:{area}:{year}")
            if factor != 1.0:
                bar.set_hatch("//")
        if year == judged or len(years) <= 2:
            total = totals.get(year, 0.0) * factor / 1e6
            for i, value in enumerate(mean):
                if value == value and value > 0:
                    share = f"\n{value / total:.0%}" if total > 0 and year == judged else ""
                    ax.annotate(
                        f"{mt_text(value)}{share}",
                        (x[i] + offset, reach[i]),
                        xytext=(0, 3),
                        textcoords="offset points",
                        ha="center",
                        va="bottom",
                        fontsize=7.5 if len(years) > 1 else 8.5,
                    )
    ax.set_xticks(x, [port_area_label(data.model, a) for a in order])
    ax.set_ylim(0, top * 1.25 if top > 0 else 1.0)
    pad = max(0.0, (3 - len(order)) / 2)  # one or two areas: bars no wider than for three
    ax.set_xlim(-0.6 - pad, len(order) - 0.4 + pad)
    ax.set_ylabel(tr("Throughput (Mt/yr)"))
    ax.set_title(
        tr("By port area (label: Mt/yr and share of the port in {year})", year=judged)
        if len(years) > 1
        else tr("By port area (label: Mt/yr and share of the port)")
    )
    ax.grid(axis="y", alpha=0.3)


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
    frame = monthly_rates(data)
    when = hours_to_datetimes(data.model.calendar, frame["hour"].to_numpy())
    with_ci = ci_shown(data.replications)
    if with_ci:
        ax.fill_between(
            when,
            frame["low"],
            frame["high"],
            color=PORT_COLOUR,
            alpha=0.25,
            label=tr("95 % CI"),
            linewidth=0,
        )
    else:
        figure.supxlabel(ci_note(data.replications), fontsize=8.5)
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
    shown = frame[["mean", "high"]] if with_ci else frame[["mean"]]
    ax.set_ylim(0, max(float(np.nanmax(shown.to_numpy())), data.model.target_t / 1e6) * 1.15)
    ax.set_ylabel(tr("Port throughput, annualised (Mt/yr)"))
    ax.set_xlabel(tr("Month"))
    ax.set_title(tr("{name}: monthly port throughput at an annual rate", name=data.name))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=9)
    if current_language() != "en":  # matplotlib's default writes 2028-03
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y年%-m月"))
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
    counted, whole = year_hours(data, chosen)
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
        if not ci_shown(data.replications):
            errors = np.zeros_like(errors)
        labels, colours = breakdown_bars(data, key, table[key])
        ax.barh(
            labels,
            mean,
            xerr=errors if ci_shown(data.replications) else None,
            capsize=3,
            color=colours,
            edgecolor="black",
        )
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
        + (tr(" (95 % CI)") if ci_shown(data.replications) else "")
    )
    if not ci_shown(data.replications):
        figure.supxlabel(ci_note(data.replications), fontsize=8.5)
    return figure
