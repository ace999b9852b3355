"""What the utilisation charts draw, computed once for the PNG charts (:mod:`sim.viz.utilisation`)
and the report's interactive figures (:mod:`sim.report.figures.utilisation`): the heat map's
grid, the bottleneck ranking's bars, states, notes and relief gains. No matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import facilities
from sim.i18n import N_, localise, tr
from sim.results.rundata import RunData
from sim.viz.measures import monthly_utilisation
from sim.viz.palette import KIND_COLOURS

__all__ = [
    "STATE_LABELS",
    "CriterionBars",
    "ReliefGains",
    "UtilisationGrid",
    "bottleneck_notes",
    "criterion_bars",
    "criterion_status",
    "kinds_in",
    "nice_limit",
    "relief_gains",
    "utilisation_grid",
]

#: rows of the heat map grouped by kind, in the order of KIND_COLOURS (lock, berths, yard)
_KIND_ORDER = {kind: i for i, kind in enumerate(KIND_COLOURS)}

#: What the verdict says of a ranked resource's criterion, as the charts' legends say it.
STATE_LABELS = {
    "fails": N_("breaks its criterion"),
    "shared": N_("adds to a port-wide criterion that fails"),
    "uncertain": N_("may break it (95 % CI straddles the limit)"),
    "overflowed": N_("its queue overflowed"),
}


def kinds_in(kinds: pd.Series) -> list[str]:
    """The kinds present, in the registry's order (lock, berths, yard, then landside)."""
    present = set(kinds)
    known = [k.name for k in facilities.kinds() if k.name in present]
    return known + sorted(present - set(known))


@dataclass(frozen=True)
class UtilisationGrid:
    """The heat map of utilisation by month.

    Attributes
    ----------
    values : DataFrame
        One row per resource, indexed by ``(kind, resource)``, one column per month
        (``2028-03``): the share of its capacity in use (0-1; NaN: not in service that month).
        Rows are grouped by kind (locks, berth groups, yards) and sorted by their mean
        utilisation within each; empty when no resource was in service.
    resources : int
        Resources in service in the counted period (rows before the most used were kept).
    """

    values: pd.DataFrame
    resources: int


def utilisation_grid(data: RunData, *, top: int | None = 30) -> UtilisationGrid:
    """:func:`~sim.viz.measures.monthly_utilisation` as a heat map grid.

    Parameters
    ----------
    data : RunData
    top : int or None
        Keep the ``top`` resources with the highest mean utilisation (None: all).
    """
    table = monthly_utilisation(data)
    if table.empty:
        return UtilisationGrid(pd.DataFrame(), 0)
    table = table.assign(
        column=table["year"].astype(str) + "-" + table["month"].map("{:02d}".format)
    )
    grid = table.pivot_table(
        index=["kind", "resource"], columns="column", values="utilisation", sort=True
    )
    mean = grid.mean(axis=1)
    order = sorted(grid.index, key=lambda key: -mean[key])
    resources = len(order)
    if top is not None:
        order = order[:top]
    order = sorted(order, key=lambda key: (_KIND_ORDER.get(key[0], 3), -mean[key]))
    return UtilisationGrid(grid.loc[order], resources)


