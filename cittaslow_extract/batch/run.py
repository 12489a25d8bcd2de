"""Many files → tables: input discovery, reuse of unchanged documents, an engine, safe writing.

run_batch is the whole batch behind the command line:
1. every input file is hashed; with --incremental a file whose content and run fingerprint are in
   the output folder's cache is taken from there (documents.reused true, status still "ok");
2. the other files go to an engine (engines.py: local worker processes or Dask), each under the
   per-document time and memory limits; a file that fails becomes a failed documents row;
3. the tables are written beside the old ones and renamed into place all together (export/outputs.py),
   or, for partitioned Dask output, the workers' Parquet parts are published with one link swap.
Results are in input order whatever the engine and the number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cittaslow_extract.batch.cache import MANIFEST_NAME, CachedDocument, DocumentCache
from cittaslow_extract.batch.discovery import InputFile
from cittaslow_extract.batch.engines import DaskOptions, DocumentTask, prepare_local, run_dask, run_local
from cittaslow_extract.batch.isolation import NO_LIMITS, Limits
from cittaslow_extract.config import RunConfig, file_sha256
from cittaslow_extract.export.outputs import (
    ROW_TABLES,
    WORKBOOK_KEY,
    RenderOptions,
    RunChange,
    TableManifest,
    finish_run,
    needs_rows,
    new_parts_dir,
    output_lock,
    output_names,
    publish_parts,
    table_records,
    write_parts,
    write_tables,
)
from cittaslow_extract.export.writers import import_in_background
from cittaslow_extract.models import DocumentRecord, DocumentResult

if TYPE_CHECKING:
    from cittaslow_extract.batch.manifest import Manifest
    from cittaslow_extract.structure.identity import Identity

@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch runs and where it writes (RunConfig says what each document produces)."""

    out_dir: Path
    formats: tuple[str, ...] = ("csv", "parquet")
    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # Dask scheduler address; None: a LocalCluster
    partitioned: bool = False  # Dask workers write Parquet parts themselves
    incremental: bool = False
    neutralize_formulas: bool = True
    csv_bom: bool = False  # CSV files start with a UTF-8 byte-order mark (Excel on Windows)
    manifest: Manifest | None = None  # --manifest: city, year and extra columns per file
    keep_records: bool = False  # the summary keeps every row as records (api.extract_folder)


