"""`hubsim sweep`, its report and charts, `hubsim backtest` with its page and chart, `validate`
and `network` in Chinese (--lang zh): Chinese words around the data, Chinese names from
name_zh, every glyph in the font; the files they write stay English.

Everything runs on the tiny canal of tests/backtest/canal.py (a network of a few nodes, 59
deterministic days), its places given Chinese names here: a few seconds in one process.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import datasets
from sim.cli import app
from sim.i18n import chart_fonts, language
from sim.sweep.folder import read_sweep_folder
from sim.viz.sweep import SWEEP_CHARTS

sys.path.insert(0, str(Path(__file__).parents[1] / "backtest"))
import canal  # tests/backtest/canal.py: the tiny canal and its observation rows

ROOT = Path(__file__).resolve().parents[2]
_CJK = re.compile("[\u4e00-\u9fff]")
#: Chinese names of the tiny canal's places (the shipped data has its own, from name_zh)
NAMES_ZH = {"LOCK_A": "甲船闸", "T_BIG": "大码头作业区", "T_SMALL": "小码头作业区"}

SWEEP = """\
name: Canal options
description: A faster lock or quicker moves for the tiny canal.
base: canal_here.yaml
levers:
  - id: CANAL
    options:
      - {id: AS_IS, description: as today, cost_cny: 0}
      - id: FAST_LOCK
        description: faster levelling at the lock
        cost_cny: 30_000_000
        overrides:
          locks.LOCK_A.chambers.C1.levelling_min: 20
      - id: QUICK_MOVES
        description: quicker moves in and out of the lock
        cost_cny: 10_000_000
        patch:
          locks: {LOCK_A: {vessel_move_min: 4}}
uncertainties:
  method: list
  parameters:
    - id: BERTHS
      description: berths at the big terminal
      path: terminals.T_BIG.berths.B1.count
      values: [1, 2]
replications: 2
seed: 3
target: {throughput_t: 100_000, year: 2025}
selection: {probability: 0.5, confidence: 0.9, indifference_zone_t: 1000, max_replications: 2}
"""


@pytest.fixture
def no_missing_glyph() -> Iterator[None]:
    """A glyph missing from the font draws a box: matplotlib warns "Glyph ... missing"."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing", category=UserWarning)
        yield


