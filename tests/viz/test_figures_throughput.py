"""The report's throughput figures: the KPI tables' numbers, the target, CIs only from 3
replications, Chinese names, and a figure that says why when there is nothing to draw."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.i18n import language
from sim.report.figures import build_figure
from sim.report.figures.throughput import _blue
from sim.results.rundata import RunData
from sim.viz.throughput_data import counted_years


def _traces(figure: dict, kind: str | None = None) -> list[dict]:
    return [t for t in figure["data"] if kind is None or t["type"] == kind]


@pytest.mark.parametrize("name", ["throughput", "throughput_month", "throughput_breakdown"])
def test_figures_are_plain_json_with_basic_traces(folder_data: RunData, name: str):
    figure = build_figure(name, folder_data)
    json.dumps(figure, allow_nan=False)
    assert {t["type"] for t in figure["data"]} <= {"scatter", "bar", "pie"}
    assert figure["data"], name


def test_port_bars_are_the_kpi_table_and_the_target_is_drawn(folder_data: RunData):
    figure = build_figure("throughput", folder_data)
    table = folder_data.tables["throughput_port"]
    years = counted_years(folder_data, table)
    port = _traces(figure, "bar")[0]
    rows = table.set_index(table["year"].astype(int))
    expected = [rows.at[y, "tonnes"] * f / 1e6 for y, f in years]
    np.testing.assert_allclose(port["y"], expected, rtol=1e-3)
    # a 20-day run counts part of 2025: annualised, hatched, and said so
    assert years[0][1] > 1.0
    assert port["marker"]["pattern"]["shape"][0] == "/"
    assert "annualised" in port["x"][0]
    target = folder_data.model.target_t / 1e6
    (line,) = figure["layout"]["shapes"]
    assert line["y0"] == line["y1"] == target and line["showlegend"]
    # two replications: no error bars, and the note says why
    assert port["error_y"] == {"visible": False}
    notes = " ".join(a["text"] for a in figure["layout"]["annotations"])
    assert "2 replications" in notes


def test_port_area_bars_add_up_to_the_port(folder_data: RunData):
    figure = build_figure("throughput", folder_data)
    areas = [t for t in _traces(figure, "bar") if t.get("xaxis") == "x2"]
    assert areas
    port = _traces(figure, "bar")[0]
    assert sum(areas[0]["y"]) == pytest.approx(port["y"][0], rel=2e-3)


def test_cis_are_drawn_from_three_replications(folder_data: RunData, monkeypatch):
    monkeypatch.setattr(RunData, "replications", property(lambda self: 3))
    figure = build_figure("throughput", folder_data)
    port = _traces(figure, "bar")[0]
    assert port["error_y"]["type"] == "data"
    table = folder_data.tables["throughput_port"]
    factor = counted_years(folder_data, table)[0][1]
    high = table["tonnes_ci95_high"].iloc[0] * factor / 1e6
    assert port["y"][0] + port["error_y"]["array"][0] == pytest.approx(high, rel=1e-3)
    month = build_figure("throughput_month", folder_data)
    assert any(t.get("fill") == "toself" for t in month["data"])


def test_monthly_rates_and_target_line(folder_data: RunData):
    figure = build_figure("throughput_month", folder_data)
    mean = next(t for t in figure["data"] if t.get("mode") == "lines+markers")
    assert all(y > 0 for y in mean["y"])
    assert mean["x"][0].startswith(str(folder_data.model.calendar.first_year))
    assert figure["layout"]["xaxis"]["type"] == "date"


def test_breakdown_panels_are_the_year_tables(folder_data: RunData):
    figure = build_figure("throughput_breakdown", folder_data)
    by_area, by_commodity = _traces(figure, "bar")
    chosen = int(folder_data.summary["target_year"])
    table = folder_data.tables["throughput_commodity"]
    table = table[table["year"] == chosen]
    # annualised as the port bars: the shares agree whatever the factor
    shares = np.array(by_commodity["x"]) / sum(by_commodity["x"])
    expected = np.sort(table["tonnes"].to_numpy() / table["tonnes"].sum())
    np.testing.assert_allclose(shares, expected, rtol=2e-3, atol=1e-4)
    assert len(by_area["y"]) == len(set(folder_data.tables["throughput_port_area"]["port_area"]))


def test_chinese_names_and_words(folder_data: RunData):
    with language("zh"):
        figure = build_figure("throughput_breakdown", folder_data)
        month = build_figure("throughput_month", folder_data)
    by_area = _traces(figure, "bar")[0]
    assert "淮安" in "".join(by_area["y"])
    assert month["layout"]["xaxis"]["tickformat"] == "%Y-%m"
    words = json.dumps(month, ensure_ascii=False)
    assert "目标" in words and "target" not in words.replace('"target"', "")


def test_no_tonnes_says_so(folder_data: RunData, monkeypatch):
    empty = folder_data.tables["throughput_port"].iloc[0:0]
    monkeypatch.setitem(folder_data.tables, "throughput_port", empty)
    figure = build_figure("throughput", folder_data)
    assert figure["data"] == []
    assert "no tonnes" in figure["layout"]["annotations"][0]["text"]


def test_year_shades_are_matplotlibs_blues():
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    for share in (0.3, 0.45, 0.6):
        assert _blue(share) == to_hex(colormaps["Blues"](share))
