"""The facilities of the cargo's landside leg: truck gates, rail sidings, the rail links'
train paths, airports' flight slots, a yard's landside rate, and the supply of export cargo
by land for which loading ships wait."""

from __future__ import annotations

from typing import Any

from sim.facilities.base import FacilityKind, RankRow
from sim.i18n import en

__all__ = ["AIRPORT", "GATE", "LANDSIDE_SUPPLY", "RAIL_LINK", "SIDINGS", "YARD_RATE"]

#: the columns of the ``landside`` KPI table, shared by its kinds
LANDSIDE_COLUMNS = ("resource", "kind", "place", "tonnes", "vehicles", "utilisation")


def _rank_landside(row: Any) -> RankRow:
    return (row.utilisation, 0.0, 0.0, 0.0)


def _terminal(document: dict[str, Any], resource: str) -> tuple[str, dict[str, Any] | None]:
    place = resource.split("/", 1)[0]
    return place, document["terminals"].get(place)


def _relieve_gate(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    place, terminal = _terminal(document, resource)
    if terminal and terminal.get("gate"):
        terminal["gate"]["lanes"] += 1
        return en("one more gate lane at {place}", place=place)
    return None


def _relieve_sidings(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    place, terminal = _terminal(document, resource)
    if terminal and terminal.get("rail"):
        terminal["rail"]["sidings"] += 1
        return en("one more rail siding at {place}", place=place)
    return None


def _relieve_airport(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    place = resource.split("/", 1)[0]
    if place in document["airports"]:
        document["airports"][place]["slots_per_day"] *= 1.25
        return en("25 % more flight slots at {place}", place=place)
    return None


def _relieve_rail_link(document: dict[str, Any], resource: str, scenario: Any) -> str | None:
    import network  # the dataset's link capacities: read only when a link is relieved

    link = resource.removeprefix("rail link ")
    dataset = network.read_dataset(scenario.network.data if scenario.network else None)
    if link not in dataset.links.index:
        return None
    upgrade = document["links"].setdefault(link, {})
    now = upgrade.get("capacity_movements_per_day") or float(
        dataset.links.loc[link, "capacity_movements_per_day"]
    )
    upgrade["capacity_movements_per_day"] = now * 1.25
    return en("25 % more train paths on {link}", link=link)


GATE = FacilityKind(
    name="gate",
    label="Truck gate",
    side="landside",
    scenario="terminals: {TERMINAL_ID: {gate: {lanes, hours_per_day, ...}}}",
    schema="sim.scenario.models:Gate",
    spec="sim.model.landside:StageSpec",
    station="sim.engine.landside:RateStage",
    kpi_table="landside",
    kpi_columns=LANDSIDE_COLUMNS,
    rank=_rank_landside,
    relieve=_relieve_gate,
    relief="one more gate lane",
    breakdown="gate",
    weather="gates",
    mode="road",
    unit_word="gate",
    vehicles="trucks",
)

SIDINGS = FacilityKind(
    name="rail",
    label="Rail sidings",
    side="landside",
    scenario="terminals: {TERMINAL_ID: {rail: {sidings, ...}}}",
    schema="sim.scenario.models:RailSidings",
    spec="sim.model.landside:StageSpec",
    station="sim.engine.landside:TrainStage",
    kpi_table="landside",
    kpi_columns=LANDSIDE_COLUMNS,
    rank=_rank_landside,
    relieve=_relieve_sidings,
    relief="one more siding",
    breakdown="siding",
    mode="rail",
    unit_word="sidings",
    vehicles="trains",
)

RAIL_LINK = FacilityKind(
    name="rail line",
    label="Rail link (train paths)",
    side="landside",
    scenario="links: {LINK_ID: {capacity_movements_per_day, ...}} (the network's rail links)",
    schema="sim.scenario.models:LinkUpgrade",
    spec="sim.model.landside:RailLinkSpec",
    station="sim.engine.landside:RailLink",
    kpi_table="landside",
    kpi_columns=LANDSIDE_COLUMNS,
    rank=_rank_landside,
    relieve=_relieve_rail_link,
    relief="a quarter more train paths on the link",
    mode="rail",
    hatch="//",
    vehicles="train movements",
)

AIRPORT = FacilityKind(
    name="air",
    label="Airport (flight slots)",
    side="landside",
    scenario="airports: {AIRPORT_ID: {slots_per_day, ...}}",
    schema="sim.scenario.models:Airport",
    spec="sim.model.landside:StageSpec",
    station="sim.engine.landside:RateStage",
    kpi_table="landside",
    kpi_columns=LANDSIDE_COLUMNS,
    rank=_rank_landside,
    relieve=_relieve_airport,
    relief="a quarter more flight slots",
    weather="air",
    mode="air",
    unit_word="slots",
    vehicles="flights",
)

YARD_RATE = FacilityKind(
    name="rate",
    label="Yard landside rate",
    side="landside",
    scenario="terminals: {TERMINAL_ID: {yards: [{landside_rate_t_per_h, ...}]}}",
    schema="sim.scenario.models:Yard",
    spec="sim.model.landside:StageSpec",
    station="sim.engine.landside:RateStage",
    kpi_table="landside",
    kpi_columns=LANDSIDE_COLUMNS,
    rank=_rank_landside,
    colour="#bcbd22",
)

LANDSIDE_SUPPLY = FacilityKind(
    name="landside supply",
    label="Cargo by land",
    side="landside",
    scenario="a loading stream's landside legs (gates, sidings, links, airports)",
    relieve=_relieve_gate,
    relief="one more gate lane at the terminal",
    mode="road",
    busy="its cargo comes by land",
    waits="loading ships wait {mean_wait_h:.1f} h at the berth for it",
)
