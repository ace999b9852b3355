"""The facility registry: every kind described once, and what the stages read from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import facilities
from sim.analysis.kpi import bottlenecks
from sim.engine.context import Stop, Waker
from sim.facilities import FacilityKind, UnknownKind
from sim.runs.capacity import _relieved
from sim.scenario import load_scenario
from sim.viz.landside import LANDSIDE_KINDS
from sim.viz.style import KIND_COLOURS, MODE_COLOURS, kind_colour, kind_label

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "huaian_2028_plan.yaml"
#: the kinds the issue names: lock, berth group, yard, gate, siding, rail link, airport,
#: diverter (and the rate and landside supply the ranking also holds)
SHIPPED = {"lock", "berths", "yard", "diverter", "gate", "rail", "rail line", "air", "rate"}


@pytest.fixture(scope="module")
def plan_run() -> sim.RunResult:
    scenario = load_scenario(PLAN)
    short = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"horizon_days": 20, "warmup_days": 2})}
    )
    return sim.run(short, replications=1, seed=7)


def test_every_shipped_kind_is_registered_with_its_schema_spec_and_station() -> None:
    names = {k.name for k in facilities.kinds()}
    assert names >= SHIPPED
    for descriptor in facilities.kinds():
        for reference in (descriptor.schema, descriptor.spec, descriptor.station):
            if reference is not None:
                assert isinstance(facilities.resolve(reference), type), reference
        station = descriptor.station_class()
        if descriptor.side != "landside" and station is not None and descriptor.name != "yard":
            assert issubclass(station, Stop | Waker), descriptor.name  # the station contract
        if descriptor.relieve is not None:
            assert descriptor.relief, descriptor.name
    # the landside builds each stage of the model through its kind's station
    for name in ("gate", "rail", "air", "rate"):
        station = facilities.kind(name).station_class()
        assert station is not None and callable(station.build), name


def test_kpi_columns_are_those_of_the_kpi_tables(plan_run: sim.RunResult) -> None:
    for descriptor in facilities.kinds():
        if descriptor.kpi_table is None:
            continue
        table = plan_run.per_replication[descriptor.kpi_table]
        assert [c for c in table.columns if c != "replication"] == list(descriptor.kpi_columns)
    kinds = set(plan_run.per_replication["landside"]["kind"])
    assert kinds <= {k.name for k in facilities.kinds() if k.kpi_table == "landside"}


def test_every_kind_the_ranking_holds_is_registered_and_has_a_relief_rule(
    plan_run: sim.RunResult,
) -> None:
    ranking = plan_run.tables["bottlenecks"]
    scenario = load_scenario(PLAN)
    tried: dict[str, str] = {}
    for row in ranking.drop_duplicates("kind").itertuples(index=False):
        descriptor = facilities.kind(row.kind)
        assert kind_label(row.kind) == descriptor.label
        if row.kind == "rate":
            assert descriptor.relieve is None  # a yard's landside rate is not relieved
            continue
        relieved = _relieved(scenario, row.kind, row.resource)
        assert relieved is not None, (row.kind, row.resource)
        tried[row.kind] = relieved[1]
    assert {"berths", "lock", "yard", "gate", "rail line"} <= tried.keys()
    assert tried["lock"].startswith("one more chamber of ")
    assert tried["berths"].startswith("one more berth in ")
    assert _relieved(scenario, "lock", "NO_SUCH_LOCK") is None
    assert _relieved(scenario, "no such kind", "x") is None


def test_the_charts_read_labels_and_colours_from_the_registry() -> None:
    assert list(KIND_COLOURS) == ["lock", "berths", "yard"]
    assert list(LANDSIDE_KINDS) == ["gate", "rail", "rail line", "air", "rate"]
    assert kind_colour("gate") == MODE_COLOURS["road"]  # a landside kind takes its mode's
    assert kind_colour("lock") == facilities.kind("lock").colour
    assert (kind_colour("no such kind"), kind_label("no such kind")) == ("grey", "no such kind")


def test_a_kind_registered_once_reaches_the_ranking_relief_and_labels() -> None:
    """A new kind (a ship-to-ship transfer anchorage): its descriptor alone gives it a label,
    a colour, a line in the bottleneck ranking and a relief rule."""

    def relieve(document: dict, resource: str, scenario: object) -> str | None:
        document["run"]["replications"] += 1  # any valid edit will do for the test
        return f"one more transfer position at {resource}"

    transfer = FacilityKind(
        name="ship-to-ship",
        label="Ship-to-ship transfer",
        side="landside",
        scenario="transfers: {ID: {positions, ...}}",
        kpi_table="landside",
        kpi_columns=("resource", "kind", "place", "tonnes", "vehicles", "utilisation"),
        rank=lambda row: (row.utilisation, 0.5, 2.0, 0.0),
        relieve=relieve,
        relief="one more transfer position",
        colour="#123456",
    )
    facilities.register(transfer)
    try:
        assert kind_label("ship-to-ship") == "Ship-to-ship transfer"
        assert kind_colour("ship-to-ship") == "#123456"
        scenario = load_scenario(PLAN)
        relieved = _relieved(scenario, "ship-to-ship", "STS_1")
        assert relieved is not None
        assert relieved[1] == "one more transfer position at STS_1"
        assert relieved[0].run.replications == scenario.run.replications + 1
        with pytest.raises(ValueError, match="already registered"):
            facilities.register(transfer)
        ranked = _ranking_with_landside_row("ship-to-ship")
        row = ranked.set_index("kind").loc["ship-to-ship"]
        assert (row.utilisation, row.mean_wait_h, row.wait_h_total) == (0.75, 0.5, 2.0)
    finally:
        facilities.unregister("ship-to-ship")
    with pytest.raises(UnknownKind, match="no facility kind 'ship-to-ship' \\(known: air, "):
        facilities.kind("ship-to-ship")


def _ranking_with_landside_row(kind: str) -> pd.DataFrame:
    """The bottleneck ranking of a run with one more landside row of ``kind``."""
    scenario = load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml")
    short = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"horizon_days": 5, "warmup_days": 1})}
    )
    result = sim.run(short, replications=1, seed=1)
    records = result.records[0]
    tables = result.per_replication
    extra = pd.DataFrame(
        [{"resource": "STS_1", "kind": kind, "place": "X", "tonnes": 1.0, "vehicles": 1.0,
          "utilisation": 0.75}]
    )  # fmt: skip
    strip = {k: tables[k].drop(columns="replication") for k in ("berths", "locks", "yards")}
    landside = pd.concat([tables["landside"].drop(columns="replication"), extra])
    return bottlenecks(
        result.model, records, strip["berths"], strip["locks"], strip["yards"], landside
    )


def test_a_descriptor_checks_itself() -> None:
    base = {"name": "k", "label": "K", "side": "landside", "scenario": "-"}
    with pytest.raises(ValueError, match="needs a name"):
        FacilityKind(**{**base, "name": " k"})
    with pytest.raises(ValueError, match="relief rule needs words"):
        FacilityKind(**base, relieve=lambda d, r, s: None)
    with pytest.raises(ValueError, match="rank needs a kpi_table"):
        FacilityKind(**base, rank=lambda row: (0.0, 0.0, 0.0, 0.0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        facilities.kind("lock").label = "Sluice"  # type: ignore[misc]
