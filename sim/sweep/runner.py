"""Run a sweep: submit chunks to an executor, stream finished chunks into the store.

One code path whatever the executor (:mod:`sim.sweep.executors`): at most ``slots`` chunks are
in flight; each finished chunk is written to the store at once. Failures:

- a run that raises comes back as an error row; its replications are submitted once more,
  and a second failure is stored as the error row (with its message);
- a worker that dies breaks a local process pool: the pool is replaced and the chunks that
  were in flight are run again one at a time, so that a chunk that kills its worker alone is
  known; such a chunk is retried once, then stored as error rows. On Dask, the scheduler
  reschedules the task of a dead worker itself; a task that still fails is retried once;
- Ctrl-C stops the workers; everything stored so far stays, nothing is half-written, and
  ``--resume`` carries on.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.sweep.executors import Backend, open_backend
from sim.sweep.load import SweepPlan
from sim.sweep.stages import pending_chunks
from sim.sweep.store import Store
from sim.sweep.summary import futures_table, variants_table
from sim.sweep.tasks import Chunk, error_row, run_chunk

__all__ = ["Progress", "SweepInterrupted", "SweepRun", "manifest", "run_sweep"]

#: Called with (runs stored, runs that failed, runs planned so far).
Progress = Callable[[int, int, int], None]


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep; ``stored`` runs are safe in the store."""

    def __init__(self, stored: int) -> None:
        super().__init__(f"interrupted with {stored} runs stored")
        self.stored = stored


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes
    ----------
    runs : DataFrame
        Every stored run, sorted by key.
    executed : int
        Runs executed in this call (0 when resuming a finished sweep).
    skipped : int
        Runs already in the store when the call started.
    wall_s : float
    backend : str
    workers : int
    """

    runs: pd.DataFrame
    executed: int
    skipped: int
    wall_s: float
    backend: str
    workers: int


def manifest(plan: SweepPlan) -> dict[str, Any]:
    """The store's description of the sweep: what it is (name, file, fingerprint, seed,
    baseline, variants, futures) and, for ``hubsim report``, its settings, target and base
    scenario."""
    base = plan.base_scenario
    return {
        "name": plan.sweep.name,
        "file": str(plan.path),
        "fingerprint": plan.fingerprint,
        "seed": plan.sweep.seed,
        "baseline": plan.baseline,
        "variants": [
            {
                "id": v.id,
                "cost_cny": v.cost_cny,
                "options": {o.lever: o.id for o in v.options},
                "description": v.description,
            }
            for v in plan.variants
        ],
        "futures": [{"sample": f.index, **dict(f.labels)} for f in plan.futures],
        "target_t": plan.target_t,
        "settings": plan.sweep.model_dump(mode="json"),
        "base_scenario": None if base is None else base.model_dump(mode="json"),
        "first_year": None if base is None else base.first_year,
    }


class _Execution:
    """The submit/collect loop of one stage."""

    def __init__(self, backend: Backend, store: Store, progress: Progress | None) -> None:
        self.backend = backend
        self.store = store
        self.progress = progress
        self.done = 0
        self.failed = 0
        self.total = 0
        self.executed = 0

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.failed, self.total)

    def finish(self, chunk: Chunk, rows: list[dict[str, Any]]) -> None:
        self.store.write(chunk.name, rows)
        self.done += len(rows)
        self.executed += len(rows)
        self.failed += sum(row["status"] == "error" for row in rows)
        self.report()

    def run(self, chunks: list[Chunk]) -> None:
        queue: deque[Chunk] = deque(chunks)
        alone: deque[Chunk] = deque()  # chunks in flight when a worker died
        in_flight: dict[Future[list[dict[str, Any]]], Chunk] = {}
        held: dict[str, list[dict[str, Any]]] = {}  # good rows of chunks with retries out
        original: dict[str, Chunk] = {}  # retry chunk name -> the chunk it belongs to
        deaths: dict[str, int] = {}

        def submit(chunk: Chunk) -> None:
            in_flight[self.backend.executor.submit(run_chunk, chunk)] = chunk

        def give_up(chunk: Chunk, message: str) -> None:
            owner = original.pop(chunk.name, chunk)
            rows = held.pop(owner.name, [])
            rows += [error_row(chunk, r, message) for r in chunk.replications]
            self.finish(owner, rows)

        def collected(chunk: Chunk, rows: list[dict[str, Any]]) -> None:
            owner = original.pop(chunk.name, chunk)
            failed = tuple(row["replication"] for row in rows if row["status"] == "error")
            good = [row for row in rows if row["status"] != "error"]
            if failed and chunk.submission == 1:
                held[owner.name] = held.get(owner.name, []) + good
                retry = chunk.retry(failed)
                original[retry.name] = owner
                queue.appendleft(retry)
                return
            self.finish(owner, held.pop(owner.name, []) + rows)

        while queue or alone or in_flight:
            if alone:
                if not in_flight:
                    submit(alone.popleft())
            else:
                while queue and len(in_flight) < self.backend.slots:
                    submit(queue.popleft())
            solo = len(in_flight) == 1
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                chunk = in_flight.pop(future)
                try:
                    rows = future.result()
                except BrokenProcessPool:
                    broken = True
                    if solo:  # it ran alone: it killed its worker
                        deaths[chunk.name] = deaths.get(chunk.name, 0) + 1
                        if deaths[chunk.name] >= 2:
                            give_up(chunk, "the worker died running this chunk, twice")
                        else:
                            alone.appendleft(chunk.retry())
                    else:
                        alone.append(chunk.retry())
                    continue
                except Exception as error:  # e.g. Dask's KilledWorker
                    if chunk.submission == 1:
                        queue.appendleft(chunk.retry())
                    else:
                        give_up(chunk, f"{type(error).__name__}: {error}")
                    continue
                collected(chunk, rows)
            if broken:
                for chunk in in_flight.values():
                    alone.append(chunk.retry())
                in_flight.clear()
                self.backend.restart()


def run_sweep(
    plan: SweepPlan,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    first_stage_only: bool = False,
) -> SweepRun:
    """Run every stage of a sweep, storing each finished chunk in ``out``.

    Parameters
    ----------
    plan : SweepPlan
        From :func:`sim.sweep.load_sweep`.
    out : str or Path
        The store folder (see :mod:`sim.sweep.store`).
    workers : int, optional
        Local worker processes (default: the CPUs); 1 runs in this process.
    scheduler, scheduler_file : str, optional
        Run on this Dask cluster instead.
    resume : bool
        Continue a store of the same sweep, skipping the runs it holds.
    progress : callable, optional
        Called with (runs stored, failed runs, runs planned so far).
    first_stage_only : bool
        Stop after the first stage (``replications`` of every variant under every future);
        a later call with ``resume=True`` runs the stages the rules ask for.

    Raises
    ------
    StoreError
        ``out`` holds results and ``resume`` is false, or another sweep's results.
    BackendError
        The Dask cluster cannot be reached.
    SweepInterrupted
        On Ctrl-C; the stored runs stay and ``resume=True`` continues.
    """
    started = time.perf_counter()
    store = Store.open(out, manifest(plan), resume=resume)
    store.write_table("variants.csv", variants_table(plan))
    store.write_table("futures.csv", futures_table(plan))
    stored = store.keys()
    skipped = len(stored)
    with open_backend(workers, scheduler=scheduler, scheduler_file=scheduler_file) as backend:
        execution = _Execution(backend, store, progress)
        execution.done = skipped
        try:
            while True:
                runs = store.read()
                stored = set(
                    zip(
                        runs["variant"],
                        runs["sample"].astype(int),
                        runs["replication"].astype(int),
                        runs["seed"].astype(int),
                        strict=True,
                    )
                )
                chunks = pending_chunks(plan, runs, stored)
                if not chunks:
                    break
                execution.done = len(stored)
                execution.total = len(stored) + sum(len(c.replications) for c in chunks)
                execution.report()
                execution.run(chunks)
                if first_stage_only:
                    break
        except KeyboardInterrupt:
            raise SweepInterrupted(len(store.keys())) from None
    return SweepRun(
        store.read(),
        execution.executed,
        skipped,
        time.perf_counter() - started,
        backend.kind,
        backend.workers,
    )
