"""Sweep files for the tests: small sweeps on the minimal quay (one berth group, no network)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[2]
MINIMAL = ROOT / "scenarios" / "minimal_single_berth.yaml"


def sweep_text(
    *,
    horizon_days: int = 60,
    replications: int = 3,
    samples: int = 3,
    chunk: int | None = None,
    extra: str = "",
) -> str:
    """A 2 x 2 variant sweep (berths x service) under ``samples`` demand futures."""
    return f"""\
name: Quay options
base: {MINIMAL}
overrides:
  run.horizon_days: {horizon_days}
  run.warmup_days: 5
levers:
  - id: BERTHS
    grid:
      path: terminals.QUAY.berths.B1.count
      values: [2, 3]
      cost_cny: [0, 50_000_000]
  - id: SERVICE
    options:
      - {{id: AS_IS, cost_cny: 0}}
      - id: FASTER
        cost_cny: 20_000_000
        overrides:
          terminals.QUAY.berths.B1.service_h: {{mean_h: 8.0}}
uncertainties:
  method: latin_hypercube
  samples: {samples}
  parameters:
    - {{id: DEMAND, path: demand.streams.COAL_IN.vessels_per_day, range: [3.0, 4.2]}}
replications: {replications}
{f"chunk_replications: {chunk}" if chunk else ""}
seed: 11
target: {{throughput_t: 2_500_000, year: 2025}}
{extra}
"""
