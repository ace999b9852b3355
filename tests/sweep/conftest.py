"""Fixtures of the sweep tests (the sweep files themselves are in sweepfiles.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweepfiles import sweep_text


@pytest.fixture
def quay_sweep(tmp_path: Path) -> Path:
    path = tmp_path / "quay_sweep.yaml"
    path.write_text(sweep_text())
    return path
