"""The simulation clock: hours from 1 January of the first simulated year, 00:00.

Months are calendar months; a year has 8,760 or 8,784 hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

__all__ = ["Calendar"]


@dataclass(frozen=True)
class Calendar:
    """Month boundaries of a run.

    Attributes
    ----------
    first_year : int
        Year that starts at hour 0.
    horizon_h : float
        End of the run.
    warmup_h : float
        Statistics count from here.
    month_start_h : numpy.ndarray
        Start hour of every month from hour 0 to past the horizon (one more than months).
    month_year, month_number : numpy.ndarray
        Calendar year and month (1-12) of each month.
    """

    first_year: int
    horizon_h: float
    warmup_h: float
    month_start_h: np.ndarray
    month_year: np.ndarray
    month_number: np.ndarray

    @classmethod
    def build(cls, first_year: int, horizon_h: float, warmup_h: float) -> Calendar:
        """Calendar of a run of ``horizon_h`` hours from 1 January ``first_year``."""
        origin = dt.datetime(first_year, 1, 1)
        starts, years, months = [], [], []
        year, month = first_year, 1
        while True:
            start = (dt.datetime(year, month, 1) - origin).total_seconds() / 3600.0
            starts.append(start)
            if start >= horizon_h:
                break
            years.append(year)
            months.append(month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return cls(
            first_year,
            float(horizon_h),
            float(warmup_h),
            np.array(starts),
            np.array(years),
            np.array(months),
        )

    def hour_of(self, when: dt.date | dt.datetime) -> float:
        """Simulation hour of a calendar date (negative before the start)."""
        moment = (
            when if isinstance(when, dt.datetime) else dt.datetime(when.year, when.month, when.day)
        )
        return (moment - dt.datetime(self.first_year, 1, 1)).total_seconds() / 3600.0

    def month_index(self, hours: np.ndarray) -> np.ndarray:
        """Index of the month each hour falls in."""
        return np.searchsorted(self.month_start_h, hours, side="right") - 1

    def year_of(self, hours: np.ndarray) -> np.ndarray:
        """Calendar year of each hour."""
        index = np.clip(self.month_index(np.asarray(hours)), 0, len(self.month_year) - 1)
        return self.month_year[index]

    def year_span_h(self, year: int) -> tuple[float, float]:
        """Start and end hour of a calendar year."""
        start = self.hour_of(dt.date(year, 1, 1))
        return start, self.hour_of(dt.date(year + 1, 1, 1))
