"""No import cycle inside ``sim`` and ``network``: the layers only look downstream.

Imports under ``if TYPE_CHECKING:`` and imports inside functions count too: they are cycles of
the design even when Python never runs into them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "network")


def _modules() -> dict[str, Path]:
    """Every module of the packages, by dotted name (a package by its ``__init__``)."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that module ``name`` (at ``path``) imports, wherever it does."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from x import y`` imports the submodule x.y when there is one, else x
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # ``import a.b.c`` runs a, a.b and a.b.c: the deepest project module is the edge
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph() -> nx.DiGraph:
    """Modules of ``sim`` and ``network`` and the imports between them (an edge a -> b: a
    imports b). A package's ``__init__`` is left out of the edges of its own submodules: a
    submodule importing its parent package would be a cycle of every re-export."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for target in _imported(name, path, modules):
            if not name.startswith(f"{target}."):
                graph.add_edge(name, target)
    return graph


def test_the_graph_sees_the_packages() -> None:
    graph = import_graph()
    assert graph.has_edge("sim.engine.core", "sim.engine.stations.lock")
    assert graph.has_edge("sim.engine.environment", "sim.engine.core")
    assert graph.number_of_nodes() > 50


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    message = []
    for component in cycles:
        cycle = nx.find_cycle(graph.subgraph(component))
        message.append(" -> ".join([*(a for a, _ in cycle), cycle[0][0]]))
    assert not cycles, "import cycles:\n" + "\n".join(message)
