"""Tables written as CSV and Parquet read back by pandas with the documented types."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cittaslow_extract.export.schema import TABLES, pandas_dtypes
from cittaslow_extract.export.writers import csv_bytes, write_atomic, write_table
from cittaslow_extract.models import CriterionRecord, MoneyAmount, ProjectRecord


def project(**overrides) -> ProjectRecord:
    values = dict(
        document_id="abcdef0123456789",
        source_path="samples/x.txt",
        source_format="txt",
        language="en",
        checklist="Good Governance",
        criterion_no=2,
        criterion="Access",
        subcriterion=None,
        project_no=1,
        project_id="abcdef0123456789-001",
        title="Süt Kuzusu",
        objective="line one\nline two",
        brief_info=None,
        budget_text="906 million TL in 2019-2021, 435 million TL in 2022",
        duration_text=None,
        start_text="2022 March",
        end_text="Ongoing",
        completed=None,
        budget_amount=Decimal("435000000"),
        budget_currency="TRY",
        budget_approximate=False,
        budget_year=2022,
        budget_amounts=[
            MoneyAmount(Decimal("906000000"), "TRY", False, (2019, 2020, 2021), "906 million TL"),
            MoneyAmount(Decimal("435000000"), "TRY", False, (2022,), "435 million TL"),
        ],
        start_date="2022-03",
        end_date=None,
        ongoing=True,
        duration_months=Decimal("1.5"),
        recurrence=None,
        page_start=None,
        page_end=None,
        warnings="",
    )
    values.update(overrides)
    return ProjectRecord(**values)


ROWS = [
    project(),
    project(project_no=2, project_id="abcdef0123456789-002", title="=HYPERLINK(\"x\")",
            budget_amount=None, budget_currency=None, budget_approximate=None, budget_year=None,
            budget_amounts=[], ongoing=None, duration_months=None, criterion_no=None),
]


def test_parquet_keeps_types(tmp_path):
    write_table(tmp_path, "projects", ROWS, ["parquet"])
    frame = pd.read_parquet(tmp_path / "projects.parquet")
    assert list(frame.columns) == [name for name, _ in TABLES["projects"]]
    assert str(frame["criterion_no"].dtype) == "Int64"
    assert str(frame["ongoing"].dtype) == "boolean"
    assert str(frame["budget_amount"].dtype) == "Float64"
    assert frame.loc[0, "budget_amount"] == 435000000.0
    assert pd.isna(frame.loc[1, "criterion_no"])
    amounts = frame.loc[0, "budget_amounts"]
    assert [a["amount"] for a in amounts] == [906000000.0, 435000000.0]
    assert list(amounts[0]["years"]) == [2019, 2020, 2021]
    # Parquet keeps values as they are: no formula escaping
    assert frame.loc[1, "title"] == '=HYPERLINK("x")'


def test_csv_reads_back_with_documented_dtypes(tmp_path):
    write_table(tmp_path, "projects", ROWS, ["csv"])
    frame = pd.read_csv(tmp_path / "projects.csv", dtype=pandas_dtypes("projects"), keep_default_na=False, na_values=[""])
    assert frame.loc[0, "objective"] == "line one\nline two"
    assert frame.loc[0, "budget_amount"] == 435000000
    assert bool(frame.loc[0, "ongoing"]) is True
    assert pd.isna(frame.loc[1, "ongoing"])
    assert frame.loc[0, "duration_months"] == 1.5
    amounts = json.loads(frame.loc[0, "budget_amounts"])
    assert amounts[0] == {"amount": "906000000", "currency": "TRY", "approximate": False,
                          "years": [2019, 2020, 2021], "raw": "906 million TL"}


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_formulas_by_default(cell):
    rows = list(csv.DictReader(io.StringIO(csv_bytes("projects", [project(title=cell)]).decode(), newline="")))
    assert rows[0]["title"] == "'" + cell


def test_csv_formula_escape_can_be_turned_off():
    text = csv_bytes("projects", [project(title="=1+1")], neutralize_formulas=False).decode()
    assert ",=1+1," in text


@pytest.mark.parametrize("cell", ["a;=1+1", "a\t=1+1", "Budget; -5 TL"])
def test_csv_quotes_cells_another_separator_would_split(cell):
    # a spreadsheet set to split on ";" or tab would start a new cell there, at a formula
    line = csv_bytes("projects", [project(title=cell)]).decode().split("\r\n")[1]
    assert f',"{cell}",' in line
    rows = list(csv.DictReader(io.StringIO(csv_bytes("projects", [project(title=cell)]).decode(), newline="")))
    assert rows[0]["title"] == cell


def test_csv_without_formula_escape_quotes_only_what_rfc_4180_needs():
    line = csv_bytes("projects", [project(title="a;=1+1")], neutralize_formulas=False).decode().split("\r\n")[1]
    assert ",a;=1+1," in line


@given(st.lists(st.text(alphabet=st.sampled_from('ab,;"\t\r\n=+ -@İı'), max_size=12), min_size=1, max_size=5))
def test_csv_cells_read_back_exactly(cells):
    # any text survives a round trip through the standard csv reader, in both modes
    for neutralize in (True, False):
        records = [project(title=c) for c in cells]
        rows = list(csv.DictReader(io.StringIO(csv_bytes("projects", records, neutralize_formulas=neutralize).decode(), newline="")))
        expected = [("'" + c if neutralize and c.startswith(("=", "+", "-", "@", "\t", "\r")) else c) for c in cells]
        assert [r["title"] for r in rows] == expected


TEXT = st.one_of(st.none(), st.text(max_size=30))  # any characters: quotes, newlines, NUL, non-BMP
DECIMAL = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=2,
                                            min_value=-10**15, max_value=10**15))
AMOUNT = st.builds(MoneyAmount, st.decimals(allow_nan=False, allow_infinity=False, places=2,
                                            min_value=0, max_value=10**15),
                   st.one_of(st.none(), st.sampled_from(["TRY", "EUR"])), st.booleans(),
                   st.lists(st.integers(1900, 2100), max_size=3).map(tuple), st.text(max_size=20))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "title": TEXT, "objective": TEXT, "budget_amount": DECIMAL, "duration_months": DECIMAL,
    "ongoing": st.one_of(st.none(), st.booleans()), "criterion_no": st.one_of(st.none(), st.integers(-2**62, 2**62)),
    "budget_amounts": st.lists(AMOUNT, max_size=3),
}), max_size=4))
def test_arrow_table_holds_exactly_the_values_pyarrow_builds_from_them(overrides):
    # the oracle: pyarrow's own conversion of the same Python values
    import pyarrow as pa

    from cittaslow_extract.export.schema import arrow_schema
    from cittaslow_extract.export.writers import amounts_as_dicts, arrow_table

    records = [project(**o) for o in overrides]
    expected = pa.Table.from_pylist(
        [
            {name: (None if getattr(r, name) is None else float(getattr(r, name))) if kind == "decimal"
             else amounts_as_dicts(getattr(r, name) or []) if kind == "amounts" else getattr(r, name)
             for name, kind in TABLES["projects"]}
            for r in records
        ],
        schema=arrow_schema("projects"),
    )
    table = arrow_table("projects", records)
    assert table.schema.equals(expected.schema) and table.num_rows == len(records)
    assert table.to_pylist() == expected.to_pylist()


def test_an_empty_table_has_its_schema(tmp_path):
    write_table(tmp_path, "mentions", [], ["parquet"])
    frame = pd.read_parquet(tmp_path / "mentions.parquet")
    assert len(frame) == 0 and list(frame.columns) == [name for name, _ in TABLES["mentions"]]


def test_numbers_are_not_escaped():
    text = csv_bytes("criteria", [CriterionRecord("d", "c", -1, "x", None, 0, Decimal("-5"))]).decode()
    assert text.split("\r\n")[1] == "d,c,-1,x,,0,-5"


def test_same_rows_give_byte_identical_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_table(first, "projects", ROWS, ["csv", "parquet"])
    write_table(second, "projects", ROWS, ["csv", "parquet"])
    for name in ("projects.csv", "projects.parquet"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "t.csv"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
