"""What a SimPy process of your own sees of a hubsim run, and what it may do.

A *control process* is a SimPy process function ``fn(env, model)``: ``env`` is the run's
:class:`sim.engine.environment.HubEnvironment` (a ``simpy.Environment``) and ``model`` is the
:class:`Hub` below. Pass it to :func:`sim.run` (``processes=[fn]``) or name it in a scenario
(``processes: ["package.module:function"]``); it starts at hour 0 of every replication.

>>> def log_queue(env, model):
...     lock = model.lock("LOCK_HUAIAN")
...     while True:
...         yield env.timeout(24)
...         print(env.now, lock.queue_length())

**Observing** is read-only: queue lengths and waiting ships at a lock, a terminal or a berth
group, the ships held at an anchorage, berths and chambers busy or closed, yard levels, the
time and date.

**Acting**: hold the ships arriving at a lock or terminal at an anchorage before it and release
them, close or open a lock, one chamber or a terminal for some hours, change a lock's policy or
the diversion threshold. An action is an engine event scheduled at the current time (after the
events already due at this time), so the engine's state only changes inside its own events and
its checks still hold: tonnes conserved, every ship in one place, no berth or chamber over its
capacity, the queue limit (a hold cannot hide an overload: ships at an anchorage count toward
it). To see an action's effect, ``yield env.timeout(0)`` after it. Every action is recorded
in the run's ``actions`` table and every held ship in its ``holds`` table.

A ship held at an anchorage arrives at the resource when it is released: its wait at the
resource counts from then, and its time at the anchorage is in ``holds``.

Randomness: ``model.rng(name)`` gives a process its own random stream of the run's seed and
replication, so a run with a control process is reproducible like any run (same seed, same
numbers, on one worker or many).
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np

from sim.engine.context import Call
from sim.engine.stations.base import Station, merge_windows
from sim.engine.stations.base import weather_check as downtime_check
from sim.engine.stations.lock import LockStation
from sim.engine.stations.terminal import TerminalStation
from sim.model.randomness import stream

if TYPE_CHECKING:
    from sim.engine.core import Engine
    from sim.model.specs import ProcessSpec

__all__ = [
    "BerthGroupView",
    "Hub",
    "LockView",
    "Ship",
    "TerminalView",
    "YardView",
    "load_process",
]


class Ship(NamedTuple):
    """A ship as a control process sees it."""

    vessel: int  #: row of the run's ``vessels`` table
    arrival_h: float  #: when it arrived at the resource (or the anchorage)
    direction: int  #: at a lock, 0 or 1 (see :class:`LockView`); 0 at a terminal
    vessel_class: str
    payload_t: float
    flow: str  #: the demand stream or through-traffic flow


class Hub:
    """The run as a control process sees it (``model`` in ``fn(env, model)``).

    Parameters
    ----------
    engine : Engine
        The replication's engine (built by :func:`sim.engine.environment.simulate`).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        model = engine.model
        self._locks = {spec.id: i for i, spec in enumerate(model.locks)}
        self._terminals = {spec.id: i for i, spec in enumerate(model.terminals)}
        self._groups = {spec.id: i for i, spec in enumerate(model.groups)}
        self._yards = {spec.id: i for i, spec in enumerate(model.yards)}
        self._actions: list[tuple[float, str, str, str, str]] = []

    # -- time ----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """The clock, in hours from the start of the run (warm-up included)."""
        return self._engine.now

    @property
    def date(self) -> dt.datetime:
        """The calendar date and time of :attr:`now`."""
        return self._engine.model.calendar.origin + dt.timedelta(hours=self._engine.now)

    @property
    def horizon_h(self) -> float:
        """When the run ends (hours)."""
        return self._engine.horizon_h

    def rng(self, name: str = "") -> np.random.Generator:
        """A random stream of its own for a control process (same seed, same numbers)."""
        engine = self._engine
        return stream(engine.seed, engine.replication, f"process:{name}")

    # -- resources -------------------------------------------------------------------------------
    @property
    def locks(self) -> tuple[str, ...]:
        """Ids of the modelled locks."""
        return tuple(self._locks)

    @property
    def terminals(self) -> tuple[str, ...]:
        return tuple(self._terminals)

    @property
    def berth_groups(self) -> tuple[str, ...]:
        return tuple(self._groups)

    @property
    def yards(self) -> tuple[str, ...]:
        return tuple(self._yards)

    def lock(self, lock_id: str) -> LockView:
        """The lock ``lock_id`` (``KeyError`` naming the known ones if there is none)."""
        return LockView(self, self._engine.locks[_index(self._locks, lock_id, "lock")])

    def terminal(self, terminal_id: str) -> TerminalView:
        index = _index(self._terminals, terminal_id, "terminal")
        return TerminalView(self, self._engine.terminals[index])

    def berth_group(self, group_id: str) -> BerthGroupView:
        g = _index(self._groups, group_id, "berth group")
        terminal = self._engine.terminals[self._engine.model.groups[g].terminal]
        return BerthGroupView(self, terminal, g)

    def yard(self, yard_id: str) -> YardView:
        return YardView(self, _index(self._yards, yard_id, "yard"))

    def ship(self, vessel: int) -> Ship:
        """What is known of the ship ``vessel`` (its arrival time is not: NaN)."""
        return self._ship(vessel, math.nan, 0)

    # -- policy --------------------------------------------------------------------------------
    @property
    def diversion_threshold(self) -> int | None:
        """Ships queueing at its terminal from which a ship diverts (None: no diversion)."""
        diverter = self._engine.diverter
        return None if diverter is None else diverter.threshold

    def set_diversion_threshold(self, vessels: int) -> None:
        """Divert ships that would find ``vessels`` or more queueing (needs ``diversion``)."""
        diverter = self._engine.diverter
        if diverter is None:
            raise ValueError("set_diversion_threshold: this scenario has no diversion")
        if not isinstance(vessels, int) or vessels < 1:
            raise ValueError(
                f"set_diversion_threshold: vessels must be an int >= 1, got {vessels!r}"
            )

        def apply() -> None:
            diverter.threshold = vessels

        self._act("set_diversion_threshold", "diversion", str(vessels), apply)

    # -- the run's tables ----------------------------------------------------------------------
    def holds_table(self) -> dict[str, np.ndarray]:
        """One row per ship held at an anchorage (NaN ``end_h``: still held at the end)."""
        engine = self._engine
        rows = list(engine.hold_rows)
        for station in (*engine.locks, *engine.terminals):
            rows.extend((v, station.name, d, t, math.nan) for t, v, d in station.anchorage)
        return {
            "vessel": np.array([r[0] for r in rows], dtype=np.int64),
            "resource": np.array([r[1] for r in rows], dtype=object),
            "direction": np.array([r[2] for r in rows], dtype=np.int64),
            "start_h": np.array([r[3] for r in rows], dtype=float),
            "end_h": np.array([r[4] for r in rows], dtype=float),
        }

    def actions_table(self) -> dict[str, np.ndarray]:
        """One row per action taken by a control process, in the order taken."""
        rows = self._actions
        return {
            "time_h": np.array([r[0] for r in rows], dtype=float),
            "process": np.array([r[1] for r in rows], dtype=object),
            "action": np.array([r[2] for r in rows], dtype=object),
            "resource": np.array([r[3] for r in rows], dtype=object),
            "value": np.array([r[4] for r in rows], dtype=object),
        }

    # -- internals -----------------------------------------------------------------------------
    def _act(self, action: str, resource: str, value: str, apply: Callable[[], None]) -> None:
        engine = self._engine
        process = engine.env.active_process
        generator = getattr(process, "_generator", None)
        name = getattr(generator, "__qualname__", "") if generator is not None else ""
        self._actions.append((engine.now, name, action, resource, value))
        engine.at(engine.now, Call(apply))

    def _ship(self, vessel: int, arrival_h: float, direction: int) -> Ship:
        engine = self._engine
        model = engine.model
        arrivals = engine.arrivals
        return Ship(
            vessel,
            arrival_h,
            direction,
            model.classes[int(arrivals.vessel_class[vessel])].id,
            engine.v_payload[vessel],
            model.flows[int(arrivals.flow[vessel])].id,
        )


