"""Load a scenario file: safe YAML, ``extends``/``overrides``, validation, clear messages.

Every problem becomes a :class:`~sim.scenario.errors.ScenarioIssue` that names the file and line
that set the value, the field path and what is expected, e.g.::

    plan.yaml:14 terminals.HA_HUANGMA.berths[0].count: must be >= 1 (got 0)
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import ScenarioError, ScenarioIssue, format_path
from sim.scenario.merge import resolve_extends
from sim.scenario.models import Scenario, Stream, ThroughTraffic
from sim.scenario.yamlfile import where

__all__ = [
    "cross_checks",
    "issues_from_validation",
    "load_scenario",
    "locate_issue",
    "validate_document",
]

_TAG_FIELDS = ("process", "distribution")


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge and validate a scenario file (no network references are checked here).

    ``network.data`` is made absolute (relative paths are relative to the scenario file).

    Raises
    ------
    ScenarioError
        Listing every problem with file, line, field path and expectation.

    Examples
    --------
    >>> scenario = load_scenario("scenarios/minimal_single_berth.yaml")
    >>> scenario.network is None
    True
    """
    path = Path(path)
    document = resolve_extends(path)
    scenario = validate_document(document, Scenario)
    issues = [locate_issue(document, loc, message) for loc, message in cross_checks(scenario)]
    if issues:
        raise ScenarioError(issues)
    if scenario.network is not None and scenario.network.data is not None:
        folder = Path(scenario.network.data)
        if not folder.is_absolute():
            file, _ = where(document.get("network", {}), "data")
            folder = Path(file or path).parent / folder
        network = scenario.network.model_copy(update={"data": str(folder)})
        scenario = scenario.model_copy(update={"network": network})
    return scenario


