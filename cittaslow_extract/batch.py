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

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engines import DaskOptions, DocumentTask, run_dask, run_local
from .incremental import DocumentCache, as_reused
from .isolation import NO_LIMITS, Limits
from .models import DocumentResult
from .outputs import new_parts_dir, output_lock, publish_parts, table_records, write_parts, write_tables
from .process import RunConfig, file_sha256

# Files a folder walk picks up: the readable formats, and document formats we recognise but cannot
# read (they get a failed row saying so instead of vanishing).  Anything else in a folder (expected
# outputs, notes, tables) is not a submission and is skipped.
READABLE_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".docx"})
RECOGNISED_UNREADABLE_SUFFIXES = frozenset(
    {".doc", ".odt", ".rtf", ".xlsx", ".xls", ".pptx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)


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
    results: list[DocumentResult]  # documents rows only, when the output is partitioned
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
    with output_lock(out_dir):
        cache = DocumentCache.for_output(out_dir, config) if options.incremental else None
        results: list[DocumentResult | None] = [None] * len(files)
        todo: list[int] = []
        for index, input_file in enumerate(files):
            reused = _reuse(cache, input_file) if cache is not None else None
            if reused is None:
                todo.append(index)
                continue
            results[index] = reused
            if on_result is not None:
                on_result(reused)
        dask_gather = options.engine == "dask" and not options.partitioned
        # Results are cached where they are complete: by the workers, except when Dask gathers them.
        task_cache = None if dask_gather else cache
        parts_dir = new_parts_dir(out_dir) if options.partitioned else None
        tasks = [_task(files[i], config, task_cache, options.engine) for i in todo]
        if options.engine == "dask":
            dask_options = DaskOptions(options.scheduler, options.workers, parts_dir)
            done = run_dask(tasks, options=dask_options, limits=options.limits, on_done=on_result)
        else:
            done = run_local(tasks, workers=options.workers, limits=options.limits, on_done=on_result)
        for index, result in zip(todo, done):
            results[index] = result
            if dask_gather and cache is not None:
                cache.store(result)
        final = [r for r in results if r is not None]
        if parts_dir is not None:
            for index, result in enumerate(final):
                if result.document.status == "reused":
                    write_parts(parts_dir, index, result)
            tables = list(table_records([], mentions=config.mentions))
            written = publish_parts(parts_dir, out_dir, tables)
        else:
            written = write_tables(
                final,
                out_dir,
                options.formats,
                mentions=config.mentions,
                neutralize_formulas=options.neutralize_formulas,
            )
        if cache is not None:
            cache.prune({r.document.sha256 for r in final if r.document.status in ("ok", "reused")})
    return BatchSummary(final, written)


def _reuse(cache: DocumentCache, input_file: InputFile) -> DocumentResult | None:
    try:
        sha256 = file_sha256(input_file.path)
    except OSError:
        return None  # the worker reports the read error
    cached = cache.load(sha256)
    return None if cached is None else as_reused(cached, input_file.source_path)


def _task(input_file: InputFile, config: RunConfig, cache: DocumentCache | None, engine: str) -> DocumentTask:
    # Dask workers may run elsewhere (same shared folders, other working directory): absolute paths.
    path = input_file.path.absolute() if engine == "dask" else input_file.path
    return DocumentTask(os.fspath(path), input_file.source_path, config, cache)


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


def write_outputs(
    results: Sequence[DocumentResult],
    out_dir: Path,
    formats: Sequence[str],
    *,
    mentions: bool = True,
    neutralize_formulas: bool = True,
) -> list[Path]:
    """Write every table; the files are replaced all together, each atomically."""
    return write_tables(results, out_dir, formats, mentions=mentions, neutralize_formulas=neutralize_formulas)
