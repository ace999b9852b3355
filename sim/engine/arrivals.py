"""Vessel arrivals of one replication, drawn in numpy blocks per flow.

Time-varying demand (growth per year, monthly seasonality, a first year) is handled by a time
change: interarrival times with mean 1 are drawn in "operational time" and mapped through the
inverse of the cumulative arrival intensity, which is piecewise linear over calendar months.
Poisson, Erlang-k, deterministic and empirical processes keep their shape; a scheduled flow
calls at fixed hours of each week with payloads that carry its tonnes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.randomness import stream
from sim.model.specs import CompiledModel, FlowSpec, draw_payloads

__all__ = ["Arrivals", "draw_arrivals", "intensity"]

HOURS_PER_WEEK = 168.0


@dataclass(frozen=True)
class Arrivals:
    """All vessels of one replication, sorted by entry time."""

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


def _operational_times(rng: np.random.Generator, flow: FlowSpec, total: float) -> np.ndarray:
    """Cumulative operational times below ``total`` (arrivals of a unit-rate process)."""
    process = flow.arrivals
    out: list[np.ndarray] = []
    reached = 0.0
    block = int(total + 10.0 * np.sqrt(total) + 16)
    # drawn first, so that a plan with more demand sees the same early arrivals (CRN)
    phase = rng.random()
    first = True
    while reached < total:
        if process.process == "poisson":
            gaps = rng.exponential(1.0, block)
        elif process.process == "erlang":
            gaps = rng.gamma(process.k, 1.0 / process.k, block)
        elif process.process == "deterministic":
            gaps = np.ones(block)
        elif process.process == "empirical":
            samples = np.asarray(process.interarrival_h, dtype=float)
            gaps = rng.choice(samples / samples.mean(), size=block)
        else:  # pragma: no cover - scheduled flows do not use operational time
            raise TypeError(process.process)
        if first:
            # start in steady state: the first gap is a random fraction of a gap
            gaps[0] *= phase
            first = False
        times = reached + np.cumsum(gaps)
        out.append(times)
        reached = float(times[-1])
    times = np.concatenate(out)
    return times[times < total]


def _flow_arrivals(
    model: CompiledModel, index: int, seed: int, replication: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flow = model.flows[index]
    calendar = model.calendar
    starts = calendar.month_start_h
    rng_time = stream(seed, replication, f"arrivals:{flow.id}")
    rng_class = stream(seed, replication, f"vessel_class:{flow.id}")
    rng_load = stream(seed, replication, f"payload:{flow.id}")
    if flow.arrivals.process == "scheduled":
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
    rate = intensity(model, flow)
    cumulative = np.concatenate(([0.0], np.cumsum(rate * np.diff(starts))))
    total = float(cumulative[-1])
    if total <= 0:
        return np.empty(0), np.empty(0, dtype=np.int64), np.empty(0)
    operational = _operational_times(rng_time, flow, total)
    # map operational time to calendar time through the inverse cumulative intensity; months
    # with no demand have flat cumulative intensity and receive no arrivals
    times = np.interp(operational, cumulative, starts)
    choice = rng_class.choice(len(flow.classes), size=len(times), p=flow.class_share)
    payload = np.empty(len(times))
    for position, class_index in enumerate(flow.classes):
        chosen = choice == position
        payload[chosen] = draw_payloads(rng_load, model.classes[class_index], int(chosen.sum()))
    if model.low_water:
        payload = _apply_low_water(model, flow, times, choice, payload)
    return times, choice, payload


def draw_arrivals(model: CompiledModel, *, seed: int, replication: int) -> Arrivals:
    """Every vessel of one replication: entry time, flow, class, itinerary and payload.

    Drawn from the streams ``arrivals:``, ``vessel_class:`` and ``payload:`` of each flow, for
    ``(seed, replication)``.
    """
    parts = []
    for index, flow in enumerate(model.flows):
        times, choice, payload = _flow_arrivals(model, index, seed, replication)
        classes = np.asarray(flow.classes, dtype=np.int64)[choice] if len(times) else choice
        itineraries = np.asarray(flow.itineraries, dtype=np.int64)[choice] if len(times) else choice
        parts.append(
            (times, np.full(len(times), index, dtype=np.int64), classes, itineraries, payload)
        )
    entry = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
    order = np.argsort(entry, kind="stable")
    return Arrivals(
        entry[order],
        np.concatenate([p[1] for p in parts])[order],
        np.concatenate([p[2] for p in parts]).astype(np.int64)[order],
        np.concatenate([p[3] for p in parts]).astype(np.int64)[order],
        np.concatenate([p[4] for p in parts])[order],
    )