class _StationView:
    """What locks and terminals share: queues, the anchorage, holds."""

    def __init__(self, hub: Hub, station: Station) -> None:
        self._hub = hub
        self._station = station

    @property
    def id(self) -> str:
        return self._station.name

    def _due(self) -> list[tuple[float, int, int]]:
        """Arrivals due by now that the station has not looked at yet, in arrival order."""
        station = self._station
        now = self._hub.now
        due: list[tuple[float, int, int]] = []
        feed = station.feed
        i = station.feed_next
        while i < len(feed) and feed[i][0] <= now:
            due.append(feed[i])
            i += 1
        due.extend((e.time, e.key, e.value) for e in station.pending.entries if e.time <= now)
        due.sort(key=lambda item: (item[0], item[1]))
        return due

    def _queued(self) -> list[tuple[float, int, int]]:
        raise NotImplementedError  # pragma: no cover - each view overrides it

    def waiting(self, direction: int | None = None) -> tuple[Ship, ...]:
        """Ships in the queue (heading ``direction``, or any), first come first."""
        station = self._station
        due = [d for d in self._due() if not station.holding[d[2]]]
        rows = sorted([*self._queued(), *due], key=lambda item: item[0])
        return tuple(
            self._hub._ship(v, t, d) for t, v, d in rows if direction is None or d == direction
        )

    def queue_length(self, direction: int | None = None) -> int:
        """Ships waiting in the queue (not those held at the anchorage)."""
        return len(self.waiting(direction))

    def anchored(self, direction: int | None = None) -> tuple[Ship, ...]:
        """Ships held at the anchorage before this resource (heading ``direction``, or any)."""
        station = self._station
        due = [d for d in self._due() if station.holding[d[2]]]
        return tuple(
            self._hub._ship(v, t, d)
            for t, v, d in [*station.anchorage, *due]
            if direction is None or d == direction
        )

    def holding(self, direction: int = 0) -> bool:
        """Whether arriving ships heading ``direction`` are held at the anchorage."""
        return self._station.holding[_direction(direction, "holding")]

    def hold(self, direction: int | None = None) -> None:
        """Hold ships arriving from now on (heading ``direction``, or any) at the anchorage.

        Ships already in the queue stay there. Lift the hold with :meth:`release`.
        """
        side = -1 if direction is None else _direction(direction, "hold")
        station = self._station
        self._hub._act("hold", self.id, _side(direction), partial(station.start_hold, side))

    def release(self, direction: int | None = None) -> None:
        """End the hold: the ships at the anchorage join the queue now, in arrival order."""
        side = -1 if direction is None else _direction(direction, "release")
        station = self._station
        self._hub._act("release", self.id, _side(direction), partial(station.release_hold, side))


