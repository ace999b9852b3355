"""What a run tells a planner, from its records: the service criteria and the one verdict.

:mod:`sim.analysis.criteria` measures the scenario's service criteria in a window of one
replication; :mod:`sim.analysis.verdict` decides ``met`` / ``not met`` / ``uncertain`` from
all replications, with reasons, and ranks the bottlenecks by their effect on that answer.
"""

from sim.analysis.criteria import MIN_CALLS, Criterion, measure_criteria
from sim.analysis.verdict import (
    CriterionResult,
    Outcome,
    Period,
    Verdict,
    VerdictText,
    YearVerdict,
    counted_periods,
    decide,
    rank_bottlenecks,
    replication_outcomes,
    with_capacity,
)

__all__ = [
    "MIN_CALLS",
    "Criterion",
    "CriterionResult",
    "Outcome",
    "Period",
    "Verdict",
    "VerdictText",
    "YearVerdict",
    "counted_periods",
    "decide",
    "measure_criteria",
    "rank_bottlenecks",
    "replication_outcomes",
    "with_capacity",
]
