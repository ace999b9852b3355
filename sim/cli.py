"""The ``hubsim`` command line.

Bad input never shows a traceback: it prints one message naming the file, the row or field and
what is expected, and exits with status 2.

Each command imports what it runs inside its body, so ``hubsim --help`` (and a command that
needs no simulation, plots or GIS) starts without loading them.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from sim.i18n import N_, localise, tr

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from sim.analysis import Verdict
    from sim.runs.capacity import CapacityResult, Relief
    from sim.runs.run import RunResult
    from sim.scenario import Scenario
    from sim.sweep import SweepDecision

__all__ = ["app", "main"]

EXIT_BAD_INPUT = 2
#: ``hubsim run``: a result, but a queue overflowed and stopped a replication (partial numbers)
EXIT_OVERFLOWED = 3

app = typer.Typer(
    name="hubsim",
    help="Multimodal logistics hub simulator for Huai'an Port.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class _LazyConsole:
    """A rich ``Console`` made on first use: ``hubsim --help`` does not import rich at all.

    Help and usage errors are click's plain text (``rich_markup_mode=None``), which keeps
    ``hubsim --help`` within its 0.3 s; everything a command prints goes through rich.
    """

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> object:
        if self._console is None:
            from rich.console import Console

            if self._stderr:
                self._console = Console(stderr=True, soft_wrap=True)
            else:
                # piped output (a log, CI) is read later in a wide window: do not squeeze
                # tables to 80 columns
                self._console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 132)
        return getattr(self._console, name)


_out: Console = _LazyConsole(stderr=False)  # type: ignore[assignment]
_err: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def escape(text: str) -> str:
    """``text`` with rich markup escaped (user input is never read as markup)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def Table(*args: object, **kwargs: object) -> Any:
    """A ``rich.table.Table`` (imported when a command prints one, not at start-up)."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)  # type: ignore[arg-type]


@app.callback()
def _root() -> None:
    """Multimodal logistics hub simulator for Huai'an Port."""


def _bad_input(message: str) -> typer.Exit:
    # the message quotes the user's input and hubsim's expectations ("[low, high]"): never
    # read as markup
    _err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


#: the largest seed (the scenario field's bound: numpy's SeedSequence takes any integer, but a
#: seed is stored as a signed 64-bit integer in the outputs)
SEED_MAX = 2**63 - 1

#: ``hubsim backtest`` runs on the machine's cores by default (up to 4): same numbers, faster
BACKTEST_WORKERS = max(1, min(os.cpu_count() or 1, 4))

WorkersOption = Annotated[
    int,
    typer.Option("--workers", "-w", min=1, max=64, help="Local processes for replications."),
]

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the output: en or zh (default: $HUBSIM_LANG, else lang in the "
        "user config file ~/.config/hubsim/config.toml, else en).",
        show_default=False,
    ),
]

_Command = TypeVar("_Command", bound=Callable[..., Any])


