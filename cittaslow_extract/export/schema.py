"""Column names and types of every output table, built from the record dataclasses (models.py).

A table's columns are its record's fields in order, each with the kind its metadata gives
(`column(...)` in models.py); a field marked NOT_A_COLUMN is left out.  Kinds:
  string   text (null allowed)
  int      nullable 64-bit integer (pandas Int64)
  bool     nullable boolean (pandas boolean)
  decimal  a Decimal inside the pipeline; float64 in Parquet (pandas Float64); exact digits in CSV
  amounts  list of {amount, currency, approximate, years, raw}: a Parquet list of
           structs, a JSON array in CSV

What each column means is in data/columns.toml: the workbook's data-dictionary sheet and the
README's data dictionary (scripts/update_readme.py) are written from it.

>>> [name for name, _ in TABLES["criteria"]][-2:]
['project_count', 'budget_total']
>>> dict(PROJECT_COLUMNS)["budget_amounts"]
'amounts'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache
from typing import Any

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import (
    COLUMN,
    ColumnSpec,
    CriterionRecord,
    DocumentRecord,
    Kind,
    Mention,
    ProjectRecord,
)

__all__ = [
    "CRITERIA_COLUMNS", "DOCUMENT_COLUMNS", "FULL_DATE_COLUMNS", "MENTION_COLUMNS", "PROJECT_COLUMNS",
    "RECORDS", "TABLES", "Columns", "Kind", "arrow_schema", "column_meanings", "extra_column_meanings",
    "pandas_dtypes", "record_columns", "table_columns",
]

Columns = tuple[tuple[str, Kind], ...]

# The record each table's rows are, in the order the tables are listed (workbook sheets, README).
RECORDS: dict[str, type] = {
    "projects": ProjectRecord,
    "criteria": CriterionRecord,
    "documents": DocumentRecord,
    "mentions": Mention,
}


def _specs(record: type) -> list[tuple[str, ColumnSpec]]:
    """(field, spec) of every field of `record`; a field without column metadata is an error, so a
    new field is never silently left out of (or put into) a table."""
    specs = []
    for item in fields(record):
        spec = item.metadata.get(COLUMN)
        if not isinstance(spec, ColumnSpec):
            raise TypeError(f"{record.__name__}.{item.name}: no column metadata (column(...) or NOT_A_COLUMN)")
        specs.append((item.name, spec))
    return specs


def record_columns(record: type) -> Columns:
    """The columns of a record's table: its fields that are columns, in field order.

    >>> record_columns(Mention)[:2]
    (('project_id', 'string'), ('field', 'string'))
    """
    return tuple((name, spec.kind) for name, spec in _specs(record) if spec.kind is not None)


TABLES: dict[str, Columns] = {table: record_columns(record) for table, record in RECORDS.items()}
PROJECT_COLUMNS: Columns = TABLES["projects"]
CRITERIA_COLUMNS: Columns = TABLES["criteria"]
DOCUMENT_COLUMNS: Columns = TABLES["documents"]
MENTION_COLUMNS: Columns = TABLES["mentions"]

# ISO partial-date columns (kind string): a full date (YYYY-MM-DD) is a date cell in the workbook.
FULL_DATE_COLUMNS = frozenset(
    name for record in RECORDS.values() for name, spec in _specs(record) if spec.kind is not None and spec.date
)


def table_columns(table: str, extra: tuple[str, ...] = ()) -> Columns:
    """A table's columns, with `extra` text columns after them (documents: a --manifest's columns).

    >>> table_columns("documents", ("region",))[-2:]
    (('ocr_confidence', 'decimal'), ('region', 'string'))
    """
    return TABLES[table] + tuple((name, "string") for name in extra)


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, Any]:
    return load_data("columns.toml")


def column_meanings() -> Mapping[str, Mapping[str, str]]:
    """What every column means (data/columns.toml): table → column → meaning, in Markdown (`code`,
    [links](#anchor)) as the README shows it.

    >>> column_meanings()["criteria"]["document_id"]
    'as in projects'
    """
    return {table: _dictionary()[table] for table in TABLES}


def extra_column_meanings() -> Mapping[str, tuple[str, str]]:
    """table → (name, meaning) of the columns a run may add after the table's own (table_columns).

    >>> extra_column_meanings()["documents"][0]
    '(manifest columns)'
    """
    return {table: (entry["name"], entry["meaning"]) for table, entry in _dictionary()["extra_columns"].items()}


PANDAS_DTYPES: dict[Kind, str] = {
    "string": "string",
    "int": "Int64",
    "bool": "boolean",
    "decimal": "Float64",
    "amounts": "object",
}
# pandas_type of a column in the pandas metadata of a Parquet file (export.writers).
PANDAS_TYPES: dict[Kind, str] = {
    "string": "unicode",
    "int": "int64",
    "bool": "bool",
    "decimal": "float64",
    "amounts": "list[object]",
}


def pandas_dtypes(table: str) -> dict[str, str]:
    """dtype per column, for `pandas.read_csv(path, dtype=pandas_dtypes("projects"))`.

    >>> pandas_dtypes("criteria")["project_count"]
    'Int64'
    """
    return {name: PANDAS_DTYPES[kind] for name, kind in TABLES[table] if kind != "amounts"}


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
