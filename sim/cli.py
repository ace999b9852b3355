"""The ``hubsim`` command line.

Bad input never shows a traceback: it prints one message naming the file, the row or field and
what is expected, and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

import network
from sim.capacity import (
    CapacityResult,
    Relief,
    bottleneck_relief,
    criteria_failures,
    evaluation_scenario,
    quick_capacity,
    sustainable_capacity,
)
from sim.output import write_outputs
from sim.run import RunResult
from sim.run import run as simulate_scenario
from sim.scenario import Scenario, ScenarioError
from sim.scenario.routes import load_checked
from sim.scenario.schema import scenario_file_schema
from sim.scenario.summary import summary_lines
from sim.sweep import (
    BackendError,
    StoreError,
    SweepInterrupted,
    SweepReport,
    analyse,
    load_sweep,
    run_sweep,
    write_report,
)

__all__ = ["app", "main"]

EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="hubsim",
    help="Multimodal logistics hub simulator for Huai'an Port.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


@app.callback()
def _root() -> None:
    """Multimodal logistics hub simulator for Huai'an Port."""


def _bad_input(message: str) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Dataset folder (default: the bundled data/ports)."),
]


@app.command("network")
def network_command(
    data: DataOption = None,
    map_png: Annotated[
        Path | None, typer.Option("--map", help="Write a PNG map of the network here.")
    ] = None,
    gpkg: Annotated[
        Path | None, typer.Option("--gpkg", help="Write a GeoPackage (nodes, links) here.")
    ] = None,
) -> None:
    """Check the network data, summarise it, and draw a map or export a GeoPackage."""
    try:
        dataset = network.read_dataset(data)
    except network.DataError as error:
        raise _bad_input(str(error)) from None
    graph = network.build_graph(dataset)

    table = Table(title=f"Network {dataset.directory}", title_justify="left")
    table.add_column("mode")
    table.add_column("links", justify="right")
    table.add_column("km", justify="right")
    for mode, group in dataset.links.groupby("mode"):
        table.add_row(str(mode), str(len(group)), f"{group['length_km'].sum():,.0f}")
    _out.print(table)
    kinds = dataset.nodes["kind"].value_counts()
    _out.print(
        "places: "
        + ", ".join(f"{count} {kind}" for kind, count in kinds.items())
        + f"; graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"
    )
    if map_png is not None:
        network.write_map(dataset, map_png)
        _out.print(f"map written to {map_png}")
    if gpkg is not None:
        network.write_geopackage(dataset, gpkg)
        _out.print(f"GeoPackage written to {gpkg}")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checking)."""
    typer.echo(json.dumps(scenario_file_schema(), indent=2, ensure_ascii=False))


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files (format, network references, routes) and summarise each."""
    failed = 0
    for path in files:
        try:
            scenario, check = load_checked(path)
        except ScenarioError as error:
            failed += 1
            _err.print(f"[bold red]✗[/] {path}", highlight=False)
            _err.print(str(error), highlight=False, soft_wrap=True, markup=False)
            continue
        _out.print(f"[bold green]✓[/] {path}: {scenario.name}", highlight=False)
        for line in summary_lines(scenario, check):
            _out.print(f"  {line}", highlight=False, markup=False)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _load_or_exit(file: Path) -> Scenario:
    """A scenario checked against its network data, or exit 2 with the located problems."""
    try:
        scenario, _ = load_checked(file)
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    return scenario


