"""A sweep's base scenario may name its network data by a path relative to itself, as a
scenario run alone may: the sweep reads it from there, whatever the working directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim.scenario import ScenarioError
from sim.sweep.load import load_sweep

sys.path.insert(0, str(Path(__file__).parents[1] / "backtest"))
import canal  # tests/backtest/canal.py: the tiny canal, its scenario names ../tiny

SWEEP = """\
name: Canal options
base: canal.yaml
levers:
  - id: CANAL
    options:
      - {id: AS_IS, description: as today, cost_cny: 0}
      - id: FAST_LOCK
        description: faster levelling at the lock
        cost_cny: 30_000_000
        overrides:
          locks.LOCK_A.chambers.C1.levelling_min: 20
replications: 2
seed: 3
target: {throughput_t: 100_000, year: 2025}
"""


def test_relative_network_data_is_read_beside_the_base_scenario(tmp_path, monkeypatch):
    scenarios = canal.write_canal(tmp_path / "project")
    assert "{data: ../tiny}" in (scenarios / "canal.yaml").read_text(encoding="utf-8")
    (scenarios / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # ../tiny from here does not exist
    plan = load_sweep(scenarios / "sweep.yaml")  # checks every variant against its network
    folders = {Path(s.network.data) for s in plan.scenarios.values()}
    assert {f.resolve() for f in folders} == {(tmp_path / "project" / "tiny").resolve()}
    assert all(f.is_absolute() for f in folders)


def test_a_relative_network_folder_that_is_missing_is_named(tmp_path, monkeypatch):
    scenarios = canal.write_canal(tmp_path / "project")
    text = (scenarios / "canal.yaml").read_text(encoding="utf-8")
    (scenarios / "canal.yaml").write_text(text.replace("../tiny", "../nowhere"), "utf-8")
    (scenarios / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match="nowhere"):
        load_sweep(scenarios / "sweep.yaml")
