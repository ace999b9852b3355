"""The public API is what sim/__init__.py and network/__init__.py export; the layers only look
downstream (the scenario layer imports no SimPy, the network layer nothing from sim); light
imports (``import sim``, ``import sim.engine``, ``hubsim --help``) load no heavy library."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import network
import sim

ROOT = Path(__file__).parents[1]


def test_network_exports():
    assert sorted(network.__all__) == sorted(
        [
            "BUNDLED_DATA",
            "MODES",
            "MODE_COLOURS",
            "NODE_KINDS",
            "PORT_AREAS",
            "CostWeights",
            "DataError",
            "Dataset",
            "Leg",
            "NoRouteError",
            "Problem",
            "Route",
            "RouteRequest",
            "Transfer",
            "VesselLimits",
            "build_graph",
            "bundled_data_dir",
            "logit_shares",
            "place_nodes",
            "plot_network",
            "read_dataset",
            "route_table",
            "shortest_routes",
            "vessel_limits",
            "write_geopackage",
            "write_map",
        ]
    )
    for name in network.__all__:
        assert hasattr(network, name), name


def test_sim_exports():
    assert sorted(sim.__all__) == sorted(
        [
            "RunResult",
            "Scenario",
            "ScenarioError",
            "Verdict",
            "__version__",
            "load_scenario",
            "run",
        ]
    )
    for name in sim.__all__:
        assert hasattr(sim, name), name


def _imports(folder: Path) -> dict[str, set[str]]:
    """The modules each file below ``folder`` imports; ``from sim import facilities`` counts as
    ``sim`` and ``sim.facilities`` (it may name a submodule)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


#: the subpackages of ``sim`` in the order of the data flow; a module imports only from its own
#: subpackage and those before it (``facilities``, the registry of facility kinds, comes first:
#: it imports no other layer, and the scenario checks a ``facilities`` section against it;
#: ``sweep`` and ``backtest`` orchestrate runs, like ``runs``)
LAYERS = (
    ("facilities",),
    ("scenario",),
    ("model",),
    ("engine",),
    ("analysis",),
    ("runs",),
    ("sweep", "backtest"),
    ("results",),
    ("viz",),
    ("report",),
)
#: the writers of an output folder, which draws its charts (and a run folder the report's
#: figures): they come after ``viz`` (and ``report``)
FOLDER_WRITERS = {
    "sim/results/output.py": ("viz", "report"),
    "sim/sweep/folder.py": ("viz",),
    "sim/backtest/output.py": ("viz", "report"),
}


def test_layers_only_look_downstream():
    for module, names in _imports(ROOT / "network").items():
        assert not any(n == "simpy" or n == "sim" or n.startswith("sim.") for n in names), module
    for position, layer in enumerate(LAYERS):
        later = [f"sim.{name}" for group in LAYERS[position + 1 :] for name in group]
        for package in layer:
            for module, names in _imports(ROOT / "sim" / package).items():
                allowed = tuple(f"sim.{name}" for name in FOLDER_WRITERS.get(module, ()))
                upstream = sorted(
                    n
                    for n in names
                    if n in ("sim.cli", "sim.explore")
                    or (n.startswith(tuple(later)) and not n.startswith(allowed))
                )
                assert not upstream, f"{module} imports {upstream}"
    for module, names in _imports(ROOT / "sim" / "scenario").items():
        assert "simpy" not in names, module
    for module, names in _imports(ROOT / "sim" / "engine").items():
        assert not any(
            n in ("matplotlib", "pandas", "pydantic", "yaml") or n.startswith("matplotlib.")
            for n in names
        ), module


#: libraries a light import must not load (each costs 0.1-0.7 s; spawned workers pay it again)
HEAVY = (
    "dask",
    "geopandas",
    "matplotlib",
    "networkx",
    "pandas",
    "plotly",
    "pyarrow",
    "pyogrio",
    "pyproj",
    "scipy",
    "shapely",
)


def _modules_after(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    return {name.split(".")[0] for name in _loaded_after(code)}


def _loaded_after(code: str) -> set[str]:
    """Every module in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = "import json, sys\nprint('\\nMODULES', json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{probe}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    line = done.stdout.rsplit("\nMODULES ", 1)[1]
    return set(json.loads(line))


@pytest.mark.parametrize(
    "code",
    [
        "import sim",
        "import sim.engine",
        "import network",
        "from sim.cli import main\nmain(['--help'])",
        "from sim.cli import main\nmain(['run', '--help'])",
    ],
    ids=["sim", "sim.engine", "network", "hubsim --help", "hubsim run --help"],
)
def test_light_imports_load_no_heavy_library(code):
    assert sorted(_modules_after(code).intersection(HEAVY)) == []


def test_the_engine_loads_only_the_sealed_model():
    """A spawned worker's ``import sim.engine`` reads the plain specs of :mod:`sim.model`: not
    the compiler, the scenario layer (pydantic, YAML) or the network package."""
    loaded = _loaded_after("import sim.engine")
    tops = {name.split(".")[0] for name in loaded}
    assert sorted(tops.intersection({*HEAVY, "network", "pydantic", "yaml"})) == []
    assert sorted(n for n in loaded if n.startswith(("sim.scenario", "sim.model.compile"))) == []
    assert {"sim.model.specs", "sim.model.calendar", "sim.model.randomness"} <= loaded


def test_sim_loads_its_public_names_on_first_use():
    code = (
        "import sim, sys\n"
        "assert 'sim.runs.run' not in sys.modules\n"
        "import sim.runs.run  # the module that defines it: sim.run is still the function\n"
        "from sim.runs.run import run\n"
        "assert sim.run is run and callable(sim.run)\n"
        "from sim import RunResult, Scenario, load_scenario\n"
        "assert set(sim.__all__) <= set(dir(sim))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
