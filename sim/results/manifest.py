"""The manifest of a run folder: one run id and the size and SHA-256 of every file it wrote.

``hubsim run --out`` writes a folder as a whole (:func:`network.files.atomic_folder`) and its
``run_manifest.json`` last; a reader (``hubsim report``, ``hubsim view``, :class:`RunData`) checks
the folder against it first, so that a folder whose files come from two runs, or one with a
file missing, replaced or truncated, is refused with the files named instead of being read as
one run. What other commands add later (``report/``, ``viewer.html``) is not part of the run
and is not checked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "RUN_PARTS", "RunFolderError", "verify_folder", "write_manifest"]

MANIFEST = "run_manifest.json"
#: What belongs to the run: its folders and files (others are added by later commands).
RUN_PARTS = ("kpi", "events", "per_replication", "charts", "model.json", "summary.json")


class RunFolderError(ValueError):
    """A folder that is not a readable run output folder (names the file and what is wrong)."""


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _run_files(folder: Path) -> list[Path]:
    files = []
    for part in RUN_PARTS:
        path = folder / part
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file())
    return files


def write_manifest(folder: Path) -> str:
    """Write ``folder/manifest.json`` for the run files in it; returns the new run id."""
    run_id = uuid.uuid4().hex
    document: dict[str, Any] = {
        "run_id": run_id,
        "files": {
            p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _digest(p)}
            for p in _run_files(folder)
        },
    }
    (folder / MANIFEST).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return run_id


def verify_folder(folder: str | Path) -> str:
    """Check a run folder against its manifest; returns its run id.

    Raises
    ------
    RunFolderError
        No manifest (not written by ``hubsim run --out``, or by an older hubsim), or files
        missing, changed since the run or not of the run (each named).
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise RunFolderError(f"{folder}: no such folder")
    if not path.is_file():
        raise RunFolderError(
            f"{path}: missing: not a folder written by `hubsim run --out` (or written by an "
            "older hubsim); run the scenario again with --out"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        listed: dict[str, dict[str, Any]] = document["files"]
        run_id = str(document["run_id"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunFolderError(f"{path}: not a run manifest ({error})") from None
    problems = []
    for name, expected in listed.items():
        file = folder / name
        if not file.is_file():
            problems.append(f"{file}: missing")
        elif file.stat().st_size != expected.get("bytes") or _digest(file) != expected.get(
            "sha256"
        ):
            problems.append(f"{file}: not the file this run wrote (changed or from another run)")
    for file in _run_files(folder):
        if file.relative_to(folder).as_posix() not in listed:
            problems.append(f"{file}: not part of this run (from another run?)")
    if problems:
        raise RunFolderError(
            f"{folder}: its files do not agree with {MANIFEST} (run {run_id}):\n  "
            + "\n  ".join(problems)
            + "\nrun the scenario again with --out"
        )
    return run_id
