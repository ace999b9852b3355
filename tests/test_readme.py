"""The README's examples work: its scenario snippet validates and its variant example merges."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_quick_start_shows_the_two_commands_first():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick, flags=re.M)
    assert commands == ["run", "test"]


def test_scenario_examples_validate(tmp_path, monkeypatch):
    blocks = _yaml_blocks()
    assert len(blocks) >= 2
    scenarios = Path(__file__).parents[1] / "scenarios"
    (tmp_path / "example.yaml").write_text(blocks[0])
    (tmp_path / "huaian_2028_plan.yaml").write_text(
        (scenarios / "huaian_2028_plan.yaml").read_text()
    )
    (tmp_path / "huaian_2025_baseline.yaml").write_text(
        (scenarios / "huaian_2025_baseline.yaml").read_text()
    )
    (tmp_path / "variant.yaml").write_text(blocks[1])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "example.yaml", "variant.yaml"])
    assert result.exit_code == 0, result.output
