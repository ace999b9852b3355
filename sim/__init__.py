"""hubsim: multimodal logistics hub simulator for Huai'an Port.

``sim.run(scenario, replications=N, seed=S)`` simulates a scenario file (or a loaded
:class:`Scenario`) and returns a :class:`RunResult`; ``network`` holds the geodata and graph.

The public names are loaded on first use (PEP 562), so ``import sim.engine`` in a spawned worker
and ``hubsim --help`` do not pay for pandas, SciPy and the analysis that ``sim.run`` needs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.run import RunResult, Verdict, run
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
    "RunResult": "sim.run",
    "Verdict": "sim.run",
    "run": "sim.run",
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


class _Package(types.ModuleType):
    """``sim`` itself: ``sim.run`` stays the function when the submodule of that name loads.

    Importing a submodule binds it on its package (``sim.run = <module sim.run>``); the eager
    ``from sim.run import run`` this package had rebound the name to the function afterwards,
    and this keeps that meaning however the submodule comes to be imported.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "run" and isinstance(value, types.ModuleType):
            value = value.run
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
