"""Batches: isolated workers with limits, identical tables for any worker count and engine,
incremental reuse, all-or-nothing table writing, progress output."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cittaslow_extract.batch.cache import CACHE_DIR_NAME, DocumentCache, decode_result, encode_result
from cittaslow_extract.batch.discovery import InputFile, discover_inputs, display_path
from cittaslow_extract.batch.isolation import NO_LIMITS, CallFailure, IsolatedWorker, Limits, map_ordered, stop_workers
from cittaslow_extract.batch.progress import Progress
from cittaslow_extract.batch.run import BatchOptions, process_files, run_batch
from cittaslow_extract.export import outputs
from cittaslow_extract.models import DocumentRecord
from cittaslow_extract.pipeline import RunConfig

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
TEXT_SAMPLES = sorted(SAMPLES.glob("*.txt"))
TABLE_FILES = [f"{t}.{ext}" for t in ("projects", "criteria", "documents", "mentions") for ext in ("csv", "parquet")]
LIMITS = Limits(timeout=120, max_memory=None)


def make_corpus(folder: Path, copies: int = 2) -> Path:
    """Text samples, each also as variants with one extra line (different content, same projects)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sample in TEXT_SAMPLES:
        text = sample.read_text(encoding="utf-8")
        for copy in range(copies):
            (folder / f"{sample.stem}-{copy}.txt").write_text(text + f"\nnote {copy}\n", encoding="utf-8")
    return folder


def tables(out: Path, names: list[str] = TABLE_FILES) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in names}


def documents(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "documents.csv").read_text(encoding="utf-8"))))


# --- isolated workers ---------------------------------------------------------------------------


def test_map_ordered_keeps_input_order_whatever_finishes_first():
    # sleeps: the first item finishes last, the results still come back in input order
    delays = [0.4, 0.0, 0.1, 0.0, 0.2]
    finished: list[int] = []
    values = map_ordered(time.sleep, delays, workers=2, limits=LIMITS, on_done=lambda i, v: finished.append(i))
    assert values == [None] * 5
    assert sorted(finished) == [0, 1, 2, 3, 4] and finished != [0, 1, 2, 3, 4]


ISOLATION_FAILURES = [  # (function, argument, limits, kind, message pattern)
    ("timeout", time.sleep, 30, Limits(timeout=0.3, max_memory=None), "took longer than 0.3 s"),
    ("memory", bytearray, 2 << 30, Limits(timeout=60, max_memory=64 << 20), "needed more than 64 MB of memory"),
    ("crashed", os._exit, 7, LIMITS, "exited unexpectedly (exit code 7)"),
    ("error", int, "x", LIMITS, "ValueError: invalid literal"),
]


@pytest.mark.parametrize("kind, function, argument, limits, message", ISOLATION_FAILURES, ids=[c[0] for c in ISOLATION_FAILURES])
def test_a_failing_call_is_reported_and_the_worker_goes_on(kind, function, argument, limits, message):
    if kind == "memory" and not Path("/proc/self/statm").exists():
        pytest.skip("memory limits need Linux")
    worker = IsolatedWorker(limits)
    try:
        failure = worker.call(function, argument)
        assert isinstance(failure, CallFailure) and failure.kind == kind
        assert message in failure.message
        assert worker.call(abs, -5) == 5  # the same worker, or its replacement, serves the next call
    finally:
        worker.close()


def test_killed_worker_is_reported_with_its_signal():
    import functools
    import operator
    import signal

    worker = IsolatedWorker(LIMITS)
    try:
        pid = worker.call(operator.call, os.getpid)
        assert pid != os.getpid()
        suicide = functools.partial(os.kill, pid)
        failure = worker.call(suicide, signal.SIGKILL)
        assert failure == CallFailure("crashed", "the worker reading it was killed by SIGKILL (the system may have run out of memory)")
        assert worker.call(abs, -2) == 2
    finally:
        worker.close()


def test_limits_apply_per_call_and_are_lifted_after():
    worker = IsolatedWorker(Limits(timeout=60, max_memory=32 << 20))
    try:
        assert isinstance(worker.call(bytearray, 64 << 20), CallFailure)
        assert len(worker.call(bytearray, 16 << 20)) == 16 << 20
    finally:
        worker.close()


