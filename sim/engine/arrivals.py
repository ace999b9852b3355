"""Vessel arrivals of one replication, drawn lazily in time order, in numpy blocks per flow.

Time-varying demand (growth per year, monthly seasonality, a first year) is handled by a time
change: interarrival times with mean 1 are drawn in "operational time" and mapped through the
inverse of the cumulative arrival intensity, which is piecewise linear over calendar months.
Poisson, Erlang-k, deterministic and empirical processes keep their shape; a scheduled flow
calls at fixed hours of each week with payloads that carry its tonnes.

The engine does not draw the whole horizon up front: an :class:`ArrivalStream` hands it the
vessels entering before a given hour (:meth:`ArrivalStream.take`) as its clock advances, so
that a run's memory follows the ships in the system, not the demand of the whole horizon. The
numbers do not depend on how the horizon is cut into blocks: each flow draws from its own
streams (``arrivals:``, ``vessel_class:``, ``payload:``) element by element, numpy's
generators give the same values whether drawn in one call or in consecutive ones, and the
cumulative sums are carried over from one chunk to the next exactly as one ``cumsum`` would
add them. The payloads are drawn class by class from one stream (all the first class's, then
the second's, ...); so that a class's payloads can be drawn a block at a time, the stream
counts each flow's ships of each class over the horizon first (drawing and dropping the
numbers, in chunks) and starts each class at the state the one-call draw would reach.
:func:`draw_arrivals` takes the whole horizon in one block.
"""

from __future__ import annotations

import copy
import math
from array import array
from dataclasses import dataclass

import numpy as np

from sim.model.randomness import stream
from sim.model.specs import CompiledModel, FlowSpec, draw_payloads

__all__ = ["ArrivalStream", "Arrivals", "DrawnArrivals", "draw_arrivals", "intensity"]

HOURS_PER_WEEK = 168.0
#: numbers drawn per call when counting or skipping (changes no number drawn)
_CHUNK = 65_536
#: a flow draws until its last arrival is this many hours past the block taken, so that no
#: arrival drawn later can enter before the block's end (arrival times never decrease, up to
#: rounding at the edge of a month)
_MARGIN_H = 1.0


@dataclass(frozen=True)
class Arrivals:
    """Vessels of one replication (all of them, or a block of them), sorted by entry time."""

    entry_h: np.ndarray
    flow: np.ndarray
    vessel_class: np.ndarray
    itinerary: np.ndarray
    payload_t: np.ndarray


def _tonnes_per_hour(model: CompiledModel, flow: FlowSpec) -> np.ndarray:
    """Planned tonnes (or, for rate flows, calls) per hour in each calendar month.

    The warm-up (the months before 1 January of the first counted year) runs at the demand of
    that first year: its annual volume and growth, each month at its own seasonality factor;
    a flow starting in the first counted year is present in the warm-up.
    """
    calendar = model.calendar
    hours = np.diff(calendar.month_start_h)
    years = calendar.month_year
    months = calendar.month_number
    rate = np.zeros(len(hours))
    for year in np.unique(years):
        in_year = years == year
        plan_year = max(int(year), calendar.first_year)
        if plan_year < flow.from_year:
            continue
        growth = (1.0 + flow.growth_per_year) ** (plan_year - flow.from_year)
        factors = np.array([flow.seasonality[m - 1] for m in months[in_year]])
        # weight the months of a whole year so that a year carries exactly its volume
        year_hours = _month_hours(plan_year)
        full_year = np.array([flow.seasonality[m] * h for m, h in enumerate(year_hours)])
        scale = sum(year_hours) / full_year.sum()
        if flow.annual_t is not None:
            per_hour = flow.annual_t * growth / sum(year_hours)
        else:
            per_hour = (flow.vessels_per_day or 0.0) * growth / 24.0
        rate[in_year] = per_hour * factors * scale * model.multiplier
    return rate


def _month_hours(year: int) -> list[float]:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return [24.0 * d for d in days]


