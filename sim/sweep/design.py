"""Expand a sweep into variants (combinations of lever options) and futures (uncertainty
samples), and build the scenario document of each (variant, future).

Everything here is a pure function of the sweep file: the same file gives the same variants,
the same futures and the same documents on any machine. Latin hypercube samples come from
:class:`scipy.stats.qmc.LatinHypercube` seeded from the sweep seed.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.merge import apply_override, merge, split_path
from sim.scenario.yamlfile import where
from sim.sweep.spec import Lever, Parameter, Sweep, Uncertainties

__all__ = [
    "Change",
    "Future",
    "Option",
    "Variant",
    "apply_changes",
    "expand_futures",
    "expand_variants",
    "lever_options",
    "value_at",
]

#: Spawn key of the Latin hypercube stream (apart from every simulation stream).
_LHS_KEY = zlib.crc32(b"sweep:latin_hypercube")


@dataclass(frozen=True)
class Change:
    """One edit of a scenario document: ``set`` a dotted path, ``scale`` the number there, or
    ``patch`` (merge a partial scenario). ``file``/``line`` say where the sweep file asks it."""

    kind: str
    path: str
    value: Any
    file: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Option:
    """One choice of one lever."""

    lever: str
    id: str
    cost_cny: float
    description: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Variant:
    """A combination of lever options: one infrastructure plan to compare.

    Attributes
    ----------
    id : str
        The option id for a single lever (for a grid, what it changes:
        ``GROUP.count=6``), else ``LEVER=OPTION,LEVER=OPTION``.
    options : tuple of Option
        One per lever, in lever order.
    """

    id: str
    options: tuple[Option, ...]

    @property
    def cost_cny(self) -> float:
        """Total cost of the chosen options."""
        return float(sum(o.cost_cny for o in self.options))

    @property
    def description(self) -> str:
        return "; ".join(o.description for o in self.options if o.description)


@dataclass(frozen=True)
class Future:
    """One uncertainty sample: parameter id -> value (``values`` items keep their index)."""

    index: int
    values: tuple[tuple[str, Any], ...]
    labels: tuple[tuple[str, float], ...]


def _located(document: Any, *keys: Any) -> tuple[Any, str, int | None]:
    """Follow ``keys`` into the located sweep document; the node, and where it is."""
    node = document
    container: Any = None
    key: Any = None
    for key in keys:
        container = node
        node = node[key]
    file, line = where(container, key) if container is not None else ("", None)
    return node, file, line


def lever_options(lever: Lever, document: Any, index: int) -> list[Option]:
    """The options of lever ``index`` (a grid gives one option per value, id = the value)."""
    options: list[Option] = []
    if lever.options is not None:
        for number, option in enumerate(lever.options):
            raw, _, _ = _located(document, "levers", index, "options", number)
            changes: list[Change] = []
            if "patch" in raw:
                _, file, line = _located(raw, "patch")
                changes.append(Change("patch", "", raw["patch"], file, line))
            overrides = raw.get("overrides", {})
            for path, value in overrides.items():
                file, line = where(overrides, path)
                changes.append(Change("set", str(path), value, file, line))
            options.append(
                Option(lever.id, option.id, option.cost_cny, option.description, tuple(changes))
            )
        return options
    grid = lever.grid
    assert grid is not None
    raw_values, _, _ = _located(document, "levers", index, "grid", "values")
    for number, (value, cost) in enumerate(zip(grid.values, grid.cost_cny, strict=True)):
        file, line = where(raw_values, number)
        label = _label(value)
        options.append(
            Option(
                lever.id,
                label,
                cost,
                f"{grid.path} = {label}",
                (Change("set", grid.path, raw_values[number], file, line),),
            )
        )
    return options


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expand_variants(sweep: Sweep, document: Any) -> list[Variant]:
    """Variants in a fixed order; the first is every lever's first option.

    ``combine: product`` gives every combination; ``one_at_a_time`` the first one plus each
    other option of each lever alone.
    """
    per_lever = [lever_options(lever, document, i) for i, lever in enumerate(sweep.levers)]
    if sweep.combine == "product":
        combos = [tuple(c) for c in itertools.product(*per_lever)]
    else:
        first = tuple(options[0] for options in per_lever)
        combos = [first]
        for position, options in enumerate(per_lever):
            for option in options[1:]:
                combos.append((*first[:position], option, *first[position + 1 :]))
    single = len(sweep.levers) == 1
    return [
        Variant(
            _single_id(sweep.levers[0], combo[0])
            if single
            else ",".join(f"{o.lever}={o.id}" for o in combo),
            combo,
        )
        for combo in combos
    ]


def _single_id(lever: Lever, option: Option) -> str:
    """The id of a variant of a sweep with one lever: the option's id, or for a grid what it
    changes (``HM_CONT.count=6``, not the bare value ``6``)."""
    if lever.grid is None:
        return option.id
    steps = split_path(lever.grid.path)
    return f"{'.'.join(steps[-2:])}={option.id}"


def _unit_samples(uncertainties: Uncertainties, seed: int) -> np.ndarray:
    count = uncertainties.samples or 1
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_LHS_KEY,)))
    sampler = qmc.LatinHypercube(d=len(uncertainties.parameters), rng=rng)
    return np.asarray(sampler.random(count))


def _from_unit(parameter: Parameter, u: float) -> tuple[Any, float]:
    """The value at quantile ``u`` and its label (the number, or the index into values)."""
    if parameter.range is not None:
        low, high = parameter.range
        value = float(low + u * (high - low))
        return value, value
    assert parameter.values is not None
    index = min(math.floor(u * len(parameter.values)), len(parameter.values) - 1)
    return parameter.values[index], _value_label(parameter, index)


def _value_label(parameter: Parameter, index: int) -> float:
    assert parameter.values is not None
    value = parameter.values[index]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float(index)


def expand_futures(sweep: Sweep, document: Any) -> list[Future]:
    """The uncertainty samples; a sweep without uncertainties has one future with no changes.

    ``latin_hypercube``: ``samples`` points of a Latin hypercube (ranges map linearly, lists
    are split into equal strata); ``grid``: every combination of ``levels`` points per range
    and of every listed value; ``list``: the i-th value of every parameter forms future i.
    """
    uncertainties = sweep.uncertainties
    if uncertainties is None:
        return [Future(0, (), ())]
    parameters = uncertainties.parameters
    raw_parameters, _, _ = _located(document, "uncertainties", "parameters")
    rows: list[list[tuple[Any, float]]] = []
    if uncertainties.method == "latin_hypercube":
        for point in _unit_samples(uncertainties, sweep.seed):
            rows.append([_from_unit(p, float(u)) for p, u in zip(parameters, point, strict=True)])
    elif uncertainties.method == "grid":
        axes = []
        for number, parameter in enumerate(parameters):
            if parameter.range is not None:
                points = np.linspace(*parameter.range, parameter.levels)
                axes.append([(float(x), float(x)) for x in points])
            else:
                raw = raw_parameters[number]["values"]
                axes.append([(raw[i], _value_label(parameter, i)) for i in range(len(raw))])
        rows = [list(combo) for combo in itertools.product(*axes)]
    else:
        count = len(parameters[0].values or ())
        rows = [
            [(raw_parameters[n]["values"][i], _value_label(p, i)) for n, p in enumerate(parameters)]
            for i in range(count)
        ]
    return [
        Future(
            index,
            tuple((p.id, value) for p, (value, _) in zip(parameters, row, strict=True)),
            tuple((p.id, label) for p, (_, label) in zip(parameters, row, strict=True)),
        )
        for index, row in enumerate(rows)
    ]


def value_at(document: Any, path: str) -> Any:
    """The value at a dotted path (list items by ``id`` or position), or raise KeyError."""
    node = document
    for step in split_path(path):
        if isinstance(node, dict):
            if step not in node:
                raise KeyError(step)
            node = node[step]
        elif isinstance(node, list):
            found = [i for i in node if isinstance(i, dict) and str(i.get("id")) == step]
            if found:
                node = found[0]
            elif step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            else:
                raise KeyError(step)
        else:
            raise KeyError(step)
    return node


def apply_changes(document: Any, changes: list[Change]) -> Any:
    """Return ``document`` with ``changes`` applied in order.

    Raises
    ------
    ScenarioError
        A path that leads nowhere, or a ``scale`` of something that is not a number; located
        at the sweep file line that asks for it.
    """
    for change in changes:
        if change.kind == "patch":
            document = merge(document, change.value)
        elif change.kind == "set":
            document = apply_override(
                document, change.path, change.value, file=change.file, line=change.line
            )
        else:
            try:
                current = value_at(document, change.path)
            except KeyError:
                raise ScenarioError(
                    ScenarioIssue(
                        change.file,
                        change.line,
                        change.path,
                        "nothing to scale at this path in the scenario (set it in the base "
                        "scenario or use scale: false)",
                    )
                ) from None
            if not isinstance(current, int | float) or isinstance(current, bool):
                raise ScenarioError(
                    ScenarioIssue(
                        change.file,
                        change.line,
                        change.path,
                        f"can only scale a number (the scenario has {current!r})",
                    )
                )
            document = apply_override(
                document,
                change.path,
                float(current) * float(change.value),
                file=change.file,
                line=change.line,
            )
    return document
