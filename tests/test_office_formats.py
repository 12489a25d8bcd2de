"""ODT, RTF, legacy DOC and HTML versions of the samples give the text version's projects table.

The files are made from the committed sample DOCX files by LibreOffice itself
(`soffice --headless --convert-to odt|rtf|doc|html`, a private profile), not by our renderer, plus
a hand-written web page (lxml) of each text sample, and each text sample as a web page of one
<pre> (by hand, and by LibreOffice).  Skipped where soffice is not installed (CI has
it: scripts/install-system-deps.sh).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from render_helper import DOCX_LAYOUTS, SAMPLES, run_without_tools, sample_texts

from cittaslow_extract.models import DocumentResult
from cittaslow_extract.pipeline import RunConfig, process_document
from cittaslow_extract.read.registry import ReadOptions, sniff_format
from cittaslow_extract.read.text_reader import blocks_from_text

SOFFICE = shutil.which("soffice")
CONVERTED_FORMATS = ("odt", "rtf", "doc", "html")
# the source, the pages and how sure the segmenter is (it depends on the layout evidence a format has)
DROP = {"source_path", "source_format", "document_id", "project_id", "page_start", "page_end", "segmentation_margin"}
REAL_SAMPLES = [path.name for path in sample_texts()]
# html from table.docx: LibreOffice writes the label | value table as an HTML table
CASES = [(sample, layout, fmt) for sample in REAL_SAMPLES for layout in DOCX_LAYOUTS for fmt in CONVERTED_FORMATS]


@cache
def _result(path: Path) -> DocumentResult:
    result = process_document(path, RunConfig(read_options=ReadOptions(), mentions=False))
    assert result.document.status == "ok", f"{path.name}: {result.document.error}"
    return result


def _table(result: DocumentResult) -> list[dict[str, Any]]:
    return [{k: v for k, v in dataclasses.asdict(p).items() if k not in DROP} for p in result.projects]


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("office")
    sources = [SAMPLES / f"{Path(sample).stem}.{layout}" for sample in REAL_SAMPLES for layout in DOCX_LAYOUTS]
    profile = (folder / "profile").as_uri()
    for fmt in CONVERTED_FORMATS:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(folder / fmt), *map(str, sources)],
            check=True, capture_output=True, timeout=600,
        )
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(("sample", "layout", "fmt"), CASES)
def test_converted_sample_gives_the_text_table(converted: Path, sample: str, layout: str, fmt: str) -> None:
    path = converted / fmt / f"{Path(sample).stem}.{layout.rsplit('.', 1)[0]}.{fmt}"
    assert sniff_format(path) == fmt
    result = _result(path)
    assert result.document.source_format == fmt
    expected = _table(_result(SAMPLES / sample))
    assert _table(result) == expected and len(expected) > 0


# --------------------------------------------------------------------------- hand-written web pages
def web_page(text: str) -> bytes:
    """A web page as a site would publish the submission: the title as <h1>, each paragraph of the
    text a <p> with its lines joined by <br>, labels in <strong>; site chrome around it (a <nav>, a
    <script>, a <footer>) that is not content."""
    import lxml.html
    from lxml.html import builder as E

    from cittaslow_extract.structure.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    groups: list[list[str]] = []
    for block in blocks_from_text(text):
        if block.gap_before or not groups:
            groups.append([])
        groups[-1].append(block.text)
    body = [E.NAV(E.A("Home", href="/"), " | ", E.A("Members", href="/members")),
            E.SCRIPT("var OBJECTIVE = 'not content';")]
    for index, lines in enumerate(groups):
        if index == 0 and len(lines) == 1:
            body.append(E.H1(lines[0]))
            continue
        paragraph = E.P()
        for k, line in enumerate(lines):
            if k:
                paragraph.append(E.BR())
            match = vocabulary.match_label(line)
            child = E.STRONG(line) if match is not None and match.inline_value is None else E.SPAN(line)
            paragraph.append(child)
        body.append(paragraph)
    body.append(E.FOOTER(E.P("© Cittaslow network · Page 1")))
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE("Checklist"), E.STYLE("p { margin: 1em }")),
                  E.BODY(*body))
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8")


@pytest.mark.parametrize("sample", REAL_SAMPLES)
def test_web_page_gives_the_text_table(tmp_path: Path, sample: str) -> None:
    path = tmp_path / f"{Path(sample).stem}.html"
    path.write_bytes(web_page((SAMPLES / sample).read_text(encoding="utf-8")))
    assert sniff_format(path) == "html"
    assert _table(_result(path)) == _table(_result(SAMPLES / sample))


# A text submission saved as a web page: LibreOffice writes the whole text into one <pre>, as a
# site that publishes the file as it came does.  Lines are paragraphs there, as in the text.
def pre_page(text: str) -> bytes:
    import lxml.html
    from lxml.html import builder as E

    page = E.HTML(E.HEAD(E.META(charset="utf-8")), E.BODY(E.H1("Submissions"), E.PRE(text)))
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8")


@pytest.mark.parametrize("sample", REAL_SAMPLES)
def test_preformatted_web_page_gives_the_text_table(tmp_path: Path, sample: str) -> None:
    path = tmp_path / f"{Path(sample).stem}.html"
    path.write_bytes(pre_page((SAMPLES / sample).read_text(encoding="utf-8")))
    assert _table(_result(path)) == _table(_result(SAMPLES / sample))


@pytest.fixture(scope="module")
def texts_as_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The text samples saved as web pages by LibreOffice, in one soffice run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("text-html")
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "html",
         "--outdir", str(folder), *(str(SAMPLES / sample) for sample in REAL_SAMPLES)],
        check=True, capture_output=True, timeout=300,
    )
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("sample", REAL_SAMPLES)
def test_text_saved_as_html_by_libreoffice_gives_the_text_table(texts_as_html: Path, sample: str) -> None:
    path = texts_as_html / f"{Path(sample).stem}.html"
    assert b"<pre" in path.read_bytes()  # the case this test is for
    assert _table(_result(path)) == _table(_result(SAMPLES / sample))


# --------------------------------------------------------------------------- without LibreOffice
def test_missing_soffice_fails_those_files_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "form.rtf").write_bytes(b"{\\rtf1\\ansi OBJECTIVE\\par Making the city slower.\\par}")
    shutil.copy(SAMPLES / REAL_SAMPLES[0], inputs / "note.txt")
    code, rows = run_without_tools(inputs, tmp_path / "out", monkeypatch)
    assert code == 1
    assert rows["note.txt"]["status"] == "ok"
    assert rows["form.rtf"]["status"] == "failed"
    assert "LibreOffice" in rows["form.rtf"]["error"] and "libreoffice-writer-nogui" in rows["form.rtf"]["error"]


# --------------------------------------------------------------------------- spreadsheet forms
SHEET_LABELS = {  # field → header as an office writes it
    "en": {"objective": "OBJECTIVE", "brief_info": "BRIEF INFORMATION ABOUT THE PROJECT",
           "budget_text": "BUDGET (TL)", "duration_text": "PROJECT DURATION", "start_text": "START DATE",
           "end_text": "END DATE", "completed": "COMPLETED"},
    "tr": {"objective": "AMAÇ", "brief_info": "PROJE HAKKINDA KISA BİLGİ", "budget_text": "BÜTÇE (TL)",
           "duration_text": "PROJE SÜRESİ", "start_text": "BAŞLANGIÇ TARİHİ", "end_text": "BİTİŞ TARİHİ",
           "completed": "TAMAMLANAN"},
}
SHEET_HEADINGS = {"en": ["Criterion no", "Criterion", "Sub-criterion", "Project title"],
                  "tr": ["Kriter no", "Kriter", "Alt kriter", "Proje adı"]}


BUDGET_CURRENCY_LABELS = {"TRY": " (TL)", "EUR": " (EUR)", "USD": " (USD)", None: ""}


def _label_currencies(sample: Path) -> list[str | None]:
    """The currency each project's budget label names in the text ("BUDGET (EUR)"), in order."""
    from cittaslow_extract.read.text_reader import read
    from cittaslow_extract.structure.segmenter import segment
    from cittaslow_extract.structure.vocabulary import load_vocabulary

    return [p.budget_label_currency for p in segment(read(sample), load_vocabulary()).projects]


