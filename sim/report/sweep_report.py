"""The HTML report of a sweep: the decision first (the option chosen, or why none is, with the
procedure and its guarantee), then the comparison, robustness across futures, the charts,
the sweep's levers, uncertainties and settings, and the base scenario's assumptions.

Written in the current language (:mod:`sim.i18n`): the decision's stored English sentences
(``summary.json``) through :func:`~sim.i18n.localise`; in Chinese, a facility a lever or an
uncertainty names by id (``LOCK_HUAIAN``) is named in Chinese beside it (淮安船闸（LOCK_HUAIAN）)
where the base scenario's network data has a Chinese name."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import pandas as pd

from sim.i18n import N_, current_language, format_datetime, localise, tr
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
from sim.report.run_report import HTML_LANGUAGES, scenario_assumptions
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
    return tr("{low} to {high}", low=fmt(low), high=fmt(high))


def _cost(cny: Any) -> str:
    return f"{float(cny) / 1e6:,.0f}"


def _place_names(done: SweepFolder) -> dict[str, str]:
    """Facility id -> its Chinese name (a node's ``name_zh``, a link's ``corridor_zh``) in the
    base scenario's network data; none in English, without a network, or when the data cannot
    be read (the report names the facility by id, as the sweep file does)."""
    if current_language() == "en":
        return {}
    base = done.base_scenario or {}
    source = base.get("network", {}) if "network" in base else {}
    if source is None:  # a scenario without network
        return {}
    return _network_names(str(source.get("data") or ""))


@functools.cache
def _network_names(folder: str) -> dict[str, str]:
    import network

    try:
        dataset = network.read_dataset(folder or None)
    except (network.DataError, OSError, ValueError):
        return {}
    names: dict[str, str] = {}
    nodes = dataset.nodes
    if "name_zh" in nodes:
        for node, chinese in zip(nodes["node_id"], nodes["name_zh"], strict=True):
            if isinstance(chinese, str) and chinese:
                names[str(node)] = chinese
    links = dataset.links
    if "corridor_zh" in links:
        for link, chinese in zip(links["link_id"], links["corridor_zh"], strict=True):
            if isinstance(chinese, str) and chinese:
                names.setdefault(str(link), chinese)
    return names


def _place_words(names: dict[str, str]) -> Callable[[Any], str]:
    """How the report writes text that names facilities by id (a scenario path, a patch): as
    it is; in Chinese, each id the data names in Chinese as ``淮安船闸（LOCK_HUAIAN）``."""
    if not names:
        return str
    ids = re.compile(
        r"(?<![A-Za-z0-9_])("
        + "|".join(re.escape(i) for i in sorted(names, key=len, reverse=True))
        + r")(?![A-Za-z0-9_])"
    )

    def words(value: Any) -> str:
        return ids.sub(lambda m: tr("{place} ({id})", place=names[m[1]], id=m[1]), str(value))

    return words


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
    lines = [
        f'<p><strong class="word">{escape(localise(word))}</strong></p>',
        paragraph(localise(statement)),
    ]
    if decision.selection is not None:
        lines.append(
            paragraph(tr("Procedure: {text}.", text=localise(decision.selection.procedure)))
        )
        lines.append(
            paragraph(tr("Guarantee: {text}", text=localise(decision.selection.guarantee)))
        )
        lines.append(
            paragraph(tr("Largest throughput: {text}.", text=localise(decision.best_throughput)))
        )
    failed = int(decision.table["errors"].sum())
    if failed:
        lines.append(
            paragraph(
                tr(
                    "{failed} runs failed and are left out of every statistic (their errors "
                    "are in the store's error column).",
                    failed=failed,
                ),
                css="note",
            )
        )
    return f'<div class="verdict {css}" id="decision">{"".join(lines)}</div>'


def _comparison(done: SweepFolder) -> str:
    decision = done.decision
    frame = decision.table.copy()
    frame["name"] = [
        tr("{variant} (baseline)", variant=v) if b else str(v)
        for v, b in zip(frame["variant"], frame["baseline"], strict=True)
    ]
    frame["runs_text"] = [
        f"{r:.0f}" + (tr(" ({failed:.0f} failed)", failed=e) if e else "")
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
    frame.loc[frame["baseline"], "throughput_vs_baseline_t_ci"] = tr("(the baseline)")
    frame["frontier_text"] = [tr("yes") if f else "" for f in frame["frontier"]]
    probability = decision.probability if decision.probability is not None else 0.5
    parts = [
        table(
            frame,
            [
                Column("name", tr("option")),
                Column("cost_cny", tr("cost (million CNY)"), _cost),
                Column("replications", tr("replications"), ".0f"),
                Column("runs_text", tr("runs")),
                Column("throughput_t", tr("throughput (Mt/yr)"), _mt),
                Column("throughput_t_ci", tr("95 % CI")),
                Column("throughput_vs_baseline_t", tr("gain over baseline (Mt/yr)"), _mt),
                Column("throughput_vs_baseline_t_ci", tr("95 % CI (paired)")),
                Column("p_target_met", tr("P(target met)"), _pct),
                Column("p_target_met_ci", tr("95 % Wilson interval")),
                Column("p_criteria_met", tr("P(service criteria met)"), _pct),
                Column("robustness", tr("robustness"), _pct),
                Column("selection", tr("selection"), _label_words),
                Column("frontier_text", tr("on the frontier")),
            ],
            caption=tr(
                "Throughput: mean over replications of each replication's mean over the "
                "futures (Student t CI). Gain: the difference from the baseline paired by "
                "replication (same random numbers). P(target met): share of all runs, one "
                "replication under one future. Robustness: share of futures in which at least "
                "{probability:.0%} of the replications meet the target.",
                probability=probability,
            ),
        ),
        f"<h3>{escape(tr('Service levels and costs (means over replications)'))}</h3>",
        table(
            frame,
            [
                Column("name", tr("option")),
                Column("berth_waiting_service_ratio_max", tr("worst berth waiting/service"), ".2f"),
                Column("berth_occupancy_max", tr("worst berth occupancy"), _pct),
                Column("lock_mean_wait_h_max", tr("worst mean lock wait (h)"), ".2f"),
                Column("yard_blocking_share", tr("yard blocking share"), ".2%"),
                Column("cost_cny_per_t", tr("transport cost (CNY/t)"), ",.1f"),
                Column("co2_kg_per_t", tr("CO2 (kg/t)"), ",.1f"),
            ],
        ),
    ]
    selection = decision.selection
    if selection is not None and selection.classifications:
        k = len(selection.classifications)
        level = 1 - (1 - selection.confidence) / k
        rows = selection.table()
        rows["met"] = [
            tr("{k} of {n}", k=s, n=t)
            for s, t in zip(rows["successes"], rows["trials"], strict=True)
        ]
        rows["bounds"] = [
            _interval(low, high, _pct) for low, high in zip(rows["low"], rows["high"], strict=True)
        ]
        heading = tr("Selection: feasibility of each option, cheapest first")
        parts += [
            f"<h3>{escape(heading)}</h3>",
            table(
                rows,
                [
                    Column("variant", tr("option")),
                    Column("cost_cny", tr("cost (million CNY)"), _cost),
                    Column("met", tr("runs meeting the target")),
                    Column("bounds", tr("Clopper-Pearson interval at {level:.2%}", level=level)),
                    Column("label", tr("label"), _label_words),
                ],
                caption=tr(
                    "Feasible: the lower bound reaches {probability:.0%}; infeasible: the upper "
                    "bound is below it; else undecided. The level {level:.2%} is 1 - (1 - "
                    "{confidence:.0%}) / {k} (Bonferroni over the {k} options).",
                    probability=selection.probability,
                    level=level,
                    confidence=selection.confidence,
                    k=k,
                ),
            ),
        ]
    return "".join(parts)


#: The selection labels (``comparison.csv`` keeps them in English).
_LABELS = {
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "undecided": N_("undecided"),
}


def _label_words(label: Any) -> str:
    return tr(_LABELS[label]) if label in _LABELS else str(label)


def _value_text(value: Any) -> str:
    """A parameter value in words: lists of items joined, mappings as ``key value``."""
    if isinstance(value, list):
        return tr("; ").join(_value_text(v) for v in value) or tr("none")
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
    futures_named = []
    for sample in met.columns:
        name = tr("future {sample}", sample=sample)
        futures_named.append(name)
        grid[name] = [
            "-" if math.isnan(m) else tr("{share:.0%} ({mt} Mt)", share=m, mt=_mt(t))
            for m, t in zip(met[sample], throughput[sample], strict=True)
        ]
    robustness = dict(
        zip(done.decision.table["variant"], done.decision.table["robustness"], strict=True)
    )
    grid["robustness"] = [robustness.get(v, math.nan) for v in grid["variant"]]
    return "".join(
        [
            f"<h3>{escape(tr('Futures'))}</h3>",
            table(
                futures,
                [Column("sample", tr("future"), ".0f"), *(Column(p, p) for p in parameters)],
                caption=(
                    tr("Every option is run under every future with the same random numbers.")
                    if parameters
                    else tr("The sweep has no uncertainties: one future.")
                ),
            ),
            f"<h3>{escape(tr('Options under each future'))}</h3>",
            table(
                grid,
                [
                    Column("variant", tr("option")),
                    *(Column(c, c) for c in futures_named),
                    Column("robustness", tr("robustness"), _pct),
                ],
                caption=tr(
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
                    changes.append(tr("patch {patch}", patch=_compact(option["patch"])))
                rows.append(
                    {
                        "lever": lever["id"],
                        "option": option["id"],
                        "cost_cny": option["cost_cny"],
                        "description": option.get("description", ""),
                        "changes": tr("; ").join(changes) or tr("none (as the base scenario)"),
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


def _settings_items(
    done: SweepFolder, settings: dict[str, Any], places: Callable[[Any], str]
) -> list[tuple[str, str]]:
    target = settings.get("target")
    selection = settings.get("selection")
    precision = settings.get("precision")
    criteria = settings.get("service_criteria")
    return [
        (tr("Sweep file"), done.file or "-"),
        (tr("Base scenario"), str(settings.get("base", "-"))),
        (
            tr("Overrides for every option"),
            tr("; ").join(
                places(f"{k} = {_compact(v)}") for k, v in (settings.get("overrides") or {}).items()
            )
            or tr("none"),
        ),
        (
            tr("Options"),
            tr(
                "{n} ({combine}: {how}); baseline {baseline}",
                n=len(done.manifest["variants"]),
                combine=settings.get("combine"),
                how=(
                    tr("every combination of lever options")
                    if settings.get("combine") == "product"
                    else tr("the baseline and each other option alone")
                ),
                baseline=done.manifest["baseline"],
            ),
        ),
        (
            tr("Replications"),
            tr(
                "{n} per option and future in the first stage",
                n=settings.get("replications"),
            )
            + (
                tr(", {chunk} per task", chunk=settings["chunk_replications"])
                if settings.get("chunk_replications")
                else ""
            ),
        ),
        (
            tr("Seed"),
            tr(
                "{seed} (common random numbers across options and futures)",
                seed=settings.get("seed"),
            ),
        ),
        (
            tr("Target"),
            (
                tr(
                    "{target} Mt/yr in {year} (set by the sweep)",
                    target=_mt(done.decision.target_t),
                    year=target["year"],
                )
                if target
                else tr("{target} Mt/yr (the base scenario's)", target=_mt(done.decision.target_t))
            ),
        ),
        (
            tr("Service criteria"),
            (
                tr(", ").join(
                    tr("{criterion} {value:g}", criterion=tr(k.replace("_", " ")), value=v)
                    for k, v in criteria.items()
                    if v is not None
                )
                if criteria
                else tr("the base scenario's")
            )
            + (
                tr("; a run meets the target only if they hold")
                if settings.get("require_service_criteria") is not False
                else tr("; reported beside the target, not required")
            ),
        ),
        (
            tr("Precision rule"),
            tr(
                "replicate until the 95 % CI half-width is <= {pct:g} % of the mean throughput, "
                "at most {n} replications",
                pct=precision["half_width_pct"],
                n=precision["max_replications"],
            )
            if precision
            else tr("none"),
        ),
        (
            tr("Selection rule"),
            tr(
                "the cheapest option meeting the target with probability >= {probability:.0%}, "
                "joint confidence {confidence:.0%}, indifference zone {zone:g} Mt/yr, at most "
                "{n} replications",
                probability=selection["probability"],
                confidence=selection["confidence"],
                zone=selection["indifference_zone_t"] / 1e6,
                n=selection["max_replications"],
            )
            if selection
            else tr("none (no option is chosen)"),
        ),
        (tr("Fingerprint"), str(done.manifest.get("fingerprint", "-"))),
    ]


def _heading(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


def _sweep_settings(done: SweepFolder, places: Callable[[Any], str]) -> str:
    settings = done.settings
    variants = table(
        done.variants,
        [
            Column("variant", tr("option")),
            Column("options", tr("lever choices")),
            Column("cost_cny", tr("cost (million CNY)"), _cost),
            Column("description", tr("description")),
        ],
    )
    if settings is None:
        return (
            paragraph(
                tr(
                    "{manifest} was written by an earlier hubsim and does not record the "
                    "sweep's settings; `hubsim sweep FILE --out DIR --resume` records them.",
                    manifest=done.folder / "manifest.json",
                ),
                css="note",
            )
            + _heading(tr("Options"))
            + variants
        )
    parts = []
    if settings.get("description"):
        parts.append(paragraph(str(settings["description"]).strip()))
    parts.append(definition_list(_settings_items(done, settings, places)))
    parts.append(_heading(tr("Levers (infrastructure options and their costs)")))
    parts.append(
        table(
            _levers(settings),
            [
                Column("lever", tr("lever")),
                Column("option", tr("option")),
                Column("cost_cny", tr("cost (million CNY)"), _cost),
                Column("description", tr("description")),
                Column("changes", tr("scenario changes"), places),
            ],
        )
    )
    parts.append(_heading(tr("Options compared")))
    parts.append(variants)
    uncertainties = settings.get("uncertainties")
    parts.append(_heading(tr("Uncertainties")))
    if not uncertainties:
        parts.append(paragraph(tr("None: every option runs under the base scenario's inputs.")))
    else:
        method = uncertainties.get("method")
        samples = uncertainties.get("samples")
        parts.append(
            paragraph(
                tr(
                    "{how} ({n} futures).",
                    how={
                        "latin_hypercube": tr(
                            "{samples} futures by Latin hypercube sampling", samples=samples
                        ),
                        "grid": tr("every combination of the parameters' levels and values"),
                        "list": tr("futures listed value by value"),
                    }.get(str(method), str(method)),
                    n=len(done.manifest["futures"]),
                )
            )
        )
        rows = [
            {
                "id": p.get("id"),
                "description": p.get("description", ""),
                "paths": ", ".join(p.get("paths") or [p.get("path")]),
                "how": tr("multiplies") if p.get("scale") else tr("sets"),
                "range": (
                    tr("{low:g} to {high:g}", low=p["range"][0], high=p["range"][1])
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
                    Column("id", tr("parameter")),
                    Column("description", tr("description")),
                    Column("paths", tr("scenario paths"), places),
                    Column("how", tr("how")),
                    Column("range", tr("range or values")),
                ],
            )
        )
    return "".join(parts)


def _base(done: SweepFolder) -> str:
    base = done.base_scenario
    if base is None or done.first_year is None:
        return paragraph(
            tr(
                "The manifest holds no base scenario (written by an earlier hubsim, or the base "
                "scenario is only valid with a lever's changes); see the sweep file's base "
                "scenario {base}.",
                base=(done.settings or {}).get("base", ""),
            ),
            css="note",
        )
    return paragraph(
        tr(
            "The base scenario with the sweep's overrides, before any lever or uncertainty "
            "changes it: what every option shares."
        )
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
    title = tr("hubsim sweep report: {name}", name=done.name)
    headings = {
        "decision": tr("Decision"),
        "comparison": tr("Comparison of the options"),
        "robustness": tr("Robustness across futures"),
        "charts": tr("Charts"),
        "sweep": tr("The sweep: levers, uncertainties, settings"),
        "assumptions": tr("Base scenario and assumptions"),
    }
    contents = [
        ("decision", headings["decision"]),
        ("comparison", headings["comparison"]),
        ("robustness", headings["robustness"]),
        *((f"chart-{spec.name}", tr(spec.title)) for spec, _ in charts),
        ("sweep", headings["sweep"]),
        ("assumptions", headings["assumptions"]),
    ]
    nav = contents_nav(contents)
    figures = chart_figures(charts, translate=tr)
    runs = done.runs
    places = _place_words(_place_names(done))
    generated = format_datetime(dt.datetime.now())
    body = "".join(
        [
            f"<h1>{escape(title)}</h1>",
            paragraph(
                tr(
                    "Generated {generated} by hubsim from {folder}: {options} options under "
                    "{futures} futures, {runs} runs stored ({failed} failed), target {target} "
                    "Mt/yr.",
                    generated=generated,
                    folder=done.folder,
                    options=len(done.manifest["variants"]),
                    futures=len(done.manifest["futures"]),
                    runs=len(runs),
                    failed=int((runs["status"] == "error").sum()),
                    target=_mt(done.decision.target_t),
                ),
                css="subtitle",
            ),
            _decision_box(done),
            nav,
            section("comparison", headings["comparison"], _comparison(done)),
            section("robustness", headings["robustness"], _robustness(done)),
            section("charts", headings["charts"], figures),
            section("sweep", headings["sweep"], _sweep_settings(done, places)),
            section("assumptions", headings["assumptions"], _base(done)),
        ]
    )
    return document(title, body, language=HTML_LANGUAGES[current_language()])
