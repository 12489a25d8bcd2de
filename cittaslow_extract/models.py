"""Dataclasses that cross stage boundaries: reader → segmenter → normaliser → exporter.

Every stage takes and returns these types only (no untyped dicts between stages), so a
reader for a new format, or a new exporter, plugs in by producing or consuming them.

The records of the output tables (ProjectRecord, CriterionRecord, DocumentRecord, Mention) are the
tables' contract: each field's metadata says its column kind (`column(...)`), and export/schema.py
builds the tables' columns, in field order, from them.  Column meanings are in data/columns.toml.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # transport bytes belong to export/; the core models only name the type
    from cittaslow_extract.export.rendered import RenderedRows

SourceFormat = Literal["pdf", "docx", "txt", "png", "jpeg", "tiff", "html", "odt", "rtf", "doc", "xlsx", "ods"]
Language = Literal["en", "tr"]

# Kinds of column (export/schema.py says what each is in CSV, Parquet and pandas).
Kind = Literal["string", "int", "bool", "decimal", "amounts"]
COLUMN = "column"  # the field-metadata key of a ColumnSpec


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """What a record field is in its table: a column of `kind`, or (kind None) not a column."""

    kind: Kind | None
    date: bool = False  # an ISO partial date: a full one (YYYY-MM-DD) is a date cell in the workbook


def column(kind: Kind, *, date: bool = False) -> dict[str, ColumnSpec]:
    """Field metadata: the field is a column of its table, of `kind`, in field order.

    >>> column("decimal")
    {'column': ColumnSpec(kind='decimal', date=False)}
    """
    return {COLUMN: ColumnSpec(kind, date)}


# Field metadata of a record field that travels with the record but is no column of its table
# (read-only: dataclasses keeps the mapping it is given, and every such field shares this one).
NOT_A_COLUMN: Mapping[str, ColumnSpec] = MappingProxyType({COLUMN: ColumnSpec(None)})


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of a paragraph in one formatting, as the reader saw it (DOCX runs, PDF words)."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points
    font: str | None = None  # font family, subset prefix and style suffix removed


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of a document in reading order, with the layout evidence the reader saw.

    Readers report evidence only: they know nothing of the checklist form or its labels.  What a
    paragraph is (title, label, value …) is decided by the segmenter, which weighs each kind of
    evidence by how informative it is in the document at hand (structure/profile.py).

    `text` holds the paragraph with inner whitespace folded; a reader never puts a newline in it
    (paragraphs are separate blocks).  Layout fields are None when the format cannot tell.
    """

    text: str
    page: int | None = None  # 1-based page where the block starts (PDF only)
    page_end: int | None = None  # page where it ends, when it crosses a page break
    gap_before: bool = False  # visible vertical space before it (blank line, empty paragraph, wide gap)
    bold: bool | None = None  # every visible character bold
    font_size: float | None = None  # dominant size in points
    style: str | None = None  # DOCX paragraph style name ("Heading 2", "Title", "Normal" …)
    heading_level: int | None = None  # 0 for Title, 1-9 for Heading N, from the style or outline
    in_table: bool = False  # came from a table cell
    table_row: int | None = None  # index of the table row, for label|value tables
    table_col: int | None = None  # index of the cell within its row
    table_index: int | None = None  # which table of the document (0-based), for cells
    italic: bool | None = None  # every visible character italic
    font: str | None = None  # dominant font family
    space_before: float | None = None  # points of space above (paragraph spacing, measured gap)
    space_after: float | None = None  # points of space below (DOCX paragraph spacing)
    gap_lines: float | None = None  # PDF: the vertical gap before the block, in line heights
    indent: float | None = None  # points of left indentation (DOCX) or left edge offset (PDF)
    align: str | None = None  # left | center | right | both, when the format says
    list_label: str | None = None  # the number Word's automatic numbering shows before the text ("01", "1.1")
    list_level: int | None = None  # 0-based level of that numbering
    lines: tuple[str, ...] = ()  # PDF: the paragraph's visual lines, when it has several
    runs: tuple[Run, ...] = ()  # formatting runs, when the reader saw more than one


