#!/usr/bin/env python3
"""Render the reviewed samples in layouts that no renderer of ours shapes: the layout corpus.

    python scripts/make_layout_corpus.py                    # the 3 samples → samples/layouts/
    python scripts/make_layout_corpus.py --out DIR          # … → DIR
    python scripts/make_layout_corpus.py --out DIR --seed PATH  # also the user's seed → DIR (never
                                                                # commit it; DIR outside samples/)

Where the structure comes from
    Not from the segmenter's idea of the text (blank line = gap, a short line = title).  For each
    committed sample samples/<stem>.txt the structure is its reviewed golden file
    samples/<stem>.txt.expected.json: the checklist, the criteria rows (criterion_no, criterion,
    subcriterion, in order) and the projects in order with title, criterion, subcriterion and the raw
    texts of the seven fields (paragraphs separated by "\\n").  From the .txt only three facts are
    taken: its first line (the checklist title line, "Cittaslow Metropolis Checklist: X" exactly),
    the currency bracket its budget label uses ("BUDGET (TL)") and nothing else; the language is the
    golden file's.  The golden file writes both "label left empty" and "no label" as null: a project
    whose seven fields are all null renders all seven labels with nothing after them (the blank form
    the samples contain), any other null field is left out.  Either way the expected value is null.

Layouts (<stem>.<layout>), each the way a person or an office program makes it
    word.docx      as Microsoft Word writes it: no empty paragraph, spacing instead (8 pt after,
                   12 pt before headings); Title style for the checklist line; Heading 1 criteria with
                   AUTOMATIC numbering (numbering.xml, "%1" in decimalZero, w:numPr on the paragraph,
                   so "01" is not in the text); Heading 2 sub-criteria; Heading 3 project titles;
                   "Objective: text" (Title Case label + colon as a bold run, value in the same
                   paragraph, further value paragraphs as Normal); running header; footer PAGE field
    word.pdf       word.docx through LibreOffice headless (soffice --convert-to pdf)
    nogap.docx     Normal style only, no empty paragraph, no paragraph spacing at all; labels bold on
                   a paragraph of their own (upper case), value in the next; criterion title plain,
                   then its number "01" alone in 36 pt; sub-criteria and titles plain
    spaced.docx    LibreOffice-styled: titles bold sans, labels bold serif, values regular serif,
                   criterion titles bold sans larger, number paragraph "01", 6 pt before AND after
                   every paragraph (a gap is no evidence)
    spaced.pdf     spaced.docx through soffice
    allbold.docx   every run bold; typed numbering: "1. Criterion", "1.1 Sub-criterion";
                   "Objective: text" inline labels
    allbold.pdf    allbold.docx through soffice
    table.docx     criterion, number, sub-criterion and title as paragraphs, then each project's
                   fields as a table: label | value rows (1st, 3rd … project) or a header row of
                   labels over one row of values (2nd, 4th … project); rows never split across
                   pages (w:cantSplit), so a cell is read whole
    table.pdf      table.docx through soffice
    numbered.txt   UTF-8 text: "01 Criterion", "1.1 Sub-criterion", "Objective: value" lines with
                   no blank line between a field and the next
    printed.pdf    numbered.txt printed to PDF as a text editor prints it (soffice opens the text and
                   sets it in its monospaced font, Liberation Mono, with no paragraph spacing): words
                   line up in a grid, so a strip between them can look like a column gutter, and a
                   line that ends a paragraph can look like a wrapped one

How the expected values are checked
    They are not produced by the pipeline on these files: they ARE the reviewed golden values of the
    text version (samples/<stem>.txt.expected.json, reviewed by hand against the .txt when they were
    committed).  tests/test_layout_corpus.py compares, per layout, the number of projects, every
    project's title, criterion_no, criterion, subcriterion and seven field texts, and the criteria rows
    (criterion_no, criterion, subcriterion, project_count) with the golden file.  Every field text is
    written byte for byte (Turkish letters intact), so equality is the right test.

Reproducibility
    DOCX files are byte-identical from run to run (fixed core properties, fixed ZIP entry times).
    LibreOffice PDFs are not byte-stable (creation date, font subset tags): they are committed once;
    regenerate them only when the corpus changes.  soffice runs with a private profile
    (-env:UserInstallation) so parallel runs do not clash, and is stopped after 120 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SAMPLE_STEMS: tuple[str, ...] = ("community-en", "urban-resilience-en", "yonetisim-tr")
DOCX_LAYOUTS: tuple[str, ...] = ("word.docx", "nogap.docx", "spaced.docx", "allbold.docx", "table.docx")
PDF_LAYOUTS: tuple[str, ...] = ("word.pdf", "spaced.pdf", "allbold.pdf", "table.pdf")
TEXT_LAYOUTS: tuple[str, ...] = ("numbered.txt",)
PRINTED_LAYOUTS: tuple[str, ...] = ("printed.pdf",)  # numbered.txt through soffice
LAYOUTS: tuple[str, ...] = DOCX_LAYOUTS + PDF_LAYOUTS + TEXT_LAYOUTS + PRINTED_LAYOUTS
SOFFICE_TIMEOUT_S = 120
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
FIELD_NAMES: tuple[str, ...] = (
    "objective", "brief_info", "budget_text", "duration_text", "start_text", "end_text", "completed",
)

# Labels of the form, per language: (upper case as the form prints them, Title Case as Word users type
# them).  Written out rather than computed: str.title() gets Turkish İ/ı wrong.  "{cur}" is the
# currency bracket of the sample's own budget label.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "objective": ("OBJECTIVE", "Objective"),
        "brief_info": ("BRIEF INFORMATION ABOUT THE PROJECT", "Brief Information About The Project"),
        "budget_text": ("BUDGET{cur}", "Budget{cur}"),
        "duration_text": ("PROJECT DURATION", "Project Duration"),
        "start_text": ("START DATE", "Start Date"),
        "end_text": ("END DATE", "End Date"),
        "completed": ("COMPLETED", "Completed"),
    },
    "tr": {
        "objective": ("AMAÇ", "Amaç"),
        "brief_info": ("PROJE HAKKINDA KISA BİLGİ", "Proje Hakkında Kısa Bilgi"),
        "budget_text": ("BÜTÇE{cur}", "Bütçe{cur}"),
        "duration_text": ("PROJE SÜRESİ", "Proje Süresi"),
        "start_text": ("BAŞLANGIÇ TARİHİ", "Başlangıç Tarihi"),
        "end_text": ("BİTİŞ TARİHİ", "Bitiş Tarihi"),
        "completed": ("TAMAMLANAN", "Tamamlanan"),
    },
}
RUNNING_HEADER = {
    "en": "Izmir Metropolitan Municipality – Cittaslow Metropolis",
    "tr": "İzmir Büyükşehir Belediyesi – Cittaslow Metropolis",
}
_BUDGET_BRACKET = re.compile(
    r"""^\s*(?:project\s+)?(?:budget|bütçe|butce)   # the budget label, any case
        \s*(\([^)\n]*\))                            # its currency bracket, kept as typed
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)


