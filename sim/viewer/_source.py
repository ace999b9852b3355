"""What the viewer reads of hubsim: a run (its folder, or a run held in memory), the colours of
the charts, and the bundled basemap.

This is the one module of :mod:`sim.viewer` that imports the rest of hubsim, so that a module
moving elsewhere changes one import here. A run folder is read directly with pyarrow, only the
columns and the replication the viewer draws: ``RunData.from_folder`` reads each table it is
asked for whole (every column, every replication), and the viewer's tables of a four-year plan
run would use much of the 10 s ``hubsim view`` may take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from network.dataset import BUNDLED_DATA
from network.files import atomic_path
from sim.results.manifest import verify_folder
from sim.results.modelinfo import ModelInfo, ModelInfoError
from sim.results.rundata import RunData, RunFolderError, RunSource, as_run_data
from sim.viz.palette import COMMODITY_COLOURS, MODE_COLOURS, commodity_colour

__all__ = [
    "BASEMAP",
    "COMMODITY_COLOURS",
    "MODE_COLOURS",
    "ModelTables",
    "Run",
    "RunData",
    "RunFolderError",
    "RunSource",
    "atomic_path",
    "commodity_colour",
    "read_run",
]

#: The coast, lakes and rivers drawn under the network (``data/ports/basemap/``).
BASEMAP = BUNDLED_DATA / "basemap" / "basemap.geojson"

#: The model of a run as the viewer reads it (``model.json``).
ModelTables = ModelInfo

#: The records the viewer draws, and the columns it reads of each.
_COLUMNS = {
    "vessels": [
        "flow",
        "vessel_class",
        "payload_t",
        "entry_h",
        "berth_arrival_h",
        "berth_start_h",
        "block_h",
        "service_end_h",
        "berth_group",
        "exit_h",
        "itinerary",
        "diverted",
    ],
    "passages": ["vessel", "lock", "arrival_h", "start_h", "end_h"],
    "yard_levels": ["yard", "time_h", "level_t"],
    "jobs": ["itinerary", "option", "tonnes"],
    "stage_hours": ["stage", "time_h", "moved_t", "capacity_t"],
    "trains": ["stage", "start_h", "depart_h", "tonnes"],
    "rail_movements": ["link", "time_h"],
}


def _json(path: Path) -> Any:
    if not path.is_file():
        raise RunFolderError(f"{path}: missing (a run folder is written by `hubsim run --out`)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunFolderError(f"{path}: not readable JSON ({error})") from None


def _parquet(path: Path, columns: list[str], replication: int) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    try:
        table = pq.read_table(path, columns=[*columns, "replication"])
    except (OSError, ValueError, KeyError) as error:
        raise RunFolderError(f"{path}: not a readable Parquet file ({error})") from None
    frame = table.to_pandas()
    frame = frame[frame["replication"] == replication].reset_index(drop=True)
    return frame


def _read_folder(folder: Path, replication: int) -> RunData:
    summary = _json(folder / "summary.json")
    try:
        model = ModelInfo.from_json(_json(folder / "model.json"))
    except ModelInfoError as error:
        raise RunFolderError(f"{folder / 'model.json'}: {error}") from None
    count = int(summary.get("replications") or len(model.end_h) or 1)
    if not 0 <= replication < count:
        raise RunFolderError(
            f"{folder}: replication {replication} not in the run (it has {count}: 0-{count - 1})"
        )
    events = {
        kind: _parquet(folder / "events" / f"{kind}.parquet", columns, replication)
        for kind, columns in _COLUMNS.items()
    }
    tables = {}
    landside = folder / "per_replication" / "landside.parquet"
    if landside.exists():
        frame = pd.read_parquet(landside)
        tables["landside"] = frame[frame["replication"] == replication].reset_index(drop=True)
    # the records hold one replication each, renumbered 0
    for frame in events.values():
        frame["replication"] = 0
    return RunData(summary, tables, events, model, None, str(folder))


@dataclass(frozen=True)
class Run:
    """One replication of a run, as the viewer draws it.

    Attributes
    ----------
    data : RunData
        The run (read from a folder: that replication only).
    replication : int
        Its number in ``data`` (0 for a folder, whose records hold only it).
    number : int
        Its number in the run.
    end_h : float
        Hour it stopped.
    """

    data: RunData
    replication: int
    number: int
    end_h: float

    def events(self, kind: str) -> pd.DataFrame:
        """The ``kind`` records of the replication."""
        return self.data.replication_events(kind, self.replication)


def read_run(source: RunSource, replication: int = 0) -> Run:
    """One replication of a run: a run folder (only that replication and the columns drawn are
    read) or a run in memory (:class:`~sim.results.rundata.RunData`, a run result).

    Raises
    ------
    RunFolderError
        The folder is not a run folder, or a file in it is unreadable.
    """
    if isinstance(source, str | Path):
        folder = Path(source)
        verify_folder(folder)  # one run's files, none missing or replaced
        data = _read_folder(folder, replication)
        ends = data.model.end_h
        end = ends[replication] if replication < len(ends) else data.model.horizon_h
        return Run(data, 0, replication, float(end))
    data = as_run_data(source)
    if not 0 <= replication < data.replications:
        raise RunFolderError(
            f"replication {replication} not in the run (it has {data.replications})"
        )
    return Run(data, replication, replication, float(data.end_h(replication)))
