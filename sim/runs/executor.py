"""The one local process pool hubsim starts its workers with.

Every place that runs work on local worker processes - replications (:mod:`sim.runs.replicate`),
the capacity search (:mod:`sim.runs.capacity`), the backtest (:mod:`sim.backtest.runner`) and a
sweep's local pool (:mod:`sim.sweep.executors`; a Dask cluster keeps its own workers) - makes it
with :func:`process_pool`, so that what every worker needs is said once:

- the ``spawn`` start method: a worker is a fresh interpreter, never a fork of a process that
  holds threads, open files or a half-drawn figure, and it imports only the modules of the
  functions it is sent;
- :func:`_start_worker`, run first in every worker: the one place for what a worker must do
  before its first task.

Where a task runs never changes its numbers: every replication draws from the random streams
of its own (seed, replication) (:func:`sim.model.randomness.stream`).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

__all__ = ["process_pool"]


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned worker processes, each started by :func:`_start_worker`.

    Parameters
    ----------
    workers : int
        Processes in the pool (at least 1).

    Returns
    -------
    ProcessPoolExecutor
        Use it as a context manager, or shut it down.

    Raises
    ------
    ValueError
        ``workers`` below 1.
    """
    if workers < 1:
        raise ValueError(f"workers: must be >= 1 (got {workers})")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
    )


def _start_worker() -> None:
    """Runs first in every worker process, before its first task.

    It does nothing yet: it is where a worker-wide setting goes (issue 15 adds here the watch
    that ends a worker when its parent dies), so that every pool hubsim starts gets it.
    """
