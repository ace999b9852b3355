"""Plain file helpers: write a file atomically. Standard library only, so that every module that
writes a file (run folders, reports, sweep stores, charts) can use them without the GIS and
plotting imports of :mod:`network.export`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_folder", "atomic_path"]


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


@contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; it replaces ``target`` as a whole
    only on success.

    A failure (or a kill) part way leaves any existing ``target`` exactly as it was and
    removes the temporary folder (a kill leaves it as a hidden ``.NAME-*.partial`` beside the
    target). On success the previous ``target`` is moved aside, the new one renamed into
    place and the previous one deleted; the two renames are the only moment the target is
    missing.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(
        tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".partial", dir=target.parent)
    )
    try:
        yield temporary
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    previous = None
    if target.exists():
        previous = Path(
            tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".previous", dir=target.parent)
        )
        previous.rmdir()
        os.replace(target, previous)
    os.replace(temporary, target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
