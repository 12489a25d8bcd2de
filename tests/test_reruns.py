"""Re-runs into one --out: the tables there are always one run's result.  A run replaces every
format it writes and removes the table files of other runs (formats or tables it does not write),
records which run each file belongs to (cittaslow-run.json), and says in one line when its inputs
are not the previous run's."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from pathlib import Path

from cittaslow_extract.batch.discovery import discover_inputs
from cittaslow_extract.cli import EXIT_OK, main
from cittaslow_extract.export.outputs import RUN_RECORD_NAME, all_table_names

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
ONE = SAMPLES / "community-en.txt"


def run(*argv: str) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main([*argv, "--workers", "1"]) == EXIT_OK
    return err.getvalue()


def tables_in(out: Path) -> set[str]:
    return {name for name in all_table_names() if (out / name).exists()}


def test_batch_then_one_file_then_csv_only_leaves_only_the_last_runs_tables(tmp_path):
    out = tmp_path / "out"
    first = run(str(SAMPLES), "--out", str(out), "--format", "all")
    assert "inputs differ" not in first  # nothing there before
    assert tables_in(out) == set(all_table_names())
    second = run(str(ONE), "--out", str(out))
    notes = [line for line in second.splitlines() if line.startswith("note:")]
    documents = len(discover_inputs([SAMPLES]))  # every sample document, layouts/ included
    assert notes == [
        f"note: the inputs differ from the previous run into {out} ({documents} files then, 1 now, 1 the same): "
        "all of its tables are replaced"
    ]
    assert tables_in(out) == {f"{t}.{f}" for t in ("projects", "criteria", "documents", "mentions") for f in ("csv", "parquet")}
    third = run(str(ONE), "--out", str(out), "--format", "csv", "--no-mentions")
    assert "note:" not in third  # the same inputs as the run before
    assert tables_in(out) == {"projects.csv", "criteria.csv", "documents.csv"}
    record = json.loads((out / RUN_RECORD_NAME).read_text(encoding="utf-8"))
    assert set(record["tables"]) == tables_in(out)
    for name, entry in record["tables"].items():  # every table file is this run's
        assert entry["run"] == record["run"]
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert [i["source_path"] for i in record["inputs"]] == [ONE.as_posix()]
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        assert [r["source_path"] for r in csv.DictReader(handle)] == [ONE.as_posix()]
    with open(out / "projects.csv", encoding="utf-8", newline="") as handle:
        assert {r["source_path"] for r in csv.DictReader(handle)} == {ONE.as_posix()}


def test_files_that_are_not_tables_are_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.csv").write_text("mine", encoding="utf-8")
    run(str(ONE), "--out", str(out), "--format", "csv", "--quiet")
    assert (out / "notes.csv").read_text(encoding="utf-8") == "mine"
