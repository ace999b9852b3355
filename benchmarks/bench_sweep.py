"""Sweep benchmark: runs per second on 1 and 2 workers, speedup and scheduling overhead.

    python benchmarks/bench_sweep.py [--json] [--sweep FILE] [--workers 1,2]

Runs the first stage of the sweep (default: the shipped ``scenarios/sweep_2028_options.yaml``,
6 options x 3 futures x 3 replications of the 2028 year) once per worker count, each into a
fresh store: 1 worker runs in this process, more on a local spawn process pool. Figures:

- ``wall_s``, ``runs_per_s``; ``speedup`` = wall on 1 worker / wall on N;
- ``busy_s``: the runs' own time in the workers (compile, simulate, KPIs; from the store);
- ``startup_s``: worker start-up (spawn and import) until each worker's first run;
- ``tail_idle_s``: workers left without work at the end (the last chunks run alone);
- ``scheduling_overhead_pct``: what remains of ``N x wall`` beyond the three above, over
  ``busy_s``: submitting chunks, shipping scenarios and results, writing the store.

Targets (issue: batch sweeps): speedup >= 1.8 on 2 workers; scheduling overhead < 2 % of run
time. The machine's other load changes every figure; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "scenarios" / "sweep_2028_options.yaml"


def measure(sweep: Path, workers: int) -> dict[str, Any]:
    from sim.sweep import load_sweep, run_sweep

    plan = load_sweep(sweep, network=False)
    with tempfile.TemporaryDirectory() as folder:
        started = time.time()
        clock = time.perf_counter()
        result = run_sweep(plan, Path(folder) / "store", workers=workers, first_stage_only=True)
        wall = time.perf_counter() - clock
        ended = started + wall
    runs = result.runs
    runs = runs.assign(end_unix=runs["started_unix"] + runs["wall_s"])
    busy = float(runs["wall_s"].sum())
    per_worker = runs.groupby("worker").agg(first=("started_unix", "min"), last=("end_unix", "max"))
    # from the sweep's start to each worker's first run: process start-up (spawn, imports)
    startup = float((per_worker["first"] - started).clip(lower=0).sum())
    tail = float((ended - per_worker["last"]).clip(lower=0).sum())
    idle_workers = max(workers - len(per_worker), 0)
    capacity = workers * wall
    scheduling = capacity - busy - startup - tail - idle_workers * wall
    return {
        "workers": workers,
        "runs": len(runs),
        "errors": int((runs["status"] == "error").sum()),
        "wall_s": wall,
        "runs_per_s": len(runs) / wall,
        "busy_s": busy,
        "startup_s": startup,
        "tail_idle_s": tail,
        "scheduling_overhead_s": scheduling,
        "scheduling_overhead_pct": 100 * scheduling / busy,
        "total_overhead_pct": 100 * (capacity - busy) / busy,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--sweep", type=Path, default=SHIPPED)
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    results = [measure(args.sweep, int(n)) for n in args.workers.split(",")]
    base = results[0]["wall_s"]
    for entry in results:
        entry["speedup"] = base / entry["wall_s"]
    document = {"sweep": str(args.sweep), "results": results}
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        for entry in results:
            print(
                f"{entry['workers']} workers: {entry['runs']} runs in {entry['wall_s']:.1f} s "
                f"({entry['runs_per_s']:.3f} runs/s), speedup {entry['speedup']:.2f}, "
                f"scheduling overhead {entry['scheduling_overhead_pct']:.2f} %, start-up "
                f"{entry['startup_s']:.1f} s, tail idle {entry['tail_idle_s']:.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