def workbook(result: DocumentResult, target: Path, sample: Path) -> Path:
    """An XLSX form of a document's projects (openpyxl): a title row and an instructions sheet,
    then one sheet per criterion (and budget currency: a column has one label) with a header row
    of labels and one row per project."""
    import openpyxl

    language = result.projects[0].language
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["Fill in one row per project."])
    sheet, key, count = None, None, 0
    for project, currency in zip(result.projects, _label_currencies(sample)):
        labels = dict(SHEET_LABELS[language])
        labels["budget_text"] = labels["budget_text"].removesuffix(" (TL)") + BUDGET_CURRENCY_LABELS[currency]
        if (project.criterion_no, currency) != key:
            key, count = (project.criterion_no, currency), count + 1
            sheet = book.create_sheet(f"Sheet {count}")
            if count == 1:
                title = "Cittaslow Metropolis Checklist" if language == "en" else "Cittaslow Metropol Kontrol Listesi"
                sheet.append([f"{title}: {project.checklist}"])
                sheet.append([])
            sheet.append([*SHEET_HEADINGS[language], *labels.values()])
        sheet.append([project.criterion_no, project.criterion, project.subcriterion, project.title,
                      *[getattr(project, field) for field in labels]])
    book.save(target)
    return target


@pytest.mark.parametrize("sample", REAL_SAMPLES)
def test_xlsx_form_gives_the_text_table(tmp_path: Path, sample: str) -> None:
    expected = _result(SAMPLES / sample)
    path = workbook(expected, tmp_path / f"{Path(sample).stem}.xlsx", SAMPLES / sample)
    assert sniff_format(path) == "xlsx"
    result = _result(path)
    assert result.document.source_format == "xlsx"
    assert _table(result) == _table(expected)


@pytest.mark.slow
@pytest.mark.parametrize("sample", REAL_SAMPLES)
def test_ods_form_gives_the_text_table(tmp_path: Path, sample: str) -> None:
    """The same workbook saved as ODS by LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    expected = _result(SAMPLES / sample)
    xlsx = workbook(expected, tmp_path / f"{Path(sample).stem}.xlsx", SAMPLES / sample)
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "ods", "--outdir", str(tmp_path / "ods"), str(xlsx)],
                   check=True, capture_output=True, timeout=300)
    path = tmp_path / "ods" / f"{Path(sample).stem}.ods"
    assert sniff_format(path) == "ods"
    result = _result(path)
    assert result.document.source_format == "ods"
    assert _table(result) == _table(expected)
