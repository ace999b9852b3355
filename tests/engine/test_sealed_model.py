"""The engine reads only the compiled model: plain data, no scenario objects, no files; the
seed is a parameter of ``simulate``; a run reads its network data once."""

from __future__ import annotations

import ast
import dataclasses
import pickle
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

import network
import sim
from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.results.output import write_outputs
from sim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "sim" / "engine"
#: the sealed model's plain specs: all the engine reads of it
SPECS = [
    ROOT / "sim" / "model" / f"{name}.py"
    for name in ("specs", "landside", "operations", "calendar", "randomness")
]


def _short_plan(data: Path | None = None) -> Scenario:
    scenario = load_scenario(ROOT / "scenarios" / "huaian_2028_plan.yaml")
    update: dict[str, Any] = {
        "run": scenario.run.model_copy(update={"horizon_days": 10, "warmup_days": 2})
    }
    if data is not None:
        assert scenario.network is not None
        update["network"] = scenario.network.model_copy(update={"data": str(data)})
    return scenario.model_copy(update=update)


def _objects(value: Any) -> Any:
    """Every object reachable from ``value`` through dataclass fields and containers."""
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _objects(getattr(value, f.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _objects(key)
            yield from _objects(item)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _objects(item)


def test_the_compiled_model_is_plain_data():
    model = compile_scenario(_short_plan())
    assert not [type(o).__name__ for o in _objects(model) if isinstance(o, BaseModel)]
    assert not hasattr(model, "scenario")
    assert len(pickle.dumps(model)) < 1_000_000  # sent to worker processes as it is


def test_the_engine_imports_no_scenario_module_and_opens_no_file():
    for path in [*sorted(ENGINE.rglob("*.py")), *SPECS]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = []
            for name in names:
                assert not name.startswith(
                    ("sim.scenario", "sim.model.compile", "network", "pydantic", "pandas")
                ), f"{path.name}: {name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "open", f"{path.name}:{node.lineno} opens a file"


def test_the_seed_is_a_parameter_of_simulate():
    scenario = load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml")
    model = compile_scenario(scenario)
    a = simulate(model, seed=1, replication=0)
    again = simulate(model, seed=1, replication=0)
    b = simulate(model, seed=2, replication=0)
    np.testing.assert_array_equal(a.vessels["entry_h"], again.vessels["entry_h"])
    assert not np.array_equal(a.vessels["entry_h"][:10], b.vessels["entry_h"][:10])
    with pytest.raises(TypeError):
        simulate(model, 0)  # type: ignore[misc]


def test_a_scaled_model_is_the_model_compiled_at_that_multiplier():
    scenario = load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml")
    scaled = compile_scenario(scenario).scaled(1.7)
    compiled = compile_scenario(scenario, multiplier=1.7)
    for f in dataclasses.fields(CompiledModel):
        mine, theirs = getattr(scaled, f.name), getattr(compiled, f.name)
        if f.name == "calendar":  # numpy arrays inside
            assert pickle.dumps(mine) == pickle.dumps(theirs)
        else:
            assert mine == theirs, f.name


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_reads_its_network_data_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
):
    data = tmp_path / "data"
    shutil.copytree(network.bundled_data_dir(), data)
    real = network.read_dataset
    reads: list[object] = []

    def read_once(directory: str | Path | None = None) -> network.Dataset:
        reads.append(directory)
        dataset = real(directory)
        # nothing after this read can read the data again, in this process or in a worker
        shutil.rmtree(data)
        return dataset

    monkeypatch.setattr(network, "read_dataset", read_once)
    result = sim.run(_short_plan(data), replications=2, multiplier=0.1, workers=workers)
    assert isinstance(result.model, CompiledModel)
    write_outputs(result, tmp_path / "out", charts=False)
    assert reads == [str(data)]
