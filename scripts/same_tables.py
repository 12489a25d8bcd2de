#!/usr/bin/env python3
"""Check that a change leaves the tables byte-identical: run the pipeline with the code of a base
commit and with the working tree on the same inputs, and compare every table file byte for byte.

    python scripts/same_tables.py --base main~3            # samples/ and the seed (if present)
    python scripts/same_tables.py --base 391c27b INPUT...  # other inputs

The base runs from a git worktree (in a temporary folder) with this interpreter, so both sides share
one environment. `cittaslow-run.json` is left out: it records times and versions. Exit code 0 when
every table is identical, 1 otherwise (the differing files are listed).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_b121f0e98322c50f.txt"
NOT_A_TABLE = {"cittaslow-run.json"}


def default_inputs() -> list[Path]:
    inputs = [REPO / "samples"]
    if SEED.exists():
        inputs.append(SEED)
    return inputs


def run_tables(code: Path, inputs: list[Path], out: Path) -> None:
    """Run the command line of the checkout at `code` on each input, into out/<n>."""
    env = dict(os.environ, PYTHONPATH=str(code))
    for number, source in enumerate(inputs):
        # the checkout's own pipeline.py: its folder comes first on sys.path, before any installed copy
        command = [sys.executable, str(code / "pipeline.py"), str(source), "--out", str(out / str(number)),
                   "--format", "both", "--quiet", "--workers", "2"]
        done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1) or not (out / str(number) / "projects.csv").exists():
            raise SystemExit(f"{code}: {source}: exit {done.returncode}: {done.stderr.strip()[-300:]}")


def table_files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.name not in NOT_A_TABLE}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare with (e.g. main, HEAD~2)")
    parser.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: samples/ and the seed)")
    args = parser.parse_args(argv)
    inputs = [p.resolve() for p in args.inputs] or default_inputs()
    with tempfile.TemporaryDirectory(prefix="same-tables-") as scratch:
        base_code = Path(scratch) / "base"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(base_code), args.base],
                       check=True, capture_output=True)
        try:
            run_tables(base_code, inputs, Path(scratch) / "before")
            run_tables(REPO, inputs, Path(scratch) / "after")
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_code)],
                           capture_output=True)
        before, after = Path(scratch) / "before", Path(scratch) / "after"
        names = table_files(before) | table_files(after)
        different = sorted(
            str(name) for name in names
            if not ((before / name).exists() and (after / name).exists()
                    and filecmp.cmp(before / name, after / name, shallow=False))
        )
    for name in different:
        print(f"differs: {name}")
    print(f"{len(names) - len(different)} of {len(names)} table files identical "
          f"({', '.join(str(p) for p in inputs)}; base {args.base})")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
