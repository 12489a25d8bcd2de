"""Column names and types of every output table: the one place analysts' contracts are written.

Each table is a list of (column, kind).  Kinds:
  string   text (null allowed)
  int      nullable 64-bit integer (pandas Int64)
  bool     nullable boolean (pandas boolean)
  decimal  a Decimal inside the pipeline; float64 in Parquet (pandas Float64); exact digits in CSV
  amounts  list of {amount, currency, approximate, years, raw}: a Parquet list of
           structs, a JSON array in CSV
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["string", "int", "bool", "decimal", "amounts"]
Columns = tuple[tuple[str, Kind], ...]

PROJECT_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("document_id", "string"),
    ("source_path", "string"),
    ("source_format", "string"),
    ("language", "string"),
    ("checklist", "string"),
    ("criterion_no", "int"),
    ("criterion", "string"),
    ("subcriterion", "string"),
    ("project_no", "int"),
    ("project_id", "string"),
    ("title", "string"),
    ("objective", "string"),
    ("brief_info", "string"),
    ("budget_text", "string"),
    ("duration_text", "string"),
    ("start_text", "string"),
    ("end_text", "string"),
    ("completed", "string"),
    ("budget_amount", "decimal"),
    ("budget_currency", "string"),
    ("budget_approximate", "bool"),
    ("budget_year", "int"),
    ("budget_amounts", "amounts"),
    ("start_date", "string"),
    ("end_date", "string"),
    ("ongoing", "bool"),
    ("duration_months", "decimal"),
    ("recurrence", "string"),
    ("page_start", "int"),
    ("page_end", "int"),
    ("warnings", "string"),
    ("budget_upper_bound", "bool"),
    ("segmentation_margin", "decimal"),
    ("city", "string"),
)

CRITERIA_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("document_id", "string"),
    ("checklist", "string"),
    ("criterion_no", "int"),
    ("criterion", "string"),
    ("subcriterion", "string"),
    ("project_count", "int"),
    ("budget_total", "decimal"),
)

DOCUMENT_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("document_id", "string"),
    ("source_path", "string"),
    ("source_format", "string"),
    ("status", "string"),
    ("error", "string"),
    ("project_count", "int"),
    ("criterion_count", "int"),
    ("page_count", "int"),
    ("sha256", "string"),
    ("encoding", "string"),
    ("language", "string"),
    ("warnings", "string"),
    ("reused", "bool"),
    ("city", "string"),
    ("submission_year", "int"),
    ("duplicate_of", "string"),
    ("ocr_pages", "int"),
    ("ocr_confidence", "decimal"),
)

MENTION_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("project_id", "string"),
    ("field", "string"),
    ("label", "string"),
    ("text", "string"),
    ("value", "string"),
    ("unit", "string"),
    ("start_char", "int"),
    ("end_char", "int"),
    ("planned", "bool"),
)

# ISO partial-date columns (kind string): a full date (YYYY-MM-DD) is a date cell in the workbook.
FULL_DATE_COLUMNS = frozenset({"start_date", "end_date"})

TABLES: dict[str, tuple[tuple[str, Kind], ...]] = {
    "projects": PROJECT_COLUMNS,
    "criteria": CRITERIA_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "mentions": MENTION_COLUMNS,
}

def table_columns(table: str, extra: tuple[str, ...] = ()) -> tuple[tuple[str, Kind], ...]:
    """A table's columns, with `extra` text columns after them (documents: a --manifest's columns).

    >>> table_columns("documents", ("region",))[-2:]
    (('ocr_confidence', 'decimal'), ('region', 'string'))
    """
    return TABLES[table] + tuple((name, "string") for name in extra)


_PANDAS_DTYPES: dict[Kind, str] = {
    "string": "string",
    "int": "Int64",
    "bool": "boolean",
    "decimal": "Float64",
    "amounts": "object",
}


def pandas_dtypes(table: str) -> dict[str, str]:
    """dtype per column, for `pandas.read_csv(path, dtype=pandas_dtypes("projects"))`.

    >>> pandas_dtypes("criteria")["project_count"]
    'Int64'
    """
    return {name: _PANDAS_DTYPES[kind] for name, kind in TABLES[table] if kind != "amounts"}


def arrow_schema(table: str, columns: Columns | None = None) -> Any:
    """The pyarrow schema of a table (pyarrow imported only when Parquet is written)."""
    import pyarrow as pa

    amount_struct = pa.struct(
        [
            ("amount", pa.float64()),
            ("currency", pa.string()),
            ("approximate", pa.bool_()),
            ("years", pa.list_(pa.int64())),
            ("raw", pa.string()),
        ]
    )
    types: dict[Kind, Any] = {
        "string": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "decimal": pa.float64(),
        "amounts": pa.list_(amount_struct),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns or TABLES[table]])
