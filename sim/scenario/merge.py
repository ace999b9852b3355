"""``extends`` and ``overrides``: a scenario variant is a short diff of a base scenario.

Merging rules (child onto parent):

- mappings merge key by key, recursively;
- lists whose items are all mappings with an ``id`` merge item by item: an item with a known id
  merges into that item, a new id is appended, ``{id: X, remove: true}`` deletes item X;
- a mapping value of exactly ``{remove: true}`` deletes that key (e.g. a link upgrade);
- any other value (scalars, plain lists) replaces the parent's value.

``overrides`` is a mapping of dotted paths to values applied after the merge, e.g.
``terminals.HA_HUANGMA.berths.HM_BULK.count: 6``; a path step into a list picks the item by its
``id`` (or by position when the step is a number). Sweep levers use the same paths.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.yamlfile import LocatedDict, LocatedList, load_yaml, where

__all__ = ["apply_override", "merge", "resolve_extends", "split_path"]


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def _refuse_repeated_ids(items: list[Any]) -> None:
    """An id listed twice in one file's list is an error, not an edit of the first item (the
    merge would fold the second into the first and one item would be lost unnoticed)."""
    first: dict[Any, int] = {}
    for index, item in enumerate(items):
        key = item["id"]
        if key in first:
            file, line = where(items, index)
            _, earlier = where(items, first[key])
            raise ScenarioError(
                ScenarioIssue(
                    file,
                    line,
                    "",
                    f"id {key!r} appears twice in this list (also at line {earlier}); "
                    "give each item its own id",
                )
            )
        first[key] = index


def merge(parent: Any, child: Any) -> Any:
    """Return ``parent`` with ``child`` merged onto it (neither argument is modified)."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = LocatedDict(parent)
        # the newest edit names the mapping: a field it lacks is reported where it was edited
        source = child if getattr(child, "file", "") else parent
        out.file, out.line = getattr(source, "file", ""), getattr(source, "line", None)
        out.lines = dict(getattr(parent, "lines", {}))
        for key, value in child.items():
            if isinstance(value, dict) and dict(value) == {"remove": True}:
                if key not in out:
                    file, line = where(child, key)
                    raise ScenarioError(
                        ScenarioIssue(
                            file, line, "", f"cannot remove {key!r}: the base has no such entry"
                        )
                    )
                del out[key]
                out.lines.pop(key, None)
                continue
            out[key] = merge(parent[key], value) if key in parent else copy.deepcopy(value)
            child_lines = getattr(child, "lines", {})
            if key in child_lines:
                out.lines[key] = child_lines[key]
        return out
    if _is_id_list(child):
        _refuse_repeated_ids(child)
    if _is_id_list(parent) and _is_id_list(child) and child:
        out_list = LocatedList(parent)
        out_list.file, out_list.line = getattr(parent, "file", ""), getattr(parent, "line", None)
        out_list.lines = dict(getattr(parent, "lines", {}))
        for index, item in enumerate(child):
            ids = [existing["id"] for existing in out_list]
            position = ids.index(item["id"]) if item["id"] in ids else None
            if item.get("remove") is True:
                if position is None:
                    file, line = where(child, index)
                    raise ScenarioError(
                        ScenarioIssue(
                            file,
                            line,
                            "",
                            f"cannot remove id {item['id']!r}: no such item "
                            f"(ids: {', '.join(map(str, ids)) or 'none'})",
                        )
                    )
                del out_list[position]
                out_list.lines = {
                    (i if i < position else i - 1): v
                    for i, v in out_list.lines.items()
                    if i != position
                }
                continue
            if position is None:
                out_list.append(copy.deepcopy(item))
                position = len(out_list) - 1
            else:
                out_list[position] = merge(out_list[position], item)
            if index in getattr(child, "lines", {}):
                out_list.lines[position] = child.lines[index]
        return out_list
    return copy.deepcopy(child)


def split_path(path: str) -> list[str]:
    """``"a.b.C_1.d"`` -> ``["a", "b", "C_1", "d"]`` (empty steps are refused)."""
    steps = path.split(".")
    if not path or any(not step for step in steps):
        raise ValueError(f"bad path {path!r}: steps are separated by single dots")
    return steps


