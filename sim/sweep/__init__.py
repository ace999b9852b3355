"""Batch sweeps comparing infrastructure options under uncertain demand.

``plan = load_sweep("scenarios/sweep_2028_options.yaml")`` reads and checks a sweep file;
``run_sweep(plan, "out/sweep")`` runs it on a local process pool (or, with ``scheduler=``, on a
Dask cluster) into a Parquet store; ``analyse(plan, read_store("out/sweep"))`` compares the
variants and picks the cheapest that meets the target (see :mod:`sim.sweep.selection`).
"""

from sim.sweep.decision import SweepDecision, analyse
from sim.sweep.executors import BackendError
from sim.sweep.folder import write_decision
from sim.sweep.load import SweepPlan, load_sweep
from sim.sweep.runner import SweepInterrupted, SweepRun, run_sweep
from sim.sweep.spec import Sweep
from sim.sweep.store import StoreError, comparable, read_store

__all__ = [
    "BackendError",
    "StoreError",
    "Sweep",
    "SweepDecision",
    "SweepInterrupted",
    "SweepPlan",
    "SweepRun",
    "analyse",
    "comparable",
    "load_sweep",
    "read_store",
    "run_sweep",
    "write_decision",
]
