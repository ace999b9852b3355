"""Run the scenarios an observations table names and hold every prediction against its band.

:func:`plan_backtest` checks everything before anything is simulated (the table, every
scenario file it names, the years, the places) and sorts the rows into those a scenario
predicts and those it cannot, with the reason. :func:`run_backtest` then runs each scenario
once, as ``hubsim run`` does (the scenario's seed; replication ``r`` draws from the streams of
``(seed, r)``, so one worker or several give the same numbers), computes every row's KPI in
each replication over the row's calendar months and summarises it as a mean with a 95 %
confidence interval (:func:`sim.stats.mean_ci`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import network
from sim.backtest.observations import (
    OBSERVED_TABLE,
    BacktestInputError,
    Observation,
    load_observations,
)
from sim.backtest.predict import month_window_h, months_span
from sim.backtest.targets import Target, measure, place_label, resolve
from sim.engine import Records
from sim.run import run
from sim.scenario import Scenario
from sim.scenario.routes import load_checked
from sim.stats import mean_ci

__all__ = [
    "SCENARIOS",
    "Backtest",
    "BacktestPlan",
    "BacktestRow",
    "Prediction",
    "ScenarioRun",
    "backtest",
    "plan_backtest",
    "run_backtest",
]

#: The shipped scenario files that observation rows name.
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ROLES = ("calibration", "validation")


@dataclass(frozen=True)
class Prediction:
    """A KPI over replications: the mean, its 95 % CI (NaN with one replication) and the
    value of each replication (NaN where a replication stopped before the window)."""

    mean: float
    ci95_low: float
    ci95_high: float
    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Prediction:
        mean, low, high = mean_ci(list(values))
        if not math.isnan(low):  # every KPI here is a count, a tonnage or a ratio of them
            low = max(low, 0.0)
        return cls(mean, low, high, tuple(values))


@dataclass(frozen=True)
class BacktestRow:
    """One observation and what the model says about it.

    ``prediction`` is None when the row is not predicted; ``reason`` then says why.
    ``warnings`` flag a prediction that stands on less than the whole window (a replication
    stopped early when a queue overflowed).
    """

    observation: Observation
    label: str
    prediction: Prediction | None = None
    reason: str | None = None
    replications: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def inside(self) -> bool | None:
        """Whether the predicted mean lies within the band (None: not predicted)."""
        if self.prediction is None:
            return None
        mean = self.prediction.mean
        return not math.isnan(mean) and self.observation.holds(mean)

    def to_json(self) -> dict[str, Any]:
        """The row as ``hubsim backtest --json`` prints it."""
        o = self.observation
        p = self.prediction
        return {
            "id": o.id,
            "kpi": o.kpi,
            "place": o.place,
            "place_name": self.label,
            "year": o.year,
            "months": o.months_text,
            "period": o.period,
            "source": o.source,
            "observed": o.value,
            "unit": o.unit,
            "tonnage": o.tonnage,
            "predicted": None
            if p is None
            else {
                "mean": _number(p.mean),
                "ci95_low": _number(p.ci95_low),
                "ci95_high": _number(p.ci95_high),
                "values": [_number(v) for v in p.values],
            },
            "band_low": o.band_low,
            "band_high": o.band_high,
            "inside": self.inside,
            "role": o.role,
            "scenario": o.scenario,
            "replications": self.replications,
            "reason": self.reason,
            "warnings": list(self.warnings),
            "band_reason": o.band_reason,
            "note": o.note,
        }


def _number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else float(value)


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario the back-test runs: its file, name, seed, years and the rows it predicts."""

    file: str
    name: str
    seed: int
    years: tuple[int, ...]
    rows: int
    wall_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        # no wall time: the document is the same on any machine and any number of workers
        return {
            "scenario": self.file,
            "name": self.name,
            "seed": self.seed,
            "years": list(self.years),
            "rows": self.rows,
        }


