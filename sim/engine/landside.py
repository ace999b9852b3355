"""The landside of one replication: yards, truck gates, trains on sidings and lines, airports.

Cargo moves on land as *jobs*: the tonnes of one ship call taking one landside option (see
:mod:`sim.model.landside`). An unloaded job is created when the ship's handling ends, dwells
in the yard, then passes its stages outward; the yard space it holds is freed when it leaves
the terminal (passes its first stage). A job to be loaded is released towards the terminal
``dwell`` hours before its ship is planned at the berth and passes its stages inward; the ship
starts loading only when all its cargo is there.

Rate stages (gates, airports, yard rates) work in hourly batches: in each open hour they move
at most their capacity of the cargo ready, first come first served (86 Mt by 30 t trucks is
~3 M trips a year; batching them keeps the event count small). Train stages form trains per
line, one train on a siding at a time per siding, and depart when every rail link of the line
has a path free; each train uses two movements of each link (laden and empty return).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, Final

import numpy as np

from sim import facilities
from sim.engine.arrivals import Arrivals
from sim.engine.columns import Column
from sim.engine.context import Call, Context, Quay, Waker
from sim.engine.heap import Entry, TimeHeap, earlier
from sim.engine.stations.base import merge_windows, weather_check
from sim.model.landside import RailLinkSpec, StageSpec
from sim.model.specs import YardSpec

__all__ = ["Job", "Landside", "RailLink", "RateStage", "TrainStage", "Yard", "counter"]

INF: Final = math.inf
_EPS: Final = 1e-9


def counter(windows: np.ndarray) -> Callable[[float], int]:
    """A function giving how many of possibly overlapping (start, end) windows cover a time."""
    starts = sorted(windows[:, 0].tolist()) if len(windows) else []
    ends = sorted(windows[:, 1].tolist()) if len(windows) else []

    def count(now: float) -> int:
        return bisect_right(starts, now) - bisect_right(ends, now)

    return count


class Job:
    """Tonnes of one ship call taking one landside option."""

    __slots__ = (
        "direct",
        "diverted",
        "done_h",
        "export",
        "itinerary",
        "left_t",
        "option",
        "position",
        "ready_h",
        "row",
        "stages",
        "tonnes",
        "vessel",
        "yard",
    )

    def __init__(
        self,
        row: int,
        vessel: int,
        itinerary: int,
        option: int,
        stages: tuple[int, ...],
        tonnes: float,
        ready_h: float,
        export: bool,
        yard: int,
    ) -> None:
        self.row = row
        self.vessel = vessel
        self.itinerary = itinerary
        self.option = option
        self.stages = stages  # the stages of its option, in the order it passes them
        self.tonnes = tonnes
        self.left_t = tonnes  # still to pass the current stage
        self.ready_h = ready_h
        self.position = 0
        self.export = export
        self.direct = False  # ship-to-train at a rail-water berth: never in the yard
        self.yard = yard  # yard it frees when it leaves the terminal (-1: none)
        self.done_h = math.nan
        self.diverted = False


class Yard:
    """Space for cargo landed from ships; a ship waits at its berth until its cargo fits.

    Requests are served first come first served; the level changes are recorded as a step
    function (time, level).
    """

    def __init__(self, spec: YardSpec) -> None:
        self.spec = spec
        self.level_t = 0.0
        self.waiting: deque[tuple[float, Callable[[], None]]] = deque()
        self.times = Column(float)
        self.levels = Column(float)

    def request(self, tonnes: float, now: float, granted: Callable[[], None]) -> bool:
        """Book ``tonnes``; True if they fit now, else ``granted`` is called when they do."""
        tonnes = min(tonnes, self.spec.capacity_t)
        if not self.waiting and self.level_t + tonnes <= self.spec.capacity_t + _EPS:
            self._set(self.level_t + tonnes, now)
            return True
        self.waiting.append((tonnes, granted))
        return False

    def release(self, tonnes: float, now: float) -> None:
        self._set(max(0.0, self.level_t - tonnes), now)
        while self.waiting and (self.level_t + self.waiting[0][0] <= self.spec.capacity_t + _EPS):
            need, granted = self.waiting.popleft()
            self._set(self.level_t + need, now)
            granted()

    def _set(self, level: float, now: float) -> None:
        self.level_t = level
        self.times.append(now)
        self.levels.append(level)


class RailLink:
    """Paths on a rail link: one movement every ``headway_h``, closures respected."""

    def __init__(self, spec: RailLinkSpec, closed: Callable[[float], float] | None) -> None:
        self.spec = spec
        self.next_free_h = -INF
        self.closed = closed
        self.movements = array("d")

    def earliest(self, time_h: float) -> float:
        start = max(time_h, self.next_free_h)
        if self.closed is not None:
            start = self.closed(start)
        return start

    def book(self, depart_h: float) -> None:
        """Two movements from ``depart_h``: the laden run and the empty return."""
        headway = self.spec.headway_h
        self.movements.append(depart_h)
        self.movements.append(depart_h + headway)
        self.next_free_h = depart_h + 2.0 * headway


class _Stage(Waker):
    """Pending jobs (ready later) and the jobs ready and waiting, FIFO."""

    def __init__(
        self,
        landside: Landside,
        spec: StageSpec,
        index: int,
        closed: Callable[[float], float] | None,
        down: Callable[[float], int] | None,
    ) -> None:
        self.landside = landside
        self.context = landside.context
        self.spec = spec
        self.index = index
        self.closed = closed  # end of the closure covering a time (or the time)
        self.down = down  # how many servers (lanes, sidings) are broken at a time
        self.pending: TimeHeap[Job] = TimeHeap()  # (ready time, job row, job)
        # export cargo released from the feed, sorted by (ready time, job row), read by index
        # (the engine appends to it as it draws ships, never ahead of a job known later)
        self.feed: list[Entry[Job]] = []
        self.feed_next = 0
        self.ring_at = INF
        self.waiting_t = 0.0

    def push(self, job: Job, ready_h: float) -> None:
        self.pending.push(ready_h, job.row, job)
        self.wake(ready_h)

    def set_feed(self, feed: list[Entry[Job]]) -> None:
        """The first jobs this stage receives from the feed, in any order (the engine appends
        the later ones, in order, as it draws their ships); wakes it for the earliest."""
        feed.sort(key=lambda entry: (entry.time, entry.key))
        self.feed = feed
        self.feed_next = 0
        if feed:
            self.wake(feed[0].time)

    def next_ready(self) -> float:
        """When the next job not yet pulled is ready (inf if none is known)."""
        feed_time = self.feed[self.feed_next].time if self.feed_next < len(self.feed) else INF
        heap_time = self.pending.first_time()
        return feed_time if feed_time < heap_time else heap_time

    def pull(self, now: float) -> list[Job]:
        """Remove and return the jobs ready by ``now``, by (ready time, job row)."""
        out = []
        pending, feed = self.pending, self.feed
        i, n = self.feed_next, len(feed)
        limit = now + _EPS
        while True:
            from_feed = i < n and feed[i].time <= limit
            if pending.first_time() <= limit and (
                not from_feed or earlier(pending.first(), feed[i])
            ):
                out.append(pending.pop().value)
            elif from_feed:
                out.append(feed[i].value)
                i += 1
            else:
                break
        self.feed_next = i
        return out

    def unpulled(self) -> list[Job]:
        """Jobs on their way here, not yet pulled."""
        return [entry.value for entry in self.feed[self.feed_next :]] + self.pending.values()

    def wake(self, time_h: float) -> None:
        raise NotImplementedError

    def jobs_held(self) -> list[Job]:
        raise NotImplementedError


class RateStage(_Stage):
    """A gate, airport or yard rate: hourly batches of at most its capacity while open."""

    def __init__(
        self,
        landside: Landside,
        spec: StageSpec,
        index: int,
        closed: Callable[[float], float] | None,
        down: Callable[[float], int] | None,
        servers: int,
    ) -> None:
        super().__init__(landside, spec, index, closed, down)
        self.ready: deque[Job] = deque()
        self.servers = servers
        # records: one row per hour with cargo moved
        self.tick_h = Column(float)
        self.moved_t = Column(float)
        self.capacity_t = Column(float)

    @classmethod
    def build(
        cls,
        landside: Landside,
        spec: StageSpec,
        index: int,
        closed: Callable[[float], float] | None,
        breakdown: str | None,
        breakdowns: Callable[[str, str, str, int], np.ndarray],
    ) -> RateStage:
        """The stage of ``spec``: a gate's lanes break down one by one (``breakdown``), an
        airport's or a yard's rate is one server that does not."""
        servers = spec.lanes if breakdown is not None else 1
        failures = (
            breakdowns(breakdown, spec.place, spec.id, servers)
            if breakdown is not None
            else np.empty((0, 2))
        )
        down = counter(failures) if len(failures) else None
        return cls(landside, spec, index, closed, down, servers)

    def jobs_held(self) -> list[Job]:
        return self.unpulled() + list(self.ready)

    def open_share(self, hour: float) -> float:
        """Share of the hour [hour, hour + 1) in which the stage works."""
        spec = self.spec
        if hour < spec.start_h or hour >= spec.end_h:
            return 0.0
        if spec.hours_per_day >= 24.0:
            return 1.0
        day = math.floor(hour / 24.0) * 24.0
        share = 0.0
        for base in (day - 24.0, day):
            opens = base + spec.opens_at_h
            share += max(0.0, min(hour + 1.0, opens + spec.hours_per_day) - max(hour, opens))
        return min(1.0, share)

    def wake(self, time_h: float) -> None:
        self.schedule_ring(math.ceil(max(time_h, self.context.now) - _EPS))

    def ring(self) -> None:
        now = self.context.now
        for job in self.pull(now):
            self.ready.append(job)
            self.waiting_t += job.left_t
        if self.landside.threshold_t is not None:
            self.landside.divert(self, now)
        if self.ready:
            self._batch(now)
        if self.ready:
            self.schedule_ring(now + 1.0)
        elif (upcoming := self.next_ready()) < INF:
            self.schedule_ring(math.ceil(upcoming - _EPS))

    def _batch(self, now: float) -> None:
        spec = self.spec
        share = self.open_share(now)
        if share > 0 and self.closed is not None and self.closed(now) > now:
            share = 0.0
        if share > 0 and self.down is not None:
            share *= max(0, self.servers - self.down(now)) / self.servers
        capacity = spec.rate_t_per_h * share
        if capacity <= 0:
            return
        moved = 0.0
        ready = self.ready
        landside = self.landside
        freed: dict[int, float] = {}  # tonnes leaving each yard in this hour
        while ready and moved < capacity - _EPS:
            job = ready[0]
            take = min(job.left_t, capacity - moved)
            moved += take
            job.left_t -= take
            if job.position == 0 and job.yard >= 0:
                freed[job.yard] = freed.get(job.yard, 0.0) + take
            if job.left_t <= _EPS:
                ready.popleft()
                landside.passed(job, now + 1.0)
        for yard, tonnes in freed.items():
            landside.yards[yard].release(tonnes, now)
        self.waiting_t = max(0.0, self.waiting_t - moved)
        self.tick_h.append(now)
        self.moved_t.append(moved)
        self.capacity_t.append(capacity)


class TrainStage(_Stage):
    """Trains formed per line at a terminal's sidings (or a station with ample sidings)."""

    def __init__(
        self,
        landside: Landside,
        spec: StageSpec,
        index: int,
        closed: Callable[[float], float] | None,
        down: Callable[[float], int] | None,
    ) -> None:
        super().__init__(landside, spec, index, closed, down)
        # trains are formed per line: (rail links, tonnes a train carries)
        self.lines: dict[tuple[tuple[int, ...], float], deque[Job]] = {}
        self.line_t: dict[tuple[tuple[int, ...], float], float] = {}
        self.busy = 0
        self.on_trains: dict[int, list[tuple[Job, float]]] = {}
        # records: one row per train
        self.t_start = array("d")
        self.t_depart = array("d")
        self.t_tonnes = array("d")
        self.t_capacity = array("d")

    @classmethod
    def build(
        cls,
        landside: Landside,
        spec: StageSpec,
        index: int,
        closed: Callable[[float], float] | None,
        breakdown: str | None,
        breakdowns: Callable[[str, str, str, int], np.ndarray],
    ) -> TrainStage:
        """The sidings of ``spec`` (each may break down; ample sidings never limit)."""
        down = None
        if breakdown is not None:
            failures = breakdowns(breakdown, spec.place, spec.id, max(1, spec.sidings))
            down = counter(failures) if len(failures) and spec.sidings > 0 else None
        return cls(landside, spec, index, closed, down)

    def jobs_held(self) -> list[Job]:
        held = {job.row: job for job in self.unpulled()}
        held.update((job.row, job) for q in self.lines.values() for job in q)
        held.update((job.row, job) for train in self.on_trains.values() for job, _ in train)
        return [job for job in held.values() if self.landside.stage_of(job) == self.index]

    def wake(self, time_h: float) -> None:
        self.schedule_ring(max(time_h, self.context.now))

    def free_sidings(self, now: float) -> float:
        sidings = self.spec.sidings
        if sidings <= 0:
            return INF
        down = self.down(now) if self.down is not None else 0
        return max(0, sidings - down) - self.busy

    def ring(self) -> None:
        now = self.context.now
        spec = self.spec
        for job in self.pull(now):
            line = self.landside.line_of(job, self)
            queue = self.lines.get(line)
            if queue is None:
                queue = self.lines[line] = deque()
                self.line_t[line] = 0.0
            queue.append(job)
            self.line_t[line] += job.left_t
            self.waiting_t += job.left_t
        if self.landside.threshold_t is not None:
            self.landside.divert(self, now)
        wake = self.next_ready()
        if now < spec.start_h:
            self.schedule_ring(spec.start_h)
            return
        if self.closed is not None and (clear := self.closed(now)) > now:
            self.schedule_ring(clear)
            return
        for line, queue in self.lines.items():
            while queue:
                due = queue[0].ready_h + spec.max_wait_h
                if self.line_t[line] < line[1] - _EPS and now < due - _EPS:
                    wake = min(wake, due)
                    break
                if self.free_sidings(now) <= 0:
                    break
                self._train(line, queue, now)
        if any(self.lines.values()) and self.free_sidings(now) <= 0 and self.down is not None:
            wake = min(wake, now + 1.0)  # a siding may come back from repair
        if wake < INF:
            self.schedule_ring(wake)

    def _train(self, line: tuple[tuple[int, ...], float], queue: deque[Job], now: float) -> None:
        spec = self.spec
        payload = line[1]
        load = 0.0
        carried: list[tuple[Job, float]] = []
        while queue and load < payload - _EPS:
            job = queue[0]
            take = min(job.left_t, payload - load)
            load += take
            job.left_t -= take
            carried.append((job, take))
            if job.left_t <= _EPS:
                queue.popleft()
        self.line_t[line] -= load
        self.waiting_t = max(0.0, self.waiting_t - load)
        links = [self.landside.links[i] for i in line[0]]
        depart = now + spec.handling_h
        for _ in range(len(links) + 1):  # settle on a time every link has free
            later = max((link.earliest(depart) for link in links), default=depart)
            if later <= depart + _EPS:
                break
            depart = later
        for link in links:
            link.book(depart)
        self.busy += 1
        self.t_start.append(now)
        self.t_depart.append(depart)
        self.t_tonnes.append(load)
        self.t_capacity.append(payload)
        for job, take in carried:
            if job.position == 0 and job.yard >= 0:
                self.landside.yards[job.yard].release(take, now)
        train = len(self.t_start) - 1
        self.on_trains[train] = carried
        self.context.at(depart, Call(partial(self._departed, train, depart)))

    def _departed(self, train: int, depart: float) -> None:
        self.busy -= 1
        carried = self.on_trains.pop(train)
        for job in {id(j): j for j, _ in carried}.values():
            if job.left_t <= _EPS and self.landside.stage_of(job) == self.index:
                self.landside.passed(job, depart)
        self.ring()


