"""What an observation asks of a scenario: its place resolved to terminals, locks or canal
links, or the reason the scenario cannot predict it.

Places are node ids of the network data or one of the aggregates of
``data/observed/README.md`` (:data:`AGGREGATES`). A row the scenario cannot predict in full
(a lock it does not model, a lock outside the network) is *not predicted*, with the reason;
never a partial sum. A place that does not exist, or does not fit the KPI, is bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from network import Dataset
from sim.backtest.observations import KPI_UNITS, BacktestInputError, Observation
from sim.backtest.predict import (
    Window,
    canal_cargo_t,
    lock_figures,
    peak_queue_ships,
    quay_teu,
    quay_tonnes_t,
)
from sim.engine import Records
from sim.i18n import en
from sim.model.specs import CompiledModel
from sim.scenario import Scenario

__all__ = [
    "AGGREGATES",
    "CANAL_CORRIDOR",
    "PORT",
    "Aggregate",
    "Target",
    "measure",
    "place_label",
    "place_label_zh",
    "resolve",
]

#: The whole port: every terminal of the scenario.
PORT = "PORT"
#: Links of the Subei Grand Canal: those whose ``corridor`` starts with this.
CANAL_CORRIDOR = "Grand Canal (Subei)"
_CONTAINER_GROUPS = ("container", "reefer")
_AREA_NAMES = {"HUAIAN": "Huai'an"}


@dataclass(frozen=True)
class Aggregate:
    """A place made of several locks; ``outside_network`` names members the network data
    does not hold (a row at such a place cannot be predicted)."""

    label: str
    locks: tuple[str, ...]
    outside_network: tuple[str, ...] = ()


#: Lock aggregates of ``data/observed/README.md``.
AGGREGATES = {
    "SUBEI_CANAL": Aggregate(
        "Subei canal",
        (
            "LOCK_SHIQIAO",
            "LOCK_SHAOBO",
            "LOCK_HUAIAN",
            "LOCK_HUAIYIN",
            "LOCK_SIYANG",
            "LOCK_LIULAOJIAN",
            "LOCK_SUQIAN",
            "LOCK_ZAOHE",
            "LOCK_LIUSHAN",
            "LOCK_JIETAI",
        ),
    ),
    "HUAIAN_WATERWAY_LOCKS": Aggregate(
        "Huai'an waterway locks",
        ("LOCK_GAOLIANGJIAN", "LOCK_YANGZHUANG"),
        ("Zhuma lock (朱码船闸)",),
    ),
}

_LOCK_KPIS = frozenset(kpi for kpi in KPI_UNITS if kpi.startswith("lock_"))


@dataclass(frozen=True)
class Target:
    """An observation resolved against one scenario.

    Attributes
    ----------
    kpi : str
        The observation's KPI.
    label : str
        The place in words (network names), e.g. ``Huai'an lock``, ``Subei canal``.
    terminals : tuple of str or None
        Terminal ids counted (a port area); None: every terminal.
    locks : tuple of str
        Lock ids summed (the peak queue: the largest of them).
    t_per_teu : mapping
        Tonnes per TEU of the containerised commodities (``port_teu``).
    canal_links : frozenset of str
        Link ids of the canal (``canal_cargo_carried_t``).
    label_zh : str
        The place's Chinese name in the network data, if the label is its name and it has
        one (:func:`place_label_zh`).
    """

    kpi: str
    label: str
    terminals: tuple[str, ...] | None = None
    locks: tuple[str, ...] = ()
    t_per_teu: Mapping[str, float] = field(default_factory=dict)
    canal_links: frozenset[str] = frozenset()
    label_zh: str = ""


def place_label(place: str, dataset: Dataset) -> str:
    """A place in words: the network's name of a node, or an aggregate's label."""
    if place == PORT:
        return "Huai'an Port"
    if place in AGGREGATES:
        return AGGREGATES[place].label
    if place in dataset.nodes.index:
        return str(dataset.nodes.loc[place, "name"])
    return place


def place_label_zh(place: str, dataset: Dataset, label: str) -> str:
    """The Chinese name of a place labelled ``label`` (:func:`place_label`): the node's
    ``name_zh`` when the label is the node's own name, else "" (an aggregate, the port, or a
    port area named for its area: the back-test's own words, translated where shown)."""
    nodes = dataset.nodes
    if place not in nodes.index or "name_zh" not in nodes or label != nodes.loc[place, "name"]:
        return ""
    chinese = nodes.loc[place, "name_zh"]
    return chinese if isinstance(chinese, str) else ""


