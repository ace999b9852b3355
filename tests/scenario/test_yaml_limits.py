"""Property tests of the YAML reader's limits: any date-shaped value, any nesting depth and any
list of ids in a file that extends another gives a value or one located ScenarioError, never a
traceback and never an item lost unnoticed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError
from sim.scenario.merge import resolve_extends
from sim.scenario.yamlfile import MAX_DEPTH, load_yaml


def _read(tmp_path: Path, text: str, name: str) -> object:
    path = tmp_path / name
    path.write_text(text)
    return load_yaml(path)


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(1000, 9999),
    month=st.integers(1, 19),
    day=st.integers(1, 39),
)
def test_every_date_shaped_value_is_a_date_or_a_located_error(
    tmp_path_factory: pytest.TempPathFactory, year: int, month: int, day: int
) -> None:
    folder = tmp_path_factory.mktemp("dates")
    text = f"run:\n  start: {year:04d}-{month:02d}-{day:02d}\n"
    try:
        expected = dt.date(year, month, day)
    except ValueError:
        with pytest.raises(ScenarioError) as caught:
            _read(folder, text, "d.yaml")
        [issue] = caught.value.issues
        assert (issue.line, issue.path) == (2, "run.start")
        assert "is not a date" in issue.message
    else:
        assert _read(folder, text, "d.yaml") == {"run": {"start": expected}}


@settings(max_examples=60, deadline=None)
@given(depth=st.integers(1, 3000), mapping=st.booleans())
def test_any_nesting_depth_loads_or_is_refused_at_the_limit(
    tmp_path_factory: pytest.TempPathFactory, depth: int, mapping: bool
) -> None:
    folder = tmp_path_factory.mktemp("deep")
    inner = "{k: " * depth + "1" + "}" * depth if mapping else "[" * depth + "]" * depth
    text = f"x: {inner}\n"
    if depth <= MAX_DEPTH - 1:
        value = _read(folder, text, "n.yaml")
        assert isinstance(value, dict) and "x" in value
    elif depth > MAX_DEPTH + 1:
        with pytest.raises(ScenarioError, match=f"nested more than {MAX_DEPTH} levels deep"):
            _read(folder, text, "n.yaml")


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(st.sampled_from(["B1", "B2", "B3", "B4"]), min_size=1, max_size=6))
def test_ids_repeated_in_a_file_that_extends_another_are_refused_at_their_line(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("ids")
    (folder / "base.yaml").write_text(
        "terminals:\n  QUAY:\n    berths:\n      - {id: B1, count: 1}\n"
    )
    items = "".join(f"      - {{id: {i}, count: 2}}\n" for i in ids)
    (folder / "child.yaml").write_text(
        f"extends: base.yaml\nterminals:\n  QUAY:\n    berths:\n{items}"
    )
    repeated = next((n for n, i in enumerate(ids) if i in ids[:n]), None)  # its second use
    if repeated is None:
        merged = resolve_extends(folder / "child.yaml")
        groups = merged["terminals"]["QUAY"]["berths"]
        assert [g["id"] for g in groups] == list(dict.fromkeys(["B1", *ids]))
    else:
        with pytest.raises(ScenarioError) as caught:
            resolve_extends(folder / "child.yaml")
        [issue] = caught.value.issues
        assert issue.line == 5 + repeated
        assert f"id {ids[repeated]!r} appears twice in this list" in issue.message
