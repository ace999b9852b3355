"""The notebooks run top to bottom with small settings, show their charts, warn about nothing,
are stored without outputs and only call the package (no functions, loops or branches)."""

from __future__ import annotations

import ast
import html
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
#: Three options on the minimal quay, two futures, four replications of 30 days.
TINY_SWEEP = Path(__file__).parent / "sweep" / "data" / "tiny_sweep.yaml"
SMALL = {
    "01_baseline_bottlenecks.ipynb": {
        "REPLICATIONS": 2,
        "HORIZON_DAYS": 20,
        "WARMUP_DAYS": 2,
        "RELIEF_TOP": 1,
        "RELIEF_TOLERANCE": 0.25,
    },
    "02_compare_2028_plans.ipynb": {"REPLICATIONS": 2, "HORIZON_DAYS": 15, "WARMUP_DAYS": 2},
    "03_sweep_analysis.ipynb": {"SWEEP_FILE": str(TINY_SWEEP), "WORKERS": 1},
    "04_control_process.ipynb": {
        "REPLICATIONS": 2,
        "HORIZON_DAYS": 20,
        "WARMUP_DAYS": 2,
        "THRESHOLD": 10,
    },
}


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_issue_notebooks_exist():
    names = {p.name for p in _notebooks()}
    assert {
        "01_baseline_bottlenecks.ipynb",
        "02_compare_2028_plans.ipynb",
        "03_sweep_analysis.ipynb",
        "04_control_process.ipynb",
    } <= names
    assert set(SMALL) == names, "every notebook needs small settings for the test suite"


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_stored_without_outputs_and_only_calls_the_package(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "one parameter cell tagged `parameters`"
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [] and cell.execution_count is None, "stored without outputs"
        tree = ast.parse(cell.source)
        logic = (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.Lambda)
        assert not any(isinstance(node, logic) for node in ast.walk(tree)), cell.source
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [alias.name for alias in node.names]
                )
                assert all(m and m.split(".")[0] == "sim" for m in modules), cell.source


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_executes_top_to_bottom(path, tmp_path, monkeypatch):
    # the kernel inherits the environment: without MPLBACKEND=Agg it uses Jupyter's inline
    # backend, as a planner's notebook does, and figures show as PNG outputs
    monkeypatch.delenv("MPLBACKEND", raising=False)
    book = nbformat.read(path, as_version=4)
    settings = dict(SMALL[path.name])
    if "01_" in path.name:
        settings["OUT"] = str(tmp_path / "run")
    if "03_" in path.name:
        settings["OUT"] = str(tmp_path / "sweep")
    index = next(i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", []))
    injected = "\n".join(f"{name} = {value!r}" for name, value in settings.items())
    book.cells.insert(index + 1, nbformat.v4.new_code_cell(injected))
    NotebookClient(
        book,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    images = 0
    for cell in book.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error"
            text = output.get("text", "") if output.get("name") == "stderr" else ""
            assert "Warning" not in text, text
            images += "image/png" in output.get("data", {})
    expected = sum(
        "viz." in c.source or "charts." in c.source for c in book.cells if c.cell_type == "code"
    )
    assert images >= expected, f"{images} charts shown, {expected} chart cells"
    if "01_" in path.name:
        report = tmp_path / "run" / "report" / "report.html"
        assert "Verdict:" in report.read_text(encoding="utf-8")
        summary = json.loads((tmp_path / "run" / "summary.json").read_text())
        assert summary["replications"] == 2
    if "03_" in path.name:
        summary = json.loads((tmp_path / "sweep" / "summary.json").read_text())
        assert [v["variant"] for v in summary["variants"]] == ["AS_IS", "FASTER", "THIRD_BERTH"]
        report = (tmp_path / "sweep" / "report" / "report.html").read_text(encoding="utf-8")
        assert html.escape(summary["selection"]["statement"]) in report
        assert report.count('<img src="data:image/png;base64,') == 3
        text = "".join(
            o.get("text", "") for c in book.cells for o in c.get("outputs", []) if "text" in o
        )
        assert "24 runs executed, 0 already stored" in text
        assert "Guarantee: With probability >= 90%" in text