@dataclass(frozen=True)
class Backtest:
    """Every observation with its prediction (or the reason it has none), in table order."""

    rows: tuple[BacktestRow, ...]
    observations: str
    replications: int
    scenarios: tuple[ScenarioRun, ...] = ()
    wall_s: float = 0.0

    @property
    def predicted(self) -> list[BacktestRow]:
        """Rows with a prediction."""
        return [r for r in self.rows if r.prediction is not None]

    @property
    def not_predicted(self) -> list[BacktestRow]:
        """Rows without one (their ``reason`` says why)."""
        return [r for r in self.rows if r.prediction is None]

    def counts(self, role: str | None = None) -> tuple[int, int]:
        """(inside their bands, predicted) over the rows of ``role`` (None: all)."""
        rows = [r for r in self.predicted if role is None or r.observation.role == role]
        return sum(bool(r.inside) for r in rows), len(rows)

    @property
    def all_inside(self) -> bool:
        """Whether every predicted row lies inside its band (exit status 0)."""
        inside, predicted = self.counts()
        return inside == predicted

    @property
    def verdict(self) -> str:
        """The back-test in one sentence."""
        inside, predicted = self.counts()
        parts = []
        for role in ROLES:
            k, n = self.counts(role)
            if n:
                parts.append(f"{role} {k} of {n}")
        split = f" ({', '.join(parts)})" if parts else ""
        return (
            f"{inside} of {predicted} predicted observations inside their bands{split}; "
            f"{len(self.not_predicted)} not predicted"
        )

    def to_json(self) -> dict[str, Any]:
        """The document ``hubsim backtest --json`` prints: ``rows`` (one per observation, in
        table order), the verdict and its counts, and the scenarios run."""
        inside, predicted = self.counts()
        return {
            "rows": [row.to_json() for row in self.rows],
            "verdict": self.verdict,
            "inside": inside,
            "predicted": predicted,
            "not_predicted": len(self.not_predicted),
            "all_inside": self.all_inside,
            "by_role": {
                role: dict(zip(("inside", "predicted"), self.counts(role), strict=True))
                for role in ROLES
            },
            "replications": self.replications,
            "observations": self.observations,
            "scenarios": [s.to_json() for s in self.scenarios],
        }


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
            reason = f"no scenario predicts it: {observation.note}"
            rows.append(BacktestRow(observation, _label(observation.place), reason=reason))
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
            rows.append(
                BacktestRow(observation, place_label(observation.place, dataset), reason=target)
            )
            continue
        plan.rows.append((position, observation, target))
        rows.append(None)  # filled in by run_backtest
    return BacktestPlan(table, rows, [p for p in plans.values() if p.rows])


@functools.cache
def _bundled() -> network.Dataset:
    return network.read_dataset()


def _label(place: str) -> str:
    """A place in words from the bundled network (for rows no scenario predicts)."""
    try:
        return place_label(place, _bundled())
    except network.DataError:
        return place


def _cut_short(replication: int, records: Records, origin: dt.datetime) -> str:
    """Why a replication's figures stop before the end of a row's months."""
    when = f"{origin + dt.timedelta(hours=records.end_h):%Y-%m-%d %H:%M}"
    stop = records.overload
    if stop is None:
        return f"replication {replication} ended on {when}, before the end of the period"
    return (
        f"replication {replication} stopped on {when}: the queue at {stop.kind} "
        f"{stop.resource} reached {stop.length} vessels (over operations."
        "overload_queue_vessels); its figures cover the period only up to then"
    )


def run_backtest(
    plan: BacktestPlan,
    *,
    replications: int = 3,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> Backtest:
    """Run every scenario of ``plan`` and predict its rows.

    Parameters
    ----------
    plan : BacktestPlan
        From :func:`plan_backtest`.
    replications : int
        Replications of each scenario (its own ``run.replications`` is not used).
    workers : int
        Local processes per scenario (results do not depend on it).
    progress : callable, optional
        Called with (scenario file, simulated days done, days in all its replications).

    Returns
    -------
    Backtest
    """
    started = time.perf_counter()
    rows = list(plan.rows)
    runs = []
    for item in plan.scenarios:
        began = time.perf_counter()
        shown = (
            None
            if progress is None
            else lambda done, total, file=item.file: progress(file, done, total)
        )
        result = run(item.scenario, replications=replications, workers=workers, progress=shown)
        model = result.model
        assert model is not None
        for position, observation, target in item.rows:
            window = month_window_h(model.calendar, observation.year, observation.months)
            values, warnings = [], []
            for r, records in enumerate(result.records):
                if records.end_h < window[1]:
                    warnings.append(_cut_short(r, records, model.calendar.origin))
                if records.end_h <= window[0]:
                    values.append(math.nan)
                    continue
                cut = (window[0], min(window[1], records.end_h))
                values.append(measure(target, model, records, cut))
            if all(math.isnan(v) for v in values):
                warnings.append(
                    "no replication gives a value (a ratio without any lockage in the period "
                    "is undefined): counted as outside"
                )
            rows[position] = BacktestRow(
                observation,
                target.label,
                Prediction.of(values),
                replications=len(result.records),
                warnings=tuple(warnings),
            )
        runs.append(
            ScenarioRun(
                item.file,
                item.scenario.name,
                item.scenario.run.seed,
                item.scenario.simulated_years,
                len(item.rows),
                time.perf_counter() - began,
            )
        )
        del result  # its records can be large: free them before the next scenario
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
