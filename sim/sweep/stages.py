"""Which runs a sweep still needs: the first stage, then the stages its rules ask for.

Stage 1 runs ``replications`` of every variant under every future. Further stages follow from
the results of the stages before, so they are the same whatever ran them and however often
the sweep was interrupted and resumed:

- ``selection``: Rinott's second stage, ``N_i = max(n0, ceil((h S_i / delta)^2))`` from the
  first-stage replication means (see :mod:`sim.sweep.selection`);
- ``precision``: while a variant's 95 % CI half-width of throughput exceeds the goal,
  ``n x (half-width / goal)^2`` replications (at least one more), sequentially.

Both are capped by their ``max_replications``.
"""

from __future__ import annotations

import math
from itertools import groupby

import numpy as np
import pandas as pd

from sim.sweep.load import SweepPlan
from sim.sweep.selection import rinott_h, rinott_sizes
from sim.sweep.summary import half_width_share, replication_means
from sim.sweep.tasks import Chunk

__all__ = ["Key", "chunks_for", "pending_chunks", "required_replications", "stage_targets"]

Key = tuple[str, int, int, int]


def _values(means: pd.DataFrame, variant: str, below: int) -> np.ndarray:
    mine = means[(means["variant"] == variant) & (means["replication"] < below)]
    return mine["throughput_t"].to_numpy(dtype=float)


def stage_targets(plan: SweepPlan, runs: pd.DataFrame, current: dict[str, int]) -> dict[str, int]:
    """Replications each variant needs once ``current`` replications are all stored."""
    sweep = plan.sweep
    n0 = sweep.replications
    means = replication_means(runs, "throughput_t")
    targets = dict(current)
    if sweep.selection is not None:
        rule = sweep.selection
        h = rinott_h(len(plan.variants), n0, rule.confidence)
        sizes = rinott_sizes(
            {v.id: _values(means, v.id, n0) for v in plan.variants},
            h,
            rule.indifference_zone_t,
            n0,
        )
        for name, size in sizes.items():
            targets[name] = max(targets[name], min(size, rule.max_replications))
    if sweep.precision is not None:
        goal = sweep.precision.half_width_pct / 100
        for variant in plan.variants:
            n = current[variant.id]
            share = half_width_share(_values(means, variant.id, n))
            if math.isnan(share) or share <= goal or n >= sweep.precision.max_replications:
                continue
            needed = max(n + 1, math.ceil(n * (share / goal) ** 2))
            targets[variant.id] = max(
                targets[variant.id], min(needed, sweep.precision.max_replications)
            )
    return targets


def required_replications(
    plan: SweepPlan, runs: pd.DataFrame, stored: set[Key]
) -> tuple[dict[str, int], set[Key]]:
    """Replay the stages on the stored runs: the replications each variant needs now, and
    the keys of those not stored yet (empty when the sweep is complete)."""
    current = {v.id: plan.sweep.replications for v in plan.variants}
    seed = plan.sweep.seed
    while True:
        required = {
            (v.id, f.index, r, seed)
            for v in plan.variants
            for f in plan.futures
            for r in range(current[v.id])
        }
        missing = required - stored
        if missing:
            return current, missing
        inside = runs[runs["replication"] < runs["variant"].map(current).fillna(0).astype(int)]
        targets = stage_targets(plan, inside, current)
        if targets == current:
            return current, set()
        current = targets


def chunks_for(plan: SweepPlan, keys: set[Key]) -> list[Chunk]:
    """Group keys into chunks: one variant under one future, consecutive replications, at
    most ``chunk_replications`` (default: ``replications``) each; in sweep order."""
    size = plan.sweep.chunk_replications or plan.sweep.replications
    order = {v.id: i for i, v in enumerate(plan.variants)}
    chunks = []
    ordered = sorted(keys, key=lambda k: (order[k[0]], k[1], k[2]))
    for (variant, sample), group in groupby(ordered, key=lambda k: (k[0], k[1])):
        replications = [k[2] for k in group]
        runs: list[list[int]] = []
        for replication in replications:
            if runs and replication == runs[-1][-1] + 1 and len(runs[-1]) < size:
                runs[-1].append(replication)
            else:
                runs.append([replication])
        for block in runs:
            chunks.append(
                Chunk(
                    variant,
                    order[variant],
                    sample,
                    tuple(block),
                    plan.sweep.seed,
                    plan.scenarios[(variant, sample)],
                    plan.scenarios[(variant, sample)].service_criteria.apply,
                )
            )
    return chunks


def pending_chunks(plan: SweepPlan, runs: pd.DataFrame, stored: set[Key]) -> list[Chunk]:
    """The chunks to run next (empty when the sweep is complete)."""
    _, missing = required_replications(plan, runs, stored)
    return chunks_for(plan, missing)
