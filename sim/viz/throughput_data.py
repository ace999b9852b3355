"""Port throughput as the charts show it, with no matplotlib: which years and months a run
counts, at what annualising factor, and the month-by-month rates (shared by the PNG charts of
:mod:`sim.viz.throughput` and the report's figures of :mod:`sim.report.figures.throughput`).

A year or month the run counts only in part (a run given in days) is shown as an annualised
rate (tonnes x 8,760 / hours counted), so every value reads against the target in Mt/yr.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.i18n import tr
from sim.results.rundata import RunData
from sim.viz.labels import commodity_label, port_area_label
from sim.viz.palette import PORT_COLOUR, ci_note, commodity_colour

__all__ = [
    "breakdown_bars",
    "by_year",
    "counted_hours",
    "counted_years",
    "monthly_rates",
    "mt_text",
    "port_years",
    "target_notes",
    "year_hours",
]


def counted_hours(data: RunData, start_h: float, end_h: float) -> float:
    """Hours of ``[start_h, end_h]`` inside the counted window of every replication."""
    ends = [data.end_h(r) for r in range(data.replications)] or [data.model.horizon_h]
    return max(0.0, min(end_h, min(ends)) - max(start_h, data.model.warmup_h))


def year_hours(data: RunData, year: int) -> tuple[float, float]:
    """(hours counted in ``year``, hours of the whole year)."""
    start, end = data.model.calendar.year_span_h(year)
    return counted_hours(data, start, end), end - start


def mt_text(value: float) -> str:
    """Mt/yr as the charts write them: one decimal, two significant digits below 1 Mt."""
    return f"{value:,.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2g}"


def counted_years(data: RunData, table: pd.DataFrame) -> list[tuple[int, float]]:
    """Years of a throughput table the run counts, with the factor that annualises each
    (1 for a whole year)."""
    out = []
    for year in sorted({int(y) for y in table["year"]}):
        counted, whole = year_hours(data, year)
        if counted > 0:
            out.append((year, 1.0 if counted >= whole - 1e-6 else 8760.0 / counted))
    return out


def by_year(data: RunData) -> list[dict[str, float]]:
    return list(data.summary.get("by_year") or [])


def monthly_rates(data: RunData) -> pd.DataFrame:
    """Each counted month's port throughput at an annual rate (Mt/yr) with its 95 % CI.

    Months counted for less than a week (the end of a warm-up) are left out when the run has
    longer ones: a few hours at an annual rate say little.

    Returns
    -------
    DataFrame
        ``hour`` (the middle of the counted part of the month), ``mean``, ``low``, ``high``
        (Mt/yr), ``partial`` (the month is counted in part) and ``counted_h``.
    """
    table = data.tables["throughput_month"]
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
    return frame


def port_years(
    table: pd.DataFrame, years: list[tuple[int, float]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The port's throughput in each counted year (``counted_years``) at its annual rate,
    Mt/yr: mean, 95 % CI low and high (from the ``throughput_port`` table)."""
    rows = table.set_index(table["year"].astype(int))
    mean = np.array([rows.at[y, "tonnes"] * f / 1e6 for y, f in years])
    low = np.array([rows.at[y, "tonnes_ci95_low"] * f / 1e6 for y, f in years])
    high = np.array([rows.at[y, "tonnes_ci95_high"] * f / 1e6 for y, f in years])
    return mean, low, high


def target_notes(data: RunData) -> list[str]:
    """What the throughput chart says under its panels: how the share of replications meeting
    the target is counted (a run with verdicts by year), and why no CI is drawn (too few
    replications)."""
    notes = []
    if by_year(data):
        notes.append(
            tr(
                "* share of replications meeting the target: throughput at or above it, every "
                "service criterion holding and no queue overflowing"
            )
        )
    if ci_note(data.replications):
        notes.append(ci_note(data.replications))
    return notes


def breakdown_bars(data: RunData, key: str, values: pd.Series) -> tuple[list[str], list[str]]:
    """Names and colours of the bars of a throughput breakdown by ``key``: commodities in
    their colours, port areas in the port's."""
    if key == "commodity":
        return [commodity_label(v) for v in values], [commodity_colour(c) for c in values]
    return [port_area_label(data.model, v) for v in values], [PORT_COLOUR] * len(values)
