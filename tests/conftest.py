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


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Tests run in English whatever the machine's HUBSIM_LANG or user config says (a test
    that wants Chinese says so with --lang, the variable or its own config file)."""
    monkeypatch.delenv("HUBSIM_LANG", raising=False)
    monkeypatch.setenv("HUBSIM_CONFIG", str(tmp_path_factory.getbasetemp() / "no-config.toml"))