# --------------------------------------------------------------------------- the structure
@dataclass(frozen=True, slots=True)
class Project:
    title: str | None
    fields: tuple[tuple[str, str], ...]  # (field name, text; "" = label left empty), in form order


@dataclass(slots=True)
class Section:
    subcriterion: str | None  # None: projects before the first sub-criterion
    projects: list[Project] = field(default_factory=list)


@dataclass(slots=True)
class Criterion:
    number: int
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Submission:
    checklist_line: str  # "Cittaslow Metropolis Checklist: X" as the text has it
    language: str
    currency: str  # " (TL)" or ""
    criteria: tuple[Criterion, ...]

    def label(self, name: str, *, title_case: bool) -> str:
        upper, title = LABELS[self.language][name]
        return (title if title_case else upper).replace("{cur}", self.currency)


def _project(row: dict[str, Any]) -> Project:
    texts = [(name, row[name]) for name in FIELD_NAMES]
    if all(text is None for _, text in texts):  # the blank form: every label, no value
        return Project(row["title"], tuple((name, "") for name in FIELD_NAMES))
    return Project(row["title"], tuple((name, text) for name, text in texts if text is not None))


def submission_from(content: dict[str, Any], text: str) -> Submission:
    """The structure of a golden-file-shaped `content` (criteria and projects rows) for rendering."""
    criteria: dict[int, Criterion] = {}
    for row in content["criteria"]:
        number = row["criterion_no"]
        criterion = criteria.setdefault(number, Criterion(number, row["criterion"], [Section(None)]))
        if row["subcriterion"] is not None:
            criterion.sections.append(Section(row["subcriterion"]))
    for row in content["projects"]:
        criterion = criteria[row["criterion_no"]]
        section = next(s for s in criterion.sections if s.subcriterion == row["subcriterion"])
        section.projects.append(_project(row))
    _check_order(content, criteria)
    language = content["document"]["language"]
    if language not in LABELS:
        raise SystemExit(f"no labels for language {language!r}")
    first_line = next(line.strip() for line in text.splitlines() if line.strip())
    bracket = _BUDGET_BRACKET.search(text)
    currency = f" {bracket.group(1).upper()}" if bracket else ""
    return Submission(first_line, language, currency, tuple(criteria.values()))


