"""Warnings about a valid scenario that is probably not what its author meant.

- dates that do not fit together: demand before the berths it needs, facilities that enter
  service after the simulated period ends (the run would divert or hold those ships quietly);
- unit slips: a target or a stream of a few tonnes, where million tonnes were meant.

``hubsim validate`` prints them, and a run carries them among its model notes (printed by
``hubsim run``, in ``summary.json`` and the report).
"""

from __future__ import annotations

import datetime as dt

from sim.scenario.models import ALWAYS, Scenario

__all__ = ["scenario_warnings", "timing_warnings", "unit_warnings"]


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


#: Below these, a figure in tonnes was probably typed in million tonnes.
_TARGET_AT_LEAST_T = 100_000.0
_STREAM_AT_LEAST_T = 1_000.0


def unit_warnings(scenario: Scenario) -> list[str]:
    """Figures in tonnes small enough to be million tonnes typed into a tonnes field."""
    warnings: list[str] = []
    target = scenario.target.throughput_t
    if target < _TARGET_AT_LEAST_T:
        warnings.append(
            f"target.throughput_t is {target:,g} t: did you mean {target:g} Mt "
            f"({target * 1e6:_.0f})? The field is in tonnes"
        )
    for flow in (*scenario.demand.streams, *scenario.demand.through_traffic):
        tonnes = flow.annual_t
        if tonnes is not None and tonnes < _STREAM_AT_LEAST_T:
            warnings.append(
                f"{flow.id} carries {tonnes:,g} t a year: did you mean {tonnes:g} Mt "
                f"({tonnes * 1e6:_.0f})? annual_t is in tonnes"
            )
    return warnings


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Every warning of this module, dates first."""
    return [*timing_warnings(scenario), *unit_warnings(scenario)]
