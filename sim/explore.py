"""Helpers for exploring runs in notebooks: shipped scenarios, short runs, plans side by side,
and the bottlenecks in words.

Notebooks only call the package; what they would otherwise compute lives here, tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from sim import facilities
from sim.results.rundata import RunSource, as_run_data
from sim.runs.capacity import CapacityResult, Relief, bottleneck_relief, evaluation_scenario
from sim.runs.compare import Comparison, compare
from sim.runs.run import RunResult
from sim.runs.run import run as simulate
from sim.scenario import Scenario, load_scenario
from sim.viz.measures import resource_label

__all__ = [
    "SCENARIOS",
    "actions_table",
    "compare_files",
    "compare_plans",
    "control_effect",
    "explain_bottlenecks",
    "relieve_bottlenecks",
    "run_plans",
    "scenario_path",
    "with_run_settings",
]

#: The scenario files shipped with hubsim (``scenarios/`` at the top of the repository).
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def scenario_path(name: str) -> Path:
    """Path of a shipped scenario, by file name with or without ``.yaml``.

    Raises
    ------
    FileNotFoundError
        No such scenario (the message lists the shipped ones).
    """
    path = SCENARIOS / (name if name.endswith(".yaml") else f"{name}.yaml")
    if not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in SCENARIOS.glob("*.yaml")))
        raise FileNotFoundError(f"no scenario {name!r} in {SCENARIOS}; shipped: {shipped}")
    return path


def with_run_settings(
    scenario: Scenario | str | Path,
    *,
    year: int | None = None,
    horizon_days: float | None = None,
    warmup_days: float | None = None,
) -> Scenario:
    """A scenario with shorter or different run settings, for exploration and tests.

    Parameters
    ----------
    scenario : Scenario or path
    year : int, optional
        Simulate this calendar year only (the plan as it stands that year: facilities
        commissioned before it are in service, demand has grown to it).
    horizon_days : float, optional
        Count this many days from 1 January of the first simulated year (the run is the
        warm-up and then these days).
    warmup_days : float, optional
        Days simulated before 1 January of the first year and not counted (at least twice the
        longest yard dwell time, see ``Scenario.warmup_days``).

    Returns
    -------
    Scenario
    """
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if year is not None:
        loaded, _ = evaluation_scenario(loaded, year)
    settings: dict[str, float] = {}
    if horizon_days is not None:
        settings["horizon_days"] = horizon_days
    if warmup_days is not None:
        settings["warmup_days"] = warmup_days
    if settings:
        loaded = loaded.model_copy(update={"run": loaded.run.model_copy(update=settings)})
    return loaded


def compare_plans(runs: Mapping[str, RunSource]) -> pd.DataFrame:
    """One row per plan: verdict, throughput against the target, the main bottleneck, lock
    waits, cost and CO2 per tonne.

    Parameters
    ----------
    runs : mapping of plan name to run
        Runs of the plans, ideally with the same seed (common random numbers).

    Returns
    -------
    DataFrame
        Indexed by plan: ``verdict, throughput_mt`` with ``throughput_mt_ci95_low/high``,
        ``p_target_met, target_mt, main_bottleneck, main_bottleneck_utilisation,
        max_lock_utilisation, max_lock_mean_wait_h, mean_berth_wait_h, cost_cny_per_t,
        co2_kg_per_t, rail_share``.
    """
    rows = []
    for plan, run in runs.items():
        data = as_run_data(run)
        summary = data.summary
        throughput = summary["throughput_t"]
        ranked = data.tables["bottlenecks"]
        locks = data.tables["locks"]
        berths = data.tables["berths"]
        economics = data.tables["economics"]
        split = data.tables["modal_split"]
        top = ranked.iloc[0] if not ranked.empty else None
        calls = berths["calls"].sum() if not berths.empty else 0
        rail = (
            float(split.loc[split["landside"].str.contains("rail"), "share"].sum())
            if not split.empty
            else float("nan")
        )
        rows.append(
            {
                "plan": plan,
                "verdict": summary["verdict"],
                "throughput_mt": _mt(throughput["mean"]),
                "throughput_mt_ci95_low": _mt(throughput["ci95_low"]),
                "throughput_mt_ci95_high": _mt(throughput["ci95_high"]),
                "p_target_met": summary["p_target_met"],
                "target_mt": summary["target_t"] / 1e6,
                "main_bottleneck": (
                    resource_label(top["kind"], top["resource"], data) if top is not None else ""
                ),
                "main_bottleneck_utilisation": top["utilisation"] if top is not None else None,
                "max_lock_utilisation": locks["utilisation"].max() if not locks.empty else None,
                "max_lock_mean_wait_h": locks["mean_wait_h"].max() if not locks.empty else None,
                "mean_berth_wait_h": (
                    (berths["mean_wait_h"].fillna(0) * berths["calls"]).sum() / calls
                    if calls
                    else None
                ),
                "cost_cny_per_t": economics["cost_cny_per_t"].iloc[0] if len(economics) else None,
                "co2_kg_per_t": economics["co2_kg_per_t"].iloc[0] if len(economics) else None,
                "rail_share": rail,
            }
        )
    return pd.DataFrame(rows).set_index("plan")


def _mt(tonnes: float | None) -> float:
    return float("nan") if tonnes is None else tonnes / 1e6


def explain_bottlenecks(run: RunSource, *, top: int = 5) -> list[str]:
    """The top bottlenecks in plain sentences: what the resource is, how busy, how long ships
    wait, what share of all vessel time it costs, and (when computed) what relieving it gains.
    """
    data = as_run_data(run)
    ranked = data.tables["bottlenecks"]
    if "criterion" in ranked:  # ranked by effect on the verdict: judged ones and waits
        ranked = ranked[(ranked["criterion"].fillna("") != "") | (ranked["wait_share"] > 0)]
    else:
        ranked = ranked[ranked["wait_share"] > 0]
    ranked = ranked.head(top)
    relief = data.relief.set_index(["kind", "resource"]) if data.relief is not None else None
    sentences = []
    for rank, row in enumerate(ranked.itertuples(index=False), start=1):
        name = resource_label(row.kind, row.resource, data)
        try:  # the kind's utilisation and wait in its own words (sim.facilities)
            figures = facilities.kind(row.kind).sentence(row._asdict())
        except facilities.UnknownKind:
            figures = f"used {row.utilisation:.0%}; ships wait {row.mean_wait_h:.1f} h for it"
        sentence = (
            f"{rank}. {name} ({row.kind}): {figures}, "
            f"{row.wait_share:.2%} of all the time vessels spend in the system."
        )
        criterion = getattr(row, "criterion", "")
        if isinstance(criterion, str) and criterion:
            holds = getattr(row, "holds", None)
            state = (
                "breaks its service criterion"
                if holds is False or holds == 0
                else "is within its service criterion"
                if holds is True or holds == 1
                else "may break its service criterion"
            )
            sentence += f" It {state}: {criterion}."
        if relief is not None and (row.kind, row.resource) in relief.index:
            gain = relief.loc[(row.kind, row.resource)]
            sentence += (
                f" Relieving it ({gain['change']}) adds {gain['gain_t'] / 1e6:+.2f} Mt/yr of "
                f"sustainable capacity (95 % CI {gain['gain_t_ci95_low'] / 1e6:+.2f} to "
                f"{gain['gain_t_ci95_high'] / 1e6:+.2f})."
            )
        sentences.append(sentence)
    return sentences


def run_plans(
    plans: Mapping[str, str | Path | Scenario],
    *,
    replications: int | None = None,
    seed: int | None = None,
    year: int | None = None,
    horizon_days: float | None = None,
    warmup_days: float | None = None,
) -> dict[str, RunResult]:
    """Run several plans with the same seed (common random numbers), in the given order.

    Parameters
    ----------
    plans : mapping of plan name to scenario
        A shipped scenario name (see :func:`scenario_path`), a file or a loaded scenario.
    replications, seed : int, optional
        As in :func:`sim.run`; one seed for all plans.
    year, horizon_days, warmup_days : optional
        As in :func:`with_run_settings`.

    Returns
    -------
    dict
        Plan name to its :class:`~sim.runs.run.RunResult`.
    """
    results = {}
    for name, plan in plans.items():
        source = scenario_path(plan) if isinstance(plan, str) and not Path(plan).is_file() else plan
        scenario = with_run_settings(
            source, year=year, horizon_days=horizon_days, warmup_days=warmup_days
        )
        results[name] = simulate(scenario, replications=replications, seed=seed)
    return results


def compare_files(
    plans: Sequence[str | Path],
    *,
    replications: int | None = None,
    seed: int | None = None,
    year: int | None = None,
    horizon_days: float | None = None,
    warmup_days: float | None = None,
    capacity: bool = False,
    workers: int = 1,
) -> Comparison:
    """Compare plans with common random numbers (:func:`sim.runs.compare.compare`), the first
    being the reference, keeping each run's records for the charts.

    Parameters
    ----------
    plans : sequence of str or path
        Shipped scenario names (see :func:`scenario_path`) or scenario files, two or more.
    replications, seed, capacity, workers : optional
        As in :func:`sim.runs.compare.compare`.
    year, horizon_days, warmup_days : optional
        As in :func:`with_run_settings` (``year`` also judges every plan in that year).

    Returns
    -------
    Comparison
    """
    files = [scenario_path(str(p)) if not Path(p).is_file() else Path(p) for p in plans]
    scenarios = [
        with_run_settings(f, year=year, horizon_days=horizon_days, warmup_days=warmup_days)
        for f in files
    ]
    return compare(
        scenarios,
        replications=replications,
        seed=seed,
        year=year,
        capacity=capacity,
        workers=workers,
        files=[str(f) for f in files],
        keep_records=True,
    )


def relieve_bottlenecks(
    result: RunResult,
    *,
    top: int = 3,
    replications: int | None = None,
    tolerance: float = 0.02,
) -> tuple[CapacityResult, list[Relief]]:
    """Sustainable capacity of the run's scenario and what relieving each of its ``top``
    bottlenecks (ranked by their effect on the verdict: those judged by a service criterion or
    that ships waited for) adds (:func:`sim.runs.capacity.bottleneck_relief`).

    ``result.with_capacity(capacity, reliefs)`` then gives the run whose verdict states them.

    A capacity search runs about a dozen simulations per replication and per relief: keep
    ``top`` and ``replications`` small for a first look.
    """
    table = result.bottlenecks
    ranked = table[(table["criterion"] != "") | (table["wait_share"] > 0)].head(top)
    return bottleneck_relief(
        result.scenario,
        list(zip(ranked["kind"], ranked["resource"], strict=True)),
        replications=replications or result.replications,
        tolerance=tolerance,
    )


def control_effect(without: RunResult, with_control: RunResult, lock: str) -> pd.DataFrame:
    """What a control process changed at a lock: two runs of one scenario with the same seed
    and replications, without and with the process (the same ships: common random numbers).

    Parameters
    ----------
    without, with_control : RunResult
    lock : str
        The lock's id.

    Returns
    -------
    DataFrame
        One row per measure (``measure``, ``without``, ``with_control``, ``change``; means over
        the replications, the counted years): port throughput of the target year, the lock's
        passages, lockages, ships per lockage, mean and total wait at the lock, ships held at
        the anchorage and their hours there, and all hours waiting (lock and anchorage) per
        passage.
    """
    rows = []
    figures = [_control_figures(result, lock) for result in (without, with_control)]
    for measure in figures[0]:
        a, b = figures[0][measure], figures[1][measure]
        rows.append({"measure": measure, "without": a, "with_control": b, "change": b - a})
    return pd.DataFrame(rows)


def _control_figures(result: RunResult, lock: str) -> dict[str, float]:
    locks = result.tables["locks"].set_index("resource")
    if lock not in locks.index:
        known = ", ".join(locks.index)
        raise KeyError(f"no lock {lock!r} in the run (known: {known})")
    row = locks.loc[lock]
    holds = result.tables.get("holds")
    held = (
        holds.set_index("resource").loc[lock]
        if holds is not None and lock in set(holds["resource"])
        else None
    )
    ships_held = float(held["ships_held"]) if held is not None else 0.0
    held_h = float(held["held_h_total"]) if held is not None else 0.0
    passages = float(row["passages"])
    return {
        "port throughput, target year (Mt)": result.verdict.throughput_t[0] / 1e6,
        "lock passages": passages,
        "lockages": float(row["lockages"]),
        "ships per lockage": float(row["vessels_per_lockage"]),
        "mean wait at the lock (h)": float(row["mean_wait_h"]),
        "hours waiting at the lock": float(row["wait_h_total"]),
        "ships held at the anchorage": ships_held,
        "hours at the anchorage": held_h,
        "hours waiting, lock and anchorage, per passage": (float(row["wait_h_total"]) + held_h)
        / passages
        if passages
        else float("nan"),
    }


def actions_table(result: RunResult) -> pd.DataFrame:
    """The actions control processes took in ``result`` (``replication, time_h, date,
    process, action, resource, value``), in the order taken; empty without control processes
    or when the run kept no records (``keep_records=False``)."""
    frames = [
        pd.DataFrame(records.actions).assign(replication=replication)
        for replication, records in enumerate(result.records)
        if records.actions and len(records.actions["time_h"])
    ]
    columns = ["replication", "time_h", "date", "process", "action", "resource", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    model = result.model
    assert model is not None  # a run that kept its records has its model
    table["date"] = model.calendar.datetimes(table["time_h"].to_numpy(dtype=float))
    return table[columns]
