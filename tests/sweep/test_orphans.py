"""kill -9 of hubsim's main process leaves no worker behind: every pool worker watches its
parent (sim.runs.executor) and ends within a second or so once it is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sweepfiles import sweep_text

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("command", ["sweep", "run"])
def test_no_worker_survives_its_main_process(tmp_path: Path, command: str) -> None:
    if command == "sweep":
        sweep = tmp_path / "slow.yaml"
        sweep.write_text(sweep_text(horizon_days=365, replications=3, samples=2, chunk=1))
        args = ["sweep", str(sweep), "--out", str(tmp_path / "out"), "-w", "2"]
    else:
        plan = ROOT / "scenarios" / "huaian_2028_plan.yaml"
        args = ["run", str(plan), "--replications", "4", "--workers", "2"]
    main = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(workers) < 2:
            # the pool's workers (the resource tracker is a child too)
            workers |= {p for p in _children(main.pid) if _alive(p)}
            time.sleep(0.2)
        assert len(workers) >= 2, "the pool's workers did not start"
        time.sleep(1.0)  # they have run their initializer
        main.send_signal(signal.SIGKILL)
        main.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.2)
        survivors = [p for p in workers if _alive(p)]
        assert not survivors, f"processes still alive 15 s after their parent died: {survivors}"
    finally:
        main.kill()
        for pid in workers | _children(main.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
