"""The landside of the sealed model: gates, rail sidings and lines, airports (plain data).

Cargo that crosses the quay also crosses the land: an unloaded tonne waits in the yard for its
dwell time, then leaves by truck through the terminal gate, by train from the terminal's
sidings, or (a little) by air; a tonne to be loaded arrives the same ways before its ship.
Every capacity-limited resource on that landside path is a *stage*:

``gate``
    The terminal's truck gate: ``lanes x trucks_per_h_per_lane`` truck visits an hour while it
    is open (``hours_per_day`` from ``opens_at_h``), each carrying ``truck_payload_t``.
``rail``
    A place where trains are formed and worked: a terminal's sidings (``sidings`` trains at once,
    ``train_handling_h`` each), or a rail station on the way with sidings assumed ample. Each
    train carries ``train_payload_t`` and needs a path on every rail link of its leg; a link
    gives ``capacity_movements_per_day`` movements a day and a train uses two (loaded, and
    the empty return).
``air``
    An airport with ``slots_per_day`` flights in its opening hours, ``payload_t_per_flight``
    each.
``rate``
    A yard whose landside is given as a plain rate (``landside_rate_t_per_h``) instead.

A stream's cargo takes one or more landside *options* (by mode, with shares from
``landside_split``); each option is the list of stages its cargo passes, in the order it
passes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["LandsideOption", "RailLinkSpec", "StageKind", "StageSpec"]

StageKind = Literal["gate", "rail", "air", "rate"]


@dataclass(frozen=True)
class RailLinkSpec:
    """A rail link whose line capacity trains share: one movement every ``headway_h``."""

    id: str
    headway_h: float


@dataclass(frozen=True)
class StageSpec:
    """A landside resource (see the module docstring).

    ``rate_t_per_h`` is the tonnes an open hour moves (rate stages); ``vehicle_t`` the tonnes
    per truck, flight or train; ``sidings`` 0 means ample; ``start_h``/``end_h`` bound its
    service (commissioning); ``lanes`` are a gate's lanes (each may break down).
    """

    id: str
    kind: StageKind
    terminal: int
    rate_t_per_h: float = math.inf
    vehicle_t: float = 1.0
    hours_per_day: float = 24.0
    opens_at_h: float = 0.0
    sidings: int = 0
    handling_h: float = 0.0
    max_wait_h: float = 24.0
    start_h: float = -math.inf
    end_h: float = math.inf
    vehicles_per_h: float = math.inf
    place: str = ""
    lanes: int = 1


@dataclass(frozen=True)
class LandsideOption:
    """One way across the land: its mode at the terminal, share, stages and route figures.

    ``lines[i]`` are the rail links (indices) used by trains formed at stage ``stages[i]``
    (empty for other stages). ``legs`` are ``(mode, km, kg CO2 per t, CNY per t)`` rows.
    """

    mode: str
    share: float
    stages: tuple[int, ...]
    lines: tuple[tuple[int, ...], ...]
    legs: tuple[tuple[str, float, float, float], ...]
    label: str
    link_ids: tuple[str, ...] = ()
    train_t: float = 0.0  # tonnes per train for this cargo (0: the stage's trains)
