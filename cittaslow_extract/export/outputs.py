"""The output folder: tables replaced all together, Parquet parts from Dask workers, a run lock.

Safety rules:
- a table file is never written in place: every new file is written and fsynced under a hidden
  temporary name first; only when *all* of them are on disk are they renamed over the old ones
  (atomic.Replacement: one rename each, atomic on POSIX and Windows).  A run killed at any moment
  leaves either the previous table or the new one, never a half-written file;
- partitioned Parquet (Dask workers writing `DIR/.parts/<run>/<table>/part-NNNNNN.parquet`) is
  published by atomically replacing `DIR/<table>.parquet` with a symlink to the run's folder;
  a killed run leaves the previous link in place;
- one run at a time per folder: a lock file (`DIR/.cittaslow.lock`, an OS lock through filelock).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import ConfigError
from cittaslow_extract.export import atomic
from cittaslow_extract.export.rendered import RenderedRows
from cittaslow_extract.models import DocumentResult

TABLE_NAMES = ("projects", "criteria", "documents", "mentions")
PARTS_DIR = ".parts"
LOCK_NAME = ".cittaslow.lock"
RUN_RECORD_NAME = "cittaslow-run.json"  # which run the table files in the folder belong to
RUN_RECORD_FORMAT = 1


def table_records(results: Sequence[DocumentResult], mentions: bool = True) -> dict[str, list[Any]]:
    """Rows of every table, documents in input order and rows in document order."""
    tables: dict[str, list[Any]] = {
        "projects": [p for r in results for p in r.projects],
        "criteria": [c for r in results for c in r.criteria],
        "documents": [r.document for r in results],
    }
    if mentions:
        tables["mentions"] = [m for r in results for m in r.mentions]
    return tables


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a worker serialises a document's rows for (see RenderedRows): the run's table formats."""

    formats: tuple[str, ...]
    neutralize_formulas: bool = True
    mentions: bool = True


def render_result(result: DocumentResult, options: RenderOptions) -> DocumentResult:
    """The result with its rows serialised for the table files, and dropped as records."""
    from cittaslow_extract.export.writers import row_parts

    tables = table_records([result], options.mentions)
    parts = {
        table: row_parts(table, records, options.formats, neutralize_formulas=options.neutralize_formulas)
        for table, records in tables.items()
        if table in ROW_TABLES
    }
    return DocumentResult(result.document, rendered=RenderedRows(options.neutralize_formulas, parts))


def _parts(
    results: Sequence[DocumentResult], table: str, fmt: str, neutralize_formulas: bool, columns: Any = None
) -> list[bytes]:
    """The table's rows, per document in order, serialised for `fmt` (by the worker when it did)."""
    from cittaslow_extract.export.writers import PART_KINDS, row_parts

    kind = PART_KINDS[fmt]
    parts = []
    for result in results:
        rendered = result.rendered
        if rendered is None or table not in rendered.parts:
            records = table_records([result])[table]
            parts.append(row_parts(table, records, [fmt], neutralize_formulas=neutralize_formulas, columns=columns)[kind])
            continue
        if kind not in rendered.parts[table] or (kind == "csv" and rendered.neutralize_formulas != neutralize_formulas):
            raise ValueError(f"{result.document.source_path}: rows were serialised for other options")
        parts.append(rendered.parts[table][kind])
    return parts


WORKBOOK_NAME = "tables.xlsx"  # --format xlsx: every table in one workbook (export/xlsx.py)
WORKBOOK_KEY = "tables"  # the workbook's entry in TableManifest.keys: it holds every table


def output_names(formats: Sequence[str], mentions: bool = True) -> list[str]:
    """The table files a run writes in these formats.

    >>> output_names(["csv", "xlsx"], mentions=False)
    ['projects.csv', 'criteria.csv', 'documents.csv', 'tables.xlsx']
    """
    names = [f"{t}.{fmt}" for t in table_records([], mentions) for fmt in formats if fmt != "xlsx"]
    return names + ([WORKBOOK_NAME] if "xlsx" in formats else [])


def needs_rows(file_name: str) -> bool:
    """Whether writing this file needs the rows of every document (not only the documents rows)."""
    return file_name.partition(".")[0] in (*ROW_TABLES, WORKBOOK_KEY)


