"""The charts of a run report are drawn once per run and the same whoever draws them: in this
process or in workers (the same bytes), reused from an earlier report of the same run or from
the run's own ``charts/`` when drawn with the same settings and code, drawn again otherwise;
a run folder's records are zstd Parquet read table by table when asked for, and a folder as
older hubsim wrote it (snappy, charts without an index) still reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sim.results.rundata as rundata
import sim.viz.run as viz_run
from sim.cli import app
from sim.report import REPORT_NAME, write_report
from sim.results.manifest import MANIFEST, verify_folder, write_manifest
from sim.results.rundata import EVENT_KINDS, RunData
from sim.viz.run import (
    CHART_INDEX,
    RUN_CHARTS,
    chart_settings,
    read_chart_index,
    render_run_charts,
)

NAMES = [spec.name for spec in RUN_CHARTS]


def _copy(folder: Path, tmp_path: Path, name: str = "run") -> Path:
    target = tmp_path / name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("report*", "viewer.html"))
    return target


def _watch_drawing(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the charts each report draws (and draw them all here: no worker)."""
    drawn: list[list[str]] = []

    def render(data: RunData, *, names: Any = None, **options: Any) -> dict[str, bytes]:
        drawn.append(list(names))
        return render_run_charts(data, names=names, dpi=options["dpi"], workers=1)

    monkeypatch.setattr(viz_run, "render_run_charts", render)  # as the report calls it
    return drawn


def test_charts_drawn_in_workers_are_the_same_bytes(folder_data: RunData) -> None:
    folder = Path(folder_data.source)
    serial = render_run_charts(folder_data, workers=1, dpi=40)
    shared = render_run_charts(
        folder_data, workers=2, dpi=40, folder=folder, run_id=verify_folder(folder)
    )
    assert list(serial) == list(shared) == NAMES
    assert serial == shared


def test_a_second_report_of_the_same_run_reuses_its_charts(
    run_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(run_folder, tmp_path)
    drawn = _watch_drawing(monkeypatch)
    first = write_report(folder, dpi=40, charts=True)
    pngs = {name: (first.parent / f"{name}.png").read_bytes() for name in NAMES}
    page = first.read_text(encoding="utf-8")
    second = write_report(folder, dpi=40, charts=True)
    assert drawn == [NAMES]  # the second report drew nothing
    assert second.read_text(encoding="utf-8") == page
    assert {name: (second.parent / f"{name}.png").read_bytes() for name in NAMES} == pngs
    index = json.loads((first.parent / CHART_INDEX).read_text())
    assert index["run_id"] == verify_folder(folder)
    assert index["settings"] == chart_settings(dpi=40)


def test_charts_of_other_settings_another_run_or_changed_are_drawn_again(
    run_folder: Path, minimal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.results.output import write_outputs

    folder = _copy(run_folder, tmp_path)
    drawn = _watch_drawing(monkeypatch)
    out = tmp_path / "report"
    write_report(folder, out, dpi=30, charts=True)
    (out / "utilisation.png").write_bytes(b"\x89PNG changed by hand")
    write_report(folder, out, dpi=30, charts=True)
    assert drawn[-1] == ["utilisation"]
    write_report(folder, out, dpi=25, charts=True)
    assert drawn[-1] == NAMES
    # another run reported into the same folder
    other = tmp_path / "other"
    write_outputs(minimal, other)
    write_report(other, out, dpi=25, charts=True)
    assert drawn[-1] == NAMES
    index = json.loads((out / CHART_INDEX).read_text())
    assert index["run_id"] == verify_folder(other)
    assert len(read_chart_index(out, chart_settings(dpi=25), run_id=index["run_id"])) == len(NAMES)
    # an index of other code
    index["settings"] = {**index["settings"], "code": "0" * 64}
    (out / CHART_INDEX).write_text(json.dumps(index))
    assert read_chart_index(out, chart_settings(dpi=25), run_id=index["run_id"]) == {}


def test_a_report_embeds_the_charts_the_run_drew(
    minimal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.results.output import write_outputs

    folder = tmp_path / "run"
    written = write_outputs(minimal, folder, charts=True, workers=1)
    assert folder / "charts" / CHART_INDEX in written
    verify_folder(folder)  # the charts and their index are files of the run
    drawn = _watch_drawing(monkeypatch)
    path = write_report(folder)  # links the run's PNGs under its figures
    text = path.read_text(encoding="utf-8")
    for name in NAMES:
        assert f'<a href="../charts/{name}.png">' in text
    path = write_report(folder, charts=True)  # copies them beside the report
    assert drawn == []
    assert f'<a href="{NAMES[0]}.png">' in path.read_text(encoding="utf-8")
    for name in NAMES:
        assert (path.parent / f"{name}.png").read_bytes() == (
            folder / "charts" / f"{name}.png"
        ).read_bytes()
    # drawn from the files, as the report would draw them
    redrawn = render_run_charts(RunData.from_folder(folder), workers=1)
    assert redrawn == {name: (folder / "charts" / f"{name}.png").read_bytes() for name in NAMES}


def test_records_are_zstd_parquet_equal_to_the_run(
    baseline_data: RunData, run_folder: Path
) -> None:
    folder = RunData.from_folder(run_folder)
    assert pq.ParquetFile(run_folder / "events" / "vessels.parquet").metadata.num_rows > 0
    for kind in EVENT_KINDS:
        path = run_folder / "events" / f"{kind}.parquet"
        metadata = pq.ParquetFile(path).metadata
        codecs = {
            metadata.row_group(group).column(i).compression
            for group in range(metadata.num_row_groups)
            for i in range(metadata.num_columns)
        }
        assert codecs <= {"ZSTD"}, (kind, codecs)
        pd.testing.assert_frame_equal(folder.events[kind], baseline_data.events[kind])


def test_records_are_read_when_first_asked_for(
    run_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    original = rundata._read_parquet

    def counting(path: Path) -> pd.DataFrame:
        read.append(f"{path.parent.name}/{path.stem}")
        return original(path)

    monkeypatch.setattr(rundata, "_read_parquet", counting)
    data = RunData.from_folder(run_folder)
    assert not [name for name in read if name.startswith("events/")]
    vessels = data.events["vessels"]
    assert data.events["vessels"] is vessels
    assert [name for name in read if name.startswith("events/")] == ["events/vessels"]
    assert list(data.events) == list(EVENT_KINDS) and len(data.events) == len(EVENT_KINDS)
    assert set(data.events["holds"].columns) >= {"replication"}
    with pytest.raises(KeyError):
        data.events["stowaway"]


def test_a_folder_as_older_hubsim_wrote_it_still_reads(run_folder: Path, tmp_path: Path) -> None:
    """Snappy Parquet and charts/*.png without an index (hubsim before issue 16)."""
    folder = _copy(run_folder, tmp_path)
    for path in (folder / "events").glob("*.parquet"):
        pd.read_parquet(path).to_parquet(path, index=False, compression="snappy")
    (folder / "charts").mkdir()
    for name in NAMES:
        (folder / "charts" / f"{name}.png").write_bytes(b"\x89PNG an older chart")
    (folder / MANIFEST).unlink()
    write_manifest(folder)
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(folder), "--charts", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = folder / "report"
    assert (report / REPORT_NAME).is_file()
    for name in NAMES:  # not reused: no index says what drew them
        assert (report / f"{name}.png").read_bytes() != b"\x89PNG an older chart"
    result = runner.invoke(app, ["view", str(folder), "--days", "1"])
    assert result.exit_code == 0, result.output
    assert (folder / "viewer.html").stat().st_size > 100_000
