"""Record columns the event loop appends to, turned into numpy arrays after the run.

Appending to a Python list is the cheapest write from compiled code, but converting a long list
at the end of a run is slow: its number objects lie scattered over the heap. Appending to an
``array.array`` parses each value as an argument. A column therefore collects values in a short
list and moves them into a numpy block every :data:`BLOCK` rows, while they are still in cache.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

__all__ = ["BLOCK", "Column"]

#: rows per numpy block
BLOCK: Final = 4096


class Column:
    """A column of numbers of one numpy ``dtype`` (``float`` or ``np.int64``)."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype
        self.rows: list[Any] = []
        self.blocks: list[np.ndarray] = []

    def append(self, value: Any) -> None:
        rows = self.rows
        rows.append(value)
        if len(rows) >= BLOCK:
            self.blocks.append(np.array(rows, dtype=self.dtype))
            rows.clear()

    def __len__(self) -> int:
        return BLOCK * len(self.blocks) + len(self.rows)

    def array(self) -> np.ndarray:
        """All values appended, in order."""
        return np.concatenate([*self.blocks, np.array(self.rows, dtype=self.dtype)])