def write_tables(
    results: Sequence[DocumentResult],
    out_dir: Path,
    formats: Sequence[str],
    *,
    mentions: bool = True,
    neutralize_formulas: bool = True,
    csv_bom: bool = False,
    manifest: TableManifest | None = None,
    skip: frozenset[str] = frozenset(),
    extra_document_columns: tuple[str, ...] = (),
) -> list[Path]:
    """Write every table in every format, then rename them all into place; returns the targets.

    `skip`: file names (e.g. "projects.csv") known to be up to date already (see TableManifest),
    left as they are; `results` need not hold their rows.  `extra_document_columns`: a --manifest's
    columns, written after the documents table's own.
    """
    from cittaslow_extract.export.schema import table_columns
    from cittaslow_extract.export.writers import table_from_parts

    columns = {"documents": table_columns("documents", extra_document_columns)} if extra_document_columns else {}

    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    digests: dict[str, str] = {}
    with atomic.Replacement() as replacement:
        for table in table_records([], mentions):
            for fmt in formats:
                target = out_dir / f"{table}.{fmt}"
                if fmt == "xlsx" or target.name in skip:
                    continue
                parts = _parts(results, table, fmt, neutralize_formulas, columns.get(table))
                data = table_from_parts(
                    table, fmt, parts, neutralize_formulas=neutralize_formulas, csv_bom=csv_bom, columns=columns.get(table)
                )
                digests[target.name] = hashlib.sha256(data).hexdigest()
                replacement.add(target, data)
        if "xlsx" in formats and WORKBOOK_NAME not in skip:
            from cittaslow_extract.export.xlsx import workbook_bytes

            target = out_dir / WORKBOOK_NAME
            sheets = {
                t: b"".join(_parts(results, t, "xlsx", neutralize_formulas, columns.get(t))) for t in table_records([], mentions)
            }
            data = workbook_bytes(sheets, columns)
            digests[target.name] = hashlib.sha256(data).hexdigest()
            replacement.add(target, data)
    if manifest is not None:
        manifest.save(digests, neutralize_formulas, csv_bom)
    remove_stale_parts(out_dir)
    return replacement.targets


ROW_TABLES = ("projects", "criteria", "mentions")


@dataclass(frozen=True, slots=True)
class TableManifest:
    """What the tables in a folder were written from, so an incremental run can leave alone a table
    whose content would not change (a run over an unchanged folder then rewrites nothing but the
    documents table).  `keys` holds, per table, a hash of everything its rows depend on; a file
    counts as up to date when its recorded key matches and its bytes still hash to what was
    written (an edited or replaced table is rewritten)."""

    path: Path  # DIR/.cittaslow-cache/tables.json
    keys: dict[str, str]

    def _key(self, file_name: str, neutralize_formulas: bool, csv_bom: bool = False) -> str:
        table, _, fmt = file_name.partition(".")
        flag = f"neutralize={neutralize_formulas}|bom={csv_bom}" if fmt == "csv" else ""
        return hashlib.sha256(f"{self.keys[table]}|{fmt}|{flag}".encode()).hexdigest()

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def up_to_date(
        self, out_dir: Path, file_names: Sequence[str], neutralize_formulas: bool, csv_bom: bool = False
    ) -> frozenset[str]:
        entries = self._load()
        fresh = set()
        for name in file_names:
            entry = entries.get(name)
            if not isinstance(entry, dict) or name.partition(".")[0] not in self.keys:
                continue
            if entry.get("key") != self._key(name, neutralize_formulas, csv_bom):
                continue
            try:
                digest = hashlib.sha256((out_dir / name).read_bytes()).hexdigest()
            except OSError:
                continue
            if digest == entry.get("sha256"):
                fresh.add(name)
        return frozenset(fresh)

    def save(self, written: dict[str, str], neutralize_formulas: bool, csv_bom: bool = False) -> None:
        entries = self._load()
        for name, digest in written.items():
            if name.partition(".")[0] in self.keys:
                entries[name] = {"key": self._key(name, neutralize_formulas, csv_bom), "sha256": digest}
            else:
                entries.pop(name, None)
        try:
            atomic.write_atomic(self.path, json.dumps(entries, sort_keys=True, indent=1).encode("utf-8"), fsync=False)
        except OSError:
            pass  # without a manifest the next run rewrites every table


# --- which run the tables belong to ------------------------------------------------------------


def all_table_names() -> list[str]:
    """Every table file name a run may write, in any format."""
    return output_names(["csv", "parquet", "xlsx"])


@dataclass(frozen=True, slots=True)
class RunChange:
    """The previous run into the folder, when its inputs were not this run's."""

    before: int  # input files then
    now: int
    common: int  # files (path and content) in both

    def message(self, out_dir: Path) -> str:
        return (
            f"note: the inputs differ from the previous run into {out_dir} ({self.before} files then, "
            f"{self.now} now, {self.common} the same): all of its tables are replaced"
        )


