"""The Python API: `extract_folder` and `extract_document`, the same run as the command line.

>>> import cittaslow_extract
>>> tables = cittaslow_extract.extract_document("samples/community-en.txt", mentions=False)
>>> tables.documents[["status", "project_count", "language"]].values.tolist()
[['ok', 9, 'en']]
>>> row = tables.projects.loc[0]
>>> row["project_id"], row["title"], float(row["budget_amount"]), row["budget_currency"]
('1644b65adf3548fe-001', 'Neighbourhood Volunteers Network', 1250000.0, 'TRY')
>>> str(tables.projects["budget_amount"].dtype), str(tables.projects["criterion_no"].dtype)
('Float64', 'Int64')
>>> tables = cittaslow_extract.extract_folder(["samples"], include=["*-en.txt", "*-tr.txt"], mentions=False)
>>> len(tables.documents), tables.projects["project_id"].is_unique
(3, True)
>>> sorted(tables)
['criteria', 'documents', 'mentions', 'projects']

Nothing is written unless `out` is given; with `out` the tables are written there exactly as the
command writes them (the same formats, atomic replacement, run record), and returned as well.
Only the standard library is imported here: pandas and the readers load on the first call.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import ConfigError

TABLE_NAMES = ("projects", "criteria", "documents", "mentions")


@dataclass(slots=True)
class Tables:
    """The four tables as pandas DataFrames, with the data dictionary's types (nullable Int64,
    boolean, Float64, string); `summary` is the run's BatchSummary (counts, files written)."""

    projects: Any
    criteria: Any
    documents: Any
    mentions: Any
    summary: Any = field(default=None, repr=False)

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_NAMES)

    def __getitem__(self, name: str) -> Any:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        return getattr(self, name)


def extract_document(path: str | PathLike[str], **options: Any) -> Tables:
    """One file's tables (a file is always read, whatever its name); options as extract_folder."""
    return extract_folder([path], **options)


def extract_folder(
    paths: Sequence[str | PathLike[str]],
    *,
    out: str | PathLike[str] | None = None,
    formats: Sequence[str] = ("csv", "parquet"),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    manifest: str | PathLike[str] | None = None,
    workers: int = 1,
    timeout: float = 300.0,
    max_memory: int = 2048,
    incremental: bool = False,
    mentions: bool = True,
    labels: Sequence[str | PathLike[str]] = (),
    gazetteer: Sequence[str | PathLike[str]] = (),
    pdf_engine: str = "auto",
    password: str | None = None,
    ocr: str = "auto",
    ocr_lang: str = "tur+eng",
    spacy_model: str | None = None,
    csv_bom: bool = False,
    formula_escape: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
    partitioned: bool = False,
    debug: bool = False,
    on_files: Callable[[Sequence[Any]], None] | None = None,
    on_result: Callable[[Any], None] | None = None,
    tables: bool = True,
) -> Tables:
    """Read every submission in `paths` (files and folders, as the command line takes them).

    Options are the command's (`--include` → include, `--no-mentions` → mentions=False, …);
    `timeout`/`max_memory` 0 mean no limit.  `on_files` is called with the files found (InputFile)
    before any is read, `on_result` with each document's result as it is done.  With `tables=False` no DataFrame is built and the rows
    are not kept in memory (what the command does): only `summary` is set.  Raises ConfigError for
    bad options (a missing --labels file, no files found, an unreadable manifest).
    """
    from cittaslow_extract.batch.discovery import discover_inputs
    from cittaslow_extract.batch.isolation import Limits
    from cittaslow_extract.batch.run import BatchOptions, run_batch, start_workers
    from cittaslow_extract.config import build_run_config, check_run_config

    try:
        limits = Limits.from_settings(timeout, max_memory)
    except ConfigError as exc:
        raise ConfigError(f"cittaslow-extract: {exc}") from None
    config = build_run_config(
        labels=[Path(p) for p in labels], gazetteer=[Path(p) for p in gazetteer], mentions=mentions,
        spacy_model=spacy_model, pdf_engine=pdf_engine, password=password, ocr=ocr, ocr_lang=ocr_lang,
        debug=debug, check=False,
    )
    files = discover_inputs([Path(p) for p in paths], include, exclude, ocr=ocr != "never")
    incremental = incremental and out is not None
    # the workers' server starts importing (spaCy: most of a short run) while the rest is set up
    start_workers(files, config, engine=engine, incremental=incremental, workers=workers, limits=limits)
    check_run_config(config)
    loaded_manifest = None
    if manifest is not None:
        from cittaslow_extract.batch.manifest import load_manifest

        loaded_manifest = load_manifest(Path(manifest))
    if not files:
        raise ConfigError("no submission files found in the given inputs")
    if tables and partitioned:
        raise ConfigError("partitioned Dask output is written by the workers: use tables=False")
    if on_files is not None:
        on_files(files)
    with tempfile.TemporaryDirectory(prefix="cittaslow-") as scratch:
        options = BatchOptions(
            out_dir=Path(out) if out is not None else Path(scratch),
            formats=tuple(formats) if out is not None else (),
            workers=workers,
            limits=limits,
            engine=engine,
            scheduler=scheduler,
            partitioned=partitioned,
            incremental=incremental,
            neutralize_formulas=formula_escape,
            csv_bom=csv_bom,
            manifest=loaded_manifest,
            keep_records=tables,
        )
        summary = run_batch(files, config, options, on_result=on_result)
    if not tables:
        return Tables(None, None, None, None, summary)
    extra = loaded_manifest.extra_columns if loaded_manifest else ()
    frames = _frames(summary.records or [], extra)
    return Tables(**frames, summary=summary)


def _frames(results: Sequence[Any], extra_document_columns: tuple[str, ...]) -> dict[str, Any]:
    from cittaslow_extract.export.outputs import table_records
    from cittaslow_extract.export.schema import table_columns
    from cittaslow_extract.export.writers import arrow_from_json, json_rows

    records = table_records(results, mentions=True)
    frames = {}
    for name in TABLE_NAMES:
        columns = table_columns(name, extra_document_columns if name == "documents" else ())
        arrow = arrow_from_json(name, json_rows(name, records[name], columns), columns)
        frames[name] = arrow.to_pandas()
    return frames
