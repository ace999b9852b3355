"""`hubsim report`: one valid, self-contained HTML file with the verdict first, every chart as
an interactive figure (plotly.js inlined, nothing fetched), tables and assumptions; with
--charts the briefing PNGs beside it, linked; no matplotlib without them; exit 2 for a folder
it cannot read."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report import REPORT_NAME, ReportInputError, write_report
from sim.report.run_report import verdict_sentence
from sim.results.rundata import RunData
from sim.vendor import PLOTLY_JS_VERSION
from sim.viz.charts import RUN_CHARTS


@pytest.fixture(scope="module")
def report(run_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(app, ["report", str(run_folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert REPORT_NAME in result.output
    return out / REPORT_NAME


def test_report_is_valid_html5(report):
    html5lib.HTMLParser(strict=True).parse(report.read_text(encoding="utf-8"))


_FIGURE = re.compile(r'<script type="application/json" id="figure-([a-z0-9_]+)">(.*?)</script>')


def test_verdict_comes_first_then_every_chart_as_a_figure(report, folder_data):
    text = report.read_text(encoding="utf-8")
    verdict = verdict_sentence(folder_data).replace("'", "&#x27;")
    assert verdict in text
    figures = _FIGURE.findall(text)
    assert [name for name, _ in figures] == [spec.name for spec in RUN_CHARTS]
    for name, body in figures:
        figure = json.loads(body.replace("<\\/", "</"))
        assert figure["data"] or figure["layout"]["annotations"], name
    headings = re.findall(r'<figure id="chart-[a-z0-9_]+"><h3>([^<]+)</h3><div class="plot"', text)
    assert headings == [html.escape(spec.title) for spec in RUN_CHARTS]
    assert text.index(verdict) < text.index('<div class="plot"')
    # plotly.js is inlined once, its banner kept; no PNG is drawn or linked without --charts
    assert text.count(f"plotly.js (basic - minified) v{PLOTLY_JS_VERSION}") == 1
    assert "<img" not in text and 'class="png-link"' not in text
    assert not list(report.parent.glob("*.png"))


def test_charts_option_writes_and_links_the_briefing_pngs(run_folder, tmp_path):
    result = CliRunner().invoke(
        app, ["report", str(run_folder), "--out", str(tmp_path), "--charts", "-w", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "charts beside it" in result.output
    text = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    links = re.findall(r'<p class="png-link"><a href="([^"]+)">', text)
    assert links == [f"{spec.name}.png" for spec in RUN_CHARTS]
    for link in links:
        assert (tmp_path / link).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # written again without --charts, the report still links the PNGs of this run
    write_report(run_folder, tmp_path)
    again = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    assert re.findall(r'<p class="png-link"><a href="([^"]+)">', again) == links


def test_the_report_does_not_import_matplotlib(run_folder, tmp_path):
    code = (
        "import sys\n"
        "from sim.report import write_report\n"
        f"write_report({str(run_folder)!r}, {str(tmp_path)!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout
    assert (tmp_path / REPORT_NAME).is_file()


def test_self_contained_tables_and_assumptions(report, folder_data):
    text = report.read_text(encoding="utf-8")
    # scripts are inline (plotly.js, the figures' data, the loader): nothing is fetched
    assert not re.search(r"<(link|iframe)\b", text)
    assert not re.search(r"<script[^>]*\ssrc=", text)
    # outside plotly.js (whose code holds the addresses of its own links, which the report's
    # charts do not show: no logo, no "edit in Chart Studio")
    ours = re.sub(r"<script>\n/\*\*\n\* plotly\.js.*?</script>", "", text, count=1, flags=re.S)
    assert len(ours) < len(text) - 1_000_000
    assert not re.search(r'(src|href)="(https?:|//|file:)', ours)
    for heading in (
        "Port throughput and the verdict by year",
        "Bottlenecks (top 10)",
        "Locks",
        "Bottleneck relief",
        "Landside resources (gates, rail sidings and links, airports)",
    ):
        assert f"<h3>{heading}</h3>" in text
    assert "LOCK_HUAIAN" in text and "one more chamber" in text
    description = html.escape(folder_data.model.scenario["description"].strip())
    assert description in text
    assert "Weather downtime" in text and "8 days/yr" in text
    for note in folder_data.model.notes:
        assert note.split(":")[0] in text


def test_report_of_a_scenario_without_network(minimal, tmp_path):
    from sim.results.output import write_outputs

    write_outputs(minimal, tmp_path / "run", charts=False)
    # --animation is accepted and skipped: there is no network to animate
    result = CliRunner().invoke(app, ["report", str(tmp_path / "run"), "--animation"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "run" / "report" / REPORT_NAME
    assert not (path.parent / "vessels.gif").exists()
    text = path.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(text)
    assert len(_FIGURE.findall(text)) == len(RUN_CHARTS)
    assert "Minimal single berth group" in text


def _copy(run_folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(run_folder, target, ignore=shutil.ignore_patterns("report*"))
    return target


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing folder", "no such folder"),
        ("empty folder", "not a hubsim output folder"),
        ("no model.json", "no model.json"),
        ("bad model.json", "model.json"),
        ("no kpi", "kpi"),
        ("bad parquet", "throughput_port.parquet"),
    ],
)
def test_unreadable_folders_exit_2_naming_the_problem(run_folder, tmp_path, damage, message):
    folder = tmp_path / "nowhere"
    if damage == "empty folder":
        folder.mkdir()
    elif damage != "missing folder":
        folder = _copy(run_folder, tmp_path)
        if damage == "no model.json":
            (folder / "model.json").unlink()
        elif damage == "bad model.json":
            (folder / "model.json").write_text(json.dumps({"format": "x"}))
        elif damage == "no kpi":
            shutil.rmtree(folder / "kpi")
        else:
            (folder / "kpi" / "throughput_port.parquet").write_bytes(b"not parquet")
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    with pytest.raises(ReportInputError):
        write_report(folder)
    assert not (folder / "report" / REPORT_NAME).exists()


def test_folder_and_memory_views_agree(baseline_data, folder_data):
    assert folder_data.summary == json.loads(json.dumps(baseline_data.summary))
    assert set(folder_data.tables) == set(baseline_data.tables)
    assert folder_data.relief is not None and len(folder_data.relief) == 1
    assert isinstance(RunData.from_folder(folder_data.source), RunData)


def test_animation_is_embedded_as_a_gif(folder_data, tmp_path):
    from sim.report.run_report import run_report_html
    from sim.viz import animate_vessels

    gif = animate_vessels(folder_data, tmp_path / "v.gif", hours=1, frames=2, dpi=30).read_bytes()
    text = run_report_html(folder_data, [], animation=gif)
    html5lib.HTMLParser(strict=True).parse(text)
    encoded = re.findall(r'<img src="data:image/gif;base64,([A-Za-z0-9+/=]+)"', text)
    assert [base64.b64decode(e) for e in encoded] == [gif]
    assert text.index("Verdict:") < text.index("data:image/gif")


def test_landside_chart_and_table_are_in_the_report(report):
    text = report.read_text(encoding="utf-8")
    spec = next(spec for spec in RUN_CHARTS if spec.name == "landside")
    figure = text[text.index('<figure id="chart-landside">') :]
    figure = figure[: figure.index("</figure>")]
    assert f"<h3>{spec.title}</h3>" in figure
    assert 'data-figure="figure-landside"' in figure
    assert f"<figcaption>{html.escape(spec.caption)}</figcaption>" in figure
    assert "HA_NEWPORT/gate" in text and "rail link R_SP_03" in text
    assert "Busiest landside resource" in text
    assert "diverted to it (Mt)" in text


def test_the_run_keeps_the_figures_the_report_would_build(run_folder, folder_data, monkeypatch):
    import sim.report.build as build
    from sim.i18n import language
    from sim.report.figures import FIGURES_FILE, run_figures, stored_figures
    from sim.results.manifest import verify_folder

    verify_folder(run_folder)  # figures.json is a file of the run, in its manifest
    assert (run_folder / FIGURES_FILE).is_file()
    stored = stored_figures(run_folder)
    assert stored is not None
    # built in memory by `run --out`, the same JSON as built from the folder's records
    assert json.dumps(stored) == json.dumps(run_figures(folder_data))
    built: list[str] = []

    def count(data):
        built.append(data.source)
        return run_figures(data)

    monkeypatch.setattr(build, "run_figures", count)
    write_report(run_folder, run_folder.parent / "stored_report")
    assert built == []  # the report used them
    with language("zh"):  # other settings: built again, in Chinese
        assert stored_figures(run_folder) is None
        page = write_report(run_folder, run_folder.parent / "stored_report_zh")
    assert built == [str(run_folder)]
    figures = dict(_FIGURE.findall(page.read_text(encoding="utf-8")))
    assert "淮安" in json.loads(figures["throughput_breakdown"])["data"][0]["y"][-1]
