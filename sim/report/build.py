"""Recognise an output folder (a run or a sweep) and write its report (HTML with embedded
charts, PNGs beside)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Literal

from matplotlib.figure import Figure

from network.files import atomic_path
from sim.i18n import chart_fonts
from sim.report.run_report import run_report_html
from sim.report.sweep_report import sweep_report_html
from sim.results.rundata import RunData, RunFolderError
from sim.sweep.folder import SweepFolderError, is_sweep_folder, read_sweep_folder
from sim.viz.animation import animate_vessels
from sim.viz.run import RUN_CHARTS
from sim.viz.sweep import SWEEP_CHARTS

__all__ = ["REPORT_NAME", "ReportInputError", "folder_kind", "write_report"]

#: File name of the report inside its output folder.
REPORT_NAME = "report.html"
#: File name of the map viewer (``hubsim view``) in a run folder.
VIEWER_NAME = "viewer.html"

FolderKind = Literal["run", "sweep"]


class ReportInputError(ValueError):
    """The folder cannot be reported on; the message names the folder or file and the fix."""


def folder_kind(folder: str | Path) -> FolderKind:
    """What an output folder holds.

    Raises
    ------
    ReportInputError
        Not a folder, or not one hubsim wrote.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportInputError(f"{folder}: no such folder")
    if is_sweep_folder(folder):
        return "sweep"
    if (folder / "summary.json").is_file():
        if not (folder / "model.json").is_file():
            raise ReportInputError(
                f"{folder}: summary.json but no model.json (written by an older hubsim); "
                "run the scenario again with `hubsim run FILE --out DIR`"
            )
        return "run"
    raise ReportInputError(
        f"{folder}: not a hubsim output folder (a run folder has summary.json, model.json, "
        "kpi/ and events/, as written by `hubsim run FILE --out DIR`; a sweep folder has "
        "manifest.json, runs/, comparison.csv and summary.json, as written by "
        "`hubsim sweep FILE --out DIR`)"
    )


def _png(figure: Figure, path: Path, dpi: int) -> bytes:
    """The figure as PNG bytes, also written to ``path`` (atomically)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, format="png")
    png = buffer.getvalue()
    with atomic_path(path) as temporary:
        temporary.write_bytes(png)
    return png


def write_report(
    folder: str | Path,
    out: str | Path | None = None,
    *,
    dpi: int = 110,
    animation: bool = False,
) -> Path:
    """Write the report of an output folder.

    Parameters
    ----------
    folder : path
        A folder written by ``hubsim run --out`` (the report of a run) or by
        ``hubsim sweep --out`` (the report of a sweep: the decision, the comparison of the
        options, robustness across futures, the sweep charts, its settings and the base
        scenario's assumptions).
    out : path, optional
        Folder for ``report.html`` and the chart PNGs (default ``folder/report``).
    dpi : int
        Resolution of the charts.
    animation : bool
        Also animate the vessels over the first day after the warm-up (``vessels.gif``,
        embedded; a run of a scenario with a network only).

    Returns
    -------
    Path
        The HTML file written (atomically, as every PNG beside it).

    Raises
    ------
    ReportInputError
        The folder is not an output folder hubsim can report on, or a file in it is missing or
        unreadable.
    """
    folder = Path(folder)
    kind = folder_kind(folder)
    target = Path(out) if out is not None else folder / "report"
    if kind == "sweep":
        return _write_sweep_report(folder, target, dpi)
    try:
        data = RunData.from_folder(folder)
    except RunFolderError as error:
        raise ReportInputError(str(error)) from None
    with chart_fonts():  # the current language's: a font with Chinese glyphs for Chinese
        charts = [
            (spec, _png(spec.draw(data), target / f"{spec.name}.png", dpi)) for spec in RUN_CHARTS
        ]
        gif = None
        if animation and data.model.has_network:
            gif = animate_vessels(data, target / "vessels.gif", frames=36).read_bytes()
    path = target / REPORT_NAME
    # the map viewer (`hubsim view`), when written beside the report or in the run folder
    viewer = next((p for p in (target / VIEWER_NAME, folder / VIEWER_NAME) if p.is_file()), None)
    href = Path(os.path.relpath(viewer, target)).as_posix() if viewer is not None else None
    with atomic_path(path) as temporary:
        temporary.write_text(
            run_report_html(data, charts, animation=gif, viewer=href), encoding="utf-8"
        )
    return path


def _write_sweep_report(folder: Path, target: Path, dpi: int) -> Path:
    try:
        done = read_sweep_folder(folder)
    except SweepFolderError as error:
        raise ReportInputError(str(error)) from None
    with chart_fonts():
        charts = [
            (spec, _png(spec.draw(done.decision), target / f"{spec.name}.png", dpi))
            for spec in SWEEP_CHARTS
        ]
    path = target / REPORT_NAME
    with atomic_path(path) as temporary:
        temporary.write_text(sweep_report_html(done, charts), encoding="utf-8")
    return path
