"""Bottlenecks ranked by their effect on the verdict; CIs of shares kept within 0-100 %; the
precision rule of `run`."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.analysis import CriterionResult, Verdict, YearVerdict, rank_bottlenecks
from sim.analysis.stats import aggregate
from sim.explore import scenario_path, with_run_settings
from sim.runs.run import run


def _verdict(criteria: tuple[CriterionResult, ...], blocking: dict) -> Verdict:
    year = YearVerdict(
        2028,
        "calendar year",
        (91e6, 90e6, 92e6),
        0.0,
        "not met",
        criteria,
        (),
        (91e6,),
        (False,),
        (),
        blocking,
    )
    return Verdict(
        86e6,
        2028,
        "calendar year",
        (91e6, 90e6, 92e6),
        0.0,
        "not met",
        (91e6,),
        (year,),
        criteria=criteria,
    )


TABLE = pd.DataFrame(
    {
        "rank": [1, 2, 3, 4],
        "kind": ["lock", "berths", "yard", "gate"],
        "resource": ["LOCK_HUAIYIN", "HA_X/G1", "HA_HUANGMA/HM_REEFER", "HA_X/gate"],
        "utilisation": [0.90, 0.63, 0.78, 0.95],
        "mean_wait_h": [1.2, 15.5, 75.7, 0.0],
        "wait_share": [0.0196, 0.0017, 0.0015, 0.0],
        "blocked_h": [0.0, 0.0, 6132.0, 0.0],
    }
)


def test_a_blocking_yard_ranks_above_a_busy_lock_within_its_limit():
    criteria = (
        CriterionResult(
            "yard_blocking_share",
            "yard",
            "all berths",
            "all berths",
            (0.028, 0.025, 0.031),
            0.02,
            False,
            4,
            4,
        ),
        CriterionResult(
            "mean_lock_wait_h",
            "lock",
            "LOCK_HUAIYIN",
            "Huaiyin lock",
            (1.2, 1.1, 1.3),
            4.0,
            True,
            0,
            4,
        ),
        CriterionResult(
            "berth_waiting_service_ratio",
            "berths",
            "HA_X/G1",
            "X berths G1",
            (0.25, 0.2, 0.3),
            0.3,
            True,
            0,
            4,
            ("HA_X/G1",),
        ),
    )
    blocking = {("yard", "HA_HUANGMA/HM_REEFER"): 0.019}
    ranked = rank_bottlenecks(TABLE, _verdict(criteria, blocking))
    assert list(ranked["resource"]) == [
        "HA_HUANGMA/HM_REEFER",  # part of a failing criterion
        "HA_X/G1",  # 0.83 of its limit
        "LOCK_HUAIYIN",  # 0.3 of its limit, whatever its share of vessel time
        "HA_X/gate",  # judged by no criterion
    ]
    assert list(ranked["rank"]) == [1, 2, 3, 4]
    yard = ranked.iloc[0]
    assert not yard["holds"] and yard["criterion_ratio"] == pytest.approx(0.95)
    assert "1.9%" in yard["criterion"] and "limit 2.0%" in yard["criterion"]
    assert pd.isna(ranked.iloc[3]["holds"]) and ranked.iloc[3]["criterion"] == ""
    # the measured columns stay
    assert {"utilisation", "mean_wait_h", "wait_share", "blocked_h"} <= set(ranked.columns)


def test_relief_gain_breaks_ties_among_resources_without_criteria():
    ranked = rank_bottlenecks(
        TABLE, _verdict((), {}), relief=[("gate", "HA_X/gate", 5e6), ("lock", "LOCK_HUAIYIN", 1e6)]
    )
    assert list(ranked["resource"][:2]) == ["HA_X/gate", "LOCK_HUAIYIN"]
    assert ranked.iloc[0]["relief_gain_t"] == 5e6


def test_share_and_amount_cis_stay_within_their_range():
    per_replication = pd.DataFrame(
        {
            "replication": [0, 1, 2],
            "resource": ["R"] * 3,
            "utilisation": [0.99, 1.0, 0.90],
            "wait_share": [0.0, 0.0, 0.03],
            "tonnes": [0.0, 0.0, 10.0],
            "gain_t": [-1.0, 0.0, 1.0],
        }
    )
    table = aggregate(per_replication, ["resource"]).iloc[0]
    assert table["utilisation_ci95_high"] == 1.0 and table["utilisation_ci95_low"] < 0.99
    assert table["wait_share_ci95_low"] == 0.0 and table["wait_share_ci95_high"] > 0.03
    assert table["tonnes_ci95_low"] == 0.0
    assert table["gain_t_ci95_low"] < -1.0  # a difference keeps its interval


def test_precision_rule_adds_replications_until_the_ci_is_narrow_enough():
    scenario = with_run_settings(
        scenario_path("minimal_single_berth"), horizon_days=30, warmup_days=5
    )
    loose = run(scenario, replications=2, precision=0.25, max_replications=8)
    n = loose.replications
    assert 3 <= n < 8  # at least 3, and stops as soon as the CI is narrow enough
    assert f"precision rule met after {n} replications" in loose.precision
    wanted = 0.25 * loose.verdict.target_t
    _, low, high = loose.verdict.throughput_t
    assert (high - low) / 2 <= wanted
    if n > 3:  # one fewer was not enough
        _, low, high = run(scenario, replications=n - 1).verdict.throughput_t
        assert (high - low) / 2 > wanted
    tight = run(scenario, replications=3, precision=0.001, max_replications=6)
    assert tight.replications == 6
    assert "precision rule not met: 6 replications" in tight.precision
    _, low, high = tight.verdict.throughput_t
    assert (high - low) / 2 > 0.001 * tight.verdict.target_t
    # the replications added are the ones a plain run of that many would make
    plain = run(scenario, replications=6)
    assert plain.verdict.per_replication == tight.verdict.per_replication
    assert not math.isnan(low)


def test_a_failing_criterion_says_from_what_year_and_demand_on_it_fails():
    document = {
        "name": "growing quay",
        "network": None,
        "terminals": {
            "QUAY": {
                "berths": [
                    {
                        "id": "B1",
                        "count": 2,
                        "max_vessel_dwt_t": 2000,
                        "commodities": ["COAL"],
                        "service_h": {"distribution": "exponential", "mean_h": 6.0},
                    }
                ]
            }
        },
        "demand": {
            "base_year": 2025,
            "streams": [
                {
                    "id": "S1",
                    "commodity": "COAL",
                    "terminal": "QUAY",
                    "vessels_per_day": 3.5,
                    "growth_per_year": 0.4,
                    "vessel_mix": {"SHIP": 1},
                }
            ],
        },
        "fleets": {"vessels": [{"id": "SHIP", "dwt_t": 1000, "load_factor": 0.8}]},
        "target": {"throughput_t": 1e6, "year": 2027},
        "run": {"start_year": 2025, "end_year": 2027, "replications": 5, "seed": 4},
    }
    from sim.scenario import Scenario

    result = run(Scenario.model_validate(document))
    years = {y.year: y for y in result.verdict.by_year}
    # load 0.44 in 2025, 0.61 in 2026, 0.86 in 2027 (M/M/2): the ratio passes 0.3 in 2026
    assert years[2026].verdict == years[2027].verdict == "not met"
    [reason] = [r for r in result.verdict.reasons if r.startswith("fails:")]
    carried = years[2026].throughput_t[0] / 1e6
    assert reason.endswith(f"failing since 2026, when the port carried {carried:,.2f} Mt")
