"""Engine benchmark: hubsim against bare SimPy, measured in the same run on the same machine.

    python benchmarks/bench_engine.py [--json] [--runs 3] [--import-runs 9]

Each measurement runs in a fresh Python process (so its peak memory is its own) and is
repeated ``--runs`` times; the median is reported. Measurements:

- ``bare_simpy``: a reference SimPy program (M/M/1 with a Resource and one process per
  customer, 200,000 customers): events, wall seconds, events per second.
- ``engine``: one replication-year of the 2028 plan (``scenarios/huaian_2028_plan.yaml``, run
  for 2028 only; vessel level, all port streams and through traffic): SimPy events processed,
  logical events (vessel arrivals at resources, lockage and service starts and ends; most of
  them are handled without a SimPy event of their own), wall seconds, peak memory.
- ``engine_half_demand``: the same at half the demand, for the cost of doubling demand.
- ``engine_x10_demand``, ``engine_x100_demand``: the plan year at 10 and 100 times its demand,
  which a queue overflows within hours (the run stops there, as a user's would): the overload
  message, the hour it stopped at, the vessels the engine drew (it draws them as the clock
  advances, not for the whole horizon: ``horizon_vessels`` is what the year offers) and the
  peak memory of the process.
- ``engine_with_process``: the plan year with one trivial SimPy process of the user's
  attached (it wakes every simulated hour and reads the clock and a lock's chambers), for
  what joining SimPy processes to a run costs.
- ``engine_python``: the plan year again with the engine's Python sources
  (``HUBSIM_PURE_PYTHON=1``), for what the mypyc compilation at install buys; ``compiled``
  says which engine each measurement ran.
- ``one_lock``: vessels through one lock (Huai'an lock alone, heavy through traffic) per
  second, the work OpenTNSim does at ~11 vessels per second.
- ``import_sim_s``, ``import_sim_engine_s``, ``cli_help_s``: wall seconds of a fresh
  ``python -c "import sim"``, ``python -c "import sim.engine"`` (what every spawned worker
  pays) and ``hubsim --help``, timed around the subprocess, the median of ``--import-runs``
  (at least 5) after one untimed run; ``raw_s`` is that median, ``net_s`` the median minus the
  median of ``python -c pass`` measured the same way (``python_startup_s``).

Targets (issue: Simulation engine I): plan year <= 5 s; engine events/s >= 0.5 x bare SimPy;
peak memory <= 1 GB; doubling demand <= 2.2 x the time; >= 11,000 vessels/s through a lock.
Issue 15: the plan year's peak memory <= 600 MB; 100 x the demand stops with its overload
message using <= 1.5 GB.
Issue 14: plan year <= 1.25 x the bare-SimPy reference's time; a trivial user process adds
<= 10 %; the compiled engine >= 3 x faster than its Python sources.
Issue 14: ``import sim`` <= 0.5 s (net: the import itself, as ``python -X importtime`` counts
it) and ``hubsim --help`` <= 0.3 s (raw: what a user waits for).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "huaian_2028_plan.yaml"
OPENTNSIM_VESSELS_PER_S = 11.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bare_simpy(customers: int = 200_000) -> dict[str, Any]:
    import numpy as np
    import simpy

    env = simpy.Environment()
    rng = np.random.default_rng(1)
    gaps = rng.exponential(1.0, customers).tolist()
    services = rng.exponential(0.8, customers).tolist()
    server = simpy.Resource(env, 1)

    def customer(service: float):  # type: ignore[no-untyped-def]
        with server.request() as request:
            yield request
            yield env.timeout(service)

    def source():  # type: ignore[no-untyped-def]
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
    events = next(env._eid)
    return {
        "events": events,
        "wall_s": wall,
        "events_per_s": events / wall,
        "peak_memory_mb": _peak_mb(),
    }


def _hourly_probe(env: Any, model: Any) -> Any:
    """A trivial user process: wakes every hour, reads the clock and a lock's chambers."""
    lock = model.lock(model.locks[0])
    seen = 0
    while True:
        yield env.timeout(1.0)
        seen += lock.chambers_busy + (model.now > 0)


def _plan_year(multiplier: float = 1.0, processes: tuple[Any, ...] = ()) -> dict[str, Any]:
    from sim.engine import simulate
    from sim.model.compile import compile_scenario
    from sim.scenario import load_scenario

    scenario = load_scenario(PLAN)
    scenario = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"start_year": 2028, "end_year": 2028})}
    )
    model = compile_scenario(scenario, multiplier=multiplier)
    started = time.perf_counter()
    records = simulate(model, seed=scenario.run.seed, replication=0, processes=processes)
    wall = time.perf_counter() - started
    vessels = records.vessels
    port = [model.flows[f].kind == "stream" for f in vessels["flow"].tolist()]
    offered = float(
        sum(p for p, is_port in zip(vessels["payload_t"].tolist(), port, strict=True) if is_port)
    )
    import sim.engine

    return {
        "compiled": sim.engine.COMPILED,
        "events": records.events,
        "logical_events": records.logical_events,
        "wall_s": wall,
        "events_per_s": records.events / wall,
        "logical_events_per_s": records.logical_events / wall,
        "vessels": len(vessels["entry_h"]),
        "lock_passages": len(records.passages["vessel"]),
        "port_tonnes_offered": offered,
        "overloaded": records.overload is not None,
        "peak_memory_mb": _peak_mb(),
    }


