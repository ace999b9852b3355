"""Key performance indicators of one replication, computed from its flat records.

Every function here is a stateless transform: records in, pandas DataFrames out. Statistics
count from the end of the warm-up (1 January of the first counted year) to the end of the run
(the horizon, or the moment a queue overflowed). Port throughput is tonnes across the quay: a
ship's payload when its handling ends (twice for a water-to-water transshipment).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import facilities
from sim.engine.records import Records
from sim.facilities.landside import LANDSIDE_SUPPLY, RAIL_LINK, SIDINGS
from sim.facilities.waterside import BERTHS, LOCK, YARD
from sim.model.specs import REEFER_T_PER_PLUG, CompiledModel

__all__ = ["STOP_COLUMNS", "replication_tables", "stops"]


def _window(model: CompiledModel, records: Records) -> tuple[float, float]:
    return model.calendar.warmup_h, records.end_h


def _overlap(start: np.ndarray, end: np.ndarray, low: float, high: float) -> np.ndarray:
    """Hours of each interval [start, end] inside [low, high]."""
    return np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None)


def _available_h(start_h: float, end_h: float, low: float, high: float) -> float:
    return max(0.0, min(end_h, high) - max(start_h, low))


def throughput(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Tonnes across the quay by year, month, terminal, port area, commodity and handling."""
    low, high = _window(model, records)
    v = records.vessels
    flows = model.flows
    end = v["service_end_h"]
    counted = ~np.isnan(end) & (end >= low) & (end <= high)
    flow = v["flow"][counted]
    times = end[counted]
    month = model.calendar.month_index(times)
    crossings = np.array([f.quay_crossings for f in flows], dtype=float)[flow]
    terminal_of = np.array([it.terminal for it in model.itineraries], dtype=np.int64)
    terminals = terminal_of[v["itinerary"][counted]].tolist()
    frame = pd.DataFrame(
        {
            "year": model.calendar.month_year[month],
            "month": model.calendar.month_number[month],
            "terminal": [model.terminals[t].id for t in terminals],
            "port_area": [model.terminals[t].port_area for t in terminals],
            "commodity": [flows[f].commodity for f in flow],
            "handling": [model.itineraries[i].handling for i in v["itinerary"][counted]],
            "tonnes": v["payload_t"][counted] * crossings,
            "calls": 1,
        }
    )
    keys = ["year", "month", "terminal", "port_area", "commodity", "handling"]
    return frame.groupby(keys, as_index=False)[["tonnes", "calls"]].sum()