def intensity(model: CompiledModel, flow: FlowSpec) -> np.ndarray:
    """Vessel arrivals per hour of ``flow`` in each calendar month of the run.

    In low-water months ships carry less, so more of them carry the same tonnes.
    """
    rate = _tonnes_per_hour(model, flow)
    if flow.annual_t is not None:
        rate = rate / _mean_payload_by_month(model, flow)
    return rate


def _low_water_share(model: CompiledModel) -> np.ndarray:
    """Share of each month inside each low-water period: array (periods, months)."""
    starts = model.calendar.month_start_h
    out = np.zeros((len(model.low_water), len(starts) - 1))
    for p, period in enumerate(model.low_water):
        overlap = np.clip(
            np.minimum(starts[1:], period.end_h) - np.maximum(starts[:-1], period.start_h),
            0.0,
            None,
        )
        out[p] = overlap / np.diff(starts)
    return out


def _mean_payload_by_month(model: CompiledModel, flow: FlowSpec) -> np.ndarray:
    months = len(model.calendar.month_start_h) - 1
    mean = np.zeros(months)
    share = _low_water_share(model) if model.low_water else None
    for c, weight, itinerary in zip(flow.classes, flow.class_share, flow.itineraries, strict=True):
        factor = np.ones(months)
        if share is not None:
            for p, period in enumerate(model.low_water):
                factor -= share[p] * (1.0 - model.payload_factor(c, itinerary, period))
        mean += weight * model.classes[c].mean_payload_t * factor
    return mean


def _apply_low_water(
    model: CompiledModel, flow: FlowSpec, times: np.ndarray, choice: np.ndarray, payload: np.ndarray
) -> np.ndarray:
    for period in model.low_water:
        inside = (times >= period.start_h) & (times < period.end_h)
        if not inside.any():
            continue
        for position, (c, itinerary) in enumerate(zip(flow.classes, flow.itineraries, strict=True)):
            chosen = inside & (choice == position)
            payload[chosen] *= model.payload_factor(c, itinerary, period)
    return payload


class _UnitRateTimes:
    """Cumulative operational times below ``total`` (arrivals of a unit-rate process), drawn
    a chunk at a time.

    The values are those of whole blocks of ``total + 10 sqrt(total) + 16`` gaps each (the
    first gap a random fraction ``phase`` of a gap, so that the process starts in steady
    state), each block's times its gaps' running sum from the last time of the block before:
    the sum is carried from chunk to chunk, so cutting a block into chunks changes no bit.
    """

    def __init__(self, rng: np.random.Generator, flow: FlowSpec, total: float) -> None:
        self.rng = rng
        self.process = flow.arrivals
        self.total = total
        self.block = int(total + 10.0 * np.sqrt(total) + 16)
        samples = np.asarray(self.process.interarrival_h or (1.0,), dtype=float)
        self.samples = samples / samples.mean()
        # drawn first, so that a plan with more demand sees the same early arrivals (CRN)
        self.phase = rng.random()
        self.first = True
        self.base = 0.0  # the last time of the block before (0 in the first block)
        self.running = 0.0  # the running sum of the gaps of the current block so far
        self.left = 0  # gaps of the current block still to draw
        self.done = False

    def next(self, size: int) -> np.ndarray:
        """The next times, at most ``size`` of them (fewer, or none, only at the end)."""
        if self.done:
            return np.empty(0)
        if self.left == 0:
            self.left = self.block
            self.running = 0.0
        count = min(size, self.left)
        gaps = self._gaps(count)
        if self.first:
            gaps[0] *= self.phase
            self.first = False
        sums = np.cumsum(np.concatenate(([self.running], gaps)))[1:]
        times = self.base + sums
        self.running = float(sums[-1])
        self.left -= count
        if self.left == 0:
            self.base = float(times[-1])
        if times[-1] >= self.total:
            # times never decrease: the rest of the process is past the horizon
            self.done = True
            return times[times < self.total]
        return times

    def _gaps(self, count: int) -> np.ndarray:
        process, rng = self.process.process, self.rng
        if process == "poisson":
            return rng.exponential(1.0, count)
        if process == "erlang":
            k = self.process.k
            return rng.gamma(k, 1.0 / k, count)
        if process == "deterministic":
            return np.ones(count)
        if process == "empirical":
            return rng.choice(self.samples, size=count)
        raise TypeError(process)  # pragma: no cover - scheduled flows do not use operational time


