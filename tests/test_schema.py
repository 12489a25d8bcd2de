"""The tables' columns come from one place, the record dataclasses (models.py), and everything that
lists or describes them is tied to it: column kinds to the fields' types, meanings (data/columns.toml)
to the columns, the README's data dictionary to both, the raw field names to the projects columns."""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path

import pytest

from cittaslow_extract.datafiles import data_text, load_data
from cittaslow_extract.export.schema import (
    RECORDS,
    TABLES,
    arrow_schema,
    column_meanings,
    extra_column_meanings,
    record_columns,
    table_columns,
)
from cittaslow_extract.export.writers import amounts_as_dicts
from cittaslow_extract.models import (
    COLUMN,
    FIELD_NAMES,
    MoneyAmount,
    RawFields,
    RawProject,
    column,
)
from cittaslow_extract.normalize.project import project_record

ROOT = Path(__file__).resolve().parents[1]

# The Python type a column of each kind holds in a record (None aside).
KIND_TYPES = {"string": str, "int": int, "bool": bool, "decimal": Decimal, "amounts": list[MoneyAmount]}


def _value_type(annotation: typing.Any) -> typing.Any:
    """`X | None` → X; anything else as it is."""
    if isinstance(annotation, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


@pytest.mark.parametrize("table", list(RECORDS))
def test_a_tables_columns_are_its_records_fields_in_order(table):
    record = RECORDS[table]
    exported = [f.name for f in fields(record) if f.metadata[COLUMN].kind is not None]
    assert [name for name, _ in TABLES[table]] == exported


@pytest.mark.parametrize("table", list(RECORDS))
def test_each_columns_kind_matches_its_fields_type(table):
    hints = typing.get_type_hints(RECORDS[table])
    wrong = {name: (kind, hints[name]) for name, kind in TABLES[table] if _value_type(hints[name]) != KIND_TYPES[kind]}
    assert not wrong


def test_a_field_without_column_metadata_is_an_error():
    @dataclass
    class Row:
        a: str = field(metadata=column("string"))
        b: int = 0  # forgotten: neither column(...) nor NOT_A_COLUMN

    with pytest.raises(TypeError, match=r"Row\.b: no column metadata"):
        record_columns(Row)


def test_documents_manifest_columns_are_not_a_column_but_extra_ones_follow_the_table():
    assert "manifest_columns" not in dict(TABLES["documents"])
    assert table_columns("documents", ("region",))[-1] == ("region", "string")


def test_every_column_has_a_meaning_and_nothing_else_does():
    meanings = column_meanings()
    assert {t: list(m) for t, m in meanings.items()} == {t: [name for name, _ in c] for t, c in TABLES.items()}
    assert all(text.strip() for m in meanings.values() for text in m.values())
    # the data file holds the four tables and the added columns' entry, nothing else
    assert set(load_data("columns.toml")) == {*TABLES, "extra_columns"}
    assert set(extra_column_meanings()) <= set(TABLES)


def _render():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from update_readme import render
    finally:
        sys.path.pop(0)
    return render


def test_readme_data_dictionary_is_generated_from_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _render()(readme) == readme, "run: python scripts/update_readme.py"
    dictionary = readme[readme.index("## Data dictionary"):readme.index("### Warning codes")]
    for table in TABLES:  # every table has its generated part (a part removed would go unchecked)
        assert f"<!-- columns-{table}:start -->" in dictionary
        assert f"<!-- columns-{table}:end -->" in dictionary


def test_readme_generator_rejects_an_unknown_part():
    with pytest.raises(ValueError, match="unknown generated part 'columns-nothing'"):
        _render()("<!-- columns-nothing:start -->\n<!-- columns-nothing:end -->\n")


def test_field_names_are_the_raw_fields_and_the_label_vocabularys_fields():
    assert FIELD_NAMES == tuple(f.name for f in fields(RawFields))
    assert set(load_data("labels.toml")["fields"]) == set(FIELD_NAMES)
    assert ", ".join(FIELD_NAMES) in data_text("labels.toml")  # the file's comment for --labels writers


def test_each_raw_field_is_written_to_its_projects_column():
    # the projects column of a field is the field's name, or the name with _text when a typed
    # column (budget_amount, start_date …) stands beside the text as written
    texts = {name: f"text of {name}" for name in FIELD_NAMES}
    raw = RawProject("Title", 1, "Criterion", None, RawFields(**texts))
    row = project_record(raw, document_id="d" * 16, source_path="x.txt", source_format="txt", language="en",
                         checklist=None, project_no=1)
    columns = dict(TABLES["projects"])
    for name, text in texts.items():
        holding = [c for c, kind in columns.items() if kind == "string" and getattr(row, c) == text]
        assert holding in ([name], [f"{name}_text"]), name


def test_amounts_are_written_with_the_fields_of_the_arrow_struct():
    amount = MoneyAmount(Decimal("5"), "TRY", False, (2021,), "5 TL", upper_bound=True)
    struct = arrow_schema("projects").field("budget_amounts").type.value_type
    assert list(amounts_as_dicts([amount])[0]) == [struct.field(i).name for i in range(struct.num_fields)]
    # every field of an amount is in the struct but upper_bound (budget_upper_bound has the primary's)
    assert [f.name for f in fields(MoneyAmount) if f.name != "upper_bound"] == list(amounts_as_dicts([amount])[0])
