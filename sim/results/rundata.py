"""A run as charts and reports read it: from a :class:`~sim.runs.run.RunResult` or a run folder.

Chart functions take a :class:`RunData` (or anything :func:`as_run_data` accepts: a run
result, a run folder written by ``hubsim run --out``), so the same code draws a run held in
memory in a notebook and one read back from disk by ``hubsim report``.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.results.manifest import RunFolderError, verify_folder
from sim.results.modelinfo import ModelInfo, ModelInfoError, describe_model
from sim.runs.capacity import Relief
from sim.runs.run import RunResult

__all__ = [
    "EVENT_KINDS",
    "FolderEvents",
    "RunData",
    "RunFolderError",
    "RunSource",
    "as_run_data",
    "relief_table",
]

#: The flat records of a run, one Parquet file each under ``events/``.
EVENT_KINDS = (
    "vessels",
    "passages",
    "lockages",
    "yard_levels",
    "jobs",
    "stage_hours",
    "trains",
    "rail_movements",
    "holds",
    "actions",
    "visits",
)

_RELIEF_COLUMNS = [
    "resource",
    "kind",
    "change",
    "gain_t",
    "gain_t_ci95_low",
    "gain_t_ci95_high",
    "capacity_t",
    "capacity_t_ci95_low",
    "capacity_t_ci95_high",
]


def relief_table(reliefs: Sequence[Relief]) -> pd.DataFrame:
    """Bottleneck reliefs (from :func:`sim.runs.capacity.bottleneck_relief`) as a table.

    Columns: ``resource, kind, change, gain_t`` and ``capacity_t`` with their 95 % CIs
    (``*_ci95_low``/``*_ci95_high``), tonnes per year.
    """
    rows = [
        [
            r.resource,
            r.kind,
            r.change,
            r.gain_t[0],
            r.gain_t[1],
            r.gain_t[2],
            r.capacity_t[0],
            r.capacity_t[1],
            r.capacity_t[2],
        ]
        for r in reliefs
    ]
    return pd.DataFrame(rows, columns=_RELIEF_COLUMNS)


@dataclass(frozen=True)
class RunData:
    """Everything a chart or a report reads about one run.

    Attributes
    ----------
    summary : dict
        The run summary (``RunResult.to_json()``, ``summary.json`` in a run folder).
    tables : dict of DataFrame
        KPI tables with 95 % CIs (``kpi/*.parquet``).
    events : mapping of DataFrame
        Flat records of every replication with a ``replication`` column: ``vessels``,
        ``passages``, ``lockages``, ``yard_levels``, ``jobs``, ``stage_hours``, ``trains``,
        ``rail_movements`` (``events/*.parquet``; read from a folder, each table is read when
        first asked for).
    model : ModelInfo
        Resources, calendar, itineraries and network (``model.json``).
    relief : DataFrame or None
        Capacity gained by relieving bottlenecks (:func:`relief_table`,
        ``kpi/relief.parquet``), when it was computed.
    source : str
        Where the run came from: ``"memory"`` or the folder.
    """

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(repr=False)
    events: Mapping[str, pd.DataFrame] = field(repr=False)
    model: ModelInfo = field(repr=False)
    relief: pd.DataFrame | None = field(default=None, repr=False)
    source: str = "memory"

    @property
    def name(self) -> str:
        """Scenario name."""
        return str(self.summary.get("scenario") or self.model.name)

    @property
    def replications(self) -> int:
        """Number of replications."""
        return int(self.summary.get("replications") or len(self.model.end_h) or 1)

    def end_h(self, replication: int) -> float:
        """Hour replication ``replication`` stopped."""
        ends = self.model.end_h
        return ends[replication] if replication < len(ends) else self.model.horizon_h

    def window_h(self, replication: int) -> tuple[float, float]:
        """Hours the statistics of a replication count: (end of warm-up, end of the run)."""
        return self.model.warmup_h, self.end_h(replication)

    def replication_events(self, kind: str, replication: int) -> pd.DataFrame:
        """The ``kind`` records of one replication (row order as recorded)."""
        frame = self.events[kind]
        return frame[frame["replication"] == replication]

    def with_relief(self, reliefs: Sequence[Relief] | pd.DataFrame) -> RunData:
        """A copy carrying bottleneck reliefs (drawn by the bottleneck chart)."""
        table = reliefs if isinstance(reliefs, pd.DataFrame) else relief_table(reliefs)
        return RunData(self.summary, self.tables, self.events, self.model, table, self.source)

    @classmethod
    def from_result(
        cls, result: RunResult, *, relief: Sequence[Relief] | pd.DataFrame | None = None
    ) -> RunData:
        """View a run held in memory (it must keep its records: ``keep_records=True``)."""
        if result.model is None:
            raise ValueError("the run result carries no compiled model")
        events = {
            kind: pd.concat(
                [
                    pd.DataFrame(getattr(record, kind)).assign(replication=i)
                    for i, record in enumerate(result.records)
                ],
                ignore_index=True,
            )
            if result.records
            else pd.DataFrame(columns=["replication"])
            for kind in EVENT_KINDS
        }
        data = cls(
            result.to_json(),
            dict(result.tables),
            events,
            describe_model(
                result.scenario,
                result.model,
                [r.end_h for r in result.records],
                check=result.check,
            ),
        )
        return data if relief is None else data.with_relief(relief)

    @classmethod
    def from_folder(cls, folder: str | Path, *, verify: bool = True) -> RunData:
        """Read a run folder written by ``hubsim run --out``
        (:func:`sim.results.output.write_outputs`).

        The summary, the model and the KPI tables are read at once; each table of records
        (``events/*.parquet``, most of a folder's bytes) when it is first asked for, so that
        what draws one chart or writes a report from charts already drawn reads only what it
        uses.

        Parameters
        ----------
        folder : path
            The run folder.
        verify : bool
            Check the folder against its manifest first (see :mod:`sim.results.manifest`).
            ``False`` only for a folder being written, or one just checked by the caller.

        Raises
        ------
        RunFolderError
            A file is missing, unreadable or not of the run its manifest names; the message
            names it.
        """
        folder = Path(folder)
        if verify:
            verify_folder(folder)  # one run's files, none missing or replaced
        summary = _read_json(folder / "summary.json")
        try:
            model = ModelInfo.from_json(_read_json(folder / "model.json"))
        except ModelInfoError as error:
            raise RunFolderError(f"{folder / 'model.json'}: {error}") from None
        tables = {}
        kpi = folder / "kpi"
        if not kpi.is_dir():
            raise RunFolderError(f"{kpi}: missing (the KPI tables of the run)")
        for path in sorted(kpi.glob("*.parquet")):
            if path.stem != "relief":
                tables[path.stem] = _read_parquet(path)
        for needed in ("throughput_port", "bottlenecks"):
            if needed not in tables:
                raise RunFolderError(f"{kpi / (needed + '.parquet')}: missing")
        relief_path = kpi / "relief.parquet"
        relief = _read_parquet(relief_path) if relief_path.exists() else None
        events = FolderEvents(folder / "events")
        return cls(summary, tables, events, model, relief, str(folder))


class FolderEvents(Mapping[str, pd.DataFrame]):
    """The records of a run folder (``events/<kind>.parquet``, one per :data:`EVENT_KINDS`),
    each read when first asked for and kept; a kind without a file reads as an empty table
    with a ``replication`` column."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, kind: str) -> pd.DataFrame:
        frame = self._read.get(kind)
        if frame is None:
            if kind not in EVENT_KINDS:
                raise KeyError(kind)
            path = self._folder / f"{kind}.parquet"
            frame = _read_parquet(path) if path.exists() else pd.DataFrame(columns=["replication"])
            self._read[kind] = frame
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(EVENT_KINDS)

    def __len__(self) -> int:
        return len(EVENT_KINDS)


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise RunFolderError(f"{path}: missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunFolderError(f"{path}: not readable JSON ({error})") from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise RunFolderError(f"{path}: not a readable Parquet file ({error})") from None


#: A run as chart, report and exploration functions accept it: a :class:`RunData`, a
#: :class:`~sim.runs.run.RunResult` that kept its records, or a run folder.
RunSource = RunData | RunResult | str | Path

_CACHE: dict[int, RunData] = {}


def as_run_data(source: RunSource) -> RunData:
    """Normalise what a chart function was given to a :class:`RunData`.

    A :class:`RunResult` is described once and the description is kept for as long as the
    result lives, so drawing many charts of one result does not repeat the work.
    """
    if isinstance(source, RunData):
        return source
    if isinstance(source, RunResult):
        key = id(source)
        cached = _CACHE.get(key)
        if cached is None:
            cached = RunData.from_result(source)
            _CACHE[key] = cached
            weakref.finalize(source, _CACHE.pop, key, None)
        return cached
    if isinstance(source, str | Path):
        return RunData.from_folder(source)
    raise TypeError(f"expected a RunResult, RunData or run folder, got {type(source).__name__}")