def _in_language(command: _Command) -> _Command:
    """Run a command in the language its ``--lang`` (or the environment, or the config file)
    chooses; a bad setting exits 2 with the message."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sim.i18n import LanguageError, language, resolve_language

        try:
            chosen = resolve_language(kwargs.get("lang"))
        except LanguageError as error:
            raise _bad_input(str(error)) from None
        with language(chosen):
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Dataset folder (default: the bundled data/ports)."),
]


#: The kinds of place of the network data, as ``hubsim network`` counts them.
_NODE_KINDS = {
    "terminal": N_("terminal"),
    "lock": N_("lock"),
    "junction": N_("junction"),
    "gateway": N_("gateway"),
    "hinterland": N_("hinterland"),
    "logistics_park": N_("logistics_park"),
    "airport": N_("airport"),
    "rail_station": N_("rail_station"),
}


#: The fixed words of the network map (``network.plot_network``), marked for the catalogue.
_MAP_WORDS = (
    N_("Region: corridors to the gateways"),
    N_("Huai'an hub: port areas and Grand Canal locks"),
    N_("Terminal"),
    N_("Gateway"),
    N_("Rail station"),
    N_("Airport"),
    N_("Logistics park"),
    N_("Hinterland"),
    N_("Junction"),
    N_("Basemap:"),
)


def _network_map_words(dataset: Any) -> dict[str, Any]:
    """``network.plot_network``'s ``title``, ``words`` and ``labels`` in the current language:
    places named from ``name_zh`` of the network data, lakes and seas from the basemap's,
    waterways from :data:`network.plot.WATERWAY_NAMES_ZH` (English where there is none)."""
    import dataclasses

    from network.basemap import read_basemap
    from network.maplabels import MapLabel
    from network.plot import WATERWAY_NAMES_ZH

    nodes = dataset.nodes
    names = {
        f"{kind}:{node}": str(chinese)
        for node, kind, chinese in zip(
            nodes["node_id"], nodes["kind"], nodes.get("name_zh", [""] * len(nodes)), strict=True
        )
        if isinstance(chinese, str) and chinese
    }
    names.update({f"{w.kind}:{w.name}": w.name_zh for w in read_basemap().waters if w.name_zh})
    names.update({f"waterway:{name}": zh for name, zh in WATERWAY_NAMES_ZH.items()})

    def labels(wanted: list[MapLabel]) -> list[MapLabel]:
        # the CJK font has no bold face: the gateways' names are written regular
        return [
            dataclasses.replace(label, text=names.get(label.gid, label.text), weight="normal")
            for label in wanted
        ]

    return {
        "title": tr("hubsim multimodal network ({name})", name=dataset.directory.name),
        "words": tr,
        "labels": labels,
    }


@app.command("network")
@_in_language
def network_command(
    data: DataOption = None,
    map_png: Annotated[
        Path | None, typer.Option("--map", help="Write a PNG map of the network here.")
    ] = None,
    gpkg: Annotated[
        Path | None, typer.Option("--gpkg", help="Write a GeoPackage (nodes, links) here.")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Check the network data, summarise it, and draw a map or export a GeoPackage."""
    import network
    from network.plot import MODE_LABELS
    from sim.i18n import current_language

    try:
        dataset = network.read_dataset(data)
    except network.DataError as error:
        raise _bad_input(str(error)) from None
    graph = network.build_graph(dataset)

    english = current_language() == "en"
    table = Table(title=tr("Network {folder}", folder=dataset.directory), title_justify="left")
    table.add_column(tr("mode"))
    table.add_column(tr("links"), justify="right")
    table.add_column(tr("km"), justify="right")
    for mode, group in dataset.links.groupby("mode"):
        name = str(mode) if english else tr(MODE_LABELS.get(str(mode), str(mode)))
        table.add_row(name, str(len(group)), f"{group['length_km'].sum():,.0f}")
    _out.print(table)
    kinds = dataset.nodes["kind"].value_counts()
    _out.print(
        tr(
            "places: {kinds}; graph: {nodes} nodes, {edges} edges",
            kinds=tr(", ").join(
                tr("{n} {kind}", n=count, kind=tr(_NODE_KINDS.get(str(kind), str(kind))))
                for kind, count in kinds.items()
            ),
            nodes=graph.number_of_nodes(),
            edges=graph.number_of_edges(),
        )
    )
    if map_png is not None:
        if english:
            network.write_map(dataset, map_png)
        else:
            from sim.i18n import chart_fonts

            with chart_fonts():
                network.write_map(dataset, map_png, **_network_map_words(dataset))
        _out.print(tr("map written to {path}", path=map_png), markup=False)
    if gpkg is not None:
        network.write_geopackage(dataset, gpkg)
        _out.print(tr("GeoPackage written to {path}", path=gpkg), markup=False)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checking)."""
    from sim.scenario.schema import scenario_file_schema

    typer.echo(json.dumps(scenario_file_schema(), indent=2, ensure_ascii=False))


@app.command("validate")
@_in_language
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
    lang: LangOption = None,
) -> None:
    """Check scenario files (format, network references, routes) and summarise each.

    The summary and the warnings are written in the chosen language; a problem with a file is
    always reported in English, as it quotes the file's (English) field names.
    """
    from sim.scenario import ScenarioError
    from sim.scenario.checks import scenario_warnings
    from sim.scenario.routes import load_checked
    from sim.scenario.summary import summary_lines

    failed = 0
    for path in files:
        try:
            scenario, check = load_checked(path)
        except ScenarioError as error:
            failed += 1
            _err.print(f"[bold red]✗[/] {escape(str(path))}", highlight=False)
            _err.print(str(error), highlight=False, soft_wrap=True, markup=False)
            continue
        _out.print(
            f"[bold green]✓[/] {escape(str(path))}: {escape(scenario.name)}", highlight=False
        )
        for line in summary_lines(scenario, check):
            _out.print(f"  {line}", highlight=False, markup=False)
        for warning in scenario_warnings(scenario):
            _out.print(
                f"  [yellow]{escape(tr('warning:'))}[/] {escape(localise(warning))}",
                highlight=False,
            )
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _load_or_exit(file: Path) -> Scenario:
    """A scenario checked against its network data, or exit 2 with the located problems."""
    from sim.scenario import ScenarioError
    from sim.scenario.routes import load_checked

    try:
        scenario, _ = load_checked(file)
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    return scenario


def _progress(*, quiet: bool = False) -> Progress:
    """A progress bar on standard error (silent when it is not a terminal, or ``quiet``)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_err,
        transient=True,
        disable=quiet or not _err.is_terminal,
    )


