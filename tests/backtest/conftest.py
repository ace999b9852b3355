import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from canal import write_canal


@pytest.fixture(scope="session")
def canal_scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenarios folder of the tiny canal (see canal.py)."""
    return write_canal(tmp_path_factory.mktemp("backtest"))
