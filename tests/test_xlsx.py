"""The Excel workbook (--format xlsx): typed cells, Turkish letters and formula-looking text kept as
text, frozen header, autofilter, the data dictionary; read back with openpyxl and, where LibreOffice
is installed, converted by it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from test_export import project

from cittaslow_extract.errors import OutputLimitError
from cittaslow_extract.export import xlsx
from cittaslow_extract.export.outputs import write_tables
from cittaslow_extract.export.schema import TABLES, table_columns
from cittaslow_extract.export.writers import UTF8_BOM, json_rows
from cittaslow_extract.models import DocumentRecord, DocumentResult

# Texts a spreadsheet would turn into something else if it could: a formula, a number, a date, a link.
AS_WRITTEN = [
    "=1+1",
    "+90 232 293 10 00",
    "-5 (loss)",
    "@SUM(A1:A3)",
    "=HYPERLINK(\"http://x\")",
    "120.000",
    "November 22",
    "http://example.org",
    "Yönetişim: İĞÜŞÖÇ ığüşöç",
]


def _result(projects) -> DocumentResult:
    document = DocumentRecord("abcdef0123456789", "samples/x.txt", "txt", "ok", None, len(projects), 1, None, "ab" * 32)
    return DocumentResult(document, projects, [], [])


def _workbook(tmp_path: Path) -> Path:
    projects = [
        project(project_no=i + 1, title=text, budget_text=text, end_text=text)
        for i, text in enumerate(AS_WRITTEN)
    ]
    projects.append(project(project_no=99, start_date="2022-11-15", end_date="2023", ongoing=False))
    write_tables([_result(projects)], tmp_path, ["xlsx"])
    return tmp_path / "tables.xlsx"


def test_workbook_cells_are_typed_and_texts_kept_as_written(tmp_path):
    book = openpyxl.load_workbook(_workbook(tmp_path))
    assert book.sheetnames == ["projects", "criteria", "documents", "mentions", "data dictionary"]
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    assert header == [name for name, _ in TABLES["projects"]]
    rows = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]
    for text, row in zip(AS_WRITTEN, rows):
        for column in ("title", "budget_text", "end_text"):
            cell = row[column]
            assert (cell.value, cell.data_type) == (text, "s"), column  # never "f" (formula) or "n"
    first, dated = rows[0], rows[-1]
    assert (first["budget_amount"].value, first["budget_amount"].data_type) == (435000000, "n")
    assert (first["criterion_no"].value, first["budget_approximate"].value, first["ongoing"].value) == (2, False, True)
    assert first["duration_months"].value == 1.5
    assert first["start_date"].value == "2022-03"  # a partial date stays text
    assert dated["start_date"].value == dt.datetime(2022, 11, 15) and dated["start_date"].is_date
    assert dated["end_date"].value == "2023"
    assert first["brief_info"].value is None  # null: an empty cell
    assert first["budget_amounts"].value.startswith('[{"amount":"906000000","currency":"TRY"')
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    assert 8 <= sheet.column_dimensions["K"].width <= 61  # title: measured, within bounds


def test_data_dictionary_sheet_lists_every_column_with_its_meaning(tmp_path):
    book = openpyxl.load_workbook(_workbook(tmp_path))
    rows = [[c.value for c in row] for row in book["data dictionary"].iter_rows(min_row=2)]
    assert [(t, c) for t, c, _, _ in rows] == [(t, name) for t in TABLES for name, _ in TABLES[t]]
    assert ["projects", "budget_amount", "number"] == rows[18][:3]
    assert all(meaning for *_, meaning in rows)
    # data/columns.toml's Markdown as plain text: no code marks, no link targets
    assert not [meaning for *_, meaning in rows if "`" in meaning or "](#" in meaning]
    assert dict(((t, c), m) for t, c, _, m in rows)[("projects", "warnings")] == ";-separated warning codes, empty when none"


def test_data_dictionary_sheet_gives_a_manifest_column_its_meaning():
    columns = {"documents": table_columns("documents", ("region",))}
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes({"documents": b""}, columns)))
    table, column, kind, meaning = [c.value for c in list(book["data dictionary"].iter_rows())[-1]]
    assert (table, column, kind) == ("documents", "region", "text")
    assert meaning.startswith("a column of the --manifest file")


def test_workbook_bytes_are_deterministic(tmp_path):
    first = _workbook(tmp_path / "a").read_bytes()
    assert _workbook(tmp_path / "b").read_bytes() == first


def test_a_cell_longer_than_excel_holds_is_a_clear_error(tmp_path):
    long = project(objective="x" * (xlsx.MAX_CELL_CHARS + 1))
    with pytest.raises(OutputLimitError, match=r"projects table, data row 1, column objective holds 32,768 characters.*--format csv"):
        write_tables([_result([long])], tmp_path, ["xlsx", "csv"])
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the CSV


def test_more_rows_than_a_sheet_holds_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    rows = json_rows("projects", [project(), project(), project()])
    with pytest.raises(OutputLimitError, match="the projects table has 3 rows, more than an Excel sheet holds"):
        xlsx.workbook_bytes({"projects": rows})


def test_csv_bom_starts_each_csv_with_the_utf8_mark(tmp_path):
    write_tables([_result([project()])], tmp_path, ["csv"], csv_bom=True)
    data = (tmp_path / "projects.csv").read_bytes()
    assert data.startswith(UTF8_BOM + b"document_id,")
    with open(tmp_path / "projects.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.DictReader(handle))["title"] == "Süt Kuzusu"


@pytest.mark.slow  # LibreOffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_workbook_with_texts_as_written(tmp_path):
    book = _workbook(tmp_path)
    converted = tmp_path / "converted"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(converted), str(book)],
        check=True, capture_output=True, timeout=180,
    )
    # sheet -1: every sheet to its own file, named <book>-<sheet>.csv
    with open(converted / "tables-projects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["budget_text"] for row in rows[: len(AS_WRITTEN)]] == AS_WRITTEN
    assert rows[0]["budget_amount"] == "435000000"
    assert rows[-1]["start_date"] == "2022-11-15"


def test_the_command_exits_3_with_one_line_and_keeps_the_previous_tables(tmp_path, monkeypatch, capsys):
    from cittaslow_extract.cli import EXIT_NOT_FINISHED, main

    sample = Path(__file__).resolve().parents[1] / "samples" / "community-en.txt"
    out = tmp_path / "out"
    assert main([str(sample), "--out", str(out), "--format", "all", "--quiet", "--no-mentions"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(xlsx, "MAX_CELL_CHARS", 50)
    capsys.readouterr()
    assert main([str(sample), "--out", str(out), "--format", "all", "--quiet"]) == EXIT_NOT_FINISHED
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("error: tables.xlsx: projects table, data row 1, column subcriterion holds 58 characters")
    assert error.rstrip().endswith("--format csv or parquet; previous tables left as they were")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