def test_workers_collect_cycles_rarely_and_never_rescan_what_warm_up_built():
    import gc
    import operator

    from cittaslow_extract.batch.isolation import WORKER_GC_THRESHOLD

    worker = IsolatedWorker(LIMITS)
    try:
        assert worker.call(operator.call, gc.get_threshold, warm_up=id)[0] == WORKER_GC_THRESHOLD
        assert worker.call(operator.call, gc.get_freeze_count) > 10_000  # spaCy, readers, caches
    finally:
        worker.close()
    assert gc.get_threshold()[0] != WORKER_GC_THRESHOLD  # this process keeps its own settings


def test_stop_workers_ends_the_workers_and_the_next_call_starts_anew():
    import operator

    worker = IsolatedWorker(LIMITS)
    pid = worker.call(operator.call, os.getpid)
    stop_workers()
    assert worker._pool is None  # closed with the others
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped, not a zombie
    assert worker.call(operator.call, os.getpid) != pid
    worker.close()
    assert map_ordered(abs, [-1, -2, -3], workers=2, limits=LIMITS) == [1, 2, 3]


def test_the_fork_server_leaves_at_once_when_the_command_ends():
    """It holds the command's stdout: a caller reading the output to its end waits for it too."""
    import subprocess
    import sys

    from cittaslow_extract.batch import forkserver_exit

    code = ("from cittaslow_extract.batch.isolation import Limits, map_ordered\n"
            "if __name__ == '__main__':\n    print(map_ordered(abs, [-1, -2], workers=2, limits=Limits(60, None)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert (done.returncode, done.stdout) == (0, "[1, 2]\n"), done.stderr
    # how the server is recognised, and that it then skips its teardown (exit status 0, not 3)
    server = f"{forkserver_exit.FORKSERVER_COMMAND}; import cittaslow_extract.batch.forkserver_exit; raise SystemExit(3)"
    assert subprocess.run([sys.executable, "-c", server], timeout=60, cwd=REPO).returncode == 0
    assert subprocess.run([sys.executable, "-c", "import sys; " + server], timeout=60, cwd=REPO).returncode == 3


# --- engines: same tables for any number of workers ----------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def one_worker_tables(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("w1")
    files = discover_inputs([corpus])
    run_batch(files, RunConfig(), BatchOptions(out, workers=1, limits=LIMITS))
    return tables(out)


def test_two_workers_give_byte_identical_tables(corpus, one_worker_tables, tmp_path):
    run_batch(discover_inputs([corpus]), RunConfig(), BatchOptions(tmp_path, workers=2, limits=LIMITS))
    assert tables(tmp_path) == one_worker_tables


def test_in_process_run_gives_the_same_tables(corpus, one_worker_tables, tmp_path):
    run_batch(discover_inputs([corpus]), RunConfig(), BatchOptions(tmp_path, workers=1, limits=NO_LIMITS))
    assert tables(tmp_path) == one_worker_tables


def test_rows_follow_input_order(corpus, one_worker_tables):
    rows = list(csv.DictReader(io.StringIO(one_worker_tables["documents.csv"].decode())))
    assert [r["source_path"] for r in rows] == [f.source_path for f in discover_inputs([corpus])]
    assert all(r["status"] == "ok" for r in rows)


def test_process_files_library_api(corpus):
    files = discover_inputs([corpus])[:2]
    seen: list[str] = []
    results = process_files(files, RunConfig(mentions=False), workers=2, on_result=lambda r: seen.append(r.document.source_path))
    assert [r.document.source_path for r in results] == [f.source_path for f in files]
    assert sorted(seen) == sorted(f.source_path for f in files)


@pytest.fixture(scope="module")
def dask_scheduler():
    """A LocalCluster on loopback: two worker processes, non-daemonic so they can start the
    isolated per-document workers (as the README asks of a real cluster)."""
    pytest.importorskip("distributed")
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
    with cluster:
        yield cluster.scheduler_address


def test_dask_engine_gives_the_same_tables(corpus, one_worker_tables, dask_scheduler, tmp_path):
    files = discover_inputs([corpus])
    options = BatchOptions(tmp_path / "gather", limits=LIMITS, engine="dask", scheduler=dask_scheduler)
    run_batch(files, RunConfig(), options)
    assert tables(tmp_path / "gather") == one_worker_tables


def test_dask_partitioned_output_has_the_same_rows(corpus, one_worker_tables, dask_scheduler, tmp_path):
    import pandas as pd

    files = discover_inputs([corpus])
    out = tmp_path / "parts"
    options = BatchOptions(out, formats=("parquet",), limits=LIMITS, engine="dask", scheduler=dask_scheduler,
                           partitioned=True)
    run_batch(files, RunConfig(), options)
    reference = tmp_path / "reference"
    reference.mkdir()
    for name in TABLE_FILES:
        (reference / name).write_bytes(one_worker_tables[name])
    for table in ("projects", "criteria", "documents", "mentions"):
        assert (out / f"{table}.parquet").is_symlink()
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{table}.parquet"), pd.read_parquet(reference / f"{table}.parquet")
        )
    # a second run replaces the links at once and removes the first run's parts
    first_parts = os.readlink(out / "projects.parquet")
    run_batch(files, RunConfig(), options)
    assert os.readlink(out / "projects.parquet") != first_parts
    assert len(list((out / outputs.PARTS_DIR).iterdir())) == 1


