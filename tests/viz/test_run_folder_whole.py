"""A run folder is written as a whole and read only when its files agree with its manifest:
a run killed while writing leaves the previous folder exactly as it was; a folder whose files
are missing, replaced or of another run is refused naming them (exit 2)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from network.files import atomic_folder
from sim.cli import app
from sim.results.manifest import MANIFEST, RunFolderError, verify_folder

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "scenarios" / "minimal_single_berth.yaml"
PLAN = ROOT / "scenarios" / "huaian_2028_plan.yaml"


def _run(out: Path, scenario: Path = MINIMAL, *extra: str) -> None:
    result = CliRunner().invoke(app, ["run", str(scenario), "-n", "1", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_run_killed_while_writing_leaves_the_previous_folder_intact(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _run(out)
    before = _snapshot(out)
    run_id = verify_folder(out)
    # the plan's folder takes seconds to write: kill the run once it is writing
    child = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", str(PLAN), "-n", "1", "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and child.poll() is None:
            partial = list(tmp_path.glob(".run-*.partial"))
            if partial and any(partial[0].rglob("*.parquet")):
                break
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it was killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
    assert _snapshot(out) == before  # every byte of the previous run
    assert verify_folder(out) == run_id
    report = CliRunner().invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux ``/proc``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:  # a zombie has ended; only its parent has not collected it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux /proc and 2 CPUs (a worker drawing charts)",
)
def test_a_run_killed_while_its_workers_draw_charts_leaves_the_previous_folder(
    tmp_path: Path,
) -> None:
    out = tmp_path / "run"
    _run(out)
    before = _snapshot(out)
    # as `hubsim run --out DIR --charts` on a machine with a CPU to spare: two processes draw
    code = (
        "import sim\nfrom sim.results.output import write_outputs\n"
        f"write_outputs(sim.run({str(MINIMAL)!r}, replications=1), {str(out)!r}, "
        "charts=True, workers=2)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and child.poll() is None:
            partial = list(tmp_path.glob(".run-*.partial"))
            if partial and (partial[0] / "summary.json").exists():
                workers = _children(child.pid)
                if workers:  # the data are written and the chart workers started
                    break
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it was killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
    assert _snapshot(out) == before
    verify_folder(out)
    # no worker outlives the run: each ends once its parent is gone
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def test_a_failure_while_writing_keeps_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "folder"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(target) as building:
        (building / "new.txt").write_text("new")
        raise RuntimeError("disk full")
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert not list(tmp_path.glob(".folder-*"))
    with atomic_folder(target) as building:
        (building / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert not list(tmp_path.glob(".folder-*"))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("written") / "run"
    _run(out)
    return out


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("missing", "kpi/locks.parquet: missing"),
        ("foreign", "kpi/locks.parquet: not the file this run wrote (changed or from another run)"),
        ("extra", "events/stowaway.parquet: not part of this run (from another run?)"),
        ("no manifest", f"{MANIFEST}: missing: not a folder written by `hubsim run --out`"),
    ],
)
def test_a_folder_whose_files_disagree_is_refused(
    tmp_path: Path, written: Path, damage: str, expected: str
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(written, folder)
    locks = folder / "kpi" / "locks.parquet"
    if damage == "missing":
        locks.unlink()
    elif damage == "foreign":
        shutil.copy(folder / "kpi" / "berths.parquet", locks)
    elif damage == "extra":
        shutil.copy(folder / "events" / "vessels.parquet", folder / "events" / "stowaway.parquet")
    else:
        (folder / MANIFEST).unlink()
    with pytest.raises(RunFolderError) as caught:
        verify_folder(folder)
    assert expected in str(caught.value)
    for command in ("report", "view"):
        result = CliRunner().invoke(app, [command, str(folder)])
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split()), result.output
        assert "Traceback" not in result.output


def test_run_refuses_to_replace_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["run", str(MINIMAL), "-n", "1", "--out", str(folder)])
    assert result.exit_code == 2
    assert "is not a hubsim run folder" in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "keep me"