def _check_order(content: dict[str, Any], criteria: dict[int, Criterion]) -> None:
    """Rendering groups projects by section; that must keep the golden file's project order."""
    rendered = [p.title for c in criteria.values() for s in c.sections for p in s.projects]
    if rendered != [row["title"] for row in content["projects"]]:
        raise SystemExit("projects are not in criterion/sub-criterion order; cannot render faithfully")


def paragraphs(text: str) -> list[str]:
    return text.split("\n") if text else []


# --------------------------------------------------------------------------- DOCX helpers
def _new_document():  # type: ignore[no-untyped-def]
    from docx import Document

    document = Document()
    core = document.core_properties
    core.author = core.last_modified_by = "Izmir Metropolitan Municipality"
    core.created = core.modified = core.last_printed = FIXED_DATE.replace(tzinfo=None)
    core.revision = 1
    core.title = "Cittaslow Metropolis Checklist"
    return document


def _save(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _no_spacing(paragraph) -> None:  # type: ignore[no-untyped-def]
    paragraph.paragraph_format.space_before = 0
    paragraph.paragraph_format.space_after = 0


def _header_footer(document, language: str) -> None:  # type: ignore[no-untyped-def]
    """A running header and a footer holding a PAGE field (complex field, as Word writes it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = document.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER[language]
    footer = section.footer.paragraphs[0]
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = footer.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        elif kind == "text":
            run.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def _criterion_numbering(document) -> int:  # type: ignore[no-untyped-def]
    """Add a decimalZero "%1" list definition to numbering.xml; its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    abstract_id, num_id = 90, 90
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalZero"/>'
        '<w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl></w:abstractNum>'
    )
    nums = numbering.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if nums:  # schema order: every abstractNum before the first num
        nums[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
    ))
    return num_id


def _number(paragraph, num_id: int) -> None:  # type: ignore[no-untyped-def]
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _runs(paragraph, parts: list[tuple[str, bool]], **font: Any) -> None:  # type: ignore[no-untyped-def]
    """Append (text, bold) runs; `font` sets name/size (Pt) on each."""
    for text, bold in parts:
        run = paragraph.add_run(text)
        run.bold = bold
        if "name" in font:
            run.font.name = font["name"]
        if "size" in font:
            run.font.size = font["size"]


# --------------------------------------------------------------------------- DOCX layouts
def render_word_docx(sub: Submission) -> bytes:
    from docx.shared import Pt

    document = _new_document()
    normal = document.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(8)
    for name, before in (("Title", 0), ("Heading 1", 18), ("Heading 2", 12), ("Heading 3", 12)):
        document.styles[name].paragraph_format.space_before = Pt(before)
        document.styles[name].paragraph_format.space_after = Pt(8)
    _header_footer(document, sub.language)
    num_id = _criterion_numbering(document)
    document.add_paragraph(sub.checklist_line, style="Title")
    for criterion in sub.criteria:
        _number(document.add_paragraph(criterion.title, style="Heading 1"), num_id)
        for section in criterion.sections:
            if section.subcriterion is not None:
                document.add_paragraph(section.subcriterion, style="Heading 2")
            for project in section.projects:
                if project.title is not None:
                    document.add_paragraph(project.title, style="Heading 3")
                for name, text in project.fields:
                    lines = paragraphs(text)
                    paragraph = document.add_paragraph()
                    _runs(paragraph, [(sub.label(name, title_case=True) + ":", True)])
                    if lines:
                        paragraph.add_run(" " + lines[0])
                    for line in lines[1:]:
                        document.add_paragraph(line)
    return _save(document)


def render_nogap_docx(sub: Submission) -> bytes:
    from docx.shared import Pt

    document = _new_document()
    normal = document.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(0), Pt(0), 1.0

    def add(text: str, *, bold: bool = False, size: Any = None) -> None:
        paragraph = document.add_paragraph()
        _no_spacing(paragraph)
        _runs(paragraph, [(text, bold)], **({"size": size} if size else {}))

    add(sub.checklist_line)
    for criterion in sub.criteria:
        add(criterion.title)
        add(f"{criterion.number:02d}", size=Pt(36))
        for section in criterion.sections:
            if section.subcriterion is not None:
                add(section.subcriterion)
            for project in section.projects:
                if project.title is not None:
                    add(project.title)
                for name, text in project.fields:
                    add(sub.label(name, title_case=False), bold=True)
                    for line in paragraphs(text):
                        add(line)
    return _save(document)


