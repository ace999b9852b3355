"""Compile the landside of a scenario (gates, rail sidings and lines, airports) into the
stages and rail links of :mod:`sim.model.landside` (no SimPy here)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from network import Dataset, Route
from sim.model.calendar import Calendar
from sim.model.landside import LandsideOption, RailLinkSpec, StageSpec
from sim.scenario.models import ALWAYS, Scenario

__all__ = ["LandsideBuilder"]

#: A domestic container train of 55 FEU (110 TEU) at 11 t/TEU: vehicles.csv TRAIN_CONT_55FEU.
CONTAINER_TRAIN_T = 1210.0


@dataclass
class LandsideBuilder:
    """Collects the stages and rail links met by the streams' landside routes."""

    scenario: Scenario
    dataset: Dataset | None
    calendar: Calendar
    terminal_index: dict[str, int]
    stages: list[StageSpec] = field(default_factory=list)
    rail_links: list[RailLinkSpec] = field(default_factory=list)
    _stage_index: dict[str, int] = field(default_factory=dict)
    _link_index: dict[str, int] = field(default_factory=dict)

    def _hours(self, when: object) -> float:
        if when is None:
            return math.inf
        if when == ALWAYS:
            return -math.inf
        return self.calendar.in_service_h(when)  # type: ignore[arg-type]

    def _add(self, spec: StageSpec) -> int:
        index = self._stage_index.get(spec.id)
        if index is None:
            index = self._stage_index[spec.id] = len(self.stages)
            self.stages.append(spec)
        return index

    def gate(self, terminal_id: str) -> int | None:
        """The gate stage of a terminal (None: the scenario gives it no gate)."""
        gate = self.scenario.terminals[terminal_id].gate
        if gate is None:
            return None
        return self._add(
            StageSpec(
                f"{terminal_id}/gate",
                "gate",
                self.terminal_index[terminal_id],
                rate_t_per_h=gate.lanes * gate.trucks_per_h_per_lane * gate.truck_payload_t,
                vehicle_t=gate.truck_payload_t,
                hours_per_day=gate.hours_per_day,
                opens_at_h=gate.opens_at_h if gate.hours_per_day < 24 else 0.0,
                start_h=self._hours(gate.commissioning),
                end_h=self._hours(gate.decommissioning),
                vehicles_per_h=gate.lanes * gate.trucks_per_h_per_lane,
                place=terminal_id,
                lanes=gate.lanes,
            )
        )

    def rail(self, place: str) -> int:
        """The train stage at ``place``: a terminal's sidings, or a station with ample ones."""
        terminal = self.scenario.terminals.get(place)
        rail = terminal.rail if terminal is not None else None
        if rail is None:
            return self._add(
                StageSpec(
                    f"{place}/rail",
                    "rail",
                    self.terminal_index.get(place, -1),
                    vehicle_t=3500.0,
                    handling_h=4.0,
                    place=place,
                )
            )
        return self._add(
            StageSpec(
                f"{place}/rail",
                "rail",
                self.terminal_index[place],
                vehicle_t=rail.train_payload_t,
                sidings=rail.sidings,
                handling_h=rail.train_handling_h,
                max_wait_h=rail.train_max_wait_h,
                start_h=self._hours(rail.commissioning),
                end_h=self._hours(rail.decommissioning),
                place=place,
            )
        )

    def airport(self, place: str) -> int | None:
        airport = self.scenario.airports.get(place)
        if airport is None:
            return None
        return self._add(
            StageSpec(
                f"{place}/air",
                "air",
                -1,
                rate_t_per_h=airport.slots_per_day
                / airport.hours_per_day
                * airport.payload_t_per_flight,
                vehicle_t=airport.payload_t_per_flight,
                hours_per_day=airport.hours_per_day,
                opens_at_h=airport.opens_at_h if airport.hours_per_day < 24 else 0.0,
                start_h=self._hours(airport.commissioning),
                end_h=self._hours(airport.decommissioning),
                vehicles_per_h=airport.slots_per_day / airport.hours_per_day,
                place=place,
            )
        )

    def yard_rate(self, terminal_id: str, yard_id: str, rate_t_per_h: float) -> int:
        """A yard whose landside is a plain rate (``landside_rate_t_per_h``)."""
        return self._add(
            StageSpec(
                f"{terminal_id}/{yard_id}/landside",
                "rate",
                self.terminal_index[terminal_id],
                rate_t_per_h=rate_t_per_h,
                vehicle_t=30.0,
                place=terminal_id,
            )
        )

    def _links(self, link_ids: tuple[str, ...]) -> tuple[int, ...]:
        out = []
        for link_id in link_ids:
            index = self._link_index.get(link_id)
            if index is None:
                per_day = math.inf
                if self.dataset is not None:
                    per_day = float(self.dataset.links.loc[link_id, "capacity_movements_per_day"])
                    upgrade = self.scenario.links.get(link_id)
                    if upgrade is not None and upgrade.capacity_movements_per_day:
                        per_day = upgrade.capacity_movements_per_day
                if not math.isfinite(per_day) or per_day <= 0:
                    continue
                index = self._link_index[link_id] = len(self.rail_links)
                self.rail_links.append(RailLinkSpec(link_id, 24.0 / per_day))
            out.append(index)
        return tuple(out)

    def option(
        self,
        terminal_id: str,
        mode: str,
        share: float,
        route: Route,
        handling: Literal["unload", "load"],
        rate_stage: int | None,
        boxed: bool = False,
    ) -> LandsideOption:
        """The stages a landside route passes, in the order the cargo passes them.

        ``boxed`` cargo (containers, reefers) goes by container train (55 FEU, 1,210 t).
        """
        legs = list(route.legs)
        stages: list[int] = []
        lines: list[tuple[int, ...]] = []
        if rate_stage is not None:
            stages.append(rate_stage)
            lines.append(())
        ordered = legs if handling == "unload" else legs[::-1]
        for position, leg in enumerate(ordered):
            at_terminal = position == 0
            if at_terminal and rate_stage is not None:
                continue  # the yard's own landside rate stands for the terminal's stage
            if leg.mode == "road" and at_terminal:
                gate = self.gate(terminal_id)
                if gate is not None:
                    stages.append(gate)
                    lines.append(())
            elif leg.mode == "rail":
                # trains are formed where the rail leg starts (unload) or worked where it ends
                place = leg.places[0] if handling == "unload" else leg.places[-1]
                stages.append(self.rail(place))
                lines.append(self._links(leg.link_ids))
            elif leg.mode == "air":
                airfield = next(
                    (p for p in (leg.places[0], leg.places[-1]) if p in self.scenario.airports),
                    None,
                )
                airport = self.airport(airfield) if airfield is not None else None
                if airport is not None:
                    stages.append(airport)
                    lines.append(())
        if handling == "load":  # cargo passes the hinterland stages first
            stages.reverse()
            lines.reverse()
        rows = [(leg.mode, leg.length_km, leg.co2_kg_per_t, leg.cost_cny_per_t) for leg in legs]
        rows += [("transfer", 0.0, 0.0, t.cost_cny_per_t) for t in route.transfers]
        return LandsideOption(
            mode,
            share,
            tuple(stages),
            tuple(lines),
            tuple(rows),
            "+".join(route.modes),
            tuple(link for leg in legs for link in leg.link_ids),
            CONTAINER_TRAIN_T if boxed else 0.0,
        )
