"""The one local process pool hubsim starts its workers with.

Every place that runs work on local worker processes - replications (:mod:`sim.runs.replicate`),
the capacity search (:mod:`sim.runs.capacity`), the backtest (:mod:`sim.backtest.runner`) and a
sweep's local pool (:mod:`sim.sweep.executors`; a Dask cluster keeps its own workers) - makes it
with :func:`process_pool`, so that what every worker needs is said once:

- the ``spawn`` start method: a worker is a fresh interpreter, never a fork of a process that
  holds threads, open files or a half-drawn figure, and it imports only the modules of the
  functions it is sent;
- :func:`_start_worker`, run first in every worker: it watches the process that started the
  pool and ends the worker as soon as that process is gone (killed with ``kill -9``, crashed),
  so that no worker outlives its run (and the resource tracker, which waits for its last
  user, ends too).

Where a task runs never changes its numbers: every replication draws from the random streams
of its own (seed, replication) (:func:`sim.model.randomness.stream`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
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
        initargs=(os.getpid(),),
    )


#: How often a worker looks whether the process that started it is still there (seconds).
PARENT_CHECK_S = 0.5


def _start_worker(parent: int) -> None:
    """Runs first in every worker process, before its first task: start the parent watch."""
    threading.Thread(
        target=_watch_parent, args=(parent,), name="hubsim-parent-watch", daemon=True
    ).start()


def _watch_parent(parent: int) -> None:
    """End this process when ``parent`` is gone: a worker whose parent died is re-parented
    (its parent id changes), and nobody will ever collect its results."""
    while True:
        if os.getppid() != parent:
            os._exit(1)  # no clean-up to run: the results have nowhere to go
        time.sleep(PARENT_CHECK_S)
