"""The run's environment is a real SimPy environment: SimPy programs behave inside a hubsim
run exactly as on a plain ``simpy.Environment``, and the engine's events order with theirs as
SimPy's own heap would order them."""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy

from sim.engine import HubEnvironment, Records, simulate
from sim.engine.arrivals import ArrivalStream
from sim.engine.context import Call
from sim.engine.core import Engine
from sim.engine.invariants import check_invariants
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED = 7

Log = list[tuple[float, str]]


@pytest.fixture(scope="module")
def minimal() -> CompiledModel:
    return compile_scenario(load_scenario(ROOT / "scenarios" / "minimal_single_berth.yaml"))


def shop(env: simpy.Environment, log: Log) -> Generator[Any, Any, None]:
    """A SimPy program using resources, containers, stores, conditions, interrupts and ties
    (deterministic durations; it ends long before the run's horizon)."""
    berth = simpy.Resource(env, capacity=1)
    tank = simpy.Container(env, capacity=100, init=20)
    store: simpy.Store = simpy.Store(env, capacity=2)
    priority = simpy.PriorityResource(env, capacity=1)

    def customer(name: str, arrive: float, work: float) -> Generator[Any, Any, None]:
        yield env.timeout(arrive)
        log.append((env.now, f"{name} arrives"))
        with berth.request() as request:
            yield request
            log.append((env.now, f"{name} starts"))
            yield env.timeout(work)
        log.append((env.now, f"{name} leaves"))

    def producer() -> Generator[Any, Any, None]:
        for i in range(5):
            yield env.timeout(1.5)
            yield store.put(f"item{i}")
            log.append((env.now, f"put item{i}"))
            yield tank.put(15)
            log.append((env.now, f"tank {tank.level}"))

    def consumer() -> Generator[Any, Any, None]:
        for _ in range(5):
            item = yield store.get()
            log.append((env.now, f"got {item}"))
            yield tank.get(10)
            log.append((env.now, f"tank {tank.level}"))
            yield env.timeout(2.0)

    def sleeper() -> Generator[Any, Any, None]:
        try:
            yield env.timeout(100)
            log.append((env.now, "slept"))
        except simpy.Interrupt as interrupt:
            log.append((env.now, f"interrupted: {interrupt.cause}"))

    def waker(target: simpy.Process) -> Generator[Any, Any, None]:
        yield env.timeout(7)
        target.interrupt("wake up")

    def conditions() -> Generator[Any, Any, None]:
        a, b = env.timeout(3, value="a"), env.timeout(5, value="b")
        first = yield a | b
        log.append((env.now, f"any {sorted(first.values())}"))
        both = yield env.all_of([env.timeout(1, "c"), env.timeout(2, "d")])
        log.append((env.now, f"all {sorted(both.values())}"))
        # ties: same time, same priority: creation order
        yield env.timeout(1) & env.timeout(1)
        log.append((env.now, "tie"))

    def prioritised(name: str, level: int, arrive: float) -> Generator[Any, Any, None]:
        yield env.timeout(arrive)
        with priority.request(priority=level) as request:
            yield request
            log.append((env.now, f"{name} (priority {level}) served"))
            yield env.timeout(4)

    def failing() -> Generator[Any, Any, None]:
        yield env.timeout(2)
        raise ValueError("boom")

    def watcher() -> Generator[Any, Any, None]:
        try:
            yield env.process(failing())
        except ValueError as error:
            log.append((env.now, f"caught {error}"))

    for i, (arrive, work) in enumerate([(0.0, 3.0), (1.0, 2.5), (1.0, 1.0), (4.5, 0.5)]):
        env.process(customer(f"c{i}", arrive, work))
    env.process(producer())
    env.process(consumer())
    sleeper_process = env.process(sleeper())
    env.process(waker(sleeper_process))
    env.process(conditions())
    for name, level, arrive in [("p0", 2, 0.0), ("p1", 3, 0.5), ("p2", 1, 1.0)]:
        env.process(prioritised(name, level, arrive))
    env.process(watcher())
    yield env.timeout(0)


def test_a_simpy_program_runs_inside_a_hubsim_run_as_on_a_plain_environment(
    minimal: CompiledModel,
) -> None:
    plain: Log = []
    env = simpy.Environment()
    env.process(shop(env, plain))
    env.run(until=200)
    assert len(plain) > 30 and (7.0, "interrupted: wake up") in plain

    inside: Log = []
    records = simulate(
        minimal, seed=SEED, replication=0, processes=[lambda env, model: shop(env, inside)]
    )
    assert inside == plain
    assert records.end_h == minimal.calendar.horizon_h


