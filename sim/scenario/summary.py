"""A short, readable summary of a checked scenario (printed by ``hubsim validate``), in the
current language (:mod:`sim.i18n`)."""

from __future__ import annotations

from collections import Counter

from sim.i18n import N_, tr
from sim.scenario.costs import capex_total
from sim.scenario.models import Scenario
from sim.scenario.routes import NetworkCheck

__all__ = ["summary_lines"]

#: How a stream's ships are handled, as the routes line counts them.
_HANDLING = {"unload": N_("unload"), "load": N_("load"), "transship": N_("transship")}


def _mt(tonnes: float) -> str:
    return tr("{mt:,.1f} Mt", mt=tonnes / 1e6)


def summary_lines(scenario: Scenario, check: NetworkCheck) -> list[str]:
    """Lines describing the plan, the demand against the target, the routes and the run."""
    groups = [g for t in scenario.terminals.values() for g in t.berths]
    chambers = sum(len(lock.chambers) for lock in scenario.locks.values())
    capex = capex_total(scenario)
    lines = [
        tr(
            "plan: {terminals} terminals, {groups} berth groups ({berths} berths), {locks} "
            "locks ({chambers} chambers), {links} link upgrades; CAPEX {capex_bn:,.2f} bn CNY",
            terminals=len(scenario.terminals),
            groups=len(groups),
            berths=sum(g.count for g in groups),
            locks=len(scenario.locks),
            chambers=chambers,
            links=len(scenario.links),
            capex_bn=capex / 1e9,
        ),
    ]
    demand = scenario.demand
    first, last = scenario.first_year, scenario.last_year
    years = sorted({first, last, scenario.target.year})
    offered = tr(", ").join(
        tr("{year}: {tonnes}", year=y, tonnes=_mt(demand.port_tonnes(y))) for y in years
    )
    through = demand.through_tonnes(last)
    lines.append(
        tr(
            "demand across the quay: {offered}; through traffic {through} in {year}",
            offered=offered,
            through=_mt(through),
            year=last,
        )
        if through
        else tr("demand across the quay: {offered}", offered=offered)
    )
    rate_based = sum(1 for s in demand.streams if s.vessels_per_day is not None)
    if rate_based:
        lines.append(tr("{n} stream(s) given as vessels per day", n=rate_based))
    lines.append(
        tr(
            "target: {target} in {year}",
            target=_mt(scenario.target.throughput_t),
            year=scenario.target.year,
        )
    )
    if scenario.processes:
        names = ", ".join(p.function for p in scenario.processes)
        lines.append(tr("processes of your own (run in every replication): {names}", names=names))
    if check.routes:
        handling = Counter(r.handling for routes in check.routes.values() for r in routes)
        lines.append(
            tr(
                "routes: {streams} streams routed ({handling} by vessel class), {through} "
                "through-traffic flows",
                streams=len(check.routes),
                handling=tr(", ").join(
                    tr("{n} {kind}", n=n, kind=tr(_HANDLING.get(kind, kind)))
                    for kind, n in sorted(handling.items())
                ),
                through=len(check.through_routes),
            )
        )
    elif scenario.network is None:
        lines.append(
            tr("no network: {n} stream(s) arrive at their terminal", n=len(demand.streams))
        )
    horizon = (
        tr("{days:g} days from {year}", days=scenario.run.horizon_days, year=first)
        if scenario.run.horizon_days
        else tr("{first}-{last}", first=first, last=last)
        if last > first
        else tr("{year}", year=first)
    )
    lines.append(
        tr(
            "run: {horizon} after a {warmup:g}-day warm-up (not counted), {replications} "
            "replications, seed {seed}",
            horizon=horizon,
            warmup=scenario.warmup_days,
            replications=scenario.run.replications,
            seed=scenario.run.seed,
        )
    )
    return lines
