"""Write a run's outputs: KPI tables (CSV and Parquet), event records (Parquet), charts, JSON.

``model.json`` describes the compiled model (resources, calendar, itineraries, network) so
that ``hubsim report`` can draw every chart from the folder alone.

The folder is written as a whole: into a temporary folder beside it, with ``run_manifest.json``
(a run id, and the size and SHA-256 of every file) last, then swapped in place of the
previous folder (:func:`network.files.atomic_folder`). A run that fails or is killed part way
leaves the previous folder exactly as it was, and a folder never holds files of two runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from network.files import atomic_folder, atomic_path
from sim.results.manifest import MANIFEST, RunFolderError, write_manifest
from sim.results.rundata import EVENT_KINDS, as_run_data, relief_table
from sim.runs.capacity import Relief
from sim.runs.run import RunResult
from sim.viz.run import write_run_charts

__all__ = ["check_target", "write_outputs"]


def _frame(table: dict, replication: int) -> pd.DataFrame:
    return pd.DataFrame(table).assign(replication=replication)


def write_outputs(
    result: RunResult,
    folder: str | Path,
    *,
    relief: Sequence[Relief] = (),
    charts: bool = True,
) -> list[Path]:
    """Write everything about ``result`` into ``folder``; returns the files written.

    ``relief`` (from :func:`sim.runs.capacity.bottleneck_relief`) is written as ``kpi/relief.*``
    and drawn in the bottleneck chart. ``charts=False`` leaves out ``charts/*.png`` (``hubsim
    report`` draws them from the folder anyway).
    """
    target = Path(folder)
    check_target(target)
    with atomic_folder(target) as building:
        written = _write(result, building, relief=relief, charts=charts)
        write_manifest(building)
    return [target / path.relative_to(building) for path in written] + [target / MANIFEST]


def check_target(folder: str | Path) -> None:
    """Refuse an output folder that holds something other than a hubsim run (it would be
    replaced as a whole): a file, or a folder with files but no run manifest or summary.

    Raises
    ------
    RunFolderError
        Naming the folder.
    """
    target = Path(folder)
    if not target.exists():
        return
    is_run = (target / MANIFEST).exists() or (target / "summary.json").exists()
    if not target.is_dir() or (not is_run and any(target.iterdir())):
        raise RunFolderError(
            f"{target}: exists and is not a hubsim run folder (no {MANIFEST}); writing the run "
            "there would replace what it holds: choose another --out"
        )


def _write(
    result: RunResult, folder: Path, *, relief: Sequence[Relief], charts: bool
) -> list[Path]:
    written: list[Path] = []

    def save(frame: pd.DataFrame, path: Path) -> None:
        with atomic_path(path) as temporary:
            if path.suffix == ".csv":
                frame.to_csv(temporary, index=False)
            else:
                frame.to_parquet(temporary, index=False)
        written.append(path)

    for name, table in result.tables.items():
        save(table, folder / "kpi" / f"{name}.csv")
        save(table, folder / "kpi" / f"{name}.parquet")
    for name, table in result.per_replication.items():
        save(table, folder / "per_replication" / f"{name}.parquet")
    for kind in EVENT_KINDS:
        frames = [_frame(getattr(r, kind), i) for i, r in enumerate(result.records)]
        if frames:
            save(pd.concat(frames, ignore_index=True), folder / "events" / f"{kind}.parquet")
    data = as_run_data(result)
    if relief:
        data = data.with_relief(relief)
        save(relief_table(relief), folder / "kpi" / "relief.csv")
        save(relief_table(relief), folder / "kpi" / "relief.parquet")
    model = folder / "model.json"
    with atomic_path(model) as temporary:
        temporary.write_text(json.dumps(data.model.to_json(), ensure_ascii=False))
    written.append(model)
    if charts and result.records:  # charts read the records (kept unless keep_records=False)
        written.extend(write_run_charts(data, folder / "charts"))
    summary = folder / "summary.json"
    with atomic_path(summary) as temporary:
        temporary.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    written.append(summary)
    return written
