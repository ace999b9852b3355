"""A sweep's output folder written (:func:`write_decision`) and read back, checked: what ``hubsim
report`` and notebooks need.

``hubsim sweep FILE --out DIR`` (or :func:`~sim.sweep.run_sweep` then
:func:`~sim.sweep.write_decision`) leaves in ``DIR`` the store (``manifest.json``,
``runs/part-*.parquet``) and, once the sweep has finished, its conclusions
(``comparison.csv``, ``summary.json``). :func:`read_sweep_folder` reads them all and checks
that they agree, so that a report never shows a comparison of other runs than those stored.
Every problem raises :class:`SweepFolderError` naming the file and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from network.files import atomic_path
from sim.sweep.decision import SweepDecision
from sim.sweep.store import StoreError, read_store

__all__ = [
    "COMPARISON",
    "MANIFEST",
    "SUMMARY",
    "SweepFolder",
    "SweepFolderError",
    "is_sweep_folder",
    "read_sweep_folder",
    "write_decision",
]

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
COMPARISON = "comparison.csv"

#: Columns of ``comparison.csv`` a report reads (:func:`sim.sweep.summary.comparison_table`).
_COLUMNS = [
    "variant",
    "baseline",
    "cost_cny",
    "replications",
    "runs",
    "errors",
    *(
        f"{name}{suffix}"
        for name in ("throughput_t", "throughput_vs_baseline_t", "p_target_met")
        for suffix in ("", "_ci95_low", "_ci95_high")
    ),
    "p_criteria_met",
    "robustness",
    "frontier",
]


class SweepFolderError(ValueError):
    """A sweep folder that cannot be read; the message names the file and the fix."""


def is_sweep_folder(folder: str | Path) -> bool:
    """Whether ``folder`` holds a sweep store (its ``manifest.json``)."""
    return (Path(folder) / MANIFEST).is_file()


@dataclass(frozen=True)
class SweepFolder:
    """A finished sweep as its output folder holds it.

    Attributes
    ----------
    folder : Path
    manifest : dict
        ``manifest.json``: name, sweep file, fingerprint, seed, baseline, variants, futures
        and (from this version on) the sweep's settings and base scenario.
    decision : SweepDecision
        The comparison and the choice, as ``hubsim sweep`` wrote them.
    runs : DataFrame
        Every stored run (:func:`sim.sweep.read_store`).
    """

    folder: Path
    manifest: dict[str, Any]
    decision: SweepDecision
    runs: pd.DataFrame

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def file(self) -> str:
        """The sweep file, as it was given to ``hubsim sweep``."""
        return str(self.manifest.get("file", ""))

    @property
    def settings(self) -> dict[str, Any] | None:
        """The validated sweep file (levers, uncertainties, replications, rules), or None for a
        store written before the manifest recorded it."""
        settings = self.manifest.get("settings")
        return settings if isinstance(settings, dict) else None

    @property
    def base_scenario(self) -> dict[str, Any] | None:
        """The base scenario with the sweep's overrides (``Scenario.model_dump``), or None."""
        base = self.manifest.get("base_scenario")
        return base if isinstance(base, dict) else None

    @property
    def first_year(self) -> int | None:
        year = self.manifest.get("first_year")
        return int(year) if year is not None else None

    @property
    def variants(self) -> pd.DataFrame:
        """``variant, cost_cny, options`` (lever=option, ...) and ``description``."""
        return pd.DataFrame(
            [
                {
                    "variant": str(v["id"]),
                    "cost_cny": float(v["cost_cny"]),
                    "options": ", ".join(f"{k}={o}" for k, o in v.get("options", {}).items()),
                    "description": str(v.get("description", "")),
                }
                for v in self.manifest["variants"]
            ],
            columns=["variant", "cost_cny", "options", "description"],
        )

    @property
    def futures(self) -> pd.DataFrame:
        """``sample`` and each uncertain parameter's value (see
        :func:`sim.sweep.summary.futures_table`)."""
        return pd.DataFrame(self.manifest["futures"])


def _resume(manifest: dict[str, Any], folder: Path) -> str:
    return f"`hubsim sweep {manifest.get('file') or 'FILE'} --out {folder} --resume`"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SweepFolderError(f"{path}: not readable JSON ({error})") from None


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    manifest = _read_json(path)
    problem = None
    if not isinstance(manifest, dict):
        problem = "not a mapping"
    else:
        missing = [k for k in ("name", "baseline", "variants", "futures") if k not in manifest]
        if missing:
            problem = f"no {', '.join(missing)}"
        elif not isinstance(manifest["variants"], list) or not all(
            isinstance(v, dict) and "id" in v and "cost_cny" in v for v in manifest["variants"]
        ):
            problem = "variants must be a list of {id, cost_cny, ...}"
        elif not isinstance(manifest["futures"], list) or not all(
            isinstance(f, dict) and "sample" in f for f in manifest["futures"]
        ):
            problem = "futures must be a list of {sample, ...}"
    if problem is not None:
        raise SweepFolderError(
            f"{path}: not a sweep manifest ({problem}); it is written by "
            "`hubsim sweep FILE --out DIR`"
        )
    return manifest


