"""Errors raised for bad input data: each names the file, the row and the column."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One breach of the data contract.

    Attributes
    ----------
    file : str
        The file the problem is in (as given by the user, or the bundled path).
    message : str
        What is wrong and what is expected.
    row : str
        Where in the file, e.g. ``"line 7"`` or ``"feature 3 (link_id=GC_01)"``; empty when the
        problem concerns the whole file.
    column : str
        The column or property; empty when the problem concerns a whole row or file.
    """

    file: str
    message: str
    row: str = ""
    column: str = ""

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.row, f"column {self.column}" if self.column else "") if part
        )
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class DataError(ValueError):
    """Input data breaks its contract.

    The message lists every problem found, one per line, so a user can fix them all at once.
    """

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else problems
        if not self.problems:
            raise ValueError("DataError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))
