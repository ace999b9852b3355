"""The README's sweep example is a valid sweep file; the shipped sweep is valid too."""

from __future__ import annotations

import re
import shutil

from sweepfiles import ROOT

from sim.sweep import load_sweep


def test_readme_sweep_example_loads(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Sweeps: comparing options", 1)[1].split("\n## ", 1)[0]
    [example] = [b for b in re.findall(r"```yaml\n(.*?)```", section, flags=re.S) if "levers" in b]
    for name in ("huaian_2028_plan.yaml", "huaian_2025_baseline.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    (tmp_path / "example.yaml").write_text(example)
    plan = load_sweep(tmp_path / "example.yaml", network=False)
    assert [v.id for v in plan.variants] == [
        "LOCK4=BUILD,NP_BERTHS=6",
        "LOCK4=BUILD,NP_BERTHS=8",
        "LOCK4=SKIP,NP_BERTHS=6",
        "LOCK4=SKIP,NP_BERTHS=8",
    ]
    assert len(plan.futures) == 8
    assert plan.sweep.selection is not None and plan.sweep.precision is not None


def test_shipped_sweep_compares_six_2028_options_with_costs():
    plan = load_sweep(ROOT / "scenarios" / "sweep_2028_options.yaml")  # network checked too
    assert len(plan.variants) >= 6
    assert all(v.cost_cny > 0 for v in plan.variants)
    assert len({v.cost_cny for v in plan.variants}) == len(plan.variants)
    for scenario in plan.scenarios.values():
        assert scenario.first_year == scenario.last_year == scenario.target.year == 2028
    chambers = {
        v: len(plan.scenarios[(v, 0)].locks["LOCK_HUAIAN"].chambers)
        for v in ("PLAN", "NO_LOCK4", "LEAN")
    }
    assert chambers == {"PLAN": 4, "NO_LOCK4": 3, "LEAN": 3}
    assert "W_HS_01" not in plan.scenarios[("NO_HUAIHE_UPGRADE", 0)].links
