"""Hold hubsim against published observations: ``hubsim backtest``.

:func:`backtest` reads a table of observations (``data/observed/observations.csv``), runs the
scenario each row names, computes the row's KPI over its calendar months in every replication
and says whether the mean lies inside the row's tolerance band. Rows that no scenario can
predict are listed with the reason.
"""

from sim.backtest.observations import (
    OBSERVED_TABLE,
    BacktestInputError,
    Observation,
    ObservationsError,
    load_observations,
)
from sim.backtest.results import Backtest, BacktestRow, Prediction
from sim.backtest.runner import SCENARIOS, backtest, plan_backtest, run_backtest

__all__ = [
    "OBSERVED_TABLE",
    "SCENARIOS",
    "Backtest",
    "BacktestInputError",
    "BacktestRow",
    "Observation",
    "ObservationsError",
    "Prediction",
    "backtest",
    "load_observations",
    "plan_backtest",
    "run_backtest",
]
