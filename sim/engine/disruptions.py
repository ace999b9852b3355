"""Downtime windows of one replication: weather, closures and breakdowns, as (start, end) hours.

Drawn once, before the run, from the compiled :class:`~sim.model.operations.OperationsSpec`
and the replication's random streams (one per source: ``weather``, and
``breakdown:{entry}:{resource}`` for each breakdown entry and resource it applies to).
"""

from __future__ import annotations

import numpy as np

from sim.engine.stations.base import merge_windows
from sim.model.operations import OperationsSpec
from sim.model.randomness import stream

__all__ = ["breakdown_windows", "closure_windows", "weather_windows"]


def weather_windows(
    operations: OperationsSpec, horizon_h: float, *, seed: int, replication: int
) -> np.ndarray:
    """Downtime windows (start, end) in hours: Poisson starts, exponential durations, merged."""
    if operations.weather_events_per_h <= 0:
        return np.empty((0, 2))
    rng = stream(seed, replication, "weather")
    count = rng.poisson(operations.weather_events_per_h * horizon_h)
    starts = np.sort(rng.uniform(0.0, horizon_h, count))
    ends = starts + rng.exponential(operations.weather_mean_event_h, count)
    merged: list[list[float]] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=float).reshape(-1, 2)


def closure_windows(operations: OperationsSpec) -> dict[str, np.ndarray]:
    """Closures per resource id, in simulation hours, merged."""
    return {
        resource: merge_windows(np.array(windows, dtype=float).reshape(-1, 2))
        for resource, windows in operations.closures_h.items()
    }


def breakdown_windows(
    operations: OperationsSpec,
    horizon_h: float,
    kind: str,
    owner: str,
    name: str,
    servers: int = 1,
    *,
    seed: int,
    replication: int,
) -> np.ndarray:
    """Failure windows of one resource: failures at rate servers / MTBF, repairs Exp(MTTR).

    ``owner`` is the id a breakdown entry may name (a lock or a terminal); an entry with no
    owners applies to every resource of its kind.
    """
    rows: list[np.ndarray] = []
    for index, entry in enumerate(operations.breakdowns):
        if entry.kind != kind or (entry.owners and owner not in entry.owners):
            continue
        rng = stream(seed, replication, f"breakdown:{index}:{name}")
        count = rng.poisson(servers * horizon_h / entry.mtbf_h)
        starts = np.sort(rng.uniform(0.0, horizon_h, count))
        rows.append(np.column_stack([starts, starts + rng.exponential(entry.mttr_h, count)]))
    if not rows:
        return np.empty((0, 2))
    failures = np.concatenate(rows)
    return failures[np.argsort(failures[:, 0], kind="stable")]
