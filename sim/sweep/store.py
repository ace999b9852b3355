"""The results store: a folder of Parquet files, one per finished chunk, and a manifest.

Layout of ``OUT/``::

    manifest.json        the sweep (name, file, fingerprint, variants, futures, its settings
                         and base scenario for the report)
    runs/part-*.parquet  one file per finished chunk, rows keyed by (variant, sample,
                         replication, seed); see sim.sweep.tasks.SCHEMA
    variants.csv, futures.csv

Every file is written to a hidden temporary name beside its target and renamed into place
(``os.replace``) after an fsync, so an interrupted sweep (Ctrl-C, ``kill -9``, a power cut
after the rename) never leaves a half-written part: a chunk is stored whole or not at all.
Leftover temporary files of a killed sweep are removed when the store is opened again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from network.files import atomic_path
from sim.sweep.tasks import KEY_COLUMNS, META_COLUMNS, SCHEMA

__all__ = ["Store", "StoreError", "comparable", "read_store"]

_RUNS = "runs"
_MANIFEST = "manifest.json"


class StoreError(ValueError):
    """The output folder cannot take this sweep (another sweep's store, or no --resume)."""


def _write_synced(path: Path, write: Any) -> None:
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, schema=SCHEMA, columns=columns)
    except (OSError, pa.ArrowException) as error:
        raise StoreError(
            f"{path}: not a readable run file of a sweep ({error}); delete it and add --resume "
            "to run its runs again"
        ) from None


def read_store(folder: str | Path) -> pd.DataFrame:
    """Every stored run, one row per key, sorted by key.

    Parameters
    ----------
    folder : str or Path
        The sweep's output folder (``--out``).

    Raises
    ------
    StoreError
        A part is not a readable Parquet file of the store's schema (the message names it), or
        two parts hold the same key (the store was tampered with).

    Examples
    --------
    >>> runs = read_store("out/sweep_2028_options")  # doctest: +SKIP
    >>> runs.groupby("variant")["throughput_t"].mean()  # doctest: +SKIP
    """
    parts = sorted((Path(folder) / _RUNS).glob("part-*.parquet"))
    if not parts:
        return SCHEMA.empty_table().to_pandas()
    table = pa.concat_tables([_read_part(p) for p in parts])
    frame = table.to_pandas()
    duplicated = frame.duplicated(KEY_COLUMNS)
    if duplicated.any():
        first = frame.loc[duplicated, KEY_COLUMNS].iloc[0].tolist()
        raise StoreError(f"{folder}: the key {first} is stored twice")
    return frame.sort_values(KEY_COLUMNS, kind="stable").reset_index(drop=True)


def comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """The store without the execution facts (wall time, worker, attempts): what two runs of
    the same sweep must agree on, whatever the workers."""
    return runs.drop(columns=[c for c in META_COLUMNS if c in runs]).reset_index(drop=True)


class Store:
    """A sweep's output folder; see the module docstring."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs = folder / _RUNS

    @classmethod
    def open(cls, folder: str | Path, manifest: dict[str, Any], *, resume: bool) -> Store:
        """Create the store, or reopen it to resume the same sweep.

        A resumed store's manifest is brought up to date (the settings that do not change the
        results, such as the selection rule, may have changed since).

        Raises
        ------
        StoreError
            The folder holds results and ``resume`` is false, or it holds another sweep.
        """
        store = cls(Path(folder))
        path = store.folder / _MANIFEST
        if path.exists():
            try:
                existing = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise StoreError(f"{path}: not a sweep manifest ({error})") from None
            if not resume:
                raise StoreError(
                    f"{store.folder} already holds results of the sweep "
                    f"{existing.get('name')!r}: add --resume to continue it, or choose "
                    "another --out"
                )
            if existing.get("fingerprint") != manifest["fingerprint"]:
                raise StoreError(
                    f"{store.folder} holds results of a different sweep (the sweep file or its "
                    "scenarios changed since): choose another --out"
                )
        elif store.runs.exists() and any(store.runs.glob("part-*.parquet")):
            raise StoreError(f"{store.folder} holds run files but no {_MANIFEST}")
        store.runs.mkdir(parents=True, exist_ok=True)
        for leftover in store.runs.glob(".part-*"):
            leftover.unlink(missing_ok=True)  # a temporary file of a killed sweep
        text = json.dumps(manifest, indent=2, ensure_ascii=False)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            _write_synced(path, lambda handle: handle.write(text.encode("utf-8")))
        return store

    def keys(self) -> set[tuple[str, int, int, int]]:
        """Keys of the stored runs."""
        parts = sorted(self.runs.glob("part-*.parquet"))
        keys: set[tuple[str, int, int, int]] = set()
        for part in parts:
            table = _read_part(part, KEY_COLUMNS)
            keys.update(zip(*(table.column(c).to_pylist() for c in KEY_COLUMNS), strict=True))
        return keys

    def read(self) -> pd.DataFrame:
        """Every stored run (see :func:`read_store`)."""
        return read_store(self.folder)

    def write(self, name: str, rows: Iterable[dict[str, Any]]) -> Path:
        """Store the rows of one finished chunk as ``runs/part-NAME.parquet``, atomically."""
        ordered = sorted(rows, key=lambda row: tuple(row[c] for c in KEY_COLUMNS))
        table = pa.Table.from_pylist(ordered, schema=SCHEMA)
        path = self.runs / f"part-{name}.parquet"
        _write_synced(path, lambda handle: pq.write_table(table, handle))
        return path

    def write_table(self, name: str, frame: pd.DataFrame) -> Path:
        """A CSV beside the runs (variants, futures), atomically."""
        path = self.folder / name
        _write_synced(path, lambda handle: handle.write(frame.to_csv(index=False).encode()))
        return path