@app.command("run")
@_in_language
def run_command(
    file: Annotated[Path, typer.Argument(help="Scenario file.")],
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=1, max=1000, help="Replications (1-1000)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, max=SEED_MAX, help="Random seed.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the KPI tables, the records and the model here (`hubsim report DIR` "
            "draws the charts).",
        ),
    ] = None,
    charts: Annotated[
        bool,
        typer.Option(
            "--charts",
            help="With --out: also draw every chart to DIR/charts/ (in parallel; the report "
            "then embeds them instead of drawing them).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Simulate only this year of the scenario (its demand and facilities; a "
            "warm-up before 1 January, then the whole calendar year).",
        ),
    ] = None,
    workers: WorkersOption = 1,
    capacity: Annotated[
        bool,
        typer.Option(
            "--capacity",
            help="Also estimate the sustainable capacity of the judged year and the margin "
            "to the target (one replication, two rounds of two probes; `hubsim capacity` for "
            "the full estimate).",
        ),
    ] = False,
    relief: Annotated[
        int,
        typer.Option(
            "--relief",
            min=0,
            max=10,
            help="Also estimate (quickly, as --capacity, which it implies) the capacity gained "
            "by relieving each of the top N bottlenecks.",
        ),
    ] = 0,
    precision: Annotated[
        float | None,
        typer.Option(
            "--precision",
            min=0.0001,
            max=0.5,
            help="Add replications until the throughput CI half-width is at most this share "
            "of the target (e.g. 0.01), up to --max-replications.",
        ),
    ] = None,
    max_replications: Annotated[
        int,
        typer.Option("--max-replications", min=3, max=1000, help="Bound of --precision."),
    ] = 30,
    lang: LangOption = None,
) -> None:
    """Simulate a scenario: the verdict against the target (met / not met / uncertain) with
    its reasons, throughput per whole year, the service criteria and the ranked bottlenecks.

    Columns of the bottleneck table: criterion = the service criterion that judges the
    resource, its value and limit; ratio = value / limit (above 1: fails); utilisation =
    share of its capacity in use; mean wait = hours a ship waits for it; wait share = hours
    ships waited for it / hours all ships spent in the system.
    """
    from sim.results.manifest import RunFolderError
    from sim.results.output import check_target, write_outputs
    from sim.runs.capacity import (
        criteria_failures,
        evaluation_scenario,
        quick_capacity,
        quick_relief,
    )
    from sim.runs.run import run as simulate_scenario
    from sim.scenario import ScenarioError

    scenario = _load_or_exit(file)
    if out is not None:  # before any work: a folder that is not a run's is never replaced
        try:
            check_target(out)
        except RunFolderError as error:
            raise _bad_input(str(error)) from None
    if year is not None:
        try:
            scenario, _ = evaluation_scenario(scenario, year)
        except ScenarioError as error:
            raise _bad_input(str(error)) from None
    if seed is not None:  # set once, here: the run and the capacity search below use it
        scenario = scenario.model_copy(
            update={"run": scenario.run.model_copy(update={"seed": seed})}
        )
    capacity_result: CapacityResult | None = None
    reliefs: list[Relief] = []
    with _progress() as progress:
        task = progress.add_task(f"simulating {scenario.name} (days)", total=None)
        result = simulate_scenario(
            scenario,
            replications=replications,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            workers=workers,
            precision=precision,
            max_replications=max_replications,
        )
        if capacity or relief:
            progress.add_task("sustainable capacity (quick estimate)", total=None)
            assert result.model is not None
            same_run = year is not None or scenario.run.horizon_days is not None
            capacity_result = quick_capacity(
                scenario,
                at_one=criteria_failures(result.model, result.records[0]) if same_run else None,
                year=year,
                workers=workers,
            )
        if relief and capacity_result is not None:
            progress.add_task(f"relieving the top {relief} bottlenecks (quick)", total=None)
            ranked = result.bottlenecks
            candidates = ranked[(ranked["criterion"] != "") | (ranked["wait_share"] > 0)]
            reliefs = quick_relief(
                scenario,
                capacity_result,
                list(zip(candidates["kind"], candidates["resource"], strict=True))[:relief],
                year=year,
                workers=workers,
            )
    if capacity_result is not None:
        result = result.with_capacity(capacity_result, reliefs, quick=True)
    if out is not None:
        try:
            write_outputs(result, out, relief=reliefs, charts=charts)
        except RunFolderError as error:
            raise _bad_input(str(error)) from None
    if as_json:
        document = result.to_json()
        if capacity_result is not None:
            document["capacity"] = capacity_result.to_json()
        typer.echo(json.dumps(document, ensure_ascii=False))
    else:
        _print_result(result)
        if capacity_result is not None:
            _print_capacity(scenario, capacity_result, quick=True)
        if reliefs:
            _print_relief(reliefs, quick=True)
        if out is not None:
            _out.print(
                tr("tables, event records and charts written to {out}", out=out)
                if charts
                else tr(
                    "tables and event records written to {out} (charts: `hubsim report {out}`)",
                    out=out,
                ),
                markup=False,
            )
    if result.overloads:
        raise typer.Exit(EXIT_OVERFLOWED)


def _print_relief(reliefs: list[Relief], *, quick: bool = False) -> None:
    table = Table(
        title=tr("Bottleneck relief (capacity gained, Mt/yr) - quick estimates from replication 0")
        if quick
        else tr("Bottleneck relief (capacity gained, Mt/yr)"),
        title_justify="left",
    )
    for column, right in (
        (tr("resource"), False),
        (tr("change"), False),
        (tr("gain"), True),
        (tr("95% CI"), True),
    ):
        table.add_column(column, justify="right" if right else "left", overflow="fold")
    for r in reliefs:
        table.add_row(
            r.resource,
            localise(r.change),
            _mt(r.gain_t[0]),
            "-" if r.gain_t[1] != r.gain_t[1] else f"{_mt(r.gain_t[1])} - {_mt(r.gain_t[2])}",
        )
    _out.print(table)


