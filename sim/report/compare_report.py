"""The folder of ``hubsim compare --out``: the comparison table, its chart and one HTML page.

:func:`write_comparison` writes everything into a temporary folder beside the target and
moves it into place only when every file is written, so a failed run leaves no half folder
(and an earlier folder of the same name stays as it was).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.verdict_text import headline, verdict_word
from sim.i18n import N_, chart_fonts, current_language, localise, tr
from sim.report.html import Column, document, image, paragraph, section, table
from sim.report.run_report import HTML_LANGUAGES
from sim.runs.compare import _CRITERION_NAMES, DELTAS, Comparison, criterion_column
from sim.viz.compare import comparison_chart

__all__ = ["FILES", "comparison_html", "write_comparison"]

#: What ``--out`` writes.
FILES = (
    "comparison.csv",
    "comparison.parquet",
    "comparison.json",
    "capex_changes.csv",
    "comparison.png",
    "compare.html",
)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _mt(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def _signed(text: str) -> str:
    return text if text.startswith("-") else f"+{text}"


def _with_ci(frame: pd.DataFrame, column: str, fmt: str, scale: float = 1.0) -> list[str]:
    out = []
    for mean, low, high in zip(
        frame[column], frame[f"{column}_ci95_low"], frame[f"{column}_ci95_high"], strict=True
    ):
        if mean != mean:
            out.append("-")
            continue
        text = format(mean / scale, fmt)
        if low == low:
            text += tr(
                " ({low} to {high})", low=format(low / scale, fmt), high=format(high / scale, fmt)
            )
        out.append(text)
    return out


def comparison_html(comparison: Comparison, chart_png: bytes) -> str:
    """The comparison as one self-contained HTML page in the report's style."""
    frame = comparison.table.copy()
    frame["throughput"] = _with_ci(frame, "throughput_t", ",.2f", 1e6)
    frame["cost"] = _with_ci(frame, "cost_cny_per_t", ",.2f")
    frame["co2"] = _with_ci(frame, "co2_kg_per_t", ",.2f")
    formats = {
        "throughput_t": (",.2f", 1e6, N_(" Mt")),
        "cost_cny_per_t": (",.3f", 1.0, N_(" CNY/t")),
        "co2_kg_per_t": (",.3f", 1.0, N_(" kg/t")),
        "p_target_met": (",.0f", 0.01, N_(" pts")),
    }
    for key in DELTAS:
        fmt, scale, unit = formats[key]
        texts = []
        for mean, low, high in zip(
            frame[f"{key}_vs_reference"],
            frame[f"{key}_vs_reference_ci95_low"],
            frame[f"{key}_vs_reference_ci95_high"],
            strict=True,
        ):
            if mean != mean:
                texts.append(tr("reference"))
                continue
            text = _signed(format(mean / scale, fmt)) + tr(unit)
            if low == low:
                lo, hi = _signed(format(low / scale, fmt)), _signed(format(high / scale, fmt))
                text += tr(" ({low} to {high})", low=lo, high=hi)
            texts.append(text)
        frame[f"delta_{key}"] = texts
    frame["bottlenecks"] = [
        " | ".join(
            str(row.get(f"bottleneck_{i}"))
            for i in (1, 2, 3)
            if isinstance(row.get(f"bottleneck_{i}"), str)
        )
        for row in frame.to_dict("records")
    ]
    columns = [
        Column("plan", tr("plan")),
        Column("verdict", tr("verdict"), verdict_word),
        Column("reasons", tr("why (failing or uncertain)"), _reasons_words),
        Column("throughput", tr("throughput Mt (95 % CI)")),
        Column("p_target_met", tr("P(met)"), lambda v: f"{v:.0%}"),
    ]
    if "capacity_t" in frame:
        columns += [
            Column("capacity_t", tr("capacity Mt/yr (quick)"), _mt),
            Column("margin_t", tr("margin Mt/yr"), lambda v: _signed(_mt(v))),
        ]
    columns += [
        Column(criterion_column(name, label), _criterion_heading(name, label))
        for name, _, label in comparison.criteria
    ]
    columns += [
        Column("bottlenecks", tr("top 3 bottlenecks"), _bottleneck_words),
        Column("capex_cny", tr("CAPEX bn CNY"), lambda v: f"{v / 1e9:,.2f}"),
        Column(
            "capex_added_cny", tr("CAPEX added vs reference, M CNY"), lambda v: f"{v / 1e6:+,.0f}"
        ),
        Column("capex_changes", tr("what it adds"), localise),
        Column("cost", tr("cost CNY/t (95 % CI)")),
        Column("co2", tr("CO2 kg/t (95 % CI)")),
        Column("delta_throughput_t", tr("Δ throughput (paired 95 % CI)")),
        Column("delta_cost_cny_per_t", tr("Δ cost/t (paired 95 % CI)")),
        Column("delta_co2_kg_per_t", tr("Δ CO2/t (paired 95 % CI)")),
        Column("delta_p_target_met", tr("Δ P(met) (paired 95 % CI)")),
    ]
    criteria_values = {
        criterion_column(name, label): name for name, _, label in comparison.criteria
    }
    for column in columns:
        name = criteria_values.get(column.name)
        if name is not None:
            column.fmt = _criterion_format(name)
    title = tr("Plans compared: {reference} and what-ifs", reference=comparison.reference.name)
    body = "".join(
        [
            f"<h1>{_escape(title)}</h1>",
            paragraph(
                tr(
                    "Judged year {year}, target {target:,.0f} Mt; {n} replications per plan, seed "
                    "{seed}; compared in {wall_s:,.0f} s.",
                    year=comparison.year,
                    target=comparison.target_t / 1e6,
                    n=comparison.replications,
                    seed=comparison.seed,
                    wall_s=comparison.wall_s,
                ),
                css="subtitle",
            ),
            section(
                "table",
                tr("One row per plan"),
                table(frame, columns),
                paragraph(localise(comparison.paired_note) + tr("."), css="note"),
                paragraph(
                    tr(
                        "CAPEX of a plan: the reference's facilities plus what the plan adds to "
                        "them, facility by facility (a facility's CAPEX is its fixed capex_cny "
                        "plus its unit cost x units; extra berths in a group without a unit cost "
                        "are costed at the group's CAPEX / berths, and the table says so)."
                    )
                ),
            ),
            section(
                "chart",
                tr("Throughput and paired differences"),
                image(
                    chart_png,
                    alt=tr("throughput of each plan and its paired difference from the reference"),
                    title=tr("Throughput against the target, and the paired difference"),
                    caption=tr(
                        "Left: judged-year throughput with its 95 % CI (bar edge: verdict); "
                        "right: throughput minus the reference's with the paired 95 % CI."
                    ),
                    anchor="chart-comparison",
                ),
            ),
            section(
                "verdicts",
                tr("Verdicts in full"),
                "".join(
                    f"<h3>{_escape(plan.name)}</h3>"
                    + paragraph(
                        plan.verdict.headline
                        if current_language() == "en"
                        else headline(plan.verdict.to_json())
                    )
                    for plan in comparison.plans
                ),
            ),
        ]
    )
    return document(
        tr("hubsim comparison {year}", year=comparison.year),
        body,
        language=HTML_LANGUAGES[current_language()],
    )


