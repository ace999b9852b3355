"""The charts of a run, in the order a report shows them, and drawing them as PNG files.

``hubsim report`` draws them from the run folder and embeds them (``hubsim run --out DIR
--charts`` also writes them to ``charts/``). Each entry says what the chart shows and how to
read it.

Drawing the 15 charts of a plan year takes longer than the run itself, almost all of it
matplotlib laying out and rendering text and patches, one chart at a time in one process:
:func:`render_run_charts` shares them between this process and spawned workers (one per
further CPU) that read the run from its folder. Each chart is drawn by one process from the
same files, so the PNGs are the same bytes whichever process drew them.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from network.files import atomic_path
from sim.i18n import chart_fonts, cjk_font, current_language, language
from sim.results.manifest import MANIFEST, RunFolderError
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.charts import CHART_DPI, RUN_CHARTS, ChartSpec

__all__ = [
    "CHART_DPI",
    "CHART_INDEX",
    "RUN_CHARTS",
    "ChartSpec",
    "available_cpus",
    "chart_png",
    "chart_settings",
    "default_chart_workers",
    "draw_run_charts",
    "idle_cpus",
    "read_chart_index",
    "render_run_charts",
    "save_figure",
    "write_chart_index",
    "write_run_charts",
]

#: Index of a folder of chart PNGs: what they were drawn with and the SHA-256 of each.
CHART_INDEX = "charts.json"
_INDEX_FORMAT = "hubsim-charts/1"


def draw_run_charts(
    source: RunSource,
) -> Iterator[tuple[ChartSpec, Figure]]:
    """Draw the charts of :data:`RUN_CHARTS` one after another (each figure is new)."""
    data = as_run_data(source)
    for spec in RUN_CHARTS:
        yield spec, spec.draw(data)


def save_figure(figure: Figure, path: str | Path, *, dpi: int = CHART_DPI) -> Path:
    """Write ``figure`` to ``path`` (format from the suffix) atomically."""
    path = Path(path)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=dpi, format=path.suffix.lstrip(".") or "png")
    return path


def chart_png(figure: Figure, *, dpi: int = CHART_DPI) -> bytes:
    """``figure`` as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, format="png")
    return buffer.getvalue()


