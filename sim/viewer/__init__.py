"""``hubsim view``: one self-contained HTML page that plays a run on a map, offline.

:func:`write_viewer` reads a run (a run folder, or a run held in memory), lays out what
happens over a window (every vessel along its route, queues at locks and berths, yard levels,
trucks on roads, trains on rail links, flights to Jinhu) and writes one HTML file with
plotly.js and the data inside: no tile server, no CDN, nothing fetched when it opens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pandas as pd

from sim.i18n import current_language, tr
from sim.viewer._source import Run, RunFolderError, RunSource, atomic_path, read_run
from sim.viewer.page import PLOTLY_JS_LICENCE, PLOTLY_JS_VERSION, page_html
from sim.viewer.scene import MAX_TRACK_DAYS, Aggregate, Scene, ViewWindow, build_scene, step_for
from sim.viz.labels import zh_names

__all__ = [
    "MAX_TRACK_DAYS",
    "PLOTLY_JS_LICENCE",
    "PLOTLY_JS_VERSION",
    "VIEWER_NAME",
    "Scene",
    "ViewWindow",
    "ViewerInputError",
    "build_scene",
    "resolve_window",
    "write_viewer",
]

#: File name of the viewer inside a run folder (the report links to it there).
VIEWER_NAME = "viewer.html"

#: Days drawn when no window is given.
DEFAULT_DAYS = 7.0


class ViewerInputError(ValueError):
    """A run or window the viewer cannot draw; the message names what and the fix."""


When = dt.date | dt.datetime


def resolve_window(
    first_year: int,
    warmup_h: float,
    end_h: float,
    target_year: int,
    *,
    window: tuple[When, When] | None = None,
    days: float | None = None,
    aggregate: Aggregate | None = None,
) -> ViewWindow:
    """The window to play, in simulation hours, checked against the run.

    Parameters
    ----------
    first_year, warmup_h : int, float
        Hour ``warmup_h`` is 1 January ``first_year`` 00:00.
    end_h : float
        Hour the replication stopped.
    target_year : int
        Year the plan is judged on: the default window starts on its 1 January (or at the
        end of the warm-up if the run does not reach it).
    window : (start, end), optional
        Dates or datetimes; ``end`` is the instant the window stops (exclusive).
    days : float, optional
        Length from the default start.
    aggregate : {"hourly", "daily"}, optional
        Aggregates instead of every vessel; without ``window`` or ``days`` the whole target
        year (what the run has of it).

    Raises
    ------
    ViewerInputError
        Both ``window`` and ``days``; a window outside the run, empty, or longer than
        :data:`MAX_TRACK_DAYS` days without ``aggregate``.
    """
    origin = dt.datetime(first_year, 1, 1)

    def hour(when: When) -> float:
        moment = when if isinstance(when, dt.datetime) else dt.datetime(*when.timetuple()[:3])
        return (moment - origin).total_seconds() / 3600.0 + warmup_h

    def label(hours: float) -> str:
        return (origin + dt.timedelta(hours=hours - warmup_h)).strftime("%Y-%m-%d %H:%M")

    if window is not None and days is not None:
        raise ViewerInputError("give --window or --days, not both")
    year_start = hour(dt.date(target_year, 1, 1))
    default_start = year_start if warmup_h <= year_start < end_h else warmup_h
    if window is not None:
        start_h, stop_h = hour(window[0]), hour(window[1])
    elif days is not None:
        if not days > 0:
            raise ViewerInputError(f"--days must be > 0 (got {days})")
        start_h, stop_h = default_start, default_start + 24.0 * days
    elif aggregate is not None:
        start_h = default_start
        stop_h = hour(dt.date(target_year + 1, 1, 1)) if default_start == year_start else end_h
    else:
        start_h, stop_h = default_start, default_start + 24.0 * DEFAULT_DAYS
    if window is None:
        stop_h = min(stop_h, end_h)
    if not start_h < stop_h:
        raise ViewerInputError(
            f"the window must end after it starts (got {label(start_h)} to {label(stop_h)})"
        )
    if start_h < 0 or stop_h > end_h + 1e-9:
        raise ViewerInputError(
            f"the window {label(start_h)} to {label(stop_h)} is outside the run, which covers "
            f"{label(0.0)} to {label(end_h)} (warm-up included)"
        )
    length_days = (stop_h - start_h) / 24.0
    if aggregate is None:
        if length_days > MAX_TRACK_DAYS + 1e-9:
            raise ViewerInputError(
                f"a window of {length_days:.1f} days is too long to draw vessel by vessel "
                f"(at most {MAX_TRACK_DAYS:.0f}); add --aggregate hourly or --aggregate daily"
            )
        return ViewWindow(start_h, stop_h, step_for(length_days))
    step_h = 24.0 if aggregate == "daily" else 1.0
    steps = math.floor((stop_h - start_h) / step_h + 1e-9)
    if steps < 1:
        raise ViewerInputError(
            f"an aggregate by {'day' if aggregate == 'daily' else 'hour'} needs a window of at "
            f"least one {'day' if aggregate == 'daily' else 'hour'}"
        )
    return ViewWindow(start_h, start_h + steps * step_h, step_h, aggregate)


def _named(run: Run) -> Run:
    """The run with its places, terminals and locks named in the current language (Chinese:
    ``name_zh`` of the network data where it has one; the viewer reads names only there)."""
    if current_language() == "en":
        return run
    model = run.data.model
    chinese = zh_names(model)

    def renamed(table: pd.DataFrame) -> pd.DataFrame:
        if table.empty or "name" not in table:
            return table
        names = [chinese.get(str(i), n) for i, n in zip(table["id"], table["name"], strict=True)]
        return table.assign(name=names)

    named = dataclasses.replace(
        model,
        places=renamed(model.places),
        terminals=renamed(model.terminals),
        locks=renamed(model.locks),
    )
    return dataclasses.replace(run, data=dataclasses.replace(run.data, model=named))


def write_viewer(
    source: RunSource,
    path: str | Path | None = None,
    *,
    window: tuple[When, When] | None = None,
    days: float | None = None,
    aggregate: Aggregate | None = None,
    replication: int = 0,
) -> Path:
    """Write the viewer of a run: one HTML file that works offline.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run: a folder written by ``hubsim run --out``, or a run in memory that kept its
        records.
    path : path, optional
        The HTML file (default ``viewer.html`` in the run folder; required for a run in
        memory). Written atomically.
    window, days, aggregate
        What to play (:func:`resolve_window`): by default the first week of the target year,
        every vessel drawn.
    replication : int
        Which replication to draw.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ViewerInputError
        The run cannot be read or has no network to draw, or the window does not fit it.
    """
    try:
        run = read_run(source, replication)
    except RunFolderError as error:
        raise ViewerInputError(str(error)) from None
    model = run.data.model
    if not model.has_network:
        raise ViewerInputError(
            f"{run.data.source}: this scenario has no network to draw (the viewer maps the "
            "routes of the network in data/ports; use `hubsim report` for its charts)"
        )
    if path is None:
        if not isinstance(source, str | Path):
            raise ViewerInputError("give the file to write for a run held in memory")
        path = Path(source) / VIEWER_NAME
    chosen = resolve_window(
        model.first_year,
        model.warmup_h,
        run.end_h,
        model.target_year,
        window=window,
        days=days,
        aggregate=aggregate,
    )
    scene = build_scene(_named(run), chosen)
    title = tr("hubsim viewer: {name}", name=run.data.name)
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_text(page_html(scene, title=title), encoding="utf-8")
    return path