def apply_override(
    document: Any, path: str, value: Any, *, file: str = "", line: int | None = None
) -> Any:
    """Return ``document`` with ``value`` set (merged, for mappings) at dotted ``path``.

    Raises
    ------
    ScenarioError
        The path does not lead anywhere: a list item with no such id, or a step into a value
        that is neither a mapping nor a list.
    """

    def fail(message: str) -> ScenarioError:
        return ScenarioError(ScenarioIssue(file, line, f"overrides.{path}", message))

    try:
        steps = split_path(path)
    except ValueError as error:
        raise fail(str(error)) from None
    root = copy.deepcopy(document)
    container = root
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        if isinstance(container, dict):
            if last:
                container[step] = merge(container[step], value) if step in container else value
                if hasattr(container, "lines") and line is not None:
                    container.lines[step] = (file, line)
                return root
            if step not in container:
                container[step] = LocatedDict()
            container = container[step]
        elif isinstance(container, list):
            index = _list_index(container, step)
            if index is None:
                if last and isinstance(value, Mapping):
                    item = LocatedDict(value)
                    item.setdefault("id", step)
                    container.append(item)
                    return root
                ids = [str(i.get("id")) for i in container if isinstance(i, dict)]
                raise fail(
                    f"no item {step!r} in {'.'.join(steps[:depth]) or 'the document'} "
                    f"(ids: {', '.join(ids) or 'none'})"
                )
            if last:
                container[index] = merge(container[index], value)
                return root
            container = container[index]
        else:
            raise fail(f"{'.'.join(steps[:depth])} is a single value; it has no field {step!r}")
    return root


def _list_index(items: list[Any], step: str) -> int | None:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == step:
            return index
    if step.isdigit() and int(step) < len(items):
        return int(step)
    return None


def resolve_extends(path: Path, *, _chain: tuple[Path, ...] = ()) -> Any:
    """Read ``path`` and everything it ``extends``, merged, with ``overrides`` applied.

    The result no longer holds ``extends`` or ``overrides``. ``extends`` is a path relative to
    the file that names it.

    Raises
    ------
    ScenarioError
        Unreadable files, a cycle of ``extends``, or an override path that leads nowhere.
    """
    resolved = path.resolve()
    name = str(path)
    if resolved in _chain:
        cycle = " -> ".join(str(p.name) for p in (*_chain, resolved))
        raise ScenarioError(ScenarioIssue(name, None, "extends", f"extends cycle: {cycle}"))
    document = load_yaml(path, display=name)
    if document is None:
        raise ScenarioError(ScenarioIssue(name, None, "", "file is empty"))
    if not isinstance(document, dict):
        raise ScenarioError(
            ScenarioIssue(
                name,
                getattr(document, "line", 1),
                "",
                f"must be a mapping of fields (got {type(document).__name__})",
            )
        )
    base: Any = None
    if "extends" in document:
        target = document["extends"]
        file, line = where(document, "extends")
        if not isinstance(target, str) or not target.strip():
            raise ScenarioError(
                ScenarioIssue(file, line, "extends", "must be the path of another scenario file")
            )
        parent_path = path.parent / target
        if not parent_path.is_file():
            raise ScenarioError(
                ScenarioIssue(
                    file, line, "extends", f"file {target!r} not found next to {path.name}"
                )
            )
        base = resolve_extends(parent_path, _chain=(*_chain, resolved))
    overrides = document.get("overrides", {})
    body = LocatedDict({k: v for k, v in document.items() if k not in ("extends", "overrides")})
    body.file, body.line = getattr(document, "file", name), getattr(document, "line", None)
    body.lines = {k: v for k, v in getattr(document, "lines", {}).items() if k in body}
    merged = merge(base, body) if base is not None else body
    if not isinstance(overrides, dict):
        file, line = where(document, "overrides")
        raise ScenarioError(
            ScenarioIssue(file, line, "overrides", "must be a mapping of dotted paths to values")
        )
    for key, value in overrides.items():
        file, line = where(overrides, key)
        merged = apply_override(merged, str(key), value, file=file, line=line)
    return merged
