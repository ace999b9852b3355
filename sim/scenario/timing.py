"""Dates that do not fit together: demand before the berths it needs, facilities that enter
service after the simulated period ends.

Such a scenario is valid (a plan may well be late), but its run diverts or holds those ships
quietly; these warnings say so up front. ``hubsim validate`` prints them, and a run carries
them among its model notes (printed by ``hubsim run``, in ``summary.json`` and the report).
"""

from __future__ import annotations

import datetime as dt

from sim.scenario.models import ALWAYS, Scenario

__all__ = ["timing_warnings"]


def _period(scenario: Scenario) -> tuple[dt.date, dt.date]:
    """First and last day the run counts."""
    start = dt.date(scenario.first_year, 1, 1)
    if scenario.run.horizon_days is not None:
        return start, start + dt.timedelta(days=scenario.run.horizon_days - 1)
    return start, dt.date(scenario.last_year, 12, 31)


def _day(date: dt.date) -> str:
    return date.isoformat()


def timing_warnings(scenario: Scenario) -> list[str]:
    """What in the scenario's dates keeps ships from a facility, in words.

    - a berth group, lock chamber, yard, gate, rail sidings or airport commissioned after the
      last day the run counts: it never serves in this run;
    - a stream whose terminal has no berth group for its commodity in service when the stream
      starts (within the counted period): its first ships are diverted or wait.

    Returns
    -------
    list of str
        One sentence each, naming the facility or stream and the dates (empty: all fit).
    """
    start, end = _period(scenario)
    warnings: list[str] = []

    def late(what: str, commissioning: dt.date) -> None:
        if commissioning > end:
            warnings.append(
                f"{what} enters service on {_day(commissioning)}, after the simulated period "
                f"ends ({_day(end)}): it serves no ship in this run"
            )

    for terminal_id, terminal in scenario.terminals.items():
        for group in terminal.berths:
            late(f"berth group {terminal_id}/{group.id}", group.commissioning)
        for yard in terminal.yards:
            late(f"yard {terminal_id}/{yard.id}", yard.commissioning)
        if terminal.gate is not None:
            late(f"the gate of {terminal_id}", terminal.gate.commissioning)
        if terminal.rail is not None:
            late(f"the rail sidings of {terminal_id}", terminal.rail.commissioning)
    for lock_id, lock in scenario.locks.items():
        for chamber in lock.chambers:
            late(f"lock chamber {lock_id}/{chamber.id}", chamber.commissioning)
    for airport_id, airport in scenario.airports.items():
        late(f"airport {airport_id}", airport.commissioning)

    for stream in scenario.demand.streams:
        home = scenario.terminals.get(stream.terminal)
        if home is None:
            continue
        groups = [g for g in home.berths if stream.commodity in g.commodities]
        if not groups:
            continue
        flows = max(dt.date(stream.from_year or scenario.demand.base_year, 1, 1), start)
        if flows > end:
            continue
        first = min(groups, key=lambda g: g.commissioning)
        if first.commissioning == ALWAYS or first.commissioning <= flows:
            continue
        ready = (
            f"until {_day(first.commissioning)} ({stream.terminal}/{first.id})"
            if first.commissioning <= end
            else "at any time of the simulated period"
        )
        warnings.append(
            f"stream {stream.id} ({stream.commodity} at {stream.terminal}) flows from "
            f"{_day(flows)}, but no berth group of {stream.terminal} handling "
            f"{stream.commodity} is in service {ready}: its ships are diverted or wait"
        )
    return warnings