@pytest.fixture(scope="module")
def canal_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny canal's scenarios folder, its network naming three places in Chinese."""
    root = tmp_path_factory.mktemp("canal_zh")
    scenarios = canal.write_canal(root)

    def named(data: dict) -> None:
        canal._canal(data)
        for feature in data["nodes"]["features"]:
            properties = feature["properties"]
            properties["name_zh"] = NAMES_ZH.get(properties["node_id"], "")

    datasets.altered(root / "tiny", named)
    # the sweep's base scenario names its network data by an absolute path
    text = canal.SCENARIO.replace("{data: ../tiny}", f"{{data: {root / 'tiny'}}}")
    (scenarios / "canal_here.yaml").write_text(text, encoding="utf-8")
    (scenarios / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    return scenarios


def _invoke(*args: str) -> object:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing", category=UserWarning)
        return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def zh_sweep(canal_zh: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("sweep_zh") / "sweep"
    result = _invoke(
        "sweep", str(canal_zh / "sweep.yaml"), "-w", "1", "--out", str(out), "--lang", "zh"
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return result.output, out  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def zh_sweep_report(zh_sweep: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    _, folder = zh_sweep
    out = tmp_path_factory.mktemp("sweep_report_zh")
    result = _invoke("report", str(folder), "--out", str(out), "--lang", "zh")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "报告已写入" in result.output  # type: ignore[attr-defined]
    return (out / "report.html").read_text(encoding="utf-8")


def test_sweep_prints_its_table_and_decision_in_chinese(zh_sweep):
    output, _ = zh_sweep
    flat = " ".join(output.split())
    for words in (
        "Canal options：吞吐量（百万吨/年）与目标",
        "达标概率",
        "稳健性",
        "选择：",
        "方法：",
    ):
        assert words in flat, words
    assert "的平均吞吐量最大" in flat and re.search(r"执行 \d+ 次运行", flat)
    for english in ("throughput (Mt/yr) against", "choice:", "procedure:", "runs executed"):
        assert english not in flat, english


def test_the_sweeps_files_stay_english(zh_sweep):
    _, folder = zh_sweep
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert not _CJK.search(json.dumps(summary, ensure_ascii=False))
    assert summary["selection"]["procedure"].startswith("Rinott's two-stage")
    labels = set(pd.read_csv(folder / "comparison.csv")["selection"])
    assert labels <= {"feasible", "infeasible", "undecided"}


def test_chinese_sweep_report_has_chinese_headings_and_no_english_ones(zh_sweep_report):
    html = zh_sweep_report
    assert '<html lang="zh-CN">' in html
    for heading in (
        "方案比较",
        "跨未来情景的稳健性",
        "图表",
        "扫描：决策杠杆、不确定性与设置",
        "基础情景与假设",
    ):
        assert f"<h2>{heading}</h2>" in html, heading
    for heading in (
        "各方案吞吐量",
        "投资与吞吐量",
        "达标概率",
        "未来情景",
        "决策杠杆（基础设施选项及其投资）",
    ):
        assert f"<h3>{heading}</h3>" in html, heading
    for header in ("方案", "达标概率", "95% Wilson 区间", "比基准方案增加（百万吨/年）", "稳健性"):
        assert f"<th>{header}</th>" in html, header
    for english in (
        "Comparison of the options",
        "Robustness across futures",
        "Base scenario and assumptions",
        "Throughput per option",
        "<th>option</th>",
        "P(target met)",
        "Procedure:",
        "Guarantee:",
        "(baseline)",
    ):
        assert english not in html, english
    # the decision's stored sentences in Chinese, the words of the verdict box first
    box = re.search(r'<div class="verdict [^"]+" id="decision">(.*?)</div>', html, re.S)
    assert box is not None
    assert "方法：" in box.group(1) and "保证：" in box.group(1) and "Rinott" in box.group(1)
    assert "variant" not in box.group(1)


def test_chinese_sweep_report_names_the_facilities_a_sweep_changes(zh_sweep_report):
    html = zh_sweep_report
    # a lever's override and patch, and an uncertainty's path, name facilities by id
    assert "甲船闸（LOCK_A）.chambers.C1.levelling_min = 20" in html
    assert "{&quot;locks&quot;: {&quot;甲船闸（LOCK_A）&quot;" in html
    assert "terminals.大码头作业区（T_BIG）.berths.B1.count" in html
    # variant ids and the planner's descriptions stay as written
    assert "<td>FAST_LOCK</td>" in html and "faster levelling at the lock" in html


def test_english_sweep_report_of_the_same_folder_has_no_chinese(zh_sweep, tmp_path):
    _, folder = zh_sweep
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not _CJK.search(html)
    assert "locks.LOCK_A.chambers.C1.levelling_min = 20" in html
    assert "<h2>Comparison of the options</h2>" in html


def test_sweep_charts_draw_every_glyph_in_chinese(zh_sweep, no_missing_glyph):
    _, folder = zh_sweep
    decision = read_sweep_folder(folder).decision
    with language("zh"), chart_fonts() as family:
        assert family is not None
        for spec in SWEEP_CHARTS:
            figure = spec.draw(decision)
            figure.canvas.draw()  # lays out (and so shapes) every text
            texts = " ".join(t.get_text() for t in figure.findobj(match=_has_text))
            assert _CJK.search(texts), spec.name
            assert "Mt/yr" not in texts and "baseline" not in texts, spec.name


def _has_text(artist: object) -> bool:
    return hasattr(artist, "get_text") and bool(artist.get_text())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def observations(canal_zh: Path) -> Path:
    row = canal.row
    rows = [
        row(id="OBS_LOCKAGES_JAN"),
        row(id="OBS_OUTSIDE", value=40, band_low=36, band_high=44, role="validation"),
        row(id="OBS_TEU_JAN", kpi="port_teu", place="PORT", value=500),
        row(id="OBS_CANAL", kpi="canal_cargo_carried_t", place="SUBEI_CANAL", value=15e3),
        row(id="OBS_SUBEI_LOCKAGES", place="SUBEI_CANAL"),
    ]
    return canal.write_table(canal_zh.parent / "observations.csv", rows)


@pytest.fixture(scope="module")
def zh_backtest(canal_zh: Path, observations: Path, tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("backtest_zh")
    result = _invoke(
        "backtest",
        "--observations",
        str(observations),
        "--scenarios",
        str(canal_zh),
        "--scenario",
        "canal",
        "-n",
        "2",
        "-w",
        "1",
        "--out",
        str(out),
        "--lang",
        "zh",
    )
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]  # one row outside
    return result.output, out  # type: ignore[attr-defined]


def test_backtest_prints_in_chinese(zh_backtest):
    output, _ = zh_backtest
    flat = " ".join(output.split())
    for words in (
        "回测：观测值与预测值（每个情景 2 次重复运行）",
        "编号",
        "在带内",
        "甲船闸",  # LOCK_A's name_zh
        "苏北运河",  # the back-test's own group of locks
        "淮安港",
        "2025年1月",
        "标定",
        "验证",
        "未预测（1）：",
        "4 个已预测的观测值中 3 个在容差带内（标定 3 个中 3 个，验证 1 个中 0 个）；1 个未预测",
        "没有模拟 LOCK_SHIQIAO",
        "已写入",
    ):
        assert words in flat, words
    for english in (
        "Back-test:",
        "inside their bands",
        "Not predicted",
        "calibration",
        "written to",
    ):
        assert english not in flat, english


def test_backtest_page_and_chart_in_chinese_and_its_files_in_english(zh_backtest):
    _, out = zh_backtest
    page = (out / "backtest.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for words in (
        "回测：hubsim 与公开观测数据对照",
        "如何阅读本页",
        "标定行：3 个中 3 个在带内",
        "未预测：1 行",
        "✘ 否",
    ):
        assert words in page, words
    for english in ("How to read this page", "Calibration rows", "Not predicted:", "✘ NO"):
        assert english not in page, english
    document = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert document["verdict"].startswith("3 of 4 predicted observations inside their bands")
    assert not _CJK.search(json.dumps(document["verdict"], ensure_ascii=False))
    frame = pd.read_csv(out / "backtest.csv")
    assert frame.set_index("id").loc["OBS_SUBEI_LOCKAGES", "reason"].startswith("LOCK_SHIQIAO")


def test_backtest_chart_draws_every_glyph_in_chinese(canal_zh, observations, no_missing_glyph):
    from sim.backtest import load_observations, plan_backtest, run_backtest
    from sim.viz.backtest import backtest_chart

    plan = plan_backtest(
        load_observations(observations), table=observations, scenarios=canal_zh, only=["canal"]
    )
    result = run_backtest(plan, replications=1)
    with language("zh"), chart_fonts():
        figure = backtest_chart(result)
        figure.canvas.draw()
    texts = " ".join(t.get_text() for t in figure.findobj(match=_has_text))
    for words in ("回测：", "甲船闸：过闸次数", "容差带", "标定均值", "数值 / 观测值"):
        assert words in texts, words
    assert "predicted" not in texts and "lockages" not in texts


LATE = f"""\
extends: {ROOT / "scenarios" / "minimal_single_berth.yaml"}
terminals:
  QUAY:
    berths:
      - {{id: B9, count: 1, max_vessel_dwt_t: 2000, commodities: [COAL], commissioning: 2031-01-01}}
target: {{throughput_t: 5, year: 2025}}
"""


def test_validate_prints_its_summary_and_warnings_in_chinese(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(LATE, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    for words in (
        "规划：1 个作业区，2 个泊位组（3 个泊位）",
        "目标：2025年 0.0 百万吨",
        "运行：自2025年起 365 天（此前 30 天预热期不计入）",
        "警告： 泊位组 QUAY/B9 于2031年1月1日投入使用，晚于模拟期结束（2025年12月31日）",
        "警告： target.throughput_t 为 5 吨：是否应为 5 百万吨（5_000_000）？",
    ):
        assert words in flat, words
    for english in ("plan:", "warning:", "enters service", "did you mean"):
        assert english not in flat, english


def test_validate_reports_bad_input_in_english(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(LATE.replace("count: 1", "count: 0"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", "zh"])
    assert result.exit_code == 2
    assert "berths" in result.output and "count" in result.output
    assert "Traceback" not in result.output


def test_network_summary_in_chinese():
    result = CliRunner().invoke(app, ["network", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    for words in (
        "网络",
        "运输方式",
        "内河水运",
        "铁路",
        "地点：",
        "船闸 12",
        "作业区 8",
        "个节点",
    ):
        assert words in result.output, words
    assert "places:" not in result.output and "water " not in result.output


def test_network_map_in_chinese(tmp_path, monkeypatch, no_missing_glyph):
    import network
    from sim.cli import _network_map_words

    drawn = {}
    plot = network.plot_network

    def keep(data, **options):  # the figure write_map saves, to read its texts
        drawn["figure"] = figure = plot(data, **options)
        return figure

    monkeypatch.setattr("network.export.plot_network", keep)
    result = _invoke("network", "--map", str(tmp_path / "map.png"), "--lang", "zh")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "地图已写入" in result.output  # type: ignore[attr-defined]
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    found = drawn["figure"].findobj(match=_has_text)
    texts = {str(t.get_gid()): t.get_text() for t in found if t.get_gid()}
    assert texts["lock:LOCK_HUAIAN"] == "淮安船闸" and texts["gateway:GW_LIANYUNGANG"] == "连云港港"
    assert texts["lake:Hongze Lake"] == "洪泽湖"
    words = " ".join(t.get_text() for t in found)
    for chinese in ("淮安枢纽：港区与大运河船闸", "经度", "内河水运", "作业区", "底图："):
        assert chinese in words, chinese
    assert "Region:" not in words and "Inland waterway" not in words
    # English: the map as it always was
    with language("en"):
        english = _network_map_words(network.read_dataset())
    assert english["words"]("Terminal") == "Terminal"


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "scenarios/minimal_single_berth.yaml"],
        ["backtest"],
        ["sweep", "tests/sweep/data/tiny_sweep.yaml"],
        ["network"],
    ],
    ids=["validate", "backtest", "sweep", "network"],
)
def test_a_bad_language_exits_2_before_any_work(command, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, [*command, "--lang", "jp"])
    assert result.exit_code == 2
    assert "--lang: must be en or zh (got 'jp')" in result.output
    assert "Traceback" not in result.output
