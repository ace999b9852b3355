"""The SimPy environment of a hubsim run, and :func:`simulate`, which runs one replication.

What is SimPy here, and what is hubsim's own fast path
------------------------------------------------------
Every replication runs in a :class:`HubEnvironment`, a subclass of ``simpy.Environment``
whose ``run(until=...)`` drives the whole replication. Everything SimPy offers works on it
with SimPy's semantics: processes, ``timeout``, ``event``, ``all_of``/``any_of``, interrupts,
failures, ``simpy.Resource``/``Container``/``Store`` and their variants, ``step`` and
``peek``. A process of your own (see :mod:`sim.engine.control`) is an ordinary SimPy process.

The ships, locks, berth groups, yards and landside stages are *not* SimPy processes: they are
hubsim's fast path, state machines compiled with mypyc (:mod:`sim.engine.core`,
:mod:`sim.engine.stations`, :mod:`sim.engine.landside`) whose wake-ups sit in a second,
compiled event queue (:mod:`sim.engine.heap`). The environment's loop
(:func:`sim.engine.core.drive`) merges the two queues exactly as SimPy's own heap would
order them - by time, then URGENT before NORMAL, then event id - because each wake-up takes its
id from the environment's event counter when it is scheduled. A wake-up therefore happens where
an ``env.timeout`` created at the same moment would: a SimPy process cannot tell the engine's
events from its own. The fast path exists for speed: a SimPy process per ship would cost a
generator, events and callbacks at every step of every ship, where the engine costs one heap
entry per lockage or berth call (the README's "Speed" section gives the figures).
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import simpy
from simpy.core import StopSimulation
from simpy.events import URGENT, Event

from sim.engine.arrivals import ArrivalStream
from sim.engine.core import Engine, Records, drive
from sim.engine.invariants import check_invariants
from sim.engine.stations.base import Overloaded

if TYPE_CHECKING:
    from sim.model.specs import CompiledModel

__all__ = ["HubEnvironment", "Process", "simulate"]

#: A user process: ``fn(env, model)`` returning a SimPy process generator
#: (``model`` is a :class:`sim.engine.control.Hub`).
Process = Callable[..., Any]

_STEP = simpy.Environment.step


class HubEnvironment(simpy.Environment):
    """A ``simpy.Environment`` whose event queue also holds hubsim's engine (see the module).

    Until an engine is attached (:meth:`attach`) it is a plain SimPy environment. Once one is,
    ``now`` is the engine's clock, ``run`` and ``step`` process the merged events and ``peek``
    gives the earlier of the two heads.

    Parameters
    ----------
    initial_time : float
        The clock at the start (hours).
    """

    def __init__(self, initial_time: float = 0.0) -> None:
        self._engine: Engine | None = None
        self._clock = float(initial_time)
        super().__init__(initial_time)

    # SimPy reads and writes its clock as ``self._now``: here it is the engine's clock, so the
    # engine's compiled code and SimPy's events share one time
    @property
    def _now(self) -> float:
        engine = self._engine
        return self._clock if engine is None else engine.now

    @_now.setter
    def _now(self, value: float) -> None:
        engine = self._engine
        if engine is None:
            self._clock = float(value)
        else:
            engine.now = float(value)

    @property
    def engine(self) -> Engine | None:
        """The engine whose events this environment processes (None before :meth:`attach`)."""
        return self._engine

    def attach(self, engine: Engine) -> None:
        """Process ``engine``'s wake-ups with this environment's events from now on."""
        if engine.env is not self:
            raise ValueError("the engine was built on another environment")
        engine.now = self._clock
        self._engine = engine
        self._eid = _SharedIds(engine)  # SimPy's event ids continue the engine's sequence

    def peek(self) -> float:
        """Time of the next event, SimPy's or the engine's (``inf`` if there is none)."""
        head = super().peek()
        engine = self._engine
        if engine is None:
            return head
        return min(head, engine.queue.first_time())

    def step(self) -> None:
        """Process the next event, SimPy's or the engine's (``EmptySchedule`` if none)."""
        engine = self._engine
        if engine is None:
            super().step()
        else:
            drive(self, engine, _STEP, True)

    def run(self, until: float | Event | None = None) -> Any | None:
        """SimPy's ``Environment.run`` (same arguments, result and errors), over both queues."""
        engine = self._engine
        if engine is None:
            return super().run(until)
        stop_at: Event | None = None
        if isinstance(until, Event):
            if until.callbacks is None:
                return until.value
            stop_at = until
        elif until is not None:
            at = float(until)
            if at <= self.now:
                raise ValueError(f"until ({at}) must be greater than the current simulation time")
            # scheduled before all ordinary events at that time, as SimPy does
            stop_at = Event(self)
            stop_at._ok = True
            stop_at._value = None
            self.schedule(stop_at, URGENT, at - self.now)
        if stop_at is not None:
            stop_at.callbacks.append(StopSimulation.callback)
        try:
            drive(self, engine, _STEP, False)
        except StopSimulation as stop:
            return stop.args[0]
        except simpy.core.EmptySchedule:
            if stop_at is not None:
                assert not stop_at.triggered
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {stop_at}'
                ) from None
        return None


