"""Time the narrative mentions stage against the whole pipeline, over text inputs.

Usage: python bench/bench_mentions.py [--repeats N] [--base REV] [FILE ...]     (default: samples/*.txt)

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
- a cross-check measured inside the stage: the CPU time spent in MentionExtractor.extract;
- inside that, the name matching: setting the token norms, spaCy's PhraseMatcher (places) and
  Matcher (organisations) with spacy.util.filter_spans, and turning their spans into mentions (in a
  tree from before the package split, the hand-written matching that stood in their place).  The
  stage keeps spaCy's matchers unless they cost more than 20% of the whole run (NAME_LIMIT).

With --base REV, the same measurement runs for the code of REV too (from a temporary git worktree),
each tree in a worker process of its own, the passes of the two interleaved so both see the same
machine load; the figures are printed side by side.

Reported apart, as a once-per-worker start-up cost: importing spaCy and building the blank en/tr
pipelines, wall time in a fresh interpreter (best of 3).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

REPEATS = 40
TARGET_SHARE = 0.30
NAME_LIMIT = 0.20  # name matching's share of the whole run above which spaCy's matchers would go
FORMATS = ("csv", "parquet")  # the command line's default (--format both)
# Where a tree does its name matching: (module, function) pairs, wrapped to time them.  The first
# module that exists names the tree's layout: the package of mentions/names.py, or the single module
# of mentions/__init__.py with its hand-written matchers (before the split).
NAME_MATCHING = (
    ("cittaslow_extract.mentions.extractor", ("set_norms", "find_places", "find_names")),
    ("cittaslow_extract.mentions", ("_place_spans", "_organisations", "_places")),
)
PASS = ("whole off", "whole on", "inside", "names", "processing off", "processing on")

_COLD = """
import sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
import spacy
t1 = time.perf_counter()
from cittaslow_extract.mentions import MentionExtractor
extractor = MentionExtractor()
extractor.pipeline("en"); extractor.pipeline("tr")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


class Clock:
    """CPU time summed over calls of the functions it wraps; take() gives the total and resets it."""

    def __init__(self) -> None:
        self.total = 0.0
        self.depth = 0  # a wrapped function that calls another wrapped one is timed once

    def wrap(self, owner: Any, name: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth += 1
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.total += time.process_time() - start

        setattr(owner, name, timed)  # only this benchmark's process sees it

    def take(self) -> float:
        value, self.total = self.total, 0.0
        return value


class Tree:
    """One checkout's pipeline, imported in this process, with its clocks."""

    def __init__(self, root: Path, files: list[Path]) -> None:
        sys.path.insert(0, str(root))  # the checkout's own package, before any installed copy
        run = importlib.import_module("cittaslow_extract.batch.run")
        self.write_tables = importlib.import_module("cittaslow_extract.export.outputs").write_tables
        pipeline = importlib.import_module("cittaslow_extract.pipeline")
        self.process_files = run.process_files
        self.files = [run.InputFile(p, p.as_posix()) for p in files]
        self.off, self.on = pipeline.RunConfig(mentions=False), pipeline.RunConfig(mentions=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-mentions-"))
        for _ in range(2):  # warm-up: imports, spaCy pipelines, caches, first table writes
            self.run_once(self.off, True), self.run_once(self.on, True)
        self.inside, self.names = Clock(), Clock()
        self.inside.wrap(pipeline.processor_for(self.on).mention_extractor, "extract")
        for module_name, functions in NAME_MATCHING:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if all(hasattr(module, f) for f in functions):
                for function in functions:
                    self.names.wrap(module, function)
                break

    def run_once(self, config: Any, write: bool) -> float:
        """CPU seconds of one run over the files; tables written unless `write` is false."""
        start = time.process_time()
        results = self.process_files(self.files, config, workers=1)
        if write:
            self.write_tables(results, self.tmp / ("on" if config.mentions else "off"), FORMATS,
                              mentions=config.mentions)
        elapsed = time.process_time() - start
        bad = [r.document.source_path for r in results if r.document.status != "ok"]
        assert not bad, f"documents failed: {bad}"
        return elapsed

    def one_pass(self) -> dict[str, float]:
        got = {"whole off": self.run_once(self.off, True)}
        self.inside.take(), self.names.take()
        got["whole on"] = self.run_once(self.on, True)
        got["inside"], got["names"] = self.inside.take(), self.names.take()
        got["processing off"] = self.run_once(self.off, False)
        got["processing on"] = self.run_once(self.on, False)
        self.inside.take(), self.names.take()
        return got


def worker(root: Path, files: list[Path]) -> int:
    """A tree's worker process: one pass for each line read, its timings written as a JSON line."""
    tree = Tree(root, files)
    print("ready", flush=True)
    for _ in sys.stdin:
        print(json.dumps(tree.one_pass()), flush=True)
    return 0


class Timings:
    def __init__(self) -> None:
        self.runs: dict[str, list[float]] = {name: [] for name in PASS}

    def add(self, one_pass: dict[str, float]) -> None:
        for name, seconds in one_pass.items():
            self.runs[name].append(seconds)

    def best(self, name: str) -> float:
        return min(self.runs[name])

    def median(self, name: str) -> float:
        return statistics.median(self.runs[name])


def measure(trees: dict[str, Path], files: list[Path], repeats: int) -> dict[str, Timings]:
    """N passes in each tree's worker, interleaved: pass 1 of every tree, then pass 2 …"""
    workers = {}
    for label, root in trees.items():
        command = [sys.executable, __file__, "--worker", str(root), *map(str, files)]
        workers[label] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                          cwd=root, env=dict(os.environ, PYTHONPATH=str(root)))
    timings = {label: Timings() for label in trees}
    try:
        for label, process in workers.items():
            assert process.stdout is not None and process.stdout.readline().strip() == "ready", label
        for _ in range(repeats):
            for label, process in workers.items():
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("pass\n")
                process.stdin.flush()
                timings[label].add(json.loads(process.stdout.readline()))
    finally:
        for process in workers.values():
            if process.stdin is not None:
                process.stdin.close()
            process.wait()
    return timings


def cold_cost(root: Path) -> tuple[float, float]:
    """(spaCy import, pipeline builds) in seconds, in a fresh interpreter."""
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _COLD, str(root)], capture_output=True, text=True,
                             check=True, cwd=root, env=dict(os.environ, PYTHONPATH=str(root)))
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return min(r[0] for r in runs), min(r[1] for r in runs)


