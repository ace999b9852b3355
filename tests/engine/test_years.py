"""Whole calendar years: the warm-up runs before 1 January of the first counted year, at that
year's demand and with the facilities in service on that day; `--year` must be a simulated year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.engine import simulate
from sim.engine.arrivals import draw_arrivals
from sim.model.calendar import Calendar
from sim.model.compile import compile_scenario
from sim.runs.capacity import evaluation_scenario
from sim.runs.run import run
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.years import require_simulated_year

ANNUAL_T = 2_196_000.0  # 6,000 t a day in 2028 (366 days)
SHIP = {"id": "SHIP", "dwt_t": 10_000, "load_factor": 1.0, "load_factor_cv": 0.0}


def liner_quay(**run: Any) -> dict[str, Any]:
    """A quay called four times a day by a liner (deterministic service, no queue)."""
    return {
        "name": "liner quay",
        "network": None,
        "terminals": {
            "QUAY": {
                "berths": [
                    {
                        "id": "B1",
                        "count": 2,
                        "max_vessel_dwt_t": 10_000,
                        "commodities": ["COAL"],
                        "service_h": {"distribution": "deterministic", "value_h": 3.0},
                    }
                ]
            }
        },
        "demand": {
            "base_year": 2026,
            "streams": [
                {
                    "id": "LINER",
                    "commodity": "COAL",
                    "terminal": "QUAY",
                    "annual_t": ANNUAL_T,
                    "from_year": 2028,
                    "arrivals": {
                        "process": "scheduled",
                        "weekly_times_h": [d * 24.0 + h for d in range(7) for h in (1, 7, 13, 19)],
                    },
                    "vessel_mix": {"SHIP": 1},
                }
            ],
        },
        "fleets": {"vessels": [SHIP]},
        "target": {"throughput_t": ANNUAL_T, "year": 2028},
        "run": {"replications": 1, "seed": 1, **run},
    }


def test_the_calendar_starts_the_warm_up_before_1_january():
    calendar = Calendar.build(2028, 40 * 24.0 + 8784.0, 40 * 24.0)
    assert calendar.origin == dt.datetime(2027, 11, 22)
    assert calendar.hour_of(dt.date(2028, 1, 1)) == calendar.warmup_h == 960.0
    assert calendar.hour_of(dt.date(2027, 11, 22)) == 0.0
    assert calendar.year_span_h(2028) == (960.0, 960.0 + 8784.0)
    # the warm-up's months first (November partial, December), then the 12 months of 2028
    assert calendar.month_year.tolist() == [2027, 2027] + [2028] * 12
    assert calendar.month_number.tolist() == [11, 12, *range(1, 13)]
    assert calendar.month_start_h[:3].tolist() == [0.0, 9 * 24.0, 40 * 24.0]
    assert calendar.month_start_h[-1] == calendar.horizon_h
    assert calendar.counted_years() == [2028]
    assert calendar.datetimes(np.array([960.0]))[0] == np.datetime64("2028-01-01T00:00:00")
    # a commissioning on or before 1 January of the first counted year is in effect at hour 0
    assert calendar.in_service_h(dt.date(2028, 1, 1)) == 0.0
    assert calendar.in_service_h(dt.date(2027, 12, 15)) == 0.0
    assert calendar.in_service_h(dt.date(2028, 1, 2)) == 984.0


def test_one_year_run_counts_exactly_the_whole_calendar_year():
    document = liner_quay(start_year=2028, end_year=2028, warmup_days=10)
    result = run(Scenario.model_validate(document))
    model = result.model
    assert model is not None
    assert model.calendar.warmup_h == 10 * 24.0
    assert model.calendar.horizon_h == 10 * 24.0 + 8784.0
    month = result.tables["throughput_month"]
    assert month["year"].tolist() == [2028] * 12
    assert month["month"].tolist() == list(range(1, 13))
    assert result.tables["throughput_port"]["year"].tolist() == [2028]
    verdict = result.verdict
    assert verdict.basis == "calendar year" and verdict.year == 2028
    # calls straddling 1 January (both ends of the year) move at most one payload
    payload = ANNUAL_T / 366 / 4
    assert abs(verdict.throughput_t[0] - ANNUAL_T) <= payload
    # the warm-up ran the first year's demand (the stream starts in 2028, yet is present)
    records = result.records[0]
    v = records.vessels
    warm = v["entry_h"] < model.calendar.warmup_h
    assert warm.sum() == 10 * 4
    assert np.allclose(v["payload_t"][warm], payload)


def test_multi_year_run_reports_every_year_whole():
    document = liner_quay(start_year=2026, end_year=2028, warmup_days=5)
    document["demand"]["streams"][0]["from_year"] = 2026
    document["demand"]["streams"][0]["growth_per_year"] = 0.1
    document["demand"]["streams"][0]["annual_t"] = ANNUAL_T / 1.1**2
    result = run(Scenario.model_validate(document))
    years = result.tables["throughput_port"].set_index("year")["tonnes"]
    assert years.index.tolist() == [2026, 2027, 2028]
    volumes = [ANNUAL_T / 1.1**2, ANNUAL_T / 1.1, ANNUAL_T]
    for year, volume in zip((2026, 2027, 2028), volumes, strict=True):
        assert abs(years[year] - volume) <= volume / 365 / 4 * 1.1  # a payload of its year
    assert [y.year for y in result.verdict.by_year] == [2026, 2027, 2028]
    assert all(y.basis == "calendar year" for y in result.verdict.by_year)
    assert result.verdict.basis == "calendar year"


def test_warm_up_runs_the_first_years_demand_with_its_seasonality():
    document = liner_quay(start_year=2028, end_year=2028, warmup_days=61)  # from 1 November
    stream = document["demand"]["streams"][0]
    stream["arrivals"] = {"process": "poisson"}
    stream["annual_t"] = 10 * ANNUAL_T  # in 2027
    stream["from_year"] = 2027
    stream["growth_per_year"] = 1.0  # 2028 carries twice 2027
    stream["seasonality"] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0]
    scenario = Scenario.model_validate(document)
    model = compile_scenario(scenario)
    arrivals = draw_arrivals(model, seed=scenario.run.seed, replication=0)
    months = model.calendar.month_index(arrivals.entry_h)
    years = model.calendar.month_year[months]
    numbers = model.calendar.month_number[months]
    assert model.calendar.month_year[0] == 2027 and model.calendar.month_number[0] == 11
    assert ((years == 2027) & (numbers == 12)).sum() == 0  # December's factor 0
    # November at 2028's volume and November's factor: 2028 weighs its months 8,760 h
    # (December 0, November twice its 720 h)
    november = ((years == 2027) & (numbers == 11)).sum()
    expected = 2 * 10 * ANNUAL_T * (2 * 720.0) / 8760.0 / SHIP["dwt_t"]
    assert abs(november - expected) < 4 * np.sqrt(expected)
    in_2028 = (years == 2028).sum()
    assert abs(in_2028 - 2 * 10 * ANNUAL_T / SHIP["dwt_t"]) < 4 * np.sqrt(in_2028)


def test_facilities_in_service_on_1_january_serve_the_warm_up():
    document = liner_quay(start_year=2028, end_year=2028, warmup_days=20)
    berths = document["terminals"]["QUAY"]["berths"]
    berths[0]["decommissioning"] = "2028-01-01"  # out from hour 0
    berths.append({**berths[0], "id": "B2", "commissioning": "2028-01-01"})
    del berths[1]["decommissioning"]
    berths.append({**berths[1], "id": "B3", "commissioning": "2028-03-01"})
    scenario = Scenario.model_validate(document)
    model = compile_scenario(scenario)
    groups = {g.id: g for g in model.groups}
    assert groups["QUAY/B2"].start_h == 0.0 and groups["QUAY/B1"].end_h == 0.0
    assert groups["QUAY/B3"].start_h == model.calendar.hour_of(dt.date(2028, 3, 1))
    v = simulate(model, seed=scenario.run.seed, replication=0).vessels
    names = [g.id for g in model.groups]
    group = np.array([names[g] for g in v["berth_group"]])
    warm = v["berth_start_h"] < model.calendar.warmup_h
    assert warm.sum() > 50 and set(group[warm]) == {"QUAY/B2"}
    assert "QUAY/B1" not in set(group)
    assert (v["berth_start_h"][group == "QUAY/B3"] >= groups["QUAY/B3"].start_h).all()


def test_the_warm_up_lasts_at_least_twice_the_longest_dwell():
    document = liner_quay(start_year=2028, end_year=2028, warmup_days=10)
    document["terminals"]["QUAY"]["yards"] = [
        {"id": "Y1", "cargo_group": "dry_bulk", "capacity_t": 500_000, "dwell_days": 3},
        {"id": "Y2", "cargo_group": "container", "capacity_t": 500_000, "dwell_days": 12.2},
    ]
    scenario = Scenario.model_validate(document)
    assert scenario.warmup_days == 25.0  # 2 x 12.2, rounded up to whole days
    calendar = compile_scenario(scenario).calendar
    assert calendar.warmup_h == 25 * 24.0 and calendar.warmup_days == 25.0
    document["terminals"]["QUAY"]["yards"][1]["dwell_days"] = 300
    assert Scenario.model_validate(document).warmup_days == 365.0  # capped
    document["run"]["warmup_days"] = 0
    document["terminals"]["QUAY"]["yards"] = []
    assert Scenario.model_validate(document).warmup_days == 0.0


def test_a_partial_period_counts_after_the_warm_up_and_is_annualised():
    document = liner_quay(horizon_days=91, warmup_days=10, start_year=2028)
    result = run(Scenario.model_validate(document))
    assert result.model is not None
    calendar = result.model.calendar
    assert calendar.horizon_h == (10 + 91) * 24.0
    assert result.verdict.basis == "annualised"
    month = result.tables["throughput_month"]
    assert month["year"].tolist() == [2028] * 3 and month["month"].tolist() == [1, 2, 3]
    assert result.verdict.throughput_t[0] == pytest.approx(ANNUAL_T * 8760 / 8784, rel=0.01)


def test_a_year_outside_the_simulated_years_is_refused():
    plan = load_scenario("scenarios/huaian_2028_plan.yaml")
    assert plan.simulated_years == (2025, 2026, 2027, 2028)
    require_simulated_year(plan, 2026)
    with pytest.raises(ScenarioError, match="--year 2031: the scenario simulates 2025-2028"):
        require_simulated_year(plan, 2031)
    with pytest.raises(ScenarioError, match="choose one of those years"):
        evaluation_scenario(plan, 2200)
    scenario, year = evaluation_scenario(plan, 2027)
    assert year == 2027 and scenario.simulated_years == (2027,)


@pytest.mark.parametrize("command", ["run", "capacity"])
@pytest.mark.parametrize("year", ["2031", "2200", "2024"])
def test_cli_refuses_a_year_outside_the_scenario(command, year):
    result = CliRunner().invoke(app, [command, "scenarios/huaian_2028_plan.yaml", "--year", year])
    assert result.exit_code == 2, result.output
    assert f"--year {year}: the scenario simulates 2025-2028" in result.output
    assert "Traceback" not in result.output
