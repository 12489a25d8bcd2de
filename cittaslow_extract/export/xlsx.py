"""The Excel workbook (--format xlsx): one sheet per table and a data-dictionary sheet.

Written with XlsxWriter rather than openpyxl: it only writes, which is all a run needs, it is about
three times faster on large sheets, and every cell here is written with an explicitly typed call
(write_string, write_number, write_boolean, write_datetime), so no text is ever stored as a formula,
a number or a link, whatever it starts with ("=1+1", "120.000", "http://…").  Cells are typed from
the table's schema: int and decimal columns are numbers, bool columns booleans, a full ISO date
(YYYY-MM-DD) in start_date/end_date a date cell, and everything else text, so "as written" columns
(budget_text "120.000", end_text "November 22") stay exactly as written.

The rows come in as the JSON lines of export.writers.json_rows (what Parquet is built from), so a
batch's workers serialise them once for both formats.  The bytes are deterministic: fixed document
properties, and XlsxWriter's fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cittaslow_extract.errors import OutputLimitError
from cittaslow_extract.export.schema import FULL_DATE_COLUMNS, TABLES, Kind, column_meanings, extra_column_meanings

WORKBOOK_NAME = "tables.xlsx"
DICTIONARY_SHEET = "data dictionary"
# Excel's limits (Microsoft: "Excel specifications and limits").
MAX_ROWS = 1_048_576  # per sheet, the header row included
MAX_CELL_CHARS = 32_767
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")  # YYYY-MM-DD; YYYY and YYYY-MM stay text
_WIDTH_SAMPLE = 500  # rows measured for a column's width
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_KIND_NAMES: dict[Kind, str] = {
    "string": "text",
    "int": "integer",
    "bool": "true/false",
    "decimal": "number",
    "amounts": "list of amounts (JSON text)",
}
_FIXED_CREATED = dt.datetime(2000, 1, 1)  # document property: a fixed date keeps the bytes deterministic


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """A meaning of data/columns.toml as plain text for a cell: code marks and link targets dropped.

    >>> plain_text("`;`-separated [warning codes](#warning-codes), empty when none")
    ';-separated warning codes, empty when none'
    """
    return _MARKDOWN_LINK.sub(r"\1", markdown).replace("`", "")


def workbook_bytes(tables: Mapping[str, bytes], columns: Mapping[str, tuple[tuple[str, Kind], ...]] | None = None) -> bytes:
    """The workbook of `tables` (table name → its rows as JSON lines), sheets in the given order.

    `columns` overrides a table's columns (e.g. documents with a manifest's extra columns);
    raises OutputLimitError when a table has more rows, or a cell more characters, than Excel holds.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"created": _FIXED_CREATED})
    header = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for table, data in tables.items():
        table_columns = (columns or {}).get(table, TABLES[table])
        rows = [json.loads(line) for line in data.splitlines() if line]
        _write_sheet(workbook, table, table_columns, rows, header, date)
    _write_dictionary(workbook, list(tables), columns or {}, header)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(workbook: Any, table: str, columns: tuple[tuple[str, Kind], ...], rows: list[dict[str, Any]], header: Any, date: Any) -> None:
    if len(rows) + 1 > MAX_ROWS:
        raise OutputLimitError(
            f"{WORKBOOK_NAME}: the {table} table has {len(rows):,} rows, more than an Excel sheet holds "
            f"({MAX_ROWS - 1:,}); write it as --format csv or parquet"
        )
    sheet = workbook.add_worksheet(table)
    for col, (name, kind) in enumerate(columns):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, _width(name, kind, rows))
    for row_no, row in enumerate(rows, start=1):
        for col, (name, kind) in enumerate(columns):
            value = row.get(name)
            if value is None or value == [] or value == "":
                continue
            if kind in ("int", "decimal"):
                sheet.write_number(row_no, col, value)
            elif kind == "bool":
                sheet.write_boolean(row_no, col, bool(value))
            else:
                text = _amounts_text(value) if kind == "amounts" else str(value)
                if name in FULL_DATE_COLUMNS and _FULL_DATE.match(text):
                    parsed = _date(text)
                    if parsed is not None:
                        sheet.write_datetime(row_no, col, parsed, date)
                        continue
                if len(text) > MAX_CELL_CHARS:
                    raise OutputLimitError(
                        f"{WORKBOOK_NAME}: {table} table, data row {row_no}, column {name} holds {len(text):,} characters, "
                        f"more than an Excel cell holds ({MAX_CELL_CHARS:,}); write it as --format csv or parquet"
                    )
                sheet.write_string(row_no, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _write_dictionary(workbook: Any, tables: list[str], columns: Mapping[str, tuple[tuple[str, Kind], ...]], header: Any) -> None:
    sheet = workbook.add_worksheet(DICTIONARY_SHEET)
    meanings = column_meanings()
    extra = extra_column_meanings()
    for col, (name, width) in enumerate((("table", 12), ("column", 20), ("type", 24), ("meaning", 100))):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, width)
    row_no = 0
    for table in tables:
        for name, kind in columns.get(table, TABLES[table]):
            row_no += 1
            meaning = meanings[table].get(name) or extra[table][1]  # not the table's own: an added column
            for col, text in enumerate((table, name, _KIND_NAMES[kind], plain_text(meaning))):
                sheet.write_string(row_no, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row_no, 1), 3)


def _width(name: str, kind: Kind, rows: list[dict[str, Any]]) -> float:
    """Characters wide: the header or the longest first line among the first rows, within bounds."""
    longest = len(name) + 3  # room for the autofilter button
    if kind in ("int", "decimal", "bool"):
        return max(_MIN_WIDTH, min(longest, 14))
    for row in rows[:_WIDTH_SAMPLE]:
        value = row.get(name)
        if isinstance(value, str):
            longest = max(longest, len(value.split("\n", 1)[0]))
    return max(_MIN_WIDTH, min(longest + 1, _MAX_WIDTH))


def _amounts_text(amounts: Any) -> str:
    """The amounts as the CSV writes them: JSON with each amount as an exact decimal string."""
    if not isinstance(amounts, list):
        return str(amounts)
    rows = [{**a, "amount": format(Decimal(repr(a["amount"])).normalize(), "f")} for a in amounts]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