@dataclass(slots=True)
class RawDocument:
    """What a reader returns: the blocks of one file and facts about the file itself."""

    path: Path
    source_format: SourceFormat
    blocks: list[Block]
    page_count: int | None = None
    encoding: str | None = None  # detected text encoding (text files only)
    warnings: list[str] = field(default_factory=list)
    # text the reader saw but that is not content: running headers and footers (PDF lines the
    # layout stage drops, DOCX header and footer parts); identity.py reads the city and year from it
    running_text: list[str] = field(default_factory=list)
    ocr_pages: int | None = None  # pages read by OCR (PDFs and images; None: not a paged format)
    ocr_confidence: float | None = None  # mean OCR word confidence, 0-100


# --------------------------------------------------------------------------- segmenting
@dataclass(slots=True)
class RawFields:
    """Field texts of one project as written: paragraphs joined by a newline.

    None: the label is absent.  "": the label is present with no value.
    """

    objective: str | None = None
    brief_info: str | None = None
    budget: str | None = None
    duration: str | None = None
    start: str | None = None
    end: str | None = None
    completed: str | None = None

    def present(self) -> set[str]:
        return {name for name in FIELD_NAMES if getattr(self, name) is not None}


# Canonical field names, in the order the checklist form lists them: RawFields' fields.  The label
# vocabulary (data/labels.toml) maps every spelling of a label onto one of these.
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RawFields))


@dataclass(slots=True)
class RawProject:
    title: str | None
    criterion_no: int | None
    criterion: str | None
    subcriterion: str | None
    fields: RawFields
    page_start: int | None = None
    page_end: int | None = None
    budget_label_currency: str | None = None  # currency named in the budget label, "(TL)" → "TRY"
    warnings: list[str] = field(default_factory=list)
    margin: float | None = None  # the decoder's margin for this project's reading (structure/decoder.py)


@dataclass(slots=True)
class CriterionEntry:
    number: int | None
    title: str
    subcriteria: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SegmentedDocument:
    checklist: str | None
    language: Language
    criteria: list[CriterionEntry]
    projects: list[RawProject]
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- normalised values
@dataclass(frozen=True, slots=True)
class MoneyAmount:
    """One amount of money found in a text, with the raw text it came from."""

    amount: Decimal
    currency: str | None  # ISO 4217: TRY, EUR, USD; None when the text does not say
    approximate: bool
    years: tuple[int, ...] = ()  # the years the amount refers to, if the text says
    raw: str = ""
    upper_bound: bool = False  # a ceiling: "up to 300.000 TL", "500.000 TL'ye kadar", "azami …"


