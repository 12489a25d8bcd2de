"""Spreadsheet forms (XLSX, ODS): one row per project under a header row of labels.

Read with python-calamine (calamine's Rust readers for Excel and OpenDocument sheets: cell values
only, no formulas run, no macros).  Like every reader it knows no field label: in each sheet the
header row is the first row holding a criterion, sub-criterion or project-title heading of
data/sheet_columns.toml and at least one other heading (a short, one-line text cell).  The rows
below it are projects; rows above it on the first such sheet (a title such as "Cittaslow
Metropolis Checklist: Community") come first.  Sheets without a header row (instructions, lists)
are skipped.  Which other headings are field labels is the segmenter's to say, as for a text.

The rows are then written out in the checklist's own reading order, the text a submission would
hold, and read by the text reader: criterion title and number when the criterion changes (its
number from a criterion-number column, else counted in order of appearance), sub-criterion when it
changes, project title, then each filled field's label (the header as written) and the cell's value
(lines of a cell are paragraphs; an empty cell is left out, as the field is null either way,
unless every field of the row is empty).  So a sheet goes through the same segmenter as a text file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.errors import CorruptFile, NotASubmission, ResourceLimitExceeded
from cittaslow_extract.models import RawDocument
from cittaslow_extract.normalize.turkish import match_key
from cittaslow_extract.read.text_reader import blocks_from_text

MAX_CELLS = 2_000_000  # cells read from one workbook, all sheets
_MIN_HEADER_COLUMNS = 2
_EDGE_PUNCTUATION = " \t:：.-–—*()[]"
_NUMBER = re.compile(r"^\s*(\d{1,2})(?:\.0)?\s*$")


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    role: str  # criterion_no | criterion | subcriterion | title | field
    heading: str  # as written


@lru_cache(maxsize=1)
def _column_names() -> dict[str, str]:
    """match key of a heading → its role."""
    names: dict[str, str] = {}
    for role, spellings in load_data("sheet_columns.toml")["columns"].items():
        for spelling in spellings:
            names[match_key(spelling)] = role
    return names


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


_HEADING_CHARS = 60  # a heading cell is short text on one line


def _role(heading: str) -> str | None:
    """The column's role: a structural heading (data/sheet_columns.toml), a field (any other short
    heading: the segmenter matches it against the labels), or None (empty, long or a number)."""
    if not heading or "\n" in heading or len(heading) > _HEADING_CHARS or _NUMBER.match(heading):
        return None
    return _column_names().get(match_key(heading.strip(_EDGE_PUNCTUATION)), "field")


def _header(rows: list[list[str]]) -> tuple[int, list[_Column]] | None:
    for number, row in enumerate(rows):
        columns = [_Column(i, role, cell) for i, cell in enumerate(row) if (role := _role(cell))]
        structural = [c for c in columns if c.role != "field"]
        if len(columns) >= _MIN_HEADER_COLUMNS and structural and len(structural) < len(columns):
            return number, columns
    return None


class _Writer:
    """The checklist text of the sheets' rows."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.criterion: tuple[str, str] | None = None
        self.subcriterion: str | None = None
        self.counted = 0

    def paragraph(self, *lines: str) -> None:
        self.lines.extend(lines)
        self.lines.append("")

    def row(self, cells: list[str], columns: list[_Column]) -> None:
        def value(role: str) -> str:
            found = [cells[c.index] for c in columns if c.role == role and c.index < len(cells)]
            return " ".join(v for v in found if v)

        # every field column is the form's label, on every row: an empty cell is a label left
        # empty (as in a text form), not a missing one
        fields = [(c.heading, cells[c.index] if c.index < len(cells) else "") for c in columns if c.role == "field"]
        title = value("title")
        if not title and not any(text for _, text in fields):
            return  # an empty or note row
        criterion, number = value("criterion"), value("criterion_no")
        if (criterion or number) and (criterion, number) != self.criterion:
            self.criterion = (criterion, number)
            self.subcriterion = None
            self.counted += 1
            match = _NUMBER.match(number)
            shown = f"{int(match.group(1)):02d}" if match else f"{self.counted:02d}"
            if criterion:
                self.paragraph(criterion)
            self.paragraph(shown)
        subcriterion = value("subcriterion")
        if subcriterion and subcriterion != self.subcriterion:
            self.subcriterion = subcriterion
            self.paragraph(subcriterion)
        if title:
            self.paragraph(title)
        blank_form = not any(text for _, text in fields)  # a project whose every field is empty
        for heading, text in fields:
            # an empty cell is a field left empty: null in the table either way, and an empty
            # label before the next row's heading would only blur the reading; a row with every
            # field empty keeps its labels, which are all that make it a project
            if text or blank_form:
                self.paragraph(heading, *[line.strip() for line in text.split("\n") if line.strip()])


def read(path: Path, options: Any = None, source_format: str | None = None) -> RawDocument:
    """Reader contract (see read/reader.py) for xlsx and ods."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise CorruptFile(path, f"corrupt or unreadable spreadsheet ({type(exc).__name__}: {exc})") from exc
    writer = _Writer()
    cells = 0
    found = False
    for name in names:
        try:
            data = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise CorruptFile(path, f"corrupt spreadsheet: sheet {name!r} cannot be read ({type(exc).__name__})") from exc
        cells += sum(len(row) for row in data)
        if cells > MAX_CELLS:
            raise ResourceLimitExceeded(path, f"the workbook has more than {MAX_CELLS} cells")
        rows = [[_cell_text(value) for value in row] for row in data]
        header = _header(rows)
        if header is None:
            continue
        start, columns = header
        if not found:
            for row in rows[:start]:
                text = " ".join(cell for cell in row if cell)
                if text:
                    writer.paragraph(text)
        found = True
        for row in rows[start + 1:]:
            writer.row(row, columns)
    if not found:
        raise NotASubmission(
            path, "a spreadsheet that is no checklist form (no sheet has a project-title or criterion column): an annex?"
        )
    blocks = blocks_from_text("\n".join(writer.lines))
    kind = source_format or ("ods" if path.suffix.lower() == ".ods" else "xlsx")
    return RawDocument(path=path, source_format=kind, blocks=blocks)  # type: ignore[arg-type]


def read_xlsx(path: Path, options: Any = None) -> RawDocument:
    return read(path, options, "xlsx")


def read_ods(path: Path, options: Any = None) -> RawDocument:
    return read(path, options, "ods")
