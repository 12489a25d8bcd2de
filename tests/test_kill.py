"""A run killed with SIGKILL at any moment leaves the previous tables whole and readable."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples").glob("*.txt"))
TABLES = [f"{t}.{ext}" for t in ("projects", "criteria", "documents") for ext in ("csv", "parquet")]

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")


def make_folder(folder: Path, count: int, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        sample = SAMPLES[index % len(SAMPLES)]
        text = sample.read_text(encoding="utf-8") + f"\n{tag} {index}\n"
        (folder / f"doc-{index:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def command(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "cittaslow_extract.cli", str(folder), "--out", str(out),
            "--no-mentions", "--workers", "2"]


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLES}


def assert_readable(out: Path) -> None:
    import pandas as pd

    for name in TABLES:
        path = out / name
        if name.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            assert rows, name
        else:
            assert len(pd.read_parquet(path)) > 0, name


def start(folder: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(command(folder, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=REPO, start_new_session=True, text=True)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the run and its worker processes (one process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(folder of the next run, output holding the previous run's tables, the next run's tables)."""
    root = tmp_path_factory.mktemp("kill")
    previous = make_folder(root / "previous", 30, "first run")
    out = root / "out"
    subprocess.run(command(previous, out), check=True, capture_output=True, cwd=REPO, timeout=300)
    following = make_folder(root / "following", 40, "second run")
    expected_new = root / "expected-new"
    started = time.monotonic()
    subprocess.run(command(following, expected_new), check=True, capture_output=True, cwd=REPO, timeout=300)
    duration = time.monotonic() - started
    return following, out, snapshot(out), snapshot(expected_new), duration


def test_killed_midway_leaves_the_previous_tables(runs):
    following, out, before, _, _ = runs
    process = start(following, out)
    assert process.stderr is not None
    line = process.stderr.readline()  # the first progress line: some documents are done, not all
    assert line.startswith("progress: ") and not line.startswith("progress: 40/40"), line
    kill(process)
    assert snapshot(out) == before
    assert_readable(out)


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75, 0.9, 1.0])
def test_killed_at_any_moment_every_table_is_old_or_new_and_whole(runs, fraction):
    following, out, before, after, duration = runs
    process = start(following, out)
    time.sleep(duration * fraction)
    kill(process)
    for name in TABLES:
        assert (out / name).read_bytes() in (before[name], after[name]), name
    assert_readable(out)
    # put the previous tables back for the next case
    for name, data in before.items():
        (out / name).write_bytes(data)


def test_a_run_after_a_kill_completes_and_cleans_up(runs):
    following, out, _, after, _ = runs
    process = start(following, out)
    assert process.stderr is not None
    process.stderr.readline()
    kill(process)
    done = subprocess.run(command(following, out), capture_output=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert snapshot(out) == after
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
