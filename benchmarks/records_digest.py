"""Digest of every Records array of a set of engine runs, to prove that two versions of the
engine give identical results.

    python benchmarks/records_digest.py [--out digests.json] [--quick]

Runs :func:`sim.engine.simulate` (with the compiled engine when it is built) on every shipped
scenario for a 45-day horizon, on one full year of the 2028 plan and of its low-water variant,
on the plan with every kind of disruption on (as ``tests/engine/test_compiled.py``), on the
plan with its streams given each kind of arrival process (Poisson, Erlang, deterministic,
empirical, scheduled), and on overloaded runs (the plan at 10 and 100 times its demand, which
stop with an overflow), and prints one line per run: the sha256 of all its arrays together,
with the run's events and overload message. ``--out`` writes the sha256 of each array, to
diff two versions' files array by array. ``--quick`` leaves out the full years and the x100
run (an engine that draws the whole horizon up front needs 11 GB for it). Run it from the root
of the tree to test (``PYTHONPATH=. python benchmarks/records_digest.py`` for a tree that is
not the installed one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

SCENARIOS = Path("scenarios")
HORIZON_DAYS = 45.0


def _digest(values: Any) -> str:
    array = np.asarray(values)
    h = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    if array.dtype == object:
        h.update(repr(array.tolist()).encode())
    else:
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def _arrays(records: Any) -> dict[str, str]:
    from sim.results.rundata import EVENT_KINDS  # every table of records a run folder keeps

    out: dict[str, str] = {}
    for group in EVENT_KINDS:
        for column, values in getattr(records, group).items():
            out[f"{group}.{column}"] = _digest(values)
    out["weather_windows"] = _digest(records.weather_windows)
    out["scalars"] = _digest(
        np.array([records.horizon_h, records.end_h, records.events, records.logical_events])
    )
    out["invariants"] = hashlib.sha256(
        repr(sorted(records.invariants.items())).encode()
    ).hexdigest()
    return out


def _with_run(scenario: Any, **update: Any) -> Any:
    return scenario.model_copy(update={"run": scenario.run.model_copy(update=update)})


def _processes(document: dict[str, Any]) -> dict[str, Any]:
    """The plan with its streams' arrival processes cycled through every kind."""
    kinds = [
        {"process": "poisson"},
        {"process": "erlang", "k": 3},
        {"process": "deterministic"},
        # a spread of observed gaps (cv > 1) so that a flow may need a second block of draws
        {"process": "empirical", "interarrival_h": [0.1, 0.2, 0.5, 1.0, 3.0, 9.0, 30.0]},
        {"process": "scheduled", "weekly_times_h": [1.5, 30.0, 30.0, 77.25, 120.0]},
    ]
    demand = document["demand"]
    for i, stream in enumerate([*demand["streams"], *demand.get("through_traffic", [])]):
        stream["arrivals"] = kinds[i % len(kinds)]
    return document


def cases(quick: bool) -> list[tuple[str, Any, float]]:
    from sim.scenario import Scenario, load_scenario

    out: list[tuple[str, Any, float]] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        if path.name.startswith("sweep"):
            continue
        scenario = load_scenario(path)
        out.append((f"{path.stem} 45 days", _with_run(scenario, horizon_days=HORIZON_DAYS), 1.0))
    plan = load_scenario(SCENARIOS / "huaian_2028_plan.yaml")
    year = _with_run(plan, start_year=2028, end_year=2028)
    document = year.model_dump(mode="json")
    document["operations"].update(
        {
            "weather": {
                "downtime_days_per_year": 10,
                "applies_to": ["berths", "locks", "gates", "air"],
            },
            "breakdowns": [
                {"resource_kind": kind, "mtbf_h": 200, "mttr_h": 8}
                for kind in ("crane", "lock_chamber", "gate", "siding")
            ],
            "closures": [
                {"resource": "LOCK_HUAIAN", "start": "2028-03-01T00:00", "end": "2028-03-03T00:00"}
            ],
        }
    )
    out.append(("plan 2028 disruptions x0.1", Scenario.model_validate(document), 0.1))
    processes = _processes(year.model_dump(mode="json"))
    processes["run"]["horizon_days"] = 120.0
    out.append(
        ("plan 2028 every arrival process 120 days", Scenario.model_validate(processes), 1.0)
    )
    out.append(("plan 2028 x10 (overflows)", year, 10.0))
    if not quick:
        out.append(("plan 2028 full year", year, 1.0))
        low = load_scenario(SCENARIOS / "huaian_2028_low_water_2019.yaml")
        out.append(
            ("low water 2028 full year", _with_run(low, start_year=2028, end_year=2028), 1.0)
        )
        out.append(("plan 2028 x100 (overflows)", year, 100.0))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write each array's sha256 to this JSON file")
    parser.add_argument("--quick", action="store_true", help="leave out the long runs")
    args = parser.parse_args()
    import sim.engine
    from sim.engine import simulate
    from sim.model.compile import compile_scenario

    print(f"# {sim.__file__} compiled={sim.engine.COMPILED}", flush=True)
    report: dict[str, dict[str, str]] = {}
    for name, scenario, multiplier in cases(args.quick):
        model = compile_scenario(scenario, multiplier=multiplier)
        started = time.perf_counter()
        records = simulate(model, seed=scenario.run.seed, replication=0)
        wall = time.perf_counter() - started
        arrays = _arrays(records)
        report[name] = arrays
        whole = hashlib.sha256("".join(f"{k}={v}" for k, v in arrays.items()).encode())
        overload = str(records.overload) if records.overload is not None else "-"
        print(
            f"{whole.hexdigest()[:16]}  {name}: {len(records.vessels['entry_h'])} vessels, "
            f"{records.events} events, overload: {overload} ({wall:.1f} s)",
            flush=True,
        )
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
