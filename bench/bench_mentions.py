"""Time the narrative mentions stage against the whole pipeline, over text inputs.

Usage: python bench/bench_mentions.py [--repeats N] [FILE ...]      (default: samples/*.txt)

What it measures, for one worker process in steady state (imports done, pipelines built, caches
warm), CPU time (time.process_time, so other processes on the machine do not inflate the figures),
best and median of N passes, mentions on and off timed in alternation:

- the whole run, as the command line does it: reading, segmentation, normalisation, mentions
  (batch.process_files, one worker, in this process) and writing every table in the default
  formats, CSV and Parquet (outputs.write_tables into a temporary folder).  The stage's added time
  is (run with mentions) - (run without); the target of issue 7 is that it stays under 30% of the
  run with mentions on text inputs;
- the same without writing the tables (processing only), a stricter figure since writing is a fixed
  cost the stage does not share;
- a cross-check measured inside the stage: the CPU time spent in MentionExtractor.extract.

Reported apart, as a once-per-worker start-up cost: importing spaCy and building the blank en/tr
pipelines, wall time in a fresh interpreter (best of 3).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cittaslow_extract.batch.run import InputFile, process_files  # noqa: E402
from cittaslow_extract.export.outputs import write_tables  # noqa: E402
from cittaslow_extract.pipeline import RunConfig, processor_for  # noqa: E402

REPEATS = 40
TARGET_SHARE = 0.30
FORMATS = ("csv", "parquet")  # the command line's default (--format both)

_COLD = """
import time
t0 = time.perf_counter()
import spacy
t1 = time.perf_counter()
from cittaslow_extract.mentions import MentionExtractor
extractor = MentionExtractor()
extractor.pipeline("en"); extractor.pipeline("tr")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def run_once(files: list[InputFile], config: RunConfig, out_dir: Path | None) -> float:
    """CPU seconds of one run over the files; tables written into out_dir unless it is None."""
    start = time.process_time()
    results = process_files(files, config, workers=1)
    if out_dir is not None:
        write_tables(results, out_dir, FORMATS, mentions=config.mentions)
    elapsed = time.process_time() - start
    bad = [r.document.source_path for r in results if r.document.status != "ok"]
    assert not bad, f"documents failed: {bad}"
    return elapsed


class Timings:
    def __init__(self) -> None:
        self.runs: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.runs.setdefault(name, []).append(seconds)

    def best(self, name: str) -> float:
        return min(self.runs[name])

    def median(self, name: str) -> float:
        return statistics.median(self.runs[name])


def stage_clock(config: RunConfig) -> Callable[[], float]:
    """Wrap the worker's extractor so the CPU time spent inside extract() is summed; returns a
    function that gives the total so far and resets it."""
    extractor = processor_for(config).mention_extractor
    inner = extractor.extract
    total = [0.0]

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            total[0] += time.process_time() - start

    extractor.extract = timed  # an instance attribute: only this benchmark's process sees it

    def take() -> float:
        value, total[0] = total[0], 0.0
        return value

    return take


def measure(files: list[InputFile], repeats: int) -> Timings:
    off, on = RunConfig(mentions=False), RunConfig(mentions=True)
    timings = Timings()
    with tempfile.TemporaryDirectory(prefix="bench-mentions-") as tmp:
        out_off, out_on = Path(tmp) / "off", Path(tmp) / "on"
        for _ in range(2):  # warm-up: imports, spaCy pipelines, caches, first table writes
            run_once(files, off, out_off), run_once(files, on, out_on)
        take = stage_clock(on)
        for _ in range(repeats):
            timings.add("whole off", run_once(files, off, out_off))
            take()
            timings.add("whole on", run_once(files, on, out_on))
            timings.add("inside", take())
            timings.add("processing off", run_once(files, off, None))
            timings.add("processing on", run_once(files, on, None))
            take()
    return timings


def cold_cost() -> tuple[float, float]:
    """(spaCy import, pipeline builds) in seconds, in a fresh interpreter."""
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True, cwd=ROOT
        )
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return min(r[0] for r in runs), min(r[1] for r in runs)


def share_line(label: str, timings: Timings, off: str, on: str, stat: Callable[[str], float]) -> float:
    without, with_mentions = stat(off), stat(on)
    stage = max(with_mentions - without, 0.0)
    share = stage / with_mentions if with_mentions else 0.0
    print(f"  {label:<34}: {without * 1000:7.1f} ms off, {with_mentions * 1000:7.1f} ms on"
          f" -> mentions add {stage * 1000:6.1f} ms = {share:4.0%} of the whole")
    return share


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    paths = args.files or sorted((ROOT / "samples").glob("*.txt"))
    if not paths:
        print("no input files (samples/*.txt is empty)")
        return 1
    files = [InputFile(p, p.as_posix()) for p in paths]
    chars = sum(len(p.read_text(encoding="utf-8", errors="replace")) for p in paths)
    results = process_files(files, RunConfig(mentions=True), workers=1)
    found = sum(len(r.mentions) for r in results)
    projects = sum(len(r.projects) for r in results)

    timings = measure(files, args.repeats)
    spacy_import, builds = cold_cost()

    print(f"inputs: {len(paths)} text files, {chars:,} characters, {projects} projects, {found} mentions")
    print(f"steady state, one worker, CPU time over {args.repeats} alternating passes:")
    for stat_name, stat in (("best", timings.best), ("median", timings.median)):
        print(f" {stat_name}:")
        share = share_line("whole run (read..write csv+parquet)", timings, "whole off", "whole on", stat)
        if stat_name == "best":
            headline = share
        share_line("processing only (no table writing)", timings, "processing off", "processing on", stat)
        inside = stat("inside")
        print(f"  {'inside extract() (cross-check)':<34}: {inside * 1000:7.1f} ms"
              f" = {inside / stat('whole on'):4.0%} of the whole run")
    per_doc = (timings.best("whole on") - timings.best("whole off")) / len(paths)
    print(f"per document: {per_doc * 1000:.2f} ms of mentions")
    print(f"once per worker (not in the figures above): import spaCy {spacy_import * 1000:.0f} ms"
          f" + build en/tr pipelines {builds * 1000:.0f} ms = {(spacy_import + builds) * 1000:.0f} ms wall")
    verdict = "met" if headline < TARGET_SHARE else "NOT met"
    print(f"target: mentions < {TARGET_SHARE:.0%} of the whole run's steady time on text inputs (best):"
          f" {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
