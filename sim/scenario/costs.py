"""What a plan costs to build (CAPEX), from the facilities of a scenario and their counts.

A facility's CAPEX is its ``capex_cny`` (the fixed part) plus its cost per unit times its
units: ``capex_cny_per_berth`` x ``count`` of a berth group, ``capex_cny_per_lane`` x
``lanes`` of a gate, ``capex_cny_per_siding`` x ``sidings`` of rail sidings,
``capex_cny_per_t`` x ``capacity_t`` of a yard (and ``capex_cny_per_plug`` x
``reefer_plugs``), ``capex_cny_per_slot`` x ``slots_per_day`` of an airport. A lock chamber
and a link upgrade are one unit each (their ``capex_cny``).

:func:`capex_items` lists every facility with its CAPEX (used by ``hubsim validate``, the
run report and ``hubsim compare``); :func:`capex_difference` says what one scenario file
adds to another, facility by facility (compared by id and count).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

from sim.scenario.models import ALWAYS, Facility, Scenario

__all__ = ["CAPEX_COLUMNS", "DIFFERENCE_COLUMNS", "capex_difference", "capex_items", "capex_total"]

#: Columns of :func:`capex_items`.
CAPEX_COLUMNS = [
    "facility",
    "kind",
    "units",
    "unit",
    "fixed_cny",
    "unit_cost_cny",
    "capex_cny",
    "commissioning",
]

#: Columns of :func:`capex_difference`.
DIFFERENCE_COLUMNS = [
    "facility",
    "kind",
    "unit",
    "base_units",
    "units",
    "units_added",
    "unit_cost_cny",
    "capex_added_cny",
    "note",
]

# kind -> (units attribute, unit in words, unit cost attribute)
_UNITS: dict[str, tuple[str, str, str]] = {
    "berths": ("count", "berths", "capex_cny_per_berth"),
    "yard": ("capacity_t", "t", "capex_cny_per_t"),
    "yard plugs": ("reefer_plugs", "reefer plugs", "capex_cny_per_plug"),
    "gate": ("lanes", "lanes", "capex_cny_per_lane"),
    "rail sidings": ("sidings", "sidings", "capex_cny_per_siding"),
    "airport": ("slots_per_day", "slots/day", "capex_cny_per_slot"),
}


def _facilities(scenario: Scenario) -> Iterator[tuple[str, str, Facility]]:
    """(facility id, kind, facility) of every facility, in file order."""
    for terminal_id, terminal in scenario.terminals.items():
        for group in terminal.berths:
            yield f"{terminal_id}/{group.id}", "berths", group
        for yard in terminal.yards:
            yield f"{terminal_id}/{yard.id}", "yard", yard
            if yard.capex_cny_per_plug > 0:
                yield f"{terminal_id}/{yard.id}", "yard plugs", yard
        if terminal.gate is not None:
            yield f"{terminal_id}/gate", "gate", terminal.gate
        if terminal.rail is not None:
            yield f"{terminal_id}/rail", "rail sidings", terminal.rail
    for lock_id, lock in scenario.locks.items():
        for chamber in lock.chambers:
            yield f"{lock_id}/{chamber.id}", "lock chamber", chamber
    for link_id, upgrade in scenario.links.items():
        yield link_id, "link upgrade", upgrade
    for airport_id, airport in scenario.airports.items():
        yield airport_id, "airport", airport


def _row(facility_id: str, kind: str, facility: Facility) -> dict[str, Any]:
    if kind in _UNITS:
        units_field, unit, cost_field = _UNITS[kind]
        units = float(getattr(facility, units_field))
        unit_cost = float(getattr(facility, cost_field))
    else:
        units, unit, unit_cost = 1.0, "chamber" if kind == "lock chamber" else "upgrade", 0.0
    # a yard's fixed part is counted once, on its capacity row
    fixed = 0.0 if kind == "yard plugs" else float(facility.capex_cny)
    commissioning: dt.date | None = (
        None if facility.commissioning == ALWAYS else facility.commissioning
    )
    return {
        "facility": facility_id,
        "kind": kind,
        "units": units,
        "unit": unit,
        "fixed_cny": fixed,
        "unit_cost_cny": unit_cost,
        "capex_cny": fixed + unit_cost * units,
        "commissioning": commissioning,
    }


def capex_items(scenario: Scenario) -> pd.DataFrame:
    """Every facility of a scenario with its CAPEX.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    DataFrame
        One row per facility (a yard with a cost per reefer plug has a second row, kind
        ``yard plugs``): ``facility`` (``TERMINAL/GROUP``, ``TERMINAL/gate``,
        ``TERMINAL/rail``, ``LOCK/CHAMBER``, a link or an airport id), ``kind``, ``units``
        and ``unit`` (berths, t, lanes, sidings, slots/day; 1 chamber or upgrade),
        ``fixed_cny`` (its ``capex_cny``), ``unit_cost_cny``, ``capex_cny`` (fixed + unit
        cost x units) and ``commissioning`` (None: in service from the start).

    Examples
    --------
    >>> from sim.explore import scenario_path
    >>> from sim.scenario import load_scenario
    >>> items = capex_items(load_scenario(scenario_path("huaian_2028_plan")))
    >>> items.set_index("facility").loc["LOCK_HUAIAN/C4", "capex_cny"]
    np.float64(890000000.0)
    """
    rows = [_row(*item) for item in _facilities(scenario)]
    return pd.DataFrame(rows, columns=CAPEX_COLUMNS)


def capex_total(scenario: Scenario) -> float:
    """The CAPEX of every facility of a scenario (CNY)."""
    return float(capex_items(scenario)["capex_cny"].sum())


def capex_difference(base: Scenario, variant: Scenario) -> pd.DataFrame:
    """What ``variant`` adds to ``base`` in CAPEX, facility by facility (by id and count).

    - A facility only in ``variant`` adds its CAPEX; one only in ``base`` removes its CAPEX
      (a negative ``capex_added_cny``).
    - A facility in both whose ``capex_cny`` or unit cost the variant changes adds the
      difference of the two CAPEX figures (the variant's file states its cost).
    - Otherwise extra units (e.g. two more berths in a group) cost the unit cost each; a
      group with no unit cost but a fixed ``capex_cny`` for its count gets the unit cost
      ``capex_cny / count`` of the base (and the ``note`` says it was derived).

    Parameters
    ----------
    base, variant : Scenario

    Returns
    -------
    DataFrame
        One row per facility whose CAPEX or units differ: ``facility, kind, unit,
        base_units, units, units_added, unit_cost_cny, capex_added_cny, note``. Its
        ``capex_added_cny`` sums to what ``variant`` adds.
    """
    before = {(r["facility"], r["kind"]): r for r in capex_items(base).to_dict("records")}
    after = {(r["facility"], r["kind"]): r for r in capex_items(variant).to_dict("records")}
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        facility, kind = key
        if old is None or new is None:
            present = new if new is not None else old
            assert present is not None
            added = present["capex_cny"] if new is not None else -present["capex_cny"]
            rows.append(
                {
                    "facility": facility,
                    "kind": kind,
                    "unit": present["unit"],
                    "base_units": math.nan if old is None else old["units"],
                    "units": math.nan if new is None else new["units"],
                    "units_added": present["units"] if new is not None else -present["units"],
                    "unit_cost_cny": present["unit_cost_cny"],
                    "capex_added_cny": added,
                    "note": "new facility" if old is None else "removed",
                }
            )
            continue
        units_added = new["units"] - old["units"]
        costs_changed = (
            new["fixed_cny"] != old["fixed_cny"] or new["unit_cost_cny"] != old["unit_cost_cny"]
        )
        if not costs_changed and units_added == 0:
            continue
        unit_cost, note = new["unit_cost_cny"], ""
        if costs_changed:
            added = new["capex_cny"] - old["capex_cny"]
            note = "CAPEX as the file gives it"
        elif unit_cost > 0:
            added = units_added * unit_cost
        elif old["fixed_cny"] > 0 and old["units"] > 0 and kind in _UNITS:
            unit_cost = old["fixed_cny"] / old["units"]
            added = units_added * unit_cost
            what = "group" if kind == "berths" else kind
            note = f"unit cost derived: {what} CAPEX / {old['unit']}"
        else:
            added = 0.0
            note = "no unit cost: the extra units are not costed"
        rows.append(
            {
                "facility": facility,
                "kind": kind,
                "unit": new["unit"],
                "base_units": old["units"],
                "units": new["units"],
                "units_added": units_added,
                "unit_cost_cny": unit_cost,
                "capex_added_cny": added,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
