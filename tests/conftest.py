import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent))

import datasets


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A valid tiny dataset folder (see tests/datasets.py)."""
    return datasets.write(tmp_path / "tiny", datasets.tiny())
