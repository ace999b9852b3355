"""The report, the charts, the viewer and `hubsim run` in Chinese (--lang zh): Chinese names
from name_zh, Chinese labels, a font with every glyph; English output is not touched."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from typer.testing import CliRunner

import sim.viz.run as viz_run
from sim.cli import app
from sim.i18n import CJKFontWarning, chart_fonts, language
from sim.i18n import fonts as fonts_module
from sim.report import write_report
from sim.results.manifest import verify_folder
from sim.viewer import write_viewer
from sim.viz.run import CHART_INDEX, RUN_CHARTS, chart_settings, render_run_charts

_CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def zh_report(run_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report_zh")
    with warnings.catch_warnings():
        # a glyph missing from the font draws a box: matplotlib warns "Glyph ... missing"
        warnings.filterwarnings("error", message=r"Glyph .* missing", category=UserWarning)
        result = CliRunner().invoke(
            app, ["report", str(run_folder), "--out", str(out), "--lang", "zh"]
        )
    assert result.exit_code == 0, result.output
    assert "报告已写入" in result.output
    return (out / "report.html").read_text(encoding="utf-8")


def test_chinese_report_names_places_from_name_zh(zh_report):
    for name in ("黄码作业区", "淮安船闸", "高良涧船闸", "淮安港新港作业区"):
        assert name in zh_report, name
    assert '<html lang="zh-CN">' in zh_report


def test_chinese_report_has_chinese_labels(zh_report):
    for label in ("结论", "关键数字", "吞吐量与目标", "瓶颈排序", "情景与假设", "百万吨", "未达标"):
        assert label in zh_report, label
    # the verdict's reasons are Chinese, head word and sentence
    reasons = re.search(r'<ul class="reasons">(.*?)</ul>', zh_report, re.S)
    assert reasons is not None
    assert "吞吐量：" in reasons.group(1) and "精度：" in reasons.group(1)
    assert "throughput" not in reasons.group(1) and "replications" not in reasons.group(1)
    assert "Verdict" not in zh_report and "Key figures" not in zh_report
    # rail links by their id and corridor (the English report writes "rail link R_SP_03")
    assert "rail link" not in zh_report and "R_SP_03 淮阴港区铁路专用线" in zh_report


def test_english_report_has_no_chinese(run_folder, tmp_path):
    with language("zh"):  # a Chinese block before does not leak into the English report
        pass
    result = CliRunner().invoke(app, ["report", str(run_folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # outside plotly.js, whose code holds the names of the Chinese calendar's months
    ours = re.sub(r"<script>\n/\*\*\n\* plotly\.js.*?</script>", "", html, count=1, flags=re.S)
    assert len(ours) < len(html) - 1_000_000
    assert not _CJK.search(ours)
    assert '<html lang="en">' in html and "Verdict: " in html


def test_chinese_charts_draw_every_glyph(folder_data):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing", category=UserWarning)
        with language("zh"), chart_fonts() as family:
            assert family == "Noto Sans SC"  # the font pylopdf-fonts-zh-cn ships
            for spec in RUN_CHARTS:
                figure = spec.draw(folder_data)
                figure.canvas.draw()  # lays out (and so shapes) every text
                texts = " ".join(t.get_text() for t in figure.findobj(match=_has_text))
                assert _CJK.search(texts), spec.name


def _has_text(artist: object) -> bool:
    return hasattr(artist, "get_text") and bool(artist.get_text())  # type: ignore[attr-defined]


def test_without_a_cjk_font_charts_warn_and_draw(monkeypatch):
    monkeypatch.setattr(fonts_module, "cjk_font", lambda: None)
    with (
        language("zh"),
        pytest.warns(CJKFontWarning, match="fonts-noto-cjk"),
        chart_fonts() as family,
    ):
        assert family is None
        figure = Figure()
        figure.subplots().set_title("黄码作业区")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the boxes this test is about
            figure.canvas.draw()


def test_chart_workers_draw_in_the_language_of_the_report(folder_data):
    folder = Path(folder_data.source)
    names = ["throughput", "bottlenecks"]  # one drawn here, one by the worker
    english = render_run_charts(folder_data, names=names, workers=1, dpi=30)
    with language("zh"):
        serial = render_run_charts(folder_data, names=names, workers=1, dpi=30)
        shared = render_run_charts(
            folder_data, names=names, workers=2, dpi=30, folder=folder, run_id=verify_folder(folder)
        )
    assert shared == serial
    assert all(serial[name] != english[name] for name in names)


def test_a_chinese_report_never_reuses_english_charts(run_folder, tmp_path, monkeypatch):
    drawn: list[list[str]] = []

    def render(data, *, names=None, **options):
        drawn.append(list(names))
        return render_run_charts(data, names=names, dpi=options["dpi"], workers=1)

    monkeypatch.setattr(viz_run, "render_run_charts", render)  # as the report calls it
    out = tmp_path / "report"
    every = [spec.name for spec in RUN_CHARTS]
    write_report(run_folder, out, dpi=25, charts=True)
    with language("zh"):
        write_report(run_folder, out, dpi=25, charts=True)
        assert json.loads((out / CHART_INDEX).read_text())["settings"] == chart_settings(dpi=25)
        write_report(run_folder, out, dpi=25, charts=True)  # Chinese again: reused
    write_report(run_folder, out, dpi=25, charts=True)
    assert drawn == [every, every, every]
    assert chart_settings(dpi=25)["lang"] == "en"
    assert chart_settings(dpi=25, lang="zh")["lang"] == "zh"


def test_the_chinese_flow_map_names_waterways_lakes_and_port_areas(folder_data):
    from sim.viz import flow_map, throughput_chart

    with language("zh"), chart_fonts():
        figure = flow_map(folder_data)
        areas = throughput_chart(folder_data)
    named = {str(t.get_gid()): t.get_text() for t in figure.findobj(match=_has_text) if t.get_gid()}
    assert named["waterway:Grand Canal (Beijing-Hangzhou)"] == "京杭大运河"
    assert named["lake:Hongze Lake"] == "洪泽湖"
    assert named["gateway:GW_LIANYUNGANG"] == "连云港港"
    assert named["hub-window"] == "淮安枢纽（右图）"
    texts = figure.findobj(match=lambda artist: isinstance(artist, Text))
    assert not any(t.get_fontweight() == "bold" for t in texts)  # the CJK font has none
    ticks = [t.get_text() for ax in areas.axes for t in ax.get_xticklabels()]
    # the Huai'an area, whose one terminal in this plan year is New Port, is named by it
    assert "淮安港新港作业区" in ticks and "黄码作业区" in ticks and "Huaian" not in ticks


def test_english_charts_keep_matplotlibs_font():
    with chart_fonts("en") as family:
        assert family is None


def test_chinese_viewer(run_folder, tmp_path):
    with language("zh"):
        path = write_viewer(run_folder, tmp_path / "viewer.html", days=1)
    html = path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "黄码作业区" in html and "洪泽湖" in html and '"lang":"zh"' in html
    assert "播放" in html and '"i18n":{' in html
    english = write_viewer(run_folder, tmp_path / "viewer_en.html", days=1)
    text = english.read_text(encoding="utf-8")
    assert '"i18n"' not in text and '<html lang="en">' in text


def test_corridors_are_named_from_corridor_zh(run_folder, folder_data, tmp_path):
    from sim.viz.labels import corridor_label

    model = folder_data.model
    assert (model.links["corridor_zh"] != "").all()  # the shipped data names every corridor
    assert corridor_label(model, "Suqian-Huai'an railway") == "Suqian-Huai'an railway"
    assert corridor_label(model, "Yangtze River (Liuwei - Nanjing)", short=True) == "Yangtze River"
    with language("zh"):
        assert corridor_label(model, "Suqian-Huai'an railway") == "宿淮铁路"
        assert corridor_label(model, "Yangtze River (Liuwei - Nanjing)") == "长江（六圩—南京）"
        assert corridor_label(model, "Yangtze River (Liuwei - Nanjing)", short=True) == "长江"
        assert corridor_label(model, "Unknown corridor (note)") == "Unknown corridor (note)"
        html = write_viewer(run_folder, tmp_path / "viewer.html", days=1).read_text("utf-8")
    # the map's corridor labels and the links' hover text in Chinese, in English without --lang
    assert '"text":"京杭大运河"' in html and '"corridor":"宿淮铁路"' in html
    assert '"corridor":"Suqian-Huai\'an railway"' not in html
    english = write_viewer(run_folder, tmp_path / "viewer_en.html", days=1).read_text("utf-8")
    assert '"text":"Grand Canal"' in english and '"corridor":"Suqian-Huai\'an railway"' in english


def test_a_network_without_corridor_zh_keeps_english_corridors(folder_data):
    from dataclasses import replace

    from sim.viz.labels import corridor_label

    model = replace(folder_data.model, links=folder_data.model.links.drop(columns="corridor_zh"))
    with language("zh"):
        assert corridor_label(model, "Suqian-Huai'an railway") == "Suqian-Huai'an railway"


def test_run_prints_the_verdict_in_chinese_and_writes_english_files(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "run",
            "scenarios/minimal_single_berth.yaml",
            "-n",
            "2",
            "--lang",
            "zh",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "结论：未达标" in result.output or "结论：达标" in result.output
    assert "港口吞吐量（百万吨）" in result.output and "主要瓶颈" in result.output
    assert "verdict:" not in result.output
    # the run's files are data, in English whatever the language of the printout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert not _CJK.search(json.dumps(summary, ensure_ascii=False).replace("name_zh", ""))
    assert summary["headline"].startswith(("met:", "not met:", "uncertain:"))
