"""The HTML report of one run: the verdict first, then key figures, charts, tables and the
scenario's assumptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd
from pydantic import ValidationError

from sim.analysis.criteria import format_value
from sim.analysis.verdict_text import headline as verdict_headline
from sim.analysis.verdict_text import verdict_word
from sim.i18n import N_, current_language, format_datetime, localise, tr
from sim.report.figures import Figure
from sim.report.html import (
    Column,
    contents_nav,
    definition_list,
    document,
    figure_scripts,
    image,
    interactive_figure,
    paragraph,
    section,
    table,
)
from sim.results.rundata import RunData
from sim.scenario import Scenario
from sim.scenario.costs import capex_items
from sim.vendor import plotly_js
from sim.viz.charts import ChartSpec
from sim.viz.labels import (
    localise_names,
    mode_label,
    port_area_label,
    rail_link_label,
    resource_words,
)
from sim.viz.measures import resource_label

__all__ = ["HTML_LANGUAGES", "run_report_html", "scenario_assumptions", "verdict_sentence"]

#: The ``lang`` attribute of a report's ``<html>`` in each language (BCP 47).
HTML_LANGUAGES = {"en": "en", "zh": "zh-CN"}


def _mt(tonnes: Any) -> str:
    return f"{float(tonnes) / 1e6:,.2f}"


def _pct(share: Any) -> str:
    return f"{float(share):.1%}"


def _h(hours: Any) -> str:
    return f"{float(hours):,.2f}"


def _names(data: RunData) -> dict[str, str]:
    """English place names -> names in the current language (none in English)."""
    return localise_names(data.model) if current_language() != "en" else {}


def verdict_sentence(data: RunData) -> str:
    """The verdict in one sentence, as the report opens with it (the headline of
    ``summary.json``: the same words as ``hubsim run`` prints; in another language, the
    same headline written from the verdict's data)."""
    summary = data.summary
    headline = summary.get("headline")
    if headline:
        if current_language() != "en":
            headline = verdict_headline(summary, _names(data))
        return tr("Verdict: {headline}.", headline=headline)
    throughput = summary.get("throughput_t") or {}
    mean, low, high = (throughput.get(k) for k in ("mean", "ci95_low", "ci95_high"))
    interval = (
        tr(" (95 % CI {low_mt}-{high_mt} Mt)", low_mt=_mt(low), high_mt=_mt(high))
        if low is not None and high is not None
        else ""
    )
    return tr(
        "Verdict: {verdict}. Port throughput in {year}: {mean_mt} Mt{interval}, {basis}, "
        "against the target of {target_mt} Mt; the target is met in {share:.0%} of "
        "{replications} replications.",
        verdict=verdict_word(str(summary.get("verdict", "unknown"))).upper(),
        year=summary.get("target_year"),
        mean_mt=_mt(mean or 0.0),
        interval=interval,
        basis=localise(str(summary.get("basis", ""))),
        target_mt=_mt(summary.get("target_t", 0.0)),
        share=float(summary.get("p_target_met") or 0.0),
        replications=summary.get("replications"),
    )


_REASON_HEADS = {
    "throughput": N_("Throughput"),
    "fails": N_("Fails"),
    "may fail": N_("May fail"),
    "overflow": N_("Overflow"),
    "settings": N_("Settings"),
    "precision": N_("Precision"),
    "capacity": N_("Capacity"),
    "relief": N_("Relief"),
}


def _when(data: RunData, hour: float) -> str:
    """A simulation hour as a date and time (hour 0 is the start of the warm-up)."""
    moment = data.model.calendar.origin + dt.timedelta(hours=float(hour))
    return format_datetime(moment)


def _verdict_box(data: RunData) -> str:
    summary = data.summary
    names = _names(data)
    word = str(summary.get("verdict", "uncertain"))
    lines = [
        f'<p><strong class="word">{escape(verdict_word(word))}</strong></p>',
        paragraph(verdict_sentence(data)),
    ]
    reasons = summary.get("reasons") or []
    if reasons:
        items = []
        for reason in reasons:
            shown = localise(str(reason), names)
            head, _, rest = str(reason).partition(": ")
            label = _REASON_HEADS.get(head)
            if label and shown != str(reason):
                # the reason in the current language without its head word ("吞吐量：...")
                rest = shown.split(tr(":"), 1)[-1]
            items.append(
                f"<li><strong>{escape(tr(label))}{escape(tr(':'))}</strong> {escape(rest)}</li>"
                if label
                else f"<li>{escape(shown)}</li>"
            )
        lines.append(f'<ul class="reasons">{"".join(items)}</ul>')
    share = float(summary.get("p_target_met") or 0.0)
    fields = {
        "share": share,
        "replications": summary.get("replications"),
        "year": summary.get("target_year"),
    }
    lines.append(
        paragraph(
            tr(
                "The target is met in {share:.0%} of {replications} replications: a replication "
                "meets it when its {year} throughput reaches the target, every service "
                "criterion holds and no queue overflows.",
                **fields,
            )
            if summary.get("criteria_applied", True)
            else tr(
                "The target is met in {share:.0%} of {replications} replications: a replication "
                "meets it when its {year} throughput reaches the target (service criteria "
                "switched off in this scenario) and no queue overflows.",
                **fields,
            )
        )
    )
    by_year = summary.get("by_year") or []
    if len(by_year) > 1:
        first = summary.get("first_year_met")
        years = tr(", ").join(
            tr(
                "{year}: {verdict} ({share:.0%})",
                year=b["year"],
                verdict=verdict_word(b.get("verdict", "")),
                share=b["p_target_met"],
            )
            for b in by_year
        )
        lines.append(
            paragraph(
                (tr("The verdict is first met in {year}. ", year=first) if first else "")
                + tr("By year: {years}.", years=years)
            )
        )
    for overload in summary.get("overloads") or []:
        lines.append(
            paragraph(
                tr(
                    "Replication {replication} overloaded: the queue at {kind} {resource} "
                    "reached {queue} vessels on {when}; demand exceeds what it can serve.",
                    replication=overload["replication"],
                    kind=localise(str(overload["kind"])),
                    resource=overload["resource"],
                    queue=overload["queue"],
                    when=_when(data, overload["time_h"]),
                ),
                css="note",
            )
        )
    css = {"met": "verdict-met", "not met": "verdict-not-met"}.get(word, "verdict-uncertain")
    return f'<div class="verdict {css}" id="verdict">{"".join(lines)}</div>'


def _key_figures(data: RunData) -> str:
    names = _names(data)
    items: list[tuple[str, str]] = []
    ranked = data.tables["bottlenecks"]
    if not ranked.empty:
        top = ranked.iloc[0]
        criterion = top.get("criterion")
        fields = {
            "resource": resource_label(top["kind"], top["resource"], data),
            "kind": localise(str(top["kind"])),
            "utilisation": top["utilisation"],
            "wait_h": top["mean_wait_h"],
            "share": top["wait_share"],
        }
        items.append(
            (
                tr("Main bottleneck"),
                tr(
                    "{resource} ({kind}): {utilisation:.0%} utilised, mean wait {wait_h:.2f} h, "
                    "{share:.2%} of all vessel time waiting for it; service criterion: "
                    "{criterion}",
                    criterion=localise(str(criterion), names),
                    **fields,
                )
                if isinstance(criterion, str) and criterion
                else tr(
                    "{resource} ({kind}): {utilisation:.0%} utilised, mean wait {wait_h:.2f} h, "
                    "{share:.2%} of all vessel time waiting for it",
                    **fields,
                ),
            )
        )
    locks = data.tables.get("locks", pd.DataFrame())
    if not locks.empty:
        busiest = locks.sort_values("utilisation", ascending=False).iloc[0]
        items.append(
            (
                tr("Busiest lock"),
                tr(
                    "{lock}: {utilisation:.0%} of chamber time, mean wait {wait_h:.2f} h (95th "
                    "percentile {p95_h:.2f} h)",
                    lock=resource_label("lock", busiest["resource"], data),
                    utilisation=busiest["utilisation"],
                    wait_h=busiest["mean_wait_h"],
                    p95_h=busiest["p95_wait_h"],
                ),
            )
        )
    economics = data.tables.get("economics", pd.DataFrame())
    if not economics.empty and economics["tonnes"].iloc[0] > 0:
        row = economics.iloc[0]
        items.append(
            (
                tr("Port cargo delivered"),
                tr(
                    "{tonnes_mt} Mt in the counted period; transport cost {cost:,.1f} CNY/t; CO2 "
                    "{co2:,.1f} kg/t",
                    tonnes_mt=_mt(row["tonnes"]),
                    cost=row["cost_cny_per_t"],
                    co2=row["co2_kg_per_t"],
                ),
            )
        )
    split = data.tables.get("modal_split", pd.DataFrame())
    if not split.empty:
        items.append(
            (
                tr("Landside modal split"),
                tr(", ").join(
                    tr(
                        "{landside} {share:.0%}",
                        landside=_landside_words(r.landside),
                        share=r.share,
                    )
                    for r in split.sort_values("share", ascending=False).itertuples(index=False)
                ),
            )
        )
    landside = data.tables.get("landside", pd.DataFrame())
    if "utilisation" in landside and landside["utilisation"].notna().any():
        busiest = landside.loc[landside["utilisation"].idxmax()]
        items.append(
            (
                tr("Busiest landside resource"),
                tr(
                    "{resource} ({kind}): {utilisation:.0%} of its capacity",
                    resource=_resource_words(data)(busiest["resource"]),
                    kind=localise(str(busiest["kind"])),
                    utilisation=busiest["utilisation"],
                ),
            )
        )
    items.append(
        (
            tr("Run"),
            tr(
                "{replications} replications, seed {seed}, {events:,} events in {wall_s:.1f} s",
                replications=data.replications,
                seed=data.summary.get("seed"),
                events=data.summary.get("events", 0),
                wall_s=data.summary.get("wall_s", 0),
            ),
        )
    )
    return definition_list(items)


def _landside_words(landside: Any) -> str:
    """A landside mode label (``road+rail``) in the current language."""
    if current_language() == "en":
        return str(landside)
    return " + ".join(mode_label(m.strip()) for m in str(landside).split("+"))


def _resource_words(data: RunData) -> Callable[[Any], str]:
    """How a table names a resource: its id (``HA_NEWPORT/NP_CY``); in Chinese the place's
    Chinese name in place of its id (``淮安港新港作业区/NP_CY``), a rail link by its id and its
    corridor (``R_SP_03 淮阴港区铁路专用线``)."""
    if current_language() == "en":
        return str

    def words(value: Any) -> str:
        text = str(value)
        if text.startswith("rail link "):
            named = rail_link_label(data.model, text.removeprefix("rail link "))
            if named is not None:
                return named
        return resource_words(data.model, text)

    return words


def _titled_table(
    heading: str,
    frame: pd.DataFrame | None,
    columns: Sequence[Column],
    *,
    caption: str = "",
    optional: bool = True,
) -> str:
    """A table under an ``<h3>`` heading; an optional table that is missing or empty is left
    out."""
    if frame is None or (optional and frame.empty):
        return ""
    return f"<h3>{escape(heading)}</h3>" + table(frame, columns, caption=caption)


def _largest(frame: pd.DataFrame | None, column: str, count: int = 10) -> pd.DataFrame | None:
    """The ``count`` rows with the largest ``column`` (None for a missing or empty table)."""
    if frame is None or frame.empty:
        return None
    return frame.sort_values(column, ascending=False).head(count)


def _landside_rows(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """The landside table as the report shows it: no tonnes for rail links (trains are counted
    at their sidings) and no vehicles for yards given as a plain rate."""
    if frame is None or frame.empty or "tonnes" not in frame:
        return frame
    return frame.assign(
        tonnes=frame["tonnes"].where(frame["kind"] != "rail line"),
        vehicles=frame["vehicles"].where(frame["kind"] != "rate"),
    )


def _judged_criteria(frame: pd.DataFrame | None, year: Any) -> pd.DataFrame | None:
    """The judged year's criteria with their values in words (a ratio, hours or a share, as
    `hubsim run` prints them) and ``holds`` as yes / no / uncertain."""
    if frame is None or frame.empty:
        return frame
    mine = frame[frame["year"] == year]
    text = {
        column: [format_value(n, float(v)) for n, v in zip(mine["name"], mine[column], strict=True)]
        for column in ("value", "value_ci95_low", "value_ci95_high", "limit")
    }
    holds = [
        tr("uncertain") if pd.isna(h) else tr("yes") if bool(h) else tr("no") for h in mine["holds"]
    ]
    return mine.assign(**text, holds=holds)


def _tables(data: RunData) -> str:
    names = _names(data)

    def words(value: Any) -> str:  # stored English text (a kind, a basis, a criterion)
        return localise(str(value), names)

    def area(value: Any) -> str:
        return str(value) if current_language() == "en" else port_area_label(data.model, value)

    def mode(value: Any) -> str:
        return str(value) if current_language() == "en" else mode_label(str(value))

    def criterion(name: Any) -> str:
        return tr(str(name).replace("_", " "))

    resource = _resource_words(data)
    tables = data.tables
    year = data.summary.get("target_year")
    by_area = tables.get("throughput_port_area")
    if by_area is not None and not by_area.empty:
        by_area = by_area[by_area["year"] == year].sort_values("tonnes", ascending=False)
    return "".join(
        [
            _titled_table(
                tr("Port throughput and the verdict by year"),
                tables.get("verdict"),
                [
                    Column("year", tr("year")),
                    Column("basis", tr("basis"), words),
                    Column("throughput_t", tr("mean (Mt)"), _mt),
                    Column("throughput_t_ci95_low", tr("95 % CI low (Mt)"), _mt),
                    Column("throughput_t_ci95_high", tr("95 % CI high (Mt)"), _mt),
                    Column("target_t", tr("target (Mt)"), _mt),
                    Column("p_target_met", tr("replications meeting the target"), _pct),
                    Column("verdict", tr("verdict"), verdict_word),
                ],
                caption=tr(
                    "Whole calendar years (a warm-up before 1 January is not counted); the "
                    "same figures as the verdict above and `hubsim run`."
                ),
                optional=False,
            ),
            _titled_table(
                tr("Service criteria in {year}", year=year),
                _judged_criteria(tables.get("criteria"), year),
                [
                    Column("label", tr("where"), words),
                    Column("name", tr("criterion"), criterion),
                    Column("value", tr("mean")),
                    Column("value_ci95_low", tr("95 % CI low")),
                    Column("value_ci95_high", tr("95 % CI high")),
                    Column("limit", tr("limit")),
                    Column("holds", tr("holds")),
                    Column("replications_failing", tr("replications failing"), ",.0f"),
                ],
                caption=tr(
                    "Every criterion the scenario sets, on every berth queue and lock with at "
                    "least 20 calls; holds: yes when the whole 95 % CI is within the limit, "
                    "uncertain when it straddles it."
                ),
            ),
            _titled_table(
                tr("Throughput by port area in {year}", year=year),
                by_area,
                [
                    Column("port_area", tr("port area"), area),
                    Column("tonnes", tr("mean (Mt)"), _mt),
                    Column("tonnes_ci95_low", tr("95 % CI low"), _mt),
                    Column("tonnes_ci95_high", tr("95 % CI high"), _mt),
                    Column("calls", tr("port calls"), ",.0f"),
                ],
            ),
            _titled_table(
                tr("Bottlenecks (top 10)"),
                tables["bottlenecks"].head(10),
                [
                    Column("rank", tr("rank")),
                    Column("resource", tr("resource"), resource),
                    Column("kind", tr("kind"), words),
                    Column("criterion", tr("service criterion"), words),
                    Column("criterion_ratio", tr("value / limit"), ".2f"),
                    Column("utilisation", tr("utilisation"), _pct),
                    Column("mean_wait_h", tr("mean wait (h)"), _h),
                    Column("wait_share", tr("share of vessel time waiting"), _pct),
                    Column("blocked_h", tr("berth time blocked by a full yard (h)"), ",.0f"),
                ],
                optional=False,
            ),
            _titled_table(
                tr("Bottleneck relief"),
                data.relief,
                [
                    Column("resource", tr("resource"), resource),
                    Column("change", tr("change"), words),
                    Column("gain_t", tr("capacity gained (Mt/yr)"), _mt),
                    Column("gain_t_ci95_low", tr("95 % CI low"), _mt),
                    Column("gain_t_ci95_high", tr("95 % CI high"), _mt),
                    Column("capacity_t", tr("sustainable capacity after it (Mt/yr)"), _mt),
                ],
            ),
            _titled_table(
                tr("Locks"),
                tables.get("locks"),
                [
                    Column("resource", tr("lock"), resource),
                    Column("chambers", tr("chambers"), ".0f"),
                    Column("passages", tr("passages"), ",.0f"),
                    Column("utilisation", tr("utilisation"), _pct),
                    Column("mean_wait_h", tr("mean wait (h)"), _h),
                    Column("p95_wait_h", tr("95th pct wait (h)"), _h),
                    Column("max_wait_h", tr("max wait (h)"), _h),
                    Column("vessels_per_lockage", tr("ships per lockage"), ".2f"),
                    Column("tonnes_per_lockage", tr("cargo per lockage (t)"), ",.0f"),
                    Column(
                        "ship_tonnage_t_per_lockage", tr("ship tonnage per lockage (t)"), ",.0f"
                    ),
                    Column("area_share", tr("chamber area used"), _pct),
                ],
            ),
            _titled_table(
                tr("Berth groups (10 busiest)"),
                _largest(tables.get("berths"), "occupancy"),
                [
                    Column("resource", tr("berth group"), resource),
                    Column("berths", tr("berths"), ".0f"),
                    Column("calls", tr("calls"), ",.0f"),
                    Column("occupancy", tr("occupancy"), _pct),
                    Column("mean_wait_h", tr("mean wait (h)"), _h),
                    Column("mean_service_h", tr("mean service (h)"), _h),
                    Column("waiting_service_ratio", tr("waiting/service"), ".2f"),
                    Column("blocked_h", tr("blocked (h)"), ",.0f"),
                ],
            ),
            _titled_table(
                tr("Yards (10 fullest)"),
                _largest(tables.get("yards"), "occupancy"),
                [
                    Column("resource", tr("yard"), resource),
                    Column("cargo_group", tr("cargo"), words),
                    Column("capacity_t", tr("capacity (kt)"), lambda v: f"{v / 1000:,.0f}"),
                    Column("occupancy", tr("mean occupancy"), _pct),
                    Column("peak_occupancy_t", tr("peak (kt)"), lambda v: f"{v / 1000:,.1f}"),
                    Column("blocked_h", tr("blocking (h)"), ",.0f"),
                    Column("ships_blocked", tr("ships blocked"), ",.0f"),
                ],
            ),
            _titled_table(
                tr("Transport by mode (all cargo delivered in the counted period)"),
                tables.get("transport"),
                [
                    Column("mode", tr("mode"), mode),
                    Column("tonnes", tr("tonnes (Mt)"), _mt),
                    Column("tonne_km", tr("tonne-km (billion)"), lambda v: f"{v / 1e9:,.3f}"),
                    Column("co2_t", tr("CO2 (kt)"), lambda v: f"{v / 1e3:,.1f}"),
                    Column("cost_cny", tr("cost (million CNY)"), lambda v: f"{v / 1e6:,.1f}"),
                ],
            ),
            _titled_table(
                tr("Landside resources (gates, rail sidings and links, airports)"),
                _landside_rows(tables.get("landside")),
                [
                    Column("resource", tr("resource"), resource),
                    Column("kind", tr("kind"), words),
                    Column("tonnes", tr("tonnes (kt)"), lambda v: f"{v / 1000:,.1f}"),
                    Column("vehicles", tr("vehicles"), ",.0f"),
                    Column("utilisation", tr("utilisation"), _pct),
                    Column("utilisation_ci95_low", tr("95 % CI low"), _pct),
                    Column("utilisation_ci95_high", tr("95 % CI high"), _pct),
                ],
                caption=tr(
                    "Vehicles: trucks at gates, trains at sidings, train movements on rail "
                    "links, flights at airports. Utilisation '-': ample sidings, not limiting."
                ),
            ),
            _titled_table(
                tr("Landside modal split of port cargo"),
                tables.get("modal_split"),
                [
                    Column("landside", tr("landside modes"), _landside_words),
                    Column("tonnes", tr("tonnes (Mt)"), _mt),
                    Column("share", tr("share"), _pct),
                    Column("diverted_t", tr("diverted to it (Mt)"), _mt),
                ],
            ),
        ]
    )


def _dates(item: dict[str, Any]) -> str:
    start = item.get("commissioning")
    end = item.get("decommissioning")
    text = tr("from {start}", start=start) if start else ""
    return text + (tr(" to {end}", end=end) if end else "")


def _plan_additions(scenario: dict[str, Any], first_year: int) -> pd.DataFrame:
    """Facilities commissioned after the run starts and every link upgrade (what the plan
    adds), with their CAPEX (:func:`sim.scenario.costs.capex_items`: fixed part plus unit
    cost x units)."""
    columns = ["facility", "kind", "size", "in service", "capex_cny", "capex basis"]
    try:
        loaded = Scenario.model_validate(scenario)
    except ValidationError:  # a folder written by an older hubsim: nothing to cost reliably
        return pd.DataFrame([], columns=columns)
    details = _facility_details(loaded)
    start = dt.date(first_year, 1, 1)
    rows = []
    for item in capex_items(loaded).itertuples(index=False):
        commissioning = item.commissioning
        if item.kind != "link upgrade" and (commissioning is None or commissioning < start):
            continue
        facility = details.get(item.facility)
        dates = _dates(facility.model_dump(mode="json")) if facility is not None else ""
        basis = (
            tr(
                "{fixed:,.0f} M + {units:,.0f} {unit} x {unit_cost:,.3g} M",
                fixed=item.fixed_cny / 1e6,
                units=item.units,
                unit=tr(item.unit),
                unit_cost=item.unit_cost_cny / 1e6,
            )
            if item.unit_cost_cny > 0
            else tr("fixed")
        )
        rows.append(
            (
                item.facility,
                localise(item.kind),
                _size(item.kind, item.units, item.unit, facility),
                dates,
                item.capex_cny,
                basis,
            )
        )
    return pd.DataFrame(rows, columns=columns)


def _facility_details(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for terminal_id, terminal in scenario.terminals.items():
        for group in terminal.berths:
            out[f"{terminal_id}/{group.id}"] = group
        for yard in terminal.yards:
            out[f"{terminal_id}/{yard.id}"] = yard
        out[f"{terminal_id}/gate"] = terminal.gate
        out[f"{terminal_id}/rail"] = terminal.rail
    for lock_id, lock in scenario.locks.items():
        for chamber in lock.chambers:
            out[f"{lock_id}/{chamber.id}"] = chamber
    out.update(scenario.links)
    out.update(scenario.airports)
    return {k: v for k, v in out.items() if v is not None}


def _size(kind: str, units: float, unit: str, facility: Any) -> str:
    if kind == "berths":
        return tr(
            "{units:,.0f} berths, up to {dwt:,.0f} t", units=units, dwt=facility.max_vessel_dwt_t
        )
    if kind == "yard":
        return tr(
            "{kt:,.0f} kt {cargo}", kt=units / 1000, cargo=localise(str(facility.cargo_group))
        )
    if kind == "lock chamber":
        return tr("{length:g} x {width:g} m", length=facility.length_m, width=facility.width_m)
    if kind == "link upgrade":
        return ", ".join(
            f"{k} {v}"
            for k, v in facility.model_dump(mode="json").items()
            if v is not None
            and k not in ("commissioning", "decommissioning", "capex_cny", "opex_cny_per_year")
        )
    return tr("{units:,.0f} {unit}", units=units, unit=tr(unit))


def _assumptions(data: RunData) -> str:
    return scenario_assumptions(
        data.model.scenario,
        data.model.first_year,
        data.model.notes,
        warmup_days=data.model.warmup_h / 24.0,
    )


def _warmup_days(scenario: dict[str, Any]) -> float:
    """The warm-up a scenario given as data runs (see ``Scenario.warmup_days``)."""
    try:
        return Scenario.model_validate(scenario).warmup_days
    except ValueError:  # not a valid scenario on its own: the setting as written
        return float(scenario.get("run", {}).get("warmup_days", 0.0))


def scenario_assumptions(
    scenario: dict[str, Any],
    first_year: int,
    notes: Sequence[str] = (),
    *,
    warmup_days: float | None = None,
) -> str:
    """A scenario's assumptions as HTML: its description, run and operations settings, target,
    demand, service criteria, what the plan adds with its CAPEX, and ``notes`` (what the engine
    does not simulate).

    Parameters
    ----------
    scenario : dict
        ``Scenario.model_dump(mode="json")`` (as ``model.json`` and a sweep manifest hold it).
    first_year : int
        The first simulated year (facilities commissioned from then on are "added").
    notes : sequence of str
    warmup_days : float, optional
        The warm-up the run simulated before 1 January ``first_year`` (default: the
        scenario's, with its minimum of twice the longest yard dwell time).
    """
    parts = []
    if scenario.get("description"):
        parts.append(paragraph(str(scenario["description"]).strip()))
    run = scenario.get("run", {})
    warmup = _warmup_days(scenario) if warmup_days is None else warmup_days
    period = (
        tr("{days:g} days from 1 January {year}", days=run.get("horizon_days"), year=first_year)
        if run.get("horizon_days")
        else f"{run.get('start_year')}-{run.get('end_year')}"
    )
    operations = scenario.get("operations", {})
    weather = operations.get("weather", {})
    target = scenario.get("target", {})
    demand = scenario.get("demand", {})
    streams = demand.get("streams") or []
    through = demand.get("through_traffic") or []
    nothing = tr("none")
    items = [
        (
            tr("Simulated period"),
            tr(
                "{period}; a {warmup:g}-day warm-up before 1 January {year}, not counted",
                period=period,
                warmup=warmup,
                year=first_year,
            ),
        ),
        (
            tr("Target"),
            tr(
                "{target_mt} Mt/yr in {year}",
                target_mt=_mt(target.get("throughput_t", 0)),
                year=target.get("year"),
            )
            + (
                tr(" at {terminals}", terminals=", ".join(target["terminals"]))
                if target.get("terminals")
                else ""
            ),
        ),
        (
            tr("Demand"),
            tr(
                "{streams} port streams ({streams_mt} Mt/yr in their first year, base year "
                "{base}), {through} through-traffic flows ({through_mt} Mt/yr); demand "
                "multiplier {multiplier:g}",
                streams=len(streams),
                streams_mt=_mt(sum(s.get("annual_t") or 0 for s in streams)),
                base=demand.get("base_year"),
                through=len(through),
                through_mt=_mt(sum(t.get("annual_t") or 0 for t in through)),
                multiplier=demand.get("multiplier", 1.0),
            ),
        ),
        (tr("Berth allocation"), str(operations.get("berth_policy"))),
        (
            tr("Lock policy"),
            tr(
                "{policy}; locks not modelled take {hours:g} h each",
                policy=operations.get("lock_policy"),
                hours=operations.get("unmodelled_lock_h", 0),
            ),
        ),
        (
            tr("Berth working hours"),
            tr("{hours:g} h/day", hours=operations.get("berth_working_h_per_day", 24)),
        ),
        (
            tr("Weather downtime"),
            tr(
                "{days:g} days/yr in events of {hours:g} h on average, stopping {what}",
                days=weather.get("downtime_days_per_year", 0),
                hours=weather.get("mean_event_h", 0),
                what=", ".join(weather.get("applies_to") or []) or tr("nothing"),
            ),
        ),
        (
            tr("Low water"),
            tr("; ").join(
                tr(
                    "{start} to {end}: draught at most {draught:g} m on {links}",
                    start=p["start"],
                    end=p["end"],
                    draught=p["max_draught_m"],
                    links=", ".join(p.get("links") or []) or tr("every inland waterway"),
                )
                for p in operations.get("low_water") or []
            )
            or nothing,
        ),
        (
            tr("Closures"),
            tr("; ").join(
                tr(
                    "{resource} {start} to {end}",
                    resource=c["resource"],
                    start=c["start"],
                    end=c["end"],
                )
                for c in operations.get("closures") or []
            )
            or nothing,
        ),
        (
            tr("Breakdowns"),
            tr("; ").join(
                tr(
                    "{kind}: MTBF {mtbf:g} h, MTTR {mttr:g} h",
                    kind=b["resource_kind"],
                    mtbf=b["mtbf_h"],
                    mttr=b["mttr_h"],
                )
                for b in operations.get("breakdowns") or []
            )
            or nothing,
        ),
        (
            tr("Service criteria"),
            tr(", ").join(
                tr("{criterion} {value:g}", criterion=tr(k.replace("_", " ")), value=v)
                for k, v in (scenario.get("service_criteria") or {}).items()
                if v is not None
            ),
        ),
        (
            tr("Overload limit"),
            tr(
                "a queue of {vessels} vessels stops a run",
                vessels=operations.get("overload_queue_vessels"),
            ),
        ),
    ]
    parts.append(definition_list(items))
    additions = _plan_additions(scenario, first_year)
    if not additions.empty:
        heading = tr("What the plan adds (facilities in service after the run starts)")
        parts.append(f"<h3>{escape(heading)}</h3>")
        parts.append(
            table(
                additions,
                [
                    Column("facility", tr("facility")),
                    Column("kind", tr("kind")),
                    Column("size", tr("size")),
                    Column("in service", tr("in service")),
                    Column("capex_cny", tr("CAPEX (million CNY)"), lambda v: f"{v / 1e6:,.0f}"),
                    Column("capex basis", tr("CAPEX basis (fixed + units x unit cost, CNY)")),
                ],
            )
        )
    if notes:
        parts.append(f"<h3>{escape(tr('Not simulated by this engine version'))}</h3>")
        parts.append(
            "<ul>" + "".join(f"<li>{paragraph(localise(n))}</li>" for n in notes) + "</ul>"
        )
    return "".join(parts)


def run_report_html(
    data: RunData,
    figures: Sequence[tuple[ChartSpec, Figure]],
    *,
    pngs: Mapping[str, str] | None = None,
    animation: bytes | None = None,
    viewer: str | None = None,
) -> str:
    """The report of a run as one HTML document.

    Parameters
    ----------
    data : RunData
    figures : sequence of (ChartSpec, figure)
        The run's interactive figures (:func:`sim.report.figures.run_figures`), in this order;
        plotly.js is inlined to draw them.
    pngs : mapping, optional
        Chart name -> address (relative to the report) of the PNG of the same chart, linked
        under its figure.
    animation : bytes, optional
        A GIF of the vessels over a day (:func:`sim.viz.animate_vessels`), embedded last.
    viewer : str, optional
        Relative address of the run's map viewer (``hubsim view``), linked under the verdict.

    Returns
    -------
    str
    """
    links = dict(pngs or {})
    title = tr("hubsim report: {name}", name=data.name)
    contents = [("verdict", tr("Verdict")), ("key-figures", tr("Key figures"))]
    contents += [(f"chart-{spec.name}", tr(spec.title)) for spec, _ in figures]
    animation_title = tr("Vessels over a day (animation)")
    if animation is not None:
        contents.append(("animation", animation_title))
    contents += [("tables", tr("Tables")), ("assumptions", tr("Scenario and assumptions"))]
    nav = contents_nav(contents)
    drawn = "".join(
        interactive_figure(
            spec.name,
            figure,
            title=tr(spec.title),
            caption=tr(spec.caption),
            anchor=f"chart-{spec.name}",
            png=links.get(spec.name),
        )
        for spec, figure in figures
    )
    if animation is not None:
        drawn += image(
            animation,
            alt=animation_title,
            title=animation_title,
            caption=tr(
                "Every vessel around the Huai'an hub over the first day after the warm-up, "
                "coloured by what it does (sailing, waiting at or in a lock, waiting for or at a "
                "berth)."
            ),
            anchor="animation",
            mime="image/gif",
        )
    generated = format_datetime(dt.datetime.now())
    body = "".join(
        [
            f"<h1>{escape(title)}</h1>",
            paragraph(
                tr(
                    "Generated {generated} by hubsim from {source}: {replications} "
                    "replications, seed {seed}.",
                    generated=generated,
                    source=data.source,
                    replications=data.replications,
                    seed=data.summary.get("seed"),
                ),
                css="subtitle",
            ),
            _verdict_box(data),
            (
                f'<p class="viewer-link"><a href="{escape(viewer)}">'
                f"{escape(tr('Open the map viewer'))}</a>"
                + escape(tr(": vessels, queues, yards and landside flows over time (hubsim view)."))
                + "</p>"
                if viewer
                else ""
            ),
            nav,
            section("key-figures", tr("Key figures"), _key_figures(data)),
            section("charts", tr("Charts"), paragraph(_charts_note()), drawn),
            section("tables", tr("Tables"), _tables(data)),
            section("assumptions", tr("Scenario and assumptions"), _assumptions(data)),
        ]
    )
    body += figure_scripts(plotly_js())
    return document(title, body, language=HTML_LANGUAGES[current_language()])


def _charts_note() -> str:
    return tr(
        "The charts are interactive: hover for values, drag to zoom (double-click to zoom "
        "out), click a legend entry to hide it; the camera button saves a chart as PNG. "
        "`hubsim report DIR --charts` also writes the briefing PNGs beside the report."
    )
