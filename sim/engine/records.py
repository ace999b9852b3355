"""What one replication recorded (:class:`Records`): flat numpy tables, built once after the
run by the engine (:meth:`sim.engine.core.Engine.records`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.engine.stations.base import Overloaded

__all__ = ["Records"]


@dataclass
class Records:
    """Everything one replication recorded, as numpy arrays: one row per vessel, per lock
    passage, per lockage, per yard level change, per landside job (tonnes of one call taking
    one landside option), per hour a rate stage (gate, airport) moved cargo, per train and per
    rail link movement.

    Times are simulation hours. Vessel columns hold NaN for steps not reached by the end of the
    run (or for ships that never call at a berth).
    """

    vessels: dict[str, np.ndarray]
    passages: dict[str, np.ndarray]
    lockages: dict[str, np.ndarray]
    yard_levels: dict[str, np.ndarray]
    jobs: dict[str, np.ndarray]
    stage_hours: dict[str, np.ndarray]
    trains: dict[str, np.ndarray]
    rail_movements: dict[str, np.ndarray]
    weather_windows: np.ndarray
    horizon_h: float
    end_h: float
    events: int
    logical_events: int
    wall_s: float
    overload: Overloaded | None = None
    invariants: dict[str, float] = field(default_factory=dict)
    #: ships held at an anchorage by a control process (vessel, resource, direction, start_h,
    #: end_h; NaN end: still held at the end of the run) and the actions control processes
    #: took (time_h, process, action, resource, value); empty without control processes
    holds: dict[str, np.ndarray] = field(default_factory=dict)
    actions: dict[str, np.ndarray] = field(default_factory=dict)
    #: visits to the stops of registered kinds (``CompiledModel.stop_kinds`` code ``kind``,
    #: its ``stop`` index, vessel, arrival_h, start_h, end_h); empty without such stops
    visits: dict[str, np.ndarray] = field(default_factory=dict)
