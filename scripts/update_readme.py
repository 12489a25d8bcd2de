#!/usr/bin/env python3
"""Regenerate the generated parts of README.md from the code: the warning-code table and the data
dictionary's column tables (columns from the record dataclasses, meanings from data/columns.toml).

A generated part sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` lines; NAME is
`warning-codes` or `columns-TABLE`.  tests/test_warning_codes.py and tests/test_schema.py fail when
README.md is not what this script writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cittaslow_extract.export.schema import (  # noqa: E402
    TABLES,
    Kind,
    column_meanings,
    extra_column_meanings,
)
from cittaslow_extract.warning_codes import markdown_table  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- (?P<name>[\w-]+):start -->\n).*?(<!-- (?P=name):end -->)", re.DOTALL)
# How the README names a kind: the type a column has in Parquet and pandas.
TYPE_NAMES: dict[Kind, str] = {
    "string": "string",
    "int": "int",
    "bool": "bool",
    "decimal": "float",
    "amounts": "list of structs",
}


def columns_table(table: str) -> str:
    """The README's table of a table's columns.

    >>> print(columns_table("criteria").splitlines()[2])
    | document_id | string | as in projects |
    """
    meanings = column_meanings()[table]
    lines = ["| column | type | meaning |", "| --- | --- | --- |"]
    lines += [f"| {name} | {TYPE_NAMES[kind]} | {meanings[name]} |" for name, kind in TABLES[table]]
    if table in extra_column_meanings():
        name, meaning = extra_column_meanings()[table]
        lines.append(f"| *{name}* | string | {meaning} |")
    return "\n".join(lines)


def generated(name: str) -> str:
    if name == "warning-codes":
        return markdown_table()
    table = name.removeprefix("columns-")
    if table in TABLES:
        return columns_table(table)
    raise ValueError(f"README.md: unknown generated part {name!r}")


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m[1] + generated(m["name"]) + "\n" + m[3], text)


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
