"""The simulation clock, in hours.

Statistics count from 1 January of the first counted year, 00:00 (``warmup_h``); the run
starts a warm-up before it, at hour 0, so that every counted year is a whole calendar year.
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

    Hour 0 is ``warmup_h`` hours before 1 January ``first_year``, 00:00: the warm-up runs
    before the first counted year, and statistics count from ``warmup_h`` (1 January
    ``first_year``) to ``horizon_h``.

    Attributes
    ----------
    first_year : int
        First counted year: it starts at hour ``warmup_h``.
    horizon_h : float
        End of the run (warm-up included).
    warmup_h : float
        Length of the warm-up (the effective one, see ``Scenario.warmup_days``): statistics
        count from here, 1 January ``first_year``.
    month_start_h : numpy.ndarray
        Start hour of every month from hour 0 to past the horizon (one more than months); the
        first month is the (partial) month the warm-up starts in.
    month_year, month_number : numpy.ndarray
        Calendar year and month (1-12) of each month (``first_year - 1`` or earlier for the
        months of the warm-up).
    """

    first_year: int
    horizon_h: float
    warmup_h: float
    month_start_h: np.ndarray
    month_year: np.ndarray
    month_number: np.ndarray

    @classmethod
    def build(cls, first_year: int, horizon_h: float, warmup_h: float) -> Calendar:
        """Calendar of a run of ``horizon_h`` hours whose hour ``warmup_h`` is 1 January
        ``first_year`` (so hour 0 is ``warmup_h`` hours before it)."""
        counted_from = dt.datetime(first_year, 1, 1)
        origin = counted_from - dt.timedelta(hours=warmup_h)
        # the month the warm-up starts in begins at hour 0 (it is partial unless the warm-up
        # starts on the 1st)
        starts, years, months = [0.0], [origin.year], [origin.month]
        year, month = origin.year, origin.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            start = (dt.datetime(year, month, 1) - counted_from).total_seconds() / 3600.0
            starts.append(start + warmup_h)
            if starts[-1] >= horizon_h:
                break
            years.append(year)
            months.append(month)
        return cls(
            first_year,
            float(horizon_h),
            float(warmup_h),
            np.array(starts),
            np.array(years),
            np.array(months),
        )

    @property
    def warmup_days(self) -> float:
        """Length of the warm-up in days."""
        return self.warmup_h / 24.0

    @property
    def origin(self) -> dt.datetime:
        """The moment of hour 0 (the start of the warm-up)."""
        return dt.datetime(self.first_year, 1, 1) - dt.timedelta(hours=self.warmup_h)

    def hour_of(self, when: dt.date | dt.datetime) -> float:
        """Simulation hour of a calendar date (negative before the start of the warm-up)."""
        moment = (
            when if isinstance(when, dt.datetime) else dt.datetime(when.year, when.month, when.day)
        )
        seconds = (moment - dt.datetime(self.first_year, 1, 1)).total_seconds()
        return seconds / 3600.0 + self.warmup_h

    def in_service_h(self, when: dt.date | dt.datetime) -> float:
        """Hour a dated change of the plan (commissioning, decommissioning) takes effect.

        The warm-up simulates the plan as it stands on 1 January ``first_year``: a change
        dated on or before that day is in effect from hour 0.
        """
        hour = self.hour_of(when)
        return 0.0 if hour <= self.warmup_h else hour

    def datetimes(self, hours: np.ndarray) -> np.ndarray:
        """Simulation hours as ``datetime64[s]``."""
        origin = np.datetime64(dt.datetime(self.first_year, 1, 1), "s")
        seconds = np.round((np.asarray(hours, dtype=float) - self.warmup_h) * 3600.0)
        return origin + seconds.astype("timedelta64[s]")

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

    def counted_years(self) -> list[int]:
        """Calendar years counted whole (from ``warmup_h`` to ``horizon_h``)."""
        years = sorted(set(self.month_year.tolist()))
        return [
            y
            for y in years
            if self.year_span_h(y)[0] >= self.warmup_h and self.year_span_h(y)[1] <= self.horizon_h
        ]
