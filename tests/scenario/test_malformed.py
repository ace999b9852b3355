"""A corpus of malformed scenario files: each gives exit status 2 and a message naming the field
(or the file and line), never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from network import BUNDLED_DATA
from sim.cli import app

CORPUS = Path(__file__).parent / "malformed"

# file -> text the message must contain (field path, expectation, or file:line)
EXPECTED = {
    "empty.yaml": "empty.yaml: file is empty",
    "only_comments.yaml": "only_comments.yaml: file is empty",
    "top_level_list.yaml": "must be a mapping of fields (got LocatedList)",
    "top_level_scalar.yaml": "must be a mapping of fields (got str)",
    "bad_indentation.yaml": "bad_indentation.yaml:5: is not valid YAML",
    "unclosed_bracket.yaml": "unclosed_bracket.yaml:3: is not valid YAML",
    "tab_indent.yaml": "tab_indent.yaml:3: is not valid YAML",
    "duplicate_key.yaml": "duplicate_key.yaml:3: key 'name' appears twice",
    "python_tag.yaml": "python_tag.yaml:1: tag tag:yaml.org,2002:python/object/apply:os.system is "
    "not allowed in hubsim files",
    "python_tag_mapping.yaml": "tag tag:yaml.org,2002:python/object:argparse.Namespace is not "
    "allowed",
    "merge_key.yaml": "merge keys (<<) are not supported",
    "yaml_bomb.yaml": "(an alias bomb?)",
    "huge_float.yaml": "huge_float.yaml:4 demand.streams[0].annual_t: must be a finite number",
    "huge_int.yaml": "huge_int.yaml:5 terminals.QUAY.berths[0].count: must be <= 1000",
    "negative_capacity.yaml": "terminals.QUAY.berths[0].crane_rate_t_per_h: must be > 0 (got -300)",
    "wrong_type_number.yaml": "terminals.QUAY.berths[0].max_vessel_dwt_t: must be a number "
    "(got 'big')",
    "wrong_type_list.yaml": "terminals.QUAY.berths[0].commodities: must be a list (got 'COAL')",
    "wrong_type_mapping.yaml": "wrong_type_mapping.yaml:2 run: must be a mapping of fields (got 5)",
    "unknown_key.yaml": "run.replicatons: unknown field; did you mean replications?",
    "unknown_top_key.yaml": "terminal: unknown field; did you mean terminals?",
    "bad_id.yaml": "terminals.QUAY.berths[1].id: must be an id of upper-case letters",
    "duplicate_berth_id.yaml": "terminals.QUAY: berth group id 'B1' is used twice",
    "unknown_process.yaml": "demand.streams[0].arrivals: process must be one of 'poisson', "
    "'erlang', 'deterministic', 'scheduled', 'empirical' (got 'gamma')",
    "both_rates.yaml": "give exactly one of annual_t and vessels_per_day",
    "seasonality_eleven.yaml": "demand.streams[0].seasonality: must have at least 12 item(s)",
    "unknown_profile.yaml": "unknown seasonality profile 'canel' (defined under "
    "demand.seasonality_profiles); did you mean canal?",
    "stream_terminal_unknown.yaml": "demand.streams[0].terminal: unknown terminal 'QUAI' "
    "(defined under terminals); did you mean QUAY?",
    "commodity_not_handled.yaml": "demand.streams[0].commodity: no berth group of QUAY "
    "handles GRAIN",
    "decommission_before.yaml": "decommissioning must be after commissioning",
    "bad_date.yaml": "commissioning: must be a date like 2026-06-30 or a year like 2026 "
    "(got 'next spring')",
    "closure_backwards.yaml": "operations.closures[0]: end must be after start",
    "start_before_base.yaml": "run.start_year: must not be before demand.base_year 2025",
    "extends_missing.yaml": "extends_missing.yaml:1 extends: file 'no_such_file.yaml' not found",
    "extends_cycle_a.yaml": "extends cycle: extends_cycle_a.yaml -> extends_cycle_b.yaml -> "
    "extends_cycle_a.yaml",
    "extends_cycle_b.yaml": "extends cycle: extends_cycle_b.yaml -> extends_cycle_a.yaml",
    "extends_self.yaml": "extends cycle: extends_self.yaml -> extends_self.yaml",
    "override_bad_path.yaml": "overrides.terminals.QUAY.berths.B9.count: no item 'B9' in "
    "terminals.QUAY.berths (ids: B1)",
    "override_into_scalar.yaml": "name is a single value; it has no field 'first'",
    "remove_unknown_id.yaml": "cannot remove id 'B7': no such item (ids: B1)",
    "network_unknown_terminal.yaml": "terminals.HA_HUANGMAA: 'HA_HUANGMAA' is not a terminal of "
    "the network data; did you mean HA_HUANGMA?",
    "network_unknown_place.yaml": "demand.streams[0].origin: unknown place 'GW_SUQIANN'; did you "
    "mean GW_SUQIAN?",
    "network_unknown_commodity.yaml": "terminals.HA_HUANGMA.berths[0].commodities: unknown "
    "commodity 'SAND'",
    "network_unknown_vessel.yaml": "demand.streams[0].vessel_mix.BULK_IV_50: unknown vessel class"
    " 'BULK_IV_50'; did you mean BULK_IV_500?",
    "network_ship_too_big.yaml": "no berth group of HA_HUANGMA handling GRAIN takes BULK_II_2000",
    "network_no_route.yaml": "demand.streams[0].vessel_mix.BULK_IV_500: stream GRAIN_IN: "
    "BULK_IV_500 cannot cross the quay of HA_HUANGMA",
    "network_through_on_land.yaml": "demand.through_traffic[0].origin: HL_HUAIAN_URBAN is not on "
    "the water",
    "network_unknown_link.yaml": "links.W_HS_99: 'W_HS_99' is not a link of the network data",
    "network_bad_data.yaml": "berths.csv: line 2, column berths: must be >= 0 (got -6)",
    "network_missing_origin.yaml": "demand.streams[0].origin: is required when the scenario has "
    "a network",
    "binary_junk.yaml": "binary_junk.yaml: is not a text file (binary data)",
    "latin1.yaml": "latin1.yaml: is not UTF-8 text",
    "impossible_date.yaml": "impossible_date.yaml:5 terminals.QUAY.berths[0].commissioning: "
    "'2027-02-30' is not a date (day is out of range for month); write a real day as YYYY-MM-DD",
    "impossible_month.yaml": "terminals.QUAY.berths[0].commissioning: '2028-13-01' is not a date "
    "(month must be in 1..12)",
    "deep_nesting.yaml": "deep_nesting.yaml:2: nested more than 50 levels deep",
    "deep_mapping.yaml": "deep_mapping.yaml:2: nested more than 50 levels deep",
    "extends_duplicate_stream.yaml": "extends_duplicate_stream.yaml:5: id 'S2' appears twice in "
    "this list (also at line 4); give each item its own id",
    "network_low_water_below_light.yaml": "network_low_water_below_light.yaml:4 "
    "operations.low_water[0].max_draught_m: 0.4 m is at or below the light draught of "
    "BULK_IV_500 (0.60 m, taken as 30% of its 2 m loaded draught): such ships could carry "
    "nothing",
    "extends_duplicate_berths.yaml": "extends_duplicate_berths.yaml:6: id 'B2' appears twice in "
    "this list (also at line 5)",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus copied aside, with a broken copy of the bundled data for network_bad_data."""
    folder = tmp_path_factory.mktemp("malformed")
    for path in CORPUS.iterdir():
        shutil.copy(path, folder / path.name)
    broken = folder / "broken_data"
    shutil.copytree(BUNDLED_DATA, broken)
    berths = (
        (broken / "berths.csv")
        .read_text()
        .replace("HA_NEWPORT,NP_PH2_MULTI,6,", "HA_NEWPORT,NP_PH2_MULTI,-6,")
    )
    (broken / "berths.csv").write_text(berths)
    return folder


def test_corpus_is_large_and_fully_covered():
    files = sorted(p.name for p in CORPUS.glob("*.yaml") if not p.name.startswith("_"))
    assert len(files) >= 30
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_exit_2_and_message(corpus, name, monkeypatch):
    monkeypatch.chdir(corpus)
    result = CliRunner().invoke(app, ["validate", name])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    flat = " ".join(result.output.split())
    assert " ".join(EXPECTED[name].split()) in flat, result.output


def test_the_bases_are_valid(corpus, monkeypatch):
    monkeypatch.chdir(corpus)
    result = CliRunner().invoke(app, ["validate", "_base.yaml", "_network_base.yaml"])
    assert result.exit_code == 0, result.output


def test_good_and_bad_files_together_exit_2_and_report_both(corpus, monkeypatch):
    monkeypatch.chdir(corpus)
    result = CliRunner().invoke(app, ["validate", "_base.yaml", "huge_int.yaml"])
    assert result.exit_code == 2
    assert "✓ _base.yaml" in result.output and "✗ huge_int.yaml" in result.output