def _reasons_words(value: Any) -> str:
    """The table's reasons (a list of stored English texts) in the current language."""
    if isinstance(value, list | tuple):
        return tr("; ").join(localise(str(v)) for v in value)
    return localise(str(value))


def _bottleneck_words(value: Any) -> str:
    """The table's top bottlenecks (stored English, joined with `` | ``) in the language."""
    return " | ".join(localise(part) for part in str(value).split(" | "))


def _criterion_heading(name: str, label: str) -> str:
    """``berth occupancy at LABEL`` (the criterion column without its ``criterion:`` head)."""
    english = criterion_column(name, label).split(": ", 1)[1]
    if current_language() == "en":
        return english
    return tr(
        "{criterion} at {where}",
        criterion=tr(_CRITERION_NAMES.get(name, name)),
        where=localise(label),
    )


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _criterion_format(name: str) -> Callable[[Any], str]:
    if name == "berth_waiting_service_ratio":
        return lambda v: f"{v:.2f}"
    if name == "mean_lock_wait_h":
        return lambda v: f"{v:.1f} h"
    return lambda v: f"{v:.1%}"


def write_comparison(comparison: Comparison, out: str | Path) -> Path:
    """Write ``comparison.csv``/``.parquet``/``.json``, ``capex_changes.csv``,
    ``comparison.png`` and ``compare.html`` into folder ``out``, all or nothing.

    Returns
    -------
    Path
        The folder written.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        comparison.table.to_csv(staging / "comparison.csv", index=False)
        comparison.table.to_parquet(staging / "comparison.parquet", index=False)
        (staging / "comparison.json").write_text(
            json.dumps(comparison.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        changes = pd.concat(
            [plan.capex_added.assign(plan=plan.name) for plan in comparison.plans[1:]],
            ignore_index=True,
        )
        changes.to_csv(staging / "capex_changes.csv", index=False)
        with chart_fonts():
            chart = _png(
                comparison_chart(
                    comparison.table, target_t=comparison.target_t, year=comparison.year
                )
            )
        (staging / "comparison.png").write_bytes(chart)
        (staging / "compare.html").write_text(comparison_html(comparison, chart), encoding="utf-8")
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(retired / out.name)
            staging.rename(out)
            shutil.rmtree(retired)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out