Stat = Callable[[str], float]  # a pass's figure by name: best or median


def _share(stat: Stat, off: str, on: str) -> str:
    stage = max(stat(on) - stat(off), 0.0)
    return f"+{stage * 1000:.1f} ms = {stage / stat(on):4.0%}"


def _part(stat: Stat, name: str) -> str:
    return f"{stat(name) * 1000:.1f} ms = {stat(name) / stat('whole on'):4.0%}"


def _pair(stat: Stat, off: str, on: str) -> str:
    return f"{stat(off) * 1000:.1f} / {stat(on) * 1000:.1f} ms"


ROWS: tuple[tuple[str, Callable[[Stat], str]], ...] = (
    ("whole run, mentions off / on", lambda s: _pair(s, "whole off", "whole on")),
    ("  mentions' share of the whole run", lambda s: _share(s, "whole off", "whole on")),
    ("processing only, off / on", lambda s: _pair(s, "processing off", "processing on")),
    ("  mentions' share of processing", lambda s: _share(s, "processing off", "processing on")),
    ("inside extract() (cross-check)", lambda s: _part(s, "inside")),
    ("  of which name matching", lambda s: _part(s, "names")),
)


def report(timings: dict[str, Timings], documents: int) -> dict[str, tuple[float, float]]:
    """Print the figures of each tree side by side; (mentions share, name matching share) of the
    whole run per tree, best of the passes."""
    print("   " + "".join(f"{label:>34}" for label in timings))
    for stat_name in ("best", "median"):
        print(f" {stat_name}:")
        stats = [t.best if stat_name == "best" else t.median for t in timings.values()]
        for title, cell in ROWS:
            print(f"  {title:<37}" + "".join(f"{cell(stat):>34}" for stat in stats))
    shares = {}
    for label, t in timings.items():
        stage = max(t.best("whole on") - t.best("whole off"), 0.0)
        shares[label] = (stage / t.best("whole on"), t.best("names") / t.best("whole on"))
        print(f"{label}: per document {stage / documents * 1000:.2f} ms of mentions, "
              f"{t.best('whole on') / documents * 1000:.2f} ms end to end")
    return shares


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--base", help="also time the code of this commit (e.g. main, 0a7f431), interleaved")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # a tree's worker process
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.files] or sorted((ROOT / "samples").glob("*.txt"))
    if args.worker:
        return worker(args.worker, paths)
    if not paths:
        print("no input files (samples/*.txt is empty)")
        return 1
    chars = sum(len(p.read_text(encoding="utf-8", errors="replace")) for p in paths)
    print(f"inputs: {len(paths)} text files, {chars:,} characters")
    with tempfile.TemporaryDirectory(prefix="bench-mentions-base-") as scratch:
        trees = {"this tree": ROOT}
        if args.base:
            base = Path(scratch) / "base"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                           check=True, capture_output=True)
            trees = {f"base {args.base}": base, **trees}
        try:
            timings = measure(trees, paths, args.repeats)
            cold = {label: cold_cost(root) for label, root in trees.items()}
        finally:
            if args.base:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                               capture_output=True)
    print(f"steady state, one worker per tree, CPU time over {args.repeats} passes (trees interleaved):")
    shares = report(timings, len(paths))
    for label, (spacy_import, builds) in cold.items():
        print(f"{label}: once per worker (not in the figures above): import spaCy {spacy_import * 1000:.0f} ms"
              f" + build en/tr pipelines {builds * 1000:.0f} ms = {(spacy_import + builds) * 1000:.0f} ms wall")
    stage, names = shares["this tree"]
    verdict = "met" if stage < TARGET_SHARE else "NOT met"
    print(f"target: mentions < {TARGET_SHARE:.0%} of the whole run's steady time on text inputs (best): {verdict}")
    keep = "keep spaCy's matchers" if names <= NAME_LIMIT else "spaCy's matchers cost too much"
    print(f"name matching {names:.0%} of the whole run (limit {NAME_LIMIT:.0%}): {keep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
