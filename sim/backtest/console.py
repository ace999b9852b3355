"""The back-test as ``hubsim backtest`` prints it: a table of predicted rows, one of rows not
predicted (with the reason) and the verdict."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from sim.backtest.formats import KPI_LABELS, format_band, format_quantity, format_with_ci
from sim.backtest.results import Backtest

__all__ = ["backtest_table", "not_predicted_lines"]


def backtest_table(result: Backtest) -> Table:
    """The predicted rows: observed, predicted mean (95 % CI), band, inside, role."""
    predicted = Table(
        title=f"Back-test: observed against predicted ({result.replications} replications "
        "per scenario)",
        title_justify="left",
        caption="inside: the predicted mean lies within the band (an open bound: one-sided); "
        "95% CI over replications; lockages count lockages with vessels (empty ones are left "
        "out); a group of locks sums its locks; the README and backtest.html (--out) say how "
        "each KPI is counted",
        caption_justify="left",
    )
    predicted.add_column("id", no_wrap=True)
    for column in ("kpi", "place", "period", "observed", "predicted (95% CI)", "band"):
        predicted.add_column(
            column,
            justify="right" if column in ("observed", "predicted (95% CI)") else "left",
            overflow="fold",
        )
    predicted.add_column("inside", no_wrap=True)
    predicted.add_column("role", no_wrap=True)
    for row in result.predicted:
        o, p = row.observation, row.prediction
        assert p is not None
        predicted.add_row(
            o.id,
            KPI_LABELS[o.kpi],
            escape(row.label),
            o.period,
            format_quantity(o.value, o.unit),
            format_with_ci(p.mean, p.ci95_low, p.ci95_high, o.unit),
            format_band(o.band_low, o.band_high, o.unit),
            "[green]yes[/]" if row.inside else "[red]no[/]",
            o.role,
        )
    return predicted


def not_predicted_lines(result: Backtest) -> list[str]:
    """One line per row not predicted: what it is and why (plain text, no markup)."""
    return [
        f"{o.id} ({KPI_LABELS[o.kpi]}, {row.label}, {o.period}, {o.role}): {row.reason}"
        for row in result.not_predicted
        for o in [row.observation]
    ]