def _node_kind(dataset: Dataset, place: str) -> str | None:
    return str(dataset.nodes.loc[place, "kind"]) if place in dataset.nodes.index else None


def resolve(
    observation: Observation, scenario: Scenario, dataset: Dataset, *, where: str, file: str
) -> Target | str:
    """The target of ``observation`` in ``scenario``, or why the scenario cannot predict it.

    Parameters
    ----------
    observation : Observation
    scenario : Scenario
        The scenario named by the row, loaded and checked.
    dataset : Dataset
        Its network data (the bundled data for a scenario without network).
    where : str
        The row, for messages (``observations.csv: row OBS_X``).
    file : str
        The scenario file, for reasons.

    Raises
    ------
    BacktestInputError
        The place is not in the network data nor an aggregate, or does not fit the KPI.
    """
    target = _resolve(observation, scenario, dataset, where=where, file=file)
    if isinstance(target, str):
        return target
    return replace(target, label_zh=place_label_zh(observation.place, dataset, target.label))


def _resolve(
    observation: Observation, scenario: Scenario, dataset: Dataset, *, where: str, file: str
) -> Target | str:
    kpi, place = observation.kpi, observation.place
    kind = _node_kind(dataset, place)
    if kind is None and place != PORT and place not in AGGREGATES:
        raise BacktestInputError(
            f"{where}: place {place} is neither a node of {dataset.directory / 'nodes.geojson'} "
            f"nor one of {', '.join([PORT, *AGGREGATES])}"
        )
    label = place_label(place, dataset)
    if kpi in _LOCK_KPIS:
        if kind != "lock" and place not in AGGREGATES:
            raise _misfit(where, observation, "a lock node or " + " or ".join(AGGREGATES))
        return _lock_target(kpi, place, label, scenario, file)
    if kpi == "canal_cargo_carried_t":
        if place != "SUBEI_CANAL":
            raise _misfit(where, observation, "SUBEI_CANAL")
        return _canal_target(kpi, label, scenario, dataset, file)
    if kpi == "port_throughput_t" and place != PORT:
        raise _misfit(where, observation, PORT)
    if kpi == "port_area_throughput_t" and kind != "terminal":
        raise _misfit(where, observation, "a terminal node (its port area is counted)")
    if kpi == "port_teu" and place != PORT and kind != "terminal":
        raise _misfit(where, observation, f"{PORT} or a terminal node")
    t_per_teu = _t_per_teu(dataset, where) if kpi == "port_teu" else {}
    if place == PORT:
        return Target(kpi, label, t_per_teu=t_per_teu)
    area = str(dataset.nodes.loc[place, "port_area"])
    terminals = tuple(t for t in scenario.terminals if _area(scenario, dataset, t) == area)
    if not terminals:
        return en("no terminal of port area {area} is modelled in {file}", area=area, file=file)
    if "port area" not in label:
        label = f"{_AREA_NAMES.get(area, area.title())} port area"
    return Target(kpi, label, terminals=terminals, t_per_teu=t_per_teu)


def _lock_target(kpi: str, place: str, label: str, scenario: Scenario, file: str) -> Target | str:
    """A lock or a group of locks, each of them modelled, or why not."""
    group = AGGREGATES.get(place) or Aggregate(label, (place,))
    if group.outside_network:
        return en(
            "{place} includes {outside}, which is not in the network data: hubsim cannot sum "
            "all of its locks",
            place=place,
            outside=", ".join(group.outside_network),
        )
    missing = [lock for lock in group.locks if lock not in scenario.locks]
    if len(missing) == 1:
        return en(
            "{locks} is not modelled in {file} (not under its locks:)", locks=missing[0], file=file
        )
    if missing:
        return en(
            "{locks} are not modelled in {file} (not under its locks:)",
            locks=", ".join(missing),
            file=file,
        )
    return Target(kpi, label, locks=group.locks)