@app.command("capacity")
@_in_language
def capacity_command(
    file: Annotated[Path, typer.Argument(help="Scenario file.")],
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=1, max=1000, help="Replications (1-1000)."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year to scale.")] = None,
    relief: Annotated[
        int,
        typer.Option(
            "--relief", min=0, max=10, help="Also relieve the top N bottlenecks, one by one."
        ),
    ] = 0,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=1, max=64, help="Local processes for replications."),
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    lang: LangOption = None,
) -> None:
    """Sustainable capacity: the largest demand the plan carries within its service criteria.

    Runs the plan at its own demand first (the verdict, stated with the capacity and margin,
    as `hubsim run` states it). With --relief N, the top N bottlenecks of that run are
    relieved one at a time (one more berth or chamber, a quarter more yard) and the capacity
    each adds is reported with its 95% CI (paired, same random numbers).
    """
    from sim.runs.capacity import (
        bottleneck_relief,
        criteria_failures,
        evaluation_scenario,
        sustainable_capacity,
    )
    from sim.runs.run import run as simulate_scenario
    from sim.scenario import ScenarioError

    scenario = _load_or_exit(file)
    try:
        evaluated, _ = evaluation_scenario(scenario, year)  # a year the scenario simulates
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    with _progress() as progress:
        task = progress.add_task(f"{scenario.name} at its own demand", total=None)
        # the plan at its own demand: the verdict, the ranking, and the first probe of every
        # replication's search (the same scenario and random numbers)
        plan = simulate_scenario(
            evaluated,
            replications=replications,
            workers=workers,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
        assert plan.model is not None
        at_one = {r: criteria_failures(plan.model, record) for r, record in enumerate(plan.records)}
        task = progress.add_task(f"capacity of {scenario.name}", total=None)
        reliefs: list[Relief] = []
        if relief:
            ranked = plan.bottlenecks
            ranked = ranked[(ranked["criterion"] != "") | (ranked["wait_share"] > 0)].head(relief)
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
                at_one=at_one,
            )
    verdict = plan.with_capacity(result, reliefs).verdict
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
        document = {
            "scenario": scenario.name,
            **result.to_json(),
            "relief": relief_rows,
            "verdict": verdict.verdict,
            "headline": verdict.headline,
            "reasons": list(verdict.reasons),
        }
        typer.echo(json.dumps(document, ensure_ascii=False))
        return
    from sim.analysis.verdict_text import headline

    said = tr("verdict: {headline}", headline=headline(verdict.to_json(), _place_names(plan)))
    _out.print(f"[bold {_COLOURS[verdict.verdict]}]{escape(said)}[/]", highlight=False)
    _print_capacity(scenario, result)
    if reliefs:
        _print_relief(reliefs)


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
        interval = tr(" (95% CI {low_mt}-{high_mt})", low_mt=_mt(low), high_mt=_mt(high))
    _out.print(
        tr(
            "[bold]{name}[/]: sustainable capacity in {year} [bold {colour}]{capacity_mt} "
            "Mt/yr[/]{interval}; demand offered {offered_mt} Mt/yr; target {target_mt} Mt/yr, "
            "[bold]capacity margin {sign}{margin_mt} Mt/yr[/]",
            name=escape(scenario.name),
            year=result.year,
            colour=colour,
            capacity_mt=_mt(mean),
            interval=interval,
            offered_mt=_mt(result.offered_t),
            target_mt=_mt(result.target_t),
            sign="+" if margin >= 0 else "",
            margin_mt=_mt(margin),
        )
        + (
            tr(" (quick estimate from one replication; `hubsim capacity` for the full one)")
            if quick
            else ""
        ),
        highlight=False,
    )
    for replication, (multiplier, binding) in enumerate(
        zip(result.multipliers, result.binding, strict=True)
    ):
        _out.print(
            tr(
                "  replication {replication}: x{multiplier:.3f} of demand; beyond it: {binding}",
                replication=replication,
                multiplier=multiplier,
                binding=localise(binding),
            ),
            highlight=False,
            markup=False,
        )


