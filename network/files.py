"""Plain file helpers: write a file atomically. Standard library only, so that every module that
writes a file (run folders, reports, sweep stores, charts) can use them without the GIS and
plotting imports of :mod:`network.export`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` only on success.

    A failure (or a kill) part way leaves any existing ``target`` untouched.

    Parameters
    ----------
    target : str or Path
        The file to write; its folder is created when missing.

    Yields
    ------
    Path
        A path that does not exist yet, in the folder of ``target`` (so the final move is a
        rename within one file system).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
