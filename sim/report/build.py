"""Recognise an output folder and write its report (HTML with embedded charts, PNGs beside)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from network.export import atomic_path
from sim.charts import RUN_CHARTS
from sim.report.run_report import run_report_html
from sim.rundata import RunData, RunFolderError
from sim.viz.animation import animate_vessels

__all__ = ["REPORT_NAME", "ReportInputError", "folder_kind", "write_report"]

#: File name of the report inside its output folder.
REPORT_NAME = "report.html"

FolderKind = Literal["run"]


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
    if (folder / "summary.json").is_file():
        if not (folder / "model.json").is_file():
            raise ReportInputError(
                f"{folder}: summary.json but no model.json (written by an older hubsim); "
                "run the scenario again with `hubsim run FILE --out DIR`"
            )
        return "run"
    raise ReportInputError(
        f"{folder}: not a hubsim output folder (a run folder has summary.json, model.json, "
        "kpi/ and events/, as written by `hubsim run FILE --out DIR`)"
    )


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
        A folder written by ``hubsim run --out``.
    out : path, optional
        Folder for ``report.html`` and the chart PNGs (default ``folder/report``).
    dpi : int
        Resolution of the charts.
    animation : bool
        Also animate the vessels over the first day after the warm-up (``vessels.gif``,
        embedded; a scenario with a network only).

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
    folder_kind(folder)
    target = Path(out) if out is not None else folder / "report"
    try:
        data = RunData.from_folder(folder)
    except RunFolderError as error:
        raise ReportInputError(str(error)) from None
    charts = []
    for spec in RUN_CHARTS:
        figure = spec.draw(data)
        buffer = io.BytesIO()
        figure.savefig(buffer, dpi=dpi, format="png")
        png = buffer.getvalue()
        with atomic_path(target / f"{spec.name}.png") as temporary:
            temporary.write_bytes(png)
        charts.append((spec, png))
    gif = None
    if animation and data.model.has_network:
        gif = animate_vessels(data, target / "vessels.gif", frames=36).read_bytes()
    path = target / REPORT_NAME
    with atomic_path(path) as temporary:
        temporary.write_text(run_report_html(data, charts, animation=gif), encoding="utf-8")
    return path
