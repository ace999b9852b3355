"""The folder of ``hubsim backtest --out``: ``backtest.csv``, ``backtest.json``,
``backtest.png`` and ``backtest.html`` (the report's style, the chart embedded).

Each file is written to a temporary name beside its target and renamed into place
(:func:`network.files.atomic_path`), as ``hubsim run --out`` writes its files: an interrupted
write never leaves a half-written file.

The page and the chart are written in the current language (:mod:`sim.i18n`); the CSV and
JSON files are data and stay English.
"""

from __future__ import annotations

import io
import json
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from network.files import atomic_path
from sim.backtest.formats import (
    CONVENTIONS,
    format_band,
    format_quantity,
    format_with_ci,
    kpi_words,
    period_words,
    place_words,
    role_words,
)
from sim.backtest.results import ROLES, Backtest
from sim.i18n import N_, chart_fonts, current_language, localise, tr
from sim.report.html import Column, definition_list, document, image, paragraph, section, table
from sim.report.run_report import HTML_LANGUAGES
from sim.viz.backtest import backtest_chart

__all__ = ["FILES", "backtest_frame", "backtest_html", "write_backtest"]

#: What ``--out`` writes.
FILES = ("backtest.csv", "backtest.json", "backtest.png", "backtest.html")

#: How the split of the rows is explained wherever the result is shown.
SPLIT = N_(
    "Calibration rows are the figures a parameter of the calibration scenarios is set from "
    "(the row's note says which); validation rows were never used to set anything, so they "
    "show whether the calibrated model carries over to other figures, places and years. A "
    "validation row outside its band is reported, not tuned away."
)


def backtest_frame(result: Backtest) -> pd.DataFrame:
    """One row per observation, every field of the JSON rows flattened
    (``predicted_mean``, ``predicted_ci95_low``, ``predicted_ci95_high``,
    ``predicted_values`` joined by ``;``, ``warnings`` joined by `` | ``)."""
    records = []
    for row in result.rows:
        document = row.to_json()
        predicted = document.pop("predicted") or {}
        values = predicted.get("values") or []
        record: dict[str, Any] = {}
        for key, value in document.items():
            if key == "warnings":
                record[key] = " | ".join(value)
                continue
            record[key] = value
            if key == "observed":
                for part in ("mean", "ci95_low", "ci95_high"):
                    record[f"predicted_{part}"] = predicted.get(part)
                record["predicted_values"] = ";".join("" if v is None else repr(v) for v in values)
        records.append(record)
    return pd.DataFrame(records)


def _png(result: Backtest) -> bytes:
    buffer = io.BytesIO()
    with chart_fonts():  # the current language's: a font with Chinese glyphs for Chinese
        backtest_chart(result).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _display(frame: pd.DataFrame, result: Backtest) -> pd.DataFrame:
    """The rows (``frame``: :func:`backtest_frame` of ``result``) with every value formatted
    for reading, in the current language."""
    shown = frame.copy()
    shown["what"] = [kpi_words(k) for k in frame["kpi"]]
    if current_language() != "en":  # the files' English words, for reading
        shown["place_name"] = [place_words(row) for row in result.rows]
        shown["period"] = [period_words(row.observation) for row in result.rows]
        shown["role_text"] = [role_words(role) for role in frame["role"]]
        shown["reason"] = [localise(r) if isinstance(r, str) else r for r in frame["reason"]]
        shown["warnings"] = [" | ".join(localise(w) for w in row.warnings) for row in result.rows]
    else:
        shown["role_text"] = frame["role"]
    shown["observed_text"] = [
        format_quantity(v, u) for v, u in zip(frame["observed"], frame["unit"], strict=True)
    ]
    shown["predicted_text"] = [
        format_with_ci(m, lo, hi, u)
        for m, lo, hi, u in zip(
            frame["predicted_mean"],
            frame["predicted_ci95_low"],
            frame["predicted_ci95_high"],
            frame["unit"],
            strict=True,
        )
    ]
    shown["band"] = [
        format_band(_value(lo), _value(hi), u)
        for lo, hi, u in zip(frame["band_low"], frame["band_high"], frame["unit"], strict=True)
    ]
    shown["inside_text"] = [
        "-" if _value(i) is None else (tr("✔ yes") if i else tr("✘ NO")) for i in frame["inside"]
    ]
    return shown


def _value(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and value != value) else value


#: The page's tables: (column of :func:`_display`, heading), headings translated where shown.
_PREDICTED_COLUMNS = (
    ("id", N_("id")),
    ("place_name", N_("place")),
    ("what", N_("what")),
    ("period", N_("period")),
    ("observed_text", N_("observed")),
    ("predicted_text", N_("predicted mean (95 % CI)")),
    ("band", N_("band")),
    ("inside_text", N_("inside")),
    ("scenario", N_("scenario")),
    ("source", N_("source")),
    ("warnings", N_("warnings")),
)
_NOT_PREDICTED_COLUMNS = (
    ("id", N_("id")),
    ("place_name", N_("place")),
    ("what", N_("what")),
    ("period", N_("period")),
    ("observed_text", N_("observed")),
    ("role_text", N_("role")),
    ("reason", N_("why not predicted")),
)
_NOTES_COLUMNS = (
    ("id", N_("id")),
    ("band_reason", N_("why the band is this wide")),
    ("note", N_("what the figure is")),
)


