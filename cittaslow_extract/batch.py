"""Many files → tables: input discovery, reuse of unchanged documents, an engine, safe writing.

run_batch is the whole batch behind the command line:
1. every input file is hashed; with --incremental a file whose content and run fingerprint are in
   the output folder's cache is taken from there (status "reused");
2. the other files go to an engine (engines.py: local worker processes or Dask), each under the
   per-document time and memory limits; a file that fails becomes a failed documents row;
3. the tables are written beside the old ones and renamed into place all together (outputs.py),
   or, for partitioned Dask output, the workers' Parquet parts are published with one link swap.
Results are in input order whatever the engine and the number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engines import DaskOptions, DocumentTask, prepare_local, run_dask, run_local
from .export.writers import import_in_background
from .incremental import MANIFEST_NAME, CachedDocument, DocumentCache
from .isolation import NO_LIMITS, Limits
from .models import DocumentResult
from .outputs import (
    ROW_TABLES,
    RenderOptions,
    TableManifest,
    new_parts_dir,
    output_lock,
    publish_parts,
    table_records,
    write_parts,
    write_tables,
)
from .config import RunConfig, file_sha256

# Files a folder walk picks up: the readable formats, and document formats we recognise but cannot
# read (they get a failed row saying so instead of vanishing).  Anything else in a folder (expected
# outputs, notes, tables) is not a submission and is skipped.
READABLE_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                               ".html", ".htm", ".odt", ".rtf", ".doc", ".xlsx", ".ods"})
RECOGNISED_UNREADABLE_SUFFIXES = frozenset({".xls", ".pptx"})


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source_path: str  # as written in the tables: stable, relative where the user gave it relative


def display_path(path: Path) -> str:
    """The path as text for the tables: bytes that are not UTF-8 (possible in POSIX names) are
    written as \\xNN escapes, so every name can be stored in CSV and Parquet.

    >>> display_path(Path("a/b.txt"))
    'a/b.txt'
    >>> display_path(Path(os.fsdecode(b"caf\\xe9.txt")))
    'caf\\\\xe9.txt'
    """
    text = path.as_posix()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def discover_inputs(inputs: Sequence[Path]) -> list[InputFile]:
    """Files named on the command line, in order; folders walked recursively in sorted order.

    A file named explicitly is always processed (its reader is chosen by content); inside folders only
    document-like suffixes are taken, and hidden files and folders are skipped.
    """
    found: list[InputFile] = []
    seen: set[Path] = set()
    for given in inputs:
        if given.is_dir():
            candidates = sorted(_walk(given), key=lambda p: p.as_posix())
        else:
            candidates = [given]
        for path in candidates:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(InputFile(path, display_path(path)))
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            suffix = Path(name).suffix.lower()
            if name.startswith(".") or suffix not in READABLE_SUFFIXES | RECOGNISED_UNREADABLE_SUFFIXES:
                continue
            yield Path(root) / name


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


@dataclass(slots=True)
class BatchSummary:
    results: list[DocumentResult]  # each file's documents row (its other rows are in the tables)
    written: list[Path]

    @property
    def failed(self) -> int:
        return sum(r.document.status == "failed" for r in self.results)

    @property
    def reused(self) -> int:
        return sum(r.document.status == "reused" for r in self.results)

    @property
    def projects(self) -> int:
        return sum(r.document.project_count for r in self.results)


def run_batch(
    files: Sequence[InputFile],
    config: RunConfig,
    options: BatchOptions,
    on_result: Callable[[DocumentResult], None] | None = None,
) -> BatchSummary:
    """Process `files` and write the tables into options.out_dir (see the module docstring)."""
    out_dir = options.out_dir
    if options.engine == "local" and not options.incremental:  # every file will be read
        prepare_local(config, [os.fspath(f.path) for f in files], workers=options.workers, limits=options.limits)
    with output_lock(out_dir):
        cache = DocumentCache.for_output(out_dir, config) if options.incremental else None
        results: list[DocumentResult | None] = [None] * len(files)
        cached: dict[int, CachedDocument] = {}
        todo: list[int] = []
        for index, input_file in enumerate(files):
            if not _regular_file(input_file.path):  # a pipe or device might never end: not read
                from .process import failed_result

                reason = "not a regular file (a device, pipe or socket)"
                results[index] = failed_result(input_file.source_path, reason)
                if on_result is not None:
                    on_result(results[index])
                continue
            hit = _lookup(cache, input_file) if cache is not None else None
            if hit is None:
                todo.append(index)
                continue
            cached[index] = hit
            hit.document.status, hit.document.source_path = "reused", input_file.source_path
            results[index] = DocumentResult(hit.document)  # its other rows are read when needed
            if on_result is not None:
                on_result(results[index])
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
        if options.engine == "local":
            render = RenderOptions(options.formats, options.neutralize_formulas, config.mentions)
        try:
            done = _run(files, todo, config, options, task_cache, parts_dir, on_result, render)
        finally:
            if importing is not None:
                importing.join()
        for index, result in zip(todo, done):
            results[index] = result
            if dask_gather and cache is not None:
                cache.store(result)
        manifest = None if cache is None else _manifest(cache, config, results)
        if parts_dir is not None:
            redone = _load_rows(files, results, cached, config, options)
            for index in [*cached, *redone]:  # the engine's workers wrote the others
                write_parts(parts_dir, index, results[index])
            tables = list(table_records([], mentions=config.mentions))
            written = publish_parts(parts_dir, out_dir, tables)
        else:
            names = [f"{t}.{fmt}" for t in table_records([], config.mentions) for fmt in options.formats]
            skip = frozenset()
            if manifest is not None:
                skip = manifest.up_to_date(out_dir, names, options.neutralize_formulas)
            if any(name.partition(".")[0] in ROW_TABLES for name in set(names) - skip):
                if _load_rows(files, results, cached, config, options) and cache is not None:
                    manifest, skip = _manifest(cache, config, results), frozenset()  # rows changed
            written = write_tables(
                [r for r in results if r is not None],
                out_dir,
                options.formats,
                mentions=config.mentions,
                neutralize_formulas=options.neutralize_formulas,
                manifest=manifest,
                skip=skip,
            )
        final = [DocumentResult(r.document) for r in results if r is not None]
        if cache is not None:
            cache.prune({r.document.sha256 for r in final if r.document.status in ("ok", "reused")})
    return BatchSummary(final, written)


def _run(
    files: Sequence[InputFile],
    indexes: Sequence[int],
    config: RunConfig,
    options: BatchOptions,
    cache: DocumentCache | None,
    parts_dir: Path | None,
    on_result: Callable[[DocumentResult], None] | None,
    render: RenderOptions | None = None,
) -> list[DocumentResult]:
    tasks = [_task(files[i], config, cache, options.engine, render) for i in indexes]
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
) -> list[int]:
    """Put the full rows of reused documents into `results`; a document whose entry is damaged
    is processed again, here, and left out of `cached` (returns those indexes)."""
    damaged = []
    for index, hit in cached.items():
        full = hit.result(files[index].source_path)
        if full is None:
            damaged.append(index)
        else:
            results[index] = full
    redo = BatchOptions(options.out_dir, workers=1, limits=options.limits)  # records: see run_batch
    for index, result in zip(damaged, _run(files, damaged, config, redo, None, None, None)):
        results[index] = result
        del cached[index]
    return damaged


def _manifest(cache: DocumentCache, config: RunConfig, results: Sequence[DocumentResult | None]) -> TableManifest:
    """What each table's content depends on (see TableManifest): the run fingerprint and the
    documents in order; for the documents table, every documents row itself."""
    documents = [r.document for r in results if r is not None]
    with_rows = [(d.sha256, d.source_path) for d in documents if d.status in ("ok", "reused")]
    rows_key = _digest([cache.fingerprint, config.mentions, with_rows])
    documents_key = _digest([cache.fingerprint, [dataclasses.astuple(d) for d in documents]])
    keys = {table: rows_key for table in ROW_TABLES} | {"documents": documents_key}
    return TableManifest(cache.root / MANIFEST_NAME, keys)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # missing or unreadable: the worker reports why


def _lookup(cache: DocumentCache, input_file: InputFile) -> CachedDocument | None:
    try:
        sha256 = file_sha256(input_file.path)
    except OSError:
        return None  # the worker reports the read error
    return cache.load(sha256)


def _task(
    input_file: InputFile,
    config: RunConfig,
    cache: DocumentCache | None,
    engine: str,
    render: RenderOptions | None = None,
) -> DocumentTask:
    # Dask workers may run elsewhere (same shared folders, other working directory): absolute paths.
    path = input_file.path.absolute() if engine == "dask" else input_file.path
    return DocumentTask(os.fspath(path), input_file.source_path, config, cache, render)


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
