"""Invariants checked on every replication: census of vessels and landside jobs, tonnes
conserved, no negative wait, no resource over its capacity.

Kept apart from the event loop's modules, which are compiled: these checks are numpy work done
once per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sim.engine.landside import RateStage, TrainStage
    from sim.engine.records import Records
    from sim.engine.stations.base import Station
    from sim.model.specs import CompiledModel

__all__ = ["Census", "InvariantError", "check_invariants"]


class _Stages(Protocol):
    @property
    def stages(self) -> Sequence[RateStage | TrainStage]: ...


class Census(Protocol):
    """What the checks read of a replication besides its records: the model, and the
    facilities, asked what they hold at the end (the engine, :class:`sim.engine.core.Engine`,
    is one)."""

    @property
    def model(self) -> CompiledModel: ...

    @property
    def stops(self) -> Sequence[Station]:
        """Every station on ships' itineraries: locks, terminals, stops of registered kinds
        and the diverter."""
        ...

    @property
    def landside(self) -> _Stages: ...


class InvariantError(AssertionError):
    """The engine broke one of its own invariants (a bug, never bad input)."""


def check_invariants(engine: Census, records: Records) -> dict[str, float]:
    """Conservation and sanity checks run on every replication.

    - every vessel is in exactly one place at the end: not yet at its first resource, held by
      one station (on its way, queued or in service), or gone to its exit; so the tonnes
      created equal the tonnes delivered plus those still in the system;
    - no wait is negative; no lockage fills more than the usable chamber area; no yard holds
      more than its capacity (berth groups are checked as ships start service).

    Returns the figures checked; raises :class:`InvariantError` if one fails.
    """
    n = len(records.vessels["exit_h"])
    seen = np.zeros(n, dtype=np.int64)
    for station in engine.stops:  # locks, terminals, stops of other kinds, the diverter
        np.add.at(seen, np.asarray(station.held(), dtype=np.int64), 1)
    exited = ~np.isnan(records.vessels["exit_h"])
    seen[exited] += 1
    if (seen != 1).any():
        bad = np.flatnonzero(seen != 1)[:5].tolist()
        raise InvariantError(f"vessels lost or counted twice at the end of the run: {bad}")
    payload = records.vessels["payload_t"]
    entered = records.vessels["entry_h"] <= records.end_h
    port = (
        np.array([f.kind == "stream" for f in engine.model.flows], dtype=bool)[
            records.vessels["flow"]
        ]
        if len(payload)
        else np.zeros(0, dtype=bool)
    )
    crossed = records.vessels["service_end_h"] <= records.end_h
    # tonnes of port calls: created = across the quay + still in the system (at a station by
    # the census above, so none is lost or double counted)
    created_t = float(payload[entered & port].sum())
    crossed_t = float(payload[entered & port & crossed].sum())
    in_system_t = float(payload[entered & port & ~crossed].sum())
    held = np.zeros(len(payload), dtype=bool)
    held[seen.astype(bool) & ~exited] = True
    if not np.isclose(
        in_system_t,
        float(payload[entered & port & held & ~crossed].sum())
        + float(payload[entered & port & exited & ~crossed].sum()),
    ):
        raise InvariantError("port tonnes in the system do not match the stations' census")
    if not np.isclose(created_t, crossed_t + in_system_t):
        raise InvariantError("tonnes not conserved")
    waits = np.concatenate(
        [
            records.passages["start_h"] - records.passages["arrival_h"],
            (records.vessels["berth_start_h"] - records.vessels["berth_arrival_h"])[
                ~np.isnan(records.vessels["berth_start_h"])
            ],
            records.vessels["block_h"][~np.isnan(records.vessels["block_h"])],
        ]
    )
    if len(waits) and waits.min() < -1e-9:
        raise InvariantError(f"negative wait {waits.min()}")
    model = engine.model
    usable = np.array(
        [c.usable_area_m2 / (c.length_m * c.width_m) for lock in model.locks for c in lock.chambers]
        or [1.0]
    )
    if len(records.lockages["area_share"]) and (
        records.lockages["area_share"].max() > usable.max() + 1e-9
    ):
        raise InvariantError("a lockage used more than the usable chamber area")
    capacity = np.array([y.capacity_t for y in model.yards] or [np.inf])
    yards = records.yard_levels["yard"]
    if len(yards) and (records.yard_levels["level_t"] > capacity[yards] + 1e-6).any():
        raise InvariantError("a yard held more than its capacity")
    landside_t = _check_landside(engine, records)
    return {
        **landside_t,
        "tonnes_created": created_t,
        "tonnes_crossed_quay": crossed_t,
        "tonnes_in_system": in_system_t,
        "min_wait_h": float(waits.min()) if len(waits) else 0.0,
    }


def _check_landside(engine: Census, records: Records) -> dict[str, float]:
    """Landside invariants: every job's tonnes are in exactly one place (done, or held by one
    stage), each ship's landside jobs add up to its payload, no hour of a gate or airport
    moves more than its capacity, and no rail link carries more movements than it has paths."""
    landside = engine.landside
    jobs = records.jobs
    n = len(jobs["tonnes"])
    seen = np.zeros(n, dtype=np.int64)
    for stage in landside.stages:
        rows = [job.row for job in stage.jobs_held()]
        np.add.at(seen, np.asarray(rows, dtype=np.int64), 1)
    done = ~np.isnan(jobs["done_h"])
    seen[done] += 1
    if (seen != 1).any():
        bad = np.flatnonzero(seen != 1)[:5].tolist()
        raise InvariantError(f"landside jobs lost or counted twice: {bad}")
    if n:
        per_vessel = np.bincount(jobs["vessel"], weights=jobs["tonnes"])
        vessels = np.unique(jobs["vessel"])
        payload = records.vessels["payload_t"][vessels]
        if not np.allclose(per_vessel[vessels], payload, rtol=1e-9, atol=1e-6):
            raise InvariantError("landside tonnes of a ship do not add up to its payload")
    hours = records.stage_hours
    if len(hours["moved_t"]) and (hours["moved_t"] > hours["capacity_t"] + 1e-6).any():
        raise InvariantError("a gate or airport moved more than its capacity in an hour")
    moves = records.rail_movements
    for i, link in enumerate(engine.model.rail_links):
        times = np.sort(moves["time_h"][moves["link"] == i])
        if len(times) > 1 and np.diff(times).min() < link.headway_h - 1e-6:
            raise InvariantError(f"rail link {link.id} used more paths than it has")
    return {
        "landside_tonnes_done": float(jobs["tonnes"][done].sum()),
        "landside_tonnes_in_system": float(jobs["tonnes"][~done].sum()),
    }