def test_dask_partitioned_output_keeps_ids_unique_and_the_manifests_columns(dask_scheduler, tmp_path):
    import pandas as pd

    from cittaslow_extract.batch.manifest import load_manifest

    folder = make_corpus(tmp_path / "in", copies=1)
    first = sorted(folder.iterdir())[0]
    (folder / "zz-copy.txt").write_bytes(first.read_bytes())
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"path,city,region\n{first},Bursa,Marmara\n", encoding="utf-8")
    out = tmp_path / "out"
    options = BatchOptions(out, formats=("parquet",), limits=LIMITS, engine="dask", scheduler=dask_scheduler,
                           partitioned=True, manifest=load_manifest(manifest))
    run_batch(discover_inputs([folder]), FAST, options)
    documents = pd.read_parquet(out / "documents.parquet")
    assert documents["document_id"].is_unique and documents["duplicate_of"].notna().sum() == 1
    assert documents["region"].fillna("").tolist() == ["Marmara"] + [""] * (len(documents) - 1)
    assert pd.read_parquet(out / "projects.parquet")["project_id"].is_unique


def test_dask_partitioned_incremental_keeps_every_document(corpus, dask_scheduler, tmp_path):
    import pandas as pd

    folder = make_corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    options = BatchOptions(out, formats=("parquet",), limits=LIMITS, engine="dask", scheduler=dask_scheduler,
                           partitioned=True, incremental=True)
    run_batch(discover_inputs([folder]), FAST, options)
    first = pd.read_parquet(out / "projects.parquet")
    changed = sorted(folder.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nchanged\n", encoding="utf-8")
    run_batch(discover_inputs([folder]), FAST, options)
    documents = pd.read_parquet(out / "documents.parquet")
    assert documents["status"].tolist() == ["ok", "ok", "ok"]
    assert documents["reused"].tolist() == [True, False, True]
    second = pd.read_parquet(out / "projects.parquet")
    assert len(second) == len(first)
    assert second["source_path"].tolist() == first["source_path"].tolist()


def test_dask_workers_apply_the_time_limit(dask_scheduler, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = TEXT_SAMPLES[0].read_text(encoding="utf-8")
    head, _, body = text.partition("\n01\n")
    (folder / "a-huge.txt").write_text(head + "\n01\n" + body * 3000, encoding="utf-8")
    (folder / "b-small.txt").write_text(text, encoding="utf-8")
    options = BatchOptions(tmp_path / "out", limits=Limits(timeout=0.5, max_memory=None), engine="dask",
                           scheduler=dask_scheduler)
    summary = run_batch(discover_inputs([folder]), FAST, options)
    assert [r.document.status for r in summary.results] == ["failed", "ok"]
    assert summary.results[0].document.error == "took longer than 0.5 s to read (--timeout); the reader was stopped"


def test_dask_engine_through_the_command_line_with_its_own_cluster(corpus, one_worker_tables, tmp_path):
    pytest.importorskip("distributed")
    from cittaslow_extract.cli import main

    out = tmp_path / "out"
    assert main([str(corpus), "--out", str(out), "--engine", "dask", "--workers", "2", "--quiet"]) == 0
    assert tables(out) == one_worker_tables


# --- incremental -------------------------------------------------------------------------------


FAST = RunConfig(mentions=False)  # no spaCy start-up in the workers: these tests are about reuse


def state(row: dict[str, str]) -> str:
    """A documents row's status, or "reused" for a row --incremental took from the previous run."""
    return "reused" if row["reused"] == "true" else row["status"]


def run_incremental(folder: Path, out: Path, config: RunConfig = FAST) -> list[dict[str, str]]:
    options = BatchOptions(out, workers=2, limits=LIMITS, incremental=True)
    run_batch(discover_inputs([folder]), config, options)
    return documents(out)


def test_incremental_reuses_unchanged_files_byte_identically(corpus, one_worker_tables, tmp_path):
    out = tmp_path / "out"
    first = run_incremental(corpus, out, RunConfig())
    assert {r["status"] for r in first} == {"ok"}
    second = run_incremental(corpus, out, RunConfig())
    assert {state(r) for r in second} == {"reused"}
    assert {r["status"] for r in second} == {"ok"}  # a filter on status == "ok" keeps reused rows
    # every table but documents is byte-identical to a fresh run; documents differs only in reused
    fresh = {k: v for k, v in one_worker_tables.items() if not k.startswith("documents")}
    assert tables(out, list(fresh)) == fresh
    assert [dict(r, reused="false") for r in second] == first


def test_incremental_redoes_only_a_changed_file(tmp_path):
    folder = make_corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_incremental(folder, out)
    changed = sorted(folder.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nchanged\n", encoding="utf-8")
    (folder / "new.txt").write_bytes(TEXT_SAMPLES[0].read_bytes())
    rows = run_incremental(folder, out)
    status = {Path(r["source_path"]).name: state(r) for r in rows}
    assert status.pop(changed.name) == "ok" and status.pop("new.txt") == "ok"
    assert set(status.values()) == {"reused"}


def test_incremental_follows_renamed_files_and_prunes_removed_ones(tmp_path):
    folder = make_corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run_incremental(folder, out)
    first = sorted(folder.iterdir())
    first[0].rename(folder / "renamed.txt")
    first[1].unlink()
    rows = run_incremental(folder, out)
    by_name = {Path(r["source_path"]).name: r for r in rows}
    assert state(by_name["renamed.txt"]) == "reused"
    projects = list(csv.DictReader(io.StringIO((out / "projects.csv").read_text(encoding="utf-8"))))
    assert {Path(p["source_path"]).name for p in projects} == set(by_name)
    cached = [p for p in (out / CACHE_DIR_NAME).rglob("*.json") if p.parent.name != CACHE_DIR_NAME]
    assert sorted(p.stem for p in cached) == sorted(r["sha256"] for r in rows)


def test_incremental_tables_equal_a_fresh_run_after_changes(tmp_path):
    folder = make_corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_incremental(folder, out)
    changed = sorted(folder.iterdir())[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("BUDGET", "Budget"), encoding="utf-8")
    sorted(folder.iterdir())[0].unlink()
    run_incremental(folder, out)
    fresh = tmp_path / "fresh"
    run_batch(discover_inputs([folder]), FAST, BatchOptions(fresh, limits=NO_LIMITS))
    names = [n for n in TABLE_FILES if not n.startswith(("documents", "mentions"))]
    assert tables(out, names) == tables(fresh, names)
    assert [dict(r, reused="false") for r in documents(out)] == documents(fresh)


def test_unchanged_tables_are_not_rewritten(tmp_path):
    folder = make_corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    names = [n for n in TABLE_FILES if not n.startswith("mentions")]
    run_incremental(folder, out)
    inodes = {name: (out / name).stat().st_ino for name in names}
    run_incremental(folder, out)  # statuses change to reused: only the documents table is new
    second = {name: (out / name).stat().st_ino for name in names}
    assert [n for n in names if second[n] != inodes[n]] == ["documents.csv", "documents.parquet"]
    run_incremental(folder, out)  # nothing changes at all
    assert {name: (out / name).stat().st_ino for name in names} == second
    # a table edited by hand is not trusted: it is written again
    (out / "projects.csv").write_text("edited", encoding="utf-8")
    before = tables(out, names)
    run_incremental(folder, out)
    assert (out / "projects.csv").read_bytes() != b"edited"
    assert tables(out, ["projects.csv"]) != {"projects.csv": before["projects.csv"]}


def test_a_changed_setting_invalidates_the_cache(tmp_path):
    folder = make_corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run_incremental(folder, out)
    assert {state(r) for r in run_incremental(folder, out)} == {"reused"}
    labels = tmp_path / "labels.toml"
    labels.write_text("", encoding="utf-8")
    with_labels = RunConfig(mentions=False, label_files=(labels,))
    assert {r["status"] for r in run_incremental(folder, out, with_labels)} == {"ok"}
    assert {state(r) for r in run_incremental(folder, out, with_labels)} == {"reused"}
    labels.write_text("# edited\n", encoding="utf-8")  # same path, new content
    assert {r["status"] for r in run_incremental(folder, out, with_labels)} == {"ok"}


DAMAGES = {  # name → what happens to a cache entry
    "cut short": lambda data: data[: len(data) // 2],
    "rows garbled": lambda data: data.partition(b"\n")[0] + b"\n[1,2\n",
    "not json": lambda data: b"\x00\xff" * 10,
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_cache_entry_is_recomputed(tmp_path, damage):
    folder = make_corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run_incremental(folder, out)
    entry = sorted((out / CACHE_DIR_NAME).rglob("*/*.json"))[0]
    entry.write_bytes(DAMAGES[damage](entry.read_bytes()))
    (out / "projects.csv").unlink()  # so the cached rows are needed, not only the documents rows
    rows = run_incremental(folder, out)
    assert [r["sha256"] for r in rows if state(r) == "ok"] == [entry.stem]
    fresh = tmp_path / "fresh"
    run_batch(discover_inputs([folder]), FAST, BatchOptions(fresh, limits=NO_LIMITS))
    assert (out / "projects.csv").read_bytes() == (fresh / "projects.csv").read_bytes()
    assert [state(r) for r in run_incremental(folder, out)] == ["reused"] * len(rows)


def test_failed_documents_are_not_cached(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert [r["status"] for r in run_incremental(folder, out)] == ["failed"]
    assert [r["status"] for r in run_incremental(folder, out)] == ["failed"]


def test_cache_codec_round_trips_a_real_result(corpus):
    result = process_files(discover_inputs([corpus])[:1], RunConfig())[0]
    assert result.projects and result.mentions
    assert decode_result(encode_result(result)) == result


TEXTS = st.one_of(st.none(), st.text(max_size=40))
DECIMALS = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=None))


@given(
    title=TEXTS,
    amount=DECIMALS,
    months=DECIMALS,
    years=st.lists(st.integers(1900, 2100), max_size=3).map(tuple),
    raw=st.text(max_size=20),
    flag=st.one_of(st.none(), st.booleans()),
)
@settings(max_examples=60, deadline=None)
def test_cache_codec_keeps_any_record_exactly(title, amount, months, years, raw, flag):
    from decimal import Decimal

    from cittaslow_extract.models import CriterionRecord, DocumentResult, Mention, MoneyAmount, ProjectRecord

    money = [MoneyAmount(amount if amount is not None else Decimal("0"), "TRY", bool(flag), years, raw)]
    project = ProjectRecord(
        "d", "a.txt", "txt", "tr", title, 1, title, None, 1, "d-001", title, raw, None, None, None, None, None,
        None, amount, "TRY", flag, years[0] if years else None, money, None, None, flag, months, None, None, None, "",
    )
    result = DocumentResult(
        DocumentRecord("d", "a.txt", "txt", "ok", None, 1, 1, None, "0" * 64, None, "tr", raw),
        [project],
        [CriterionRecord("d", title, 1, title, None, 1, amount)],
        [Mention("d-001", "objective", "QUANTITY", raw, None, title, 0, len(raw), bool(flag))],
    )
    back = decode_result(encode_result(result))
    assert back == result
    assert [str(p.budget_amount) for p in back.projects] == [str(p.budget_amount) for p in result.projects]


@given(st.binary(min_size=1, max_size=30).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_display_path_of_any_name_is_utf8(name):
    text = display_path(Path(os.fsdecode(name)))
    text.encode("utf-8")
    assert os.fsencode(text) == name or "\\x" in text  # as it is, or with its non-UTF-8 bytes escaped


def test_cache_never_stores_the_password(tmp_path):
    from cittaslow_extract.read.registry import ReadOptions

    cache = DocumentCache.for_output(tmp_path, RunConfig(read_options=ReadOptions(password="hunter2")))
    assert "hunter2" not in cache.fingerprint
    assert cache.fingerprint != DocumentCache.for_output(tmp_path, RunConfig()).fingerprint


# --- writing the tables --------------------------------------------------------------------------


def test_a_failure_while_writing_leaves_the_previous_tables(corpus, one_worker_tables, tmp_path, monkeypatch):
    out = tmp_path / "out"
    for name, data in one_worker_tables.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(data)
    from cittaslow_extract.export import writers

    real = writers.table_from_parts

    def failing(table, fmt, parts, **options):
        if (table, fmt) == ("mentions", "parquet"):  # the last file: every other one is staged
            raise OSError(28, "No space left on device")
        return real(table, fmt, parts, **options)

    monkeypatch.setattr(writers, "table_from_parts", failing)
    files = discover_inputs([corpus])[:1]
    with pytest.raises(OSError):
        run_batch(files, RunConfig(), BatchOptions(out, workers=1, limits=NO_LIMITS))
    assert tables(out) == one_worker_tables  # not one table replaced: they are renamed all together
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("neutralize", [True, False])
def test_rows_serialised_by_workers_give_the_tables_of_the_records(corpus, tmp_path, neutralize):
    # the documents of a batch, some sent back serialised (as local workers do), some as records
    # (reused from the cache): the same bytes as writing every table from the records
    results = process_files(discover_inputs([corpus]), RunConfig())
    options = outputs.RenderOptions(("csv", "parquet"), neutralize)
    mixed = [outputs.render_result(r, options) if n % 2 else r for n, r in enumerate(results)]
    assert mixed[1].projects == [] and mixed[1].rendered is not None
    outputs.write_tables(results, tmp_path / "records", ("csv", "parquet"), neutralize_formulas=neutralize)
    outputs.write_tables(mixed, tmp_path / "mixed", ("csv", "parquet"), neutralize_formulas=neutralize)
    assert tables(tmp_path / "mixed") == tables(tmp_path / "records")


def test_rows_serialised_for_other_options_are_refused(corpus, tmp_path):
    result = process_files(discover_inputs([corpus])[:1], RunConfig())[0]
    rendered = outputs.render_result(result, outputs.RenderOptions(("csv",), neutralize_formulas=True))
    with pytest.raises(ValueError, match="serialised for other options"):
        outputs.write_tables([rendered], tmp_path, ("csv",), neutralize_formulas=False)
    with pytest.raises(ValueError, match="serialised for other options"):
        outputs.write_tables([rendered], tmp_path, ("parquet",))


def test_tables_get_ordinary_file_permissions(one_worker_tables, tmp_path):
    run_batch(discover_inputs([TEXT_SAMPLES[0]]), RunConfig(mentions=False), BatchOptions(tmp_path, limits=NO_LIMITS))
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "projects.csv").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_second_run_on_a_busy_folder_is_refused(tmp_path):
    from cittaslow_extract.errors import ConfigError

    with outputs.output_lock(tmp_path):
        with pytest.raises(ConfigError, match="another run is writing"):
            with outputs.output_lock(tmp_path):
                pass


# --- inputs --------------------------------------------------------------------------------------


def test_discovery_is_sorted_and_skips_hidden_and_non_documents(tmp_path):
    names = ["b.txt", "a.pdf", "notes.md", ".hidden.txt", "sub/c.docx", ".git/d.txt", "x.txt.expected.json",
             ".DS_Store", "~$b.docx", ".~lock.c.docx#", "photo.JPG", "annex.xlsx", "old.doc"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [(f.path.relative_to(tmp_path).as_posix(), f.skip_reason) for f in discover_inputs([tmp_path])]
    # images (scans, with OCR on) and spreadsheets (forms) are read: their content decides
    assert [name for name, reason in found if reason is None] == [
        "a.pdf", "annex.xlsx", "b.txt", "old.doc", "photo.JPG", "sub/c.docx"]
    skipped = {name: reason.split(" (")[0].split(",")[0] for name, reason in found if reason is not None}
    assert skipped == {
        ".hidden.txt": "a hidden file",
        ".~lock.c.docx#": "an Office lock file",
        "~$b.docx": "an Office lock file",
    }
    without_ocr = {f.path.name: f.skip_reason for f in discover_inputs([tmp_path], ocr=False)}
    assert without_ocr["photo.JPG"].startswith("an image") and without_ocr["annex.xlsx"] is None


INCLUDE_EXCLUDE = [  # (include, exclude, files kept)
    ([], [], ["2022/a.pdf", "2022/annex/b.pdf", "2023/c.txt", "draft-d.docx"]),
    (["*.pdf"], [], ["2022/a.pdf", "2022/annex/b.pdf"]),
    (["2022/*"], ["*/annex/*"], ["2022/a.pdf"]),
    ([], ["draft-*", "2023"], ["2022/a.pdf", "2022/annex/b.pdf", "2023/c.txt"]),
]


@pytest.mark.parametrize("include, exclude, kept", INCLUDE_EXCLUDE)
def test_include_and_exclude_patterns_select_files(tmp_path, include, exclude, kept):
    for name in ["2022/a.pdf", "2022/annex/b.pdf", "2023/c.txt", "draft-d.docx"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [f.path.relative_to(tmp_path).as_posix() for f in discover_inputs([tmp_path], include, exclude)]
    assert found == kept


def test_a_file_named_twice_is_processed_once(tmp_path):
    sample = tmp_path / "a.txt"
    sample.write_text("x")
    assert discover_inputs([sample, tmp_path, sample]) == [InputFile(sample, sample.as_posix())]


def test_display_path_keeps_non_utf8_names_writable():
    name = display_path(Path(os.fsdecode(b"d/\xff\xfe.txt")))
    assert name == "d/\\xff\\xfe.txt"
    name.encode("utf-8")


# --- progress ------------------------------------------------------------------------------------


def record(name: str, status: str = "ok", pages: int | None = None) -> DocumentRecord:
    reused = status == "reused"
    status = "ok" if reused else status
    return DocumentRecord("id", name, "txt", status, "broken" if status == "failed" else None, 0, 0, pages, "", reused=reused)


def test_progress_off_a_terminal_prints_plain_lines():
    stream = io.StringIO()
    progress = Progress(3, stream=stream)
    for r in (record("a"), record("b", "failed"), record("c", "reused", pages=4)):
        progress.document(r)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert "failed: b: broken" in lines
    assert lines[-1].startswith("progress: 3/3 files, 1 failed, 1 reused, ") and lines[-1].endswith(" pages/s")
    assert progress.pages == 2  # a and b count one page each; reused files are not read


def test_progress_on_a_terminal_draws_a_bar():
    stream = io.StringIO()
    progress = Progress(2, stream=stream, bar=True)
    progress.document(record("a", pages=3))
    progress.document(record("b", "failed"))
    progress.close()
    text = stream.getvalue()
    assert "documents:" in text and "pages/s" in text
    assert "failed: b: broken" in text and "progress:" not in text
    assert (progress.done, progress.failed, progress.pages) == (2, 1, 4)


def test_quiet_progress_prints_nothing():
    stream = io.StringIO()
    progress = Progress(1, stream=stream, quiet=True, bar=True)
    progress.document(record("a", "failed"))
    progress.message("done")
    progress.close()
    assert stream.getvalue() == "" and progress.failed == 1
