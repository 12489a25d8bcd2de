"""--manifest FILE.csv: what the office knows about each submission file, winning over what the
document says.

A CSV (UTF-8, a BOM allowed; comma, semicolon or tab separated) with a header row.  One column names
the file: `path` (or `file`, `source_path`), written as on the command line, relative to the
manifest's folder, or absolute.  `city` and `year` (or `submission_year`) fill documents.city and
documents.submission_year (and projects.city); every other column is copied, as text, into extra
documents columns after the fixed ones.  An empty cell leaves the document's own value.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from cittaslow_extract.errors import ConfigError
from cittaslow_extract.export.schema import TABLES

PATH_COLUMNS = ("path", "file", "source_path")
CITY_COLUMNS = ("city",)
YEAR_COLUMNS = ("year", "submission_year")


@dataclass(frozen=True, slots=True)
class ManifestRow:
    city: str | None
    year: int | None
    extra: tuple[tuple[str, str | None], ...]  # (column, value) in the manifest's column order


@dataclass(frozen=True, slots=True)
class Manifest:
    path: Path
    extra_columns: tuple[str, ...]  # the documents columns it adds
    rows: dict[str, ManifestRow]  # key: the file's resolved path

    def lookup(self, path: Path, source_path: str) -> ManifestRow | None:
        return self.rows.get(_key(path))

    def unmatched(self, paths: list[Path]) -> int:
        """How many of its rows name none of these files (a typo, a file moved or left out)."""
        return len(set(self.rows) - {_key(path) for path in paths})


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def load_manifest(path: Path) -> Manifest:
    """Read and check the manifest; a ConfigError names the file, the row and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"--manifest {path}: cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"--manifest {path}: not UTF-8 text (save it as CSV UTF-8)") from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    header = [cell.strip() for cell in next(reader, [])]
    lowered = [name.lower() for name in header]
    path_column = next((lowered.index(c) for c in PATH_COLUMNS if c in lowered), None)
    if path_column is None:
        raise ConfigError(f"--manifest {path}: no path column (one of: {', '.join(PATH_COLUMNS)})")
    city_column = next((lowered.index(c) for c in CITY_COLUMNS if c in lowered), None)
    year_column = next((lowered.index(c) for c in YEAR_COLUMNS if c in lowered), None)
    taken = {path_column, city_column, year_column}
    fixed = {name for name, _ in TABLES["documents"]}
    extra = [(i, name) for i, name in enumerate(header) if i not in taken and name]
    for _, name in extra:
        if name in fixed:
            raise ConfigError(f"--manifest {path}: column {name!r} is already a documents column; rename it")
    rows: dict[str, ManifestRow] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        name = cells[path_column]
        if not name:
            raise ConfigError(f"--manifest {path}: line {line_no} has no path")
        target = Path(name) if Path(name).is_absolute() or Path(name).exists() else path.parent / name
        key = _key(target)
        if key in rows:
            raise ConfigError(f"--manifest {path}: line {line_no} names {name} again")
        year = None
        if year_column is not None and cells[year_column]:
            try:
                year = int(cells[year_column])
            except ValueError:
                raise ConfigError(f"--manifest {path}: line {line_no}: year {cells[year_column]!r} is not a year") from None
        city = cells[city_column] or None if city_column is not None else None
        rows[key] = ManifestRow(city, year, tuple((column, cells[i] or None) for i, column in extra))
    return Manifest(path, tuple(column for _, column in extra), rows)
