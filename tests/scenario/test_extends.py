"""`extends` and `overrides`: merging rules, and errors pointing at the file that set a value."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.merge import apply_override, merge, resolve_extends

BASE = """\
name: base
network: null
terminals:
  QUAY:
    berths:
      - {id: B1, count: 2, max_vessel_dwt_t: 2000, commodities: [COAL]}
      - {id: B2, count: 1, max_vessel_dwt_t: 1000, commodities: [COAL, GRAIN]}
demand:
  base_year: 2025
  streams:
    - {id: S1, commodity: COAL, terminal: QUAY, annual_t: 1000000, vessel_mix: {SHIP: 1}}
fleets:
  vessels:
    - {id: SHIP, dwt_t: 2000}
operations:
  weather: {downtime_days_per_year: 5, applies_to: [berths, locks]}
run: {horizon_days: 30, seed: 7}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, "base.yaml", BASE)


def test_child_merges_lists_by_id_and_replaces_scalars(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        name: child
        terminals:
          QUAY:
            berths:
              - {id: B2, count: 3}
              - {id: B3, count: 4, max_vessel_dwt_t: 500, commodities: [GRAIN]}
        operations:
          weather: {applies_to: [gates]}
        """,
    )
    scenario = load_scenario(child)
    berths = scenario.terminals["QUAY"].berths
    assert [(b.id, b.count) for b in berths] == [("B1", 2), ("B2", 3), ("B3", 4)]
    assert berths[1].commodities == ("COAL", "GRAIN")  # kept from the base item
    assert scenario.name == "child"
    assert scenario.run.seed == 7
    # plain lists are replaced, not merged; sibling keys are kept
    assert scenario.operations.weather.applies_to == ("gates",)
    assert scenario.operations.weather.downtime_days_per_year == 5


def test_remove_items_and_keys(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        terminals:
          QUAY:
            berths:
              - {id: B1, remove: true}
          SECOND:
            berths:
              - {id: X1, count: 1, max_vessel_dwt_t: 500, commodities: [COAL]}
        """,
    )
    grandchild = write(
        tmp_path,
        "grand.yaml",
        """\
        extends: child.yaml
        terminals:
          SECOND: {remove: true}
        """,
    )
    assert [b.id for b in load_scenario(child).terminals["QUAY"].berths] == ["B2"]
    assert list(load_scenario(child).terminals) == ["QUAY", "SECOND"]
    assert list(load_scenario(grandchild).terminals) == ["QUAY"]


def test_overrides_address_items_by_id_and_position(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        overrides:
          terminals.QUAY.berths.B2.count: 5
          terminals.QUAY.berths.0.cranes_per_berth: 3
          demand.streams.S1.arrivals: {process: erlang, k: 3}
          terminals.QUAY.berths.B9: {count: 1, max_vessel_dwt_t: 700, commodities: [COAL]}
        """,
    )
    scenario = load_scenario(child)
    berths = {b.id: b for b in scenario.terminals["QUAY"].berths}
    assert berths["B2"].count == 5
    assert berths["B1"].cranes_per_berth == 3
    assert berths["B9"].max_vessel_dwt_t == 700
    assert scenario.demand.streams[0].arrivals.cv2 == pytest.approx(1 / 3)


def test_three_levels_and_relative_paths(tmp_path, base):
    write(tmp_path, "variants/mid.yaml", "extends: ../base.yaml\nrun: {seed: 8}\n")
    leaf = write(tmp_path, "variants/deep/leaf.yaml", "extends: ../mid.yaml\nname: leaf\n")
    scenario = load_scenario(leaf)
    assert (scenario.name, scenario.run.seed, scenario.run.horizon_days) == ("leaf", 8, 30)


def test_errors_point_at_the_file_and_line_that_set_the_value(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml

        terminals:
          QUAY:
            berths:
              - {id: B2, count: 0}
        """,
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(child)
    assert str(caught.value) == (f"{child}:6 terminals.QUAY.berths[1].count: must be >= 1 (got 0)")
    # a bad value inherited from the base is reported in the base
    write(tmp_path, "bad_base.yaml", BASE.replace("seed: 7", "seed: -7"))
    child2 = write(tmp_path, "child2.yaml", "extends: bad_base.yaml\nname: x\n")
    with pytest.raises(ScenarioError, match=r"bad_base.yaml:17 run.seed: must be >= 0"):
        load_scenario(child2)


def test_resolved_document_has_no_extends_or_overrides(tmp_path, base):
    child = write(tmp_path, "child.yaml", "extends: base.yaml\noverrides: {name: y}\n")
    document = resolve_extends(child)
    assert "extends" not in document and "overrides" not in document
    assert document["name"] == "y"


def test_merge_and_override_do_not_modify_their_inputs():
    parent = {"a": [{"id": "X", "v": 1}], "b": {"c": 1}}
    child = {"a": [{"id": "X", "v": 2}], "b": {"d": 2}}
    merged = merge(parent, child)
    assert merged == {"a": [{"id": "X", "v": 2}], "b": {"c": 1, "d": 2}}
    assert parent == {"a": [{"id": "X", "v": 1}], "b": {"c": 1}}
    changed = apply_override(merged, "a.X.v", 3)
    assert changed["a"][0]["v"] == 3 and merged["a"][0]["v"] == 2


def test_network_data_path_is_relative_to_the_file_that_names_it(tmp_path):
    write(tmp_path, "data/README.md", "x")
    path = write(tmp_path, "sub/s.yaml", BASE.replace("network: null", "network: {data: ../data}"))
    with pytest.raises(ScenarioError):  # the stream then needs origin/destination
        load_scenario(path)
    text = BASE.replace("network: null", "network: {data: ../data}").replace(
        "terminal: QUAY,", "terminal: QUAY, origin: A, destination: B,"
    )
    scenario = load_scenario(write(tmp_path, "sub/t.yaml", text))
    assert scenario.network is not None
    assert Path(scenario.network.data) == tmp_path / "sub" / ".." / "data"
