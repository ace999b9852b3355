"""Small runs shared by the chart and report tests (a few weeks of the 2025 baseline)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.explore import scenario_path, with_run_settings
from sim.results.output import write_outputs
from sim.results.rundata import RunData
from sim.runs.capacity import Relief
from sim.runs.run import RunResult

#: A relief as bottleneck_relief returns it (a real capacity search runs in notebook 01's test).
RELIEF = Relief(
    "LOCK_HUAIAN",
    "lock",
    "one more chamber of 230 x 23 m at LOCK_HUAIAN",
    (2.5e6, 1.0e6, 4.0e6),
    (75e6, 72e6, 78e6),
    (1.5e6, 3.5e6),
)


@pytest.fixture(scope="session")
def baseline() -> RunResult:
    scenario = with_run_settings(
        scenario_path("huaian_2025_baseline"), horizon_days=20, warmup_days=2
    )
    return sim.run(scenario, replications=2, seed=11)


@pytest.fixture(scope="session")
def baseline_data(baseline: RunResult) -> RunData:
    return RunData.from_result(baseline, relief=[RELIEF])


@pytest.fixture(scope="session")
def run_folder(baseline: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("baseline_run")
    write_outputs(baseline, folder, relief=[RELIEF], charts=False)
    return folder


@pytest.fixture(scope="session")
def folder_data(run_folder: Path) -> RunData:
    return RunData.from_folder(run_folder)


@pytest.fixture(scope="session")
def minimal() -> RunResult:
    scenario = with_run_settings(
        scenario_path("minimal_single_berth"), horizon_days=40, warmup_days=5
    )
    return sim.run(scenario, replications=2, seed=5)