def _overloaded_plan_year(multiplier: float) -> dict[str, Any]:
    """The plan year at ``multiplier`` times its demand, which a queue overflows early."""
    from sim.engine import simulate
    from sim.engine.arrivals import ArrivalStream
    from sim.model.compile import compile_scenario
    from sim.scenario import load_scenario

    scenario = load_scenario(PLAN)
    scenario = scenario.model_copy(
        update={"run": scenario.run.model_copy(update={"start_year": 2028, "end_year": 2028})}
    )
    model = compile_scenario(scenario, multiplier=multiplier)
    started = time.perf_counter()
    records = simulate(model, seed=scenario.run.seed, replication=0)
    wall = time.perf_counter() - started
    import sim.engine

    entry = records.vessels["entry_h"]
    return {
        "compiled": sim.engine.COMPILED,
        "multiplier": multiplier,
        "overloaded": records.overload is not None,
        "overload": str(records.overload) if records.overload is not None else None,
        "stop_h": records.end_h,
        "wall_s": wall,
        "vessels_drawn": len(entry),
        "vessels_entered": int((entry <= records.end_h).sum()),
        "horizon_vessels": ArrivalStream(model, seed=scenario.run.seed, replication=0).total,
        "peak_memory_mb": _peak_mb(),
    }


def engine() -> dict[str, Any]:
    return _plan_year(1.0)


def engine_half_demand() -> dict[str, Any]:
    return _plan_year(0.5)


def engine_x10_demand() -> dict[str, Any]:
    return _overloaded_plan_year(10.0)


def engine_x100_demand() -> dict[str, Any]:
    return _overloaded_plan_year(100.0)


def engine_with_process() -> dict[str, Any]:
    return _plan_year(1.0, processes=(_hourly_probe,))


def one_lock() -> dict[str, Any]:
    from sim.engine import simulate
    from sim.model.compile import compile_scenario
    from sim.scenario import Scenario

    scenario = Scenario.model_validate(
        {
            "name": "one lock",
            "terminals": {
                "HA_HUANGMA": {
                    "berths": [
                        {"id": "Q", "count": 4, "max_vessel_dwt_t": 1000, "commodities": ["GRAIN"]}
                    ]
                }
            },
            "locks": {
                "LOCK_HUAIAN": {
                    "chambers": [
                        {"id": c, "length_m": 230, "width_m": 23, "levelling_min": 12}
                        for c in ("C1", "C2", "C3", "C4")
                    ]
                }
            },
            "demand": {
                "base_year": 2028,
                "streams": [
                    {
                        "id": "S",
                        "commodity": "GRAIN",
                        "origin": "GW_SUQIAN",
                        "terminal": "HA_HUANGMA",
                        "destination": "HL_HUAIAN_URBAN",
                        "annual_t": 100_000,
                        "vessel_mix": {"BULK_IV_500": 1},
                    }
                ],
                "through_traffic": [
                    {
                        "id": "UP",
                        "origin": "J_LIUWEI",
                        "destination": "J_HUAIAN_HUB",
                        "annual_t": 75_000_000,
                        "vessel_mix": {"BULK_III_1000": 1},
                    },
                    {
                        "id": "DOWN",
                        "origin": "J_HUAIAN_HUB",
                        "destination": "J_LIUWEI",
                        "annual_t": 75_000_000,
                        "vessel_mix": {"BULK_III_1000": 1},
                    },
                ],
            },
            "run": {"start_year": 2028, "end_year": 2028, "warmup_days": 0},
        }
    )
    model = compile_scenario(scenario)
    started = time.perf_counter()
    records = simulate(model, seed=scenario.run.seed, replication=0)
    wall = time.perf_counter() - started
    passages = len(records.passages["vessel"])
    return {
        "lock_passages": passages,
        "wall_s": wall,
        "vessels_per_s": passages / wall,
        "mean_wait_h": float((records.passages["start_h"] - records.passages["arrival_h"]).mean()),
        "overloaded": records.overload is not None,
    }


WORKERS = {
    "bare_simpy": bare_simpy,
    "engine": engine,
    "engine_half_demand": engine_half_demand,
    "engine_x10_demand": engine_x10_demand,
    "engine_x100_demand": engine_x100_demand,
    "engine_with_process": engine_with_process,
    "one_lock": one_lock,
    "engine_python": engine,
}


#: fresh interpreters timed for the import measurements: what each runs after ``python -c``
IMPORT_PROBES = {
    "python_startup_s": "pass",
    "import_sim_s": "import sim",
    "import_sim_engine_s": "import sim.engine",
    # what the ``hubsim`` console script runs
    "cli_help_s": "import sys\nfrom sim.cli import main\nsys.exit(main(['--help']))",
}
IMPORT_TARGETS_S = {"import_sim_s": 0.5, "cli_help_s": 0.3}


