"""The public API is what sim/__init__.py and network/__init__.py export; the layers only look
downstream (the scenario layer imports no SimPy, the network layer nothing from sim)."""

from __future__ import annotations

import ast
from pathlib import Path

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
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_layers_only_look_downstream():
    for module, names in _imports(ROOT / "sim" / "scenario").items():
        assert not any(
            n == "simpy" or n.startswith(("sim.engine", "sim.run", "sim.kpi")) for n in names
        ), module
    for module, names in _imports(ROOT / "network").items():
        assert not any(n == "simpy" or n == "sim" or n.startswith("sim.") for n in names), module
    for module, names in _imports(ROOT / "sim" / "engine").items():
        assert not any(
            n in ("matplotlib", "pandas", "yaml")
            or n.startswith(("matplotlib.", "sim.charts", "sim.cli", "sim.output"))
            for n in names
        ), module
