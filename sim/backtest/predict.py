"""What one replication predicts for an observation: KPIs over calendar months.

Stateless functions of a compiled model and one replication's records, each over a window of
simulation hours ``[start_h, end_h)`` (:func:`month_window_h` turns a year and months into
one). They count as :mod:`sim.analysis.kpi` does, with one rule for the window's edges so that
months add up to the year:

- tonnes across the quay: a ship's payload when its handling ends (twice for a water-to-water
  transshipment), as :func:`sim.analysis.kpi.throughput`;
- a lockage counts when it starts, and only if it carried vessels (the ``lockages`` of the
  ``locks`` table; empty repositioning lockages are left out); a passage counts with its
  lockage, so ships, cargo and ship tonnage per lockage share one count;
- cargo through a lock counts laden passages only (:func:`sim.analysis.kpi.laden_passages`), ship
  tonnage the dwt of every passage;
- a canal voyage counts once, when its ship leaves the system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.kpi import laden_passages
from sim.engine import Records
from sim.model.calendar import Calendar
from sim.model.specs import CompiledModel

__all__ = [
    "LockFigures",
    "canal_cargo_t",
    "lock_figures",
    "month_window_h",
    "months_span",
    "peak_queue_ships",
    "quay_teu",
    "quay_tonnes_t",
]

Window = tuple[float, float]


def months_span(year: int, months: tuple[int, int]) -> tuple[dt.date, dt.date]:
    """First day of calendar month ``months[0]`` of ``year`` and the first day after month
    ``months[1]``."""
    first, last = months
    following = dt.date(year + 1, 1, 1) if last == 12 else dt.date(year, last + 1, 1)
    return dt.date(year, first, 1), following


def month_window_h(calendar: Calendar, year: int, months: tuple[int, int]) -> Window:
    """Simulation hours ``[start, end)`` of calendar months ``months[0]..months[1]`` of
    ``year``.

    Examples
    --------
    >>> calendar = Calendar.build(2025, 9000.0, 24.0)
    >>> month_window_h(calendar, 2025, (2, 2))
    (768.0, 1440.0)
    """
    start, end = months_span(year, months)
    return calendar.hour_of(start), calendar.hour_of(end)


def _in(times: np.ndarray, window: Window) -> np.ndarray:
    return (times >= window[0]) & (times < window[1])


def _quay_tonnes_by_flow(
    model: CompiledModel, records: Records, window: Window, terminals: Collection[int] | None
) -> np.ndarray:
    """Tonnes across the quay per flow (index) in the window, at ``terminals`` (None: all)."""
    v = records.vessels
    end = v["service_end_h"]
    counted = ~np.isnan(end) & _in(end, window)
    if terminals is not None:
        terminal_of = np.array([it.terminal for it in model.itineraries], dtype=np.int64)
        counted &= np.isin(terminal_of[v["itinerary"]], list(terminals))
    crossings = np.array([f.quay_crossings for f in model.flows], dtype=float)
    flow = v["flow"][counted]
    return np.bincount(
        flow, weights=v["payload_t"][counted] * crossings[flow], minlength=len(model.flows)
    )


def quay_tonnes_t(
    model: CompiledModel,
    records: Records,
    window: Window,
    *,
    terminals: Collection[int] | None = None,
) -> float:
    """Port throughput: tonnes across the quay in the window.

    Parameters
    ----------
    model, records
        A compiled model and one replication of it.
    window : (float, float)
        Simulation hours ``[start, end)``.
    terminals : collection of int, optional
        Indices into ``model.terminals`` (a port area); None: every terminal.

    Returns
    -------
    float
        Payloads of the ships whose handling ended in the window, twice for a
        transshipment (as :func:`sim.analysis.kpi.throughput`).
    """
    return float(_quay_tonnes_by_flow(model, records, window, terminals).sum())


def quay_teu(
    model: CompiledModel,
    records: Records,
    window: Window,
    t_per_teu: Mapping[str, float],
    *,
    terminals: Collection[int] | None = None,
) -> float:
    """Containers across the quay in TEU: the tonnes of every commodity in ``t_per_teu``
    (container and reefer cargo) divided by its tonnes per TEU.

    Parameters
    ----------
    t_per_teu : mapping of commodity id to tonnes per TEU
        The containerised commodities (``data/ports/commodities.csv``); others are left out.
    terminals : collection of int, optional
        As for :func:`quay_tonnes_t`.
    """
    by_flow = _quay_tonnes_by_flow(model, records, window, terminals)
    return float(
        sum(
            tonnes / t_per_teu[flow.commodity]
            for flow, tonnes in zip(model.flows, by_flow, strict=True)
            if flow.commodity in t_per_teu
        )
    )


@dataclass(frozen=True)
class LockFigures:
    """What passed a set of locks in a window, summed over the locks (a ship passing two
    counts twice).

    Attributes
    ----------
    lockages : int
        Lockages that started in the window with at least one vessel.
    ships : int
        Vessel passages in those lockages.
    cargo_t : float
        Payload of the laden passages.
    ship_tonnage_t : float
        Rated tonnage (dwt) of every passage, laden or empty.
    """

    lockages: int
    ships: int
    cargo_t: float
    ship_tonnage_t: float

    def per_lockage(self, quantity: float) -> float:
        """``quantity`` / lockages (NaN without any lockage)."""
        return quantity / self.lockages if self.lockages else float("nan")


def lock_figures(
    model: CompiledModel, records: Records, window: Window, locks: Sequence[int]
) -> LockFigures:
    """Lockages, passages, cargo and ship tonnage of ``locks`` (indices into ``model.locks``)
    in the window (see the module docstring for what counts)."""
    lk, p, v = records.lockages, records.passages, records.vessels
    lockages = np.isin(lk["lock"], locks) & _in(lk["start_h"], window) & (lk["vessels"] > 0)
    passages = np.isin(p["lock"], locks) & _in(p["start_h"], window)
    vessel = p["vessel"][passages]
    laden = laden_passages(model, records)[passages]
    dwt = np.array([c.dwt_t for c in model.classes], dtype=float)[v["vessel_class"][vessel]]
    return LockFigures(
        int(lockages.sum()),
        int(passages.sum()),
        float(v["payload_t"][vessel][laden].sum()),
        float(dwt.sum()),
    )


def peak_queue_ships(records: Records, window: Window, lock: int) -> int:
    """The most vessels waiting at once for lock ``lock`` (both sides) in the window.

    A vessel waits from its arrival at the lock until its lockage starts; one that enters the
    chamber on arrival never waits. Only vessels whose lockage started by the end of the run
    are known, so a queue still growing when the run stopped is undercounted.
    """
    p = records.passages
    mine = (p["lock"] == lock) & (p["arrival_h"] < p["start_h"])
    arrive, start = p["arrival_h"][mine], p["start_h"][mine]
    overlapping = (start > window[0]) & (arrive < window[1])
    arrive, start = arrive[overlapping], start[overlapping]
    waiting = int(np.count_nonzero(arrive <= window[0]))  # already waiting at the start
    later = arrive[arrive > window[0]]
    leaving = start[start < window[1]]
    times = np.concatenate([later, leaving])
    steps = np.concatenate([np.ones(len(later)), -np.ones(len(leaving))])
    order = np.lexsort((steps, times))  # at the same moment, a lockage starts first
    levels = waiting + np.cumsum(steps[order])
    return int(max(waiting, levels.max(initial=0)))


def canal_cargo_t(
    model: CompiledModel, records: Records, window: Window, canal_links: Collection[str]
) -> float:
    """Freight carried on a canal: the payload of every voyage whose ship path uses one of
    ``canal_links``, counted once when the ship leaves the system in the window."""
    canal = set(canal_links)
    uses = np.array([not canal.isdisjoint(it.ship_links) for it in model.itineraries], dtype=bool)
    v = records.vessels
    exit_h = v["exit_h"]
    counted = ~np.isnan(exit_h) & _in(exit_h, window) & uses[v["itinerary"]]
    return float(v["payload_t"][counted].sum())