def validate_document(document: Any, model: type[BaseModel]) -> Any:
    """Validate a merged document against ``model``; raise ScenarioError with located issues."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise ScenarioError(issues_from_validation(document, error, model)) from None


def cross_checks(scenario: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """References inside one scenario (no network data needed): ``(field path, message)``."""
    terminals = scenario.terminals
    for index, stream in enumerate(scenario.demand.streams):
        at = ("demand", "streams", index)
        terminal = terminals.get(stream.terminal)
        if terminal is None:
            yield (
                (*at, "terminal"),
                _unknown("terminal", stream.terminal, terminals, "defined under terminals"),
            )
        elif stream.commodity not in terminal.commodities():
            yield (
                (*at, "commodity"),
                (
                    f"no berth group of {stream.terminal} handles {stream.commodity} "
                    f"(it handles {', '.join(sorted(terminal.commodities()))})"
                ),
            )
        if scenario.network is None:
            for field in ("origin", "destination"):
                if getattr(stream, field):
                    yield (*at, field), "needs a network (network is null)"
        else:
            for field in ("origin", "destination"):
                if not getattr(stream, field):
                    yield (*at, field), "is required when the scenario has a network"
    profiles = scenario.demand.seasonality_profiles
    flows: list[tuple[str, Stream | ThroughTraffic]] = [
        ("streams", s) for s in scenario.demand.streams
    ]
    flows += [("through_traffic", t) for t in scenario.demand.through_traffic]
    counters: dict[str, int] = {}
    for group, flow in flows:
        index = counters.get(group, 0)
        counters[group] = index + 1
        if isinstance(flow.seasonality, str) and flow.seasonality not in profiles:
            yield (
                ("demand", group, index, "seasonality"),
                _unknown(
                    "seasonality profile",
                    flow.seasonality,
                    profiles,
                    "defined under demand.seasonality_profiles",
                ),
            )
    if scenario.network is None:
        for field in ("locks", "links", "airports"):
            if getattr(scenario, field):
                yield (field,), "needs a network (network is null)"
        if scenario.demand.through_traffic:
            yield ("demand", "through_traffic"), "needs a network (network is null)"
        known = {v.id: v for v in scenario.fleets.vessels}
        for index, stream in enumerate(scenario.demand.streams):
            for vessel in stream.vessel_mix:
                spec = known.get(vessel)
                if spec is None:
                    yield (
                        ("demand", "streams", index, "vessel_mix", vessel),
                        _unknown(
                            "vessel class",
                            vessel,
                            known,
                            "defined under fleets.vessels (there is no network data)",
                        ),
                    )
                elif spec.dwt_t is None:
                    yield (
                        ("fleets", "vessels", list(known).index(vessel), "dwt_t"),
                        ("is required without network data"),
                    )
    for index, name in enumerate(scenario.target.terminals):
        if name not in terminals:
            yield (
                ("target", "terminals", index),
                _unknown("terminal", name, terminals, "defined under terminals"),
            )
    for source, alternatives in scenario.operations.diversion.alternatives.items():
        for name in (source, *alternatives):
            if name not in terminals:
                yield (
                    ("operations", "diversion", "alternatives", source),
                    _unknown("terminal", name, terminals, "defined under terminals"),
                )
    for index, stream in enumerate(scenario.demand.streams):
        if stream.from_year is not None and stream.from_year < scenario.demand.base_year:
            yield (
                ("demand", "streams", index, "from_year"),
                (
                    f"must not be before demand.base_year {scenario.demand.base_year} "
                    f"(got {stream.from_year})"
                ),
            )
    if scenario.first_year < scenario.demand.base_year:
        yield (
            ("run", "start_year"),
            (
                f"must not be before demand.base_year {scenario.demand.base_year} "
                f"(got {scenario.first_year})"
            ),
        )
    if scenario.run.horizon_days is None and scenario.last_year < scenario.first_year:
        yield (
            ("run", "end_year"),
            (
                f"must not be before the first simulated year {scenario.first_year} "
                f"(got {scenario.last_year})"
            ),
        )


def _unknown(what: str, name: str, known: Any, hint: str) -> str:
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    suggestion = f"; did you mean {close[0]}?" if close else ""
    return f"unknown {what} {name!r} ({hint}){suggestion}"


# ------------------------------------------------------------------ validation error messages


def _locate(document: Any, loc: tuple[Any, ...]) -> tuple[tuple[str | int, ...], Any, Any]:
    """Follow ``loc`` into the document, dropping union tags; return (path, container, key)."""
    path: list[str | int] = []
    container: Any = None
    key: Any = None
    node = document
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(node, dict):
            if part in node:
                container, key = node, part
                node = node[part]
                path.append(part)
                continue
            if any(node.get(tag) == part for tag in _TAG_FIELDS):
                continue  # a discriminated-union tag, not a field
            container, key = node, part
            node = None
            path.append(part)
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            container, key = node, part
            node = node[part]
            path.append(part)
            continue
        if isinstance(part, str) and node is not None:
            continue  # the label of a union member (e.g. "constrained-str"), not a field
        path.append(part)
        node = None
    return tuple(path), container, key


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list | tuple):
        text = f"a list of {len(value)}" if value else "an empty list"
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: Any, allowed_fields: list[str]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    shown = f" (got {_short(got)})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": (">=", "ge"),
            "greater_than": (">", "gt"),
            "less_than_equal": ("<=", "le"),
            "less_than": ("<", "lt"),
        }[kind]
        bound = ctx.get(sign[1])
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"must be {sign[0]} {bound}{shown}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        field = str(error["loc"][-1]) if error["loc"] else ""
        close = difflib.get_close_matches(field, allowed_fields, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        listing = f" (allowed: {', '.join(allowed_fields)})" if not close and allowed_fields else ""
        return f"unknown field{hint}{listing}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{shown}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number{shown}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number{shown}"
    if kind == "finite_number":
        return f"must be a finite number{shown}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false{shown}"
    if kind in ("string_type",):
        return f"must be text{shown}"
    if kind == "string_pattern_mismatch" and ":" in str(ctx.get("pattern", "")):
        return f"must name a function as 'package.module:function'{shown}"
    if kind == "string_pattern_mismatch" and "a-z" in str(ctx.get("pattern", "")):
        return f"must be a lower-case name of letters, digits and _{shown}"
    if kind == "string_pattern_mismatch":
        return f"must be an id of upper-case letters, digits and _ (e.g. HA_HUANGMA){shown}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s){shown}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind.startswith("date"):
        return f"must be a date like 2026-06-30 or a year like 2026{shown}"
    if kind.startswith("datetime"):
        return f"must be a date-time like 2019-07-01 06:00{shown}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of fields{shown}"
    if kind in ("tuple_type", "list_type", "iterable_type"):
        return f"must be a list{shown}"
    if kind == "union_tag_invalid":
        return (
            f"{str(ctx.get('discriminator')).strip(chr(39))} must be one of "
            f"{ctx.get('expected_tags')} "
            f"(got {_short(ctx.get('tag'))})"
        )
    if kind == "union_tag_not_found":
        return f"needs a {str(ctx.get('discriminator')).strip(chr(39))} field"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes, tuples and dicts an annotation may hold."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _step(annotation: Any, part: Any) -> list[Any]:
    out: list[Any] = []
    for candidate in _unwrap(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            fields = candidate.model_fields
            if part in fields:
                out.append(fields[part].annotation)
            elif any(
                tag in fields and part in typing.get_args(fields[tag].annotation)
                for tag in _TAG_FIELDS
            ):
                out.append(candidate)  # consumed a union tag
        elif origin in (tuple, list) and isinstance(part, int):
            out.append(typing.get_args(candidate)[0])
        elif origin is dict:
            out.append(typing.get_args(candidate)[1])
    return out


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: list[Any] = [model]
    for part in loc[:-1]:
        current = [t for annotation in current for t in _step(annotation, part)]
    names: set[str] = set()
    for annotation in current:
        for candidate in _unwrap(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names.update(candidate.model_fields)
    return sorted(names)


def locate_issue(document: Any, loc: tuple[Any, ...], message: str) -> ScenarioIssue:
    """An issue at field path ``loc`` of a merged document, with the file and line that set it."""
    path, container, key = _locate(document, loc)
    file, line = (
        where(container, key)
        if container is not None
        else (getattr(document, "file", ""), getattr(document, "line", None))
    )
    return ScenarioIssue(file, line, format_path(path), message)


def issues_from_validation(
    document: Any, error: ValidationError, model: type[BaseModel]
) -> list[ScenarioIssue]:
    """Turn pydantic errors into located, readable issues (one per error, duplicates merged)."""
    issues: list[ScenarioIssue] = []
    mismatches: set[int] = set()
    errors = error.errors()
    for item in errors:
        loc = tuple(item["loc"])
        if item["type"] == "too_short" and any(
            len(other["loc"]) > len(loc) and tuple(other["loc"][: len(loc)]) == loc
            for other in errors
        ):
            continue  # pydantic counts only the valid items; the bad item is reported already
        try:
            allowed = _allowed_fields(model, loc) if item["type"] == "extra_forbidden" else []
            message = _message(item, allowed)
        except Exception:  # a message we cannot word better is still worth showing
            message = str(item.get("msg", "invalid value"))
        issue = locate_issue(document, loc, message)
        if issue not in issues:
            if item["type"] in _TYPE_MISMATCHES:
                mismatches.add(len(issues))
            issues.append(issue)
    # A value checked against a union fails every member; keep the member errors that say
    # more than "wrong type" when there are any for the same field.
    paths_with_detail = {i.path for n, i in enumerate(issues) if n not in mismatches}
    return [
        i for n, i in enumerate(issues) if n not in mismatches or i.path not in paths_with_detail
    ]


_TYPE_MISMATCHES = {
    "string_type",
    "int_type",
    "float_type",
    "bool_type",
    "list_type",
    "tuple_type",
    "dict_type",
    "model_type",
    "date_type",
    "datetime_type",
    "none_required",
}