def _wall_s(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT, env=env)
    return time.perf_counter() - started


def measure_imports(runs: int) -> dict[str, dict[str, Any]]:
    """Median wall seconds of each :data:`IMPORT_PROBES` entry in ``runs`` fresh interpreters.

    The probes take turns (one run of each, ``runs`` times) so that a burst of load on the
    machine falls on all of them alike; one untimed round first fills the file cache.
    """
    env = {k: v for k, v in os.environ.items() if k != "HUBSIM_PURE_PYTHON"}
    times: dict[str, list[float]] = {name: [] for name in IMPORT_PROBES}
    for code in IMPORT_PROBES.values():
        _wall_s(code, env)
    for _ in range(runs):
        for name, code in IMPORT_PROBES.items():
            times[name].append(_wall_s(code, env))
    startup = statistics.median(times["python_startup_s"])
    report: dict[str, dict[str, Any]] = {
        "python_startup_s": {"runs": runs, "raw_s": startup, "runs_s": times["python_startup_s"]}
    }
    for name in IMPORT_PROBES:
        if name == "python_startup_s":
            continue
        raw = statistics.median(times[name])
        report[name] = {
            "runs": runs,
            "raw_s": raw,
            "net_s": raw - startup,
            "runs_s": times[name],
            "target_s": IMPORT_TARGETS_S.get(name),
        }
    return report


def _measure(name: str, runs: int) -> dict[str, Any]:
    results = []
    env = {k: v for k, v in os.environ.items() if k != "HUBSIM_PURE_PYTHON"}
    if name == "engine_python":
        env["HUBSIM_PURE_PYTHON"] = "1"
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--worker", name],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        ).stdout
        results.append(json.loads(output))
    median: dict[str, Any] = {"runs": runs}
    for key, value in results[0].items():
        values = [r[key] for r in results]
        median[key] = (
            statistics.median(values)
            if isinstance(value, int | float) and not (isinstance(value, bool))
            else value
        )
    median["wall_s_all"] = [r["wall_s"] for r in results]
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument(
        "--import-runs",
        type=int,
        default=9,
        help="fresh interpreters per import measurement (at least 5; median reported)",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker]()))
        return 0
    if args.import_runs < 5:
        parser.error("--import-runs must be at least 5")
    report = {name: _measure(name, args.runs) for name in WORKERS}
    report.update(measure_imports(args.import_runs))
    bare, plan, half, lock = (
        report[k] for k in ("bare_simpy", "engine", "engine_half_demand", "one_lock")
    )
    report["ratios"] = {
        "engine_events_per_s_vs_bare": plan["events_per_s"] / bare["events_per_s"],
        "engine_logical_events_per_s_vs_bare": plan["logical_events_per_s"] / bare["events_per_s"],
        "doubling_demand_time_ratio": plan["wall_s"] / half["wall_s"],
        "lock_vessels_per_s_vs_opentnsim": lock["vessels_per_s"] / OPENTNSIM_VESSELS_PER_S,
        "compiled_speedup": report["engine_python"]["wall_s"] / plan["wall_s"],
        "plan_year_vs_bare_simpy_time": plan["wall_s"] / bare["wall_s"],
        "user_process_time_ratio": report["engine_with_process"]["wall_s"] / plan["wall_s"],
    }
    report["targets"] = {
        "plan_year_wall_s_le_5": plan["wall_s"] <= 5.0,
        "plan_offers_ge_86_mt": plan["port_tonnes_offered"] >= 86e6,
        "events_per_s_ge_half_bare (logical events)": report["ratios"][
            "engine_logical_events_per_s_vs_bare"
        ]
        >= 0.5,
        "peak_memory_le_1gb": plan["peak_memory_mb"] <= 1024,
        "plan_year_peak_memory_le_600mb": plan["peak_memory_mb"] <= 600,
        "x100_demand_stops_on_overload_within_1_5gb": report["engine_x100_demand"]["overloaded"]
        and report["engine_x100_demand"]["peak_memory_mb"] <= 1536,
        "doubling_demand_le_2_2x": report["ratios"]["doubling_demand_time_ratio"] <= 2.2,
        "lock_ge_1000x_opentnsim": report["ratios"]["lock_vessels_per_s_vs_opentnsim"] >= 1000,
        "plan_year_le_1_25x_bare_simpy": report["ratios"]["plan_year_vs_bare_simpy_time"] <= 1.25,
        "user_process_adds_le_10pct": report["ratios"]["user_process_time_ratio"] <= 1.10,
        "compiled_ge_3x_python": report["ratios"]["compiled_speedup"] >= 3.0,
        "import_sim_net_le_0_5s": report["import_sim_s"]["net_s"] <= 0.5,
        "cli_help_le_0_3s": report["cli_help_s"]["raw_s"] <= 0.3,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, values in report.items():
            print(name)
            for key, value in values.items():
                print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
