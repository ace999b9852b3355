"""Random documents: the loader either accepts them or raises ScenarioError, nothing else."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.models import Model

FIELD_NAMES = sorted(
    {name for model in Model.__subclasses__() for name in model.model_fields}
    | {name for model in Scenario.model_fields.values() for name in [model.alias or ""] if name}
    | set(Scenario.model_fields)
    | {"extends", "overrides", "remove", "process", "distribution", "QUAY", "B1", "S1", "SHIP"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["COAL", "QUAY", "poisson", "erlang", "2025-01-01", "fcfs", "null"]),
    st.dates(),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)

VALID = {
    "name": "base",
    "network": None,
    "terminals": {
        "QUAY": {
            "berths": [{"id": "B1", "count": 2, "max_vessel_dwt_t": 2000, "commodities": ["COAL"]}]
        }
    },
    "demand": {
        "base_year": 2025,
        "streams": [
            {
                "id": "S1",
                "commodity": "COAL",
                "terminal": "QUAY",
                "annual_t": 1_000_000,
                "vessel_mix": {"SHIP": 1},
            }
        ],
    },
    "fleets": {"vessels": [{"id": "SHIP", "dwt_t": 2000}]},
    "run": {"horizon_days": 30},
}


def _paths(document, prefix=()):
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _paths(value, (*prefix, index))


ALL_PATHS = list(_paths(VALID))[1:]


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text)
    try:
        result = load_scenario(path)
    except ScenarioError as error:
        assert error.issues
        for issue in error.issues:
            assert issue.message
            assert str(path) in str(issue) or "random.yaml" in str(issue)
        return
    assert isinstance(result, Scenario)


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(document=documents)
def test_random_documents(tmp_path, document):
    _load(tmp_path, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(path=st.sampled_from(ALL_PATHS), value=documents)
def test_random_mutations_of_a_valid_scenario(tmp_path, path, value):
    document = copy.deepcopy(VALID)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    _load(tmp_path, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(text=st.text(max_size=200))
def test_random_text(tmp_path, text):
    _load(tmp_path, text)


def test_the_unmutated_document_is_valid(tmp_path):
    _load(tmp_path, yaml.safe_dump(VALID))
    assert load_scenario(tmp_path / "random.yaml").terminals["QUAY"].berths[0].count == 2