def test_records_are_identical_with_an_observing_process(minimal: CompiledModel) -> None:
    seen: list[int] = []

    def observer(env: simpy.Environment, model: Any) -> Generator[Any, Any, None]:
        terminal = model.terminal(model.terminals[0])
        while True:
            yield env.timeout(24)
            seen.append(terminal.queue_length())

    alone = simulate(minimal, seed=SEED, replication=0)
    watched = simulate(minimal, seed=SEED, replication=0, processes=[observer])
    assert len(seen) == int(minimal.calendar.horizon_h // 24) - 1 + (
        minimal.calendar.horizon_h % 24 > 0
    )
    assert max(seen) > 0  # the ship queue was observed, not an empty list
    _assert_same_records(alone, watched)
    assert watched.events == alone.events + len(seen) + 1  # the timeouts and the start


def _assert_same_records(a: Records, b: Records) -> None:
    for group in ("vessels", "passages", "lockages", "yard_levels", "jobs", "stage_hours"):
        left, right = getattr(a, group), getattr(b, group)
        assert left.keys() == right.keys()
        for column in left:
            np.testing.assert_array_equal(left[column], right[column], err_msg=f"{group}.{column}")
    assert a.logical_events == b.logical_events and a.end_h == b.end_h
    assert a.invariants == b.invariants


def _engine(model: CompiledModel) -> tuple[HubEnvironment, Engine]:
    env = HubEnvironment()
    engine = Engine(model, SEED, 0, ArrivalStream(model, seed=SEED, replication=0), env)
    env.attach(engine)
    engine.feed()
    return env, engine


def test_stepping_one_event_at_a_time_equals_run(minimal: CompiledModel) -> None:
    env, engine = _engine(minimal)
    horizon = minimal.calendar.horizon_h
    steps = 0
    while env.peek() < horizon:
        env.step()
        steps += 1
    assert env.now < horizon
    stepped = engine.records(0, 0.0, None)
    stepped.invariants = check_invariants(engine, stepped)
    ran = simulate(minimal, seed=SEED, replication=0)
    assert steps == ran.events - 1  # ``run`` also processed its ``until`` event
    for group in ("vessels", "passages", "lockages", "yard_levels", "jobs"):
        for column, values in getattr(ran, group).items():
            np.testing.assert_array_equal(values, getattr(stepped, group)[column])


def test_engine_wake_ups_and_simpy_events_order_by_time_priority_and_creation(
    minimal: CompiledModel,
) -> None:
    env, engine = _engine(minimal)
    log: list[str] = []

    def mark(label: str) -> Callable[[Any], None]:
        return lambda _: log.append(f"{label}@{env.now:g}")

    # created in this order, all due at hour 0.5: creation order decides among equals
    env.timeout(0.5).callbacks.append(mark("timeout-1"))
    engine.at(0.5, Call(lambda: log.append(f"engine@{env.now:g}")))
    env.timeout(0.5).callbacks.append(mark("timeout-2"))
    urgent = env.event()  # triggered as SimPy triggers its own urgent events (``run``'s until)
    urgent._ok, urgent._value = True, None
    urgent.callbacks.append(mark("urgent"))
    env.schedule(urgent, simpy.events.URGENT, 0.5)  # URGENT beats NORMAL at the same time
    env.timeout(0.25).callbacks.append(mark("earlier"))
    env.run(until=0.75)
    assert log == ["earlier@0.25", "urgent@0.5", "timeout-1@0.5", "engine@0.5", "timeout-2@0.5"]
    assert env.now == 0.75 == engine.now


def test_run_until_an_event_returns_its_value(minimal: CompiledModel) -> None:
    env, engine = _engine(minimal)
    done = env.event()

    def finisher() -> Generator[Any, Any, None]:
        yield env.timeout(100)
        done.succeed("finished")

    env.process(finisher())
    assert env.run(until=done) == "finished"
    assert env.now == 100.0 == engine.now
    assert engine.scheduled > len(engine.queue)  # the engine's ships moved meanwhile
    assert env.run(until=done) == "finished"  # already processed: returns at once
    with pytest.raises(ValueError, match="must be greater"):
        env.run(until=50)


def test_an_interrupt_at_the_time_of_an_engine_wake_up(minimal: CompiledModel) -> None:
    env, engine = _engine(minimal)
    log: list[str] = []

    def sleeper() -> Generator[Any, Any, None]:
        try:
            yield env.timeout(10)
        except simpy.Interrupt:
            log.append(f"interrupted@{env.now:g}")

    process = env.process(sleeper())
    engine.at(4.0, Call(lambda: process.interrupt()))
    env.run(until=20)
    assert log == ["interrupted@4"]


def test_a_failing_user_process_stops_the_run_with_its_error(minimal: CompiledModel) -> None:
    def broken(env: simpy.Environment, model: Any) -> Generator[Any, Any, None]:
        yield env.timeout(5)
        raise RuntimeError("controller bug")

    with pytest.raises(RuntimeError, match="controller bug"):
        simulate(minimal, seed=SEED, replication=0, processes=[broken])


def test_a_process_function_must_be_a_generator(minimal: CompiledModel) -> None:
    def not_a_process(env: simpy.Environment, model: Any) -> None:
        return None

    with pytest.raises(TypeError, match="must be a generator function"):
        simulate(minimal, seed=SEED, replication=0, processes=[not_a_process])