class LockView(_StationView):
    """A lock: its queues per direction (0 or 1: ships coming from the neighbouring node whose
    id sorts first head in direction 0), chambers and policy."""

    _station: LockStation

    @property
    def chambers(self) -> tuple[str, ...]:
        return tuple(c.id for c in self._station.spec.chambers)

    def _queued(self) -> list[tuple[float, int, int]]:
        return [(t, v, d) for d, queue in enumerate(self._station.queues) for t, v in queue]

    @property
    def chambers_busy(self) -> int:
        """Chambers in a lockage with ships now."""
        return len(self._station.in_chamber)

    def is_open(self, chamber: str | None = None) -> bool:
        """Whether the lock (or one chamber) may start a lockage now."""
        station = self._station
        now = self._hub.now
        numbers = range(len(station.c_end)) if chamber is None else [self._chamber(chamber)]
        for number in numbers:
            check = station.chamber_downtime[number]
            if now < station.c_end[number] and (check is None or check(now) <= now):
                return True
        return False

    @property
    def policy(self) -> dict[str, object]:
        """The lockage policy in force: ``policy``, ``fill_max_wait_h``, ``fill_min_share``."""
        station = self._station
        usable = station.c_usable[0] if station.c_usable else 1.0
        share = station.fill_min_area[0] / usable if station.fill_min_area and usable else 0.0
        return {
            "policy": "fill" if station.fill else "fcfs",
            "fill_max_wait_h": station.fill_max_wait_h,
            "fill_min_share": share,
        }

    def set_policy(
        self,
        *,
        policy: Literal["fcfs", "fill"] | None = None,
        fill_max_wait_h: float | None = None,
        fill_min_share: float | None = None,
    ) -> None:
        """Change the lockage policy from now on (unchanged where not given)."""
        if policy is not None and policy not in ("fcfs", "fill"):
            raise ValueError(f"set_policy: policy must be 'fcfs' or 'fill', got {policy!r}")
        if fill_max_wait_h is not None and not (0 <= fill_max_wait_h < math.inf):
            raise ValueError(f"set_policy: fill_max_wait_h must be >= 0, got {fill_max_wait_h}")
        if fill_min_share is not None and not (0 <= fill_min_share <= 1):
            raise ValueError(f"set_policy: fill_min_share must be in [0, 1], got {fill_min_share}")
        station = self._station

        def apply() -> None:
            if policy is not None:
                station.fill = policy == "fill"
            if fill_max_wait_h is not None:
                station.fill_max_wait_h = float(fill_max_wait_h)
            if fill_min_share is not None:
                station.fill_min_area = [u * fill_min_share for u in station.c_usable]
            station.ring()

        value = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("policy", policy),
                ("fill_max_wait_h", fill_max_wait_h),
                ("fill_min_share", fill_min_share),
            )
            if v is not None
        )
        self._hub._act("set_policy", self.id, value, apply)

    def close(self, hours: float, chamber: str | None = None) -> None:
        """Start no lockage (in one chamber, or any) for ``hours`` from now; lockages under way
        finish. Adds to the scenario's closures, weather and breakdowns."""
        hours = _hours(hours, "close")
        station = self._station
        numbers = self._numbers(chamber)
        now = self._hub.now

        def apply() -> None:
            window = np.array([[now, now + hours]])
            engine = self._hub._engine
            for number in numbers:
                self._set_chamber(
                    number, merge_windows(_chamber_windows(engine, station, number), window)
                )
            if chamber is None:
                engine.lock_windows[station.index] = merge_windows(
                    engine.lock_windows[station.index], window
                )
                station.weather = downtime_check(engine.lock_windows[station.index])
            station.ring()

        self._hub._act("close", self._resource(chamber), f"{hours:g} h", apply)

    def open(self, hours: float | None = None, chamber: str | None = None) -> None:
        """Lift every stop (closure, weather, breakdown) of the lock or one chamber from now for
        ``hours`` (or to the end of the run): its chambers may lock ships again."""
        until = self._hub.now + (math.inf if hours is None else _hours(hours, "open"))
        station = self._station
        numbers = self._numbers(chamber)
        now = self._hub.now

        def apply() -> None:
            engine = self._hub._engine
            for number in numbers:
                self._set_chamber(
                    number, _without(_chamber_windows(engine, station, number), now, until)
                )
            if chamber is None:
                engine.lock_windows[station.index] = _without(
                    engine.lock_windows[station.index], now, until
                )
                station.weather = downtime_check(engine.lock_windows[station.index])
            station.ring()

        value = "to the end" if hours is None else f"{hours:g} h"
        self._hub._act("open", self._resource(chamber), value, apply)

    def _set_chamber(self, number: int, windows: np.ndarray) -> None:
        station = self._station
        self._hub._engine.chamber_windows[station.index][number] = windows
        station.chamber_downtime[number] = downtime_check(windows)

    def _chamber(self, chamber: str) -> int:
        ids = self.chambers
        if chamber not in ids:
            raise KeyError(f"lock {self.id} has no chamber {chamber!r} (it has {', '.join(ids)})")
        return ids.index(chamber)

    def _numbers(self, chamber: str | None) -> list[int]:
        return list(range(len(self.chambers))) if chamber is None else [self._chamber(chamber)]

    def _resource(self, chamber: str | None) -> str:
        return self.id if chamber is None else f"{self.id}/{chamber}"


