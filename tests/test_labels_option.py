"""`--labels FILE` on the command line: a new spelling makes a document parse, a remapped spelling
moves a value to another column, and a bad file is a usage error (exit 2) naming its file and line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cittaslow_extract.cli import EXIT_OK, EXIT_USAGE, main
from cittaslow_extract.structure.vocabulary import load_vocabulary

# A submission whose "what was achieved" label is a spelling the shipped vocabulary does not know.
TURKISH_DOC = """\
Cittaslow Metropol Kontrol Listesi: Hareketlilik

Sürdürülebilir kentsel ulaşım

01

Bisiklet ve yaya ulaşımının desteklenmesi

Okul Yolu Bisiklet Şeridi

AMAÇ
Öğrencilerin okula güvenle bisikletle gidebilmesi

BAŞLANGIÇ TARİHİ
Eylül 2023

BİTİŞ TARİHİ
Devam ediyor

HEDEFLENEN ÇIKTI
12 km korumalı şerit ve 40 bisiklet park yeri
"""

# A form whose labels are all unknown spellings: without --labels nothing in it is a project.
ENGLISH_DOC = """\
Cittaslow Metropolis Checklist: Mobility

Sustainable urban transport

01

Walking and cycling

Safe Routes to School

Goal Statement
Children walk or cycle to school safely

Expected Outcome
12 km of protected lanes

Car-Free Sundays

Goal Statement
Streets of the old town closed to cars once a month

Expected Outcome
24 car-free days held in 2023
"""

EXTRA_LABELS = """\
# Spellings used by the Mobility forms of one city.
[fields.objective]
en = ["GOAL STATEMENT"]

[fields.completed]
en = ["EXPECTED OUTCOME"]
tr = ["HEDEFLENEN ÇIKTI"]
"""


def _run(tmp_path: Path, text: str, *labels: str, name: str = "doc.txt") -> tuple[int, list[dict[str, str]], Path]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / ("out_" + "_".join(Path(label).stem for label in labels))
    argv = [str(source), "--out", str(out), "--format", "csv", "--no-mentions", "--quiet", "--workers", "1"]
    for label in labels:
        argv += ["--labels", label]
    code = main(argv)
    with open(out / "projects.csv", encoding="utf-8", newline="") as handle:
        return code, list(csv.DictReader(handle)), out


@pytest.fixture()
def extra_labels(tmp_path: Path) -> str:
    path = tmp_path / "extra.toml"
    path.write_text(EXTRA_LABELS, encoding="utf-8")
    return str(path)


def test_made_up_spellings_are_not_shipped() -> None:
    vocab = load_vocabulary()
    for spelling in ("HEDEFLENEN ÇIKTI", "Expected Outcome", "Goal Statement"):
        assert vocab.match_label(spelling) is None


def test_new_turkish_spelling_fills_its_column(tmp_path: Path, extra_labels: str) -> None:
    code, rows, _ = _run(tmp_path, TURKISH_DOC)
    assert code == EXIT_OK and len(rows) == 1
    # unknown label: its line and value run on in the end date's text, and completed stays empty
    assert rows[0]["completed"] == ""
    assert rows[0]["end_text"] == "Devam ediyor\nHEDEFLENEN ÇIKTI\n12 km korumalı şerit ve 40 bisiklet park yeri"

    code, rows, _ = _run(tmp_path, TURKISH_DOC, extra_labels)
    assert code == EXIT_OK and len(rows) == 1
    row = rows[0]
    assert row["completed"] == "12 km korumalı şerit ve 40 bisiklet park yeri"
    assert (row["end_text"], row["ongoing"], row["start_date"]) == ("Devam ediyor", "true", "2023-09")
    assert (row["language"], row["checklist"]) == ("tr", "Hareketlilik")


def test_new_spellings_make_a_document_parse(tmp_path: Path, extra_labels: str) -> None:
    code, rows, out = _run(tmp_path, ENGLISH_DOC)
    assert code == EXIT_OK and rows == []
    documents = list(csv.DictReader(open(out / "documents.csv", encoding="utf-8", newline="")))
    assert "no_projects" in documents[0]["warnings"].split(";")

    code, rows, _ = _run(tmp_path, ENGLISH_DOC, extra_labels)
    assert code == EXIT_OK
    assert [(r["title"], r["objective"], r["completed"]) for r in rows] == [
        ("Safe Routes to School", "Children walk or cycle to school safely", "12 km of protected lanes"),
        ("Car-Free Sundays", "Streets of the old town closed to cars once a month", "24 car-free days held in 2023"),
    ]


def test_remapped_spelling_moves_the_value_to_another_column(tmp_path: Path) -> None:
    text = "Cittaslow Metropolis Checklist: Community\n\nC\n\n01\n\nS\n\nP\n\nOBJECTIVE\nx\n\nPROJECT SUMMARY\nDone.\n"
    remap = tmp_path / "remap.toml"
    remap.write_text('[fields.completed]\nen = ["PROJECT SUMMARY"]\n', encoding="utf-8")
    _, rows, _ = _run(tmp_path, text)
    assert (rows[0]["brief_info"], rows[0]["completed"]) == ("Done.", "")
    _, rows, _ = _run(tmp_path, text, str(remap))
    assert (rows[0]["brief_info"], rows[0]["completed"]) == ("", "Done.")


BAD_LABELS = [
    ("unclosed.toml", '[fields.completed]\nen = ["EXPECTED OUTCOME"\n', 2),
    ("unknown_field.toml", '[fields.completed]\nen = ["X"]\n\n[fields.outcome]\nen = ["EXPECTED OUTCOME"]\n', 4),
    ("colon.toml", '[fields.completed]\nen = [\n  "DONE",\n  "Expected: outcome",\n]\n', 4),
]


@pytest.mark.parametrize(("name", "content", "line"), BAD_LABELS)
def test_invalid_labels_file_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, line: int
) -> None:
    labels = tmp_path / name
    labels.write_text(content, encoding="utf-8")
    source = tmp_path / "doc.txt"
    source.write_text(TURKISH_DOC, encoding="utf-8")
    out = tmp_path / "out"
    code = main([str(source), "--out", str(out), "--labels", str(labels), "--no-mentions", "--quiet"])
    assert code == EXIT_USAGE
    stderr = capsys.readouterr().err
    assert f"{labels}:{line}: " in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()  # nothing was processed


def test_missing_labels_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(TURKISH_DOC, encoding="utf-8")
    code = main([str(source), "--out", str(tmp_path / "out"), "--labels", str(tmp_path / "none.toml")])
    assert code == EXIT_USAGE
    assert "none.toml" in capsys.readouterr().err
