"""Where every vessel is at a moment of the run: a snapshot map and a GIF of a chosen day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from matplotlib.animation import PillowWriter
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from network.files import atomic_path
from network.plot import HUB_WINDOW
from sim.i18n import N_, format_datetime, tr
from sim.results.rundata import RunData, RunSource, as_run_data
from sim.viz.journeys import default_start_h
from sim.viz.labels import place_label
from sim.viz.measures import hour_of_date
from sim.viz.style import MODE_COLOURS, hours_to_datetimes, new_figure, no_data
from sim.viz.tracks import vessel_waypoints

__all__ = ["STATE_COLOURS", "animate_vessels", "vessel_positions", "vessel_positions_chart"]

When = dt.date | dt.datetime | float | None

#: Colour of a vessel by what it is doing.
STATE_COLOURS = {  # the keys are shown through tr(), marked in _STATES
    "sailing": MODE_COLOURS["water"],
    "waiting at a lock": "#ff7f0e",
    "in a lock": "#08306b",
    "waiting for a berth": "#e377c2",
    "at a berth": "#d62728",
}


class _Journeys:
    """Waypoints of a window arranged for fast position look-ups at many instants."""

    def __init__(self, data: RunData, start_h: float, end_h: float, replication: int) -> None:
        points = vessel_waypoints(data, replication=replication, start_h=start_h, end_h=end_h)
        run_end = data.end_h(replication)
        self.empty = points.empty
        places = data.model.places.set_index("id")
        links = data.model.links.set_index("id")
        self.vessel = points["vessel"].to_numpy()
        self.arrive = points["arrive_h"].to_numpy(dtype=float)
        serve = points["serve_h"].to_numpy(dtype=float)
        depart = points["depart_h"].to_numpy(dtype=float)
        self.serve = np.where(np.isnan(serve), run_end, serve)
        self.depart = np.where(np.isnan(depart), run_end, depart)
        self.stop = points["stop"].to_numpy()
        self.x = places.loc[points["place"], "lon"].to_numpy(dtype=float)
        self.y = places.loc[points["place"], "lat"].to_numpy(dtype=float)
        same = np.append(self.vessel[1:] == self.vessel[:-1], False)
        self.next_arrive = np.where(same, np.append(self.arrive[1:], np.nan), np.nan)
        hops = points["next_link"].to_numpy()
        self.line = np.array(
            [shapely.LineString(links.at[h, "coords"]) if h else None for h in hops],
            dtype=object,
        )
        starts_at = np.array([links.at[h, "from_node"] if h else "" for h in hops], dtype=object)
        self.forward = starts_at == points["place"].to_numpy()

    def at(self, time_h: float) -> pd.DataFrame:
        """Position and state of every vessel on the water at ``time_h``."""
        if self.empty:
            return pd.DataFrame(columns=["vessel", "lon", "lat", "state"])
        here = (self.arrive <= time_h) & (time_h <= self.depart)
        sailing = (self.depart < time_h) & (time_h < self.next_arrive)
        state = np.full(len(self.vessel), "sailing", dtype=object)
        waiting = time_h < self.serve
        state[here & (self.stop == "lock")] = np.where(
            waiting[here & (self.stop == "lock")], "waiting at a lock", "in a lock"
        )
        state[here & (self.stop == "berth")] = np.where(
            waiting[here & (self.stop == "berth")], "waiting for a berth", "at a berth"
        )
        on_water = here & ~np.isin(self.stop, ["entry", "exit"]) | sailing
        x, y = self.x.copy(), self.y.copy()
        if sailing.any():
            fraction = (time_h - self.depart[sailing]) / (
                self.next_arrive[sailing] - self.depart[sailing]
            )
            fraction = np.where(self.forward[sailing], fraction, 1.0 - fraction)
            points = shapely.line_interpolate_point(
                self.line[sailing], np.clip(fraction, 0.0, 1.0), normalized=True
            )
            x[sailing], y[sailing] = shapely.get_x(points), shapely.get_y(points)
        frame = pd.DataFrame({"vessel": self.vessel, "lon": x, "lat": y, "state": state})[on_water]
        return frame.drop_duplicates("vessel", keep="last")


def vessel_positions(source: RunSource, time_h: float, *, replication: int = 0) -> pd.DataFrame:
    """Every vessel on the water at ``time_h``: ``vessel, lon, lat, state``.

    ``state`` is one of :data:`STATE_COLOURS`; a sailing ship is placed along its link's
    geometry in proportion to the time sailed.
    """
    data = as_run_data(source)
    return _Journeys(data, time_h, time_h, replication).at(time_h)


def _background(ax: Axes, data: RunData) -> None:
    links = data.model.links
    for mode, width in (("road", 0.5), ("rail", 0.8), ("sea", 1.2), ("water", 2.0)):
        lines = [np.asarray(c) for c in links.loc[links["mode"] == mode, "coords"]]
        if lines:
            colour = "#c6dbef" if mode == "water" else "#e0e0e0"
            ax.add_collection(LineCollection(lines, colors=colour, linewidths=width, zorder=1))
    places = data.model.places
    for kind, marker in (("terminal", "s"), ("lock", "D")):
        subset = places[places["kind"] == kind]
        ax.scatter(
            subset["lon"],
            subset["lat"],
            marker=marker,
            s=30,
            facecolor="white",
            edgecolor="black",
            linewidth=0.7,
            zorder=2,
        )
        for row in subset.itertuples(index=False):
            if (
                HUB_WINDOW[0] <= row.lon <= HUB_WINDOW[1]
                and HUB_WINDOW[2] <= row.lat <= HUB_WINDOW[3]
            ):
                ax.annotate(
                    place_label(data.model, str(row.id), str(row.name).split(" (")[0]),
                    (row.lon, row.lat),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=7,
                    zorder=3,
                )
    ax.set_xlim(HUB_WINDOW[0], HUB_WINDOW[1])
    ax.set_ylim(HUB_WINDOW[2], HUB_WINDOW[3])
    ax.set_aspect(1 / 0.84)
    ax.set_xlabel(tr("Longitude (°E)"))
    ax.set_ylabel(tr("Latitude (°N)"))
    ax.legend(
        handles=[
            Line2D([], [], linestyle="none", marker="o", color=c, label=tr(s))
            for s, c in STATE_COLOURS.items()
        ],
        loc="lower left",
        fontsize=8,
    )


def _title(data: RunData, time_h: float, count: int) -> str:
    when = pd.Timestamp(hours_to_datetimes(data.model.calendar, np.array([time_h]))[0])
    return tr(
        "{name}: vessels at {when} ({count:,} under way in the network)",
        name=data.name,
        when=format_datetime(when.to_pydatetime()),
        count=count,
    )


def vessel_positions_chart(source: RunSource, *, at: When = None, replication: int = 0) -> Figure:
    """Map of the vessels around the Huai'an hub at one moment, coloured by what they do.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` and ``passages`` records and the network.
    at : date, datetime or float, optional
        The moment (default: noon of the first day after the warm-up).
    replication : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = as_run_data(source)
    figure, ax = new_figure(9, 8)
    if not data.model.has_network:
        no_data(ax, tr("this scenario has no network to map"))
        return figure
    time_h = hour_of_date(data, at, default_start_h(data) + 12.0)
    positions = vessel_positions(data, time_h, replication=replication)
    _background(ax, data)
    ax.scatter(
        positions["lon"],
        positions["lat"],
        s=14,
        zorder=4,
        c=[STATE_COLOURS[s] for s in positions["state"]],
    )
    ax.set_title(_title(data, time_h, len(positions)), fontsize=10)
    return figure


