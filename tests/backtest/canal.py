"""A tiny canal with one lock and two terminals whose back-test figures are worked out by hand.

The network is ``tests/datasets.py``'s tiny dataset with W2 and W3 on the Grand Canal::

    GW_SEA --W1 50 km-- J_A --W2 20 km (canal)-- LOCK_A --W3 30 km (canal)-- T_BIG (HUAIAN)
                          '--W4 60 km-- T_SMALL (HUANGMA)

Ships sail at 10 km/h; LOCK_A has one chamber of 100 x 12 m (90 % usable: one ship of
60 x 10.8 m per lockage), 6 min per ship in, 3 out, 30 min levelling; each berth takes 2 h a
ship. Every week from 1 January 2025 (hour 0, no warm-up), three coal ships of 1,000 t leave
GW_SEA for T_BIG at hours 0, 0.5 and 0.6 (through the lock) and one container ship of 1,000 t
for T_SMALL at hour 0 (no lock, no canal link). The run covers January and February (59 days):
five weeks start in January, four in February, and each week's traffic is done within a day.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import datasets  # tests/datasets.py, on the path from tests/conftest.py
from sim.backtest.observations import COLUMNS, KPI_UNITS

CANAL = "Grand Canal (Subei)"
SCENARIO = """\
name: tiny canal back-test
network: {data: ../tiny}
terminals:
  T_BIG:
    berths:
      - {id: B1, count: 1, max_vessel_dwt_t: 2000, commodities: [COAL],
         service_h: {distribution: deterministic, value_h: 2.0}}
  T_SMALL:
    berths:
      - {id: B1, count: 1, max_vessel_dwt_t: 2000, commodities: [CONTAINER],
         service_h: {distribution: deterministic, value_h: 2.0}}
locks:
  LOCK_A:
    chambers: [{id: C1, length_m: 100, width_m: 12, levelling_min: 30}]
    vessel_move_min: 6
    area_use_max: 0.9
demand:
  base_year: 2025
  streams:
    - {id: COAL_IN, commodity: COAL, origin: GW_SEA, terminal: T_BIG, destination: HL_CITY,
       handling: unload, annual_t: 1.0e9,
       arrivals: {process: scheduled, weekly_times_h: [0.0, 0.5, 0.6]},
       vessel_mix: {BULK_1000: 1}}
    - {id: BOX_IN, commodity: CONTAINER, origin: GW_SEA, terminal: T_SMALL,
       destination: HL_CITY, handling: unload, annual_t: 1.0e9,
       arrivals: {process: scheduled, weekly_times_h: [0.0]},
       vessel_mix: {BULK_1000: 1}}
fleets:
  vessels: [{id: BULK_1000, load_factor: 1.0, load_factor_cv: 0.0}]
operations: {lock_policy: fcfs}
target: {throughput_t: 100000, year: 2025}
run: {horizon_days: 59, warmup_days: 0, replications: 1, seed: 1}
"""


def _canal(data: dict[str, Any]) -> None:
    for feature in data["links"]["features"]:
        if feature["properties"]["link_id"] in ("W2", "W3"):
            feature["properties"]["corridor"] = CANAL


def write_canal(root: Path) -> Path:
    """Write ``tiny/`` (the network) and ``scenarios/`` (canal.yaml and a copy of
    minimal_single_berth.yaml as minimal.yaml) into ``root``; returns the scenarios folder."""
    datasets.altered(root / "tiny", _canal)
    scenarios = root / "scenarios"
    scenarios.mkdir()
    (scenarios / "canal.yaml").write_text(SCENARIO, encoding="utf-8")
    minimal = Path(__file__).parents[2] / "scenarios" / "minimal_single_berth.yaml"
    (scenarios / "minimal.yaml").write_text(minimal.read_text(encoding="utf-8"))
    return scenarios


def row(**fields: Any) -> dict[str, str]:
    """An observation row: by default 30 lockages of LOCK_A in January 2025 (band 27-33), a
    calibration row of canal.yaml. The unit and tonnage follow the kpi, and the band is the
    value +/- 10 %, unless given."""
    kpi = fields.get("kpi", "lock_lockages")
    value = float(fields["value"]) if isinstance(fields.get("value"), float | int) else 30.0
    unit = KPI_UNITS.get(kpi, "lockages")
    tonnage = "n/a" if unit not in ("t", "t/lockage") else ("ship" if "ship" in kpi else "cargo")
    base = {
        "id": "OBS_TEST",
        "kpi": kpi,
        "place": "LOCK_A",
        "year": "2025",
        "months": "1",
        "value": f"{value:g}",  # a text value is given as it is below
        "unit": unit,
        "tonnage": tonnage,
        "source": "SRC_TEST",
        "band_low": f"{0.9 * value:g}",
        "band_high": f"{1.1 * value:g}",
        "band_reason": "a test band",
        "role": "calibration",
        "scenario": "canal.yaml",
        "note": "a test row",
    }
    base.update({key: str(value) for key, value in fields.items()})
    return base


def write_table(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write observation rows as a CSV with the documented columns."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path