def _comparison(folder: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    path = folder / COMPARISON
    try:
        # only an empty cell is missing: variant ids such as "NA" stay text
        table = pd.read_csv(path, dtype={"variant": str}, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SweepFolderError(f"{path}: not a readable comparison table ({error})") from None
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise SweepFolderError(
            f"{path}: not a sweep comparison table (no column {', '.join(missing)}); rewrite "
            f"it with {_resume(manifest, folder)}"
        )
    flags = ("baseline", "frontier")
    numeric = [c for c in _COLUMNS if c not in ("variant", *flags)]
    try:
        table[numeric] = table[numeric].astype(float)
    except (TypeError, ValueError) as error:
        raise SweepFolderError(f"{path}: a number cannot be read ({error})") from None
    for column in flags:
        text = table[column].astype(str)
        if not text.isin(["True", "False"]).all():
            raise SweepFolderError(f"{path}: {column} must be True or False in every row")
        table[column] = text == "True"
    if "selection" in table:
        table["selection"] = table["selection"].fillna("").astype(str)
    expected = [str(v["id"]) for v in manifest["variants"]]
    if table["variant"].tolist() != expected:
        raise SweepFolderError(
            f"{path}: compares the variants {', '.join(table['variant'])}, the manifest lists "
            f"{', '.join(expected)}; rewrite it with {_resume(manifest, folder)}"
        )
    return table


def _summary(folder: Path, manifest: dict[str, Any], table: pd.DataFrame) -> SweepDecision:
    path = folder / SUMMARY
    document = _read_json(path)
    try:
        return SweepDecision.from_json(document, table)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise SweepFolderError(
            f"{path}: not a sweep summary ({type(error).__name__}: {error}); rewrite it with "
            f"{_resume(manifest, folder)}"
        ) from None


def _check_counts(
    folder: Path, manifest: dict[str, Any], table: pd.DataFrame, runs: pd.DataFrame
) -> None:
    ok = runs[runs["status"] == "ok"].groupby("variant").size()
    failed = runs[runs["status"] == "error"].groupby("variant").size()
    for row in table.itertuples(index=False):
        stored = int(ok.get(row.variant, 0)), int(failed.get(row.variant, 0))
        counted = int(row.runs), int(row.errors)
        if stored != counted:
            raise SweepFolderError(
                f"{folder / COMPARISON}: counts {counted[0]} runs ({counted[1]} failed) of "
                f"variant {row.variant}, the store holds {stored[0]} ({stored[1]} failed): the "
                "sweep went on after its comparison was written; bring it up to date with "
                f"{_resume(manifest, folder)}"
            )


def read_sweep_folder(folder: str | Path) -> SweepFolder:
    """Read a finished sweep's output folder and check that its parts agree.

    Parameters
    ----------
    folder : str or Path
        The ``--out`` folder of ``hubsim sweep``.

    Returns
    -------
    SweepFolder

    Raises
    ------
    SweepFolderError
        No manifest, a file that cannot be read (named), a sweep that has not finished (no
        comparison yet), or a comparison that does not match the stored runs; the message
        says which command mends it.

    Examples
    --------
    >>> done = read_sweep_folder("out/sweeps/sweep_2028_options")  # doctest: +SKIP
    >>> done.decision.selection.statement  # doctest: +SKIP
    """
    folder = Path(folder)
    if not is_sweep_folder(folder):
        raise SweepFolderError(f"{folder}: no {MANIFEST} (not a sweep output folder)")
    manifest = _manifest(folder)
    for name in (COMPARISON, SUMMARY):
        if not (folder / name).is_file():
            raise SweepFolderError(
                f"{folder}: no {name}: the sweep has not finished (interrupted, or run without "
                f"writing its report); finish it with {_resume(manifest, folder)}"
            )
    table = _comparison(folder, manifest)
    decision = _summary(folder, manifest, table)
    try:
        runs = read_store(folder)
    except StoreError as error:
        raise SweepFolderError(str(error)) from None
    if runs.empty:
        raise SweepFolderError(
            f"{folder / 'runs'}: no stored runs; run the sweep with {_resume(manifest, folder)}"
        )
    _check_counts(folder, manifest, table, runs)
    return SweepFolder(folder, manifest, decision, runs)


def write_decision(decision: SweepDecision, folder: str | Path) -> list[Path]:
    """``comparison.csv``, ``summary.json`` and ``charts/*.png`` in ``folder``, atomically."""
    folder = Path(folder)
    written = []
    path = folder / COMPARISON
    with atomic_path(path) as temporary:
        decision.table.to_csv(temporary, index=False)
    written.append(path)
    path = folder / SUMMARY
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(decision.to_json(), indent=2, ensure_ascii=False))
    written.append(path)
    if decision.table["throughput_t"].notna().any():
        from sim.viz.sweep import write_sweep_charts  # matplotlib, only when writing charts

        written += write_sweep_charts(decision, folder / "charts")
    return written