def animate_vessels(
    source: RunSource,
    path: str | Path,
    *,
    day: When = None,
    hours: float = 24.0,
    frames: int = 48,
    fps: int = 8,
    replication: int = 0,
    dpi: int = 72,
) -> Path:
    """Write a GIF of the vessels around the Huai'an hub over a chosen day.

    Parameters
    ----------
    source : RunData, RunResult or path
        The run; reads its ``vessels`` and ``passages`` records and the network.
    path : path
        The GIF to write (atomically).
    day : date, datetime or float, optional
        Start of the animation (default: the first midnight after the warm-up).
    hours : float
        Length of the animated period.
    frames, fps : int
        Frames drawn (evenly spaced) and frames per second of the GIF.
    replication : int
    dpi : int

    Returns
    -------
    Path
        The GIF written.

    Raises
    ------
    ValueError
        The scenario has no network.
    """
    data = as_run_data(source)
    if not data.model.has_network:
        raise ValueError("this scenario has no network to animate")
    start = hour_of_date(data, day, default_start_h(data))
    journeys = _Journeys(data, start, start + hours, replication)
    figure, ax = new_figure(8, 7)
    _background(ax, data)
    dots = ax.scatter([], [], s=12, zorder=4)
    path = Path(path)
    writer = PillowWriter(fps=fps)
    with atomic_path(path) as temporary:
        writer.setup(figure, str(temporary), dpi=dpi)
        for time_h in np.linspace(start, start + hours, frames):
            positions = journeys.at(float(time_h))
            dots.set_offsets(positions[["lon", "lat"]].to_numpy())
            dots.set_color([STATE_COLOURS[s] for s in positions["state"]])
            ax.set_title(_title(data, float(time_h), len(positions)), fontsize=9)
            writer.grab_frame()
        writer.finish()
    return path


_STATES = (
    N_("sailing"),
    N_("waiting at a lock"),
    N_("in a lock"),
    N_("waiting for a berth"),
    N_("at a berth"),
)
