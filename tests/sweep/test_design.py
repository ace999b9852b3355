"""Variants and futures: Latin hypercube strata, grids, lists, combinations; reproducible."""

from __future__ import annotations

import numpy as np
from sweepfiles import sweep_text

from sim.sweep import load_sweep

UNCERTAIN = """\
uncertainties:
  method: {method}
  {samples}
  parameters:
    - {{id: DEMAND, path: demand.streams.COAL_IN.vessels_per_day, range: [3.0, 4.0]{levels}}}
    - id: SERVICE_SCALE
      path: terminals.QUAY.berths.B1.service_h.mean_h
      scale: true
      values: [0.9, 1.0, 1.1, 1.2]
"""


def _plan(tmp_path, method="latin_hypercube", samples="samples: 8", levels="", extra="", **kw):
    text = sweep_text(**kw).split("uncertainties:")[0] + "replications: 2\nseed: 11\n"
    text += UNCERTAIN.format(method=method, samples=samples, levels=levels) + extra
    path = tmp_path / "design.yaml"
    path.write_text(text)
    return load_sweep(path)


def test_latin_hypercube_puts_one_sample_in_each_stratum(tmp_path):
    plan = _plan(tmp_path)
    demand = np.array([dict(f.values)["DEMAND"] for f in plan.futures])
    assert sorted(np.floor((demand - 3.0) / (1.0 / 8)).astype(int).tolist()) == list(range(8))
    scales = [dict(f.values)["SERVICE_SCALE"] for f in plan.futures]
    assert sorted(scales) == [0.9, 0.9, 1.0, 1.0, 1.1, 1.1, 1.2, 1.2]  # lists: equal strata
    again = _plan(tmp_path)
    assert again.futures == plan.futures
    assert again.fingerprint == plan.fingerprint


def test_values_are_set_and_scaled_in_each_scenario(tmp_path):
    plan = _plan(tmp_path)
    variant = plan.variants[0].id
    for future in plan.futures:
        values = dict(future.values)
        scenario = plan.scenarios[(variant, future.index)]
        assert scenario.demand.streams[0].vessels_per_day == values["DEMAND"]
        # the first variant keeps the base service time (10 h), scaled by the future
        assert (
            scenario.terminals["QUAY"].berths[0].service_h.mean_h == 10.0 * values["SERVICE_SCALE"]
        )
        assert scenario.run.seed == 11


def test_grid_and_list_methods(tmp_path):
    grid = _plan(tmp_path, method="grid", samples="", levels=", levels: 3")
    assert len(grid.futures) == 3 * 4
    assert {dict(f.values)["DEMAND"] for f in grid.futures} == {3.0, 3.5, 4.0}
    listed = tmp_path / "listed.yaml"
    listed.write_text(
        sweep_text().split("uncertainties:")[0]
        + """replications: 2
uncertainties:
  method: list
  parameters:
    - {id: DEMAND, path: demand.streams.COAL_IN.vessels_per_day, values: [3.0, 3.5]}
    - {id: WEATHER, path: operations.weather.downtime_days_per_year, values: [0, 10]}
"""
    )
    futures = load_sweep(listed).futures
    assert [dict(f.values) for f in futures] == [
        {"DEMAND": 3.0, "WEATHER": 0},
        {"DEMAND": 3.5, "WEATHER": 10},
    ]


def test_variants_product_and_one_at_a_time(quay_sweep, tmp_path):
    plan = load_sweep(quay_sweep)
    assert [v.id for v in plan.variants] == [
        "BERTHS=2,SERVICE=AS_IS",
        "BERTHS=2,SERVICE=FASTER",
        "BERTHS=3,SERVICE=AS_IS",
        "BERTHS=3,SERVICE=FASTER",
    ]
    assert [v.cost_cny for v in plan.variants] == [0, 20e6, 50e6, 70e6]
    assert plan.baseline == "BERTHS=2,SERVICE=AS_IS"
    faster = plan.scenarios[("BERTHS=3,SERVICE=FASTER", 0)].terminals["QUAY"].berths[0]
    assert faster.count == 3 and faster.service_h.mean_h == 8.0
    single = tmp_path / "single.yaml"
    single.write_text(quay_sweep.read_text().replace("levers:", "combine: one_at_a_time\nlevers:"))
    assert [v.id for v in load_sweep(single).variants] == [
        "BERTHS=2,SERVICE=AS_IS",
        "BERTHS=3,SERVICE=AS_IS",
        "BERTHS=2,SERVICE=FASTER",
    ]


def test_a_single_grid_lever_names_its_variants_by_what_they_change(quay_sweep, tmp_path):
    text = quay_sweep.read_text()
    start, end = text.index("  - id: SERVICE"), text.index("uncertainties:")
    single = tmp_path / "berths_only.yaml"
    single.write_text(text[:start] + text[end:])
    plan = load_sweep(single)
    assert [v.id for v in plan.variants] == ["B1.count=2", "B1.count=3"]
    assert plan.baseline == "B1.count=2"