def nice_limit(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k at or above ``value`` (> 0):
    an axis end close to the largest value drawn."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return float(step * power)
    return float(10.0 * power)


def criterion_status(table: pd.DataFrame) -> list[str]:
    """What the verdict says of each ranked resource's criterion: ``overflowed``, ``fails``
    (it breaks its criterion), ``shared`` (its criterion is port-wide and fails, though its own
    part is under the limit: a yard's share of the berth time ships are held), ``uncertain``
    (the 95 % CI straddles the limit), ``holds`` or ``none`` (no criterion judges it)."""
    ratio = table["criterion_ratio"].to_numpy(dtype=float)
    holds = (
        table["holds"].astype("boolean")
        if "holds" in table
        else pd.Series(pd.NA, index=table.index, dtype="boolean")
    )
    overflowed = (
        table["overflowed"].fillna(False).astype(bool).to_numpy()
        if "overflowed" in table
        else np.zeros(len(table), dtype=bool)
    )
    criteria = table["criterion"].fillna("").astype(str).to_numpy()
    out = []
    for i, verdict in enumerate(holds.tolist()):
        if overflowed[i]:
            out.append("overflowed")
        elif not criteria[i]:
            out.append("none")
        elif verdict is pd.NA or verdict is None:
            out.append("uncertain")
        elif verdict:
            out.append("holds")
        else:
            out.append("fails" if not ratio[i] < 1.0 else "shared")
    return out


@dataclass(frozen=True)
class CriterionBars:
    """The bars of the ranking by effect on the verdict, in the rows of the table given.

    Attributes
    ----------
    length : ndarray
        Each resource's criterion as value / limit (0 when it has none); a queue that
        overflowed has no ratio: its bar runs past the longest, 1.1 times it.
    status : list of str
        :func:`criterion_status` of each row.
    axis_end : float
        The end of the value axis: :func:`nice_limit` of the longest bar (the limit, 1, always
        in view).
    """

    length: np.ndarray
    status: list[str]
    axis_end: float


def criterion_bars(table: pd.DataFrame) -> CriterionBars:
    """The bars of a ranked ``bottlenecks`` table (one with ``criterion_ratio``)."""
    ratio = table["criterion_ratio"].to_numpy(dtype=float)
    shown = np.nan_to_num(ratio, nan=0.0, posinf=0.0, neginf=0.0)
    status = criterion_status(table)
    overflowed = np.array([s == "overflowed" for s in status], dtype=bool)
    longest = max(float(shown.max(initial=0.0)), 1.0)
    shown = np.where(overflowed, longest * 1.1, shown)
    axis_end = nice_limit(max(float(shown.max(initial=0.0)), 1.0) * 1.04)
    return CriterionBars(shown, status, axis_end)


def bottleneck_notes(
    table: pd.DataFrame, names: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """What is written beside each ranked resource's bar, in the current language: its
    criterion (value, limit) and its measures (utilisation, mean wait, share of all vessel
    time spent waiting for it; those it has).

    Parameters
    ----------
    table : DataFrame
        Rows of the ``bottlenecks`` table.
    names : dict, optional
        English place names -> names in the current language (:func:`localise_names`).

    Returns
    -------
    list of (criterion, measures)
    """
    notes = []
    for row in table.itertuples(index=False):
        criterion = row.criterion if isinstance(row.criterion, str) and row.criterion else ""
        parts = []
        if row.utilisation == row.utilisation:
            parts.append(tr("util {utilisation:.0%}", utilisation=row.utilisation))
        if row.mean_wait_h == row.mean_wait_h:
            parts.append(tr("wait {wait_h:.1f} h", wait_h=row.mean_wait_h))
        if row.wait_share == row.wait_share:
            parts.append(tr("{share:.2%} of vessel time", share=row.wait_share))
        said = localise(criterion, names) if criterion else tr("no service criterion")
        notes.append((said, tr(", ").join(parts)))
    return notes


@dataclass(frozen=True)
class ReliefGains:
    """The sustainable capacity relieving each ranked resource adds, in the rows given.

    Attributes
    ----------
    gain_mt : ndarray
        Mt/yr (NaN: not relieved, no relief rule or not computed).
    below_mt, above_mt : ndarray
        How far the 95 % CI reaches below and above the gain (0 when unknown).
    best : int
        The row of the largest gain (the relief the verdict names), -1 if none.
    """

    gain_mt: np.ndarray
    below_mt: np.ndarray
    above_mt: np.ndarray
    best: int

    @property
    def relieved(self) -> np.ndarray:
        """Rows with a gain."""
        return ~np.isnan(self.gain_mt)


def relief_gains(relief: pd.DataFrame, table: pd.DataFrame) -> ReliefGains:
    """The relief (:meth:`RunData.with_relief`) of each row of ``table`` (``kind, resource``)."""
    gains = relief.set_index(["kind", "resource"])
    mean, err_low, err_high = [], [], []
    for key in zip(table["kind"], table["resource"], strict=True):
        if key in gains.index:
            row = gains.loc[key]
            mean.append(row["gain_t"] / 1e6)
            low, high = row["gain_t_ci95_low"], row["gain_t_ci95_high"]
            err_low.append(0.0 if pd.isna(low) else max(0.0, (row["gain_t"] - low) / 1e6))
            err_high.append(0.0 if pd.isna(high) else max(0.0, (high - row["gain_t"]) / 1e6))
        else:
            mean.append(np.nan)
            err_low.append(0.0)
            err_high.append(0.0)
    values = np.array(mean, dtype=float)
    relieved = ~np.isnan(values)
    best = int(np.nanargmax(values)) if relieved.any() else -1
    return ReliefGains(
        values, np.array(err_low, dtype=float), np.array(err_high, dtype=float), best
    )
