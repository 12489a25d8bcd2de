"""The layout corpus (samples/layouts/, scripts/make_layout_corpus.py) gives the text version's projects.

Per (sample, layout): the same number of projects as the sample's reviewed golden file
samples/<stem>.txt.expected.json (0 invented, 0 lost); per project, in order, the same title,
criterion_no, criterion, subcriterion and seven field texts; the same criteria rows (criterion_no,
criterion, subcriterion, project_count).  The expected values are the golden values of the text
version, reviewed by hand against the .txt; nothing here is copied from a run on the layout files.

The user's seed is rendered into tmp_path in the same layouts (needs soffice) and checked against the
text pipeline's result on the seed (which tests/test_seed.py verifies by hand).

Every layout passes; two layouts are compared without whitespace in the field texts (words cut
without a hyphen in narrow PDF table cells; a paragraph end that reads as a line wrap in a text
printout), with their exact texts a strict xfail where they differ (KNOWN_GAPS).
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from render_helper import script

from cittaslow_extract.check import golden
from cittaslow_extract.pipeline import RunConfig, process_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CORPUS = SAMPLES / "layouts"
SEED = REPO.parent / "shared" / "seeds" / "000_b121f0e98322c50f.txt"
PROJECT_KEYS = ("title", "criterion_no", "criterion", "subcriterion", "objective", "brief_info",
                "budget_text", "duration_text", "start_text", "end_text", "completed")
CRITERION_KEYS = ("criterion_no", "criterion", "subcriterion", "project_count")


def corpus_script() -> ModuleType:
    """scripts/make_layout_corpus.py, imported once."""
    return script("make_layout_corpus")


SAMPLE_STEMS: tuple[str, ...] = corpus_script().SAMPLE_STEMS
LAYOUTS: tuple[str, ...] = corpus_script().LAYOUTS


@cache
def _snapshot(path: Path) -> dict[str, Any]:
    result = process_document(path, RunConfig(mentions=False))
    assert result.document.status == "ok", f"{path.name}: {result.document.error}"
    return golden.snapshot(result, mentions=False)


def _golden(stem: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{stem}.txt.expected.json").read_text(encoding="utf-8"))


def _name(project: dict[str, Any], index: int) -> str:
    return f"project {index + 1} ({project['title']!r})"


# Layouts whose field texts are compared up to whitespace; the exact texts are a strict xfail below.
# - table.pdf: PDF table cells narrower than a word: LibreOffice cuts the word without a hyphen
#   ("Approxima" / "tely"), which no reader can tell from a line wrap without a dictionary
#   (read/pdf_layout.py rejoins cuts into words the document uses elsewhere, the segmenter rejoins
#   cut labels).
# - printed.pdf: a text printout has no paragraph spacing, so a paragraph whose last line nearly
#   reaches the margin (the next word would not have fitted) reads as wrapped: "…workers. Each
#   visit …" for "…workers.\nEach visit …".
WHITESPACE_LAYOUTS = ("table.pdf", "printed.pdf")
FIELD_KEYS = ("objective", "brief_info", "budget_text", "duration_text", "start_text", "end_text", "completed")


def differences(expected: dict[str, Any], actual: dict[str, Any], *, squeeze_fields: bool = False) -> list[str]:
    """One line per wrong value: project count, each project field in order, each criteria row.
    With `squeeze_fields`, the seven field texts are compared without their whitespace."""
    found: list[str] = []
    want, got = expected["projects"], actual["projects"]
    if len(want) != len(got):
        found.append(f"{len(got)} projects instead of {len(want)}: "
                     f"titles {[p['title'] for p in got]}")
    for index, (w, g) in enumerate(zip(want, got)):
        for key in PROJECT_KEYS:
            same = w[key] == g[key]
            if not same and squeeze_fields and key in FIELD_KEYS and w[key] is not None and g[key] is not None:
                same = _squeeze(w[key]) == _squeeze(g[key])
            if not same:
                found.append(f"{_name(w, index)} {key}: expected {w[key]!r}, got {g[key]!r}")
    rows = [tuple(r[k] for k in CRITERION_KEYS) for r in expected["criteria"]]
    actual_rows = [tuple(r[k] for k in CRITERION_KEYS) for r in actual["criteria"]]
    if rows != actual_rows:
        found.append("criteria rows (criterion_no, criterion, subcriterion, project_count): "
                     f"expected {rows}, got {actual_rows}")
    return found


def _assert_same(expected: dict[str, Any], path: Path, *, exact: bool = False) -> None:
    squeeze = not exact and path.name.endswith(WHITESPACE_LAYOUTS)
    found = differences(expected, _snapshot(path), squeeze_fields=squeeze)
    assert not found, f"{path.name}: {len(found)} wrong\n  " + "\n  ".join(found)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_layout_gives_the_text_versions_projects(stem: str, layout: str) -> None:
    path = CORPUS / f"{stem}.{layout}"
    assert path.is_file(), f"{path.name} missing: run python scripts/make_layout_corpus.py"
    _assert_same(_golden(stem), path)


KNOWN_GAPS = [
    pytest.param("urban-resilience-en", "table.pdf", id="urban-resilience-en-table.pdf-cut-words",
                 marks=pytest.mark.xfail(strict=True, reason="'Approxima tely': a word cut by a narrow cell")),
    pytest.param("yonetisim-tr", "table.pdf", id="yonetisim-tr-table.pdf-cut-words",
                 marks=pytest.mark.xfail(strict=True, reason="'bölümünü n': words cut by narrow cells")),
    pytest.param("community-en", "printed.pdf", id="community-en-printed.pdf-paragraph-read-as-wrapped",
                 marks=pytest.mark.xfail(strict=True, reason="'…social workers. Each visit …': the line "
                                         "before 'Each' ends where 'Each' would not have fitted")),
]


@pytest.mark.parametrize(("stem", "layout"), KNOWN_GAPS)
def test_layout_gives_the_exact_field_texts(stem: str, layout: str) -> None:
    _assert_same(_golden(stem), CORPUS / f"{stem}.{layout}", exact=True)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_golden_structure_renders_in_its_own_order(stem: str) -> None:
    """The corpus script keeps every project, in order, and its fields byte for byte."""
    script = corpus_script()
    submission = script.sample_submission(stem)
    projects = [p for c in submission.criteria for s in c.sections for p in s.projects]
    content = _golden(stem)
    assert [p.title for p in projects] == [row["title"] for row in content["projects"]]
    for project, row in zip(projects, content["projects"]):
        assert {n: t for n, t in project.fields if t} == {
            n: row[n] for n in script.FIELD_NAMES if row[n] is not None}


@pytest.mark.parametrize("layout", [layout for layout in LAYOUTS if layout.endswith(".docx")])
def test_docx_layouts_are_reproducible(tmp_path: Path, layout: str) -> None:
    script = corpus_script()
    submission = script.sample_submission(SAMPLE_STEMS[0])
    renderer = script.DOCX_RENDERERS[layout]
    assert renderer(submission) == renderer(submission)
    assert renderer(submission) == (CORPUS / f"{SAMPLE_STEMS[0]}.{layout}").read_bytes(), (
        "committed corpus out of date: run python scripts/make_layout_corpus.py")


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEED.exists():
        pytest.skip("the user's seed document is not beside the checkout")
    if shutil.which("soffice") is None:
        pytest.skip("soffice (LibreOffice headless) is not installed")
    out = tmp_path_factory.mktemp("seed-corpus")
    assert corpus_script().main(["--out", str(out), "--seed", str(SEED)]) == 0
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_layout_gives_the_seed_texts_projects(seed_corpus: Path, layout: str) -> None:
    script = corpus_script()
    _assert_same(script.seed_content(SEED), seed_corpus / f"{script.seed_stem(SEED)}.{layout}")


# --------------------------------------------------------------------------- the corpus itself
def _expected_texts(stem: str) -> list[str]:
    """Every text the golden file holds that a layout must show: criteria, sub-criteria, titles, fields."""
    content = _golden(stem)
    texts = [r["criterion"] for r in content["criteria"]]
    texts += [r["subcriterion"] for r in content["criteria"] if r["subcriterion"]]
    for project in content["projects"]:
        texts += [project[k] for k in PROJECT_KEYS if isinstance(project[k], str)]
    return [line for text in texts for line in text.split("\n")]


def _docx_text(path: Path) -> tuple[list[str], list[str]]:
    """(body paragraphs outside tables, paragraphs inside table cells) of a DOCX."""
    from docx import Document

    document = Document(str(path))
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [p.text for p in document.paragraphs], cells


def _pdf_text(path: Path, header: str | None) -> str:
    """The PDF's text and its table cells' texts (a header row of labels over values interleaves the
    cells line by line), without the running header and footer page numbers (they cut values across
    pages) when `header` is given."""
    import pdfplumber

    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            lines = (page.extract_text() or "").splitlines()
            if header is not None:
                lines = [line for line in lines if line.strip() != header and not line.strip().isdigit()]
            cells = [cell or "" for table in page.extract_tables() for row in table for cell in row]
            pages.append("\n".join(lines + cells))
    return "\n".join(pages)


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_corpus_file_shows_every_golden_text(stem: str, layout: str) -> None:
    """The rendering is faithful: every criterion, sub-criterion, title and field line is in the file
    (so a failure above is the pipeline's, not the corpus's).  DOCX layouts have no empty paragraph."""
    path = CORPUS / f"{stem}.{layout}"
    if layout.endswith(".docx"):
        body, cells = _docx_text(path)
        assert "" not in body, f"{path.name}: an empty paragraph"
        shown = _squeeze("\n".join(body + cells))
    elif layout.endswith(".pdf"):
        language = _golden(stem)["document"]["language"]
        header = corpus_script().RUNNING_HEADER[language] if layout == "word.pdf" else None
        shown = _squeeze(_pdf_text(path, header))
    else:
        shown = _squeeze(path.read_text(encoding="utf-8"))
    missing = [line for line in _expected_texts(stem) if _squeeze(line) not in shown]
    assert missing == [], f"{path.name} lacks {missing}"
