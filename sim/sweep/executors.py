"""Where chunks run: in this process, on a local process pool, or on a Dask cluster.

All three are :class:`concurrent.futures.Executor` objects, so the driver has one code path:

- ``workers=1``: :class:`InlineExecutor`, in this process (for debugging: breakpoints and
  tracebacks work);
- ``workers=N``: the local process pool of :func:`sim.runs.executor.process_pool` (``spawn``
  workers, as every run's); a pool whose worker died is replaced by :meth:`Backend.restart`;
- ``scheduler=ADDRESS`` or ``scheduler_file=PATH``: ``distributed.Client(...).get_executor()``
  on an existing Dask cluster (``dask scheduler``/``dask worker``, dask-jobqueue, ...).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sim.runs.executor import process_pool

__all__ = ["Backend", "BackendError", "InlineExecutor", "open_backend"]


class BackendError(RuntimeError):
    """The executor asked for cannot be had (no distributed package, scheduler unreachable)."""


class InlineExecutor(Executor):
    """Runs each call at submission, in this process; returns a finished future."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        try:
            result = fn(*args, **kwargs)
        except Exception as error:
            future.set_exception(error)
        else:
            future.set_result(result)
        return future


@dataclass
class Backend:
    """An executor with what the driver needs to know about it.

    Attributes
    ----------
    kind : {"in-process", "processes", "dask"}
    workers : int
        Tasks that run at once.
    executor : Executor
    slots : int
        Tasks to keep submitted at once (enough to keep every worker busy, few enough that
        an interruption loses little).
    """

    kind: str
    workers: int
    executor: Executor
    slots: int
    _make: Callable[[], Executor] | None = field(default=None, repr=False)
    _close: Callable[[], None] | None = field(default=None, repr=False)

    def restart(self) -> None:
        """Replace a broken process pool by a new one."""
        if self._make is None:
            raise BackendError(f"a {self.kind} executor cannot be restarted")
        _stop_pool(self.executor)
        self.executor = self._make()

    def stop(self) -> None:
        """Cancel what is queued, end running tasks and release the workers."""
        if self.kind == "processes":
            _stop_pool(self.executor)
        elif self.kind == "dask":
            self.executor.shutdown(wait=False)  # cancels the cluster's futures of this sweep
        else:
            self.executor.shutdown(wait=False, cancel_futures=True)
        if self._close is not None:
            self._close()

    def close(self) -> None:
        """Release the workers after a finished sweep."""
        self.executor.shutdown(wait=True)
        if self._close is not None:
            self._close()


def _stop_pool(executor: Executor) -> None:
    """Shut a process pool down without waiting for running tasks (their workers end)."""
    processes = dict(getattr(executor, "_processes", None) or {})
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        if process.is_alive():
            process.terminate()
    for process in processes.values():
        process.join(timeout=5)


def _dask(scheduler: str | None, scheduler_file: str | None) -> Backend:
    try:
        from distributed import Client
    except ImportError:
        raise BackendError(
            "running on a Dask cluster needs the distributed package: pip install 'hubsim[dask]'"
        ) from None
    try:
        if scheduler_file is not None:
            client = Client(scheduler_file=scheduler_file, timeout="20s")
        else:
            client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as error:
        where = scheduler_file or scheduler
        raise BackendError(f"cannot connect to the Dask scheduler {where}: {error}") from None
    threads = sum(client.nthreads().values()) or 1
    # pure=False: a resubmitted chunk is a new task, never the cached result of a failed one
    executor = client.get_executor(pure=False)
    return Backend("dask", threads, executor, 2 * threads, None, client.close)


@contextmanager
def open_backend(
    workers: int | None = None,
    *,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
) -> Iterator[Backend]:
    """The executor for a sweep, closed (or stopped, on an exception) on exit.

    Parameters
    ----------
    workers : int, optional
        Local processes (default: the CPUs of this machine); 1 runs in this process.
    scheduler : str, optional
        Address of a Dask scheduler, e.g. ``tcp://host:8786``.
    scheduler_file : str, optional
        A Dask scheduler file (as written by ``dask scheduler --scheduler-file``).

    Raises
    ------
    BackendError
        Dask asked for but not installed or not reachable.
    """
    if scheduler is not None or scheduler_file is not None:
        backend = _dask(scheduler, scheduler_file)
    else:
        count = workers or os.cpu_count() or 1
        if count == 1:
            backend = Backend("in-process", 1, InlineExecutor(), 1)
        else:

            def make() -> Executor:
                return process_pool(count)

            backend = Backend("processes", count, make(), 2 * count, make)
    try:
        yield backend
    except BaseException:
        backend.stop()
        raise
    backend.close()