def _read_run_record(out_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((out_dir / RUN_RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def finish_run(out_dir: Path, names: Sequence[str], inputs: Sequence[tuple[str, str]]) -> RunChange | None:
    """After the tables are in place: remove every table file of another run (a format or a
    table this run did not write, e.g. Parquet after a --format csv run, mentions after
    --no-mentions), then record which files make up this run (DIR/cittaslow-run.json: the run id,
    its inputs, each table file's SHA-256).  Returns how the inputs changed, when they did.

    `names`: this run's table files (written or left up to date); `inputs`: (source_path, sha256).
    """
    previous = _read_run_record(out_dir)
    for name in set(all_table_names()) - set(names):
        target = out_dir / name
        if target.is_symlink() or target.is_file():
            target.unlink(missing_ok=True)
    remove_stale_parts(out_dir)
    tables = {}
    for name in names:
        target = out_dir / name
        try:
            tables[name] = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() and not target.is_symlink() else None
        except OSError:
            tables[name] = None
    entries = sorted(set(inputs))
    inputs_key = hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode("utf-8")).hexdigest()
    run_id = hashlib.sha256(json.dumps([inputs_key, sorted(tables.items())]).encode("utf-8")).hexdigest()[:16]
    record = {
        "format": RUN_RECORD_FORMAT,
        "run": run_id,
        "inputs_sha256": inputs_key,
        "input_count": len(inputs),
        "inputs": [{"source_path": path, "sha256": sha256} for path, sha256 in inputs],
        "tables": {name: {"run": run_id, "sha256": digest} for name, digest in sorted(tables.items())},
    }
    atomic.write_atomic(out_dir / RUN_RECORD_NAME, (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if previous is None or previous.get("inputs_sha256") == inputs_key:
        return None
    before = {(e.get("source_path"), e.get("sha256")) for e in previous.get("inputs", []) if isinstance(e, dict)}
    return RunChange(len(before), len(inputs), len(before & set(entries)))


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary table files a killed run left behind (only ever called under the folder's lock)."""
    prefixes = tuple(f".{table}." for table in TABLE_NAMES)
    for path in out_dir.glob(".*.tmp"):
        if path.name.startswith(prefixes):
            path.unlink(missing_ok=True)


# --- partitioned Parquet ------------------------------------------------------------------------


def new_parts_dir(out_dir: Path) -> Path:
    """A fresh folder for this run's Parquet parts: DIR/.parts/<run id>."""
    folder = out_dir / PARTS_DIR / uuid.uuid4().hex[:16]
    folder.mkdir(parents=True)
    return folder


def write_parts(parts_dir: Path, index: int, result: DocumentResult) -> None:
    """One document's rows as `<table>/part-<index>.parquet` files (empty tables too, for the schema);
    the documents part has the --manifest's columns the document carries."""
    from cittaslow_extract.export.schema import table_columns
    from cittaslow_extract.export.writers import parquet_bytes

    extra = tuple(name for name, _ in result.document.manifest_columns)
    for table, records in table_records([result]).items():
        columns = table_columns(table, extra) if table == "documents" and extra else None
        atomic.write_atomic(parts_dir / table / f"part-{index:06d}.parquet", parquet_bytes(table, records, columns))


def publish_parts(parts_dir: Path, out_dir: Path, tables: Sequence[str]) -> list[Path]:
    """Point DIR/<table>.parquet at this run's parts folder (atomic symlink swap), drop old runs."""
    remove_stale_temporaries(out_dir)
    published = []
    for table in tables:
        target = out_dir / f"{table}.parquet"
        atomic.replace_symlink(target, os.path.relpath(parts_dir / table, out_dir))
        published.append(target)
    atomic.sync_folder(out_dir)
    remove_stale_parts(out_dir)
    return published


def remove_stale_parts(out_dir: Path) -> None:
    """Delete parts folders that no table link points at any more."""
    root = out_dir / PARTS_DIR
    if not root.is_dir():
        return
    live = set()
    for table in TABLE_NAMES:
        link = out_dir / f"{table}.parquet"
        if link.is_symlink():
            live.add(Path(os.path.realpath(link)).parent)
    for run in root.iterdir():
        if Path(os.path.realpath(run)) not in live:
            shutil.rmtree(run, ignore_errors=True)


# --- one run per folder --------------------------------------------------------------------------


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold DIR/.cittaslow.lock for the run; ConfigError when the folder is unusable or busy."""
    import filelock

    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir}: exists and is not a folder")
    lock = filelock.FileLock(out_dir / LOCK_NAME, timeout=0)  # busy: refuse at once, never wait
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except filelock.Timeout as exc:
        raise ConfigError(f"--out {out_dir}: another run is writing to this folder") from exc
    except OSError as exc:
        raise ConfigError(f"--out {out_dir}: cannot write there ({exc.strerror or exc})") from exc
    try:
        yield
    finally:
        lock.release()