@dataclass(slots=True)
class BatchSummary:
    results: list[DocumentResult]  # each file's documents row (its other rows are in the tables)
    written: list[Path]
    change: RunChange | None = None  # the previous run into --out had other inputs
    records: list[DocumentResult] | None = None  # with keep_records: every document's rows
    manifest_unmatched: int = 0  # --manifest rows that name no input file

    @property
    def failed(self) -> int:
        return sum(r.document.status == "failed" for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(r.document.status == "skipped" for r in self.results)

    @property
    def reused(self) -> int:
        return sum(r.document.reused for r in self.results)

    @property
    def projects(self) -> int:
        return sum(r.document.project_count for r in self.results)


def apply_identity(result: DocumentResult, identity: Identity | None) -> DocumentResult:
    """identity.apply_identity, imported only when a document has an identity to apply."""
    if identity is None:
        return result
    from cittaslow_extract.structure.identity import apply_identity as apply

    return apply(result, identity)


def start_workers(
    files: Sequence[InputFile], config: RunConfig, *, engine: str, incremental: bool, workers: int, limits: Limits
) -> None:
    """Start the local engine's workers (engines.prepare_local) when every file will be read, as
    early as the caller knows the files; run_batch calls it too, and a second call does nothing."""
    if engine == "local" and not incremental:
        prepare_local(config, [os.fspath(f.path) for f in files], workers=workers, limits=limits)


def run_batch(
    files: Sequence[InputFile],
    config: RunConfig,
    options: BatchOptions,
    on_result: Callable[[DocumentResult], None] | None = None,
) -> BatchSummary:
    """Process `files` and write the tables into options.out_dir (see the module docstring)."""
    out_dir = options.out_dir
    start_workers(files, config, engine=options.engine, incremental=options.incremental,
                  workers=options.workers, limits=options.limits)
    with output_lock(out_dir):
        cache = DocumentCache.for_output(out_dir, config) if options.incremental else None
        results: list[DocumentResult | None] = [None] * len(files)
        cached: dict[int, CachedDocument] = {}
        todo: list[int] = []
        hashes = [file_hash(f) for f in files]
        identities = plan_identities(files, hashes, options.manifest)

        def settle(index: int, result: DocumentResult) -> None:
            results[index] = result
            if on_result is not None:
                on_result(result)

        for index, input_file in enumerate(files):
            if input_file.skip_reason is not None:
                settle(index, apply_identity(skipped_result(input_file, hashes[index]), identities[index]))
                continue
            if not _regular_file(input_file.path):  # a pipe or device might never end: not read
                from cittaslow_extract.pipeline import failed_result

                settle(index, failed_result(input_file.source_path, "not a regular file (a device, pipe or socket)"))
                continue
            hit = cache.load(hashes[index]) if cache is not None and hashes[index] else None
            if hit is None:
                todo.append(index)
                continue
            cached[index] = hit
            hit.document.reused, hit.document.source_path = True, input_file.source_path
            # its other rows are read when needed (_load_rows)
            settle(index, apply_identity(DocumentResult(hit.document), identities[index]))
        dask_gather = options.engine == "dask" and not options.partitioned
        # Results are cached where they are complete: by the workers, except when Dask gathers them.
        task_cache = None if dask_gather else cache
        parts_dir = new_parts_dir(out_dir) if options.partitioned else None
        importing = None
        if todo and (options.partitioned or "parquet" in options.formats):
            # the Parquet libraries load here while the workers start, not after the last document
            importing = import_in_background()
        # Local workers send their rows serialised for the tables (see RenderedRows), so that this
        # process only joins them; Dask workers send records (cached here, or written as parts).
        render = None
        if options.engine == "local" and not options.keep_records:
            render = RenderOptions(options.formats, options.neutralize_formulas, config.mentions)
        # The workers give each document its identity, after caching it (the cache keeps content
        # only); when Dask gathers the rows, this process does, after caching them.
        task_identities = [None] * len(files) if dask_gather else identities
        try:
            done = _run(files, todo, config, options, task_cache, parts_dir, on_result, render, task_identities)
        finally:
            if importing is not None:
                importing.join()
        for index, result in zip(todo, done):
            results[index] = result
            if dask_gather and cache is not None:
                cache.store(result)
            apply_identity(result, identities[index])  # the documents row of a failure made here too
        manifest = None if cache is None else _manifest(cache, config, results)
        if parts_dir is not None:
            redone = _load_rows(files, results, cached, config, options, identities)
            for index in [*cached, *redone]:  # the engine's workers wrote the others
                rows = results[index]
                assert rows is not None  # every file has its result by now
                write_parts(parts_dir, index, rows)
            tables = list(table_records([], mentions=config.mentions))
            written = publish_parts(parts_dir, out_dir, tables)
            names = [f"{table}.parquet" for table in tables]
        else:
            names = output_names(options.formats, config.mentions)
            skip: frozenset[str] = frozenset()
            if manifest is not None:
                skip = manifest.up_to_date(out_dir, names, options.neutralize_formulas, options.csv_bom)
            if options.keep_records or any(needs_rows(name) for name in set(names) - skip):
                if _load_rows(files, results, cached, config, options, identities) and cache is not None:
                    manifest, skip = _manifest(cache, config, results), frozenset()  # rows changed
            written = write_tables(
                [r for r in results if r is not None],
                out_dir,
                options.formats,
                mentions=config.mentions,
                neutralize_formulas=options.neutralize_formulas,
                csv_bom=options.csv_bom,
                manifest=manifest,
                skip=skip,
                extra_document_columns=options.manifest.extra_columns if options.manifest else (),
            )
        final = [DocumentResult(r.document) for r in results if r is not None]
        if cache is not None:
            cache.prune({r.document.sha256 for r in final if r.document.status == "ok"})
        change = finish_run(out_dir, names, [(r.document.source_path, r.document.sha256) for r in final])
    records = [r for r in results if r is not None] if options.keep_records else None
    unmatched = options.manifest.unmatched([f.path for f in files]) if options.manifest else 0
    return BatchSummary(final, written, change, records, unmatched)


def _run(
    files: Sequence[InputFile],
    indexes: Sequence[int],
    config: RunConfig,
    options: BatchOptions,
    cache: DocumentCache | None,
    parts_dir: Path | None,
    on_result: Callable[[DocumentResult], None] | None,
    render: RenderOptions | None = None,
    identities: Sequence[Identity | None] | None = None,
) -> list[DocumentResult]:
    tasks = [
        _task(files[i], config, cache, options.engine, render, identities[i] if identities else None) for i in indexes
    ]
    if not tasks:
        return []
    if options.engine == "dask":
        dask_options = DaskOptions(options.scheduler, options.workers, parts_dir, indexes=tuple(indexes))
        return run_dask(tasks, options=dask_options, limits=options.limits, on_done=on_result)
    return run_local(tasks, workers=options.workers, limits=options.limits, on_done=on_result)


def _load_rows(
    files: Sequence[InputFile],
    results: list[DocumentResult | None],
    cached: dict[int, CachedDocument],
    config: RunConfig,
    options: BatchOptions,
    identities: Sequence[Identity | None],
) -> list[int]:
    """Put the full rows of reused documents into `results`; a document whose entry is damaged
    is processed again, here, and left out of `cached` (returns those indexes)."""
    damaged = []
    for index, hit in cached.items():
        full = hit.result(files[index].source_path)
        if full is None:
            damaged.append(index)
        else:
            results[index] = apply_identity(full, identities[index])
    redo = BatchOptions(options.out_dir, workers=1, limits=options.limits)  # records: see run_batch
    for index, result in zip(damaged, _run(files, damaged, config, redo, None, None, None, None, identities)):
        results[index] = result
        del cached[index]
    return damaged


def _manifest(cache: DocumentCache, config: RunConfig, results: Sequence[DocumentResult | None]) -> TableManifest:
    """What each table's content depends on (see TableManifest): the run fingerprint and the
    documents in order; for the documents table, every documents row itself."""
    documents = [r.document for r in results if r is not None]
    # the rows carry the document's identity too: its id (copies), its city (--manifest)
    with_rows = [(d.sha256, d.source_path, d.document_id, d.city) for d in documents if d.status == "ok"]
    rows_key = _digest([cache.fingerprint, config.mentions, with_rows])
    documents_key = _digest([cache.fingerprint, [dataclasses.astuple(d) for d in documents]])
    keys = {table: rows_key for table in ROW_TABLES} | {"documents": documents_key}
    keys[WORKBOOK_KEY] = _digest([rows_key, documents_key])  # the workbook holds every table
    return TableManifest(cache.root / MANIFEST_NAME, keys)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


def skipped_result(input_file: InputFile, sha256: str) -> DocumentResult:
    """The documents row of a file that is not a submission: status skipped, the reason in error."""
    return DocumentResult(
        DocumentRecord(sha256[:16], input_file.source_path, None, "skipped", input_file.skip_reason, 0, 0, None, sha256)
    )


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # missing or unreadable: the worker reports why


def file_hash(input_file: InputFile) -> str:
    """The file's SHA-256, or "" when it cannot be read here (the worker reports why) or is not a
    regular file (never read: a pipe might not end)."""
    if not _regular_file(input_file.path):
        return ""
    try:
        return file_sha256(input_file.path)
    except OSError:
        return ""


def plan_identities(
    files: Sequence[InputFile], hashes: Sequence[str], manifest: Manifest | None = None
) -> list[Identity | None]:
    """Each file's Identity (identity.py): a path-qualified id and duplicate_of for a byte-identical
    copy of an earlier file, and its --manifest row; None when it needs none."""
    from cittaslow_extract.structure.identity import Identity, copy_id

    first: dict[str, str] = {}  # sha256 → the first copy's document_id
    planned: list[Identity | None] = []
    for input_file, sha256 in zip(files, hashes):
        document_id = duplicate_of = None
        if sha256:
            if sha256 in first:
                document_id, duplicate_of = copy_id(sha256, input_file.source_path), first[sha256]
            else:
                first[sha256] = sha256[:16]
        row = manifest.lookup(input_file.path, input_file.source_path) if manifest else None
        identity = Identity(
            document_id=document_id,
            duplicate_of=duplicate_of,
            city=row.city if row else None,
            submission_year=row.year if row else None,
            manifest_columns=row.extra if row else tuple((c, None) for c in manifest.extra_columns) if manifest else (),
        )
        planned.append(None if identity.empty else identity)
    return planned


def _task(
    input_file: InputFile,
    config: RunConfig,
    cache: DocumentCache | None,
    engine: str,
    render: RenderOptions | None = None,
    identity: Identity | None = None,
) -> DocumentTask:
    # Dask workers may run elsewhere (same shared folders, other working directory): absolute paths.
    path = input_file.path.absolute() if engine == "dask" else input_file.path
    return DocumentTask(os.fspath(path), input_file.source_path, config, cache, render, identity)


def process_files(
    files: Sequence[InputFile],
    config: RunConfig,
    workers: int = 1,
    on_result: Callable[[DocumentResult], None] | None = None,
    limits: Limits = NO_LIMITS,
) -> list[DocumentResult]:
    """Process files on this machine without writing anything; results always in input order."""
    tasks = [_task(f, config, None, "local") for f in files]
    return run_local(tasks, workers=workers, limits=limits, on_done=on_result)
