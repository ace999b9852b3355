"""Contract of data/observed/observations.csv (documented in data/observed/README.md).

The table is what `hubsim backtest` holds the model against (issue 13): every row must name a
source defined in data/ports/SOURCES.md, a place of the network (or a documented aggregate),
documented kinds and units (a KPI in the unit it is published in), a band around its value,
exactly one role, and a shipped scenario that simulates its year when it names one.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from sim.backtest.observations import COLUMNS as backtest_columns
from sim.backtest.observations import KPI_UNITS as KPI_UNIT

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "data" / "observed" / "observations.csv"
SOURCES = REPO / "data" / "ports" / "SOURCES.md"
NODES = REPO / "data" / "ports" / "nodes.geojson"

# The contract is stated once, by the loader that `hubsim backtest` uses; this test checks that
# the shipped table keeps it (and the loader checks any other table).
COLUMNS = list(backtest_columns)
KPIS = set(KPI_UNIT)
UNITS = {"t", "TEU", "lockages", "ships", "ships/lockage", "t/lockage"}
TONNAGES = {"cargo", "ship", "n/a"}
ROLES = {"calibration", "validation"}
AGGREGATE_PLACES = {"PORT", "SUBEI_CANAL", "HUAIAN_WATERWAY_LOCKS"}


@pytest.fixture(scope="module")
def header_and_rows() -> tuple[list[str], list[dict[str, str]]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def rows(header_and_rows: tuple[list[str], list[dict[str, str]]]) -> list[dict[str, str]]:
    return header_and_rows[1]


def _source_keys() -> set[str]:
    """Backticked keys in the first column of SOURCES.md's tables."""
    keys = set()
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line)
        if match:
            keys.add(match.group(1))
    return keys


def _node_ids() -> set[str]:
    features = json.loads(NODES.read_text(encoding="utf-8"))["features"]
    return {feature["properties"]["node_id"] for feature in features}


def _where(row: dict[str, str]) -> str:
    return f"{TABLE.name}: {row['id']}"


def test_table_loads_with_the_documented_columns_and_unique_ids(header_and_rows):
    header, rows = header_and_rows
    assert header == COLUMNS
    assert len(rows) >= 10
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for row in rows:
        assert None not in row, f"{_where(row)}: more fields than columns"
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", row["id"]), f"{_where(row)}: bad id"


def test_every_source_resolves_in_sources_md(rows):
    keys = _source_keys()
    assert "SRC_SUBEI_2025" in keys, "the SOURCES.md parser found no keys"
    missing = sorted({row["source"] for row in rows} - keys)
    assert not missing, f"sources not defined in data/ports/SOURCES.md: {missing}"
    assert all(row["source"].startswith("SRC_") for row in rows), "observations need SRC_ keys"


def test_every_place_is_a_node_or_a_documented_aggregate(rows):
    places = _node_ids() | AGGREGATE_PLACES
    unknown = sorted({row["place"] for row in rows} - places)
    assert not unknown, f"places not in nodes.geojson nor {sorted(AGGREGATE_PLACES)}: {unknown}"


def test_kinds_units_tonnages_and_roles_take_documented_values(rows):
    for row in rows:
        where = _where(row)
        assert row["kpi"] in KPIS, f"{where}: kpi {row['kpi']!r}"
        assert row["unit"] in UNITS, f"{where}: unit {row['unit']!r}"
        assert row["unit"] == KPI_UNIT[row["kpi"]], f"{where}: unit does not fit the kpi"
        assert row["tonnage"] in TONNAGES, f"{where}: tonnage {row['tonnage']!r}"
        assert (row["tonnage"] == "n/a") == (row["unit"] not in {"t", "t/lockage"}), (
            f"{where}: tonnages are cargo or ship, counts n/a"
        )
        assert row["role"] in ROLES, f"{where}: role {row['role']!r}"
        assert 1990 <= int(row["year"]) <= 2030, f"{where}: year"
        months = [int(m) for m in row["months"].split("-")]
        assert len(months) in (1, 2), f"{where}: months"
        assert all(1 <= m <= 12 for m in months), f"{where}: months"
        assert months == sorted(months), f"{where}: months"
        assert row["band_reason"].strip(), f"{where}: band_reason is empty"
        assert row["note"].strip(), f"{where}: note is empty"


def test_value_lies_in_its_band_and_open_bands_are_one_sided(rows):
    for row in rows:
        where = _where(row)
        value = float(row["value"])
        assert value > 0, f"{where}: value"
        low, high = row["band_low"], row["band_high"]
        assert low or high, f"{where}: a band needs at least one bound"
        if not (low and high):
            assert "one-sided" in row["band_reason"], f"{where}: an open band must say one-sided"
        if low:
            assert float(low) <= value, f"{where}: band_low above value"
        if high:
            assert value <= float(high), f"{where}: band_high below value"


def test_split_is_out_of_sample(rows):
    calibration_years = {row["year"] for row in rows if row["role"] == "calibration"}
    validation = [row for row in rows if row["role"] == "validation"]
    assert calibration_years, "no calibration rows"
    assert len(validation) >= 3
    assert any(row["year"] not in calibration_years for row in validation), (
        "at least one validation row must be in a year with no calibration row"
    )
    # Role is one value per row (checked above); no id may appear under both roles either.
    by_role = {role: {row["id"] for row in rows if row["role"] == role} for role in ROLES}
    assert not by_role["calibration"] & by_role["validation"]


def test_every_named_scenario_is_shipped_and_covers_its_rows_year(rows):
    scenarios = REPO / "scenarios"
    named = [row for row in rows if row["scenario"]]
    assert len(named) >= 20
    for row in named:
        where = _where(row)
        path = scenarios / row["scenario"]
        assert path.is_file(), f"{where}: scenario {row['scenario']} is not in scenarios/"
        from sim.scenario import load_scenario

        scenario = load_scenario(path)
        assert scenario.run.start_year <= int(row["year"]) <= scenario.last_year, where
    # every calibration row is predicted: a calibration nobody checks is not one
    assert all(row["scenario"] for row in rows if row["role"] == "calibration")
