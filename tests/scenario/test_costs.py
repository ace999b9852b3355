"""CAPEX from counts: fixed part plus unit cost x units, and what one file adds to another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.costs import capex_difference, capex_items, capex_total
from sim.scenario.schema import scenario_file_schema

ROOT = Path(__file__).parents[2]
MINIMAL = ROOT / "scenarios" / "minimal_single_berth.yaml"
PLAN = ROOT / "scenarios" / "huaian_2028_plan.yaml"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def priced(tmp_path: Path) -> Path:
    """The minimal quay with a fixed CAPEX and a cost per berth (CNY 100 M + 2 x 150 M)."""
    return _write(
        tmp_path / "priced.yaml",
        f"extends: {MINIMAL}\n"
        "terminals:\n  QUAY:\n    berths:\n"
        "      - {id: B1, capex_cny: 100_000_000, capex_cny_per_berth: 150_000_000}\n",
    )


def test_a_facility_costs_its_fixed_part_plus_unit_cost_times_units(priced):
    items = capex_items(load_scenario(priced)).set_index("facility")
    row = items.loc["QUAY/B1"]
    assert (row.units, row.unit, row.fixed_cny, row.unit_cost_cny) == (
        2.0,
        "berths",
        100e6,
        150e6,
    )
    assert row.capex_cny == 100e6 + 2 * 150e6
    assert capex_total(load_scenario(priced)) == 400e6


def test_two_more_berths_cost_twice_the_explicit_unit_cost(priced, tmp_path):
    variant = _write(
        tmp_path / "plus2.yaml",
        f"extends: {priced}\noverrides:\n  terminals.QUAY.berths.B1.count: 4\n",
    )
    base, more = load_scenario(priced), load_scenario(variant)
    difference = capex_difference(base, more)
    assert difference["capex_added_cny"].sum() == 2 * 150e6
    row = difference.iloc[0]
    assert (row.facility, row.units_added, row.unit_cost_cny, row.note) == (
        "QUAY/B1",
        2.0,
        150e6,
        "",
    )
    assert capex_total(more) - capex_total(base) == 2 * 150e6


def test_two_more_berths_in_a_group_with_only_a_fixed_capex_derive_the_unit_cost(tmp_path):
    variant = _write(
        tmp_path / "hm_cont_6.yaml",
        f"extends: {PLAN}\noverrides:\n  terminals.HA_HUANGMA.berths.HM_CONT.count: 6\n",
    )
    plan, more = load_scenario(PLAN), load_scenario(variant)
    difference = capex_difference(plan, more)
    assert len(difference) == 1
    row = difference.iloc[0]
    # the plan's group: CNY 600 M for 4 berths, so 150 M a berth
    assert row.facility == "HA_HUANGMA/HM_CONT"
    assert row.unit_cost_cny == 600e6 / 4
    assert row.capex_added_cny == 2 * 600e6 / 4
    assert row.note == "unit cost derived: group CAPEX / berths"


def test_removed_and_restated_facilities(tmp_path):
    plan = load_scenario(PLAN)
    no_lock4 = load_scenario(ROOT / "scenarios" / "huaian_2028_no_lock4.yaml")
    removed = capex_difference(plan, no_lock4)
    assert removed[["facility", "capex_added_cny", "note"]].values.tolist() == [
        ["LOCK_HUAIAN/C4", -890e6, "removed"]
    ]
    rail_water = load_scenario(ROOT / "scenarios" / "huaian_2028_rail_water.yaml")
    restated = capex_difference(plan, rail_water).set_index("facility")
    # the variant's file gives the sidings' CAPEX itself: that is what it adds
    assert restated.loc["HA_PH3/rail", "capex_added_cny"] == 160e6
    assert restated.loc["HA_PH3/rail", "note"] == "CAPEX as the file gives it"


def test_unit_costs_on_every_countable_facility(tmp_path):
    scenario = _write(
        tmp_path / "all.yaml",
        f"extends: {MINIMAL}\n"
        "terminals:\n  QUAY:\n"
        "    yards:\n"
        "      - {id: Y, cargo_group: reefer, capacity_t: 1000, reefer_plugs: 10,\n"
        "         capex_cny: 5, capex_cny_per_t: 2, capex_cny_per_plug: 3}\n"
        "    gate: {lanes: 4, capex_cny_per_lane: 7}\n"
        "    rail: {sidings: 2, capex_cny_per_siding: 11}\n",
    )
    items = capex_items(load_scenario(scenario)).set_index(["facility", "kind"])["capex_cny"]
    assert items[("QUAY/Y", "yard")] == 5 + 2 * 1000
    assert items[("QUAY/Y", "yard plugs")] == 3 * 10
    assert items[("QUAY/gate", "gate")] == 4 * 7
    assert items[("QUAY/rail", "rail sidings")] == 2 * 11


def test_schema_and_validate_accept_the_unit_costs(priced, tmp_path):
    text = json.dumps(scenario_file_schema())
    for field in (
        "capex_cny_per_berth",
        "capex_cny_per_lane",
        "capex_cny_per_siding",
        "capex_cny_per_t",
        "capex_cny_per_plug",
        "capex_cny_per_slot",
    ):
        assert field in text, field
    result = CliRunner().invoke(app, ["validate", str(priced)])
    assert result.exit_code == 0, result.output
    assert "CAPEX 0.40 bn CNY" in result.output
    negative = _write(
        tmp_path / "negative.yaml",
        f"extends: {MINIMAL}\n"
        "terminals:\n  QUAY:\n    berths:\n      - {id: B1, capex_cny_per_berth: -1}\n",
    )
    with pytest.raises(ScenarioError, match="capex_cny_per_berth"):
        load_scenario(negative)
