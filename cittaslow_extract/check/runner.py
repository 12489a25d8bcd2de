"""check_folder: run the pipeline on every sample of a folder and check each against its
expected file (writing the expected files with `update`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cittaslow_extract.batch.isolation import NO_LIMITS, Limits
from cittaslow_extract.check.diff import compare, mentions_compared
from cittaslow_extract.check.golden import (
    ExpectedFileError,
    document_path,
    expected_path,
    is_expected_file,
    load,
    snapshot,
    write,
)
from cittaslow_extract.check.report import CheckReport, DocumentCheck
from cittaslow_extract.errors import ConfigError

if TYPE_CHECKING:
    from cittaslow_extract.config import RunConfig
    from cittaslow_extract.models import DocumentResult


def _expected_files(folder: Path) -> list[Path]:
    if folder.is_file():
        candidate = expected_path(folder)
        return [candidate] if candidate.is_file() else []
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / name for name in files if is_expected_file(Path(name))]
    return sorted(found, key=lambda p: p.as_posix())


def check_folder(
    folder: Path,
    config: RunConfig | None = None,
    update: bool = False,
    *,
    workers: int = 1,
    limits: Limits = NO_LIMITS,
    on_result: Callable[[DocumentResult], None] | None = None,
    force: bool = False,
) -> CheckReport:
    """Run the pipeline on every sample under `folder` and compare with the expected files.

    `folder` may also be one document.  `config` is the run's RunConfig (default: the default run);
    `limits` the per-document time and memory limits (a document over them is a failed one).
    With `update`, the expected file of every document that differs is rewritten (an expected file
    whose document is gone is removed) after the differences are collected, so the report still
    shows them; but not with a document that failed with an internal error (a missing dependency, a
    bug: not what the document is), unless `force`.  Raises ConfigError when the folder does not exist or holds no documents.
    """
    from cittaslow_extract.batch.discovery import discover_inputs
    from cittaslow_extract.batch.run import process_files
    from cittaslow_extract.config import RunConfig

    config = config if config is not None else RunConfig()
    folder = Path(folder)
    if folder.is_file() and is_expected_file(folder):
        folder = document_path(folder)  # `check x.txt.expected.json` means its document
    if not folder.exists():
        raise ConfigError(f"{folder}: no such file or folder")
    expected_files = _expected_files(folder)
    # A document with an expected file is always checked, even where a folder walk would skip it
    # (a hidden name, a suffix it does not take): named explicitly, discover_inputs keeps it.
    named = [document_path(e) for e in expected_files if document_path(e).is_file()]
    files = [
        f for f in discover_inputs([*named, folder]) if not is_expected_file(f.path) and f.skip_reason is None
    ]
    if not files and not expected_files:
        raise ConfigError(f"{folder}: no sample documents found")

    results = process_files(files, config, workers=workers, on_result=on_result, limits=limits)
    checks = [
        _check_document(f.path, result, config.mentions, update, force) for f, result in zip(files, results)
    ]
    for expected in expected_files:
        document = document_path(expected)
        if not document.exists():
            if update:
                expected.unlink()
            checks.append(DocumentCheck(document, expected, "missing",
                                        reason="expected file without its document", updated=update))
    checks.sort(key=lambda c: c.document.as_posix())
    return CheckReport(folder, tuple(checks), update)


INTERNAL_ERROR_PREFIX = "internal error"  # pipeline.py's reason for an exception in the pipeline itself


def _check_document(path: Path, result: DocumentResult, mentions: bool, update: bool, force: bool = False) -> DocumentCheck:
    target = expected_path(path)
    actual = snapshot(result, mentions=mentions)
    error = result.document.error or ""
    if update and not force and result.document.status == "failed" and error.startswith(INTERNAL_ERROR_PREFIX):
        refused = f"not updated: the document failed with an {error} (fix that, or use --force)"
        check = _check_document(path, result, mentions, update=False)
        return replace(check, refused=refused)
    if not target.exists():
        if update:
            write(target, actual)
        return DocumentCheck(path, target, "new", reason="no expected file", updated=update)
    try:
        expected = load(target)
    except ExpectedFileError as exc:
        if update:
            write(target, actual)
        return DocumentCheck(path, target, "invalid", reason=exc.reason, updated=update)
    differences = tuple(compare(expected, actual))
    compared = mentions_compared(expected, actual)
    if not differences:
        return DocumentCheck(path, target, "ok", mentions_compared=compared)
    if update:
        write(target, actual)
    return DocumentCheck(path, target, "differs", differences, updated=update, mentions_compared=compared)

