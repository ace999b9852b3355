"""The berth model against queueing theory: simulated mean waits (5+ replications, fixed
seeds) must contain the theoretical value in their 99 % confidence interval."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from queueing import erlang_c_wait, kiefer_wolfowitz_wait, pollaczek_khinchine_wait
from scipy import stats

from sim.engine import simulate
from sim.model.compile import compile_scenario
from sim.scenario import Scenario

HORIZON_DAYS = 1460
WARMUP_DAYS = 30


def single_quay(
    *,
    servers: int,
    vessels_per_day: float,
    service: dict[str, Any],
    arrivals: dict[str, Any],
    seed: int,
) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "validation quay",
            "network": None,
            "terminals": {
                "QUAY": {
                    "berths": [
                        {
                            "id": "B",
                            "count": servers,
                            "max_vessel_dwt_t": 2000,
                            "commodities": ["COAL"],
                            "service_h": service,
                        }
                    ]
                }
            },
            "demand": {
                "base_year": 2025,
                "streams": [
                    {
                        "id": "S",
                        "commodity": "COAL",
                        "terminal": "QUAY",
                        "handling": "unload",
                        "vessels_per_day": vessels_per_day,
                        "arrivals": arrivals,
                        "vessel_mix": {"SHIP": 1},
                    }
                ],
            },
            "fleets": {
                "vessels": [
                    {"id": "SHIP", "dwt_t": 1000, "load_factor": 1.0, "load_factor_cv": 0.0}
                ]
            },
            "operations": {"overload_queue_vessels": 100000},
            "run": {
                "horizon_days": HORIZON_DAYS,
                "warmup_days": WARMUP_DAYS,
                "replications": 8,
                "seed": seed,
            },
        }
    )


def mean_waits(scenario: Scenario) -> np.ndarray:
    model = compile_scenario(scenario)
    waits = []
    for replication in range(scenario.run.replications):
        records = simulate(model, seed=scenario.run.seed, replication=replication)
        v = records.vessels
        counted = (v["berth_arrival_h"] >= WARMUP_DAYS * 24) & ~np.isnan(v["berth_start_h"])
        waits.append(float((v["berth_start_h"] - v["berth_arrival_h"])[counted].mean()))
    return np.array(waits)


def ci99(values: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.995, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


@pytest.mark.parametrize(("servers", "rho", "seed"), [(1, 0.6, 11), (2, 0.75, 12), (4, 0.8, 13)])
def test_mmc_against_erlang_c(servers, rho, seed):
    service_mean = 8.0
    rate = rho * servers / service_mean
    scenario = single_quay(
        servers=servers,
        vessels_per_day=rate * 24,
        service={"distribution": "exponential", "mean_h": service_mean},
        arrivals={"process": "poisson"},
        seed=seed,
    )
    low, high = ci99(mean_waits(scenario))
    theory = erlang_c_wait(rate, service_mean, servers)
    assert low <= theory <= high, (low, theory, high)
    assert high - low < 0.5 * theory  # the interval is tight enough to mean something


def test_md1_against_pollaczek_khinchine():
    service = 6.0
    rate = 0.7 / service
    scenario = single_quay(
        servers=1,
        vessels_per_day=rate * 24,
        service={"distribution": "deterministic", "value_h": service},
        arrivals={"process": "poisson"},
        seed=21,
    )
    low, high = ci99(mean_waits(scenario))
    theory = pollaczek_khinchine_wait(rate, service, 0.0)
    assert low <= theory <= high, (low, theory, high)


def test_e2_e2_n_against_kiefer_wolfowitz_recursion():
    servers, service_mean, rho = 3, 9.0, 0.8
    rate = rho * servers / service_mean
    scenario = single_quay(
        servers=servers,
        vessels_per_day=rate * 24,
        service={"distribution": "erlang", "k": 2, "mean_h": service_mean},
        arrivals={"process": "erlang", "k": 2},
        seed=31,
    )
    low, high = ci99(mean_waits(scenario))
    rng = np.random.default_rng(2024)
    n = 300_000
    interarrival = rng.gamma(2, 1 / (2 * rate), n)
    service = rng.gamma(2, service_mean / 2, n)
    recursion = kiefer_wolfowitz_wait(interarrival, service, servers)
    assert low <= recursion <= high, (low, recursion, high)


def test_pollaczek_khinchine_is_the_mm1_special_case():
    # the two formulas agree where they overlap: a check on the test's own theory
    assert pollaczek_khinchine_wait(0.1, 6.0, 36.0) == pytest.approx(erlang_c_wait(0.1, 6.0, 1))
