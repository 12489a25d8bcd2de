"""Every sample in samples/ against its expected file, one test id per sample.

A failure prints the same diff as `cittaslow-extract check samples/`.  When a change is intended:
run `cittaslow-extract check samples/ --update`, read `git diff samples/`, commit.

KNOWN_GAPS are values the expected files hold today that a reader of the sample knows to be wrong;
each is a strict xfail asserting the right value, so fixing one fails here until the expected file
is updated (`check --update`) and the case is removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cittaslow_extract.batch.discovery import discover_inputs
from cittaslow_extract.check import compare, format_differences, golden
from cittaslow_extract.pipeline import process_document

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = [f.path for f in discover_inputs([SAMPLES]) if not golden.is_expected_file(f.path)]


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.relative_to(SAMPLES).as_posix() for p in SAMPLE_FILES])
def test_sample_matches_expected_file(sample: Path) -> None:
    expected_file = golden.expected_path(sample)
    assert expected_file.is_file(), (
        f"{sample.name} has no expected file: run `cittaslow-extract check samples/ --update`, "
        "read the file it writes, and commit it"
    )
    actual = golden.snapshot(process_document(sample))
    differences = compare(golden.load(expected_file), actual)
    assert not differences, "expected → actual\n" + format_differences(differences)


def test_every_expected_file_has_its_sample() -> None:
    orphans = [
        p.name for p in SAMPLES.rglob("*" + golden.EXPECTED_SUFFIX) if not golden.document_path(p).is_file()
    ]
    assert orphans == []


def test_samples_exist() -> None:
    assert len(SAMPLE_FILES) >= 1


# (sample, project title, field, label, value, unit or None when not asserted)
FIXED_GAPS = [  # once known gaps, now right: kept so they stay right
    pytest.param("yonetisim-tr.txt", "Meclis Toplantılarının Canlı Yayını", "completed", "DATE", "2023", None,
                 id="tr-year-with-locative-suffix-is-a-date"),  # "2023 yılında" = in 2023
    pytest.param("yonetisim-tr.txt", "Etik Kurul ve İhbar Hattı", "completed", "QUANTITY", "48", "yönetici",
                 id="tr-unit-is-the-counted-noun"),  # "48 yöneticiye etik eğitimi verildi"
    pytest.param("yonetisim-tr.txt", "Gençlik Meclisi Öneri Günleri", "completed", "QUANTITY", "14", "öneri",
                 id="tr-unit-not-the-next-noun"),  # "14 öneri meclis gündemine alındı"
]
KNOWN_GAPS = [
    pytest.param("yonetisim-tr.txt", "Meclis Toplantılarının Canlı Yayını", "completed", "QUANTITY", "61000", None,
                 id="tr-61-bin-kez-missed"),  # "61 bin kez izlendi" = watched 61 thousand times
    pytest.param("urban-resilience-en.txt", "Rain Gardens in School Yards", "completed", "QUANTITY", "9", None,
                 id="en-planned-quantity-missed"),  # "9 more are planned for 2024"
]


def _mention_in_expected_file(sample: str, title: str, field: str, label: str, value: str, unit: str | None) -> bool:
    content = golden.load(golden.expected_path(SAMPLES / sample))
    project = next(p for p in content["projects"] if p["title"] == title)
    found = [(m["label"], m["value"], m["unit"] if unit is not None else None)
             for m in project["mentions"] if m["field"] == field]
    return (label, value, unit) in found


@pytest.mark.parametrize(("sample", "title", "field", "label", "value", "unit"), FIXED_GAPS)
def test_fixed_gaps(sample: str, title: str, field: str, label: str, value: str, unit: str | None) -> None:
    assert _mention_in_expected_file(sample, title, field, label, value, unit)


@pytest.mark.xfail(strict=True, reason="known gap in the mentions stage, frozen in the expected file")
@pytest.mark.parametrize(("sample", "title", "field", "label", "value", "unit"), KNOWN_GAPS)
def test_known_gaps(sample: str, title: str, field: str, label: str, value: str, unit: str | None) -> None:
    assert _mention_in_expected_file(sample, title, field, label, value, unit)


# The same submission in two formats must give the same rows; only what the format itself decides
# (format, pages, encoding, the file's hash) may differ.
TWINS = [
    pytest.param("yonetisim-tr.txt", "yonetisim-tr.word.pdf", id="tr-txt-vs-word-pdf"),
]
FORMAT_COLUMNS = {"source_format", "page_start", "page_end", "page_count", "encoding", "document_id", "sha256",
                  "ocr_pages"}


@pytest.mark.parametrize(("first", "second"), TWINS)
def test_same_submission_in_two_formats_gives_the_same_rows(first: str, second: str) -> None:
    if not (SAMPLES / second).is_file():
        pytest.skip(f"{second} not in samples/")
    differences = compare(golden.load(golden.expected_path(SAMPLES / first)),
                          golden.load(golden.expected_path(SAMPLES / second)))
    other = [d for d in differences if d.column not in FORMAT_COLUMNS]
    assert not other, f"{first} → {second}\n" + format_differences(other)
