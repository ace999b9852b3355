"""The unit of work of a sweep: one variant under one future, several replications (a chunk).

:func:`run_chunk` is what a worker runs, on a local process or a Dask worker alike: it
compiles the chunk's scenario and simulates each replication with the same random streams as
``sim.run`` would (:func:`sim.model.randomness.stream` keyed by seed, replication and source), so a
replication gives the same numbers alone, in any chunk and on any worker. A replication that
raises becomes an error row with its message; the driver retries it once.

Test hook (not a planner option): the environment variable ``HUBSIM_SWEEP_FAULT``, set to
``MODE:VARIANT`` (several separated by ``;``), makes chunks of that variant fail in worker
processes (never in the planner's own process): ``exit`` kills the worker (``os._exit``) on a
chunk's first submission, ``raise`` makes each run raise on the first submission,
``raise-always`` on every submission. The test suite uses it to check that dead workers and
failing runs do not stop a sweep.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sim.analysis import decide, replication_outcomes
from sim.analysis.kpi import replication_tables
from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.runs.capacity import criteria_failures
from sim.scenario import Scenario

__all__ = [
    "FAULT_VARIABLE",
    "KEY_COLUMNS",
    "META_COLUMNS",
    "SCHEMA",
    "Chunk",
    "error_row",
    "run_chunk",
]

FAULT_VARIABLE = "HUBSIM_SWEEP_FAULT"

#: A run is identified by these; the store holds at most one row per key.
KEY_COLUMNS = ["variant", "sample", "replication", "seed"]
#: Facts about the execution, not the simulation: they differ between runs of the same sweep
#: and are left out of every comparison.
META_COLUMNS = ["wall_s", "worker", "started_unix", "attempts"]

SCHEMA = pa.schema(
    [
        ("variant", pa.string()),
        ("sample", pa.int64()),
        ("replication", pa.int64()),
        ("seed", pa.int64()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("throughput_t", pa.float64()),
        ("target_met", pa.bool_()),
        ("criteria_met", pa.bool_()),
        ("success", pa.bool_()),
        ("overloaded", pa.bool_()),
        ("criteria_failures", pa.string()),
        ("calls", pa.int64()),
        ("berth_waiting_service_ratio_max", pa.float64()),
        ("berth_occupancy_max", pa.float64()),
        ("lock_mean_wait_h_max", pa.float64()),
        ("yard_blocking_share", pa.float64()),
        ("cost_cny_per_t", pa.float64()),
        ("co2_kg_per_t", pa.float64()),
        ("wall_s", pa.float64()),
        ("worker", pa.string()),
        ("started_unix", pa.float64()),
        ("attempts", pa.int64()),
    ]
)

#: Numeric KPIs summarised per variant with 95 % CIs.
KPI_COLUMNS = [
    "throughput_t",
    "berth_waiting_service_ratio_max",
    "berth_occupancy_max",
    "lock_mean_wait_h_max",
    "yard_blocking_share",
    "cost_cny_per_t",
    "co2_kg_per_t",
]


@dataclass(frozen=True)
class Chunk:
    """One task: replications of one variant under one future.

    Attributes
    ----------
    variant : str
    variant_index : int
        Position of the variant in the sweep (names the chunk's store file).
    sample : int
        The future (uncertainty sample).
    replications : tuple of int
    seed : int
    scenario : Scenario
        The variant under that future, seed set.
    require_service_criteria : bool
        Whether a run meets the target only when the service criteria hold too.
    submission : int
        1 for the first submission, 2 for a retry ...
    """

    variant: str
    variant_index: int
    sample: int
    replications: tuple[int, ...]
    seed: int
    scenario: Scenario
    require_service_criteria: bool = True
    submission: int = 1

    @property
    def name(self) -> str:
        """File-name-safe, unique within a sweep."""
        first, last = self.replications[0], self.replications[-1]
        return f"v{self.variant_index:04d}-s{self.sample:05d}-r{first:05d}-{last:05d}"

    def retry(self, replications: tuple[int, ...] | None = None) -> Chunk:
        """The same chunk (or some of its replications) submitted once more."""
        return Chunk(
            self.variant,
            self.variant_index,
            self.sample,
            replications if replications is not None else self.replications,
            self.seed,
            self.scenario,
            self.require_service_criteria,
            self.submission + 1,
        )


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _fault(chunk: Chunk) -> str | None:
    """The test fault for this chunk, in worker processes only (see the module docstring)."""
    setting = os.environ.get(FAULT_VARIABLE, "")
    if not setting or multiprocessing.parent_process() is None:
        return None
    for fault in setting.split(";"):
        mode, _, variant = fault.partition(":")
        if variant != chunk.variant:
            continue
        if mode == "raise-always" or (mode in ("exit", "raise") and chunk.submission == 1):
            return mode
    return None


def _base_row(chunk: Chunk, replication: int) -> dict[str, Any]:
    return {
        "variant": chunk.variant,
        "sample": chunk.sample,
        "replication": replication,
        "seed": chunk.seed,
        "worker": _worker(),
        "attempts": chunk.submission,
    }


def error_row(chunk: Chunk, replication: int, message: str, wall_s: float = 0.0) -> dict[str, Any]:
    """A stored failure: the key, ``status="error"`` and the message; KPIs are NaN."""
    row = _base_row(chunk, replication)
    row.update(
        status="error",
        error=message,
        target_met=False,
        criteria_met=False,
        success=False,
        overloaded=False,
        criteria_failures="",
        calls=0,
        wall_s=wall_s,
        started_unix=time.time(),
    )
    for column in KPI_COLUMNS:
        row[column] = math.nan
    return row


def _max(values: Any) -> float:
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    return float(array.max()) if len(array) else math.nan


def _run_one(model: CompiledModel, chunk: Chunk, replication: int) -> dict[str, Any]:
    """One replication as a store row; ``target_met`` is the verdict's own test
    (:meth:`sim.analysis.Outcome.meets`: throughput, service criteria unless the scenario
    switches them off, no overflow), so a sweep and ``hubsim run`` of the same variant agree."""
    records = simulate(model, seed=chunk.scenario.run.seed, replication=replication)
    tables = replication_tables(model, records)
    throughput = tables["throughput"].assign(replication=replication)
    verdict = decide(model, [replication_outcomes(model, records, throughput)])
    judged = verdict.judged
    assert judged is not None
    outcome_met = judged.met_per_replication[0]
    failures = criteria_failures(model, records)
    overloaded = records.overload is not None
    criteria: dict[str, list[float]] = {c.name: [] for c in judged.criteria}
    for c in judged.criteria:
        criteria[c.name].append(c.value[0])
    v = records.vessels
    served = ~np.isnan(v["service_end_h"]) & (v["berth_start_h"] >= model.calendar.warmup_h)
    berth_h = float((v["service_end_h"] - v["berth_start_h"])[served].sum())
    economics = tables["economics"].iloc[0]
    return {
        "status": "ok",
        "error": "",
        "throughput_t": float(verdict.per_replication[0]),
        "target_met": bool(outcome_met),
        "criteria_met": not failures,
        "success": bool(outcome_met),
        "overloaded": overloaded,
        "criteria_failures": "; ".join(failures),
        "calls": int(throughput["calls"].sum()),
        "berth_waiting_service_ratio_max": _max(criteria.get("berth_waiting_service_ratio", [])),
        "berth_occupancy_max": _max(criteria.get("berth_occupancy", [])),
        "lock_mean_wait_h_max": _max(criteria.get("mean_lock_wait_h", [])),
        "yard_blocking_share": (
            float(v["block_h"][served].sum()) / berth_h if berth_h > 0 else math.nan
        ),
        "cost_cny_per_t": float(economics["cost_cny_per_t"]),
        "co2_kg_per_t": float(economics["co2_kg_per_t"]),
    }


def run_chunk(chunk: Chunk) -> list[dict[str, Any]]:
    """Simulate every replication of ``chunk``; one row per replication (see ``SCHEMA``).

    A replication that raises gives an error row; nothing here raises for a failing run.
    ``wall_s`` is each run's time in the worker (the first also carries the compile time).
    """
    fault = _fault(chunk)
    if fault == "exit":
        os._exit(70)
    rows = []
    chunk_started = time.time()
    compiling = time.perf_counter()
    try:
        model: CompiledModel | None = compile_scenario(chunk.scenario)
        problem = ""
    except Exception as error:  # a variant that cannot be compiled fails each of its runs
        model, problem = None, f"{type(error).__name__}: {error}"
    # the chunk's compile time is counted in its first replication's wall time
    compile_s = time.perf_counter() - compiling
    for replication in chunk.replications:
        # started_unix + wall_s is when the run ended; the first run starts with the compile
        started = chunk_started if compile_s else time.time()
        clock = time.perf_counter() - compile_s
        compile_s = 0.0
        if model is None:
            rows.append(error_row(chunk, replication, problem))
            continue
        try:
            if fault in ("raise", "raise-always"):
                raise RuntimeError(f"test fault ({FAULT_VARIABLE}={fault})")
            row = _base_row(chunk, replication) | _run_one(model, chunk, replication)
        except Exception as error:  # stored as an error row and retried by the driver
            rows.append(
                error_row(
                    chunk,
                    replication,
                    f"{type(error).__name__}: {error}",
                    time.perf_counter() - clock,
                )
            )
            continue
        row["wall_s"] = time.perf_counter() - clock
        row["started_unix"] = started
        rows.append(row)
    return rows
