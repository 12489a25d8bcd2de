"""Write tables to CSV and Parquet, atomically.

Rows come in as dataclass records; each table's columns and kinds come from export/schema.py.  A
file is its header and its rows' parts joined: CSV lines, or JSON lines read into Arrow for
Parquet (row_parts / table_from_parts), so a batch's workers can serialise their own documents'
rows and the writing process only joins them.  Files are replaced atomically (export/atomic.py), so
a run killed at any moment leaves the previous table whole.
"""

from __future__ import annotations

import importlib
import json
import re
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from cittaslow_extract.export.atomic import write_atomic
from cittaslow_extract.export.schema import PANDAS_DTYPES, PANDAS_TYPES, TABLES, Columns, Kind, arrow_schema
from cittaslow_extract.models import MoneyAmount

FORMATS = ("csv", "parquet", "xlsx")
UTF8_BOM = b"\xef\xbb\xbf"  # --csv-bom: what Excel on Windows needs to open a CSV as UTF-8
# Cells a spreadsheet would run as a formula (OWASP CSV injection): prefixed with a quote in CSV.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def format_decimal(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros.

    >>> format_decimal(Decimal("435000000"))
    '435000000'
    >>> format_decimal(Decimal("1250000.50"))
    '1250000.5'
    >>> format_decimal(Decimal("4.35E+8"))
    '435000000'
    """
    text = format(value.normalize(), "f")
    return text


def amounts_as_dicts(amounts: Sequence[MoneyAmount]) -> list[dict[str, Any]]:
    return [
        {
            "amount": float(a.amount),
            "currency": a.currency,
            "approximate": a.approximate,
            "years": list(a.years),
            "raw": a.raw,
        }
        for a in amounts
    ]


def _amounts_json(amounts: Sequence[MoneyAmount]) -> str:
    rows = [
        {**row, "amount": format_decimal(a.amount)} for row, a in zip(amounts_as_dicts(amounts), amounts)
    ]
    # amount as an exact string in JSON too: "435000000" never becomes 4.35e8
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _csv_cell(value: Any, kind: Kind, neutralize: bool) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "decimal":
        return format_decimal(Decimal(value))
    if kind == "int":
        return str(int(value))
    if kind == "amounts":
        return _amounts_json(value) if value else ""
    text = str(value)
    if neutralize and text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def _rows(records: Iterable[Any], columns: Sequence[tuple[str, Kind]]) -> list[list[Any]]:
    names = [name for name, _ in columns]
    return [[_cell(record, name) for name in names] for record in records]


def _cell(record: Any, name: str) -> Any:
    try:
        return getattr(record, name)
    except AttributeError:  # an extra documents column (--manifest): kept beside the fixed ones
        return dict(record.manifest_columns).get(name)


# RFC 4180: a cell holding the delimiter, a double quote or a line break is quoted, quotes doubled.
_CSV_SPECIAL = re.compile(r'[",\r\n]')
# With formula escaping, also the other separators spreadsheets split on (";" in many locales, tab):
# quoted, "a;=1+1" stays one cell instead of becoming "a" and a formula cell "=1+1" (OWASP).
_CSV_SPECIAL_SAFE = re.compile(r'[",\r\n;\t]')


def _csv_line(cells: Sequence[str], special: re.Pattern[str]) -> str:
    r'''One CSV record, CRLF-terminated (what csv.writer writes, plus the extra quoting above).

    >>> _csv_line(["a", "b,c", 'say "hi"', "x;=1", ""], _CSV_SPECIAL_SAFE)
    'a,"b,c","say ""hi""","x;=1",\r\n'
    >>> _csv_line(["x;=1"], _CSV_SPECIAL)
    'x;=1\r\n'
    '''
    return ",".join('"' + c.replace('"', '""') + '"' if special.search(c) else c for c in cells) + "\r\n"


def csv_rows(table: str, records: Iterable[Any], *, neutralize_formulas: bool = True, columns: Columns | None = None) -> bytes:
    """The CSV lines of the rows, without the header: the tables are these joined in document order."""
    columns = columns or TABLES[table]
    special = _csv_special(neutralize_formulas)
    lines = []
    for row in _rows(records, columns):
        cells = [_csv_cell(value, kind, neutralize_formulas) for value, (_, kind) in zip(row, columns)]
        lines.append(_csv_line(cells, special))
    return "".join(lines).encode("utf-8")


def csv_header(table: str, *, neutralize_formulas: bool = True, columns: Columns | None = None) -> bytes:
    names = [name for name, _ in columns or TABLES[table]]
    return _csv_line(names, _csv_special(neutralize_formulas)).encode("utf-8")


def _csv_special(neutralize_formulas: bool) -> re.Pattern[str]:
    return _CSV_SPECIAL_SAFE if neutralize_formulas else _CSV_SPECIAL


def csv_bytes(table: str, records: Iterable[Any], *, neutralize_formulas: bool = True) -> bytes:
    return csv_header(table, neutralize_formulas=neutralize_formulas) + csv_rows(
        table, records, neutralize_formulas=neutralize_formulas
    )


# JSON text of a row: non-ASCII kept as is (the reader takes UTF-8), no spaces; a newline in a
# value is written "\n", so every row is one line.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def json_rows(table: str, records: Iterable[Any], columns: Columns | None = None) -> bytes:
    """The rows as JSON lines, each ending with a newline (see arrow_table)."""
    columns = columns or TABLES[table]
    names = [name for name, _ in columns]
    converted = [(index, kind) for index, (_, kind) in enumerate(columns) if kind in ("decimal", "amounts")]
    lines = []
    for row in _rows(records, columns):
        for index, kind in converted:
            value = row[index]
            if kind == "decimal":
                row[index] = None if value is None else float(value)
            else:
                row[index] = amounts_as_dicts(value) if value else []
        lines.append(_JSON_LINE(dict(zip(names, row))) + "\n")
    return "".join(lines).encode("utf-8")


def arrow_from_json(table: str, data: bytes, columns: Columns | None = None) -> Any:
    """A pyarrow Table of the table's schema (with pandas metadata) from json_rows() output."""
    import pyarrow as pa
    import pyarrow.json as pa_json

    schema = arrow_schema(table, columns)
    if not data:
        arrow = schema.empty_table()
    else:
        arrow = pa_json.read_json(
            pa.py_buffer(data),
            # one block: a row is never cut, and the arrays come out in one chunk, as pa.array's
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
            parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"),
        )
    return arrow.replace_schema_metadata(_with_pandas_metadata(table, schema, columns).metadata)


def arrow_table(table: str, records: Iterable[Any]) -> Any:
    """The rows as a pyarrow Table of the table's schema (with pandas metadata).

    The rows go to Arrow as JSON lines through pyarrow's JSON reader rather than through pa.array():
    pa.array() imports pandas, when installed, on its first call (to recognise pandas objects),
    which costs a run about 0.25 s, and all of a re-run whose only new table is `documents`.  The
    reader, given the schema, builds the same arrays (JSON floats and integers round-trip exactly).
    """
    return arrow_from_json(table, json_rows(table, records))


def _with_pandas_metadata(table: str, schema: Any, columns: Columns | None = None) -> Any:
    """Pandas metadata so read_parquet restores nullable dtypes (Int64, boolean, Float64, string)."""
    described: list[dict[str, str | None]] = [
        {
            "name": name,
            "field_name": name,
            "pandas_type": PANDAS_TYPES[kind],
            "numpy_type": PANDAS_DTYPES[kind],
            "metadata": None,
        }
        for name, kind in columns or TABLES[table]
    ]
    metadata: dict[str, Any] = {
        "index_columns": [],
        "column_indexes": [],
        "columns": described,
        "creator": {"library": "cittaslow-extract"},
        "pandas_version": "2.0.0",
    }
    return schema.with_metadata({b"pandas": json.dumps(metadata).encode("utf-8")})


# What writing Parquet imports (about 0.1 s).
PARQUET_MODULES = ("pyarrow", "pyarrow.json", "pyarrow.parquet")


def import_in_background(modules: Sequence[str] = PARQUET_MODULES) -> threading.Thread:
    """Import `modules` in a daemon thread, so the import overlaps other work (a batch starting its
    workers) instead of delaying the first table written.  Importing the same module from another
    thread meanwhile simply waits for it (Python's per-module import lock); a module that fails to
    import here is left for the caller's own import to report.

    >>> import_in_background(["json"]).join()
    """

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the writer's own import raises it where it can be reported
                return

    thread = threading.Thread(target=run, name="cittaslow-import", daemon=True)
    thread.start()
    return thread


def parquet_bytes(table: str, records: Iterable[Any], columns: Columns | None = None) -> bytes:
    return _parquet(arrow_from_json(table, json_rows(table, records, columns), columns))


def _parquet(arrow: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
    data: bytes = sink.getvalue().to_pybytes()  # pyarrow is untyped
    return data


# The serialised rows a format's file is assembled from: CSV lines for CSV, JSON lines for Parquet
# and for the Excel workbook (export/xlsx.py).
PART_KINDS = {"csv": "csv", "parquet": "json", "xlsx": "json"}


def row_parts(
    table: str, records: Sequence[Any], formats: Sequence[str], *, neutralize_formulas: bool = True,
    columns: Columns | None = None,
) -> dict[str, bytes]:
    """Some rows of a table serialised for each format, to be joined with other documents' parts
    by table_from_parts (a worker does this for its document, in parallel with the others)."""
    parts: dict[str, bytes] = {}
    for fmt in formats:
        kind = PART_KINDS[fmt]
        if kind in parts:
            continue
        if kind == "csv":
            parts[kind] = csv_rows(table, records, neutralize_formulas=neutralize_formulas, columns=columns)
        else:
            parts[kind] = json_rows(table, records, columns)
    return parts


def table_from_parts(
    table: str, fmt: str, parts: Sequence[bytes], *, neutralize_formulas: bool = True, csv_bom: bool = False,
    columns: Columns | None = None,
) -> bytes:
    """A table's file from its rows' parts in order: the same bytes as table_bytes of all the rows."""
    if fmt == "csv":
        bom = UTF8_BOM if csv_bom else b""
        return bom + csv_header(table, neutralize_formulas=neutralize_formulas, columns=columns) + b"".join(parts)
    if fmt == "parquet":
        return _parquet(arrow_from_json(table, b"".join(parts), columns))
    raise ValueError(f"unknown format {fmt!r}")


def table_bytes(table: str, records: Sequence[Any], fmt: str, *, neutralize_formulas: bool = True) -> bytes:
    """One table serialised in one format ("csv" or "parquet"): its rows as one part."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}")
    part = row_parts(table, records, [fmt], neutralize_formulas=neutralize_formulas)[PART_KINDS[fmt]]
    return table_from_parts(table, fmt, [part], neutralize_formulas=neutralize_formulas)


def write_table(
    out_dir: Path,
    table: str,
    records: Sequence[Any],
    formats: Sequence[str],
    *,
    neutralize_formulas: bool = True,
) -> list[Path]:
    """Write one table in each requested format; returns the paths written."""
    written: list[Path] = []
    for fmt in formats:
        target = out_dir / f"{table}.{fmt}"
        write_atomic(target, table_bytes(table, records, fmt, neutralize_formulas=neutralize_formulas))
        written.append(target)
    return written
