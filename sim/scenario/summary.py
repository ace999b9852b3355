"""A short, readable summary of a checked scenario (printed by ``hubsim validate``)."""

from __future__ import annotations

from collections import Counter

from sim.scenario.costs import capex_total
from sim.scenario.models import Scenario
from sim.scenario.routes import NetworkCheck

__all__ = ["summary_lines"]


def _mt(tonnes: float) -> str:
    return f"{tonnes / 1e6:,.1f} Mt"


def summary_lines(scenario: Scenario, check: NetworkCheck) -> list[str]:
    """Lines describing the plan, the demand against the target, the routes and the run."""
    groups = [g for t in scenario.terminals.values() for g in t.berths]
    chambers = sum(len(lock.chambers) for lock in scenario.locks.values())
    capex = capex_total(scenario)
    lines = [
        f"plan: {len(scenario.terminals)} terminals, {len(groups)} berth groups "
        f"({sum(g.count for g in groups)} berths), {len(scenario.locks)} locks "
        f"({chambers} chambers), {len(scenario.links)} link upgrades; CAPEX "
        f"{capex / 1e9:,.2f} bn CNY",
    ]
    demand = scenario.demand
    first, last = scenario.first_year, scenario.last_year
    years = sorted({first, last, scenario.target.year})
    offered = ", ".join(f"{y}: {_mt(demand.port_tonnes(y))}" for y in years)
    through = demand.through_tonnes(last)
    lines.append(
        f"demand across the quay: {offered}"
        + (f"; through traffic {_mt(through)} in {last}" if through else "")
    )
    rate_based = sum(1 for s in demand.streams if s.vessels_per_day is not None)
    if rate_based:
        lines.append(f"{rate_based} stream(s) given as vessels per day")
    lines.append(f"target: {_mt(scenario.target.throughput_t)} in {scenario.target.year}")
    if scenario.processes:
        names = ", ".join(p.function for p in scenario.processes)
        lines.append(f"processes of your own (run in every replication): {names}")
    if check.routes:
        handling = Counter(r.handling for routes in check.routes.values() for r in routes)
        lines.append(
            f"routes: {len(check.routes)} streams routed ("
            + ", ".join(f"{n} {kind}" for kind, n in sorted(handling.items()))
            + f" by vessel class), {len(check.through_routes)} through-traffic flows"
        )
    elif scenario.network is None:
        lines.append(f"no network: {len(demand.streams)} stream(s) arrive at their terminal")
    horizon = (
        f"{scenario.run.horizon_days:g} days from {first}"
        if scenario.run.horizon_days
        else f"{first}-{last}"
        if last > first
        else f"{first}"
    )
    lines.append(
        f"run: {horizon} after a {scenario.warmup_days:g}-day warm-up (not counted), "
        f"{scenario.run.replications} replications, seed {scenario.run.seed}"
    )
    return lines
