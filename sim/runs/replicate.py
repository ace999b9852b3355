"""Run replications of one compiled scenario, in this process or on a local process pool.

Replication ``r`` draws only from the random streams of ``(seed, r)``, so where it runs does
not change its numbers: one worker or several give identical records and tables. Workers
receive the compiled model (plain data, ~0.1 MB pickled) and read no files.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed

import pandas as pd

from sim.analysis.kpi import replication_tables
from sim.engine import Records, simulate
from sim.engine.environment import Process
from sim.model.specs import CompiledModel
from sim.runs.executor import process_pool

__all__ = ["replicate"]

Outcome = tuple[int, Records, dict[str, pd.DataFrame]]


def replicate(
    model: CompiledModel,
    replications: list[int],
    *,
    seed: int,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    processes: Sequence[Process] = (),
) -> list[Outcome]:
    """Simulate ``replications`` of ``model``; return (replication, records, KPI tables) in
    replication order.

    Parameters
    ----------
    model : CompiledModel
    replications : list of int
    seed : int
        The run's seed: replication ``r`` draws from the streams of ``(seed, r)``.
    workers : int
        Processes to use; 1 runs here. Each task sends the workers the compiled model.
    progress : callable, optional
        Called with (simulated days done, simulated days of all replications): in this
        process, as the clock of each replication passes a midnight; on a pool, as each
        replication finishes. A replication simulates ``ceil(horizon_h / 24)`` days (warm-up
        included), all of them counted as done when it ends (early, if a queue overflowed).
    processes : sequence of callables
        SimPy processes of your own for every replication (see :func:`sim.engine.simulate`);
        on a pool they must pickle (module-level functions, or ``functools.partial`` of one).
    """
    outcomes: list[Outcome] = []
    days = days_per_replication(model)
    total = days * len(replications)
    processes = tuple(processes)
    if processes and workers > 1 and len(replications) > 1:
        _check_picklable(processes)
    for outcome in _outcomes(model, seed, replications, workers, progress, total, processes):
        outcomes.append(outcome)
        if progress is not None:
            progress(days * len(outcomes), total)
    return sorted(outcomes, key=lambda o: o[0])


def days_per_replication(model: CompiledModel) -> int:
    """Simulated days of one replication, warm-up included (the units of ``progress``)."""
    return math.ceil(model.calendar.horizon_h / 24.0)


def _outcomes(
    model: CompiledModel,
    seed: int,
    replications: list[int],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
    processes: tuple[Process, ...] = (),
) -> Iterator[Outcome]:
    if workers <= 1 or len(replications) <= 1:
        days = days_per_replication(model)
        for done, replication in enumerate(replications):
            on_day = None if progress is None else _days_of(progress, done * days, days, total)
            yield _replication(model, seed, replication, on_day, processes)
        return
    with process_pool(min(workers, len(replications))) as pool:
        futures = [pool.submit(_replication, model, seed, r, None, processes) for r in replications]
        for future in as_completed(futures):
            yield future.result()


def _days_of(
    progress: Callable[[int, int], None], offset: int, days: int, total: int
) -> Callable[[int], None]:
    """The engine's per-day callback reporting the days of all replications to ``progress``."""

    def on_day(day: int) -> None:
        progress(offset + min(day, days), total)

    return on_day


def _replication(
    model: CompiledModel,
    seed: int,
    replication: int,
    on_day: Callable[[int], None] | None = None,
    processes: tuple[Process, ...] = (),
) -> Outcome:
    """One replication and its KPI tables (here, or in a worker)."""
    records = simulate(
        model, seed=seed, replication=replication, on_day=on_day, processes=processes
    )
    return replication, records, replication_tables(model, records)


def _check_picklable(processes: tuple[Process, ...]) -> None:
    """Processes sent to worker processes go by pickle: say which one cannot, and why."""
    for process in processes:
        try:
            pickle.dumps(process)
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            name = getattr(process, "__qualname__", repr(process))
            raise ValueError(
                f"processes: {name} cannot be sent to worker processes ({error}); with "
                "workers > 1 use a module-level function (or functools.partial of one), or "
                "run with workers=1"
            ) from None
