"""The sweep file format: frozen pydantic models (no SimPy, no I/O).

A sweep names a base scenario, **levers** (infrastructure options, each with its cost) that
combine into **variants**, **uncertainties** (ranges or lists of values set or scaled at dotted
scenario paths, sampled by Latin hypercube, on a grid, or listed future by future), the
replications and seed, the target and service criteria, and optionally a precision goal and
the selection rule. :func:`sim.sweep.load_sweep` reads and checks a file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.scenario.models import Id, Model, Money, ServiceCriteria, Target

__all__ = [
    "Grid",
    "Lever",
    "LeverOption",
    "Parameter",
    "Precision",
    "Selection",
    "Sweep",
    "Uncertainties",
]

Replications = Annotated[int, Field(ge=1, le=100_000)]
Overrides = dict[str, Any]


class LeverOption(Model):
    """One infrastructure option of a lever: scenario changes and what they cost."""

    id: Id
    description: str = ""
    cost_cny: Money = Field(..., description="Investment cost of the option.")
    overrides: Overrides = Field(
        {}, description="Dotted scenario paths -> values, as in a scenario's overrides."
    )
    patch: Overrides = Field(
        {},
        description="A partial scenario merged like a variant file ({id: X, remove: true} "
        "deletes an item).",
    )


class Grid(Model):
    """A lever that sets one scenario path to each of several values."""

    path: Annotated[str, Field(min_length=1)]
    values: Annotated[tuple[Any, ...], Field(min_length=1)]
    cost_cny: Annotated[tuple[Money, ...], Field(min_length=1)] = Field(
        ..., description="Cost of each value, in the same order."
    )

    @model_validator(mode="after")
    def _same_length(self) -> Grid:
        if len(self.cost_cny) != len(self.values):
            raise ValueError(
                f"cost_cny needs one cost per value ({len(self.values)} values, "
                f"{len(self.cost_cny)} costs)"
            )
        return self


class Lever(Model):
    """An infrastructure decision: a list of options or a grid of values (the first is the
    baseline choice of the lever)."""

    id: Id
    description: str = ""
    options: Annotated[tuple[LeverOption, ...], Field(min_length=1)] | None = None
    grid: Grid | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Lever:
        if (self.options is None) == (self.grid is None):
            raise ValueError("give either options or grid")
        if self.options is not None:
            seen: set[str] = set()
            for option in self.options:
                if option.id in seen:
                    raise ValueError(f"option id {option.id!r} is used twice")
                seen.add(option.id)
        return self


class Parameter(Model):
    """An uncertain input: a numeric range or a list of values, set (or, with ``scale``,
    multiplied) at one or more dotted scenario paths."""

    id: Id
    description: str = ""
    path: str | None = None
    paths: tuple[str, ...] = ()
    range: tuple[float, float] | None = Field(
        None, description="[low, high] for Latin hypercube or grid sampling."
    )
    values: Annotated[tuple[Any, ...], Field(min_length=1)] | None = None
    levels: Annotated[int, Field(ge=2, le=100)] = Field(
        3, description="Grid points across the range (grid method)."
    )
    scale: bool = Field(False, description="Multiply the value found at the paths.")

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if (self.path is None) == (not self.paths):
            raise ValueError("give either path or paths")
        if (self.range is None) == (self.values is None):
            raise ValueError("give either range or values")
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise ValueError(f"range must be [low, high] with low <= high (got {self.range})")
        numbers = self.values is None or all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in self.values
        )
        if self.scale and not numbers:
            raise ValueError("values must be numbers when scale is true")
        return self

    @property
    def targets(self) -> tuple[str, ...]:
        """The dotted paths this parameter sets."""
        return (self.path,) if self.path is not None else self.paths


class Uncertainties(Model):
    """How futures are drawn from the parameters."""

    method: Literal["latin_hypercube", "grid", "list"] = "latin_hypercube"
    samples: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        None, description="Number of futures (latin_hypercube)."
    )
    parameters: Annotated[tuple[Parameter, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Uncertainties:
        ids = [p.id for p in self.parameters]
        for name in ids:
            if ids.count(name) > 1:
                raise ValueError(f"parameter id {name!r} is used twice")
        if self.method == "latin_hypercube" and self.samples is None:
            raise ValueError("latin_hypercube needs samples (the number of futures)")
        if self.method != "latin_hypercube" and self.samples is not None:
            raise ValueError(f"samples applies to latin_hypercube only (method is {self.method})")
        if self.method == "list":
            lengths = {len(p.values) if p.values is not None else -1 for p in self.parameters}
            if -1 in lengths:
                raise ValueError("the list method needs values (not range) for every parameter")
            if len(lengths) > 1:
                raise ValueError(
                    "the list method needs the same number of values for every parameter "
                    "(one per future)"
                )
        return self


class Precision(Model):
    """Replicate until the 95 % CI half-width of each variant's throughput is small enough."""

    half_width_pct: Annotated[float, Field(gt=0, le=100)] = Field(
        ..., description="Largest half-width, in % of the mean throughput."
    )
    max_replications: Replications


class Selection(Model):
    """Pick the cheapest variant that meets the target with probability >= ``probability``.

    See :mod:`sim.sweep.selection` for the procedure and what it guarantees.
    """

    probability: Annotated[float, Field(gt=0, lt=1)] = 0.9
    confidence: Annotated[float, Field(ge=0.5, lt=1)] = 0.95
    indifference_zone_t: Annotated[float, Field(gt=0, le=1e10)] = Field(
        ..., description="Rinott's indifference zone on throughput, tonnes per year."
    )
    max_replications: Replications


class Sweep(Model):
    """A sweep file."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    base: Annotated[str, Field(min_length=1)] = Field(
        ..., description="Base scenario file, relative to the sweep file."
    )
    overrides: Overrides = Field({}, description="Dotted paths applied to every variant.")
    levers: Annotated[tuple[Lever, ...], Field(min_length=1)]
    combine: Literal["product", "one_at_a_time"] = Field(
        "product",
        description="product: every combination of lever options; one_at_a_time: the "
        "baseline plus each non-baseline option alone.",
    )
    baseline: str | None = Field(
        None, description="Variant the others are compared with (default: the first)."
    )
    uncertainties: Uncertainties | None = None
    replications: Replications = 5
    chunk_replications: Replications | None = Field(
        None, description="Replications per task (default: all of a stage)."
    )
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 2028
    target: Target | None = None
    service_criteria: ServiceCriteria | None = None
    require_service_criteria: bool | None = Field(
        None,
        description="Whether a run meets the target only if the service criteria hold too "
        "(default: the base scenario's service_criteria.apply, true unless switched off); "
        "false sets service_criteria.apply: false in every variant, and the report says so.",
    )
    precision: Precision | None = None
    selection: Selection | None = None

    @model_validator(mode="after")
    def _check(self) -> Sweep:
        ids = [lever.id for lever in self.levers]
        for name in ids:
            if ids.count(name) > 1:
                raise ValueError(f"lever id {name!r} is used twice")
        for name, rule in (("selection", self.selection), ("precision", self.precision)):
            if rule is not None and rule.max_replications < self.replications:
                raise ValueError(
                    f"{name}.max_replications ({rule.max_replications}) must be >= "
                    f"replications ({self.replications})"
                )
        if self.selection is not None and self.replications < 2:
            raise ValueError("selection needs replications >= 2 (a first-stage variance)")
        return self
