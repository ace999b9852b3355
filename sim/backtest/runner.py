"""Run the scenarios an observations table names and hold every prediction against its band.

:func:`plan_backtest` checks everything before anything is simulated (the table, every
scenario file it names, the years, the places) and sorts the rows into those a scenario
predicts and those it cannot, with the reason. :func:`run_backtest` then runs each scenario
once, as ``hubsim run`` does (the scenario's seed; replication ``r`` draws from the streams of
``(seed, r)``, so one worker or several give the same numbers), computes every row's KPI in
each replication over the row's calendar months and summarises it as a mean with a 95 %
confidence interval (:func:`sim.analysis.stats.mean_ci`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

import network
from sim.backtest.observations import (
    OBSERVED_TABLE,
    BacktestInputError,
    Observation,
    load_observations,
)
from sim.backtest.predict import month_window_h, months_span
from sim.backtest.results import Backtest, BacktestRow, Prediction, ScenarioRun
from sim.backtest.targets import Target, measure, place_label, place_label_zh, resolve
from sim.engine import Records, simulate
from sim.i18n import en
from sim.model.compile import compile_scenario
from sim.model.specs import CompiledModel
from sim.runs.executor import process_pool
from sim.scenario import Scenario
from sim.scenario.routes import load_checked

__all__ = [
    "SCENARIOS",
    "BacktestPlan",
    "backtest",
    "plan_backtest",
    "run_backtest",
]

#: The shipped scenario files that observation rows name.
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass
class _ScenarioPlan:
    file: str
    scenario: Scenario
    rows: list[tuple[int, Observation, Target]] = field(default_factory=list)


@dataclass
class BacktestPlan:
    """What :func:`run_backtest` will do: the scenarios to run with the rows each predicts,
    and the rows already settled (not predicted, with their reasons)."""

    table: str
    rows: list[BacktestRow | None]
    scenarios: list[_ScenarioPlan]


def _simulated_span(scenario: Scenario) -> tuple[dt.date, dt.date]:
    """First and last day (exclusive) the scenario counts (after its warm-up)."""
    start = dt.date(scenario.first_year, 1, 1)
    if scenario.run.horizon_days is None:
        return start, dt.date(scenario.last_year + 1, 1, 1)
    return start, start + dt.timedelta(days=math.floor(scenario.run.horizon_days))


def _simulated_days(scenario: Scenario) -> float:
    """Days one replication simulates, warm-up included (the units of ``progress``)."""
    start, end = _simulated_span(scenario)
    return scenario.warmup_days + (end - start).days


def _selected(
    observations: Sequence[Observation], only: Iterable[str], table: str
) -> list[Observation]:
    wanted = list(only)
    if not wanted:
        return list(observations)
    named = sorted({o.scenario for o in observations if o.scenario})
    chosen = set()
    for name in wanted:
        matches = {s for s in named if name in (s, Path(s).stem)}
        if not matches:
            raise BacktestInputError(
                f"--scenario {name}: no row of {table} names it; the rows name "
                + (", ".join(named) if named else "no scenario")
            )
        chosen |= matches
    return [o for o in observations if o.scenario in chosen]


def plan_backtest(
    observations: Sequence[Observation],
    *,
    table: str | Path = OBSERVED_TABLE,
    scenarios: str | Path = SCENARIOS,
    only: Iterable[str] = (),
) -> BacktestPlan:
    """Check a back-test before running it.

    Parameters
    ----------
    observations : sequence of Observation
        Rows of the table (:func:`~sim.backtest.observations.load_observations`).
    table : path
        The table they came from (named in messages).
    scenarios : path
        The folder the rows' ``scenario`` file names are resolved in.
    only : iterable of str
        Keep only the rows of these scenarios (file names, with or without ``.yaml``).

    Raises
    ------
    BacktestInputError
        A named scenario file is missing, a row's months lie outside the years its scenario
        simulates, a place is unknown or does not fit its KPI, or ``only`` names a scenario
        no row names.
    ScenarioError
        A named scenario file is malformed.
    """
    table = str(table)
    folder = Path(scenarios)
    chosen = _selected(observations, only, table)
    rows: list[BacktestRow | None] = []
    plans: dict[str, _ScenarioPlan] = {}
    datasets: dict[str, network.Dataset] = {}
    for position, observation in enumerate(chosen):
        where = f"{table}: row {observation.id}"
        if observation.scenario is None:
            reason = en("no scenario predicts it: {note}", note=observation.note)
            label, label_zh = _label(observation.place)
            rows.append(BacktestRow(observation, label, reason=reason, label_zh=label_zh))
            continue
        name = observation.scenario
        path = folder / name
        if name not in plans:
            if not path.is_file():
                raise BacktestInputError(
                    f"{where}: scenario {name}: no such file {path} (the scenario column names "
                    f"a file in {folder})"
                )
            scenario, check = load_checked(path)
            plans[name] = _ScenarioPlan(name, scenario)
            datasets[name] = check.dataset if check.dataset is not None else _bundled()
        plan, dataset = plans[name], datasets[name]
        start, end = _simulated_span(plan.scenario)
        first, last = months_span(observation.year, observation.months)
        if first < start or last > end:
            years = ", ".join(map(str, plan.scenario.simulated_years))
            raise BacktestInputError(
                f"{where}: {observation.period} lies outside what {path} simulates "
                f"({years}: {start} to {end - dt.timedelta(days=1)}); name a scenario that "
                f"runs {observation.year}"
            )
        target = resolve(observation, plan.scenario, dataset, where=where, file=name)
        if isinstance(target, str):
            label = place_label(observation.place, dataset)
            rows.append(
                BacktestRow(
                    observation,
                    label,
                    reason=target,
                    label_zh=place_label_zh(observation.place, dataset, label),
                )
            )
            continue
        plan.rows.append((position, observation, target))
        rows.append(None)  # filled in by run_backtest
    return BacktestPlan(table, rows, [p for p in plans.values() if p.rows])


@functools.cache
def _bundled() -> network.Dataset:
    return network.read_dataset()


def _label(place: str) -> tuple[str, str]:
    """A place in words from the bundled network (for rows no scenario predicts), and its
    Chinese name there ("" for none)."""
    try:
        dataset = _bundled()
    except network.DataError:
        return place, ""
    label = place_label(place, dataset)
    return label, place_label_zh(place, dataset, label)


def _cut_short(replication: int, records: Records, origin: dt.datetime) -> str:
    """Why a replication's figures stop before the end of a row's months."""
    when = f"{origin + dt.timedelta(hours=records.end_h):%Y-%m-%d %H:%M}"
    stop = records.overload
    if stop is None:
        return en(
            "replication {replication} ended on {when}, before the end of the period",
            replication=replication,
            when=when,
        )
    return en(
        "replication {replication} stopped on {when}: the queue at {kind} {resource} reached "
        "{length} vessels (over operations.overload_queue_vessels); its figures cover the "
        "period only up to then",
        replication=replication,
        when=when,
        kind=stop.kind,
        resource=stop.resource,
        length=stop.length,
    )


#: Compiled scenarios of this process, by their JSON (a worker runs several replications).
_MODELS: dict[str, CompiledModel] = {}


def _measure_replication(
    scenario: Scenario, replication: int, rows: Sequence[tuple[Observation, Target]]
) -> tuple[int, list[float], list[str | None], float]:
    """Simulate one replication of ``scenario`` and measure each row's KPI over its months.

    Runs in a worker (or here with one worker): only the figures travel back, not the
    records. Returns (replication, one value per row, one warning or None per row, seconds).
    """
    began = time.perf_counter()
    key = scenario.model_dump_json()
    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = compile_scenario(scenario)
    records = simulate(model, seed=scenario.run.seed, replication=replication)
    values: list[float] = []
    warnings: list[str | None] = []
    for observation, target in rows:
        window = month_window_h(model.calendar, observation.year, observation.months)
        short = records.end_h < window[1]
        warnings.append(_cut_short(replication, records, model.calendar.origin) if short else None)
        if records.end_h <= window[0]:
            values.append(math.nan)
            continue
        values.append(measure(target, model, records, (window[0], min(window[1], records.end_h))))
    return replication, values, warnings, time.perf_counter() - began


def run_backtest(
    plan: BacktestPlan,
    *,
    replications: int = 3,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> Backtest:
    """Run every scenario of ``plan`` and predict its rows.

    Every replication of every scenario is one task, as ``hubsim run`` would simulate it (the
    scenario's seed, replication ``r``), on one pool of ``workers`` processes, so that the
    scenarios share the workers; each task measures its rows itself.

    Parameters
    ----------
    plan : BacktestPlan
        From :func:`plan_backtest`.
    replications : int
        Replications of each scenario (its own ``run.replications`` is not used).
    workers : int
        Local processes (results do not depend on it).
    progress : callable, optional
        Called with (scenario file, simulated days done, days in all its replications).

    Returns
    -------
    Backtest
    """
    started = time.perf_counter()
    rows = list(plan.rows)
    tasks = [
        (s, r, [(observation, target) for _, observation, target in item.rows])
        for s, item in enumerate(plan.scenarios)
        for r in range(replications)
    ]
    days = [math.ceil(_simulated_days(item.scenario)) * replications for item in plan.scenarios]
    done_days = [0] * len(plan.scenarios)
    busy_s = [0.0] * len(plan.scenarios)
    results: dict[tuple[int, int], tuple[list[float], list[str | None]]] = {}

    def finished(
        s: int,
        replication: int,
        values: list[float],
        warnings: list[str | None],
        seconds: float,
    ) -> None:
        results[(s, replication)] = (values, warnings)
        busy_s[s] += seconds
        done_days[s] += days[s] // replications
        if progress is not None:
            progress(plan.scenarios[s].file, done_days[s], days[s])

    if workers <= 1 or len(tasks) <= 1:
        for s, r, measured in tasks:
            _, values, warnings, seconds = _measure_replication(
                plan.scenarios[s].scenario, r, measured
            )
            finished(s, r, values, warnings, seconds)
    else:
        with process_pool(min(workers, len(tasks))) as pool:
            submitted = {
                pool.submit(_measure_replication, plan.scenarios[s].scenario, r, measured): s
                for s, r, measured in tasks
            }
            for future in as_completed(submitted):
                replication, values, warnings, seconds = future.result()
                finished(submitted[future], replication, values, warnings, seconds)
    runs = []
    for s, item in enumerate(plan.scenarios):
        for k, (position, observation, target) in enumerate(item.rows):
            values = [results[(s, r)][0][k] for r in range(replications)]
            notes = [w for r in range(replications) if (w := results[(s, r)][1][k]) is not None]
            if all(math.isnan(v) for v in values):
                notes.append(
                    en(
                        "no replication gives a value (a ratio without any lockage in the "
                        "period is undefined): counted as outside"
                    )
                )
            rows[position] = BacktestRow(
                observation,
                target.label,
                Prediction.of(values),
                replications=replications,
                warnings=tuple(notes),
                label_zh=target.label_zh,
            )
        runs.append(
            ScenarioRun(
                item.file,
                item.scenario.name,
                item.scenario.run.seed,
                item.scenario.simulated_years,
                len(item.rows),
                busy_s[s],
            )
        )
    done = tuple(r for r in rows if r is not None)
    assert len(done) == len(rows)
    return Backtest(done, plan.table, replications, tuple(runs), time.perf_counter() - started)


def backtest(
    table: str | Path = OBSERVED_TABLE,
    *,
    scenarios: str | Path = SCENARIOS,
    only: Iterable[str] = (),
    replications: int = 3,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> Backtest:
    """Hold the model against a table of observations (plan, then run; see
    :func:`plan_backtest` and :func:`run_backtest` for the parameters and errors).

    Examples
    --------
    >>> result = backtest(only=["calibration_2025"])  # doctest: +SKIP
    >>> result.verdict  # doctest: +SKIP
    '7 of 9 predicted observations inside their bands (calibration 5 of 6, ...); 2 not predicted'
    """
    plan = plan_backtest(load_observations(table), table=table, scenarios=scenarios, only=only)
    return run_backtest(plan, replications=replications, workers=workers, progress=progress)
