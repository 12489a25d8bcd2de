"""DOCX reader: paragraphs and tables in order, Word formatting as layout evidence, and what is not
content (headers, footers, comments, deleted or hidden text)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block
from cittaslow_extract.read.docx_reader import read
from cittaslow_extract.structure.units import build_units
from cittaslow_extract.structure.vocabulary import load_vocabulary


def _save(document: Any, tmp_path: Path, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _texts(blocks: list[Block]) -> list[tuple[str, bool]]:
    return [(b.text, b.gap_before) for b in blocks]


def test_heading_styles_give_levels_and_stand_alone(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Cittaslow Metropolis Checklist: Energy", style="Title")
    d.add_paragraph("Renewable energy", style="Heading 1")
    d.add_paragraph("Solar Roofs", style="Heading 3")
    d.add_paragraph("OBJECTIVE").runs[0].bold = True
    d.add_paragraph("Putting panels on every school roof")
    blocks = read(_save(d, tmp_path)).blocks
    assert [(b.text, b.style, b.heading_level) for b in blocks] == [
        ("Cittaslow Metropolis Checklist: Energy", "Title", 0),
        ("Renewable energy", "Heading 1", 1),
        ("Solar Roofs", "Heading 3", 3),
        ("OBJECTIVE", "Normal", None),
        ("Putting panels on every school roof", "Normal", None),
    ]
    # Heading styles carry "space before" in Word's template: a visible gap
    assert [b.gap_before for b in blocks] == [True, True, True, False, False]
    assert [b.bold for b in blocks] == [False, True, True, True, False]
    assert blocks[1].font_size == 14.0  # Heading 1 of the default template


def test_gaps_from_empty_paragraphs_and_space_before(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("First")
    d.add_paragraph("Second, straight after")
    d.add_paragraph("")
    d.add_paragraph("After an empty paragraph")
    spaced = d.add_paragraph("With space before")
    spaced.paragraph_format.space_before = Pt(12)
    d.add_paragraph("   ")  # whitespace only is empty too
    d.add_paragraph("After a blank-looking paragraph")
    assert _texts(read(_save(d, tmp_path)).blocks) == [
        ("First", True),
        ("Second, straight after", False),
        ("After an empty paragraph", True),
        ("With space before", True),
        ("After a blank-looking paragraph", True),
    ]


def test_contextual_spacing_hides_space_between_paragraphs_of_one_style(tmp_path: Path) -> None:
    d = docx.Document()
    style = d.styles["List Paragraph"]
    style.paragraph_format.space_before = Pt(6)
    pf = style.element.get_or_add_pPr()
    pf.append(pf.makeelement(qn("w:contextualSpacing"), {}))
    d.add_paragraph("Intro")
    d.add_paragraph("item one", style="List Paragraph")
    d.add_paragraph("item two", style="List Paragraph")
    assert _texts(read(_save(d, tmp_path)).blocks) == [("Intro", True), ("item one", True), ("item two", False)]


def test_bold_label_run_followed_by_value_is_cut_by_the_segmenter(tmp_path: Path) -> None:
    """The reader keeps a paragraph whole with its runs; the units cut a bold label from its value."""
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("OBJECTIVE").bold = True
    p.add_run("\tMaking the city greener")
    p = d.add_paragraph()
    p.add_run("Bütçe (TL):").bold = True
    p.add_run(" 1.250.000")
    p = d.add_paragraph()
    p.add_run("Important").bold = True  # bold, but not a label: one paragraph
    p.add_run(" note about the project")
    blocks = read(_save(d, tmp_path)).blocks
    assert [b.text for b in blocks] == [
        "OBJECTIVE Making the city greener",
        "Bütçe (TL): 1.250.000",
        "Important note about the project",
    ]
    assert [(r.text, r.bold) for r in blocks[0].runs] == [("OBJECTIVE", True), ("\tMaking the city greener", False)]
    units = build_units(blocks, load_vocabulary())
    assert [(u.text, u.gap_before, u.bold) for u in units] == [
        ("OBJECTIVE", True, True),
        ("Making the city greener", False, False),
        ("Bütçe (TL):", False, True),
        ("1.250.000", False, False),
        ("Important note about the project", False, False),
    ]


def test_label_value_table_reads_like_labelled_paragraphs(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Mobile Library")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).paragraphs[0].add_run("OBJECTIVE").bold = True
    table.cell(0, 1).paragraphs[0].add_run("Books for every village")
    table.cell(0, 1).add_paragraph("Two vans, five days a week")
    table.cell(1, 0).paragraphs[0].add_run("BUDGET (TL)").bold = True
    table.cell(1, 1).paragraphs[0].add_run("500.000")
    d.add_paragraph("Next project")
    blocks = read(_save(d, tmp_path)).blocks
    assert [(b.text, b.gap_before, b.in_table, b.table_row, b.table_col) for b in blocks] == [
        ("Mobile Library", True, False, None, None),
        ("OBJECTIVE", True, True, 0, 0),
        ("Books for every village", False, True, 0, 1),
        ("Two vans, five days a week", False, True, 0, 1),
        ("BUDGET (TL)", True, True, 1, 0),
        ("500.000", False, True, 1, 1),
        ("Next project", True, False, None, None),
    ]


def test_merged_cells_are_read_once(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).paragraphs[0].add_run("COMPLETED")
    table.cell(0, 1).paragraphs[0].add_run("First half")
    table.cell(1, 1).paragraphs[0].add_run("Second half")
    blocks = read(_save(d, tmp_path)).blocks
    assert [b.text for b in blocks] == ["COMPLETED", "First half", "Second half"]


def test_soft_line_break_starts_a_new_block(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("START DATE").bold = True
    p.add_run().add_break()
    p.add_run("2021")
    assert [(b.text, b.gap_before, b.bold) for b in read(_save(d, tmp_path)).blocks] == [
        ("START DATE", True, True),
        ("2021", False, False),
    ]


def test_headers_footers_and_comments_are_not_content(tmp_path: Path) -> None:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "İzmir Metropolitan Municipality"
    d.sections[0].footer.paragraphs[0].text = "Page 1"
    run = d.add_paragraph("Village Theaters").runs[0]
    d.add_comment(run, text="Check this title", author="Reviewer")
    assert [b.text for b in read(_save(d, tmp_path)).blocks] == ["Village Theaters"]


def test_deleted_and_hidden_text_left_out_inserted_text_kept(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Budget of ")
    deleted = p.add_run("400.000")
    inserted = p.add_run("500.000")
    hidden = p.add_run(" (secret)")
    hidden.font.hidden = True
    # wrap runs in tracked-change elements, as Word does
    w_del = p._p.makeelement(qn("w:del"), {qn("w:id"): "1", qn("w:author"): "x"})
    deleted._r.addprevious(w_del)
    w_del.append(deleted._r)
    for t in w_del.iter(qn("w:t")):
        t.tag = qn("w:delText")
    w_ins = p._p.makeelement(qn("w:ins"), {qn("w:id"): "2", qn("w:author"): "x"})
    inserted._r.addprevious(w_ins)
    w_ins.append(inserted._r)
    assert [b.text for b in read(_save(d, tmp_path)).blocks] == ["Budget of 500.000"]


def test_all_caps_formatting_shows_capitals(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph().add_run("başlangıç tarihi").font.all_caps = True
    assert [b.text for b in read(_save(d, tmp_path)).blocks] == ["BAŞLANGIÇ TARİHİ"]


def test_content_controls_and_hyperlinks_are_read(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("See ")
    link = p._p.makeelement(qn("w:hyperlink"), {})
    run = copy.deepcopy(p.runs[0]._r)
    run.find(qn("w:t")).text = "the city portal"
    link.append(run)
    p._p.append(link)
    sdt = d.element.body.makeelement(qn("w:sdt"), {})
    content = sdt.makeelement(qn("w:sdtContent"), {})
    inner = copy.deepcopy(d.add_paragraph("Inside a content control")._p)
    d.element.body.remove(d.paragraphs[-1]._p)
    content.append(inner)
    sdt.append(content)
    d.element.body.insert(len(d.element.body) - 1, sdt)  # before sectPr
    assert [b.text for b in read(_save(d, tmp_path)).blocks] == [
        "See the city portal",
        "Inside a content control",
    ]


# Style names come from the styles part, resolved once by id: a localized id must not matter.
def test_style_resolved_by_id_with_a_localized_id(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("Başlık", style="Heading 2")
    path = _save(d, tmp_path)
    # rename the style id as Turkish Word does ("Balk2"), keeping the built-in name
    import zipfile

    patched = tmp_path / "localized.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("word/document.xml", "word/styles.xml"):
                data = data.replace(b'w:val="Heading2"', b'w:val="Balk2"')
                data = data.replace(b'w:styleId="Heading2"', b'w:styleId="Balk2"')
            target.writestr(item, data)
    blocks = read(patched).blocks
    assert (blocks[0].text, blocks[0].style, blocks[0].heading_level) == ("Başlık", "Heading 2", 2)
    assert p.text == "Başlık"


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"PK\x03\x04 not really a zip", CorruptFile), (None, EmptyFile)],
    ids=["corrupt zip", "no text"],
)
def test_unreadable_docx(tmp_path: Path, content: bytes | None, error: type[Exception]) -> None:
    path = tmp_path / "bad.docx"
    if content is None:
        docx.Document().save(str(path))
    else:
        path.write_bytes(content)
    with pytest.raises(error) as caught:
        read(path)
    assert "\n" not in caught.value.reason