def _progress() -> Progress:
    """A progress bar on standard error (silent when it is not a terminal)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,
    )


@app.command("run")
def run_command(
    file: Annotated[Path, typer.Argument(help="Scenario file.")],
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Replications.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write tables, records and charts here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Simulate only this year (its demand and facilities, after the warm-up).",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Local processes for replications.")
    ] = 1,
    capacity: Annotated[
        bool,
        typer.Option(
            "--capacity",
            help="Also estimate the sustainable capacity of the simulated year and the margin "
            "to the target (one replication, two rounds of two probes; `hubsim capacity` for "
            "the full estimate).",
        ),
    ] = False,
) -> None:
    """Simulate a scenario and report throughput against the target and the bottlenecks."""
    scenario = _load_or_exit(file)
    if year is not None:
        try:
            scenario, _ = evaluation_scenario(scenario, year)
        except ScenarioError as error:
            raise _bad_input(str(error)) from None
    if seed is not None:  # the capacity search below uses the same seed
        scenario = scenario.model_copy(
            update={"run": scenario.run.model_copy(update={"seed": seed})}
        )
    capacity_result: CapacityResult | None = None
    with _progress() as progress:
        task = progress.add_task(f"simulating {scenario.name} (days)", total=None)
        result = simulate_scenario(
            scenario,
            replications=replications,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            workers=workers,
        )
        if capacity:
            progress.add_task("sustainable capacity (quick estimate)", total=None)
            assert result.model is not None
            same_run = year is not None or scenario.run.horizon_days is not None
            capacity_result = quick_capacity(
                scenario,
                at_one=criteria_failures(result.model, result.records[0]) if same_run else None,
                year=year,
                workers=workers,
            )
    if out is not None:
        write_outputs(result, out)
    if as_json:
        document = result.to_json()
        if capacity_result is not None:
            document["capacity"] = capacity_result.to_json()
        typer.echo(json.dumps(document, ensure_ascii=False))
        return
    _print_result(result)
    if capacity_result is not None:
        _print_capacity(scenario, capacity_result, quick=True)
    if out is not None:
        _out.print(f"tables, event records and charts written to {out}")


@app.command("capacity")
def capacity_command(
    file: Annotated[Path, typer.Argument(help="Scenario file.")],
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Replications.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year to scale.")] = None,
    relief: Annotated[
        int,
        typer.Option("--relief", min=0, help="Also relieve the top N bottlenecks, one by one."),
    ] = 0,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Local processes for replications.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Sustainable capacity: the largest demand the plan carries within its service criteria.

    With --relief N, the top N bottlenecks of a run at the evaluation year's demand are
    relieved one at a time (one more berth or chamber, a quarter more yard) and the capacity
    each adds is reported with its 95% CI (paired, same random numbers).
    """
    scenario = _load_or_exit(file)
    try:
        evaluation_scenario(scenario, year)  # the year must be one the scenario simulates
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    with _progress() as progress:
        task = progress.add_task(f"capacity of {scenario.name}", total=None)
        reliefs: list[Relief] = []
        if relief:
            evaluated, _ = evaluation_scenario(scenario, year)
            ranked = simulate_scenario(evaluated, replications=replications).bottlenecks
            ranked = ranked[ranked["wait_share"] > 0].head(relief)
            result, reliefs = bottleneck_relief(
                scenario,
                list(zip(ranked["kind"], ranked["resource"], strict=True)),
                replications=replications,
                year=year,
                progress=lambda done, total: progress.update(task, completed=done, total=None),
            )
        else:
            result = sustainable_capacity(
                scenario,
                replications=replications,
                year=year,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
                workers=workers,
            )
    relief_rows = [
        {
            "resource": r.resource,
            "kind": r.kind,
            "change": r.change,
            "gain_t": {"mean": r.gain_t[0], "ci95_low": r.gain_t[1], "ci95_high": r.gain_t[2]},
        }
        for r in reliefs
    ]
    if as_json:
        document = {"scenario": scenario.name, **result.to_json(), "relief": relief_rows}
        typer.echo(json.dumps(document))
        return
    _print_capacity(scenario, result)
    if reliefs:
        table = Table(title="Bottleneck relief (capacity gained, Mt/yr)", title_justify="left")
        for column in ("resource", "change", "gain", "95% CI"):
            table.add_column(column, justify="right" if column in ("gain", "95% CI") else "left")
        for r in reliefs:
            table.add_row(
                r.resource, r.change, _mt(r.gain_t[0]), f"{_mt(r.gain_t[1])} - {_mt(r.gain_t[2])}"
            )
        _out.print(table)


def _print_capacity(scenario: Scenario, result: CapacityResult, *, quick: bool = False) -> None:
    mean, low, high = result.capacity_t
    margin = result.margin_t
    if low != low:  # one replication: no interval
        colour = "green" if mean >= result.target_t else "red"
        interval = ""
    else:
        colour = (
            "green" if low >= result.target_t else "red" if high < result.target_t else "yellow"
        )
        interval = f" (95% CI {_mt(low)}-{_mt(high)})"
    _out.print(
        f"[bold]{scenario.name}[/]: sustainable capacity in {result.year} "
        f"[bold {colour}]{_mt(mean)} Mt/yr[/]{interval}; demand offered "
        f"{_mt(result.offered_t)} Mt/yr; target {_mt(result.target_t)} Mt/yr, "
        f"[bold]capacity margin {'+' if margin >= 0 else ''}{_mt(margin)} Mt/yr[/]"
        + (
            " (quick estimate from one replication; `hubsim capacity` for the full one)"
            if quick
            else ""
        ),
        highlight=False,
    )
    for replication, (multiplier, binding) in enumerate(
        zip(result.multipliers, result.binding, strict=True)
    ):
        _out.print(
            f"  replication {replication}: x{multiplier:.3f} of demand; beyond it: {binding}",
            highlight=False,
            markup=False,
        )


