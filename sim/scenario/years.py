"""Which years a scenario simulates, and the check of a year asked for on the command line."""

from __future__ import annotations

from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.models import Scenario

__all__ = ["require_simulated_year"]


def require_simulated_year(scenario: Scenario, year: int, *, option: str = "--year") -> None:
    """Check that ``year`` is one the scenario simulates (``Scenario.simulated_years``).

    Parameters
    ----------
    scenario : Scenario
        The scenario as loaded (before it is cut to one year).
    year : int
        The year asked for.
    option : str
        How the year was given, for the message.

    Raises
    ------
    ScenarioError
        ``year`` is outside the simulated years; the message names them.

    Examples
    --------
    >>> plan = load_scenario("scenarios/huaian_2028_plan.yaml")   # simulates 2025-2028
    >>> require_simulated_year(plan, 2031)
    Traceback (most recent call last):
    ...
    sim.scenario.errors.ScenarioError: Huai'an Port 2028 plan: --year 2031: the scenario
    simulates 2025-2028; choose one of those years
    """
    years = scenario.simulated_years
    if year in years:
        return
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    choose = "choose that year" if len(years) == 1 else "choose one of those years"
    raise ScenarioError(
        ScenarioIssue(
            scenario.name, None, "", f"{option} {year}: the scenario simulates {span}; {choose}"
        )
    )
