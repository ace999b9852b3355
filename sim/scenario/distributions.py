"""Probability distributions a scenario may name, with their analytic mean and variance.

Pure data (pydantic, frozen): the engine draws from them with its own numpy generators.
Every distribution exposes ``mean`` and ``variance`` so one generic test checks them all.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Erlang",
    "Exponential",
    "Lognormal",
    "Uniform",
]

_MAX_H = 1e6


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Exponential(_Frozen):
    """Exponential with mean ``mean_h`` (coefficient of variation 1)."""

    distribution: Literal["exponential"]
    mean_h: Annotated[float, Field(gt=0, le=_MAX_H)]

    @property
    def mean(self) -> float:
        return self.mean_h

    @property
    def variance(self) -> float:
        return self.mean_h**2


class Erlang(_Frozen):
    """Erlang-k with mean ``mean_h`` (sum of k exponentials; CV = 1/sqrt(k))."""

    distribution: Literal["erlang"]
    k: Annotated[int, Field(ge=1, le=1000)]
    mean_h: Annotated[float, Field(gt=0, le=_MAX_H)]

    @property
    def mean(self) -> float:
        return self.mean_h

    @property
    def variance(self) -> float:
        return self.mean_h**2 / self.k


class Deterministic(_Frozen):
    """Always ``value_h``."""

    distribution: Literal["deterministic"]
    value_h: Annotated[float, Field(ge=0, le=_MAX_H)]

    @property
    def mean(self) -> float:
        return self.value_h

    @property
    def variance(self) -> float:
        return 0.0


class Uniform(_Frozen):
    """Uniform between ``low_h`` and ``high_h``."""

    distribution: Literal["uniform"]
    low_h: Annotated[float, Field(ge=0, le=_MAX_H)]
    high_h: Annotated[float, Field(ge=0, le=_MAX_H)]

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high_h < self.low_h:
            raise ValueError(f"high_h must be >= low_h (got {self.high_h} < {self.low_h})")
        return self

    @property
    def mean(self) -> float:
        return (self.low_h + self.high_h) / 2

    @property
    def variance(self) -> float:
        return (self.high_h - self.low_h) ** 2 / 12


class Lognormal(_Frozen):
    """Lognormal with mean ``mean_h`` and coefficient of variation ``cv``."""

    distribution: Literal["lognormal"]
    mean_h: Annotated[float, Field(gt=0, le=_MAX_H)]
    cv: Annotated[float, Field(gt=0, le=10)]

    @property
    def mean(self) -> float:
        return self.mean_h

    @property
    def variance(self) -> float:
        return (self.cv * self.mean_h) ** 2

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal."""
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def mu(self) -> float:
        """Mean of the underlying normal."""
        return math.log(self.mean_h) - self.sigma**2 / 2


class Empirical(_Frozen):
    """Resampled with equal probability from ``values_h`` (observed durations)."""

    distribution: Literal["empirical"]
    values_h: Annotated[
        tuple[Annotated[float, Field(ge=0, le=_MAX_H)], ...],
        Field(min_length=1, max_length=100_000),
    ]

    @property
    def mean(self) -> float:
        return sum(self.values_h) / len(self.values_h)

    @property
    def variance(self) -> float:
        mean = self.mean
        return sum((v - mean) ** 2 for v in self.values_h) / len(self.values_h)


Distribution = Annotated[
    Exponential | Erlang | Deterministic | Uniform | Lognormal | Empirical,
    Field(discriminator="distribution"),
]