class TerminalView(_StationView):
    """A terminal: one queue for its berth groups (ships wait for any berth that fits)."""

    _station: TerminalStation

    @property
    def berth_groups(self) -> tuple[str, ...]:
        station = self._station
        return tuple(station.groups[g].id for g in station.spec.groups)

    def _queued(self) -> list[tuple[float, int, int]]:
        return [(t, v, 0) for fifo in self._station.fifos.values() for t, v in fifo]

    def hold(self, direction: int | None = None) -> None:
        """Hold every ship arriving from now on at the anchorage before the terminal (a
        terminal has no directions: ``direction`` must be None)."""
        if direction is not None:
            raise ValueError("hold: a terminal has no directions (leave direction out)")
        super().hold(None)

    def release(self, direction: int | None = None) -> None:
        """End the hold: the ships at the anchorage join the queue now, in arrival order."""
        if direction is not None:
            raise ValueError("release: a terminal has no directions (leave direction out)")
        super().release(None)

    def is_open(self) -> bool:
        """Whether ships may start berthing now (no closure or weather stop)."""
        check = self._station.weather
        now = self._hub.now
        return check is None or check(now) <= now

    def close(self, hours: float) -> None:
        """Start no berthing for ``hours`` from now (ships at berth are handled)."""
        hours = _hours(hours, "close")
        station = self._station
        now = self._hub.now

        def apply() -> None:
            engine = self._hub._engine
            windows = merge_windows(
                engine.terminal_windows[station.index], np.array([[now, now + hours]])
            )
            self._set(windows)

        self._hub._act("close", self.id, f"{hours:g} h", apply)

    def open(self, hours: float | None = None) -> None:
        """Lift the terminal's closures and weather stops from now for ``hours`` (or to the end
        of the run). Crane failures are not undone."""
        until = self._hub.now + (math.inf if hours is None else _hours(hours, "open"))
        station = self._station
        now = self._hub.now

        def apply() -> None:
            self._set(_without(self._hub._engine.terminal_windows[station.index], now, until))

        self._hub._act("open", self.id, "to the end" if hours is None else f"{hours:g} h", apply)

    def _set(self, windows: np.ndarray) -> None:
        station = self._station
        self._hub._engine.terminal_windows[station.index] = windows
        station.weather = downtime_check(windows)
        station.ring()