SERIF, SANS = "Liberation Serif", "Liberation Sans"


def render_spaced_docx(sub: Submission) -> bytes:
    from docx.shared import Pt

    document = _new_document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = SERIF, Pt(11)
    normal.paragraph_format.space_before, normal.paragraph_format.space_after = Pt(6), Pt(6)

    def add(text: str, *, bold: bool = False, name: str = SERIF, size: float = 11) -> None:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(6)
        _runs(paragraph, [(text, bold)], name=name, size=Pt(size))

    add(sub.checklist_line, bold=True, name=SANS, size=16)
    for criterion in sub.criteria:
        add(criterion.title, bold=True, name=SANS, size=14)
        add(f"{criterion.number:02d}", bold=True, name=SANS, size=14)
        for section in criterion.sections:
            if section.subcriterion is not None:
                add(section.subcriterion, name=SANS, size=12)
            for project in section.projects:
                if project.title is not None:
                    add(project.title, bold=True, name=SANS, size=12)
                for name, text in project.fields:
                    add(sub.label(name, title_case=False), bold=True)
                    for line in paragraphs(text):
                        add(line)
    return _save(document)


def render_allbold_docx(sub: Submission) -> bytes:
    from docx.shared import Pt

    document = _new_document()
    normal = document.styles["Normal"]
    normal.font.bold = True
    normal.paragraph_format.space_before, normal.paragraph_format.space_after = Pt(0), Pt(6)

    def add(parts: list[str]) -> None:
        _runs(document.add_paragraph(), [(part, True) for part in parts])

    add([sub.checklist_line])
    for criterion in sub.criteria:
        add([f"{criterion.number}. {criterion.title}"])
        numbered = [s for s in criterion.sections if s.subcriterion is not None]
        for section in criterion.sections:
            if section.subcriterion is not None:
                add([f"{criterion.number}.{numbered.index(section) + 1} {section.subcriterion}"])
            for project in section.projects:
                if project.title is not None:
                    add([project.title])
                for name, text in project.fields:
                    lines = paragraphs(text)
                    label = sub.label(name, title_case=True) + ":"
                    add([label, " " + lines[0]] if lines else [label])
                    for line in lines[1:]:
                        add([line])
    return _save(document)


