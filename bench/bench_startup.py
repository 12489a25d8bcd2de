#!/usr/bin/env python3
"""Start-up cost of the command, beside a bare interpreter, in fresh processes.

    python bench/bench_startup.py              # median of 7 runs each
    python bench/bench_startup.py --repeat 11

Figures (whole process, from start to exit, as a user's shell sees it):
  python -c pass         the interpreter alone: the floor of any command
  import spacy           what the mentions stage's library costs to import, alone
  --help                 target: under 0.3 s (the command imports only the standard library)
  one page, --no-mentions  a one-page text submission end to end (read, segment, normalise,
                         CSV + Parquet written): target under 0.6 s
  one page               the same with the mentions stage: its floor is `import spacy` plus
                         building the blank spaCy tokenizers, in the workers' fork server and worker
The one-page document is the first criterion of samples/community-en.txt (4 projects).  Every
run is a real `python -m cittaslow_extract.cli` with the default workers and limits (so the fork
server and one worker start, as in any run).  The machine is shared: compare figures of one run;
a missed target is reported as MISSED, not as a failure (the exit code is 1 only if a run fails).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "community-en.txt"
HELP_TARGET = 0.3
ONE_PAGE_TARGET = 0.6


def one_page(folder: Path) -> Path:
    """The sample's lines up to its second criterion: a title, one criterion and its projects."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    numbers = [i for i, line in enumerate(lines) if line.strip() in {"01", "02"}]
    end = numbers[1] - 1 if len(numbers) > 1 else len(lines)
    path = folder / "one-page.txt"
    path.write_text("\n".join(lines[:end]) + "\n", encoding="utf-8")
    return path


def median_time(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="fresh runs per figure (median; default 7)")
    args = parser.parse_args(argv)
    python = sys.executable
    cli = [python, "-m", "cittaslow_extract.cli"]
    with tempfile.TemporaryDirectory(prefix="cittaslow-startup-") as scratch:
        document = one_page(Path(scratch))
        out = str(Path(scratch) / "out")
        median_time([*cli, str(document), "--out", out, "--quiet"], 1)  # warm the .pyc files
        rows = [
            ("python -c pass", [python, "-c", "pass"], None),
            ("import spacy", [python, "-c", "import spacy"], None),
            ("--help", [*cli, "--help"], HELP_TARGET),
            ("one page, --no-mentions", [*cli, str(document), "--out", out, "--quiet", "--no-mentions"],
             ONE_PAGE_TARGET),
            ("one page", [*cli, str(document), "--out", out, "--quiet"], ONE_PAGE_TARGET),
        ]
        print(f"median of {args.repeat} fresh processes each ({Path(python).name}, {document.name}: "
              f"{len(document.read_text(encoding='utf-8').splitlines())} lines)")
        floor = None
        for name, command, target in rows:
            seconds = median_time(command, args.repeat)
            floor = floor or seconds
            verdict = "" if target is None else f"  target < {target:.1f} s: {'met' if seconds < target else 'MISSED'}"
            print(f"  {name:<26} {seconds:6.3f} s  ({seconds / floor:5.1f}x python -c pass){verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
