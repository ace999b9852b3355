"""Write a run's outputs: KPI tables (CSV and Parquet), event records (Parquet), JSON, and on
request the charts.

``model.json`` describes the compiled model (resources, calendar, itineraries, network) so
that ``hubsim report`` can draw every chart from the folder alone; ``figures.json`` keeps the
report's interactive figures, built while the records are in memory
(:mod:`sim.report.figures`). Charts are not written by
default: drawing them takes longer than writing everything else of a plan year, and ``hubsim
report`` draws them (in parallel) from the folder anyway; ``charts=True`` (``hubsim run --out
DIR --charts``) writes them to ``charts/`` as well, and the report then embeds those instead
of drawing them again.

Parquet files are compressed with zstd, float columns byte-stream split first (the hours and
tonnes of the records compress about a quarter better so), one file per table.

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
from sim.results.rundata import EVENT_KINDS, RunData, as_run_data, relief_table
from sim.runs.capacity import Relief
from sim.runs.run import RunResult

__all__ = ["PARQUET_COMPRESSION", "check_target", "write_outputs", "write_parquet"]

#: Compression of every Parquet file of a run folder.
PARQUET_COMPRESSION = "zstd"
# zstd's level 3 is its own default: level 1 writes 7 % more for no measurable time saved
# on the plan year's records, higher levels cost time for less than 3 % smaller files
_ZSTD_LEVEL = 3


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (without its index) to ``path`` as a run folder's Parquet files are
    written: zstd, float columns byte-stream split; atomically.

    Any Parquet reader reads it (pandas, pyarrow, polars, DuckDB, GDAL); the values and
    column types are those of ``frame``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    with atomic_path(path) as temporary:
        pq.write_table(
            table,
            temporary,
            compression=PARQUET_COMPRESSION,
            compression_level=_ZSTD_LEVEL,
            # a dictionary does not shorten distinct floats; split bytes compress them
            use_dictionary=[f.name for f in table.schema if f.name not in floats],
            use_byte_stream_split=floats or False,
        )
    return path


def write_outputs(
    result: RunResult,
    folder: str | Path,
    *,
    relief: Sequence[Relief] = (),
    charts: bool = False,
    workers: int | None = None,
) -> list[Path]:
    """Write everything about ``result`` into ``folder``; returns the files written.

    Parameters
    ----------
    result : RunResult
        The run (with its records, for ``events/``).
    folder : path
        The run folder; a previous run folder there is replaced as a whole.
    relief : sequence of Relief
        From :func:`sim.runs.capacity.bottleneck_relief`: written as ``kpi/relief.*`` and drawn
        in the bottleneck chart.
    charts : bool
        Also draw every chart to ``charts/*.png`` (``hubsim report`` draws them from the folder
        when they are not there).
    workers : int, optional
        Processes drawing the charts (default: one per idle CPU).

    Raises
    ------
    RunFolderError
        ``folder`` holds something other than a hubsim run.
    """
    target = Path(folder)
    check_target(target)
    with atomic_folder(target) as building:
        written = _write(result, building, relief=relief)
        if result.records:
            # the report's figures, while the records are in memory (the report would read
            # them all again from the files just written, for the same figures)
            from sim.report.figures import write_figures

            data = RunData.from_result(result, relief=relief or None)  # no relief: as read back
            written.append(write_figures(data, building))
        if charts and result.records:  # charts read the records (kept unless keep_records=False)
            from sim.viz.run import write_run_charts

            # drawn from the files just written, as `hubsim report` would draw them
            data = RunData.from_folder(building, verify=False)
            written.extend(write_run_charts(data, building / "charts", workers=workers))
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


def _write(result: RunResult, folder: Path, *, relief: Sequence[Relief]) -> list[Path]:
    written: list[Path] = []

    def save(frame: pd.DataFrame, path: Path) -> None:
        if path.suffix == ".csv":
            with atomic_path(path) as temporary:
                frame.to_csv(temporary, index=False)
        else:
            write_parquet(frame, path)
        written.append(path)

    for name, table in result.tables.items():
        save(table, folder / "kpi" / f"{name}.csv")
        save(table, folder / "kpi" / f"{name}.parquet")
    for name, table in result.per_replication.items():
        save(table, folder / "per_replication" / f"{name}.parquet")
    data = as_run_data(result)  # the records as tables (built once) and the model described
    if result.records:
        for kind in EVENT_KINDS:
            save(data.events[kind], folder / "events" / f"{kind}.parquet")
    if relief:
        save(relief_table(relief), folder / "kpi" / "relief.csv")
        save(relief_table(relief), folder / "kpi" / "relief.parquet")
    model = folder / "model.json"
    with atomic_path(model) as temporary:
        temporary.write_text(json.dumps(data.model.to_json(), ensure_ascii=False))
    written.append(model)
    summary = folder / "summary.json"
    with atomic_path(summary) as temporary:
        temporary.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    written.append(summary)
    return written
