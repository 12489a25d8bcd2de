"""Where documents are processed: worker processes on this machine ("local") or a Dask cluster.

Both engines run the same per-document function, run_document, on DocumentTasks and hand back one
DocumentResult per task in input order, so the tables do not depend on the engine or the number
of workers.  Per-document limits (isolation.Limits: time and memory) apply in both: each document
runs in an isolated worker process that is killed and replaced when it overruns.  On Dask that
worker process is started by the Dask worker itself, which it may only do when the Dask worker is
not daemonic (the LocalCluster made here is not; for an existing cluster start the workers with
DASK_DISTRIBUTED__WORKER__DAEMON=False, or documents there run without the limits).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cittaslow_extract.batch.cache import DocumentCache
from cittaslow_extract.batch.isolation import (
    CallFailure,
    Limits,
    call_isolated,
    can_start_workers,
    map_ordered,
    preload,
    start_server,
)
from cittaslow_extract.config import RunConfig, file_sha256
from cittaslow_extract.errors import ConfigError
from cittaslow_extract.export.outputs import RenderOptions, render_result
from cittaslow_extract.models import DocumentResult

ENGINES = ("local", "dask")


@dataclass(frozen=True, slots=True)
class DocumentTask:
    """One file to process, with all a worker needs (picklable, small)."""

    path: str  # where the worker opens the file
    source_path: str  # the file as written in the tables
    config: RunConfig
    cache: DocumentCache | None = None  # --incremental: store the result here
    render: RenderOptions | None = None  # send the rows back serialised for these tables
    identity: Any = None  # identity.Identity: the batch's ids and --manifest values


def run_document(task: DocumentTask) -> DocumentResult:
    """The per-document function every engine runs: one file in, its rows out (and cached)."""
    from cittaslow_extract.pipeline import (
        processor_for,  # here, not at the top: a run that reuses everything never reads
    )

    result = processor_for(task.config).process(Path(task.path), task.source_path)
    if task.cache is not None:
        task.cache.store(result)  # content only: the identity belongs to this batch
    if task.identity is not None:
        from cittaslow_extract.structure.identity import apply_identity

        apply_identity(result, task.identity)
    if task.render is not None:
        # serialised here, in parallel, rather than by the one process that writes the tables
        result = render_result(result, task.render)
    return result


def warm_up(task: DocumentTask) -> None:
    """Build the worker's costly objects (vocabulary, spaCy pipelines) before any document."""
    from cittaslow_extract.pipeline import processor_for

    processor = processor_for(task.config)
    if task.config.mentions:
        extractor = processor.mention_extractor
        for language in ("en", "tr"):
            extractor.pipeline(language)


def preload_modules(config: RunConfig, suffixes: set[str]) -> list[str]:
    """The modules a batch's workers will import: imported once in the fork server instead.

    >>> preload_modules(RunConfig(mentions=False), {".txt"})
    ['cittaslow_extract.pipeline', 'cittaslow_extract.read.text_reader']
    """
    from cittaslow_extract.read.registry import DEFAULT_PDF_ENGINE, READERS

    modules = ["cittaslow_extract.pipeline", READERS["txt"].module]
    if ".pdf" in suffixes:
        engine = config.read_options.pdf_engine
        modules.append(READERS[f"pdf:{DEFAULT_PDF_ENGINE if engine == 'auto' else engine}"].module)
    if ".docx" in suffixes:
        modules.append(READERS["docx"].module)
    if config.mentions:
        modules += ["cittaslow_extract.mentions", "spacy", "spacy.lang.en", "spacy.lang.tr"]
    return modules


def prepare_local(config: RunConfig, paths: Sequence[str], *, workers: int, limits: Limits) -> None:
    """Get the worker processes for these files going (see isolation.start_server) when the local
    engine will start any: the fork server's imports then overlap the rest of the set-up."""
    if not paths or (workers <= 1 and not limits.isolated):
        return  # run_local processes them in this process
    preload(preload_modules(config, {Path(path).suffix.lower() for path in paths}))
    start_server()


def failure_row(task: DocumentTask, failure: CallFailure, limits: Limits) -> DocumentResult:
    """The documents row for a file whose worker timed out, ran out of memory or died."""
    from cittaslow_extract.pipeline import failed_result

    if failure.kind == "timeout":
        reason = f"took longer than {limits.timeout:g} s to read (--timeout); the reader was stopped"
    elif failure.kind == "memory":
        reason = f"{failure.message} while reading the file (--max-memory); the reader was stopped"
    elif failure.kind == "crashed":
        reason = f"{failure.message}; the file may be corrupt or hostile"
    else:
        reason = f"internal error: {failure.message}"
    try:
        sha256 = file_sha256(Path(task.path))
    except OSError:
        sha256 = ""
    return failed_result(task.source_path, reason, sha256)


