"""Warnings about a valid scenario that is probably not what its author meant.

- dates that do not fit together: demand before the berths it needs, facilities that enter
  service after the simulated period ends (the run would divert or hold those ships quietly);
- unit slips: a target or a stream of a few tonnes, where million tonnes were meant.

``hubsim validate`` prints them, and a run carries them among its model notes (printed by
``hubsim run``, in ``summary.json`` and the report). They are stored English (:func:`sim.i18n.en`),
written in the chosen language where they are shown (:func:`sim.i18n.localise`).
"""

from __future__ import annotations

import datetime as dt

from sim.i18n import en
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
                en(
                    "{what} enters service on {date}, after the simulated period ends ({end}): "
                    "it serves no ship in this run",
                    what=what,
                    date=_day(commissioning),
                    end=_day(end),
                )
            )

    for terminal_id, terminal in scenario.terminals.items():
        for group in terminal.berths:
            late(
                en("berth group {terminal}/{group}", terminal=terminal_id, group=group.id),
                group.commissioning,
            )
        for yard in terminal.yards:
            late(
                en("yard {terminal}/{yard}", terminal=terminal_id, yard=yard.id), yard.commissioning
            )
        if terminal.gate is not None:
            late(en("the gate of {terminal}", terminal=terminal_id), terminal.gate.commissioning)
        if terminal.rail is not None:
            late(
                en("the rail sidings of {terminal}", terminal=terminal_id),
                terminal.rail.commissioning,
            )
    for lock_id, lock in scenario.locks.items():
        for chamber in lock.chambers:
            late(
                en("lock chamber {lock}/{chamber}", lock=lock_id, chamber=chamber.id),
                chamber.commissioning,
            )
    for airport_id, airport in scenario.airports.items():
        late(en("airport {airport}", airport=airport_id), airport.commissioning)

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
            en(
                "until {date} ({terminal}/{group})",
                date=_day(first.commissioning),
                terminal=stream.terminal,
                group=first.id,
            )
            if first.commissioning <= end
            else en("at any time of the simulated period")
        )
        warnings.append(
            en(
                "stream {stream} ({commodity} at {terminal}) flows from {date}, but no berth "
                "group of {terminal} handling {commodity} is in service {ready}: its ships are "
                "diverted or wait",
                stream=stream.id,
                commodity=stream.commodity,
                terminal=stream.terminal,
                date=_day(flows),
                ready=ready,
            )
        )
    return warnings


#: Below these, a figure in tonnes was probably typed in million tonnes.
_TARGET_AT_LEAST_T = 100_000.0
_STREAM_AT_LEAST_T = 1_000.0


def _slip(tonnes: float) -> dict[str, str]:
    """A figure as typed (``5``), read as Mt (``5``) and as the tonnes meant (``5_000_000``,
    the spelling a YAML file takes), formatted here: text fields of a stored template."""
    return {"typed": f"{tonnes:,g}", "typed_mt": f"{tonnes:g}", "meant": f"{tonnes * 1e6:_.0f}"}


def unit_warnings(scenario: Scenario) -> list[str]:
    """Figures in tonnes small enough to be million tonnes typed into a tonnes field."""
    warnings: list[str] = []
    target = scenario.target.throughput_t
    if target < _TARGET_AT_LEAST_T:
        warnings.append(
            en(
                "target.throughput_t is {typed} t: did you mean {typed_mt} Mt ({meant})? The "
                "field is in tonnes",
                **_slip(target),
            )
        )
    for flow in (*scenario.demand.streams, *scenario.demand.through_traffic):
        tonnes = flow.annual_t
        if tonnes is not None and tonnes < _STREAM_AT_LEAST_T:
            warnings.append(
                en(
                    "{flow} carries {typed} t a year: did you mean {typed_mt} Mt ({meant})? "
                    "annual_t is in tonnes",
                    flow=flow.id,
                    **_slip(tonnes),
                )
            )
    return warnings


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Every warning of this module, dates first."""
    return [*timing_warnings(scenario), *unit_warnings(scenario)]
