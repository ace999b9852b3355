"""A new kind of stop on ships' paths, added from one file (this one) without touching hubsim.

A ship-to-ship transfer anchorage is described here as a package would describe it: its
scenario schema, its compiler (entries -> :class:`~sim.model.specs.StopSpec`), its service
rule and its descriptor, registered with :func:`sim.facilities.register`. The scenario
declares it in ``facilities``; the compiler puts it on the itineraries of the ships whose
path passes its node, the engine runs it as a :class:`~sim.engine.stations.ServerStop`, and
its visits, KPI row, bottleneck rank and relief rule come out with no other file changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict, Field

from sim import facilities
from sim.engine import simulate
from sim.explore import scenario_path, with_run_settings
from sim.facilities import FacilityKind
from sim.facilities.waterside import one_more_server, rank_stop
from sim.model.calendar import Calendar
from sim.model.compile import compile_scenario
from sim.model.specs import StopSpec
from sim.runs.capacity import _relieved
from sim.runs.run import run
from sim.scenario import Scenario, ScenarioError

NODE = "J_BAOYING"  # where the Jinbao waterway meets the Grand Canal: on many ships' paths


class TransferAnchorage(BaseModel):
    """A ship-to-ship transfer anchorage (its scenario entry)."""

    model_config = ConfigDict(extra="forbid")
    servers: int = Field(ge=1, description="ships transferring at once")
    transfer_t_per_h: float = Field(gt=0, description="tonnes moved per hour per ship")


def transfer_hours(payload_t: float, length_m: float, beam_m: float, *, rate: float) -> float:
    """Hours a ship spends at the anchorage: its payload at the transfer rate."""
    return payload_t / rate


def compile_anchorages(
    entries: Mapping[str, TransferAnchorage], calendar: Calendar
) -> tuple[StopSpec, ...]:
    return tuple(
        StopSpec(
            node,
            "sts",
            entry.servers,
            f"{__name__}:transfer_hours",
            (("rate", entry.transfer_t_per_h),),
        )
        for node, entry in entries.items()
    )


STS = FacilityKind(
    name="sts",
    label="Transfer anchorage",
    side="waterside",
    scenario="facilities: {sts: {NODE_ID: {servers, transfer_t_per_h}}}",
    schema=f"{__name__}:TransferAnchorage",
    compiler=f"{__name__}:compile_anchorages",
    kpi_table="stops",
    rank=rank_stop,
    relieve=one_more_server("sts"),
    relief="one more transfer spread",
    colour="#8c564b",
)


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    facilities.register(STS)
    yield
    facilities.unregister("sts")


def _scenario(servers: int, rate: float, days: float = 6.0) -> Scenario:
    base = with_run_settings(
        scenario_path("huaian_2025_baseline"), horizon_days=days, warmup_days=1
    )
    document = base.model_dump(mode="json")
    document["facilities"] = {"sts": {NODE: {"servers": servers, "transfer_t_per_h": rate}}}
    return Scenario.model_validate(document)


def test_ships_passing_the_node_stop_there_and_each_visit_is_recorded() -> None:
    model = compile_scenario(_scenario(servers=50, rate=1e6))
    assert model.stop_kinds == ("lock", "berths", "sts")
    code = model.stop_kinds.index("sts")
    passing = {i for i, it in enumerate(model.itineraries) if code in it.kinds}
    assert passing, "no itinerary passes the anchorage's node"
    records = simulate(model, seed=3, replication=0)
    visits = records.visits
    vessels = records.vessels
    served = np.isin(vessels["itinerary"], sorted(passing))
    # every ship of those itineraries that reached the anchorage has exactly one visit per
    # pass (a ship may pass it inbound and outbound)
    per_vessel = np.bincount(visits["vessel"], minlength=len(served))
    assert per_vessel[~served].sum() == 0
    assert per_vessel[served].max() >= 1
    # ample servers and near-instant transfers: nobody waits, service is payload / rate
    assert np.allclose(visits["start_h"], visits["arrival_h"])
    hours = visits["end_h"] - visits["start_h"]
    payload = vessels["payload_t"][visits["vessel"]]
    assert np.allclose(hours, payload / 1e6)
    assert records.invariants  # the census and tonnes checks ran


def test_a_single_slow_server_makes_ships_wait_first_come_first_served() -> None:
    records = simulate(compile_scenario(_scenario(servers=1, rate=400.0)), seed=3, replication=0)
    visits = records.visits
    order = np.argsort(visits["start_h"], kind="stable")
    start, end = visits["start_h"][order], visits["end_h"][order]
    # one server: a service starts only once the previous one ended
    assert (start[1:] >= end[:-1] - 1e-9).all()
    # first come, first served: starts follow arrivals
    assert (np.diff(visits["arrival_h"][order]) >= -1e-9).all()
    assert (visits["start_h"] - visits["arrival_h"]).max() > 1.0


def test_the_kind_gets_a_kpi_row_a_bottleneck_rank_and_a_relief_rule() -> None:
    # eight spreads at 3,000 t/h are nearly saturated by the canal's traffic at Baoying
    scenario = _scenario(servers=8, rate=3000.0)
    result = run(scenario, replications=1, seed=3)
    assert all(r.overload is None for r in result.records)
    row = result.tables["stops"].set_index("resource").loc[NODE]
    assert row["kind"] == "sts" and row["servers"] == 8
    assert 0.9 < row["utilisation"] <= 1.0
    assert row["mean_wait_h"] > 10.0
    # ranked by the one-answer rule: after the resources a service criterion judges (it has
    # none), first of the others by the share of ships' time spent waiting for it
    bottlenecks = result.tables["bottlenecks"]
    unjudged = bottlenecks[bottlenecks["criterion"].eq("")]
    top = unjudged.iloc[0]
    assert (top["kind"], top["resource"]) == ("sts", NODE)
    assert top["mean_wait_h"] == pytest.approx(row["mean_wait_h"])
    assert top["utilisation"] == pytest.approx(row["utilisation"])
    relieved, change = _relieved(scenario, "sts", NODE)
    assert "one more server" in change
    assert relieved.facilities["sts"][NODE].servers == 9


def test_an_unregistered_kind_or_a_bad_entry_is_refused_with_its_path() -> None:
    document = _scenario(1, 400.0).model_dump(mode="json")
    document["facilities"]["sts"][NODE]["servers"] = 0
    with pytest.raises(ValueError, match=r"sts\.J_BAOYING\.servers"):
        Scenario.model_validate(document)
    document["facilities"] = {"floating_crane": {NODE: {}}}
    with pytest.raises(ValueError, match="not a registered stop kind"):
        Scenario.model_validate(document)


def test_a_stop_at_a_node_not_in_the_network_is_a_scenario_error() -> None:
    document = _scenario(1, 400.0).model_dump(mode="json")
    document["facilities"] = {"sts": {"NO_SUCH_NODE": {"servers": 1, "transfer_t_per_h": 1.0}}}
    with pytest.raises(ScenarioError, match=r"facilities\.sts\.NO_SUCH_NODE"):
        compile_scenario(Scenario.model_validate(document))


def test_without_stops_of_other_kinds_nothing_changes() -> None:
    model = compile_scenario(_scenario(1, 1.0).model_copy(update={"facilities": {}}))
    assert model.stop_kinds == ("lock", "berths") and model.stops == ()
    assert simulate(model, seed=3, replication=0).visits == {}
    assert not math.isnan(model.calendar.warmup_h)


def test_an_installed_package_registers_its_kind_by_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    facilities.unregister("sts")
    point = importlib.metadata.EntryPoint("sts", f"{__name__}:STS", facilities.ENTRY_POINTS)
    calls: list[str] = []

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        calls.append(group)
        return [point]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(facilities, "_plugins_loaded", False)
    assert facilities.kind("sts") is STS  # found at the first lookup
    assert calls == [facilities.ENTRY_POINTS]
    list(facilities.kinds())
    assert calls == [facilities.ENTRY_POINTS]  # read once