def run_limited(task: DocumentTask, limits: Limits) -> DocumentResult:
    """run_document in this thread's isolated worker when limits apply, else right here."""
    if not limits.isolated or not can_start_workers():
        return run_document(task)
    value = call_isolated(run_document, task, limits, warm_up)
    result: DocumentResult = failure_row(task, value, limits) if isinstance(value, CallFailure) else value
    return result


def run_local(
    tasks: Sequence[DocumentTask],
    *,
    workers: int,
    limits: Limits,
    on_done: Callable[[DocumentResult], None] | None = None,
) -> list[DocumentResult]:
    """Process tasks on this machine with `workers` worker processes; results in input order."""

    results: list[DocumentResult | None] = [None] * len(tasks)

    def done(index: int, value: Any) -> None:
        result = results[index] = _as_result(tasks[index], value, limits)
        if on_done is not None:
            on_done(result)

    if tasks:
        prepare_local(tasks[0].config, [task.path for task in tasks], workers=workers, limits=limits)
    map_ordered(run_document, tasks, workers=workers, limits=limits, warm_up=warm_up, on_done=done)
    return [r for r in results if r is not None]


def _as_result(task: DocumentTask, value: Any, limits: Limits) -> DocumentResult:
    return failure_row(task, value, limits) if isinstance(value, CallFailure) else value


# --- Dask ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DaskOptions:
    scheduler: str | None = None  # address of a running scheduler; None: a LocalCluster here
    workers: int = 1  # LocalCluster worker processes
    partition_dir: Path | None = None  # workers write Parquet parts here instead of sending rows
    indexes: tuple[int, ...] | None = None  # each task's place in the batch (names its parts)


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def dask_document(task: DocumentTask, limits: Limits, index: int, partition_dir: str | None) -> DocumentResult:
    """What a Dask worker runs for one file: run_document under the limits, and, when the output
    is partitioned, write the rows as Parquet parts and send back only the documents row."""
    result = run_limited(task, limits)
    if task.identity is not None:  # a failure row made here (time limit, crash) gets it too
        from cittaslow_extract.structure.identity import apply_identity

        apply_identity(result, task.identity)
    if partition_dir is None:
        return result
    from cittaslow_extract.export.outputs import write_parts

    write_parts(Path(partition_dir), index, result)
    return DocumentResult(result.document)


def run_dask(
    tasks: Sequence[DocumentTask],
    *,
    options: DaskOptions,
    limits: Limits,
    on_done: Callable[[DocumentResult], None] | None = None,
) -> list[DocumentResult]:
    """Process tasks on Dask; results in input order (only documents rows when partitioned)."""
    if not dask_available():
        raise ConfigError(
            "--engine dask needs Dask: pip install 'cittaslow-extract[dask]' (dask[distributed])"
        )
    import dask
    from distributed import Client, LocalCluster, as_completed

    results: list[DocumentResult | None] = [None] * len(tasks)
    if not tasks:
        return []
    cluster = None
    # non-daemonic workers may start the isolated per-document worker processes (see above)
    with dask.config.set({"distributed.worker.daemon": False}):
        if options.scheduler:
            try:
                client = Client(options.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"--scheduler {options.scheduler}: cannot connect ({exc})") from exc
        else:
            import warnings

            with warnings.catch_warnings():
                # its status page moves to a free port when 8787 is taken: nothing to tell the user
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                cluster = LocalCluster(
                    n_workers=max(1, options.workers),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",  # loopback only: the cluster serves this run and nothing else
                    dashboard_address=None,
                )
            client = Client(cluster)
    token = uuid.uuid4().hex[:12]
    # absolute: the workers may run in another folder (or on another machine sharing the disk)
    partition = None if options.partition_dir is None else str(options.partition_dir.absolute())
    try:
        futures = [
            client.submit(
                dask_document,
                task,
                limits,
                options.indexes[index] if options.indexes else index,
                partition,
                key=f"cittaslow-{token}-{index}",
                pure=False,
            )
            for index, task in enumerate(tasks)
        ]
        where = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures):
            index = where[future.key]
            try:
                result = future.result()
            except Exception as exc:  # KilledWorker, a lost worker, a task that raised
                failure = CallFailure("crashed", f"the Dask task failed ({type(exc).__name__}: {exc})")
                result = failure_row(tasks[index], failure, limits)
            results[index] = result
            if on_done is not None:
                on_done(result)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [r for r in results if r is not None]
