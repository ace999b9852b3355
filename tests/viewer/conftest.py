"""A short run of the 2028 plan written to a folder once per session (the viewer reads
folders), and its viewer page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.explore import scenario_path, with_run_settings
from sim.results.output import write_outputs
from sim.viewer import write_viewer


@pytest.fixture(scope="session")
def plan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = with_run_settings(
        scenario_path("huaian_2028_plan"), year=2028, horizon_days=3, warmup_days=1
    )
    result = sim.run(scenario, replications=1, seed=16)
    folder = tmp_path_factory.mktemp("plan_run")
    write_outputs(result, folder, charts=False)
    return folder


@pytest.fixture(scope="session")
def viewer_page(plan_folder: Path) -> Path:
    return write_viewer(plan_folder, days=1)


@pytest.fixture(scope="session")
def in_system(plan_folder: Path) -> Callable[[float], int]:
    """Vessels in the system at an hour by ``events/vessels.parquet``: entered and not yet
    left."""
    vessels = pd.read_parquet(plan_folder / "events" / "vessels.parquet")
    entry = vessels["entry_h"].to_numpy(dtype=float)
    exit_h = vessels["exit_h"].to_numpy(dtype=float)

    def count(hour: float) -> int:
        return int(((entry <= hour) & (np.isnan(exit_h) | (hour < exit_h))).sum())

    return count
