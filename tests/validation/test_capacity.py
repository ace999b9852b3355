"""The capacity search on a single berth group agrees with the analytic capacity at the same
service criterion (M/M/2, waiting/service ratio <= 0.5, Erlang C)."""

from __future__ import annotations

import numpy as np
import pytest
from queueing import erlang_c_wait
from scipy import stats
from test_queueing_theory import single_quay

from sim.runs.capacity import sustainable_capacity


def analytic_rate(service_mean: float, servers: int, ratio: float) -> float:
    low, high = 1e-6, servers / service_mean * (1 - 1e-9)
    for _ in range(200):
        middle = (low + high) / 2
        if erlang_c_wait(middle, service_mean, servers) / service_mean > ratio:
            high = middle
        else:
            low = middle
    return low


def mm2_quay(
    base_rate: float, service_mean: float, ratio: float, *, seed: int, days: int, replications: int
):
    """Two berths, Poisson arrivals at ``base_rate`` per hour, exponential service, and the
    waiting/service criterion ``ratio``."""
    scenario = single_quay(
        servers=2,
        vessels_per_day=base_rate * 24,
        service={"distribution": "exponential", "mean_h": service_mean},
        arrivals={"process": "poisson"},
        seed=seed,
    )
    return scenario.model_copy(
        update={
            "service_criteria": scenario.service_criteria.model_copy(
                update={"max_berth_waiting_service_ratio": ratio}
            ),
            "run": scenario.run.model_copy(
                update={"horizon_days": days, "replications": replications}
            ),
        }
    )


def test_capacity_search_matches_erlang_c():
    service_mean, servers, ratio = 5.0, 2, 0.5
    base_rate = 0.4  # per hour: above the capacity, so the search scales demand down
    scenario = mm2_quay(base_rate, service_mean, ratio, seed=77, days=1000, replications=6)
    result = sustainable_capacity(scenario, tolerance=0.01)
    expected = analytic_rate(service_mean, servers, ratio) / base_rate
    found = np.array(result.multipliers)
    half = stats.t.ppf(0.995, len(found) - 1) * found.std(ddof=1) / np.sqrt(len(found))
    assert abs(found.mean() - expected) <= half, (found, expected)
    assert half < 0.1 * expected
    assert all("waiting/service" in b for b in result.binding)
    mean, low, high = result.capacity_t
    assert low < mean < high
    assert result.offered_t == pytest.approx(base_rate * 8760 * 1000.0)  # 1000 t per call


def test_one_more_berth_adds_the_analytic_capacity_gain():
    from sim.runs.capacity import bottleneck_relief

    service_mean, ratio, base_rate = 5.0, 0.5, 0.4
    scenario = mm2_quay(base_rate, service_mean, ratio, seed=78, days=700, replications=5)
    _base, reliefs = bottleneck_relief(
        scenario, [("berths", "QUAY/B"), ("lock", "NOWHERE")], tolerance=0.02
    )
    assert len(reliefs) == 1
    relief = reliefs[0]
    assert relief.change == "one more berth in QUAY/B"
    gain = (analytic_rate(service_mean, 3, ratio) - analytic_rate(service_mean, 2, ratio)) * (
        8760 * 1000.0
    )  # tonnes per year: 1000 t per call
    assert relief.gain_t[1] > 0  # the 95 % CI of the gain lies above zero
    gains = np.array(relief.gains_per_replication)
    half = stats.t.ppf(0.995, len(gains) - 1) * gains.std(ddof=1) / np.sqrt(len(gains))
    assert abs(gains.mean() - gain) <= half, (gains, gain)


def test_quick_capacity_brackets_the_erlang_c_capacity():
    from sim.runs.capacity import quick_capacity

    service_mean, servers, ratio = 5.0, 2, 0.5
    base_rate = 0.4
    scenario = mm2_quay(base_rate, service_mean, ratio, seed=79, days=2000, replications=1)
    expected = analytic_rate(service_mean, servers, ratio) / base_rate  # ~0.58 of the demand
    # fails at 1, so it probes 0.6 and 0.8 (both fail), then the thirds of [0.3, 0.6]: 0.4, 0.5
    result = quick_capacity(scenario)
    (found,) = result.multipliers
    assert found == pytest.approx(0.5)
    assert found <= expected <= 0.6  # the boundary lies in the last bracket (0.5, 0.6)
    assert "waiting/service" in result.binding[0]
