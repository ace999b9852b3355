"""Scenario errors: every issue names the file, the line, the field path and the expectation."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ScenarioError", "ScenarioIssue", "format_path"]


def format_path(path: tuple[str | int, ...]) -> str:
    """Dotted path with list items as ``[i]``: ``terminals.HA_HUANGMA.berths[0].count``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class ScenarioIssue:
    """One thing wrong with a scenario or sweep file.

    Attributes
    ----------
    file : str
        The file holding the offending value (for ``extends`` chains, the file that set it).
    line : int or None
        1-based line of the value, or of the nearest enclosing mapping; None if unknown.
    path : str
        Dotted field path, list items as ``[i]``; empty for the whole document.
    message : str
        What is expected, e.g. ``must be >= 1 (got 0)``.
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario (or sweep) file is malformed; ``issues`` lists every problem found."""

    def __init__(self, issues: list[ScenarioIssue] | ScenarioIssue) -> None:
        self.issues = [issues] if isinstance(issues, ScenarioIssue) else list(issues)
        if not self.issues:
            raise ValueError("ScenarioError needs at least one issue")
        super().__init__("\n".join(str(issue) for issue in self.issues))
