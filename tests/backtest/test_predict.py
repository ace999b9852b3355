"""The back-test's KPIs over calendar months, on the tiny canal of conftest.py, by hand.

One week of the canal (every week is the same; times from the week's start)::

    coal ships C0, C1, C2 enter at 0, 0.5, 0.6 and reach LOCK_A at 7.0, 7.5, 7.6
    lockages up:   C0 7.00-7.65, (empty down 7.65-8.15), C1 8.15-8.80, (empty) C2 9.30-9.95
    lockages down: C0 15.65-16.30, (empty up) C1 18.15-18.80, (empty up) C2 20.15-20.80
    the container ship sails W1 + W4 to T_SMALL: no lock, no canal link

So a week has 6 lockages with a ship (4 empty ones), 6 passages of which 3 laden (the way in),
3,000 t of coal and 1,000 t of containers across the quay, and at most 2 ships waiting (C1 and
C2 from 7.6 to 8.15). January holds 5 weeks, February 4.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.kpi import locks, throughput
from sim.backtest.predict import (
    LockFigures,
    canal_cargo_t,
    lock_figures,
    month_window_h,
    peak_queue_ships,
    quay_teu,
    quay_tonnes_t,
)
from sim.engine import Records, simulate
from sim.model.compile import compile_scenario
from sim.scenario.routes import load_checked


@pytest.fixture(scope="module")
def canal(canal_scenarios):
    scenario, _ = load_checked(canal_scenarios / "canal.yaml")
    model = compile_scenario(scenario)
    return model, simulate(model, seed=scenario.run.seed, replication=0)


def _window(model, months):
    return month_window_h(model.calendar, 2025, months)


def test_month_windows_are_calendar_months(canal):
    model, _ = canal
    assert _window(model, (1, 1)) == (0.0, 744.0)
    assert _window(model, (2, 2)) == (744.0, 1416.0)
    assert _window(model, (1, 2)) == (0.0, 1416.0)


def test_tonnes_across_the_quay_and_teu(canal):
    model, records = canal
    jan, feb = _window(model, (1, 1)), _window(model, (2, 2))
    big = [i for i, t in enumerate(model.terminals) if t.id == "T_BIG"]
    small = [i for i, t in enumerate(model.terminals) if t.id == "T_SMALL"]
    assert quay_tonnes_t(model, records, jan) == 5 * 4000.0
    assert quay_tonnes_t(model, records, feb) == 4 * 4000.0
    assert quay_tonnes_t(model, records, jan, terminals=big) == 5 * 3000.0
    assert quay_tonnes_t(model, records, jan, terminals=small) == 5 * 1000.0
    # the tiny dataset's containers weigh 10 t per TEU; coal is not containerised
    assert quay_teu(model, records, jan, {"CONTAINER": 10.0}) == 5 * 100.0
    assert quay_teu(model, records, feb, {"CONTAINER": 10.0}, terminals=big) == 0.0
    # the months add up to the locks table's year, as sim.analysis.kpi counts it
    assert (
        quay_tonnes_t(model, records, (0.0, 1416.0)) == throughput(model, records)["tonnes"].sum()
    )


def test_lock_figures_count_lockages_with_ships_and_laden_cargo(canal):
    model, records = canal
    jan = lock_figures(model, records, _window(model, (1, 1)), [0])
    feb = lock_figures(model, records, _window(model, (2, 2)), [0])
    assert jan == LockFigures(lockages=30, ships=30, cargo_t=15_000.0, ship_tonnage_t=30_000.0)
    assert feb == LockFigures(lockages=24, ships=24, cargo_t=12_000.0, ship_tonnage_t=24_000.0)
    assert jan.per_lockage(jan.ships) == 1.0
    assert jan.per_lockage(jan.cargo_t) == 500.0
    assert jan.per_lockage(jan.ship_tonnage_t) == 1000.0
    assert np.isnan(LockFigures(0, 0, 0.0, 0.0).per_lockage(1.0))
    # over the whole run, the same as the locks table (empty lockages counted apart there)
    table = locks(model, records).iloc[0]
    whole = lock_figures(model, records, (0.0, 1416.0), [0])
    assert (table["lockages"], table["passages"]) == (whole.lockages, whole.ships) == (54, 54)
    assert table["empty_lockages"] == 9 * 4
    assert table["tonnes"] == whole.cargo_t and table["ship_tonnage_t"] == whole.ship_tonnage_t
    # a lock not asked for counts nothing
    assert lock_figures(model, records, (0.0, 1416.0), []) == LockFigures(0, 0, 0.0, 0.0)


def test_peak_queue_on_the_canal(canal):
    model, records = canal
    assert peak_queue_ships(records, _window(model, (1, 2)), 0) == 2
    week = 168.0
    assert peak_queue_ships(records, (week + 7.55, week + 7.58), 0) == 1  # C1 alone
    assert peak_queue_ships(records, (week + 8.0, week + 8.1), 0) == 2  # waiting at the start
    # C1's lockage starts at 8.15 as the window opens: only C2 is still waiting
    assert peak_queue_ships(records, (week + 8.15, week + 9.0), 0) == 1
    assert peak_queue_ships(records, (week + 10.0, week + 15.0), 0) == 0


def _passages(arrival_h: list[float], start_h: list[float]) -> Records:
    n = len(arrival_h)
    empty: dict[str, np.ndarray] = {}
    passages = {
        "lock": np.zeros(n, dtype=np.int64),
        "arrival_h": np.array(arrival_h),
        "start_h": np.array(start_h),
    }
    return Records(
        empty, passages, empty, empty, empty, empty, empty, empty, np.empty((0, 2)), 100.0,
        100.0, 0, 0, 0.0,
    )  # fmt: skip


def test_peak_queue_counts_ships_between_arrival_and_lockage_start():
    # A waits 1-5, B 2-3, C never waits (arrives as its lockage starts), D arrives at 3 as
    # B leaves (B's start counts first) and waits to 6, E arrives after the window
    records = _passages([1.0, 2.0, 2.5, 3.0, 20.0], [5.0, 3.0, 2.5, 6.0, 21.0])
    assert peak_queue_ships(records, (0.0, 10.0), 0) == 2
    assert peak_queue_ships(records, (5.5, 10.0), 0) == 1  # D, already waiting
    assert peak_queue_ships(records, (6.0, 10.0), 0) == 0
    assert peak_queue_ships(records, (0.0, 1.0), 0) == 0  # A arrives as the window closes
    assert peak_queue_ships(records, (0.0, 100.0), 1) == 0  # another lock


def test_canal_cargo_counts_each_canal_voyage_once(canal):
    model, records = canal
    jan, feb = _window(model, (1, 1)), _window(model, (2, 2))
    canal_links = {"W2", "W3"}
    # coal sails W2 and W3 (both canal) in and out: counted once, when it leaves
    assert canal_cargo_t(model, records, jan, canal_links) == 5 * 3000.0
    assert canal_cargo_t(model, records, feb, canal_links) == 4 * 3000.0
    assert canal_cargo_t(model, records, jan, {"W4"}) == 5 * 1000.0  # the container ships
    assert canal_cargo_t(model, records, jan, set()) == 0.0