@dataclass(frozen=True, slots=True)
class BudgetValue:
    """A budget field read as money.  `primary` is the amount for the latest year, or the only one."""

    amounts: tuple[MoneyAmount, ...]
    primary: MoneyAmount | None
    warnings: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return max(self.primary.years) if self.primary and self.primary.years else None


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date field as an ISO 8601 partial date (YYYY, YYYY-MM or YYYY-MM-DD)."""

    iso: str | None
    ongoing: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DurationValue:
    months: Decimal | None
    recurrence: str | None = None  # annual | year-round | continuous | open-ended | seasonal | …
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class Mention:
    """An indicator found in the narrative of a project (see the mentions stage): a mentions row."""

    # dataclasses.field: the column named `field` hides the function in the rest of the class body
    project_id: str = dataclasses.field(metadata=column("string"))
    field: str = dataclasses.field(metadata=column("string"))
    label: str = dataclasses.field(metadata=column("string"))  # QUANTITY | MONEY | DATE | PLACE | ORG
    text: str = dataclasses.field(metadata=column("string"))
    # QUANTITY/MONEY: plain decimal; DATE: ISO partial date; PLACE: gazetteer spelling
    value: str | None = dataclasses.field(metadata=column("string"))
    # QUANTITY: lemma of the counted noun; MONEY: ISO currency; PLACE: kind of place
    unit: str | None = dataclasses.field(metadata=column("string"))
    start_char: int = dataclasses.field(metadata=column("int"))
    end_char: int = dataclasses.field(metadata=column("int"))
    planned: bool = dataclasses.field(metadata=column("bool"))


# --------------------------------------------------------------------------- results
# New columns go at the end of their record (fields with a default follow those without), so that
# scripts reading the tables by position keep working.
@dataclass(slots=True)
class ProjectRecord:
    """One row of the projects table."""

    document_id: str = field(metadata=column("string"))
    source_path: str = field(metadata=column("string"))
    source_format: str = field(metadata=column("string"))
    language: str = field(metadata=column("string"))
    checklist: str | None = field(metadata=column("string"))
    criterion_no: int | None = field(metadata=column("int"))
    criterion: str | None = field(metadata=column("string"))
    subcriterion: str | None = field(metadata=column("string"))
    project_no: int = field(metadata=column("int"))
    project_id: str = field(metadata=column("string"))
    title: str | None = field(metadata=column("string"))
    objective: str | None = field(metadata=column("string"))
    brief_info: str | None = field(metadata=column("string"))
    budget_text: str | None = field(metadata=column("string"))
    duration_text: str | None = field(metadata=column("string"))
    start_text: str | None = field(metadata=column("string"))
    end_text: str | None = field(metadata=column("string"))
    completed: str | None = field(metadata=column("string"))
    budget_amount: Decimal | None = field(metadata=column("decimal"))
    budget_currency: str | None = field(metadata=column("string"))
    budget_approximate: bool | None = field(metadata=column("bool"))
    budget_year: int | None = field(metadata=column("int"))
    budget_amounts: list[MoneyAmount] = field(metadata=column("amounts"))
    start_date: str | None = field(metadata=column("string", date=True))
    end_date: str | None = field(metadata=column("string", date=True))
    ongoing: bool | None = field(metadata=column("bool"))
    duration_months: Decimal | None = field(metadata=column("decimal"))
    recurrence: str | None = field(metadata=column("string"))
    page_start: int | None = field(metadata=column("int"))
    page_end: int | None = field(metadata=column("int"))
    warnings: str = field(metadata=column("string"))
    budget_upper_bound: bool | None = field(default=None, metadata=column("bool"))
    segmentation_margin: Decimal | None = field(default=None, metadata=column("decimal"))
    city: str | None = field(default=None, metadata=column("string"))  # so one table of all cities needs no join


@dataclass(slots=True)
class CriterionRecord:
    """One row of the criteria table: a criterion, or one of its sub-criteria."""

    document_id: str = field(metadata=column("string"))
    checklist: str | None = field(metadata=column("string"))
    criterion_no: int | None = field(metadata=column("int"))
    criterion: str | None = field(metadata=column("string"))
    subcriterion: str | None = field(metadata=column("string"))
    project_count: int = field(metadata=column("int"))
    budget_total: Decimal | None = field(metadata=column("decimal"))


@dataclass(slots=True)
class DocumentRecord:
    """One row of the documents table: one input file."""

    document_id: str = field(metadata=column("string"))
    source_path: str = field(metadata=column("string"))
    source_format: str | None = field(metadata=column("string"))
    status: str = field(metadata=column("string"))  # ok | failed | skipped
    error: str | None = field(metadata=column("string"))
    project_count: int = field(metadata=column("int"))
    criterion_count: int = field(metadata=column("int"))
    page_count: int | None = field(metadata=column("int"))
    sha256: str = field(metadata=column("string"))
    encoding: str | None = field(default=None, metadata=column("string"))
    language: str | None = field(default=None, metadata=column("string"))
    warnings: str = field(default="", metadata=column("string"))
    reused: bool = field(default=False, metadata=column("bool"))  # --incremental: rows from the previous run
    city: str | None = field(default=None, metadata=column("string"))  # --manifest, else identity.py
    submission_year: int | None = field(default=None, metadata=column("int"))
    duplicate_of: str | None = field(default=None, metadata=column("string"))  # an earlier identical file
    # --manifest's other columns for this file, (column, value): the writers add them after the others
    manifest_columns: tuple[tuple[str, str | None], ...] = field(default=(), metadata=NOT_A_COLUMN)
    ocr_pages: int | None = field(default=None, metadata=column("int"))
    ocr_confidence: Decimal | None = field(default=None, metadata=column("decimal"))


@dataclass(slots=True)
class DocumentResult:
    """Everything one input file produces; what a worker sends back to the orchestrator.

    With `rendered`, the rows travel serialised instead: projects, criteria and mentions are then
    empty, and the documents row is the only record."""

    document: DocumentRecord
    projects: list[ProjectRecord] = field(default_factory=list)
    criteria: list[CriterionRecord] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    rendered: RenderedRows | None = None