def _canal_target(
    kpi: str, label: str, scenario: Scenario, dataset: Dataset, file: str
) -> Target | str:
    """The links of the Subei canal in the scenario's network, or why there are none."""
    if scenario.network is None:
        return en("{file} has no network: none of its ships sails a canal link", file=file)
    links = dataset.links
    canal = links.index[links["corridor"].fillna("").str.startswith(CANAL_CORRIDOR)]
    if not len(canal):
        return en(
            "the network data of {file} has no {corridor} link", file=file, corridor=CANAL_CORRIDOR
        )
    return Target(kpi, label, canal_links=frozenset(canal))


def _area(scenario: Scenario, dataset: Dataset, terminal: str) -> str:
    """Port area of a scenario terminal, as :func:`sim.model.compile.compile_scenario` sets it."""
    own = scenario.terminals[terminal].port_area
    if own:
        return own
    if terminal in dataset.nodes.index and isinstance(
        dataset.nodes.loc[terminal, "port_area"], str
    ):
        return str(dataset.nodes.loc[terminal, "port_area"])
    return terminal


def _t_per_teu(dataset: Dataset, where: str) -> dict[str, float]:
    commodities = dataset.commodities
    boxed = commodities[commodities["cargo_group"].isin(_CONTAINER_GROUPS)]
    unknown = boxed[boxed["t_per_teu"].isna() | (boxed["t_per_teu"] <= 0)]
    if len(unknown):
        raise BacktestInputError(
            f"{where}: port_teu needs t_per_teu of every container and reefer commodity; "
            f"{dataset.directory / 'commodities.csv'} gives none for "
            + ", ".join(unknown["commodity_id"])
        )
    return dict(zip(boxed["commodity_id"], boxed["t_per_teu"].astype(float), strict=True))


def _misfit(where: str, observation: Observation, expected: str) -> BacktestInputError:
    return BacktestInputError(
        f"{where}: place {observation.place} does not fit kpi {observation.kpi} "
        f"(expected {expected})"
    )


def measure(target: Target, model: CompiledModel, records: Records, window: Window) -> float:
    """The value one replication predicts for ``target`` over ``window``."""
    kpi = target.kpi
    terminals = (
        None
        if target.terminals is None
        else [i for i, t in enumerate(model.terminals) if t.id in target.terminals]
    )
    if kpi in ("port_throughput_t", "port_area_throughput_t"):
        return quay_tonnes_t(model, records, window, terminals=terminals)
    if kpi == "port_teu":
        return quay_teu(model, records, window, target.t_per_teu, terminals=terminals)
    if kpi == "canal_cargo_carried_t":
        return canal_cargo_t(model, records, window, target.canal_links)
    locks = [i for i, lock in enumerate(model.locks) if lock.id in target.locks]
    if kpi == "lock_peak_queue_ships":
        peak = max(peak_queue_ships(records, window, lock) for lock in locks)
        stop = records.overload
        if stop is not None and stop.resource in target.locks and window[0] <= stop.time_h:
            # the run stopped as one side's queue passed the limit; those ships never locked
            peak = max(peak, stop.length)
        return float(peak)
    figures = lock_figures(model, records, window, locks)
    values = {
        "lock_lockages": float(figures.lockages),
        "lock_ships": float(figures.ships),
        "lock_ships_per_lockage": figures.per_lockage(figures.ships),
        "lock_cargo_t": figures.cargo_t,
        "lock_ship_tonnage_t": figures.ship_tonnage_t,
        "lock_cargo_t_per_lockage": figures.per_lockage(figures.cargo_t),
        "lock_ship_tonnage_t_per_lockage": figures.per_lockage(figures.ship_tonnage_t),
    }
    return values.get(kpi, np.nan)
