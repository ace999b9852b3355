"""Safe YAML reading that remembers where every value came from.

Mappings and lists are read into :class:`Located` containers (``LocatedDict``/``LocatedList``)
that carry, for each key or index, the file and line of its value, so that errors found later
(after ``extends`` merging and validation) still point at the right line of the right file.

Only plain YAML is accepted: strings, numbers, booleans, null, dates, lists and mappings. Tags
that construct objects, duplicate keys, non-text files, oversized files and alias bombs are
rejected with a :class:`~sim.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError, ScenarioIssue

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "LocatedDict",
    "LocatedList",
    "load_yaml",
    "where",
]

#: Scenario files larger than this are refused (they are hand-written text, a few kB).
MAX_FILE_BYTES = 2_000_000
#: Values in one document after expanding aliases; more is refused as an alias bomb.
MAX_NODES = 200_000
#: Lists and mappings nested deeper than this are refused (a scenario needs about 6).
MAX_DEPTH = 50

_PLAIN = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_SCALARS = (str, int, float, bool, dt.date, dt.datetime, type(None))


class LocatedDict(dict[Any, Any]):
    """A dict that knows the file and line of itself and of each of its values."""

    file: str = ""
    line: int | None = None
    lines: dict[Any, tuple[str, int]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {}


class LocatedList(list[Any]):
    """A list that knows the file and line of itself and of each of its items."""

    file: str = ""
    line: int | None = None
    lines: dict[int, tuple[str, int]]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines = {}


def where(container: Any, key: Any) -> tuple[str, int | None]:
    """File and line of ``container[key]``, else of the container itself."""
    lines = getattr(container, "lines", {})
    if key in lines:
        return lines[key]
    return getattr(container, "file", ""), getattr(container, "line", None)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.scalars = yaml.SafeLoader("")

    def issue(self, node: yaml.Node | None, message: str, field: str = "") -> ScenarioError:
        line = node.start_mark.line + 1 if node is not None else None
        return ScenarioError(ScenarioIssue(self.file, line, field, message))

    def build(self, node: yaml.Node, depth: int = 0, path: str = "") -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.issue(
                node,
                f"document expands to more than {MAX_NODES:,} values "
                "(an alias bomb?); write the values out instead",
            )
        if depth > MAX_DEPTH:
            raise self.issue(node, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN:
            raise self.issue(node, f"tag {node.tag} is not allowed in hubsim files")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth, path)
        if isinstance(node, yaml.SequenceNode):
            out = LocatedList()
            out.file, out.line = self.file, node.start_mark.line + 1
            for index, item in enumerate(node.value):
                out.append(self.build(item, depth + 1, f"{path}[{index}]"))
                out.lines[index] = (self.file, item.start_mark.line + 1)
            return out
        try:
            value = self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise self.issue(node, f"value not allowed ({_problem(error)})") from None
        except (ValueError, OverflowError) as error:  # a date YAML reads but no calendar has
            raise self.issue(
                node,
                f"{node.value!r} is not a date ({error}); write a real day as YYYY-MM-DD",
                path,
            ) from None
        if not isinstance(value, _SCALARS):
            raise self.issue(node, f"tag {node.tag} is not allowed in hubsim files")
        return value

    def mapping(self, node: yaml.MappingNode, depth: int, path: str) -> LocatedDict:
        out = LocatedDict()
        out.file, out.line = self.file, node.start_mark.line + 1
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.issue(key_node, "merge keys (<<) are not supported; use extends")
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise self.issue(key_node, f"keys must be text (got {key!r})")
            if key in out:
                raise self.issue(key_node, f"key {key!r} appears twice in this mapping")
            out[key] = self.build(value_node, depth + 1, f"{path}.{key}" if path else str(key))
            out.lines[key] = (self.file, value_node.start_mark.line + 1)
        return out


def _check_depth(name: str, text: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_DEPTH`, reading its events one by one
    (the parser does not recurse, so a 100,000-deep list is refused at its 51st level)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the document's own top-level container is depth 0
                line = event.start_mark.line + 1 if event.start_mark is not None else None
                raise ScenarioError(
                    ScenarioIssue(name, line, "", f"nested more than {MAX_DEPTH} levels deep")
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return str(problem).strip()


def load_yaml(path: str | Path, *, display: str | None = None) -> Any:
    """Read one YAML document safely, with file and line attached to every container.

    Parameters
    ----------
    path : str or Path
        The file.
    display : str, optional
        How to name the file in messages (default: the path as given).

    Returns
    -------
    object
        ``LocatedDict``/``LocatedList`` containers and plain scalars; ``None`` for an empty file.

    Raises
    ------
    ScenarioError
        Unreadable, binary, oversized or malformed files, disallowed tags, duplicate keys, alias
        bombs.
    """
    path = Path(path)
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                ScenarioIssue(
                    name, None, "", f"file is {size:,} bytes; at most {MAX_FILE_BYTES:,} allowed"
                )
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(ScenarioIssue(name, None, "", "file not found")) from None
    except IsADirectoryError:
        raise ScenarioError(ScenarioIssue(name, None, "", "is a folder, not a file")) from None
    except OSError as error:
        raise ScenarioError(
            ScenarioIssue(name, None, "", f"cannot be read ({error.strerror})")
        ) from None
    if b"\x00" in raw:
        raise ScenarioError(ScenarioIssue(name, None, "", "is not a text file (binary data)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            ScenarioIssue(name, None, "", f"is not UTF-8 text (byte {error.start})")
        ) from None
    loader: yaml.SafeLoader | None = None
    try:
        _check_depth(name, text)  # before composing: PyYAML's composer recurses per level
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(
            ScenarioIssue(name, line, "", f"is not valid YAML: {_problem(error)}")
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError(
            ScenarioIssue(name, None, "", f"is not valid YAML: {_problem(error)}")
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None
    return _Builder(name).build(node)