class _SharedIds:
    """The environment's event counter (``next(env._eid)`` in SimPy's ``schedule``), kept as
    the engine's ``next_id`` so that the compiled engine takes an id with one integer add."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __iter__(self) -> _SharedIds:
        return self

    def __next__(self) -> int:
        engine = self._engine
        key = engine.next_id
        engine.next_id = key + 1
        return key


def simulate(
    model: CompiledModel,
    *,
    seed: int,
    replication: int,
    on_day: Callable[[int], None] | None = None,
    processes: Sequence[Process] = (),
) -> Records:
    """Run one replication of ``model`` to its horizon (or until a queue overflows).

    Parameters
    ----------
    model : CompiledModel
    seed : int
        The run's seed (the scenario's ``run.seed``, unless overridden).
    replication : int
        Which replication: every random draw comes from the streams of ``(seed,
        replication)`` (see :func:`sim.model.randomness.stream`).
    on_day : callable, optional
        Called with the number of whole simulated days done (from hour 0, the start of the
        warm-up), at most once per simulated day and with increasing days, as the clock passes
        midnight; last with the run's days (``ceil(horizon_h / 24)``) when it reaches the
        horizon. It does not change the records.
    processes : sequence of callables
        SimPy process functions ``fn(env, model)`` started at hour 0, after those the scenario
        names (``model.processes``), in this order (see :mod:`sim.engine.control` for what
        ``model`` offers).

    Returns
    -------
    Records
        With ``overload`` set when a queue grew past ``operations.overload_queue_vessels``: the
        run then stopped cleanly at that moment and the records cover the time until then.
    """
    from sim.engine.control import Hub, load_process

    started = time.perf_counter()
    # a replication allocates millions of short-lived objects and only a few reference cycles
    # (the engine and its stations, collected after it): the cyclic garbage collector would
    # mostly rescan the vessel tables, a tenth of the run's time
    collecting = gc.isenabled()
    gc.disable()
    try:
        arrivals = ArrivalStream(model, seed=seed, replication=replication)
        env = HubEnvironment()
        engine = Engine(model, seed, replication, arrivals, env)
        env.attach(engine)
        engine.feed()
        hub = Hub(engine)
        _start_processes(env, hub, [*map(load_process, model.processes), *processes])
        if on_day is not None:
            engine.on_day = on_day
            engine.next_day_h = 24.0
        horizon_h = model.calendar.horizon_h
        overload: Overloaded | None = None
        try:
            if horizon_h > 0:
                env.run(until=horizon_h)
            days = math.ceil(horizon_h / 24.0)
            if on_day is not None and engine.next_day_h / 24.0 - 1 < days:
                on_day(days)  # the last (partial) day, unless the clock reported it at midnight
        except Overloaded as error:
            # kept on the records without its traceback, whose frames hold the environment and
            # through it the engine with every ship of the run
            overload = error.with_traceback(None)
        events = engine.scheduled - len(engine.queue) + engine.simpy_events
        records = engine.records(events, time.perf_counter() - started, overload)
        records.holds = hub.holds_table()
        records.actions = hub.actions_table()
        records.invariants = check_invariants(engine, records)
    finally:
        if collecting:
            gc.enable()
    return records


def _start_processes(env: HubEnvironment, hub: Any, processes: Iterable[Process]) -> None:
    for process in processes:
        generator = process(env, hub)
        if not hasattr(generator, "throw"):
            name = getattr(process, "__qualname__", repr(process))
            raise TypeError(
                f"process {name}: fn(env, model) must be a generator function (a SimPy "
                f"process that yields events), got {type(generator).__name__}"
            )
        env.process(generator)