class BerthGroupView:
    """One berth group of a terminal: berths in service, busy, and the ships that may use it."""

    def __init__(self, hub: Hub, terminal: TerminalStation, g: int) -> None:
        self._hub = hub
        self._terminal = terminal
        self._g = g

    @property
    def id(self) -> str:
        return self._terminal.groups[self._g].id

    @property
    def terminal(self) -> TerminalView:
        return TerminalView(self._hub, self._terminal)

    @property
    def berths(self) -> int:
        """Berths in service now (commissioned, not down with a crane failure)."""
        return self._terminal.capacity[self._g]

    @property
    def busy(self) -> int:
        """Berths with a ship now."""
        return self._terminal.busy[self._g]

    def waiting(self) -> tuple[Ship, ...]:
        """Ships in the terminal's queue that may use this group."""
        engine = self._hub._engine
        return tuple(s for s in self.terminal.waiting() if self._g in engine.eligible_of(s.vessel))

    def queue_length(self) -> int:
        return len(self.waiting())


class YardView:
    """A yard: what it holds and what it may hold."""

    def __init__(self, hub: Hub, index: int) -> None:
        self._hub = hub
        self._yard = hub._engine.landside.yards[index]

    @property
    def id(self) -> str:
        return self._yard.spec.id

    @property
    def level_t(self) -> float:
        return self._yard.level_t

    @property
    def capacity_t(self) -> float:
        return self._yard.spec.capacity_t

    @property
    def occupancy(self) -> float:
        """Share of the capacity in use (0-1)."""
        capacity = self.capacity_t
        return self.level_t / capacity if capacity > 0 else 0.0

    @property
    def ships_waiting(self) -> int:
        """Ships at berth waiting for space in this yard."""
        return len(self._yard.waiting)


def load_process(spec: ProcessSpec) -> Callable[..., object]:
    """The process function a scenario names, with its parameters bound.

    The returned ``functools.partial`` of a module-level function pickles by name, so it
    reaches worker processes like the scenario itself.
    """
    module_name, _, name = spec.function.partition(":")
    function = getattr(importlib.import_module(module_name), name)
    return partial(function, **dict(spec.parameters)) if spec.parameters else function


def _index(ids: dict[str, int], key: str, kind: str) -> int:
    if key not in ids:
        known = ", ".join(sorted(ids)) or "none"
        raise KeyError(f"no {kind} {key!r} in this run (known: {known})")
    return ids[key]


def _direction(direction: int, action: str) -> int:
    if direction not in (0, 1):
        raise ValueError(f"{action}: direction must be 0 or 1 (or None: both), got {direction!r}")
    return direction


def _side(direction: int | None) -> str:
    return "both directions" if direction is None else f"direction {direction}"


def _hours(hours: float, action: str) -> float:
    if not isinstance(hours, (int, float)) or not (0 < hours < math.inf):
        raise ValueError(f"{action}: hours must be a positive number, got {hours!r}")
    return float(hours)


def _chamber_windows(engine: Engine, station: LockStation, number: int) -> np.ndarray:
    return engine.chamber_windows[station.index][number]


def _without(windows: np.ndarray, start: float, end: float) -> np.ndarray:
    """``windows`` with the span [start, end) cut out."""
    rows: list[tuple[float, float]] = []
    for a, b in windows.tolist():
        if b <= start or a >= end:
            rows.append((a, b))
            continue
        if a < start:
            rows.append((a, start))
        if b > end:
            rows.append((end, b))
    return np.array(rows, dtype=float).reshape(-1, 2)
