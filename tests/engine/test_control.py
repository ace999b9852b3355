"""Control processes observe a run and act on it; their actions change what they should and
nothing else, and the run's invariants still hold."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import simpy

import sim
from sim.engine import Records, simulate
from sim.engine.control import Hub
from sim.engine.controllers import hold_at_anchorage
from sim.explore import scenario_path, with_run_settings
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel

LOCK = "LOCK_HUAIAN"
SEED = 7


@pytest.fixture(scope="module")
def canal() -> CompiledModel:
    """Twenty days of the calibrated 2025 canal: the Huai'an lock has queues."""
    scenario = with_run_settings(
        scenario_path("huaian_2025_baseline"), horizon_days=20, warmup_days=2
    )
    return compile_scenario(scenario)


@pytest.fixture(scope="module")
def alone(canal: CompiledModel) -> Records:
    return simulate(canal, seed=SEED, replication=0)


def _lock_index(model: CompiledModel, lock_id: str = LOCK) -> int:
    return [lock.id for lock in model.locks].index(lock_id)


def _queue_log(log: list[tuple[float, int, bool]], period_h: float = 0.5) -> Any:
    """An observer sampling the lock's queue between the controller's looks."""

    def observe(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        lock = model.lock(LOCK)
        yield env.timeout(period_h / 2)
        while True:
            log.append((env.now, lock.queue_length(), lock.holding(0)))
            yield env.timeout(period_h)

    return observe


def test_holding_ships_at_the_anchorage_stops_the_lock_queue_growing(
    canal: CompiledModel, alone: Records
) -> None:
    baseline_log: list[tuple[float, int, bool]] = []
    simulate(canal, seed=SEED, replication=0, processes=[_queue_log(baseline_log)])
    longest = max(q for _, q, _ in baseline_log)
    threshold = max(2, longest // 2)
    assert longest > 4, "the test needs a lock with a queue"

    log: list[tuple[float, int, bool]] = []
    controller = functools.partial(hold_at_anchorage, lock=LOCK, threshold=threshold)
    held = simulate(canal, seed=SEED, replication=0, processes=[controller, _queue_log(log)])

    actions = pd.DataFrame(held.actions)
    assert list(actions["action"][:2]) == ["hold", "release"]
    assert set(actions["resource"]) == {LOCK}
    # while a hold is on, no ship joins the queue: it only shrinks
    for (t0, q0, on0), (t1, q1, on1) in itertools.pairwise(log):
        if on0 and on1:
            assert q1 <= q0, (t0, t1)
    # the controller held ships, and each one arrived at the lock when it was released
    holds = pd.DataFrame(held.holds)
    assert len(holds) > 0 and (holds["resource"] == LOCK).all()
    done = holds.dropna(subset=["end_h"])
    assert (done["end_h"] > done["start_h"]).all()
    passages = pd.DataFrame(held.passages)
    passages = passages[passages["lock"] == _lock_index(canal)]
    joined = done.merge(passages, on="vessel", suffixes=("_hold", ""))
    matched = joined[np.isclose(joined["arrival_h"], joined["end_h_hold"])]
    passed = done[done["vessel"].isin(passages["vessel"])]
    assert len(passed) > 10 and len(matched) == len(passed)
    # the same random numbers: the same ships, and nothing differs before the first hold
    np.testing.assert_array_equal(held.vessels["entry_h"], alone.vessels["entry_h"])
    first = float(actions["time_h"].iloc[0])
    before = alone.lockages["end_h"] <= first
    for column in ("lock", "chamber", "start_h", "end_h", "vessels"):
        np.testing.assert_array_equal(
            held.lockages[column][: before.sum()], alone.lockages[column][before]
        )
    # the invariants ran (simulate raises otherwise) and every tonne is accounted for
    assert held.invariants["tonnes_created"] == alone.invariants["tonnes_created"]


def test_a_closed_lock_starts_no_lockage_until_opened(canal: CompiledModel) -> None:
    start_h, closed_h, opened_h = 100.0, 48.0, 30.0

    def maintenance(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        lock = model.lock(LOCK)
        yield env.timeout(start_h)
        lock.close(closed_h)
        yield env.timeout(0)
        assert not lock.is_open()
        yield env.timeout(opened_h)
        lock.open()  # early: 18 hours before the closure would end
        yield env.timeout(0)
        assert lock.is_open()

    records = simulate(canal, seed=SEED, replication=0, processes=[maintenance])
    index = _lock_index(canal)
    starts = records.lockages["start_h"][records.lockages["lock"] == index]
    assert not ((starts > start_h) & (starts < start_h + opened_h)).any()
    assert ((starts >= start_h + opened_h) & (starts < start_h + closed_h)).any()
    assert list(records.actions["action"]) == ["close", "open"]


def test_closing_one_chamber_leaves_the_others_working(canal: CompiledModel) -> None:
    model_lock = canal.locks[_lock_index(canal)]
    chamber = model_lock.chambers[0].id

    def close_one(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        yield env.timeout(60)
        model.lock(LOCK).close(100, chamber=chamber)

    records = simulate(canal, seed=SEED, replication=0, processes=[close_one])
    lockages = pd.DataFrame(records.lockages)
    lockages = lockages[lockages["lock"] == _lock_index(canal)]
    during = lockages[(lockages["start_h"] > 60) & (lockages["start_h"] < 160)]
    assert not (during["chamber"] == 0).any()
    assert len(during) > 10  # the other chambers kept locking


def test_a_policy_change_takes_effect_from_its_time(canal: CompiledModel, alone: Records) -> None:
    def switch(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        lock = model.lock(LOCK)
        assert lock.policy["policy"] == "fill"
        yield env.timeout(200)
        lock.set_policy(policy="fcfs")
        yield env.timeout(0)
        assert lock.policy["policy"] == "fcfs"

    records = simulate(canal, seed=SEED, replication=0, processes=[switch])
    index = _lock_index(canal)
    mine = records.lockages["lock"] == index
    theirs = alone.lockages["lock"] == index
    early = records.lockages["end_h"][mine] <= 200
    np.testing.assert_array_equal(
        records.lockages["start_h"][mine][early],
        alone.lockages["start_h"][theirs][alone.lockages["end_h"][theirs] <= 200],
    )
    # first come, first served does not wait to fill: lockages start sooner after arrivals
    wait = _mean_lock_wait(records, index, after=220)
    assert wait < _mean_lock_wait(alone, index, after=220)


def _mean_lock_wait(records: Records, lock: int, after: float) -> float:
    p = records.passages
    chosen = (p["lock"] == lock) & (p["arrival_h"] > after)
    return float((p["start_h"][chosen] - p["arrival_h"][chosen]).mean())


def test_holding_at_a_terminal_delays_berthing_until_released() -> None:
    model = compile_scenario(sim.load_scenario("scenarios/minimal_single_berth.yaml"))
    hold_h, release_h = 500.0, 548.0

    def gatekeeper(env: simpy.Environment, hub: Hub) -> Generator[Any, Any, None]:
        terminal = hub.terminal(hub.terminals[0])
        yield env.timeout(hold_h)
        terminal.hold()
        yield env.timeout(release_h - hold_h)
        assert len(terminal.anchored()) > 0
        terminal.release()

    records = simulate(model, seed=SEED, replication=0, processes=[gatekeeper])
    holds = pd.DataFrame(records.holds)
    assert len(holds) > 0
    assert ((holds["start_h"] >= hold_h) & (holds["start_h"] <= release_h)).all()
    assert (holds["end_h"] == release_h).all()
    v = records.vessels
    np.testing.assert_array_equal(v["berth_arrival_h"][holds["vessel"]], release_h)
    started = v["berth_start_h"]
    assert not ((started > hold_h) & (started < release_h) & (v["berth_arrival_h"] > hold_h)).any()


def test_a_process_random_stream_is_reproducible(canal: CompiledModel) -> None:
    draws: list[list[float]] = []

    def sampler(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        draws.append(model.rng("sampler").random(3).tolist())
        yield env.timeout(1)

    simulate(canal, seed=SEED, replication=0, processes=[sampler])
    simulate(canal, seed=SEED, replication=0, processes=[sampler])
    simulate(canal, seed=SEED, replication=1, processes=[sampler])
    assert draws[0] == draws[1] != draws[2]


def test_bad_actions_are_refused_with_a_clear_message(canal: CompiledModel) -> None:
    def clumsy(env: simpy.Environment, model: Hub) -> Generator[Any, Any, None]:
        with pytest.raises(KeyError, match=r"no lock 'LOCK_NOWHERE'.*known: .*LOCK_HUAIAN"):
            model.lock("LOCK_NOWHERE")
        lock = model.lock(LOCK)
        with pytest.raises(ValueError, match="hours must be a positive number"):
            lock.close(-1)
        with pytest.raises(ValueError, match="direction must be 0 or 1"):
            lock.hold(2)
        with pytest.raises(KeyError, match="has no chamber 'C9'"):
            lock.close(5, chamber="C9")
        with pytest.raises(ValueError, match="fill_min_share must be in"):
            lock.set_policy(fill_min_share=2)
        yield env.timeout(1)

    records = simulate(canal, seed=SEED, replication=0, processes=[clumsy])
    assert len(records.actions["action"]) == 0


def test_a_controller_gives_the_same_numbers_on_one_worker_or_two() -> None:
    controller = functools.partial(hold_at_anchorage, lock=LOCK, threshold=6)
    scenario = with_run_settings(
        scenario_path("huaian_2025_baseline"), horizon_days=10, warmup_days=1
    )
    serial = sim.run(scenario, replications=2, seed=5, processes=[controller])
    parallel = sim.run(scenario, replications=2, seed=5, processes=[controller], workers=2)
    for mine, theirs in zip(serial.records, parallel.records, strict=True):
        assert len(mine.holds["vessel"]) > 0
        for group in ("vessels", "passages", "holds", "actions"):
            for column, values in getattr(mine, group).items():
                expected = getattr(theirs, group)[column]
                np.testing.assert_array_equal(values, expected, err_msg=f"{group}.{column}")
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        sim.run(scenario, replications=2, workers=2, processes=[lambda env, model: iter(())])


def test_a_scenario_names_its_controller(tmp_path: Path) -> None:
    text = scenario_path("minimal_single_berth").read_text()
    text += (
        "processes:\n"
        "  - function: sim.engine.controllers:hold_at_anchorage\n"
        "    parameters: {lock: LOCK_NONE, threshold: 3}\n"
    )
    path = tmp_path / "controlled.yaml"
    path.write_text(text)
    scenario = sim.load_scenario(path)
    assert scenario.processes[0].parameters == {"lock": "LOCK_NONE", "threshold": 3}
    with pytest.raises(KeyError, match="no lock 'LOCK_NONE'"):
        simulate(compile_scenario(scenario), seed=SEED, replication=0)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("'no.such.module:run'", "cannot import module 'no.such.module'"),
        ("'sim.engine.controllers:nothing'", "has no function 'nothing'"),
        ("'not a name'", "must name a function as 'package.module:function'"),
    ],
)
def test_a_scenario_naming_a_missing_process_is_rejected(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_path("minimal_single_berth").read_text() + f"processes: [{entry}]\n")
    with pytest.raises(sim.ScenarioError, match=message) as caught:
        sim.load_scenario(path)
    assert "processes" in str(caught.value)


def test_hubsim_run_with_a_controller_named_in_the_scenario(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    base = scenario_path("huaian_2025_baseline")
    path = tmp_path / "controlled.yaml"
    path.write_text(
        f"extends: {base}\n"
        "name: baseline with a controller\n"
        "run: {horizon_days: 10, warmup_days: 1, replications: 1}\n"
        "processes:\n"
        "  - function: sim.engine.controllers:hold_at_anchorage\n"
        "    parameters: {lock: LOCK_HUAIAN, threshold: 5}\n"
    )
    checked = CliRunner().invoke(app, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "processes of your own (run in every replication): sim.engine.controllers:" in (
        checked.output
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--json"])
    assert result.exit_code in (0, 1), result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["processes"] == ["sim.engine.controllers:hold_at_anchorage"]
    actions = pd.read_parquet(out / "events" / "actions.parquet")
    holds = pd.read_parquet(out / "events" / "holds.parquet")
    assert set(actions["action"]) == {"hold", "release"} and len(holds) > 0
    assert (holds["resource"] == LOCK).all()
    assert (out / "kpi" / "holds.csv").exists()
