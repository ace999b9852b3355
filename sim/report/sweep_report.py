"""The HTML report of a sweep: the decision first (the option chosen, or why none is, with the
procedure and its guarantee), then the comparison, robustness across futures, the charts,
the sweep's levers, uncertainties and settings, and the base scenario's assumptions."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from sim.report.html import (
    Column,
    chart_figures,
    contents_nav,
    definition_list,
    document,
    paragraph,
    section,
    table,
)
from sim.report.run_report import scenario_assumptions
from sim.sweep.folder import SweepFolder
from sim.sweep.summary import by_future
from sim.viz.sweep import SweepChart

__all__ = ["sweep_report_html"]


def _mt(tonnes: Any) -> str:
    value = float(tonnes)
    return "-" if math.isnan(value) else f"{value / 1e6:,.2f}"


def _pct(share: Any) -> str:
    value = float(share)
    return "-" if math.isnan(value) else f"{value:.0%}"


def _interval(low: Any, high: Any, fmt: Any) -> str:
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "-"
    return f"{fmt(low)} to {fmt(high)}"


def _cost(cny: Any) -> str:
    return f"{float(cny) / 1e6:,.0f}"


def _decision_box(done: SweepFolder) -> str:
    decision = done.decision
    word, statement = decision.headline()
    css = (
        "verdict-met"
        if decision.selection is not None and decision.selection.chosen is not None
        else "verdict-not-met"
        if word == "none meets the target"
        else "verdict-uncertain"
    )
    lines = [f'<p><strong class="word">{escape(word)}</strong></p>', paragraph(statement)]
    if decision.selection is not None:
        lines.append(paragraph(f"Procedure: {decision.selection.procedure}."))
        lines.append(paragraph(f"Guarantee: {decision.selection.guarantee}"))
        lines.append(paragraph(f"Largest throughput: {decision.best_throughput}."))
    failed = int(decision.table["errors"].sum())
    if failed:
        lines.append(
            paragraph(
                f"{failed} runs failed and are left out of every statistic (their errors are in "
                "the store's error column).",
                css="note",
            )
        )
    return f'<div class="verdict {css}" id="decision">{"".join(lines)}</div>'


def _comparison(done: SweepFolder) -> str:
    decision = done.decision
    frame = decision.table.copy()
    frame["name"] = [
        f"{v} (baseline)" if b else str(v)
        for v, b in zip(frame["variant"], frame["baseline"], strict=True)
    ]
    frame["runs_text"] = [
        f"{r:.0f}" + (f" ({e:.0f} failed)" if e else "")
        for r, e in zip(frame["runs"], frame["errors"], strict=True)
    ]
    for column, fmt in (
        ("throughput_t", _mt),
        ("throughput_vs_baseline_t", _mt),
        ("p_target_met", _pct),
    ):
        frame[f"{column}_ci"] = [
            _interval(low, high, fmt)
            for low, high in zip(
                frame[f"{column}_ci95_low"], frame[f"{column}_ci95_high"], strict=True
            )
        ]
    frame.loc[frame["baseline"], "throughput_vs_baseline_t_ci"] = "(the baseline)"
    frame["frontier_text"] = ["yes" if f else "" for f in frame["frontier"]]
    probability = decision.probability if decision.probability is not None else 0.5
    parts = [
        table(
            frame,
            [
                Column("name", "option"),
                Column("cost_cny", "cost (million CNY)", _cost),
                Column("replications", "replications", ".0f"),
                Column("runs_text", "runs"),
                Column("throughput_t", "throughput (Mt/yr)", _mt),
                Column("throughput_t_ci", "95 % CI"),
                Column("throughput_vs_baseline_t", "gain over baseline (Mt/yr)", _mt),
                Column("throughput_vs_baseline_t_ci", "95 % CI (paired)"),
                Column("p_target_met", "P(target met)", _pct),
                Column("p_target_met_ci", "95 % Wilson interval"),
                Column("p_criteria_met", "P(service criteria met)", _pct),
                Column("robustness", "robustness", _pct),
                Column("selection", "selection"),
                Column("frontier_text", "on the frontier"),
            ],
            caption=(
                "Throughput: mean over replications of each replication's mean over the "
                "futures (Student t CI). Gain: the difference from the baseline paired by "
                "replication (same random numbers). P(target met): share of all runs, one "
                f"replication under one future. Robustness: share of futures in which at least "
                f"{probability:.0%} of the replications meet the target."
            ),
        ),
        "<h3>Service levels and costs (means over replications)</h3>",
        table(
            frame,
            [
                Column("name", "option"),
                Column("berth_waiting_service_ratio_max", "worst berth waiting/service", ".2f"),
                Column("berth_occupancy_max", "worst berth occupancy", _pct),
                Column("lock_mean_wait_h_max", "worst mean lock wait (h)", ".2f"),
                Column("yard_blocking_share", "yard blocking share", ".2%"),
                Column("cost_cny_per_t", "transport cost (CNY/t)", ",.1f"),
                Column("co2_kg_per_t", "CO2 (kg/t)", ",.1f"),
            ],
        ),
    ]
    selection = decision.selection
    if selection is not None and selection.classifications:
        k = len(selection.classifications)
        level = 1 - (1 - selection.confidence) / k
        rows = selection.table()
        rows["met"] = [
            f"{s} of {t}" for s, t in zip(rows["successes"], rows["trials"], strict=True)
        ]
        rows["bounds"] = [
            _interval(low, high, _pct) for low, high in zip(rows["low"], rows["high"], strict=True)
        ]
        parts += [
            "<h3>Selection: feasibility of each option, cheapest first</h3>",
            table(
                rows,
                [
                    Column("variant", "option"),
                    Column("cost_cny", "cost (million CNY)", _cost),
                    Column("met", "runs meeting the target"),
                    Column("bounds", f"Clopper-Pearson interval at {level:.2%}"),
                    Column("label", "label"),
                ],
                caption=(
                    f"Feasible: the lower bound reaches {selection.probability:.0%}; "
                    f"infeasible: the upper bound is below it; else undecided. The level "
                    f"{level:.2%} is 1 - (1 - {selection.confidence:.0%}) / {k} (Bonferroni "
                    f"over the {k} options)."
                ),
            ),
        ]
    return "".join(parts)


def _value_text(value: Any) -> str:
    """A parameter value in words: lists of items joined, mappings as ``key value``."""
    if isinstance(value, list):
        return "; ".join(_value_text(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _parameters(done: SweepFolder) -> list[dict[str, Any]]:
    settings = done.settings or {}
    return list((settings.get("uncertainties") or {}).get("parameters") or [])


def _future_labels(done: SweepFolder) -> pd.DataFrame:
    """The futures with each parameter's value in words (an index into non-numeric values is
    replaced by the value)."""
    futures = done.futures.copy()
    for parameter in _parameters(done):
        name = parameter.get("id")
        values = list(parameter.get("values") or [])
        if name not in futures:
            continue
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        futures[name] = [
            _value_text(float(v)) if numeric else _value_text(values[int(v)]) for v in futures[name]
        ]
    return futures


def _robustness(done: SweepFolder) -> str:
    futures = _future_labels(done)
    parameters = [c for c in futures.columns if c != "sample"]
    order = done.decision.table["variant"].tolist()
    met = by_future(done.runs, "success", order=order)
    throughput = by_future(done.runs, "throughput_t", order=order)
    grid = pd.DataFrame({"variant": met.index})
    for sample in met.columns:
        grid[f"future {sample}"] = [
            "-" if math.isnan(m) else f"{m:.0%} ({_mt(t)} Mt)"
            for m, t in zip(met[sample], throughput[sample], strict=True)
        ]
    robustness = dict(
        zip(done.decision.table["variant"], done.decision.table["robustness"], strict=True)
    )
    grid["robustness"] = [robustness.get(v, math.nan) for v in grid["variant"]]
    return "".join(
        [
            "<h3>Futures</h3>",
            table(
                futures,
                [Column("sample", "future", ".0f"), *(Column(p, p) for p in parameters)],
                caption=(
                    "Every option is run under every future with the same random numbers."
                    if parameters
                    else "The sweep has no uncertainties: one future."
                ),
            ),
            "<h3>Options under each future</h3>",
            table(
                grid,
                [
                    Column("variant", "option"),
                    *(Column(c, c) for c in grid.columns if c.startswith("future ")),
                    Column("robustness", "robustness", _pct),
                ],
                caption=(
                    "Each cell: share of the option's replications meeting the target in that "
                    "future (mean throughput there). An option that meets it in every future "
                    "is robust to the uncertainties sampled."
                ),
            ),
        ]
    )


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _levers(settings: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for lever in settings.get("levers") or []:
        if lever.get("options") is not None:
            for option in lever["options"]:
                changes = [
                    f"{k} = {_compact(v)}" for k, v in (option.get("overrides") or {}).items()
                ]
                if option.get("patch"):
                    changes.append(f"patch {_compact(option['patch'])}")
                rows.append(
                    {
                        "lever": lever["id"],
                        "option": option["id"],
                        "cost_cny": option["cost_cny"],
                        "description": option.get("description", ""),
                        "changes": "; ".join(changes) or "none (as the base scenario)",
                    }
                )
        else:
            grid = lever.get("grid") or {}
            for value, cost in zip(grid.get("values", []), grid.get("cost_cny", []), strict=False):
                rows.append(
                    {
                        "lever": lever["id"],
                        "option": _value_text(value),
                        "cost_cny": cost,
                        "description": lever.get("description", ""),
                        "changes": f"{grid.get('path')} = {_compact(value)}",
                    }
                )
    return pd.DataFrame(rows, columns=["lever", "option", "cost_cny", "description", "changes"])


def _settings_items(done: SweepFolder, settings: dict[str, Any]) -> list[tuple[str, str]]:
    target = settings.get("target")
    selection = settings.get("selection")
    precision = settings.get("precision")
    criteria = settings.get("service_criteria")
    return [
        ("Sweep file", done.file or "-"),
        ("Base scenario", str(settings.get("base", "-"))),
        (
            "Overrides for every option",
            "; ".join(f"{k} = {_compact(v)}" for k, v in (settings.get("overrides") or {}).items())
            or "none",
        ),
        (
            "Options",
            f"{len(done.manifest['variants'])} ({settings.get('combine')}: "
            + (
                "every combination of lever options"
                if settings.get("combine") == "product"
                else "the baseline and each other option alone"
            )
            + f"); baseline {done.manifest['baseline']}",
        ),
        (
            "Replications",
            f"{settings.get('replications')} per option and future in the first stage"
            + (
                f", {settings['chunk_replications']} per task"
                if settings.get("chunk_replications")
                else ""
            ),
        ),
        ("Seed", f"{settings.get('seed')} (common random numbers across options and futures)"),
        (
            "Target",
            f"{_mt(done.decision.target_t)} Mt/yr"
            + (f" in {target['year']} (set by the sweep)" if target else " (the base scenario's)"),
        ),
        (
            "Service criteria",
            (
                ", ".join(
                    f"{k.replace('_', ' ')} {v:g}" for k, v in criteria.items() if v is not None
                )
                if criteria
                else "the base scenario's"
            )
            + (
                "; a run meets the target only if they hold"
                if settings.get("require_service_criteria") is not False
                else "; reported beside the target, not required"
            ),
        ),
        (
            "Precision rule",
            f"replicate until the 95 % CI half-width is <= {precision['half_width_pct']:g} % of "
            f"the mean throughput, at most {precision['max_replications']} replications"
            if precision
            else "none",
        ),
        (
            "Selection rule",
            f"the cheapest option meeting the target with probability >= "
            f"{selection['probability']:.0%}, joint confidence {selection['confidence']:.0%}, "
            f"indifference zone {selection['indifference_zone_t'] / 1e6:g} Mt/yr, at most "
            f"{selection['max_replications']} replications"
            if selection
            else "none (no option is chosen)",
        ),
        ("Fingerprint", str(done.manifest.get("fingerprint", "-"))),
    ]


def _sweep_settings(done: SweepFolder) -> str:
    settings = done.settings
    variants = table(
        done.variants,
        [
            Column("variant", "option"),
            Column("options", "lever choices"),
            Column("cost_cny", "cost (million CNY)", _cost),
            Column("description", "description"),
        ],
    )
    if settings is None:
        return (
            paragraph(
                f"{done.folder / 'manifest.json'} was written by an earlier hubsim and does not "
                "record the sweep's settings; `hubsim sweep FILE --out DIR --resume` records "
                "them.",
                css="note",
            )
            + "<h3>Options</h3>"
            + variants
        )
    parts = []
    if settings.get("description"):
        parts.append(paragraph(str(settings["description"]).strip()))
    parts.append(definition_list(_settings_items(done, settings)))
    parts.append("<h3>Levers (infrastructure options and their costs)</h3>")
    parts.append(
        table(
            _levers(settings),
            [
                Column("lever", "lever"),
                Column("option", "option"),
                Column("cost_cny", "cost (million CNY)", _cost),
                Column("description", "description"),
                Column("changes", "scenario changes"),
            ],
        )
    )
    parts.append("<h3>Options compared</h3>")
    parts.append(variants)
    uncertainties = settings.get("uncertainties")
    parts.append("<h3>Uncertainties</h3>")
    if not uncertainties:
        parts.append(paragraph("None: every option runs under the base scenario's inputs."))
    else:
        method = uncertainties.get("method")
        samples = uncertainties.get("samples")
        parts.append(
            paragraph(
                {
                    "latin_hypercube": f"{samples} futures by Latin hypercube sampling",
                    "grid": "every combination of the parameters' levels and values",
                    "list": "futures listed value by value",
                }.get(str(method), str(method))
                + f" ({len(done.manifest['futures'])} futures)."
            )
        )
        rows = [
            {
                "id": p.get("id"),
                "description": p.get("description", ""),
                "paths": ", ".join(p.get("paths") or [p.get("path")]),
                "how": "multiplies" if p.get("scale") else "sets",
                "range": (
                    f"{p['range'][0]:g} to {p['range'][1]:g}"
                    if p.get("range")
                    else " | ".join(_value_text(v) for v in p.get("values") or [])
                ),
            }
            for p in _parameters(done)
        ]
        parts.append(
            table(
                pd.DataFrame(rows),
                [
                    Column("id", "parameter"),
                    Column("description", "description"),
                    Column("paths", "scenario paths"),
                    Column("how", "how"),
                    Column("range", "range or values"),
                ],
            )
        )
    return "".join(parts)


def _base(done: SweepFolder) -> str:
    base = done.base_scenario
    if base is None or done.first_year is None:
        return paragraph(
            "The manifest holds no base scenario (written by an earlier hubsim, or the base "
            "scenario is only valid with a lever's changes); see the sweep file's base "
            f"scenario {(done.settings or {}).get('base', '')}.",
            css="note",
        )
    return paragraph(
        "The base scenario with the sweep's overrides, before any lever or uncertainty "
        "changes it: what every option shares."
    ) + scenario_assumptions(base, done.first_year)


def sweep_report_html(done: SweepFolder, charts: Sequence[tuple[SweepChart, bytes]]) -> str:
    """The report of a sweep as one HTML document.

    Parameters
    ----------
    done : SweepFolder
        From :func:`sim.sweep.folder.read_sweep_folder`.
    charts : sequence of (SweepChart, PNG bytes)
        Drawn charts, embedded in this order.

    Returns
    -------
    str
    """
    title = f"hubsim sweep report: {done.name}"
    contents = [
        ("decision", "Decision"),
        ("comparison", "Comparison of the options"),
        ("robustness", "Robustness across futures"),
        *((f"chart-{spec.name}", spec.title) for spec, _ in charts),
        ("sweep", "The sweep: levers, uncertainties, settings"),
        ("assumptions", "Base scenario and assumptions"),
    ]
    nav = contents_nav(contents)
    figures = chart_figures(charts)
    runs = done.runs
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = "".join(
        [
            f"<h1>{escape(title)}</h1>",
            paragraph(
                f"Generated {generated} by hubsim from {done.folder}: "
                f"{len(done.manifest['variants'])} options under "
                f"{len(done.manifest['futures'])} futures, {len(runs)} runs stored "
                f"({int((runs['status'] == 'error').sum())} failed), target "
                f"{_mt(done.decision.target_t)} Mt/yr.",
                css="subtitle",
            ),
            _decision_box(done),
            nav,
            section("comparison", "Comparison of the options", _comparison(done)),
            section("robustness", "Robustness across futures", _robustness(done)),
            section("charts", "Charts", figures),
            section("sweep", "The sweep: levers, uncertainties, settings", _sweep_settings(done)),
            section("assumptions", "Base scenario and assumptions", _base(done)),
        ]
    )
    return document(title, body)
