"""Closed-form queueing results and an independent recursion, for the validation tests."""

from __future__ import annotations

import math

import numpy as np


def erlang_c_wait(arrival_rate: float, service_mean: float, servers: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = arrival_rate * service_mean
    rho = a / servers
    assert rho < 1
    top = a**servers / math.factorial(servers) / (1 - rho)
    bottom = sum(a**k / math.factorial(k) for k in range(servers)) + top
    probability_wait = top / bottom
    return probability_wait * service_mean / (servers - a)


def pollaczek_khinchine_wait(
    arrival_rate: float, service_mean: float, service_variance: float
) -> float:
    """Mean wait in queue of M/G/1 (Pollaczek-Khinchine)."""
    rho = arrival_rate * service_mean
    assert rho < 1
    second_moment = service_variance + service_mean**2
    return arrival_rate * second_moment / (2 * (1 - rho))


def kiefer_wolfowitz_wait(interarrival: np.ndarray, service: np.ndarray, servers: int) -> float:
    """Mean wait of a FCFS G/G/n queue by the Kiefer-Wolfowitz workload recursion.

    ``w`` holds the servers' remaining work seen by an arrival, sorted ascending; the
    arrival waits ``w[0]``, adds its service to that server, and time moves on.
    """
    w = np.zeros(servers)
    total = 0.0
    for a, s in zip(interarrival.tolist(), service.tolist(), strict=True):
        wait = w[0]
        total += wait
        w[0] += s
        w = np.sort(np.maximum(w - a, 0.0))
    return total / len(service)