def available_cpus() -> int:
    """CPUs this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs since boot (Linux ``/proc/stat``), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    if len(fields) < 8:
        return None
    return fields[3] + fields[4], sum(fields)  # idle + iowait; user ... steal


def idle_cpus(sample_s: float = 0.1) -> float:
    """CPUs the rest of the machine leaves idle, measured over ``sample_s`` seconds while this
    process sleeps (Linux ``/proc/stat``; elsewhere :func:`available_cpus`)."""
    before = _cpu_times()
    if before is None:
        return float(available_cpus())
    time.sleep(sample_s)
    after = _cpu_times()
    if after is None or after[1] <= before[1]:
        return float(available_cpus())
    share = (after[0] - before[0]) / (after[1] - before[1])
    return share * available_cpus()


def default_chart_workers() -> int:
    """Processes to draw charts with: one per idle CPU (:func:`idle_cpus`), at least 1.

    A worker on a CPU that other work keeps busy only adds its start-up (about 2 s of
    imports and reading the run) and takes turns with this process: on a shared 2-core
    machine with one core busy elsewhere, two processes drew a plan year's charts in 21 s
    where one took 15-18 s.
    """
    return max(1, min(available_cpus(), math.floor(idle_cpus() + 0.3)))


def render_run_charts(
    data: RunData,
    *,
    names: Sequence[str] | None = None,
    dpi: int = CHART_DPI,
    workers: int | None = None,
    folder: str | Path | None = None,
    run_id: str | None = None,
) -> dict[str, bytes]:
    """Draw charts of :data:`RUN_CHARTS` as PNG bytes, in this process and in spawned workers,
    in the current language (:func:`sim.i18n.language`) and its fonts, workers alike.

    Parameters
    ----------
    data : RunData
        The run, as this process draws it.
    names : sequence of str, optional
        The charts to draw (default: all).
    dpi : int
        Resolution.
    workers : int, optional
        Processes drawing, this one included (default :func:`default_chart_workers`: one per
        idle CPU). Workers need ``folder``; without it, or with 1, every chart is drawn here.
    folder : path, optional
        The run folder ``data`` was read from, which the workers read.
    run_id : str, optional
        The run id of the folder's manifest, when it has one: a worker refuses a folder whose
        manifest names another run (the folder was replaced while drawing).

    Returns
    -------
    dict of str to bytes
        PNG of each chart, in the order of :data:`RUN_CHARTS`.
    """
    wanted = set(names) if names is not None else None
    specs = [s for s in RUN_CHARTS if wanted is None or s.name in wanted]
    unknown = (wanted or set()) - {s.name for s in RUN_CHARTS}
    if unknown:
        raise ValueError(f"names: no such chart {sorted(unknown)} (charts: {_CHART_NAMES})")
    if workers is None:
        workers = default_chart_workers() if folder is not None and len(specs) > 1 else 1
    count = workers
    if count < 1:
        raise ValueError(f"workers: must be >= 1 (got {workers})")
    helpers = min(count - 1, len(specs) - 1) if folder is not None else 0
    drawn: dict[str, bytes] = {}
    todo = deque(specs)
    # the current language's fonts here; a spawned worker starts in English and is handed
    # the language with each chart
    lang = current_language()
    with chart_fonts():
        if helpers > 0:
            _share(
                data,
                todo,
                drawn,
                helpers=helpers,
                dpi=dpi,
                folder=str(folder),
                run_id=run_id,
                lang=lang,
            )
        for spec in todo:  # all of them without workers; what is left if the workers failed
            drawn[spec.name] = chart_png(spec.draw(data), dpi=dpi)
    return {spec.name: drawn[spec.name] for spec in specs}


def _share(
    data: RunData,
    todo: deque[ChartSpec],
    drawn: dict[str, bytes],
    *,
    helpers: int,
    dpi: int,
    folder: str,
    run_id: str | None,
    lang: str,
) -> None:
    """Draw ``todo`` here (from the front) and on ``helpers`` workers (from the back, one chart
    in flight each, so that whoever is free takes the next); leaves in ``todo`` only what a
    broken pool did not draw."""
    from sim.runs.executor import process_pool

    running: dict[Future[bytes], ChartSpec] = {}
    try:
        with process_pool(helpers) as pool:
            try:

                def feed() -> None:
                    while todo and len(running) < helpers:
                        spec = todo.pop()
                        future = pool.submit(_draw_in_worker, folder, run_id, spec.name, dpi, lang)
                        running[future] = spec

                feed()
                while todo or running:
                    if todo:
                        spec = todo.popleft()
                        drawn[spec.name] = chart_png(spec.draw(data), dpi=dpi)
                    else:
                        wait(running, return_when=FIRST_COMPLETED)
                    for future in [f for f in running if f.done()]:
                        drawn[running.pop(future).name] = future.result()
                    feed()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except (BrokenProcessPool, OSError):  # no worker (killed, out of memory, cannot start)
        todo.extend(running.values())  # draw the rest here


#: A spawned worker's run, read from its folder once for all the charts it draws.
_WORKER_RUN: dict[tuple[str, str | None], RunData] = {}


def _draw_in_worker(folder: str, run_id: str | None, name: str, dpi: int, lang: str) -> bytes:
    """Runs in a worker: the PNG of chart ``name`` of the run in ``folder``, in ``lang``."""
    if run_id is not None:
        try:
            found = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["run_id"]
        except (OSError, ValueError, KeyError, TypeError):
            found = None
        if found != run_id:
            raise RunFolderError(
                f"{folder}: replaced by another run while its charts were drawn; draw them again"
            )
    key = (folder, run_id)
    data = _WORKER_RUN.get(key)
    if data is None:
        # the parent checked the folder against its manifest (or is writing it)
        data = RunData.from_folder(folder, verify=False)
        _WORKER_RUN.clear()
        _WORKER_RUN[key] = data
    with language(lang), chart_fonts():
        return chart_png(_SPECS[name].draw(data), dpi=dpi)


def chart_settings(*, dpi: int = CHART_DPI, lang: str | None = None) -> dict[str, Any]:
    """What the charts of a run look like besides the run: the options they are drawn with
    (resolution, language and, for Chinese, the CJK font) and a fingerprint of the code that
    draws them (hubsim's chart, run-folder and translation modules with the catalogues, the
    network's colours, map labels and basemap, matplotlib's version). Charts drawn with other
    settings are drawn again rather than reused (see :func:`read_chart_index`): a Chinese
    report never embeds English charts.

    Every option that changes how a chart is drawn belongs here.

    Parameters
    ----------
    dpi : int
        Resolution.
    lang : str, optional
        Language of the charts (default: the current language, :mod:`sim.i18n`).
    """
    lang = current_language() if lang is None else lang
    code = hashlib.sha256(matplotlib.__version__.encode())
    here = Path(__file__).resolve().parent
    sim = here.parent
    sources = [
        *sorted(here.glob("*.py")),
        *sorted((sim / "results").glob("*.py")),
        *sorted((sim / "i18n").glob("*.py")),
        *sorted((sim / "i18n").glob("*.po")),
    ]
    network = sim.parent / "network"
    sources.extend(
        network / name for name in ("plot.py", "maplabels.py", "labelgeometry.py", "basemap.py")
    )
    for source in sources:
        if source.is_file():
            code.update(source.name.encode())
            code.update(source.read_bytes())
    settings: dict[str, Any] = {"dpi": dpi, "lang": lang, "code": code.hexdigest()}
    if lang != "en":
        settings["font"] = cjk_font()  # None: drawn as boxes, drawn again once there is one
    return settings


def write_chart_index(
    folder: str | Path,
    pngs: dict[str, bytes],
    settings: dict[str, Any],
    *,
    run_id: str | None = None,
) -> Path:
    """Write ``folder/charts.json``: the settings the PNGs in ``folder`` were drawn with, the
    run they are of (``run_id``; none inside the run folder, whose manifest covers them) and
    the SHA-256 of each."""
    document = {
        "format": _INDEX_FORMAT,
        "run_id": run_id,
        "settings": settings,
        "charts": {name: hashlib.sha256(png).hexdigest() for name, png in pngs.items()},
    }
    path = Path(folder) / CHART_INDEX
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def read_chart_index(
    folder: str | Path, settings: dict[str, Any], *, run_id: str | None = None
) -> dict[str, bytes]:
    """The PNGs of ``folder`` that can stand for charts drawn now: its ``charts.json`` names
    the same settings (and run), and each file still has the bytes it lists. Empty when
    there is no index or it does not match."""
    folder = Path(folder)
    try:
        document = json.loads((folder / CHART_INDEX).read_text(encoding="utf-8"))
        if (
            document.get("format") != _INDEX_FORMAT
            or document.get("settings") != settings
            or document.get("run_id") != run_id
        ):
            return {}
        listed = dict(document["charts"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    found = {}
    for name, digest in listed.items():
        path = folder / f"{name}.png"
        try:
            png = path.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(png).hexdigest() == digest:
            found[str(name)] = png
    return found


def write_run_charts(
    source: RunSource,
    folder: str | Path,
    *,
    dpi: int = CHART_DPI,
    workers: int | None = 1,
) -> list[Path]:
    """Save every chart of the run as ``folder/<name>.png`` in the current language, with
    ``folder/charts.json``; returns the paths.

    ``workers`` (default 1: all in this process; ``None``: one per idle CPU) share the
    charts when ``source`` is a run folder or was read from one (see
    :func:`render_run_charts`).
    """
    folder = Path(folder)
    data = as_run_data(source)
    run_folder = None if data.source == "memory" else data.source
    pngs = render_run_charts(data, dpi=dpi, workers=workers, folder=run_folder)
    paths = []
    for name, png in pngs.items():
        path = folder / f"{name}.png"
        with atomic_path(path) as temporary:
            temporary.write_bytes(png)
        paths.append(path)
    paths.append(write_chart_index(folder, pngs, chart_settings(dpi=dpi)))
    return paths


_SPECS = {spec.name: spec for spec in RUN_CHARTS}
_CHART_NAMES = ", ".join(_SPECS)
