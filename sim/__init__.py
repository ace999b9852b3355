"""hubsim: multimodal logistics hub simulator for Huai'an Port.

``sim.run(scenario, replications=N, seed=S)`` simulates a scenario file (or a loaded
:class:`Scenario`) and returns a :class:`RunResult`; ``network`` holds the geodata and graph.

The public names are loaded on first use (PEP 562), so ``import sim.engine`` in a spawned worker
and ``hubsim --help`` do not pay for pandas, SciPy and the analysis that ``sim.run`` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.runs.run import RunResult, Verdict, run
    from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "RunResult",
    "Scenario",
    "ScenarioError",
    "Verdict",
    "__version__",
    "load_scenario",
    "run",
]

__version__ = "0.1.0"

#: the module each public name is defined in
_LAZY = {
    "RunResult": "sim.runs.run",
    "Verdict": "sim.runs.run",
    "run": "sim.runs.run",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
