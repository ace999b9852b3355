"""The compiled engine (mypyc, built at install) and its Python sources give identical
records, and an engine edited since its build runs from its sources."""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

import sim.engine
from sim.engine import COMPILED_MODULES, _extension_usable

ROOT = Path(__file__).resolve().parents[2]

# one replication-year of the 2028 plan at a tenth of its demand, with every kind of
# disruption on: all the engine's code paths (locks, berths, yards, gates, trains, aircraft,
# diversion, breakdowns, weather, closures)
SCRIPT = """
import sys
import numpy as np
import sim.engine
from sim.model.compile import compile_scenario
from sim.engine import simulate
from sim.scenario import load_scenario

scenario = load_scenario("scenarios/huaian_2028_plan.yaml")
operations = type(scenario.operations).model_validate(
    {
        **scenario.operations.model_dump(),
        "weather": {
            "downtime_days_per_year": 10,
            "applies_to": ["berths", "locks", "gates", "air"],
        },
        "breakdowns": [
            {"resource_kind": kind, "mtbf_h": 200, "mttr_h": 8}
            for kind in ("crane", "lock_chamber", "gate", "siding")
        ],
        "closures": [
            {"resource": "LOCK_HUAIAN", "start": "2028-03-01T00:00", "end": "2028-03-03T00:00"}
        ],
    }
)
scenario = scenario.model_copy(
    update={
        "operations": operations,
        "run": scenario.run.model_copy(update={"start_year": 2028, "end_year": 2028}),
    }
)
records = simulate(
    compile_scenario(scenario, multiplier=0.1), seed=scenario.run.seed, replication=0
)
tables = {"events": np.array([records.events, records.logical_events])}
for group in ("vessels", "passages", "lockages", "yard_levels", "jobs", "stage_hours",
              "trains", "rail_movements"):
    for column, values in getattr(records, group).items():
        tables[f"{group}.{column}"] = values
np.savez(sys.argv[1], compiled=sim.engine.COMPILED, **tables)
"""


def _run(out: Path, pure: bool) -> dict[str, np.ndarray]:
    env = {k: v for k, v in os.environ.items() if k != "HUBSIM_PURE_PYTHON"}
    if pure:
        env["HUBSIM_PURE_PYTHON"] = "1"
    subprocess.run([sys.executable, "-c", SCRIPT, str(out)], check=True, cwd=ROOT, env=env)
    with np.load(out) as data:
        return {name: data[name] for name in data.files}


@pytest.mark.skipif(not sim.engine.COMPILED, reason="the engine is not compiled here")
def test_compiled_and_python_engines_give_identical_records(tmp_path: Path) -> None:
    compiled = _run(tmp_path / "compiled.npz", pure=False)
    python = _run(tmp_path / "python.npz", pure=True)
    assert bool(compiled.pop("compiled")) and not bool(python.pop("compiled"))
    assert compiled.keys() == python.keys()
    assert len(compiled["vessels.entry_h"]) > 10_000
    assert len(compiled["jobs.tonnes"]) > 1_000 and len(compiled["trains.tonnes"]) > 10
    for name, values in compiled.items():
        np.testing.assert_array_equal(values, python[name], err_msg=name)


def test_the_engine_is_compiled_where_a_c_compiler_is_available() -> None:
    # the build falls back to Python quietly (pip runs with --quiet): a rejected source must
    # not pass unnoticed on a machine that can compile
    if os.environ.get("HUBSIM_PURE_PYTHON"):
        pytest.skip("HUBSIM_PURE_PYTHON is set: the engine runs as Python by choice")
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) on this machine: the engine runs as Python")
    assert sim.engine.COMPILED, (
        "the engine runs as Python although this machine has a C compiler: the build fell "
        "back; reinstall with `pip install -v -e .` and read mypyc's messages"
    )


def _fake_build(folder: Path, sources: dict[str, bytes]) -> None:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name, text in sources.items():
        source = folder.joinpath(*name.split(".")).with_suffix(".py")
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(text)
        source.with_suffix(suffix).write_bytes(b"")
    digest = hashlib.sha256(b"".join(sources[n] for n in COMPILED_MODULES)).hexdigest()
    (folder / "_compiled.sha256").write_text(digest + "\n")


def test_the_extension_is_used_only_while_it_matches_its_sources(tmp_path: Path) -> None:
    sources = {name: f"# {name}\n".encode() for name in COMPILED_MODULES}
    _fake_build(tmp_path, sources)
    assert _extension_usable(tmp_path)
    # an engine module edited after the build: its sources run until it is rebuilt
    (tmp_path / "core.py").write_bytes(b"# core, edited\n")
    assert not _extension_usable(tmp_path)
    _fake_build(tmp_path, sources)
    # a module whose extension was not built (a failed compilation)
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (tmp_path / "stations" / f"lock{suffix}").unlink()  # a module of a subpackage
    assert not _extension_usable(tmp_path)
    _fake_build(tmp_path, sources)
    (tmp_path / "_compiled.sha256").unlink()
    assert not _extension_usable(tmp_path)


def test_pure_python_is_forced_by_the_environment() -> None:
    env = {**os.environ, "HUBSIM_PURE_PYTHON": "1"}
    out = subprocess.run(
        [sys.executable, "-c", "import sim.engine as e; print(e.COMPILED, e.core.__file__)"],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out[0] == "False" and out[1].endswith("core.py")


def test_pure_python_loads_the_subpackage_sources() -> None:
    """The stations' sources (a subpackage) are the modules the engine's core uses."""
    code = (
        "import sim.engine as e\n"
        "from sim.engine import stations\n"
        "from sim.engine.stations import lock\n"
        "assert stations.lock is lock and lock.__file__.endswith('lock.py')\n"
        "assert e.core.LockStation is lock.LockStation is stations.LockStation\n"
        "assert e.core.Overloaded is e.Overloaded is stations.base.Overloaded\n"
    )
    env = {**os.environ, "HUBSIM_PURE_PYTHON": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