def berths(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per berth group: calls, occupancy, waits, service, waiting/service ratio, blocking."""
    low, high = _window(model, records)
    v = records.vessels
    rows = []
    group_of = v["berth_group"]
    for g, group in enumerate(model.groups):
        mine = group_of == g
        start, end = v["berth_start_h"][mine], v["service_end_h"][mine]
        arrival, block = v["berth_arrival_h"][mine], v["block_h"][mine]
        busy = _overlap(start, end, low, high).sum()
        hours = _available_h(group.start_h, group.end_h, low, high) * group.count
        counted = (arrival >= low) & (end <= high)
        wait = (start - arrival)[counted]
        service = (end - start - block)[counted]
        mean_service = float(service.mean()) if len(service) else np.nan
        rows.append(
            {
                "resource": group.id,
                "terminal": model.terminals[group.terminal].id,
                "port_area": model.terminals[group.terminal].port_area,
                "berths": group.count,
                "calls": int(counted.sum()),
                "occupancy": busy / hours if hours > 0 else np.nan,
                "mean_wait_h": float(wait.mean()) if len(wait) else np.nan,
                "mean_service_h": mean_service,
                "waiting_service_ratio": (
                    float(wait.mean()) / mean_service if len(wait) and mean_service > 0 else np.nan
                ),
                "blocked_h": float(block[counted].sum()),
                "wait_h_total": float(wait.sum()),
            }
        )
    return pd.DataFrame(rows)


def laden_passages(model: CompiledModel, records: Records) -> np.ndarray:
    """Whether each lock passage carried the ship's cargo.

    An unloading ship is laden until its berth and sails back empty; a loading ship comes in
    empty and leaves laden; a transshipping ship and through traffic are laden throughout.
    """
    p, v = records.passages, records.vessels
    vessel = p["vessel"]
    handling = np.array([it.handling for it in model.itineraries])[v["itinerary"][vessel]]
    berth = v["berth_arrival_h"][vessel]
    done = v["service_end_h"][vessel]
    before = np.isnan(berth) | (p["start_h"] < berth)
    after = ~np.isnan(done) & (p["start_h"] >= done)
    return np.select(
        [handling == "unload", handling == "load"], [before, after], default=True
    ).astype(bool)


def locks(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per lock: passages, lockages, waits, utilisation, ships per lockage, area used, cargo
    and ship tonnage passing.

    ``tonnes`` is the cargo carried through the lock (each laden passage's payload: an
    unloading ship's return and a loading ship's approach are empty); ``ship_tonnage_t`` is
    the rated tonnage (dwt) of every ship passing, laden or empty, the published statistic
    船舶通过量. Both count passages in the window (arrived and finished in it).
    """
    low, high = _window(model, records)
    p, lk = records.passages, records.lockages
    laden = laden_passages(model, records)
    cargo = np.where(laden, records.vessels["payload_t"][p["vessel"]], 0.0)
    dwt = np.array([c.dwt_t for c in model.classes], dtype=float)[
        records.vessels["vessel_class"][p["vessel"]]
    ]
    rows = []
    for i, lock in enumerate(model.locks):
        mine = (p["lock"] == i) & (p["arrival_h"] >= low) & (p["end_h"] <= high)
        wait = (p["start_h"] - p["arrival_h"])[mine]
        ours = lk["lock"] == i
        busy = _overlap(lk["start_h"][ours], lk["end_h"][ours], low, high).sum()
        hours = sum(_available_h(c.start_h, c.end_h, low, high) for c in lock.chambers)
        counted = ours & (lk["start_h"] >= low) & (lk["end_h"] <= high)
        loaded = counted & (lk["vessels"] > 0)
        rows.append(
            {
                "resource": lock.id,
                "chambers": len(lock.chambers),
                "passages": int(mine.sum()),
                "lockages": int(loaded.sum()),
                "empty_lockages": int((counted & (lk["vessels"] == 0)).sum()),
                "utilisation": busy / hours if hours > 0 else np.nan,
                "mean_wait_h": float(wait.mean()) if len(wait) else np.nan,
                "p95_wait_h": float(np.percentile(wait, 95)) if len(wait) else np.nan,
                "max_wait_h": float(wait.max()) if len(wait) else np.nan,
                "vessels_per_lockage": (
                    float(lk["vessels"][loaded].mean()) if loaded.any() else np.nan
                ),
                "area_share": float(lk["area_share"][loaded].mean()) if loaded.any() else np.nan,
                "tonnes": float(cargo[mine].sum()),
                "ship_tonnage_t": float(dwt[mine].sum()),
                "laden_passages": int((mine & laden).sum()),
                "tonnes_per_lockage": (
                    float(cargo[mine].sum()) / int(loaded.sum()) if loaded.any() else np.nan
                ),
                "ship_tonnage_t_per_lockage": (
                    float(dwt[mine].sum()) / int(loaded.sum()) if loaded.any() else np.nan
                ),
                "mean_time_in_lock_h": float((p["end_h"] - p["arrival_h"])[mine].mean())
                if mine.any()
                else np.nan,
                "wait_h_total": float(wait.sum()),
            }
        )
    return pd.DataFrame(rows)


def holds(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per lock or terminal where a control process held ships at an anchorage: ships held,
    hours held (total, mean, longest), counting holds that started in the window (a hold still
    on at the end counts until then). Empty without control processes."""
    low, high = _window(model, records)
    table = records.holds
    columns = ["resource", "ships_held", "held_h_total", "mean_held_h", "max_held_h"]
    if not table or not len(table.get("vessel", ())):
        return pd.DataFrame(columns=columns)
    start = table["start_h"]
    end = np.where(np.isnan(table["end_h"]), records.end_h, table["end_h"])
    mine = (start >= low) & (start < high)
    frame = pd.DataFrame(
        {"resource": table["resource"][mine], "held_h": (np.minimum(end, high) - start)[mine]}
    )
    grouped = frame.groupby("resource", sort=True)["held_h"]
    out = pd.DataFrame(
        {
            "ships_held": grouped.size(),
            "held_h_total": grouped.sum(),
            "mean_held_h": grouped.mean(),
            "max_held_h": grouped.max(),
        }
    ).reset_index()
    return out[columns]


def yards(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per yard: mean and peak occupancy, reefer plugs in use, blocking hours, ships blocked.

    Blocking is the time unloading ships held their berth waiting for space in the yard.
    """
    low, high = _window(model, records)
    levels = records.yard_levels
    v = records.vessels
    yard_of = np.array([it.yard for it in model.itineraries], dtype=np.int64)[v["itinerary"]]
    start = v["berth_start_h"]
    in_window = ~np.isnan(start) & (start >= low) & (start <= high)
    rows = []
    for i, yard in enumerate(model.yards):
        mine = levels["yard"] == i
        times, level = levels["time_h"][mine], levels["level_t"][mine]
        mean_level = _mean_step_level(times, level, low, high)
        counted = (times >= low) & (times <= high)
        before = times < low
        peak = max(
            float(level[counted].max()) if counted.any() else 0.0,
            float(level[before][-1]) if before.any() else 0.0,
        )
        blocked = v["block_h"][(yard_of == i) & in_window]
        plugs = yard.reefer_plugs
        rows.append(
            {
                "resource": yard.id,
                "terminal": model.terminals[yard.terminal].id,
                "cargo_group": yard.cargo_group,
                "capacity_t": yard.capacity_t,
                "mean_occupancy_t": mean_level,
                "occupancy": mean_level / yard.capacity_t if yard.capacity_t else np.nan,
                "peak_occupancy_t": peak,
                "reefer_plugs": plugs,
                "plugs_in_use": mean_level / REEFER_T_PER_PLUG if plugs else np.nan,
                "blocked_h": float(np.nansum(blocked)),
                "ships_blocked": int((blocked > 1e-9).sum()),
            }
        )
    return pd.DataFrame(rows)


def _mean_step_level(times: np.ndarray, levels: np.ndarray, low: float, high: float) -> float:
    """Time-average over [low, high] of a level that holds its value until the next change."""
    if high <= low:
        return np.nan
    if len(times) == 0:
        return 0.0
    edges = np.clip(np.append(times, high), low, high)
    return float((np.diff(edges) * levels).sum() / (high - low))


def landside(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per landside resource: tonnes moved, vehicles, utilisation and, for rail links, paths.

    Kinds: ``gate`` (utilisation: tonnes through / tonnes the open hours allow), ``air``
    (the same with flights), ``rate`` (a yard's landside rate), ``rail`` (a terminal's sidings:
    busy siding-hours / siding-hours; stations with ample sidings give NaN) and ``rail line``
    (movements / movements the link allows; tonnes: cargo that finished its landside trip on
    a line using the link).
    """
    low, high = _window(model, records)
    hours_in = max(high - low, 0.0)
    rows = []
    sh = records.stage_hours
    trains = records.trains
    for i, stage in enumerate(model.stages):
        if stage.kind == SIDINGS.name:
            mine = (trains["stage"] == i) & (trains["start_h"] >= low) & (trains["start_h"] <= high)
            busy = _overlap(
                trains["start_h"][trains["stage"] == i],
                trains["depart_h"][trains["stage"] == i],
                low,
                high,
            ).sum()
            available = _available_h(stage.start_h, stage.end_h, low, high) * stage.sidings
            tonnes = float(trains["tonnes"][mine].sum())
            vehicles = float(mine.sum())
            utilisation = busy / available if stage.sidings and available > 0 else np.nan
        else:
            mine = (sh["stage"] == i) & (sh["time_h"] >= low) & (sh["time_h"] < high)
            tonnes = float(sh["moved_t"][mine].sum())
            vehicles = tonnes / stage.vehicle_t
            open_h = _available_h(stage.start_h, stage.end_h, low, high) * (
                stage.hours_per_day / 24.0
            )
            capacity = stage.rate_t_per_h * open_h
            utilisation = tonnes / capacity if capacity > 0 else np.nan
        rows.append(
            {
                "resource": stage.id,
                "kind": stage.kind,
                "place": stage.place,
                "tonnes": tonnes,
                "vehicles": vehicles,
                "utilisation": utilisation,
            }
        )
    moves = records.rail_movements
    # tonnes by rail link: cargo that finished its landside trip on a line using the link
    finished = _landside_done(model, records)
    link_t = np.zeros(len(model.rail_links))
    for (itinerary, option), carried in (
        finished.groupby(["itinerary", "option"])["tonnes"].sum().items()
    ):
        used = {i for line in model.itineraries[itinerary].landside[option].lines for i in line}
        for i in used:
            link_t[i] += float(carried)
    for i, link in enumerate(model.rail_links):
        times = moves["time_h"][moves["link"] == i]
        count = float(((times >= low) & (times < high)).sum())
        allowed = hours_in / link.headway_h
        rows.append(
            {
                "resource": f"rail link {link.id}",
                "kind": RAIL_LINK.name,
                "place": link.id,
                "tonnes": link_t[i],
                "vehicles": count,
                "utilisation": count / allowed if allowed > 0 else np.nan,
            }
        )
    return pd.DataFrame(
        rows, columns=["resource", "kind", "place", "tonnes", "vehicles", "utilisation"]
    )


def turnaround(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Per demand stream: calls, time in port, waits, trip time from entry to exit."""
    low, high = _window(model, records)
    v = records.vessels
    p = records.passages
    lock_wait = np.zeros(len(v["entry_h"]))
    np.add.at(lock_wait, p["vessel"], p["start_h"] - p["arrival_h"])
    rows = []
    for f, flow in enumerate(model.flows):
        mine = (v["flow"] == f) & (v["entry_h"] >= low) & (v["exit_h"] <= high)
        if flow.kind == "stream":
            port_time = (v["service_end_h"] - v["berth_arrival_h"])[mine]
            berth_wait = (v["berth_start_h"] - v["berth_arrival_h"])[mine]
        else:
            port_time = berth_wait = np.empty(0)
        trip = (v["exit_h"] - v["entry_h"])[mine]
        rows.append(
            {
                "flow": flow.id,
                "kind": flow.kind,
                "terminal": model.terminals[flow.terminal].id if flow.terminal >= 0 else "",
                "trips": int(mine.sum()),
                "mean_port_time_h": float(port_time.mean()) if len(port_time) else np.nan,
                "mean_berth_wait_h": float(berth_wait.mean()) if len(berth_wait) else np.nan,
                "mean_lock_wait_h": float(lock_wait[mine].mean()) if mine.any() else np.nan,
                "mean_trip_h": float(trip.mean()) if len(trip) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _delivered(model: CompiledModel, records: Records) -> tuple[np.ndarray, np.ndarray]:
    """Itinerary and tonnes of every vessel whose cargo crossed the quay (or, for through
    traffic, reached its exit) in the window."""
    low, high = _window(model, records)
    v = records.vessels
    end = np.where(np.isnan(v["service_end_h"]), v["exit_h"], v["service_end_h"])
    done = ~np.isnan(end) & (end >= low) & (end <= high)
    return v["itinerary"][done], v["payload_t"][done]


def _landside_done(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Landside jobs finished in the window: itinerary, option, tonnes, hours on land."""
    low, high = _window(model, records)
    jobs = records.jobs
    done = ~np.isnan(jobs["done_h"]) & (jobs["done_h"] >= low) & (jobs["done_h"] <= high)
    return pd.DataFrame(
        {
            "itinerary": jobs["itinerary"][done],
            "option": jobs["option"][done],
            "tonnes": jobs["tonnes"][done],
            "hours": (jobs["done_h"] - jobs["ready_h"])[done],
            "diverted": jobs["diverted"][done],
        }
    )


def _landside_legs(model: CompiledModel, jobs: pd.DataFrame) -> list[tuple[float, tuple]]:
    """(tonnes, legs) of the landside options the finished jobs took."""
    out = []
    for (itinerary, option), tonnes in (
        jobs.groupby(["itinerary", "option"])["tonnes"].sum().items()
    ):
        out.append((float(tonnes), model.itineraries[itinerary].landside[option].legs))
    return out


def transport(model: CompiledModel, records: Records) -> pd.DataFrame:
    """By mode: tonnes carried, tonne-km, CO2 and cost.

    Ship legs (laden), transfers and port handling count when the cargo crosses the quay (for
    through traffic: its voyage); landside legs when the cargo has finished its landside trip,
    by the option it actually took (after any diversion). Empty returns carry no tonne-km.
    """
    itineraries, payloads = _delivered(model, records)
    totals: dict[str, list[float]] = {}

    def add(tonnes: float, legs: tuple) -> None:
        for mode, km, co2, cost in legs:
            row = totals.setdefault(mode, [0.0, 0.0, 0.0, 0.0])
            row[0] += tonnes
            row[1] += tonnes * km
            row[2] += tonnes * co2 / 1000.0
            row[3] += tonnes * cost

    for index in np.unique(itineraries):
        add(float(payloads[itineraries == index].sum()), model.itineraries[index].legs)
    for tonnes, legs in _landside_legs(model, _landside_done(model, records)):
        add(tonnes, legs)
    rows = [
        {"mode": mode, "tonnes": t[0], "tonne_km": t[1], "co2_t": t[2], "cost_cny": t[3]}
        for mode, t in sorted(totals.items())
    ]
    return pd.DataFrame(rows, columns=["mode", "tonnes", "tonne_km", "co2_t", "cost_cny"])


def modal_split(model: CompiledModel, records: Records) -> pd.DataFrame:
    """How port cargo left or reached the quay on land: tonnes, share, mean hours on land and
    tonnes diverted to that option, by landside route modes."""
    jobs = _landside_done(model, records)
    labels = [
        model.itineraries[i].landside[o].label or "none (water only)"
        for i, o in zip(jobs["itinerary"], jobs["option"], strict=True)
    ]
    frame = jobs.assign(landside=labels, diverted_t=jobs["tonnes"] * jobs["diverted"])
    frame["weighted_h"] = frame["hours"] * frame["tonnes"]
    split = frame.groupby("landside", as_index=False)[["tonnes", "diverted_t", "weighted_h"]].sum()
    total = split["tonnes"].sum()
    split["share"] = split["tonnes"] / total if total else np.nan
    split["mean_h_on_land"] = split["weighted_h"] / split["tonnes"].where(split["tonnes"] > 0)
    return split[["landside", "tonnes", "share", "mean_h_on_land", "diverted_t"]]


def economics(model: CompiledModel, records: Records) -> pd.DataFrame:
    """Port cargo: tonnes across the quay, transport cost (ship side and landside), cost per
    tonne, CO2 and the value of the goods moved."""
    itineraries, payloads = _delivered(model, records)
    flow_of = {i: f for f in model.flows for i in f.itineraries}
    for source, alternatives in model.diversions.items():
        for alternative in alternatives:
            flow_of[alternative] = flow_of[source]
    tonnes = cost = co2 = value = 0.0
    for index in np.unique(itineraries):
        it = model.itineraries[index]
        if it.handling == "through":
            continue
        carried = float(payloads[itineraries == index].sum())
        flow = flow_of[int(index)]
        tonnes += carried
        cost += carried * sum(leg[3] for leg in it.legs)
        co2 += carried * sum(leg[2] for leg in it.legs) / 1000.0
        value += carried * model.commodity_value_cny_per_t.get(flow.commodity, np.nan)
    for carried, legs in _landside_legs(model, _landside_done(model, records)):
        cost += carried * sum(leg[3] for leg in legs)
        co2 += carried * sum(leg[2] for leg in legs) / 1000.0
    return pd.DataFrame(
        [
            {
                "tonnes": tonnes,
                "cost_cny": cost,
                "cost_cny_per_t": cost / tonnes if tonnes else np.nan,
                "co2_t": co2,
                "co2_kg_per_t": co2 * 1000.0 / tonnes if tonnes else np.nan,
                "value_cny": value,
            }
        ]
    )


def bottlenecks(
    model: CompiledModel,
    records: Records,
    berth_table: pd.DataFrame,
    lock_table: pd.DataFrame,
    yard_table: pd.DataFrame,
    landside_table: pd.DataFrame | None = None,
    stop_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Resources ranked by the share of all vessel time spent waiting for them.

    Columns: ``resource``, ``kind`` (berths, lock, yard), ``utilisation``, ``mean_wait_h``,
    ``wait_share`` (hours waited for it / hours all vessels spent in the system) and
    ``blocked_h`` (yard blocking of berths).
    """
    low, high = _window(model, records)
    v = records.vessels
    inside = _overlap(
        v["entry_h"], np.where(np.isnan(v["exit_h"]), high, v["exit_h"]), low, high
    ).sum()
    rows: list[tuple[str, str, float, float, float, float]] = []
    # each kind's figures from its own KPI table, by its descriptor's rule
    for name, table in (
        (BERTHS.name, berth_table),
        (LOCK.name, lock_table),
        (YARD.name, yard_table),
    ):
        rank = facilities.kind(name).rank
        assert rank is not None
        rows.extend((name, row.resource, *rank(row)) for row in table.itertuples(index=False))
    # loading ships held at the berth until their cargo came in by land
    loading = (
        np.array([it.handling == "load" for it in model.itineraries], dtype=bool)[v["itinerary"]]
        & (v["berth_start_h"] >= low)
        & (v["berth_start_h"] <= high)
    )
    terminal_of = np.array([it.terminal for it in model.itineraries], dtype=np.int64)[
        v["itinerary"]
    ]
    for t, terminal in enumerate(model.terminals):
        waits = v["block_h"][loading & (terminal_of == t)]
        if len(waits) and np.nansum(waits) > 0:
            rows.append(
                (
                    LANDSIDE_SUPPLY.name,
                    f"{terminal.id}/cargo by land",
                    np.nan,
                    float(np.nanmean(waits)),
                    float(np.nansum(waits)),
                    float(np.nansum(waits)),
                )
            )
    for table in (landside_table, stop_table):
        if table is None:
            continue
        for row in table.itertuples(index=False):
            rank = facilities.kind(row.kind).rank
            if rank is not None:
                rows.append((row.kind, row.resource, *rank(row)))
    frame = pd.DataFrame(
        rows,
        columns=["kind", "resource", "utilisation", "mean_wait_h", "wait_h_total", "blocked_h"],
    )
    frame["wait_share"] = frame["wait_h_total"] / inside if inside > 0 else np.nan
    frame = frame.sort_values(
        ["wait_share", "utilisation"], ascending=False, na_position="last"
    ).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


#: columns of the ``stops`` table (stops of registered kinds, see ``sim.facilities``)
STOP_COLUMNS = (
    "kind",
    "resource",
    "servers",
    "visits",
    "utilisation",
    "mean_wait_h",
    "max_wait_h",
    "wait_h_total",
)


def stops(model: CompiledModel, records: Records) -> pd.DataFrame:
    """One row per stop of a registered kind (``CompiledModel.stop_kinds`` after ``lock`` and
    ``berths``): the visits that started service in the counted window, the share of its
    servers' hours in use there, and the ships' waits for a server (hours)."""
    low, high = _window(model, records)
    visits = records.visits
    rows: list[tuple[object, ...]] = []
    for code, specs in enumerate(model.stops, start=2):
        for i, spec in enumerate(specs):
            if visits:
                mine = (visits["kind"] == code) & (visits["stop"] == i)
                arrival = visits["arrival_h"][mine]
                start = visits["start_h"][mine]
                end = visits["end_h"][mine]
            else:
                arrival = start = end = np.zeros(0)
            counted = (start >= low) & (start <= high)
            waits = (start - arrival)[counted]
            server_h = spec.servers * _available_h(spec.start_h, spec.end_h, low, high)
            busy_h = float(_overlap(start, end, low, high).sum())
            rows.append(
                (
                    model.stop_kinds[code],
                    spec.id,
                    spec.servers,
                    int(counted.sum()),
                    busy_h / server_h if server_h > 0 else np.nan,
                    float(waits.mean()) if len(waits) else np.nan,
                    float(waits.max()) if len(waits) else np.nan,
                    float(waits.sum()),
                )
            )
    return pd.DataFrame(rows, columns=list(STOP_COLUMNS))


def replication_tables(model: CompiledModel, records: Records) -> dict[str, pd.DataFrame]:
    """All KPI tables of one replication, keyed by name."""
    berth_table = berths(model, records)
    lock_table = locks(model, records)
    yard_table = yards(model, records)
    landside_table = landside(model, records)
    stop_table = stops(model, records) if model.stops else None
    tables = {
        "throughput": throughput(model, records),
        "berths": berth_table,
        "locks": lock_table,
        "holds": holds(model, records),
        "yards": yard_table,
        "landside": landside_table,
        "turnaround": turnaround(model, records),
        "transport": transport(model, records),
        "modal_split": modal_split(model, records),
        "economics": economics(model, records),
        "bottlenecks": bottlenecks(
            model, records, berth_table, lock_table, yard_table, landside_table, stop_table
        ),
    }
    if stop_table is not None:  # only a scenario with stops of registered kinds has the table
        tables["stops"] = stop_table
    return tables
