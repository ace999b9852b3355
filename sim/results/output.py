"""Write a run's outputs: KPI tables (CSV and Parquet), event records (Parquet), charts, JSON.

``model.json`` describes the compiled model (resources, calendar, itineraries, network) so
that ``hubsim report`` can draw every chart from the folder alone.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted write never leaves a half-written file and never damages an existing one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from network.files import atomic_path
from sim.results.rundata import EVENT_KINDS, as_run_data, relief_table
from sim.runs.capacity import Relief
from sim.runs.run import RunResult
from sim.viz.run import write_run_charts

__all__ = ["write_outputs"]


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
    folder = Path(folder)
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
