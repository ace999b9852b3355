"""The facilities on ships' itineraries: locks, berth groups and their yards, and the
diverter that sends a ship to another terminal when its own is congested."""

from __future__ import annotations

import math
from typing import Any

from sim.facilities.base import FacilityKind, RankRow, ReliefRule
from sim.i18n import en

__all__ = ["BERTHS", "DIVERTER", "LOCK", "YARD", "one_more_server", "rank_stop"]


def rank_stop(row: Any) -> RankRow:
    """The ranking rule of a stop kind whose rows are in the ``stops`` KPI table."""
    return (row.utilisation, row.mean_wait_h, row.wait_h_total, 0.0)


def one_more_server(kind: str) -> ReliefRule:
    """The relief rule "one more server" of a stop kind whose entries have ``servers``."""

    def relieve(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
        entry = document.get("facilities", {}).get(kind, {}).get(resource)
        if entry is None or "servers" not in entry:
            return None
        entry["servers"] += 1
        return en(
            "one more server at {resource} ({servers_n} in all)",
            resource=resource,
            servers_n=entry["servers"],
        )

    return relieve


def _rank_lock(row: Any) -> RankRow:
    return (row.utilisation, row.mean_wait_h, row.wait_h_total, 0.0)


def _relieve_lock(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    lock = document["locks"].get(resource)
    if lock is None:
        return None
    chambers = lock["chambers"]
    largest = max(chambers, key=lambda c: c["length_m"] * c["width_m"])
    chambers.append(
        {**largest, "id": "RELIEF", "commissioning": "1900-01-01", "decommissioning": None}
    )
    return en(
        "one more chamber of {length:g} x {width:g} m at {resource}",
        length=largest["length_m"],
        width=largest["width_m"],
        resource=resource,
    )


def _rank_berths(row: Any) -> RankRow:
    return (row.occupancy, row.mean_wait_h, row.wait_h_total, row.blocked_h)


def _relieve_berths(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    terminal, _, group = resource.partition("/")
    for item in document["terminals"].get(terminal, {}).get("berths", []):
        if item["id"] == group:
            item["count"] += 1
            return en("one more berth in {resource}", resource=resource)
    return None


def _rank_yard(row: Any) -> RankRow:
    per_ship = row.blocked_h / row.ships_blocked if row.ships_blocked else 0.0
    return (row.occupancy, per_ship, row.blocked_h, row.blocked_h)


def _relieve_yard(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    terminal, _, yard = resource.partition("/")
    for item in document["terminals"].get(terminal, {}).get("yards", []):
        if item["id"] == yard:
            item["capacity_t"] *= 1.25
            item["reefer_plugs"] = math.ceil(item.get("reefer_plugs", 0) * 1.25)
            return en("25 % more yard at {resource}", resource=resource)
    return None


LOCK = FacilityKind(
    name="lock",
    label="Lock",
    side="waterside",
    scenario="locks: {LOCK_ID: {chambers: [...], policy, ...}}",
    schema="sim.scenario.models:Lock",
    spec="sim.model.specs:LockSpec",
    station="sim.engine.stations.lock:LockStation",
    kpi_table="locks",
    kpi_columns=(
        "resource",
        "chambers",
        "passages",
        "lockages",
        "empty_lockages",
        "utilisation",
        "mean_wait_h",
        "p95_wait_h",
        "max_wait_h",
        "vessels_per_lockage",
        "area_share",
        "tonnes",
        "ship_tonnage_t",
        "laden_passages",
        "tonnes_per_lockage",
        "ship_tonnage_t_per_lockage",
        "mean_time_in_lock_h",
        "wait_h_total",
    ),
    rank=_rank_lock,
    relieve=_relieve_lock,
    relief="one more chamber as large as its largest, in service all year",
    breakdown="lock_chamber",
    weather="locks",
    colour="#17becf",
    busy="its chambers are busy {utilisation:.0%} of the time",
)

BERTHS = FacilityKind(
    name="berths",
    label="Berth group",
    side="waterside",
    scenario="terminals: {TERMINAL_ID: {berths: [{id, count, handling_t_per_h, ...}]}}",
    schema="sim.scenario.models:BerthGroup",
    spec="sim.model.specs:BerthGroupSpec",
    station="sim.engine.stations.terminal:TerminalStation",
    kpi_table="berths",
    kpi_columns=(
        "resource",
        "terminal",
        "port_area",
        "berths",
        "calls",
        "occupancy",
        "mean_wait_h",
        "mean_service_h",
        "waiting_service_ratio",
        "blocked_h",
        "wait_h_total",
    ),
    rank=_rank_berths,
    relieve=_relieve_berths,
    relief="one more berth in the group",
    breakdown="crane",
    weather="berths",
    colour="#d62728",
    busy="its berths are occupied {utilisation:.0%} of the time",
)

YARD = FacilityKind(
    name="yard",
    label="Yard",
    side="waterside",
    scenario="terminals: {TERMINAL_ID: {yards: [{id, capacity_t, reefer_plugs, ...}]}}",
    schema="sim.scenario.models:Yard",
    spec="sim.model.specs:YardSpec",
    station="sim.engine.landside:Yard",
    kpi_table="yards",
    kpi_columns=(
        "resource",
        "terminal",
        "cargo_group",
        "capacity_t",
        "mean_occupancy_t",
        "occupancy",
        "peak_occupancy_t",
        "reefer_plugs",
        "plugs_in_use",
        "blocked_h",
        "ships_blocked",
    ),
    rank=_rank_yard,
    relieve=_relieve_yard,
    relief="a quarter more capacity (and reefer plugs)",
    colour="#bcbd22",
    busy="it is {utilisation:.0%} full on average",
    waits="a full yard held ships {blocked_h:,.0f} h at the berth",
)

DIVERTER = FacilityKind(
    name="diverter",
    label="Diversion",
    side="routing",
    scenario="operations: {diversion: ...}; a stream's diversions: [TERMINAL_ID, ...]",
    schema="sim.scenario.models:Diversion",
    station="sim.engine.stations.diverter:Diverter",
    colour="#7f7f7f",
)
