"""Read and check a sweep file: every variant under every future must be a valid scenario.

Problems are reported like scenario problems, ``file:line path: expectation``; values that the
sweep file sets are located in the sweep file, the rest in the scenario file that set them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError, ScenarioIssue
from sim.scenario.load import cross_checks, locate_issue, validate_document
from sim.scenario.merge import resolve_extends
from sim.scenario.models import Scenario
from sim.scenario.routes import NetworkCheck, check_network, draught_problems
from sim.scenario.yamlfile import load_yaml, where
from sim.sweep.design import (
    Change,
    Future,
    Variant,
    apply_changes,
    expand_futures,
    expand_variants,
)
from sim.sweep.spec import Sweep

__all__ = ["SweepPlan", "load_sweep"]


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep, expanded.

    Attributes
    ----------
    path : Path
        The sweep file.
    sweep : Sweep
        Its validated content.
    variants : tuple of Variant
        In file order; see :func:`sim.sweep.design.expand_variants`.
    futures : tuple of Future
        The uncertainty samples (one empty future without uncertainties).
    scenarios : dict
        ``(variant id, sample) -> Scenario``, run settings set to the sweep's seed.
    baseline : str
        Id of the variant the others are compared with.
    fingerprint : str
        Hash of everything that decides the results (scenarios, seed); a store made by
        another fingerprint is not resumed.
    base_scenario : Scenario or None
        The base scenario with the sweep's own overrides, target and service criteria, before
        any lever or uncertainty changes it (what the report lists as the assumptions); None
        when that alone is not a valid scenario (the levers complete it).
    """

    path: Path
    sweep: Sweep
    variants: tuple[Variant, ...]
    futures: tuple[Future, ...]
    scenarios: dict[tuple[str, int], Scenario]
    baseline: str
    fingerprint: str
    base_scenario: Scenario | None = None

    def variant(self, variant_id: str) -> Variant:
        return next(v for v in self.variants if v.id == variant_id)

    @property
    def target_t(self) -> float:
        """Throughput target (tonnes per year) of the runs."""
        return next(iter(self.scenarios.values())).target.throughput_t


#: What routing does not depend on: a sweep's futures that differ only here share one check.
_NOT_ROUTING = {"name", "description", "run", "target", "service_criteria", "processes"}
_VOLUMES = {"annual_t", "vessels_per_day", "growth_per_year", "seasonality", "arrivals"}


def _routing_key(scenario: Scenario) -> str:
    """The scenario as the network check sees it (volumes and run settings left out)."""
    document = scenario.model_dump(mode="json", exclude=_NOT_ROUTING)
    demand = document.get("demand", {})
    for flows in ("streams", "through_traffic"):
        demand[flows] = [
            {k: v for k, v in flow.items() if k not in _VOLUMES} for flow in demand.get(flows, [])
        ]
    demand.pop("multiplier", None)
    # a low-water period's depth and dates do not route ships (its draught is checked apart)
    for period in document.get("operations", {}).get("low_water", []):
        for field in ("start", "end", "max_draught_m"):
            period.pop(field, None)
    return json.dumps(document, sort_keys=True, default=str)


def _future_changes(sweep: Sweep, document: Any, future: Future) -> list[Change]:
    if sweep.uncertainties is None:
        return []
    raw = document["uncertainties"]["parameters"]
    changes = []
    for number, (parameter, (_, value)) in enumerate(
        zip(sweep.uncertainties.parameters, future.values, strict=True)
    ):
        file, line = where(raw, number)
        for path in parameter.targets:
            changes.append(Change("scale" if parameter.scale else "set", path, value, file, line))
    return changes


def _common_changes(sweep: Sweep, document: Any) -> list[Change]:
    changes = []
    overrides = document.get("overrides", {})
    for path, value in overrides.items():
        file, line = where(overrides, path)
        changes.append(Change("set", str(path), value, file, line))
    for field in ("target", "service_criteria"):
        if field in document and document[field] is not None:
            file, line = where(document, field)
            changes.append(Change("set", field, document[field], file, line))
    if sweep.require_service_criteria is not None:
        # the verdict reads the scenario's own switch, so sweep and `hubsim run` agree
        file, line = where(document, "require_service_criteria")
        changes.append(
            Change("set", "service_criteria.apply", sweep.require_service_criteria, file, line)
        )
    return changes


def _fingerprint(sweep: Sweep, scenarios: dict[tuple[str, int], Scenario]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"seed": sweep.seed}).encode())
    for (variant, sample), scenario in sorted(scenarios.items()):
        digest.update(f"{variant}|{sample}|".encode())
        digest.update(scenario.model_dump_json().encode())
    return digest.hexdigest()[:16]