def _fill(cell, text: str, *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Cell text, one paragraph per line ("" leaves the cell's one empty paragraph)."""
    lines = paragraphs(text) or [""]
    first = cell.paragraphs[0]
    _runs(first, [(lines[0], bold)] if lines[0] else [])
    for line in lines[1:]:
        _runs(cell.add_paragraph(), [(line, bold)])


def render_table_docx(sub: Submission) -> bytes:
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    document = _new_document()
    normal = document.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(6)
    index = 0

    def add(text: str, *, bold: bool = False, size: float | None = None) -> None:
        _runs(document.add_paragraph(), [(text, bold)], **({"size": Pt(size)} if size else {}))

    add(sub.checklist_line, bold=True, size=16)
    for criterion in sub.criteria:
        add(criterion.title, bold=True, size=14)
        add(f"{criterion.number:02d}", bold=True, size=14)
        for section in criterion.sections:
            if section.subcriterion is not None:
                add(section.subcriterion, bold=True)
            for project in section.projects:
                if project.title is not None:
                    add(project.title, bold=True, size=12)
                labels = [sub.label(name, title_case=False) for name, _ in project.fields]
                texts = [text for _, text in project.fields]
                if index % 2 == 0:  # label | value, one row per field
                    table = document.add_table(rows=len(labels), cols=2)
                    for row, label, text in zip(table.rows, labels, texts):
                        _fill(row.cells[0], label, bold=True)
                        _fill(row.cells[1], text)
                else:  # a header row of labels over one row of values
                    table = document.add_table(rows=2, cols=len(labels))
                    for column, (label, text) in enumerate(zip(labels, texts)):
                        _fill(table.rows[0].cells[column], label, bold=True)
                        _fill(table.rows[1].cells[column], text)
                table.style = "Table Grid"
                for row in table.rows:  # a row cut by a page break would split a value in two cells
                    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
                index += 1
    return _save(document)


# --------------------------------------------------------------------------- text layout
def render_numbered_txt(sub: Submission) -> bytes:
    out = [sub.checklist_line]
    for criterion in sub.criteria:
        out += ["", f"{criterion.number:02d} {criterion.title}"]
        numbered = [s for s in criterion.sections if s.subcriterion is not None]
        for section in criterion.sections:
            if section.subcriterion is not None:
                out += ["", f"{criterion.number}.{numbered.index(section) + 1} {section.subcriterion}"]
            for project in section.projects:
                out.append("")
                if project.title is not None:
                    out.append(project.title)
                for name, text in project.fields:
                    lines = paragraphs(text)
                    label = sub.label(name, title_case=True) + ":"
                    out.append(f"{label} {lines[0]}" if lines else label)
                    out += lines[1:]
    return ("\n".join(out) + "\n").encode("utf-8")


DOCX_RENDERERS: dict[str, Callable[[Submission], bytes]] = {
    "word.docx": render_word_docx,
    "nogap.docx": render_nogap_docx,
    "spaced.docx": render_spaced_docx,
    "allbold.docx": render_allbold_docx,
    "table.docx": render_table_docx,
}


# --------------------------------------------------------------------------- LibreOffice
def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """PDFs of `docx_files` (or text files) made by LibreOffice headless, written to out_dir/<stem>.pdf."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: run scripts/install-system-deps.sh (LibreOffice headless)")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"soffice did not finish converting {len(docx_files)} files "
                             f"in {SOFFICE_TIMEOUT_S} s: {', '.join(p.name for p in docx_files)}") from None
    pdfs = [out_dir / (p.stem + ".pdf") for p in docx_files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if done.returncode != 0 or missing:
        raise SystemExit(f"soffice failed (exit {done.returncode}), missing {missing}: {done.stderr.strip()}")
    return pdfs


# --------------------------------------------------------------------------- driver
def render_all(sub: Submission, stem: str, out_dir: Path) -> list[Path]:
    """Every layout of `sub`, written to out_dir/<stem>.<layout>."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for layout, renderer in DOCX_RENDERERS.items():
        path = out_dir / f"{stem}.{layout}"
        path.write_bytes(renderer(sub))
        written.append(path)
    path = out_dir / f"{stem}.numbered.txt"
    path.write_bytes(render_numbered_txt(sub))
    written.append(path)
    sources = [out_dir / f"{stem}.{layout.replace('.pdf', '.docx')}" for layout in PDF_LAYOUTS]
    with tempfile.TemporaryDirectory(prefix="printed-") as scratch:
        # soffice names its output after the input's stem: the printout's source is a copy of the
        # text named after its layout, converted in the same soffice run as the DOCX files
        printed = Path(scratch) / f"{stem}.{PRINTED_LAYOUTS[0].replace('.pdf', '.txt')}"
        printed.write_bytes(path.read_bytes())
        written += convert_to_pdf([*sources, printed], out_dir)
    return written


def sample_submission(stem: str, samples: Path = SAMPLES) -> Submission:
    """A committed sample's structure, from its reviewed golden file."""
    text = (samples / f"{stem}.txt").read_text(encoding="utf-8")
    content = json.loads((samples / f"{stem}.txt.expected.json").read_text(encoding="utf-8"))
    return submission_from(content, text)


def seed_content(seed: Path) -> dict[str, Any]:
    """The seed's structure: the text pipeline's result (tests/test_seed.py verifies it by hand)."""
    sys.path.insert(0, str(REPO))  # run from a checkout without installing
    from cittaslow_extract.check import golden
    from cittaslow_extract.pipeline import RunConfig, process_document

    result = process_document(seed, RunConfig(mentions=False))
    if result.document.status != "ok":
        raise SystemExit(f"{seed}: {result.document.error}")
    return golden.snapshot(result, mentions=False)


def seed_stem(seed: Path) -> str:
    return seed.name.removesuffix(".txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLES / "layouts", help="output folder")
    parser.add_argument("--seed", type=Path, help="also render this text submission (never commit it)")
    args = parser.parse_args(argv)
    if args.seed is not None and args.out.resolve().is_relative_to(SAMPLES.resolve()):
        parser.error("--seed renders the user's document: give an --out folder outside samples/")
    written: list[Path] = []
    for stem in SAMPLE_STEMS:
        written += render_all(sample_submission(stem), stem, args.out)
    if args.seed is not None:
        text = args.seed.read_text(encoding="utf-8")
        written += render_all(submission_from(seed_content(args.seed), text), seed_stem(args.seed), args.out)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
