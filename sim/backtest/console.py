"""The back-test as ``hubsim backtest`` prints it: a table of predicted rows, one of rows not
predicted (with the reason) and the verdict, in the current language (:mod:`sim.i18n`)."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from sim.backtest.formats import (
    format_band,
    format_quantity,
    format_with_ci,
    kpi_words,
    period_words,
    place_words,
    role_words,
)
from sim.backtest.results import Backtest
from sim.i18n import N_, localise, tr

__all__ = ["backtest_table", "not_predicted_lines"]

_COLUMNS = (
    N_("kpi"),
    N_("place"),
    N_("period"),
    N_("observed"),
    N_("predicted (95% CI)"),
    N_("band"),
)


def backtest_table(result: Backtest) -> Table:
    """The predicted rows: observed, predicted mean (95 % CI), band, inside, role."""
    predicted = Table(
        title=tr(
            "Back-test: observed against predicted ({replications} replications per scenario)",
            replications=result.replications,
        ),
        title_justify="left",
        caption=tr(
            "inside: the predicted mean lies within the band (an open bound: one-sided); 95% CI "
            "over replications; lockages count lockages with vessels (empty ones are left "
            "out); a group of locks sums its locks; the README and backtest.html (--out) say "
            "how each KPI is counted"
        ),
        caption_justify="left",
    )
    predicted.add_column(tr("id"), no_wrap=True)
    right = ("observed", "predicted (95% CI)")
    for column in _COLUMNS:
        predicted.add_column(
            tr(column), justify="right" if column in right else "left", overflow="fold"
        )
    predicted.add_column(tr("inside"), no_wrap=True)
    predicted.add_column(tr("role"), no_wrap=True)
    for row in result.predicted:
        o, p = row.observation, row.prediction
        assert p is not None
        predicted.add_row(
            o.id,
            kpi_words(o.kpi),
            escape(place_words(row)),
            period_words(o),
            format_quantity(o.value, o.unit),
            format_with_ci(p.mean, p.ci95_low, p.ci95_high, o.unit),
            format_band(o.band_low, o.band_high, o.unit),
            f"[green]{escape(tr('yes'))}[/]" if row.inside else f"[red]{escape(tr('no'))}[/]",
            role_words(o.role),
        )
    return predicted


def not_predicted_lines(result: Backtest) -> list[str]:
    """One line per row not predicted: what it is and why (plain text, no markup)."""
    return [
        tr(
            "{id} ({kpi}, {place}, {period}, {role}): {reason}",
            id=o.id,
            kpi=kpi_words(o.kpi),
            place=place_words(row),
            period=period_words(o),
            role=role_words(o.role),
            reason=localise(row.reason or ""),
        )
        for row in result.not_predicted
        for o in [row.observation]
    ]
