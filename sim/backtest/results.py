"""What a back-test found: every observation with its prediction, or the reason it has none.

Plain data, built by :mod:`sim.backtest.runner` and read by the console, the chart and the
output folder; ``to_json`` gives the document ``hubsim backtest --json`` prints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.analysis.stats import mean_ci
from sim.backtest.observations import Observation
from sim.i18n import en

__all__ = ["ROLES", "Backtest", "BacktestRow", "Prediction", "ScenarioRun"]

#: The roles of a row, in the order results show them.
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
    stopped early when a queue overflowed). ``label_zh`` is the place's Chinese name in the
    network data (``name_zh``), if it has one, for output in Chinese (not in the JSON: the
    files of a back-test are English).
    """

    observation: Observation
    label: str
    prediction: Prediction | None = None
    reason: str | None = None
    replications: int | None = None
    warnings: tuple[str, ...] = ()
    label_zh: str = ""

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
        """The back-test in one sentence (English, as the JSON holds it; :func:`sim.i18n.localise`
        writes it in the current language)."""
        inside, predicted = self.counts()
        (cal_inside_n, cal_n), (val_inside_n, val_n) = (self.counts(role) for role in ROLES)
        counts = {
            "cal_inside_n": cal_inside_n,
            "cal_n": cal_n,
            "val_inside_n": val_inside_n,
            "val_n": val_n,
        }
        if cal_n and val_n:
            roles = en(
                "calibration {cal_inside_n} of {cal_n}, validation {val_inside_n} of {val_n}",
                **counts,
            )
        elif cal_n:
            roles = en("calibration {cal_inside_n} of {cal_n}", **counts)
        elif val_n:
            roles = en("validation {val_inside_n} of {val_n}", **counts)
        else:
            return en(
                "{inside_n} of {predicted_n} predicted observations inside their bands; "
                "{missing_n} not predicted",
                inside_n=inside,
                predicted_n=predicted,
                missing_n=len(self.not_predicted),
            )
        return en(
            "{inside_n} of {predicted_n} predicted observations inside their bands ({roles}); "
            "{missing_n} not predicted",
            inside_n=inside,
            predicted_n=predicted,
            roles=roles,
            missing_n=len(self.not_predicted),
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