def _columns(spec: tuple[tuple[str, str], ...]) -> list[Column]:
    return [Column(name, tr(heading)) for name, heading in spec]


def backtest_html(result: Backtest, chart_png: bytes) -> str:
    """The back-test as one self-contained HTML page in the report's style."""
    frame = _display(backtest_frame(result), result)
    predicted = frame[frame["inside"].notna()]
    inside, count = result.counts()
    word = (
        tr("all inside")
        if result.all_inside
        else tr("{outside} of {count} outside", outside=count - inside, count=count)
    )
    css = "verdict-met" if result.all_inside else "verdict-not-met"
    runs = tr("; ").join(
        tr(
            "{file} ({name}; seed {seed}; simulating {years})",
            file=run.file,
            name=run.name,
            seed=run.seed,
            years=", ".join(map(str, run.years)),
        )
        for run in result.scenarios
    )
    title = tr("Each predicted observation as a ratio to its observed value")
    parts = [
        f"<h1>{escape(tr('Back-test: hubsim against published observations'))}</h1>",
        paragraph(
            tr(
                "{n} observations from {table}; {replications} replications of each scenario: "
                "{runs}; run in {wall_s:,.0f} s.",
                n=len(result.rows),
                table=result.observations,
                replications=result.replications,
                runs=runs or tr("none"),
                wall_s=result.wall_s,
            ),
            css="subtitle",
        ),
        f'<div class="verdict {css}"><p><strong class="word">{escape(word)}</strong></p>'
        + paragraph(localise(result.verdict) + tr("."))
        + "</div>",
        section(
            "reading",
            tr("How to read this page"),
            paragraph(tr(SPLIT)),
            definition_list((tr(term), tr(text)) for term, text in CONVENTIONS),
        ),
        section(
            "chart",
            tr("Observed against predicted"),
            image(
                chart_png,
                alt=tr("observed values with their bands and predicted means with 95 % CIs"),
                title=title,
                caption=tr(
                    "Blue bar: the tolerance band; black line: the observed value (1x); marker: "
                    "the predicted mean (circle: calibration, diamond: validation), green inside "
                    "the band, red outside, with its 95 % CI over replications. Values are "
                    "divided by the observed value so that lockages, tonnes and TEU share one "
                    "log axis; the text on the right gives both in their units."
                ),
                anchor="chart-backtest",
            ),
        ),
    ]
    headings = {
        "calibration": N_("Calibration rows: {k} of {n} inside"),
        "validation": N_("Validation rows: {k} of {n} inside"),
    }
    nothing = {
        "calibration": N_("No calibration row was predicted."),
        "validation": N_("No validation row was predicted."),
    }
    for role in ROLES:
        mine = predicted[predicted["role"] == role].assign(
            scenario=lambda f: f["scenario"].str.removesuffix(".yaml")  # narrower columns
        )
        k, n = result.counts(role)
        heading = tr(headings[role], k=k, n=n)
        columns = [
            c
            for c in _columns(_PREDICTED_COLUMNS)
            if c.name != "warnings" or mine["warnings"].any()
        ]
        if n:
            wide = f'<div class="wide">{table(mine, columns)}</div>'  # scrolls, if need be
            parts.append(section(role, heading, wide))
        else:
            parts.append(section(role, heading, paragraph(tr(nothing[role]))))
    missing = frame[frame["inside"].isna()]
    parts.append(
        section(
            "not-predicted",
            tr("Not predicted: {n} rows", n=len(missing)),
            table(missing, _columns(_NOT_PREDICTED_COLUMNS))
            if len(missing)
            else paragraph(tr("Every row was predicted.")),
        )
    )
    parts.append(
        section(
            "notes",
            tr("Bands and notes, row by row"),
            table(frame, _columns(_NOTES_COLUMNS)),
        )
    )
    return document(
        tr("hubsim back-test"), "".join(parts), language=HTML_LANGUAGES[current_language()]
    )


def write_backtest(result: Backtest, out: str | Path) -> list[Path]:
    """Write :data:`FILES` into folder ``out`` (each atomically); returns the paths."""
    out = Path(out)
    frame = backtest_frame(result)
    png = _png(result)
    written = []
    for name in FILES:
        path = out / name
        with atomic_path(path) as temporary:
            if name.endswith(".csv"):
                frame.to_csv(temporary, index=False)
            elif name.endswith(".json"):
                text = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
                temporary.write_text(text, encoding="utf-8")
            elif name.endswith(".png"):
                temporary.write_bytes(png)
            else:
                temporary.write_text(backtest_html(result, png), encoding="utf-8")
        written.append(path)
    return written
