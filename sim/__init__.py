"""hubsim: multimodal logistics hub simulator for Huai'an Port.

``sim.run(scenario, replications=N, seed=S)`` simulates a scenario file (or a loaded
:class:`Scenario`) and returns a :class:`RunResult`; ``network`` holds the geodata and graph.
"""

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
