"""Scenario files: a typed, validated, immutable description of one what-if (no SimPy here)."""

from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.load import load_scenario
from sim.scenario.models import Scenario

__all__ = ["Scenario", "ScenarioError", "ScenarioIssue", "load_scenario"]
