"""The folder of ``hubsim backtest --out``: ``backtest.csv``, ``backtest.json``,
``backtest.png`` and ``backtest.html`` (the report's style, the chart embedded).

Each file is written to a temporary name beside its target and renamed into place
(:func:`network.files.atomic_path`), as ``hubsim run --out`` writes its files: an interrupted
write never leaves a half-written file.
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
    KPI_LABELS,
    format_band,
    format_quantity,
    format_with_ci,
)
from sim.backtest.results import ROLES, Backtest
from sim.report.html import Column, definition_list, document, image, paragraph, section, table
from sim.viz.backtest import backtest_chart

__all__ = ["FILES", "backtest_frame", "backtest_html", "write_backtest"]

#: What ``--out`` writes.
FILES = ("backtest.csv", "backtest.json", "backtest.png", "backtest.html")

#: How the split of the rows is explained wherever the result is shown.
SPLIT = (
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
    backtest_chart(result).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with every value formatted for reading."""
    shown = frame.copy()
    shown["what"] = [KPI_LABELS[k] for k in frame["kpi"]]
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
        "-" if _value(i) is None else ("✔ yes" if i else "✘ NO") for i in frame["inside"]
    ]
    return shown


def _value(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and value != value) else value


_PREDICTED_COLUMNS = [
    Column("id", "id"),
    Column("place_name", "place"),
    Column("what", "what"),
    Column("period", "period"),
    Column("observed_text", "observed"),
    Column("predicted_text", "predicted mean (95 % CI)"),
    Column("band", "band"),
    Column("inside_text", "inside"),
    Column("scenario", "scenario"),
    Column("source", "source"),
    Column("warnings", "warnings"),
]
_NOT_PREDICTED_COLUMNS = [
    Column("id", "id"),
    Column("place_name", "place"),
    Column("what", "what"),
    Column("period", "period"),
    Column("observed_text", "observed"),
    Column("role", "role"),
    Column("reason", "why not predicted"),
]
_NOTES_COLUMNS = [
    Column("id", "id"),
    Column("band_reason", "why the band is this wide"),
    Column("note", "what the figure is"),
]


def backtest_html(result: Backtest, chart_png: bytes) -> str:
    """The back-test as one self-contained HTML page in the report's style."""
    frame = _display(backtest_frame(result))
    predicted = frame[frame["inside"].notna()]
    inside, count = result.counts()
    word = "all inside" if result.all_inside else f"{count - inside} of {count} outside"
    css = "verdict-met" if result.all_inside else "verdict-not-met"
    runs = "; ".join(
        f"{run.file} ({run.name}; seed {run.seed}; simulating {', '.join(map(str, run.years))})"
        for run in result.scenarios
    )
    parts = [
        "<h1>Back-test: hubsim against published observations</h1>",
        paragraph(
            f"{len(result.rows)} observations from {result.observations}; "
            f"{result.replications} replications of each scenario: {runs or 'none'}; "
            f"run in {result.wall_s:,.0f} s.",
            css="subtitle",
        ),
        f'<div class="verdict {css}"><p><strong class="word">{escape(word)}</strong></p>'
        + paragraph(result.verdict + ".")
        + "</div>",
        section(
            "reading",
            "How to read this page",
            paragraph(SPLIT),
            definition_list(CONVENTIONS),
        ),
        section(
            "chart",
            "Observed against predicted",
            image(
                chart_png,
                alt="observed values with their bands and predicted means with 95 % CIs",
                title="Each predicted observation as a ratio to its observed value",
                caption="Blue bar: the tolerance band; black line: the observed value (1x); "
                "marker: the predicted mean (circle: calibration, diamond: validation), green "
                "inside the band, red outside, with its 95 % CI over replications. Values "
                "are divided by the observed value so that lockages, tonnes and TEU share "
                "one log axis; the text on the right gives both in their units.",
                anchor="chart-backtest",
            ),
        ),
    ]
    for role in ROLES:
        mine = predicted[predicted["role"] == role].assign(
            scenario=lambda f: f["scenario"].str.removesuffix(".yaml")  # narrower columns
        )
        k, n = result.counts(role)
        heading = f"{role.capitalize()} rows: {k} of {n} inside"
        columns = [c for c in _PREDICTED_COLUMNS if c.name != "warnings" or mine["warnings"].any()]
        if n:
            wide = f'<div class="wide">{table(mine, columns)}</div>'  # scrolls, if need be
            parts.append(section(role, heading, wide))
        else:
            parts.append(section(role, heading, paragraph(f"No {role} row was predicted.")))
    missing = frame[frame["inside"].isna()]
    parts.append(
        section(
            "not-predicted",
            f"Not predicted: {len(missing)} rows",
            table(missing, _NOT_PREDICTED_COLUMNS)
            if len(missing)
            else paragraph("Every row was predicted."),
        )
    )
    parts.append(section("notes", "Bands and notes, row by row", table(frame, _NOTES_COLUMNS)))
    return document("hubsim back-test", "".join(parts))


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