class _FlowDraws:
    """The arrivals of one flow, drawn in chunks from its own streams and handed out in time
    order (:meth:`take`).

    On creation it counts the flow's ships of each of its classes over the horizon
    (``counts``), drawing their times and classes from copies of the streams and dropping
    them, and places the payload stream of each class where a draw of the whole horizon would
    start it: the ``payload:`` stream serves the classes one after the other.
    """

    def __init__(
        self, model: CompiledModel, index: int, seed: int, replication: int, chunk: int
    ) -> None:
        flow = model.flows[index]
        self.model = model
        self.flow = flow
        self.index = index
        self.chunk = max(64, chunk)
        positions = len(flow.classes)
        self.class_of = np.asarray(flow.classes, dtype=np.int64)
        self.itinerary_of = np.asarray(flow.itineraries, dtype=np.int64)
        # drawn and not yet taken: (entry time, class position, payload) chunks, in order
        self.buffer: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.counts = np.zeros(positions, dtype=np.int64)
        self.done = True
        if flow.arrivals.process == "scheduled":
            # a timetable: a few calls a week whatever the demand, drawn at once
            part = _scheduled(model, flow, stream(seed, replication, f"vessel_class:{flow.id}"))
            self.counts = np.bincount(part[1], minlength=positions).astype(np.int64)
            self.buffer = [part] if len(part[0]) else []
            return
        calendar = model.calendar
        self.starts = calendar.month_start_h
        rate = intensity(model, flow)
        self.cumulative = np.concatenate(([0.0], np.cumsum(rate * np.diff(self.starts))))
        self.total = float(self.cumulative[-1])
        if self.total <= 0:
            return
        names = [f"{source}:{flow.id}" for source in ("arrivals", "vessel_class", "payload")]
        # count the ships of each class: the draws of the run, made once more and dropped
        times = _UnitRateTimes(stream(seed, replication, names[0]), flow, self.total)
        ships = 0
        while not times.done:
            ships += len(times.next(_CHUNK))
        if positions == 1:
            self.counts[0] = ships
        else:
            rng_class = stream(seed, replication, names[1])
            for start in range(0, ships, _CHUNK):
                size = min(_CHUNK, ships - start)
                choice = rng_class.choice(positions, size=size, p=flow.class_share)
                self.counts += np.bincount(choice, minlength=positions)
        # the payload stream of each class, where the draw of the whole horizon starts it
        # (a class of constant payloads draws no number)
        drawing = [
            model.classes[c].load_factor_cv > 0 and self.counts[position] > 0
            for position, c in enumerate(flow.classes)
        ]
        rng_load = stream(seed, replication, names[2])
        self.rng_load: list[np.random.Generator | None] = [None] * positions
        for position in np.flatnonzero(drawing).tolist():
            later = any(drawing[position + 1 :])
            self.rng_load[position] = copy.deepcopy(rng_load) if later else rng_load
            count = int(self.counts[position]) if later else 0
            for start in range(0, count, _CHUNK):
                rng_load.standard_normal(min(_CHUNK, count - start))
        self.times = _UnitRateTimes(stream(seed, replication, names[0]), flow, self.total)
        self.rng_class = stream(seed, replication, names[1])
        self.done = False

    def _draw(self) -> None:
        flow, model = self.flow, self.model
        operational = self.times.next(self.chunk)
        self.done = self.times.done
        # map operational time to calendar time through the inverse cumulative intensity;
        # months with no demand have flat cumulative intensity and receive no arrivals
        times = np.interp(operational, self.cumulative, self.starts)
        choice = self.rng_class.choice(len(flow.classes), size=len(times), p=flow.class_share)
        payload = np.empty(len(times))
        for position, class_index in enumerate(flow.classes):
            chosen = choice == position
            payload[chosen] = draw_payloads(
                self.rng_load[position],  # type: ignore[arg-type, unused-ignore]
                model.classes[class_index],
                int(chosen.sum()),
            )
        if model.low_water:
            payload = _apply_low_water(model, flow, times, choice, payload)
        if len(times):
            self.buffer.append((times, choice, payload))

    def take(self, until_h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove and return the arrivals before ``until_h`` (entry, class position, payload),
        in the order drawn."""
        while not self.done and (not self.buffer or self.buffer[-1][0][-1] < until_h + _MARGIN_H):
            self._draw()
        if not self.buffer:
            return np.empty(0), np.empty(0, dtype=np.int64), np.empty(0)
        if len(self.buffer) == 1:
            times, choice, payload = self.buffer[0]
        else:
            times, choice, payload = (np.concatenate(c) for c in zip(*self.buffer, strict=True))
        before = times < until_h
        if before.all():
            self.buffer = []
            return times, choice, payload
        after = ~before
        self.buffer = [(times[after], choice[after], payload[after])] if after.any() else []
        return times[before], choice[before], payload[before]


def _scheduled(
    model: CompiledModel, flow: FlowSpec, rng_class: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A timetabled flow's calls (time, class position, payload) over the whole horizon."""
    calendar = model.calendar
    starts = calendar.month_start_h
    # the timetable's weeks are counted from 1 January of the first counted year, back
    # into the warm-up and on to the horizon
    before = np.ceil(calendar.warmup_h / HOURS_PER_WEEK)
    after = np.ceil((calendar.horizon_h - calendar.warmup_h) / HOURS_PER_WEEK)
    weeks = calendar.warmup_h + HOURS_PER_WEEK * np.arange(-before, after + 1.0)
    times = np.sort((weeks[:, None] + np.asarray(flow.arrivals.weekly_times_h)).ravel())
    times = times[(times >= 0.0) & (times < calendar.horizon_h)]
    month = calendar.month_index(times)
    tonnes_per_h = _tonnes_per_hour(model, flow)
    calls_per_month = np.bincount(month, minlength=len(tonnes_per_h)).astype(float)
    tonnes_month = tonnes_per_h * np.diff(starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_call = np.where(calls_per_month > 0, tonnes_month / calls_per_month, 0.0)
    keep = per_call[month] > 0
    times, month = times[keep], month[keep]
    choice = rng_class.choice(len(flow.classes), size=len(times), p=flow.class_share)
    dwt = np.array([model.classes[c].dwt_t for c in flow.classes])[choice]
    payload = np.minimum(per_call[month], dwt)
    return times, choice, payload


class ArrivalStream:
    """The vessels of one replication, handed out in time order a block at a time.

    ``take(until_h)`` returns the vessels entering before ``until_h`` not taken yet; vessel
    ``i`` of the run is the ``i``-th taken. Whatever the blocks, the vessels, their order and
    every number are those of one draw of the whole horizon (:func:`draw_arrivals`).

    Parameters
    ----------
    model : CompiledModel
    seed, replication : int
        The streams drawn from (see :func:`sim.model.randomness.stream`).
    block_vessels : int
        About how many vessels a block of ``step_h`` hours holds (it changes no number).

    Attributes
    ----------
    total : int
        Vessels of the whole horizon.
    itinerary_counts : numpy.ndarray
        Vessels of each itinerary over the whole horizon.
    until_h : float
        Every vessel entering before this hour has been taken.
    taken : int
        Vessels taken so far.
    step_h : float
        Hours that hold about ``block_vessels`` vessels on average.
    """

    def __init__(
        self, model: CompiledModel, *, seed: int, replication: int, block_vessels: int = 65_536
    ) -> None:
        if block_vessels < 1:
            raise ValueError(f"block_vessels must be >= 1 (got {block_vessels})")
        horizon_h = model.calendar.horizon_h
        # a first, rough count sets each flow's chunk to about its share of a block
        expected = [
            float(np.sum(intensity(model, f) * np.diff(model.calendar.month_start_h)))
            if f.arrivals.process != "scheduled"
            else 0.0
            for f in model.flows
        ]
        blocks = max(1.0, sum(expected) / block_vessels)
        self.flows = [
            _FlowDraws(model, i, seed, replication, math.ceil(expected[i] / blocks * 1.1))
            for i in range(len(model.flows))
        ]
        counts = np.zeros(len(model.itineraries), dtype=np.int64)
        for draws in self.flows:
            np.add.at(counts, draws.itinerary_of, draws.counts)
        self.itinerary_counts = counts
        self.total = int(counts.sum())
        self.until_h = 0.0
        self.taken = 0
        self.step_h = (
            horizon_h * block_vessels / self.total if self.total and horizon_h > 0 else math.inf
        )

    @property
    def exhausted(self) -> bool:
        """Whether every vessel of the horizon has been taken."""
        return self.taken == self.total

    def take(self, until_h: float) -> Arrivals:
        """The vessels entering before ``until_h`` not taken yet, by entry time (ties: by flow,
        then in the order drawn)."""
        parts = [draws.take(until_h) for draws in self.flows]
        entry = np.concatenate([p[0] for p in parts])
        order = np.argsort(entry, kind="stable")
        flow = np.concatenate([np.full(len(p[0]), i, dtype=np.int64) for i, p in enumerate(parts)])
        classes = np.concatenate([d.class_of[p[1]] for d, p in zip(self.flows, parts, strict=True)])
        itineraries = np.concatenate(
            [d.itinerary_of[p[1]] for d, p in zip(self.flows, parts, strict=True)]
        )
        payload = np.concatenate([p[2] for p in parts])
        self.taken += len(entry)
        self.until_h = max(self.until_h, until_h)
        if self.taken > self.total or (
            math.isinf(until_h) and self.taken != self.total
        ):  # pragma: no cover - the count and the draws are the same numbers
            raise AssertionError(f"drew {self.taken} vessels, counted {self.total}")
        return Arrivals(
            entry[order], flow[order], classes[order], itineraries[order], payload[order]
        )


class DrawnArrivals:
    """The vessels taken so far from an :class:`ArrivalStream`, one typed array per column,
    indexed by vessel and grown a block at a time (what the engine keeps of them: entry hour,
    flow, vessel class and payload in tonnes)."""

    def __init__(self) -> None:
        self.entry_h = array("d")
        self.flow = array("q")
        self.vessel_class = array("q")
        self.payload_t = array("d")

    def __len__(self) -> int:
        return len(self.entry_h)

    def extend(self, block: Arrivals) -> None:
        """Add the vessels of ``block`` (the next ones taken)."""
        self.entry_h.frombytes(np.ascontiguousarray(block.entry_h, dtype=np.float64).tobytes())
        self.flow.frombytes(np.ascontiguousarray(block.flow, dtype=np.int64).tobytes())
        self.vessel_class.frombytes(
            np.ascontiguousarray(block.vessel_class, dtype=np.int64).tobytes()
        )
        self.payload_t.frombytes(np.ascontiguousarray(block.payload_t, dtype=np.float64).tobytes())

    def columns(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays, sharing the typed arrays' memory (which can then no
        longer grow: call it once no more vessels are added)."""
        return {
            "flow": np.asarray(self.flow, dtype=np.int64),
            "vessel_class": np.asarray(self.vessel_class, dtype=np.int64),
            "payload_t": np.asarray(self.payload_t, dtype=np.float64),
            "entry_h": np.asarray(self.entry_h, dtype=np.float64),
        }


def draw_arrivals(model: CompiledModel, *, seed: int, replication: int) -> Arrivals:
    """Every vessel of one replication: entry time, flow, class, itinerary and payload.

    Drawn from the streams ``arrivals:``, ``vessel_class:`` and ``payload:`` of each flow, for
    ``(seed, replication)``: the vessels an :class:`ArrivalStream` hands out, in one block.
    """
    return ArrivalStream(model, seed=seed, replication=replication).take(math.inf)