@app.command("compare")
@_in_language
def compare_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario files: the reference plan first, then the what-ifs."),
    ],
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=1, max=1000, help="Replications per plan."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=SEED_MAX, help="Random seed (the same for every plan)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Judge every plan in this year, simulated alone (default: the plans' target "
            "year, which must be the same).",
        ),
    ] = None,
    workers: WorkersOption = 1,
    capacity: Annotated[
        bool,
        typer.Option(
            "--capacity",
            help="Also estimate each plan's sustainable capacity quickly and its margin to the "
            "target (as `hubsim run --capacity`).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write comparison.csv/.parquet, comparison.png and compare.html here.",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Compare plans with the same random numbers: the first file (the reference) against one
    or more what-ifs, one row per plan, with deltas against the reference and their paired 95 %
    CIs (common random numbers)."""
    from sim.report.compare_report import write_comparison
    from sim.runs.compare import CompareError, console_table
    from sim.runs.compare import compare as compare_plans
    from sim.scenario import ScenarioError

    if len(files) < 2:
        raise _bad_input(
            f"compare needs at least two scenario files (the reference first), got {len(files)}"
        )
    scenarios = [_load_or_exit(file) for file in files]
    with _progress() as progress:
        task = progress.add_task("comparing", total=None)

        def show(plan: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"simulating {plan}")

        try:
            comparison = compare_plans(
                scenarios,
                files=[str(f) for f in files],
                replications=replications,
                seed=seed,
                year=year,
                workers=workers,
                capacity=capacity,
                progress=show,
            )
        except (CompareError, ScenarioError) as error:
            raise _bad_input(str(error)) from None
    if out is not None:
        write_comparison(comparison, out)
    if as_json:
        typer.echo(json.dumps(comparison.to_json(), ensure_ascii=False))
        return
    _out.print(console_table(comparison))
    _out.print(localise(comparison.paired_note), highlight=False, markup=False)
    _out.print(tr("compared in {wall_s:.1f} s", wall_s=comparison.wall_s), highlight=False)
    if out is not None:
        _out.print(
            tr("comparison table, chart and compare.html written to {out}", out=out),
            highlight=False,
            markup=False,
        )


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it lies inside it (for messages)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@app.command("backtest")
@_in_language
def backtest_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document: {rows: [...], verdict, ...}.")
    ] = False,
    replications: Annotated[
        int,
        typer.Option("--replications", "-n", min=1, max=1000, help="Replications per scenario."),
    ] = 3,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Local processes for replications (default: the machine's cores, up to 4; "
            "the numbers do not depend on it).",
        ),
    ] = BACKTEST_WORKERS,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write backtest.csv, backtest.json, backtest.png and backtest.html here."
        ),
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="Only the rows of this scenario file (e.g. calibration_2025.yaml); repeatable.",
        ),
    ] = None,
    observations: Annotated[
        Path | None,
        typer.Option(
            "--observations",
            help="Table of observations (default: data/observed/observations.csv).",
        ),
    ] = None,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios",
            help="Folder of the scenario files the rows name (default: the repository's "
            "scenarios/).",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Hold the model against published observations: run the scenario each row names, compute
    the row's KPI over its calendar months in every replication, and print observed against
    predicted (mean and 95 % CI), the band and whether the mean lies inside it.

    Rows that name no scenario, or whose scenario does not model every lock of their place,
    are listed as not predicted, with the reason. Exit status: 0 when every predicted row is
    inside its band, 1 when one is outside, 2 for bad input (a missing scenario file, a row
    outside the years its scenario simulates, a malformed row).

    The printout, backtest.html and backtest.png are written in the chosen language;
    backtest.csv and backtest.json stay English (they are data).
    """
    from sim.backtest import (
        OBSERVED_TABLE,
        SCENARIOS,
        BacktestInputError,
        load_observations,
        plan_backtest,
        run_backtest,
    )
    from sim.backtest.console import backtest_table, not_predicted_lines
    from sim.backtest.output import write_backtest
    from sim.scenario import ScenarioError

    table = _shown(observations or OBSERVED_TABLE)
    folder = _shown(scenarios or SCENARIOS)
    try:
        plan = plan_backtest(
            load_observations(table), table=table, scenarios=folder, only=scenario or ()
        )
    except (BacktestInputError, ScenarioError) as error:
        raise _bad_input(str(error)) from None
    with _progress(quiet=as_json) as progress:
        tasks: dict[str, TaskID] = {}

        def show(file: str, done: int, total: int) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(
                    tr("simulating {file} (days)", file=file), total=None
                )
            progress.update(tasks[file], completed=done, total=total)

        try:
            result = run_backtest(plan, replications=replications, workers=workers, progress=show)
        except ScenarioError as error:
            raise _bad_input(str(error)) from None
    if out is not None:
        write_backtest(result, out)
    status = 0 if result.all_inside else 1
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        raise typer.Exit(status)
    _out.print(backtest_table(result))
    missing = not_predicted_lines(result)
    if missing:
        heading = tr("Not predicted ({n}):", n=len(missing))
        _out.print(f"[bold]{escape(heading)}[/]", highlight=False)
        for line in missing:
            _out.print(f"  - {line}", highlight=False, markup=False)
    colour = "green" if result.all_inside else "red"
    _out.print(f"[bold {colour}]{escape(localise(result.verdict))}[/]", highlight=False)
    if not result.predicted:
        _out.print(
            f"[yellow]{escape(tr('note:'))}[/] "
            + escape(
                tr("no observation was predicted, so exit status 0 says nothing about the model")
            ),
            highlight=False,
        )
    for row in result.rows:
        for warning in row.warnings:
            _out.print(
                f"[yellow]{escape(tr('warning:'))}[/] {row.observation.id}: "
                f"{escape(localise(warning))}",
                highlight=False,
            )
    _out.print(
        tr(
            "{n} scenario(s) simulated in {wall_s:.1f} s",
            n=len(result.scenarios),
            wall_s=result.wall_s,
        ),
        highlight=False,
    )
    if out is not None:
        _out.print(
            tr("backtest.csv, .json, .png and .html written to {out}", out=out),
            highlight=False,
            markup=False,
        )
    raise typer.Exit(status)


@app.command("report")
@_in_language
def report_command(
    folder: Annotated[
        Path,
        typer.Argument(help="Output folder of `hubsim run --out` or `hubsim sweep --out`."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for report.html and its PNGs (default FOLDER/report)."),
    ] = None,
    charts: Annotated[
        bool,
        typer.Option(
            "--charts",
            help="Also write a run's charts as briefing PNGs beside the report (matplotlib; "
            "a few seconds more).",
        ),
    ] = False,
    animation: Annotated[
        bool,
        typer.Option("--animation", help="Also animate the vessels over a day (GIF; a run)."),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Processes drawing the PNG charts of a run (default: one per idle CPU).",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Write one self-contained HTML report of a run (verdict, interactive charts, tables,
    assumptions) or of a sweep (decision, comparison, robustness, charts, settings,
    assumptions)."""
    from sim.report import ReportInputError, folder_kind, write_report

    try:
        path = write_report(folder, out, animation=animation, workers=workers, charts=charts)
        sweep = folder_kind(folder) == "sweep"
    except ReportInputError as error:
        raise _bad_input(str(error)) from None
    message = (
        tr("report written to {path} (charts beside it)", path=path)
        if charts or sweep
        else tr("report written to {path}", path=path)
    )
    _out.print(message, highlight=False, markup=False)


@app.command("view")
@_in_language
def view_command(
    folder: Annotated[Path, typer.Argument(help="Output folder of `hubsim run --out`.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="HTML file to write (default FOLDER/viewer.html)."),
    ] = None,
    window: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--window",
            help="Play from START to END (dates YYYY-MM-DD or YYYY-MM-DDTHH:MM; END excluded).",
        ),
    ] = None,
    days: Annotated[
        float | None,
        typer.Option(
            "--days", min=0.01, max=366, help="Play N days from 1 January of the target year."
        ),
    ] = None,
    aggregate: Annotated[
        str | None,
        typer.Option(
            "--aggregate",
            help="hourly or daily: aggregates instead of every vessel (default: the whole "
            "target year).",
        ),
    ] = None,
    replication: Annotated[
        int, typer.Option("--replication", min=0, max=999, help="Replication to draw.")
    ] = 0,
    lang: LangOption = None,
) -> None:
    """Write one self-contained HTML page that plays the run on a map, offline: vessels along
    their routes, queues at locks and berths, yards, trucks, trains and flights, with a time
    slider (by default the first week of the target year)."""
    import datetime as dt

    from sim.viewer import ViewerInputError, write_viewer

    if aggregate is not None and aggregate not in ("hourly", "daily"):
        raise _bad_input(f"--aggregate must be hourly or daily (got {aggregate!r})")
    dates = None
    if window is not None:
        try:
            dates = (dt.datetime.fromisoformat(window[0]), dt.datetime.fromisoformat(window[1]))
        except ValueError as error:
            raise _bad_input(
                f"--window: dates must read YYYY-MM-DD or YYYY-MM-DDTHH:MM ({error})"
            ) from None
    try:
        path = write_viewer(
            folder,
            out,
            window=dates,
            days=days,
            aggregate=aggregate,  # type: ignore[arg-type]
            replication=replication,
        )
    except ViewerInputError as error:
        raise _bad_input(str(error)) from None
    size_mb = path.stat().st_size / 1e6
    _out.print(
        tr(
            "viewer written to {path} ({size_mb:.1f} MB; open it in a browser, it needs no "
            "network)",
            path=path,
            size_mb=size_mb,
        ),
        highlight=False,
        markup=False,
    )


@app.command("sweep")
@_in_language
def sweep_command(
    file: Annotated[Path, typer.Argument(help="Sweep file.")],
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, max=64, help="Local worker processes (1: in process)."
        ),
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
    lang: LangOption = None,
) -> None:
    """Compare infrastructure options under uncertainty: every variant of a sweep file,
    locally (process pool) or on a Dask cluster, into a Parquet store; then the comparison
    table, the choice of the cheapest variant meeting the target, and charts (drawn in the
    chosen language; the store, comparison.csv and summary.json stay English)."""
    from sim.scenario import ScenarioError
    from sim.sweep import (
        BackendError,
        StoreError,
        SweepInterrupted,
        analyse,
        load_sweep,
        run_sweep,
        write_decision,
    )

    try:
        plan = load_sweep(file)
    except ScenarioError as error:
        raise _bad_input(str(error)) from None
    if scheduler is not None and scheduler_file is not None:
        raise _bad_input("give --scheduler or --scheduler-file, not both")
    folder = out or Path("out") / "sweeps" / file.stem
    with _progress() as progress:
        task = progress.add_task(
            tr("{name}: {failed} failed", name=plan.sweep.name, failed=0), total=None
        )

        def show(done: int, failed: int, total: int) -> None:
            progress.update(
                task,
                completed=done,
                total=total,
                description=tr("{name}: {failed} failed", name=plan.sweep.name, failed=failed),
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
            # the interpreter's exit then joins the pool's threads: a second Ctrl-C there
            # would print a traceback over the message below (workers end with their parent)
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _err.print(
                tr(
                    "interrupted: {stored} runs are stored in {folder}; add --resume to carry on",
                    stored=stop.stored,
                    folder=escape(str(folder)),
                ),
                highlight=False,
            )
            raise typer.Exit(130) from None
    decision = analyse(plan, result.runs)
    write_decision(decision, folder)
    if as_json:
        typer.echo(json.dumps(decision.to_json(), ensure_ascii=False))
        return
    _print_sweep(decision, plan.baseline)
    _out.print(
        tr(
            "{executed} runs executed, {skipped} already stored ({backend}, {workers} workers, "
            "{wall_s:.1f} s); store, comparison.csv and charts in {folder}",
            executed=result.executed,
            skipped=result.skipped,
            backend=result.backend,
            workers=result.workers,
            wall_s=result.wall_s,
            folder=escape(str(folder)),
        ),
        highlight=False,
    )


_SWEEP_COLUMNS = (
    N_("variant"),
    N_("cost bn CNY"),
    N_("runs"),
    N_("throughput"),
    N_("difference"),
    N_("P(target met)"),
    N_("robust"),
    N_("selection"),
)
_SELECTION_LABELS = {
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "undecided": N_("undecided"),
}


def _print_sweep(decision: SweepDecision, baseline: str) -> None:
    table = Table(
        title=tr(
            "{name}: throughput (Mt/yr) against {target_mt} Mt",
            name=decision.name,
            target_mt=_mt(decision.target_t),
        ),
        title_justify="left",
        caption=tr(
            "95% CIs; difference: throughput minus {baseline}'s, paired by replication (same "
            "random numbers); P(target met): share of runs meeting the target (throughput, "
            "service criteria unless switched off, no overflow), Wilson interval; robust: share "
            "of futures in which at least the selection probability (default half) of runs meet "
            "it; selection: the rule's label",
            baseline=baseline,
        ),
        caption_justify="left",
    )
    selection = "selection" in decision.table
    for column in _SWEEP_COLUMNS if selection else _SWEEP_COLUMNS[:-1]:
        table.add_column(
            tr(column), justify="left" if column == "variant" else "right", overflow="fold"
        )
    for row in decision.table.itertuples(index=False):
        label = str(row.selection) if selection else ""
        cells = [
            str(row.variant),
            f"{row.cost_cny / 1e9:,.2f}",
            f"{row.runs}" + (tr(" ({failed} failed)", failed=row.errors) if row.errors else ""),
            f"{_mt(row.throughput_t)} ({_mt(row.throughput_t_ci95_low)}-"
            f"{_mt(row.throughput_t_ci95_high)})",
            f"{_mt(row.throughput_vs_baseline_t)} ({_mt(row.throughput_vs_baseline_t_ci95_low)}"
            f"-{_mt(row.throughput_vs_baseline_t_ci95_high)})",
            f"{row.p_target_met:.0%} ({row.p_target_met_ci95_low:.0%}-"
            f"{row.p_target_met_ci95_high:.0%})",
            f"{row.robustness:.0%}",
        ]
        shown = tr(_SELECTION_LABELS[label]) if label in _SELECTION_LABELS else label
        table.add_row(*cells, *([shown] if selection else []))
    _out.print(table)
    if decision.selection is not None:
        _out.print(
            f"[bold]{escape(tr('choice:'))}[/] {escape(localise(decision.selection.statement))}",
            highlight=False,
        )
        _out.print(
            tr("procedure: {procedure}", procedure=localise(decision.selection.procedure)),
            highlight=False,
            markup=False,
        )
    _out.print(localise(decision.best_throughput), highlight=False, markup=False)


def _mt(tonnes: float) -> str:
    return "-" if tonnes != tonnes else f"{tonnes / 1e6:,.2f}"


_COLOURS = {"met": "green", "not met": "red", "uncertain": "yellow"}


def _place_names(result: RunResult) -> dict[str, str]:
    """English place names -> names in the current language (none in English)."""
    from sim.i18n import current_language

    if current_language() == "en" or result.model is None:
        return {}
    from sim.results.rundata import as_run_data
    from sim.viz.labels import localise_names

    return localise_names(as_run_data(result).model)


def _print_result(result: RunResult) -> None:
    from sim.analysis.verdict_text import headline, verdict_word
    from sim.viz.style import kind_label

    verdict = result.verdict
    names = _place_names(result)
    colour = _COLOURS[verdict.verdict]
    basis = verdict.by_year[0].basis if verdict.by_year else verdict.basis
    period = (
        tr("whole calendar years")
        if basis == "calendar year"
        else tr("{days:g} days, annualised", days=result.scenario.run.horizon_days)
    )
    table = Table(
        title=tr("{name}: port throughput (Mt)", name=result.scenario.name),
        title_justify="left",
        caption=(
            tr(
                "{period}; a {warmup:g}-day warm-up before 1 January {first} is not counted; "
                "P(met): share of replications meeting the target (throughput, service "
                "criteria and no overflow)",
                period=period,
                warmup=result.scenario.warmup_days,
                first=result.scenario.first_year,
            )
            if verdict.criteria_applied
            else tr(
                "{period}; a {warmup:g}-day warm-up before 1 January {first} is not counted; "
                "P(met): share of replications meeting the target (throughput and no overflow)",
                period=period,
                warmup=result.scenario.warmup_days,
                first=result.scenario.first_year,
            )
        ),
        caption_justify="left",
    )
    for column in (tr("year"), tr("mean"), tr("95% CI"), tr("target"), tr("P(met)"), tr("verdict")):
        table.add_column(column, justify="right")
    for y in verdict.by_year:
        mean, low, high = y.throughput_t
        table.add_row(
            str(y.year) + (tr(" (annualised)") if y.basis == "annualised" else ""),
            _mt(mean),
            "-" if low != low else f"{_mt(low)} - {_mt(high)}",
            _mt(verdict.target_t),
            f"{y.p_target_met:.0%}",
            f"[{_COLOURS[y.verdict]}]{escape(verdict_word(y.verdict))}[/]",
        )
    _out.print(table)
    said = tr("verdict: {headline}", headline=headline(verdict.to_json(), names))
    _out.print(f"[bold {colour}]{escape(said)}[/]", highlight=False)
    for reason in verdict.reasons:
        _out.print(f"  - {escape(localise(reason, names))}", highlight=False)
    if len(verdict.by_year) > 1:
        met = verdict.first_year_met
        _out.print(
            (
                tr("target first met in {year}", year=met)
                if met is not None
                else tr("target not met in any whole simulated year")
            ),
            highlight=False,
        )
    if verdict.criteria:
        _print_criteria(verdict, names)
    bottlenecks = Table(
        title=tr("Top bottlenecks (ranked by their effect on the verdict)"),
        title_justify="left",
        caption=tr(
            "criterion: the service criterion judging it, value and limit; ratio: value / "
            "limit (over 1 fails); utilisation: share of its capacity in use; mean wait: hours "
            "a ship waits for it; wait share: hours ships waited for it / hours all ships spent "
            "in the system"
        ),
        caption_justify="left",
    )
    for column, left in (
        (tr("rank"), False),
        (tr("resource"), True),
        (tr("kind"), False),
        (tr("criterion"), True),
        (tr("ratio"), False),
        (tr("utilisation"), False),
        (tr("mean wait (h)"), False),
        (tr("wait share"), False),
    ):
        bottlenecks.add_column(column, justify="left" if left else "right", overflow="fold")
    from sim.i18n import current_language

    for row in result.bottlenecks.head(5).itertuples(index=False):
        bottlenecks.add_row(
            str(row.rank),
            row.resource,
            row.kind if current_language() == "en" else kind_label(row.kind),
            localise(row.criterion, names) or "-",
            "-" if row.criterion_ratio != row.criterion_ratio else f"{row.criterion_ratio:.2f}",
            "-" if row.utilisation != row.utilisation else f"{row.utilisation:.0%}",
            "-" if row.mean_wait_h != row.mean_wait_h else f"{row.mean_wait_h:.2f}",
            "-" if row.wait_share != row.wait_share else f"{row.wait_share:.2%}",
        )
    _out.print(bottlenecks)
    if result.model is not None:
        for note in result.model.notes:
            _out.print(
                f"[yellow]{escape(tr('note:'))}[/] {escape(localise(note, names))}",
                highlight=False,
            )
    if result.precision:
        _out.print(localise(result.precision, names), highlight=False, markup=False)
    if result.processes:
        holds = result.tables.get("holds")
        held = int(holds["ships_held"].sum()) if holds is not None and len(holds) else 0
        _out.print(
            tr(
                "control processes: {processes} ({held:,} ships held at an anchorage per "
                "replication, see kpi/holds and events/actions)",
                processes=", ".join(result.processes),
                held=held,
            ),
            highlight=False,
            markup=False,
        )
    _out.print(
        tr(
            "{events:,} events ({logical:,} vessel and resource events) in {wall_s:.1f} s",
            events=result.events,
            logical=result.logical_events,
            wall_s=result.wall_s,
        ),
        highlight=False,
    )


def _print_criteria(verdict: Verdict, names: dict[str, str] | None = None) -> None:
    """The judged year's criteria: those failing or undecided, then the closest to failing."""
    from sim.analysis.criteria import format_value

    shown = [c for c in verdict.criteria if c.holds is not True]
    closest = [c for c in verdict.criteria if c.holds is True][: max(0, 6 - len(shown))]
    table = Table(
        title=(
            tr("Service criteria in {year}", year=verdict.year)
            if verdict.criteria_applied
            else tr("Service criteria in {year} (not applied to the verdict)", year=verdict.year)
        ),
        title_justify="left",
        caption=tr(
            "{n} judged; shown: every one that fails or may fail, then the closest to its "
            "limit; holds: the whole 95 % CI within the limit",
            n=len(verdict.criteria),
        ),
        caption_justify="left",
    )
    for column, left in (
        (tr("criterion"), True),
        (tr("where"), True),
        (tr("value"), False),
        (tr("95% CI"), False),
        (tr("limit"), False),
        (tr("holds"), False),
    ):
        table.add_column(column, justify="left" if left else "right", overflow="fold")
    holds = {
        True: f"[green]{escape(tr('yes'))}[/]",
        False: f"[red]{escape(tr('no'))}[/]",
        None: f"[yellow]{escape(tr('uncertain'))}[/]",
    }
    for c in [*shown, *closest]:
        table.add_row(
            tr(_CRITERION_NAMES[c.name]) if c.name in _CRITERION_NAMES else c.name,
            localise(c.label, names),
            format_value(c.name, c.value[0]),
            "-"
            if c.value[1] != c.value[1]
            else f"{format_value(c.name, c.value[1])} - {format_value(c.name, c.value[2])}",
            format_value(c.name, c.limit),
            holds[c.holds],
        )
    _out.print(table)


_CRITERION_NAMES = {
    "berth_waiting_service_ratio": N_("berth waiting / service"),
    "berth_occupancy": N_("berth occupancy"),
    "mean_lock_wait_h": N_("mean lock wait"),
    "yard_blocking_share": N_("ships held at berth"),
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status (the console-script entry point)."""
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit as stop:
        return int(stop.code or 0) if not isinstance(stop.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
