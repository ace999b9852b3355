"""The HTML report of one run: the verdict first, then key figures, charts, tables and the
scenario's assumptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd
from pydantic import ValidationError

from sim.analysis.criteria import format_value
from sim.report.html import (
    Column,
    chart_figures,
    contents_nav,
    definition_list,
    document,
    image,
    paragraph,
    section,
    table,
)
from sim.results.rundata import RunData
from sim.scenario import Scenario
from sim.scenario.costs import capex_items
from sim.viz.measures import resource_label
from sim.viz.run import ChartSpec

__all__ = ["run_report_html", "scenario_assumptions", "verdict_sentence"]


def _mt(tonnes: Any) -> str:
    return f"{float(tonnes) / 1e6:,.2f}"


def _pct(share: Any) -> str:
    return f"{float(share):.1%}"


def _h(hours: Any) -> str:
    return f"{float(hours):,.2f}"


def verdict_sentence(data: RunData) -> str:
    """The verdict in one sentence, as the report opens with it (the headline of
    ``summary.json``: the same words as ``hubsim run`` prints)."""
    summary = data.summary
    headline = summary.get("headline")
    if headline:
        return f"Verdict: {headline}."
    throughput = summary.get("throughput_t") or {}
    mean, low, high = (throughput.get(k) for k in ("mean", "ci95_low", "ci95_high"))
    interval = (
        f" (95 % CI {_mt(low)}-{_mt(high)} Mt)" if low is not None and high is not None else ""
    )
    return (
        f"Verdict: {str(summary.get('verdict', 'unknown')).upper()}. "
        f"Port throughput in {summary.get('target_year')}: {_mt(mean or 0.0)} Mt{interval}, "
        f"{summary.get('basis', '')}, against the target of {_mt(summary.get('target_t', 0.0))} "
        f"Mt; the target is met in {float(summary.get('p_target_met') or 0.0):.0%} of "
        f"{summary.get('replications')} replications."
    )


_REASON_HEADS = {
    "throughput": "Throughput",
    "fails": "Fails",
    "may fail": "May fail",
    "overflow": "Overflow",
    "settings": "Settings",
    "precision": "Precision",
    "capacity": "Capacity",
    "relief": "Relief",
}


def _when(data: RunData, hour: float) -> str:
    """A simulation hour as a date and time (hour 0 is the start of the warm-up)."""
    moment = data.model.calendar.origin + dt.timedelta(hours=float(hour))
    return moment.strftime("%Y-%m-%d %H:%M")


def _verdict_box(data: RunData) -> str:
    summary = data.summary
    word = str(summary.get("verdict", "uncertain"))
    lines = [
        f'<p><strong class="word">{escape(word)}</strong></p>',
        paragraph(verdict_sentence(data)),
    ]
    reasons = summary.get("reasons") or []
    if reasons:
        items = []
        for reason in reasons:
            head, _, rest = str(reason).partition(": ")
            label = _REASON_HEADS.get(head)
            items.append(
                f"<li><strong>{escape(label)}:</strong> {escape(rest)}</li>"
                if label
                else f"<li>{escape(str(reason))}</li>"
            )
        lines.append(f'<ul class="reasons">{"".join(items)}</ul>')
    lines.append(
        paragraph(
            f"The target is met in {float(summary.get('p_target_met') or 0.0):.0%} of "
            f"{summary.get('replications')} replications: a replication meets it when its "
            f"{summary.get('target_year')} throughput reaches the target"
            + (
                ", every service criterion holds"
                if summary.get("criteria_applied", True)
                else " (service criteria switched off in this scenario)"
            )
            + " and no queue overflows."
        )
    )
    by_year = summary.get("by_year") or []
    if len(by_year) > 1:
        first = summary.get("first_year_met")
        lines.append(
            paragraph(
                (f"The verdict is first met in {first}. " if first else "")
                + "By year: "
                + ", ".join(
                    f"{b['year']}: {b.get('verdict', '')} ({b['p_target_met']:.0%})"
                    for b in by_year
                )
                + "."
            )
        )
    for overload in summary.get("overloads") or []:
        lines.append(
            paragraph(
                f"Replication {overload['replication']} overloaded: the queue at "
                f"{overload['kind']} {overload['resource']} reached {overload['queue']} vessels "
                f"on {_when(data, overload['time_h'])}; demand exceeds what it can serve.",
                css="note",
            )
        )
    css = {"met": "verdict-met", "not met": "verdict-not-met"}.get(word, "verdict-uncertain")
    return f'<div class="verdict {css}" id="verdict">{"".join(lines)}</div>'


def _key_figures(data: RunData) -> str:
    items: list[tuple[str, str]] = []
    ranked = data.tables["bottlenecks"]
    if not ranked.empty:
        top = ranked.iloc[0]
        items.append(
            (
                "Main bottleneck",
                f"{resource_label(top['kind'], top['resource'], data)} ({top['kind']}): "
                f"{top['utilisation']:.0%} utilised, mean wait {top['mean_wait_h']:.2f} h, "
                f"{top['wait_share']:.2%} of all vessel time waiting for it"
                + (
                    f"; service criterion: {top['criterion']}"
                    if isinstance(top.get("criterion"), str) and top.get("criterion")
                    else ""
                ),
            )
        )
    locks = data.tables.get("locks", pd.DataFrame())
    if not locks.empty:
        busiest = locks.sort_values("utilisation", ascending=False).iloc[0]
        items.append(
            (
                "Busiest lock",
                f"{resource_label('lock', busiest['resource'], data)}: "
                f"{busiest['utilisation']:.0%} of chamber time, mean wait "
                f"{busiest['mean_wait_h']:.2f} h (95th percentile {busiest['p95_wait_h']:.2f} h)",
            )
        )
    economics = data.tables.get("economics", pd.DataFrame())
    if not economics.empty and economics["tonnes"].iloc[0] > 0:
        row = economics.iloc[0]
        items.append(
            (
                "Port cargo delivered",
                f"{_mt(row['tonnes'])} Mt in the counted period; transport cost "
                f"{row['cost_cny_per_t']:,.1f} CNY/t; CO2 {row['co2_kg_per_t']:,.1f} kg/t",
            )
        )
    split = data.tables.get("modal_split", pd.DataFrame())
    if not split.empty:
        items.append(
            (
                "Landside modal split",
                ", ".join(
                    f"{r.landside} {r.share:.0%}"
                    for r in split.sort_values("share", ascending=False).itertuples(index=False)
                ),
            )
        )
    landside = data.tables.get("landside", pd.DataFrame())
    if "utilisation" in landside and landside["utilisation"].notna().any():
        busiest = landside.loc[landside["utilisation"].idxmax()]
        items.append(
            (
                "Busiest landside resource",
                f"{busiest['resource']} ({busiest['kind']}): {busiest['utilisation']:.0%} of "
                "its capacity",
            )
        )
    items.append(
        (
            "Run",
            f"{data.replications} replications, seed {data.summary.get('seed')}, "
            f"{data.summary.get('events', 0):,} events in "
            f"{data.summary.get('wall_s', 0):.1f} s",
        )
    )
    return definition_list(items)


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
    holds = ["uncertain" if pd.isna(h) else "yes" if bool(h) else "no" for h in mine["holds"]]
    return mine.assign(**text, holds=holds)


def _tables(data: RunData) -> str:
    tables = data.tables
    year = data.summary.get("target_year")
    by_area = tables.get("throughput_port_area")
    if by_area is not None and not by_area.empty:
        by_area = by_area[by_area["year"] == year].sort_values("tonnes", ascending=False)
    return "".join(
        [
            _titled_table(
                "Port throughput and the verdict by year",
                tables.get("verdict"),
                [
                    Column("year", "year"),
                    Column("basis", "basis"),
                    Column("throughput_t", "mean (Mt)", _mt),
                    Column("throughput_t_ci95_low", "95 % CI low (Mt)", _mt),
                    Column("throughput_t_ci95_high", "95 % CI high (Mt)", _mt),
                    Column("target_t", "target (Mt)", _mt),
                    Column("p_target_met", "replications meeting the target", _pct),
                    Column("verdict", "verdict"),
                ],
                caption="Whole calendar years (a warm-up before 1 January is not counted); the "
                "same figures as the verdict above and `hubsim run`.",
                optional=False,
            ),
            _titled_table(
                f"Service criteria in {year}",
                _judged_criteria(tables.get("criteria"), year),
                [
                    Column("label", "where"),
                    Column("name", "criterion", lambda n: str(n).replace("_", " ")),
                    Column("value", "mean"),
                    Column("value_ci95_low", "95 % CI low"),
                    Column("value_ci95_high", "95 % CI high"),
                    Column("limit", "limit"),
                    Column("holds", "holds"),
                    Column("replications_failing", "replications failing", ",.0f"),
                ],
                caption="Every criterion the scenario sets, on every berth queue and lock with at "
                "least 20 calls; holds: yes when the whole 95 % CI is within the limit, "
                "uncertain when it straddles it.",
            ),
            _titled_table(
                f"Throughput by port area in {year}",
                by_area,
                [
                    Column("port_area", "port area"),
                    Column("tonnes", "mean (Mt)", _mt),
                    Column("tonnes_ci95_low", "95 % CI low", _mt),
                    Column("tonnes_ci95_high", "95 % CI high", _mt),
                    Column("calls", "port calls", ",.0f"),
                ],
            ),
            _titled_table(
                "Bottlenecks (top 10)",
                tables["bottlenecks"].head(10),
                [
                    Column("rank", "rank"),
                    Column("resource", "resource"),
                    Column("kind", "kind"),
                    Column("criterion", "service criterion"),
                    Column("criterion_ratio", "value / limit", ".2f"),
                    Column("utilisation", "utilisation", _pct),
                    Column("mean_wait_h", "mean wait (h)", _h),
                    Column("wait_share", "share of vessel time waiting", _pct),
                    Column("blocked_h", "berth time blocked by a full yard (h)", ",.0f"),
                ],
                optional=False,
            ),
            _titled_table(
                "Bottleneck relief",
                data.relief,
                [
                    Column("resource", "resource"),
                    Column("change", "change"),
                    Column("gain_t", "capacity gained (Mt/yr)", _mt),
                    Column("gain_t_ci95_low", "95 % CI low", _mt),
                    Column("gain_t_ci95_high", "95 % CI high", _mt),
                    Column("capacity_t", "sustainable capacity after it (Mt/yr)", _mt),
                ],
            ),
            _titled_table(
                "Locks",
                tables.get("locks"),
                [
                    Column("resource", "lock"),
                    Column("chambers", "chambers", ".0f"),
                    Column("passages", "passages", ",.0f"),
                    Column("utilisation", "utilisation", _pct),
                    Column("mean_wait_h", "mean wait (h)", _h),
                    Column("p95_wait_h", "95th pct wait (h)", _h),
                    Column("max_wait_h", "max wait (h)", _h),
                    Column("vessels_per_lockage", "ships per lockage", ".2f"),
                    Column("tonnes_per_lockage", "cargo per lockage (t)", ",.0f"),
                    Column("ship_tonnage_t_per_lockage", "ship tonnage per lockage (t)", ",.0f"),
                    Column("area_share", "chamber area used", _pct),
                ],
            ),
            _titled_table(
                "Berth groups (10 busiest)",
                _largest(tables.get("berths"), "occupancy"),
                [
                    Column("resource", "berth group"),
                    Column("berths", "berths", ".0f"),
                    Column("calls", "calls", ",.0f"),
                    Column("occupancy", "occupancy", _pct),
                    Column("mean_wait_h", "mean wait (h)", _h),
                    Column("mean_service_h", "mean service (h)", _h),
                    Column("waiting_service_ratio", "waiting/service", ".2f"),
                    Column("blocked_h", "blocked (h)", ",.0f"),
                ],
            ),
            _titled_table(
                "Yards (10 fullest)",
                _largest(tables.get("yards"), "occupancy"),
                [
                    Column("resource", "yard"),
                    Column("cargo_group", "cargo"),
                    Column("capacity_t", "capacity (kt)", lambda v: f"{v / 1000:,.0f}"),
                    Column("occupancy", "mean occupancy", _pct),
                    Column("peak_occupancy_t", "peak (kt)", lambda v: f"{v / 1000:,.1f}"),
                    Column("blocked_h", "blocking (h)", ",.0f"),
                    Column("ships_blocked", "ships blocked", ",.0f"),
                ],
            ),
            _titled_table(
                "Transport by mode (all cargo delivered in the counted period)",
                tables.get("transport"),
                [
                    Column("mode", "mode"),
                    Column("tonnes", "tonnes (Mt)", _mt),
                    Column("tonne_km", "tonne-km (billion)", lambda v: f"{v / 1e9:,.3f}"),
                    Column("co2_t", "CO2 (kt)", lambda v: f"{v / 1e3:,.1f}"),
                    Column("cost_cny", "cost (million CNY)", lambda v: f"{v / 1e6:,.1f}"),
                ],
            ),
            _titled_table(
                "Landside resources (gates, rail sidings and links, airports)",
                _landside_rows(tables.get("landside")),
                [
                    Column("resource", "resource"),
                    Column("kind", "kind"),
                    Column("tonnes", "tonnes (kt)", lambda v: f"{v / 1000:,.1f}"),
                    Column("vehicles", "vehicles", ",.0f"),
                    Column("utilisation", "utilisation", _pct),
                    Column("utilisation_ci95_low", "95 % CI low", _pct),
                    Column("utilisation_ci95_high", "95 % CI high", _pct),
                ],
                caption="Vehicles: trucks at gates, trains at sidings, train movements on rail "
                "links, flights at airports. Utilisation '-': ample sidings, not limiting.",
            ),
            _titled_table(
                "Landside modal split of port cargo",
                tables.get("modal_split"),
                [
                    Column("landside", "landside modes"),
                    Column("tonnes", "tonnes (Mt)", _mt),
                    Column("share", "share", _pct),
                    Column("diverted_t", "diverted to it (Mt)", _mt),
                ],
            ),
        ]
    )


def _dates(item: dict[str, Any]) -> str:
    start = item.get("commissioning")
    end = item.get("decommissioning")
    text = f"from {start}" if start else ""
    return text + (f" to {end}" if end else "")


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
            f"{item.fixed_cny / 1e6:,.0f} M + {item.units:,.0f} {item.unit} x "
            f"{item.unit_cost_cny / 1e6:,.3g} M"
            if item.unit_cost_cny > 0
            else "fixed"
        )
        rows.append(
            (
                item.facility,
                item.kind,
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
        return f"{units:,.0f} berths, up to {facility.max_vessel_dwt_t:,.0f} t"
    if kind == "yard":
        return f"{units / 1000:,.0f} kt {facility.cargo_group}"
    if kind == "lock chamber":
        return f"{facility.length_m:g} x {facility.width_m:g} m"
    if kind == "link upgrade":
        return ", ".join(
            f"{k} {v}"
            for k, v in facility.model_dump(mode="json").items()
            if v is not None
            and k not in ("commissioning", "decommissioning", "capex_cny", "opex_cny_per_year")
        )
    return f"{units:,.0f} {unit}"


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
        f"{run.get('horizon_days'):g} days from 1 January {first_year}"
        if run.get("horizon_days")
        else f"{run.get('start_year')}-{run.get('end_year')}"
    )
    operations = scenario.get("operations", {})
    weather = operations.get("weather", {})
    target = scenario.get("target", {})
    demand = scenario.get("demand", {})
    streams = demand.get("streams") or []
    through = demand.get("through_traffic") or []
    items = [
        (
            "Simulated period",
            f"{period}; a {warmup:g}-day warm-up before 1 January {first_year}, not counted",
        ),
        (
            "Target",
            f"{_mt(target.get('throughput_t', 0))} Mt/yr in {target.get('year')}"
            + (f" at {', '.join(target['terminals'])}" if target.get("terminals") else ""),
        ),
        (
            "Demand",
            f"{len(streams)} port streams ({_mt(sum(s.get('annual_t') or 0 for s in streams))} "
            f"Mt/yr in their first year, base year {demand.get('base_year')}), "
            f"{len(through)} through-traffic flows "
            f"({_mt(sum(t.get('annual_t') or 0 for t in through))} Mt/yr); demand multiplier "
            f"{demand.get('multiplier', 1.0):g}",
        ),
        ("Berth allocation", str(operations.get("berth_policy"))),
        (
            "Lock policy",
            f"{operations.get('lock_policy')}; locks not modelled take "
            f"{operations.get('unmodelled_lock_h', 0):g} h each",
        ),
        ("Berth working hours", f"{operations.get('berth_working_h_per_day', 24):g} h/day"),
        (
            "Weather downtime",
            f"{weather.get('downtime_days_per_year', 0):g} days/yr in events of "
            f"{weather.get('mean_event_h', 0):g} h on average, stopping "
            f"{', '.join(weather.get('applies_to') or []) or 'nothing'}",
        ),
        (
            "Low water",
            "; ".join(
                f"{p['start']} to {p['end']}: draught at most {p['max_draught_m']:g} m on "
                f"{', '.join(p.get('links') or []) or 'every inland waterway'}"
                for p in operations.get("low_water") or []
            )
            or "none",
        ),
        (
            "Closures",
            "; ".join(
                f"{c['resource']} {c['start']} to {c['end']}"
                for c in operations.get("closures") or []
            )
            or "none",
        ),
        (
            "Breakdowns",
            "; ".join(
                f"{b['resource_kind']}: MTBF {b['mtbf_h']:g} h, MTTR {b['mttr_h']:g} h"
                for b in operations.get("breakdowns") or []
            )
            or "none",
        ),
        (
            "Service criteria",
            ", ".join(
                f"{k.replace('_', ' ')} {v:g}"
                for k, v in (scenario.get("service_criteria") or {}).items()
                if v is not None
            ),
        ),
        (
            "Overload limit",
            f"a queue of {operations.get('overload_queue_vessels')} vessels stops a run",
        ),
    ]
    parts.append(definition_list(items))
    additions = _plan_additions(scenario, first_year)
    if not additions.empty:
        parts.append("<h3>What the plan adds (facilities in service after the run starts)</h3>")
        parts.append(
            table(
                additions,
                [
                    Column("facility", "facility"),
                    Column("kind", "kind"),
                    Column("size", "size"),
                    Column("in service", "in service"),
                    Column("capex_cny", "CAPEX (million CNY)", lambda v: f"{v / 1e6:,.0f}"),
                    Column("capex basis", "CAPEX basis (fixed + units x unit cost, CNY)"),
                ],
            )
        )
    if notes:
        parts.append("<h3>Not simulated by this engine version</h3>")
        parts.append("<ul>" + "".join(f"<li>{paragraph(n)}</li>" for n in notes) + "</ul>")
    return "".join(parts)


def run_report_html(
    data: RunData,
    charts: Sequence[tuple[ChartSpec, bytes]],
    *,
    animation: bytes | None = None,
    viewer: str | None = None,
) -> str:
    """The report of a run as one HTML document.

    Parameters
    ----------
    data : RunData
    charts : sequence of (ChartSpec, PNG bytes)
        Drawn charts, embedded in this order.
    animation : bytes, optional
        A GIF of the vessels over a day (:func:`sim.viz.animate_vessels`), embedded last.
    viewer : str, optional
        Relative address of the run's map viewer (``hubsim view``), linked under the verdict.

    Returns
    -------
    str
    """
    title = f"hubsim report: {data.name}"
    contents = [("verdict", "Verdict"), ("key-figures", "Key figures")]
    contents += [(f"chart-{spec.name}", spec.title) for spec, _ in charts]
    if animation is not None:
        contents.append(("animation", "Vessels over a day (animation)"))
    contents += [("tables", "Tables"), ("assumptions", "Scenario and assumptions")]
    nav = contents_nav(contents)
    figures = chart_figures(charts)
    if animation is not None:
        figures += image(
            animation,
            alt="Vessels over a day (animation)",
            title="Vessels over a day (animation)",
            caption="Every vessel around the Huai'an hub over the first day after the warm-up, "
            "coloured by what it does (sailing, waiting at or in a lock, waiting for or at a "
            "berth).",
            anchor="animation",
            mime="image/gif",
        )
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = "".join(
        [
            f"<h1>{escape(title)}</h1>",
            paragraph(
                f"Generated {generated} by hubsim from {data.source}: "
                f"{data.replications} replications, seed {data.summary.get('seed')}.",
                css="subtitle",
            ),
            _verdict_box(data),
            (
                f'<p class="viewer-link"><a href="{escape(viewer)}">Open the map viewer</a>: '
                "vessels, queues, yards and landside flows over time (hubsim view).</p>"
                if viewer
                else ""
            ),
            nav,
            section("key-figures", "Key figures", _key_figures(data)),
            section("charts", "Charts", figures),
            section("tables", "Tables", _tables(data)),
            section("assumptions", "Scenario and assumptions", _assumptions(data)),
        ]
    )
    return document(title, body)