def _settled(scenario: Scenario, document: Any, base_path: Path, sweep: Sweep) -> Scenario:
    """The sweep's seed, and network data made absolute as ``load_scenario`` does."""
    update: dict[str, Any] = {"run": scenario.run.model_copy(update={"seed": sweep.seed})}
    if scenario.network is not None and scenario.network.data is not None:
        folder = Path(scenario.network.data)
        if not folder.is_absolute():
            file, _ = where(document.get("network", {}), "data")
            folder = Path(file or base_path).parent / folder
        update["network"] = scenario.network.model_copy(update={"data": str(folder)})
    return scenario.model_copy(update=update)


def load_sweep(path: str | Path, *, network: bool = True) -> SweepPlan:
    """Read, expand and check a sweep file.

    Parameters
    ----------
    path : str or Path
        The sweep file.
    network : bool
        Also check every variant against its network data and route its streams (as
        ``hubsim validate`` does for a scenario).

    Raises
    ------
    ScenarioError
        Every problem found, located in the sweep file (or the base scenario).

    Examples
    --------
    >>> plan = load_sweep("scenarios/sweep_2028_options.yaml", network=False)
    >>> len(plan.variants) >= 6
    True
    """
    path = Path(path)
    document = load_yaml(path)
    name = str(path)
    if document is None:
        raise ScenarioError(ScenarioIssue(name, None, "", "file is empty"))
    if not isinstance(document, dict):
        raise ScenarioError(
            ScenarioIssue(name, getattr(document, "line", 1), "", "must be a mapping of fields")
        )
    sweep = validate_document(document, Sweep)
    base_path = path.parent / sweep.base
    if not base_path.is_file():
        file, line = where(document, "base")
        raise ScenarioError(
            ScenarioIssue(file, line, "base", f"scenario file {sweep.base!r} not found")
        )
    base = resolve_extends(base_path)
    variants = expand_variants(sweep, document)
    ids = [v.id for v in variants]
    for variant_id in ids:
        if ids.count(variant_id) > 1:
            file, line = where(document, "levers")
            raise ScenarioError(
                ScenarioIssue(file, line, "levers", f"two variants are named {variant_id!r}")
            )
    baseline = sweep.baseline or ids[0]
    if baseline not in ids:
        file, line = where(document, "baseline")
        raise ScenarioError(
            ScenarioIssue(
                file, line, "baseline", f"no variant {baseline!r} (variants: {', '.join(ids)})"
            )
        )
    futures = expand_futures(sweep, document)
    common = _common_changes(sweep, document)
    scenarios: dict[tuple[str, int], Scenario] = {}
    issues: list[ScenarioIssue] = []
    # the network check of each distinct routing problem (futures that change only volumes
    # share one): scenario -> its problems
    checked: dict[str, NetworkCheck] = {}
    for variant in variants:
        changes = common + [c for o in variant.options for c in o.changes]
        for future in futures:
            try:
                merged = apply_changes(
                    copy.deepcopy(base), changes + _future_changes(sweep, document, future)
                )
                scenario = validate_document(merged, Scenario)
                problems = [locate_issue(merged, loc, m) for loc, m in cross_checks(scenario)]
                if problems:
                    raise ScenarioError(problems)
                # network data beside the file that names it, not the working directory
                scenario = _settled(scenario, merged, base_path, sweep)
                if network:  # every future: one may break a route (a lever, a link's class)
                    key = _routing_key(scenario)
                    if key not in checked:
                        checked[key] = check_network(scenario)
                    check = checked[key]
                    found = list(check.problems)
                    if not found and check.specs:  # low water is left out of the key
                        found = list(draught_problems(scenario, check.specs))
                    problems = [locate_issue(merged, loc, m) for loc, m in found]
                    if problems:
                        raise ScenarioError(problems)
            except ScenarioError as error:
                for issue in error.issues:
                    labelled = ScenarioIssue(
                        issue.file,
                        issue.line,
                        issue.path,
                        f"{issue.message} (variant {variant.id}"
                        + (f", future {future.index})" if len(futures) > 1 else ")"),
                    )
                    if not any(
                        (i.file, i.line, i.path) == (labelled.file, labelled.line, labelled.path)
                        for i in issues
                    ):
                        issues.append(labelled)
                continue
            scenarios[(variant.id, future.index)] = scenario
    if issues:
        raise ScenarioError(issues)
    try:
        base_scenario: Scenario | None = validate_document(
            apply_changes(copy.deepcopy(base), common), Scenario
        )
    except ScenarioError:
        base_scenario = None
    return SweepPlan(
        path,
        sweep,
        tuple(variants),
        tuple(futures),
        scenarios,
        baseline,
        _fingerprint(sweep, scenarios),
        base_scenario,
    )