@app.command("report")
def report_command(
    folder: Annotated[
        Path,
        typer.Argument(help="Output folder of `hubsim run --out` or `hubsim sweep --out`."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for report.html and its PNGs (default FOLDER/report)."),
    ] = None,
    animation: Annotated[
        bool,
        typer.Option("--animation", help="Also animate the vessels over a day (GIF; a run)."),
    ] = False,
) -> None:
    """Write one self-contained HTML report of a run (verdict, charts, tables, assumptions) or
    of a sweep (decision, comparison, robustness, charts, settings, assumptions)."""
    from sim.report import ReportInputError, write_report

    try:
        path = write_report(folder, out, animation=animation)
    except ReportInputError as error:
        raise _bad_input(str(error)) from None
    _out.print(f"report written to {path} (charts beside it)", highlight=False)


@app.command("sweep")
def sweep_command(
    file: Annotated[Path, typer.Argument(help="Sweep file.")],
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Local worker processes (1: in process)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on this Dask scheduler, e.g. tcp://host:8786."),
    ] = None,
    scheduler_file: Annotated[
        Path | None, typer.Option("--scheduler-file", help="Run on the Dask cluster of this file.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Results store (default: out/sweeps/NAME).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the store, skipping stored runs.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Compare infrastructure options under uncertainty: every variant of a sweep file,
    locally (process pool) or on a Dask cluster, into a Parquet store; then the comparison
    table, the choice of the cheapest variant meeting the target, and charts."""
    try:
        plan = load_sweep(file)
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    if scheduler is not None and scheduler_file is not None:
        raise _bad_input("give --scheduler or --scheduler-file, not both")
    folder = out or Path("out") / "sweeps" / file.stem
    with _progress() as progress:
        task = progress.add_task(f"{plan.sweep.name}: 0 failed", total=None)

        def show(done: int, failed: int, total: int) -> None:
            progress.update(
                task,
                completed=done,
                total=total,
                description=f"{plan.sweep.name}: {failed} failed",
            )

        try:
            result = run_sweep(
                plan,
                folder,
                workers=workers,
                scheduler=scheduler,
                scheduler_file=str(scheduler_file) if scheduler_file else None,
                resume=resume,
                progress=show,
            )
        except (StoreError, BackendError) as error:
            raise _bad_input(str(error)) from None
        except SweepInterrupted as stop:
            _err.print(
                f"interrupted: {stop.stored} runs are stored in {folder}; add --resume to carry on",
                highlight=False,
            )
            raise typer.Exit(130) from None
    report = analyse(plan, result.runs)
    write_report(report, folder)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    _print_sweep(report, plan.baseline)
    _out.print(
        f"{result.executed} runs executed, {result.skipped} already stored "
        f"({result.backend}, {result.workers} workers, {result.wall_s:.1f} s); store, "
        f"comparison.csv and charts in {folder}",
        highlight=False,
    )


def _print_sweep(report: SweepReport, baseline: str) -> None:
    table = Table(
        title=f"{report.name}: throughput (Mt/yr) against {_mt(report.target_t)} Mt",
        title_justify="left",
        caption=f"95% CIs; difference paired with {baseline} (same random numbers)",
        caption_justify="left",
    )
    selection = "selection" in report.table
    columns = ["variant", "cost bn CNY", "runs", "throughput", "difference", "P(target met)"]
    for column in [*columns, "robust", *(["selection"] if selection else [])]:
        table.add_column(column, justify="left" if column == "variant" else "right")
    for row in report.table.itertuples(index=False):
        cells = [
            str(row.variant),
            f"{row.cost_cny / 1e9:,.2f}",
            f"{row.runs}" + (f" ({row.errors} failed)" if row.errors else ""),
            f"{_mt(row.throughput_t)} ({_mt(row.throughput_t_ci95_low)}-"
            f"{_mt(row.throughput_t_ci95_high)})",
            f"{_mt(row.throughput_vs_baseline_t)} ({_mt(row.throughput_vs_baseline_t_ci95_low)}"
            f"-{_mt(row.throughput_vs_baseline_t_ci95_high)})",
            f"{row.p_target_met:.0%} ({row.p_target_met_ci95_low:.0%}-"
            f"{row.p_target_met_ci95_high:.0%})",
            f"{row.robustness:.0%}",
        ]
        table.add_row(*cells, *([str(row.selection)] if selection else []))
    _out.print(table)
    if report.selection is not None:
        _out.print(f"[bold]choice:[/] {report.selection.statement}", highlight=False)
        _out.print(f"procedure: {report.selection.procedure}", highlight=False, markup=False)
    _out.print(report.best_throughput, highlight=False, markup=False)


def _mt(tonnes: float) -> str:
    return "-" if tonnes != tonnes else f"{tonnes / 1e6:,.2f}"


def _print_result(result: RunResult) -> None:
    verdict = result.verdict
    colour = {"met": "green", "not met": "red", "uncertain": "yellow"}[verdict.verdict]
    table = Table(
        title=f"{result.scenario.name}: port throughput (Mt)",
        title_justify="left",
        caption=(
            "whole calendar years"
            if result.scenario.run.horizon_days is None
            else f"{result.scenario.run.horizon_days:g} days (annualised in the verdict)"
        )
        + f"; a {result.scenario.warmup_days:g}-day warm-up before 1 January "
        f"{result.scenario.first_year} is not counted",
        caption_justify="left",
    )
    for column in ("year", "mean", "95% CI", "target"):
        table.add_column(column, justify="right")
    for row in result.tables["throughput_port"].itertuples(index=False):
        target = _mt(verdict.target_t) if int(row.year) == verdict.year else ""
        table.add_row(
            str(int(row.year)),
            _mt(row.tonnes),
            f"{_mt(row.tonnes_ci95_low)} - {_mt(row.tonnes_ci95_high)}",
            target,
        )
    _out.print(table)
    mean, low, high = verdict.throughput_t
    _out.print(
        f"[bold {colour}]verdict: {verdict.verdict}[/] - {verdict.year} throughput "
        f"{_mt(mean)} Mt (95% CI {_mt(low)}-{_mt(high)}, {verdict.basis}) against "
        f"{_mt(verdict.target_t)} Mt; target met in {verdict.p_target_met:.0%} of "
        f"{result.replications} replications"
    )
    if verdict.by_year:
        met = verdict.first_year_met
        _out.print(
            (
                f"target first met in {met}"
                if met is not None
                else "target not met in any whole simulated year"
            )
            + "; share of replications at or above it by year: "
            + ", ".join(f"{y} {p:.0%}" for y, _, p in verdict.by_year),
            highlight=False,
        )
    bottlenecks = Table(title="Top bottlenecks", title_justify="left")
    for column in ("rank", "resource", "kind", "utilisation", "mean wait (h)", "wait share"):
        bottlenecks.add_column(column, justify="right" if column != "resource" else "left")
    for rank, row in enumerate(result.bottlenecks.head(5).itertuples(index=False), start=1):
        bottlenecks.add_row(
            str(rank),
            row.resource,
            row.kind,
            f"{row.utilisation:.0%}",
            f"{row.mean_wait_h:.2f}",
            f"{row.wait_share:.2%}",
        )
    _out.print(bottlenecks)
    if result.model is not None:
        for note in result.model.notes:
            _out.print(f"[yellow]note:[/] {note}", highlight=False)
    for overload in result.overloads:
        _out.print(
            f"[bold red]overloaded[/] in replication {overload['replication']}: the queue at "
            f"{overload['kind']} {overload['resource']} reached {overload['queue']} vessels at "
            f"hour {overload['time_h']:,.0f}; demand exceeds what it can serve, the run stopped "
            "there"
        )
    _out.print(
        f"{result.events:,} SimPy events ({result.logical_events:,} vessel and resource "
        f"events) in {result.wall_s:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status (the console-script entry point)."""
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit as stop:
        return int(stop.code or 0) if not isinstance(stop.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