class Landside(Quay):
    """All landside stages, yards and jobs of one replication."""

    def __init__(
        self,
        context: Context,
        closures: dict[str, np.ndarray],
        weather: np.ndarray,
        breakdowns: Callable[[str, str, str, int], np.ndarray],
    ) -> None:
        self.context = context
        model = context.model
        self.model = model
        operations = model.operations
        applies = operations.weather_applies_to
        none = np.empty((0, 2))
        self.yards = [Yard(spec) for spec in model.yards]
        self.links = [
            RailLink(spec, weather_check(closures.get(spec.id, none))) for spec in model.rail_links
        ]
        self.stages: list[RateStage | TrainStage] = []
        for index, spec in enumerate(model.stages):
            # the kind's descriptor (sim.facilities) says which station runs it, whether
            # weather stops it and under which name its servers break down
            kind = facilities.kind(spec.kind)
            windows = [closures.get(spec.place, none)]
            if kind.weather is not None and kind.weather in applies:
                windows.append(weather)
            closed = weather_check(merge_windows(*windows))
            station: Any = kind.station_class()
            assert station is not None, f"facility kind {spec.kind!r} names no station"
            self.stages.append(station.build(self, spec, index, closed, kind.breakdown, breakdowns))
        self.threshold_t = operations.landside_diversion_t
        # jobs are numbered by row: first those released from the feed (see ``feed_exports``),
        # in the order of their ships, rows 0 to ``feed_rows - 1``; then those created during
        # the run, in the order created (the numbers of one feed of every ship at the start)
        self.feed_jobs: list[Job] = []
        self.jobs: list[Job] = []
        self.feed_rows = 0
        # the itineraries whose cargo is released from the feed: loading ships with a landside
        # (ships that choose their terminal release it when they set off)
        self.exporting = np.array(
            [
                it.handling == "load" and bool(it.landside) and i not in model.diversions
                for i, it in enumerate(model.itineraries)
            ],
            dtype=bool,
        )
        self.export_left: dict[int, float] = {}
        self.export_waiting: dict[int, Callable[[], None]] = {}
        self.rail_water = model.rail_water_groups
        # per stage: the first stages of the other options of the cargo that starts there
        # (where diverted cargo can go)
        self.divert_targets: list[list[int]] = [[] for _ in self.stages]
        for it in model.itineraries:
            for option in it.landside:
                if not option.stages:
                    continue
                targets = self.divert_targets[option.stages[0]]
                for other in it.landside:
                    if other is not option and other.stages and other.stages[0] not in targets:
                        targets.append(other.stages[0])

    # -- jobs ---------------------------------------------------------------------------------
    def _job(
        self,
        vessel: int,
        option: int,
        tonnes: float,
        ready_h: float,
        export: bool,
        yard: int,
        fed: bool = False,
    ) -> Job:
        itinerary = self.context.v_itin[vessel]
        stages = self.model.itineraries[itinerary].landside[option].stages
        jobs = self.feed_jobs if fed else self.jobs
        row = len(jobs) if fed else self.feed_rows + len(jobs)
        job = Job(row, vessel, itinerary, option, stages, tonnes, ready_h, export, yard)
        jobs.append(job)
        return job

    def reserve_feed_rows(self, itinerary_counts: np.ndarray) -> None:
        """Number the jobs created during the run after those the feed will release, given
        the ships of each itinerary over the whole run (one job per landside option of each
        loading ship); call it before the first ``feed_exports``."""
        options = np.array([len(it.landside) for it in self.model.itineraries], dtype=np.int64)
        self.feed_rows = int((itinerary_counts * options * self.exporting).sum())

    def close_rows(self) -> None:
        """After a run that stopped before every ship was drawn (an overflow): renumber the
        jobs created during the run to follow the feed's jobs released so far, so that rows
        index the jobs table (``feed_jobs`` then ``jobs``)."""
        first = len(self.feed_jobs)
        if first != self.feed_rows:
            for row, job in enumerate(self.jobs, start=first):
                job.row = row
            self.feed_rows = first

    def options(self, vessel: int) -> Any:
        return self.model.itineraries[self.context.v_itin[vessel]].landside

    def stage_of(self, job: Job) -> int:
        stages = job.stages
        return stages[job.position] if job.position < len(stages) else -1

    def line_of(self, job: Job, stage: TrainStage) -> tuple[tuple[int, ...], float]:
        """The line a job's train runs on and the tonnes such a train carries (a container
        train for container and reefer cargo, the stage's own trains otherwise)."""
        option = self.model.itineraries[job.itinerary].landside[job.option]
        return option.lines[job.position], option.train_t or stage.spec.vehicle_t

    def start(self, job: Job, ready_h: float) -> None:
        """Send ``job`` to its first stage (or straight through if it has none)."""
        stages = job.stages
        if not stages:
            self._done(job, ready_h)
            return
        self.stages[stages[0]].push(job, ready_h)

    def feed_exports(self, arrivals: Arrivals, first: int) -> list[list[Entry[Job]]]:
        """Release the cargo of the loading ships of ``arrivals`` (ships ``first``, ``first +
        1``, ... just drawn) towards the terminal, ``dwell`` before the ship: returns the jobs
        each stage's feed gets, in the order of their ships (cargo with no landside stage is
        done at once). The engine adds them to the feeds as far as no job of a ship drawn later
        can come before them."""
        context = self.context
        itineraries = self.model.itineraries
        vessels = np.flatnonzero(self.exporting[arrivals.itinerary])
        entry = arrivals.entry_h[vessels].tolist()
        feeds: list[list[Entry[Job]]] = [[] for _ in self.stages]
        for vessel, entry_h in zip((vessels + first).tolist(), entry, strict=True):
            it = itineraries[context.v_itin[vessel]]
            ready = max(0.0, entry_h + it.to_berth_h - it.dwell_h)
            for job in self._release(vessel, it, ready, fed=True):
                if job.stages:
                    feeds[job.stages[0]].append(Entry(ready, job.row, job))
                else:
                    self._done(job, ready)
        return feeds

    def release_exports(self, vessel: int, now: float) -> None:
        """A ship that chose its terminal at ``now``: its cargo heads there (late if its lead
        time has already begun)."""
        it = self.model.itineraries[self.context.v_itin[vessel]]
        if it.handling == "load" and it.landside:
            ready = max(now, now + it.to_berth_h - it.dwell_h)
            for job in self._release(vessel, it, ready):
                self.start(job, ready)

    def _release(self, vessel: int, it: Any, ready: float, fed: bool = False) -> list[Job]:
        """The export jobs of a loading ship, one per landside option, ready at ``ready``
        (``fed``: released from the feed)."""
        payload = self.context.v_payload[vessel]
        self.export_left[vessel] = payload
        return [
            self._job(vessel, option, payload * spec.share, ready, True, -1, fed)
            for option, spec in enumerate(it.landside)
        ]

    # -- what stations ask ---------------------------------------------------------------------
    def unloading(self, vessel: int, group: int, now: float, granted: Callable[[], None]) -> bool:
        """An unloading ship at berth group ``group`` books yard space (True: it fits now)."""
        yard = self.context.yard_of(vessel)
        if yard < 0:
            return True
        tonnes = self._yard_share(vessel, group) * self.context.v_payload[vessel]
        if tonnes <= _EPS:
            return True
        return self.yards[yard].request(tonnes, now, granted)

    def _yard_share(self, vessel: int, group: int) -> float:
        """Share of the payload that goes into the yard (rail cargo at a rail-water berth
        goes straight from ship to train)."""
        if group not in self.rail_water:
            return 1.0
        return sum(o.share for o in self.options(vessel) if o.mode != "rail") or 0.0

    def unloaded(self, vessel: int, group: int, now: float) -> None:
        """Handling ended: the cargo dwells, then heads for the land."""
        it = self.model.itineraries[self.context.v_itin[vessel]]
        if it.handling not in ("unload",) or not it.landside:
            return
        payload = self.context.v_payload[vessel]
        direct = group in self.rail_water
        for option, spec in enumerate(it.landside):
            straight = direct and spec.mode == "rail"
            ready = now if straight else now + it.dwell_h
            job = self._job(
                vessel, option, payload * spec.share, ready, False, -1 if straight else it.yard
            )
            job.direct = straight
            self.start(job, ready)

    def loading(self, vessel: int, now: float, granted: Callable[[], None]) -> bool:
        """A loading ship at berth: True if its cargo is all at the terminal."""
        left = self.export_left.get(vessel)
        if left is None or left <= _EPS * max(1.0, self.context.v_payload[vessel]):
            return True
        self.export_waiting[vessel] = granted
        return False

    def passed(self, job: Job, time_h: float) -> None:
        """``job`` is through its current stage at ``time_h``: on to the next one, or done."""
        stages = job.stages
        job.position += 1
        if job.position >= len(stages):
            self._done(job, time_h)
            return
        job.left_t = job.tonnes
        self.stages[stages[job.position]].push(job, time_h)

    def _done(self, job: Job, time_h: float) -> None:
        job.done_h = time_h
        if not job.export:
            if not job.stages and job.yard >= 0:  # no landside resource: it just leaves
                self.context.at(time_h, Call(partial(self._free_later, job.yard, job.tonnes)))
            return
        left = self.export_left[job.vessel] - job.tonnes
        self.export_left[job.vessel] = left
        if left <= _EPS * max(1.0, job.tonnes):
            granted = self.export_waiting.pop(job.vessel, None)
            if granted is not None:
                self.context.at(time_h, Call(granted))

    def _free_later(self, yard: int, tonnes: float) -> None:
        self.yards[yard].release(tonnes, self.context.now)

    def divert(self, stage: _Stage, now: float) -> None:
        """Congestion-aware landside diversion: past the threshold, newly ready cargo takes the
        stream's other landside option if that one's first stage is below it."""
        threshold = self.threshold_t
        if threshold is None or stage.waiting_t <= threshold:
            return
        stages = self.stages
        if all(stages[t].waiting_t > threshold for t in self.divert_targets[stage.index]):
            return  # every alternative is past the threshold too: nothing can move
        queues: list[deque[Job]] = (
            list(stage.lines.values())
            if isinstance(stage, TrainStage)
            else [stage.ready]
            if isinstance(stage, RateStage)
            else []
        )
        for queue in queues:
            moved: set[int] = set()
            settled = self._divert_from(stage, queue, threshold, now, moved)
            if moved:  # take the diverted jobs out in one pass
                kept = [job for job in queue if job.row not in moved]
                queue.clear()
                queue.extend(kept)
            if settled:
                return

    def _divert_from(
        self, stage: _Stage, queue: deque[Job], threshold: float, now: float, moved: set[int]
    ) -> bool:
        """Divert the newest untouched jobs of ``queue`` (rows added to ``moved``) until the
        stage is back at the threshold (True) or the queue is exhausted (False)."""
        for job in reversed(queue):
            if stage.waiting_t <= threshold:
                return True
            if job.position != 0 or job.left_t < job.tonnes - _EPS:
                continue
            options = self.options(job.vessel)
            for other, spec in enumerate(options):
                if other == job.option or not spec.stages:
                    continue
                target = self.stages[spec.stages[0]]
                if target.waiting_t + job.tonnes > threshold:
                    continue
                moved.add(job.row)
                stage.waiting_t -= job.tonnes
                if isinstance(stage, TrainStage):
                    stage.line_t[self.line_of(job, stage)] -= job.tonnes
                job.option = other
                job.stages = spec.stages
                job.diverted = True
                target.push(job, now)
                break
        return False
