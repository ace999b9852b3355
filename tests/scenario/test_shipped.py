"""Every shipped scenario validates; the baseline and plan say what their comments claim."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import load_scenario
from sim.scenario.routes import check_network

SCENARIOS = Path(__file__).parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
PLAN_VARIANTS = [p for p in SHIPPED if p.name.startswith("huaian_2028_") and "plan" not in p.name]


def test_the_expected_scenarios_are_shipped():
    names = {p.name for p in SHIPPED}
    assert {
        "huaian_2025_baseline.yaml",
        "huaian_2028_plan.yaml",
        "minimal_single_berth.yaml",
    } <= names
    assert len(PLAN_VARIANTS) >= 3


def test_hubsim_validate_accepts_every_shipped_scenario():
    scenario_files = [str(p) for p in SHIPPED if not p.name.startswith("sweep_")]
    result = CliRunner().invoke(app, ["validate", *scenario_files])
    assert result.exit_code == 0, result.output
    assert result.output.count("✓") == len(scenario_files)


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "huaian_2025_baseline.yaml")


@pytest.fixture(scope="module")
def plan():
    return load_scenario(SCENARIOS / "huaian_2028_plan.yaml")


def test_baseline_is_todays_port(baseline):
    berths = sum(g.count for t in baseline.terminals.values() for g in t.berths)
    assert berths == 389  # the whole port today (SOURCES.md: SRC_PORT_SIZE)
    assert "HA_PH3" not in baseline.terminals
    assert len(baseline.locks["LOCK_HUAIAN"].chambers) == 3
    assert (baseline.first_year, baseline.last_year) == (2025, 2025)
    assert 65e6 <= baseline.demand.port_tonnes(2025) <= 75e6


def test_plan_adds_the_public_projects_and_reaches_the_target(plan):
    ph3 = plan.terminals["HA_PH3"]
    assert sum(g.count for g in ph3.berths if g.max_vessel_dwt_t >= 2000) == 17
    assert any(g.rail_water for g in ph3.berths)
    assert {g.id for g in plan.terminals["HA_HUANGMA"].berths} >= {"HM_GRAIN", "HM_CONT"}
    chambers = {c.id: c for c in plan.locks["LOCK_HUAIAN"].chambers}
    assert (chambers["C4"].length_m, chambers["C4"].width_m) == (290, 34)
    assert plan.links["W_HS_01"].max_vessel_dwt_t == 2000
    assert plan.demand.port_tonnes(2028) >= plan.target.throughput_t == 86e6
    assert (plan.first_year, plan.last_year) == (2025, 2028)


def test_variants_differ_from_the_plan_as_named(plan):
    no_lock4 = load_scenario(SCENARIOS / "huaian_2028_no_lock4.yaml")
    assert [c.id for c in no_lock4.locks["LOCK_HUAIAN"].chambers] == ["C1", "C2", "C3"]
    rail = load_scenario(SCENARIOS / "huaian_2028_rail_water.yaml")
    assert rail.terminals["HA_PH3"].rail.sidings > plan.terminals["HA_PH3"].rail.sidings
    assert rail.demand.port_tonnes(2028) > plan.demand.port_tonnes(2028)
    low = load_scenario(SCENARIOS / "huaian_2028_low_water_2019.yaml")
    assert low.operations.low_water and low.operations.lock_policy == "fill"
    # everything not named in a variant is the plan's
    assert no_lock4.demand == plan.demand and rail.locks == plan.locks


def test_plan_routes_call_where_expected(plan):
    check = check_network(plan)
    assert not check.problems
    coal = {r.vessel_class_id: r for r in check.routes["PH3_COAL_RAILWATER"]}
    assert coal["BULK_II_2000"].handling == "unload"
    assert coal["BULK_II_2000"].outbound.modes == ("rail",)
    boxes = check.routes["NP_CONT_EXPORT"][0]
    assert boxes.handling == "load"
    assert "LOCK_HUAIAN" in boxes.locks
    through = check.through_routes["TT_XUZHOU_YANGTZE_S"][0]
    assert {"LOCK_SIYANG", "LOCK_HUAIAN", "LOCK_SHIQIAO"} <= set(through.places)


def test_json_schema_accepts_complete_files_and_rejects_unknown_keys():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    validator = jsonschema.Draft202012Validator(schema)
    for name in ("huaian_2025_baseline.yaml", "minimal_single_berth.yaml"):
        document = json.loads(
            json.dumps(yaml.safe_load((SCENARIOS / name).read_text()), default=str)
        )
        assert not list(validator.iter_errors(document)), name
    variant = yaml.safe_load((SCENARIOS / "huaian_2028_no_huaihe_upgrade.yaml").read_text())
    assert not list(validator.iter_errors(json.loads(json.dumps(variant, default=str))))
    assert list(validator.iter_errors({"name": "x", "terminalz": {}}))
