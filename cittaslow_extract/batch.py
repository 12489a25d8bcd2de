"""Many files → tables: input discovery, parallel processing in a stable order, writing outputs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .export.writers import write_table
from .models import DocumentResult
from .process import RunConfig, processor_for

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
            found.append(InputFile(path, path.as_posix()))
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            suffix = Path(name).suffix.lower()
            if name.startswith(".") or suffix not in READABLE_SUFFIXES | RECOGNISED_UNREADABLE_SUFFIXES:
                continue
            yield Path(root) / name


def _work(item: tuple[InputFile, RunConfig]) -> DocumentResult:
    input_file, config = item
    return processor_for(config).process(input_file.path, input_file.source_path)


def process_files(
    files: Sequence[InputFile],
    config: RunConfig,
    workers: int = 1,
    on_result: Callable[[DocumentResult], None] | None = None,
) -> list[DocumentResult]:
    """Process files, in parallel when workers > 1; results always in input order."""
    results: list[DocumentResult] = []
    items = [(f, config) for f in files]
    iterator: Iterable[DocumentResult]
    if workers <= 1 or len(files) <= 1:
        iterator = map(_work, items)
        for result in iterator:
            results.append(result)
            if on_result:
                on_result(result)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_work, items, chunksize=1):
            results.append(result)
            if on_result:
                on_result(result)
    return results


def write_outputs(
    results: Sequence[DocumentResult],
    out_dir: Path,
    formats: Sequence[str],
    *,
    mentions: bool = True,
    neutralize_formulas: bool = True,
) -> list[Path]:
    """Write every table; each file is replaced atomically."""
    tables = {
        "projects": [p for r in results for p in r.projects],
        "criteria": [c for r in results for c in r.criteria],
        "documents": [r.document for r in results],
    }
    if mentions:
        tables["mentions"] = [m for r in results for m in r.mentions]
    written: list[Path] = []
    for name, records in tables.items():
        written += write_table(out_dir, name, records, formats, neutralize_formulas=neutralize_formulas)
    return written
