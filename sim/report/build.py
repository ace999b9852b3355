"""Recognise an output folder (a run or a sweep) and write its report.

A run's report carries its charts as interactive figures (:mod:`sim.report.figures`, drawn by
the browser from data in the file), which take a fraction of a second to build. The briefing
PNGs of the same charts (matplotlib, several CPU seconds) are written beside the report with
``charts=True`` (``hubsim report DIR --charts``) and linked under each figure; they are drawn
once per run: the report reuses those the run already drew (``charts/``, written by ``hubsim
run --out DIR --charts``) or an earlier report of the same run left beside its
``report.html``, when they were drawn with the same settings by the same code
(:func:`sim.viz.run.read_chart_index`), and draws the others in parallel
(:func:`sim.viz.run.render_run_charts`). Without ``charts``, the report still links the PNGs
such a folder already holds. A sweep's report embeds its three PNG charts.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from network.files import atomic_path
from sim.report.figures import run_figures, stored_figures
from sim.report.run_report import run_report_html
from sim.results.manifest import MANIFEST, RunFolderError, verify_folder
from sim.results.rundata import RunData
from sim.viz.charts import CHART_DPI, RUN_CHARTS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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
    # a run folder is told by its manifest without loading the sweep package (and SciPy)
    if not (folder / MANIFEST).is_file():
        from sim.sweep.folder import is_sweep_folder

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
    dpi: int = CHART_DPI,
    animation: bool = False,
    workers: int | None = None,
    charts: bool = False,
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
        Folder for ``report.html`` (and the chart PNGs; default ``folder/report``).
    dpi : int
        Resolution of the PNG charts.
    animation : bool
        Also animate the vessels over the first day after the warm-up (``vessels.gif``,
        embedded; a run of a scenario with a network only).
    workers : int, optional
        Processes drawing the PNG charts of a run (default: one per idle CPU; 1 draws them
        all in this process).
    charts : bool
        Also write the PNGs of a run's charts (matplotlib, for briefings) beside the report
        and link each under its interactive figure. A sweep's report always has its PNGs.

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
        run_id = verify_folder(folder)
        data = RunData.from_folder(folder, verify=False)  # just verified
        if charts:
            _run_charts(data, folder, target, run_id, dpi=dpi, workers=workers)
        figures = stored_figures(folder) or run_figures(data)
    except RunFolderError as error:
        raise ReportInputError(str(error)) from None
    pngs = _png_links(folder, target, run_id, dpi=dpi)
    gif = None
    if animation and data.model.has_network:
        from sim.i18n import chart_fonts
        from sim.viz.animation import animate_vessels

        with chart_fonts():  # the current language's: a font with Chinese glyphs for Chinese
            gif = animate_vessels(data, target / "vessels.gif", frames=36).read_bytes()
    path = target / REPORT_NAME
    # the map viewer (`hubsim view`), when written beside the report or in the run folder
    viewer = next((p for p in (target / VIEWER_NAME, folder / VIEWER_NAME) if p.is_file()), None)
    href = Path(os.path.relpath(viewer, target)).as_posix() if viewer is not None else None
    with atomic_path(path) as temporary:
        temporary.write_text(
            run_report_html(
                data,
                [(spec, figure) for spec, (_, figure) in zip(RUN_CHARTS, figures, strict=True)],
                pngs=pngs,
                animation=gif,
                viewer=href,
            ),
            encoding="utf-8",
        )
    return path


def _png_links(folder: Path, target: Path, run_id: str, *, dpi: int) -> dict[str, str]:
    """Chart name -> address, relative to the report, of a PNG of this run's chart drawn with
    the current settings: beside the report (``--charts``), else in the run's ``charts/``."""
    if not any((place / "charts.json").is_file() for place in (target, folder / "charts")):
        return {}  # no PNG anywhere: matplotlib is not even imported
    from sim.viz.run import chart_settings, read_chart_index

    settings = chart_settings(dpi=dpi)
    links: dict[str, str] = {}
    for place, found in (
        (target, read_chart_index(target, settings, run_id=run_id)),
        (folder / "charts", read_chart_index(folder / "charts", settings)),
    ):
        for name in found:
            address = Path(os.path.relpath(place / f"{name}.png", target)).as_posix()
            links.setdefault(name, address)
    return links


def _run_charts(
    data: RunData, folder: Path, target: Path, run_id: str, *, dpi: int, workers: int | None
) -> dict[str, bytes]:
    """The PNG of every chart of the run, in ``target`` (and its ``charts.json``): reused from
    an earlier report of this run or from the run's ``charts/``, or drawn."""
    from sim.viz.run import chart_settings, read_chart_index, render_run_charts, write_chart_index

    settings = chart_settings(dpi=dpi)
    found = read_chart_index(folder / "charts", settings)  # checked with the run's manifest
    found.update(read_chart_index(target, settings, run_id=run_id))
    missing = [spec.name for spec in RUN_CHARTS if spec.name not in found]
    if missing:
        found.update(
            render_run_charts(
                data, names=missing, dpi=dpi, workers=workers, folder=folder, run_id=run_id
            )
        )
    pngs = {spec.name: found[spec.name] for spec in RUN_CHARTS}
    for name, png in pngs.items():
        path = target / f"{name}.png"
        if not (path.is_file() and path.read_bytes() == png):
            with atomic_path(path) as temporary:
                temporary.write_bytes(png)
    write_chart_index(target, pngs, settings, run_id=run_id)
    return pngs


def _write_sweep_report(folder: Path, target: Path, dpi: int) -> Path:
    from sim.i18n import chart_fonts
    from sim.report.sweep_report import sweep_report_html
    from sim.sweep.folder import SweepFolderError, read_sweep_folder
    from sim.viz.sweep import SWEEP_CHARTS

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
