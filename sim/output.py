"""Write a run's outputs: KPI tables (CSV and Parquet), event records (Parquet), charts, JSON.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted write never leaves a half-written file and never damages an existing one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from network.export import atomic_path
from sim.charts import write_run_charts
from sim.run import RunResult

__all__ = ["write_outputs"]


def _frame(table: dict, replication: int) -> pd.DataFrame:
    return pd.DataFrame(table).assign(replication=replication)


def write_outputs(result: RunResult, folder: str | Path) -> list[Path]:
    """Write everything about ``result`` into ``folder``; returns the files written."""
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
    for kind in (
        "vessels",
        "passages",
        "lockages",
        "yard_levels",
        "jobs",
        "stage_hours",
        "trains",
        "rail_movements",
    ):
        frames = [_frame(getattr(r, kind), i) for i, r in enumerate(result.records)]
        if frames:
            save(pd.concat(frames, ignore_index=True), folder / "events" / f"{kind}.parquet")
    written.extend(write_run_charts(result, folder / "charts"))
    summary = folder / "summary.json"
    with atomic_path(summary) as temporary:
        temporary.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    written.append(summary)
    return written
