"""Control processes that ship with hubsim (see :mod:`sim.engine.control` for writing one).

Name one in a scenario::

    processes:
      - function: sim.engine.controllers:hold_at_anchorage
        parameters: {lock: LOCK_HUAIAN, threshold: 30}

or pass it to :func:`sim.run` with ``processes=[anchorage_controller("LOCK_HUAIAN", 30)]``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import simpy

from sim.engine.control import Hub

__all__ = ["anchorage_controller", "hold_at_anchorage"]


def anchorage_controller(
    lock: str,
    threshold: int,
    *,
    resume: int | None = None,
    direction: int | None = None,
    every_h: float = 0.5,
) -> Callable[..., Generator[simpy.Event, Any, None]]:
    """:func:`hold_at_anchorage` with its settings, ready for ``sim.run(processes=[...])``.

    It pickles (a ``functools.partial`` of a module-level function), so it runs on worker
    processes too.
    """
    return partial(
        hold_at_anchorage,
        lock=lock,
        threshold=threshold,
        resume=resume,
        direction=direction,
        every_h=every_h,
    )


def hold_at_anchorage(
    env: simpy.Environment,
    model: Hub,
    *,
    lock: str,
    threshold: int,
    resume: int | None = None,
    direction: int | None = None,
    every_h: float = 0.5,
) -> Generator[simpy.Event, Any, None]:
    """Hold ships at an anchorage before ``lock`` while its queue is long.

    Every ``every_h`` hours the controller looks at the lock's queue (ships heading
    ``direction``, or both). When it is longer than ``threshold`` ships, ships arriving from
    then on wait at the anchorage before the lock; when the queue is down to ``resume`` ships
    (default: half the threshold), they are released and join it in their order of arrival.

    Parameters
    ----------
    env : simpy.Environment
    model : Hub
    lock : str
        The lock's id.
    threshold : int
        Queue length (ships) above which arrivals are held.
    resume : int, optional
        Queue length at or below which held ships are released (< ``threshold``).
    direction : int, optional
        Watch and hold one direction only (0 or 1); default both.
    every_h : float
        How often the controller looks (hours).
    """
    view = model.lock(lock)
    if threshold < 1:
        raise ValueError(f"hold_at_anchorage: threshold must be >= 1, got {threshold}")
    resume = threshold // 2 if resume is None else resume
    if not 0 <= resume < threshold:
        raise ValueError(f"hold_at_anchorage: resume must be in [0, {threshold}), got {resume}")
    if every_h <= 0:
        raise ValueError(f"hold_at_anchorage: every_h must be > 0, got {every_h}")
    holding = False
    while True:
        yield env.timeout(every_h)
        queue = view.queue_length(direction)
        if not holding and queue > threshold:
            view.hold(direction)
            holding = True
        elif holding and queue <= resume:
            view.release(direction)
            holding = False
