"""PDF readers: layout decisions on small PDFs drawn line by line, each checked with both engines
(pdfplumber and pypdfium2 share pdf_layout.py and must give the same blocks), and the failures a
batch meets (encrypted, broken, image-only, too long)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from render_helper import pdf_fonts

from cittaslow_extract.errors import CorruptFile, EncryptedFile, NoTextLayer, ResourceLimitExceeded
from cittaslow_extract.models import Block
from cittaslow_extract.read import pdf_reader, pdfium_reader
from cittaslow_extract.read.registry import ReadOptions
from cittaslow_extract.structure.units import build_units
from cittaslow_extract.structure.vocabulary import load_vocabulary

ENGINES = {"pdfplumber": pdf_reader.read, "pdfium": pdfium_reader.read}
PAGE_W, PAGE_H = 595.28, 841.89
LEFT, RIGHT = 72.0, 523.28  # text area of the one-column fixtures


@dataclass(frozen=True)
class Text:
    """One line drawn at (x, baseline measured from the top of the page)."""

    x: float
    y: float
    text: str
    size: float = 10.0
    bold: bool = False
    font: str | None = None  # a PDF standard font ("Courier") instead of the test's sans


def draw(path: Path, pages: list[list[Text]], fake_bold: tuple[str, ...] = (), **canvas_args: Any) -> Path:
    from reportlab.pdfgen import canvas

    _fonts()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, **canvas_args)
    for items in pages:
        for item in items:
            c.setFont(item.font or ("TestSans-Bold" if item.bold else "TestSans"), item.size)
            c.drawString(item.x, PAGE_H - item.y, item.text)
            if item.text in fake_bold:  # overprinted a little to the right: "fake bold"
                c.drawString(item.x + 0.4, PAGE_H - item.y, item.text)
        c.showPage()
    c.save()
    return path


def paragraph(x: float, y: float, lines: list[str], pitch: float = 12.0, **kw: Any) -> list[Text]:
    return [Text(x, y + k * pitch, line, **kw) for k, line in enumerate(lines)]


def read_both(path: Path, options: ReadOptions | None = None) -> list[Block]:
    """The blocks of `path`, asserting both engines agree."""
    plumber = pdf_reader.read(path, options)
    pdfium = pdfium_reader.read(path, options)
    assert plumber.blocks == pdfium.blocks
    assert plumber.page_count == pdfium.page_count
    return plumber.blocks


def texts(blocks: list[Block]) -> list[tuple[str, bool]]:
    return [(b.text, b.gap_before) for b in blocks]


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = pdf_fonts()
    if "TestSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestSans", str(regular)))
        pdfmetrics.registerFont(TTFont("TestSans-Bold", str(bold)))


def wrap(text: str, width: float = RIGHT - LEFT, size: float = 10.0) -> list[str]:
    """`text` broken into lines as a word processor would for a column `width` wide."""
    from reportlab.lib.utils import simpleSplit

    _fonts()
    return simpleSplit(text, "TestSans", size, width)


def width_of(text: str, bold: bool = False, size: float = 10.0) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _fonts()
    return stringWidth(text, "TestSans-Bold" if bold else "TestSans", size)


LONG = (
    "The municipality carried out the works together with the neighbourhood associations and "
    "volunteers from every district, meeting each month to plan the next steps of the project "
    "and to report on the budget spent so far."
)


# --------------------------------------------------------------------------- paragraphs and gaps
def test_lines_paragraphs_and_gaps(tmp_path: Path) -> None:
    page = [
        Text(LEFT, 80, "Cittaslow Metropolis Checklist: Energy", size=16, bold=True),
        Text(LEFT, 120, "OBJECTIVE", bold=True),
        *paragraph(LEFT, 132, wrap(LONG)),  # three wrapped lines: one paragraph
        Text(LEFT, 168, "A second paragraph straight after a short line."),
        Text(LEFT, 200, "BUDGET (TL)", bold=True),  # a blank line's gap above
        Text(LEFT, 212, "500.000"),
    ]
    assert len(wrap(LONG)) == 3
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert texts(blocks) == [
        ("Cittaslow Metropolis Checklist: Energy", True),
        ("OBJECTIVE", True),
        (LONG, False),
        ("A second paragraph straight after a short line.", False),
        ("BUDGET (TL)", True),
        ("500.000", False),
    ]
    assert [b.bold for b in blocks] == [True, True, False, False, True, False]
    assert [b.font_size for b in blocks] == [16.0, 10.0, 10.0, 10.0, 10.0, 10.0]
    assert {b.page for b in blocks} == {1}


def test_bold_label_and_value_on_one_line_keep_their_runs(tmp_path: Path) -> None:
    """The reader reports the formatting; the segmenter's units cut the label from its value."""
    page = [
        Text(LEFT, 80, "OBJECTIVE", bold=True),
        Text(LEFT + width_of("OBJECTIVE ", bold=True), 80, "Planting trees along the tram line"),
        Text(LEFT, 104, "Note", bold=True),  # bold but not a label: stays one unit
        Text(LEFT + width_of("Note ", bold=True), 104, "the works start in May"),
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert [(b.text, b.gap_before, b.bold) for b in blocks] == [
        ("OBJECTIVE Planting trees along the tram line", True, False),
        ("Note the works start in May", True, False),
    ]
    assert [(r.text, r.bold) for r in blocks[0].runs] == [
        ("OBJECTIVE", True),
        (" Planting trees along the tram line", False),
    ]
    units = build_units(blocks, load_vocabulary())
    assert [(u.text, u.gap_before, u.bold) for u in units] == [
        ("OBJECTIVE", True, True),
        ("Planting trees along the tram line", False, False),
        ("Note the works start in May", True, False),
    ]


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        # a word the document writes whole elsewhere ("establishment", in the title) loses the hyphen
        ("for the estab-", "lishment of libraries", "for the establishment of libraries"),
        # a compound keeps it: office tools do not hyphenate unless asked
        ("home cleaning, self-", "care and psychosocial support", "home cleaning, self-care and psychosocial support"),
        ("supported by the Covid-", "19 fund", "supported by the Covid-19 fund"),
        ("between 2019 -", "2020 only", "between 2019 - 2020 only"),
    ],
    ids=["hyphenated word", "compound word", "hyphen before a digit", "spaced dash"],
)
def test_hyphen_at_line_end(tmp_path: Path, left: str, right: str, joined: str) -> None:
    filler = _filler(left)
    page = [Text(LEFT, 80, "Title of the establishment", bold=True), *paragraph(LEFT, 110, [filler + left, right])]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert blocks[-1].text == filler + joined


def _filler(end: str) -> str:
    """Words that, followed by `end`, fill a line to the right margin."""
    words = "the city council approved the plan after a long public consultation with every".split()
    filler = ""
    k = 0
    while width_of(filler + words[k % len(words)] + " " + end) < RIGHT - LEFT - 2:
        filler += words[k % len(words)] + " "
        k += 1
    return filler


def test_compound_hyphen_kept_when_the_document_spells_it_so(tmp_path: Path) -> None:
    first = "Workshops on socio-economic inclusion: " + _filler("and socio-") + "and socio-"
    page = [*paragraph(LEFT, 80, [first, "economic partners of the municipality"])]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert blocks[0].text.endswith("and socio-economic partners of the municipality")


# --------------------------------------------------------------------------- pages
def _running(number: int, total: int) -> list[Text]:
    return [
        Text(200, 40, "İzmir Metropolitan Municipality — Checklist 2024", size=8),
        Text(280, 815, f"Page {number} of {total}", size=8),
    ]


def test_running_headers_and_footers_are_removed_and_values_join_across_pages(tmp_path: Path) -> None:
    pages = [
        [
            *_running(1, 3),
            Text(LEFT, 80, "İzmir Metropolitan Municipality — Checklist 2024", size=14, bold=True),
            Text(LEFT, 110, "COMPLETED", bold=True),
            *paragraph(LEFT, 122, wrap(LONG)[:2]),  # runs on to page 2
        ],
        [
            *_running(2, 3),
            Text(LEFT, 80, wrap(LONG)[2]),
            Text(LEFT, 110, "Village Theaters", bold=True),
            *paragraph(LEFT, 122, wrap(LONG)[:1]),  # runs on to page 3
        ],
        [
            *_running(3, 3),
            Text(LEFT, 80, "and ends on the third page."),
        ],
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", pages))
    assert [(b.text, b.page, b.page_end) for b in blocks] == [
        # the title repeats the header's words at another height: it stays
        ("İzmir Metropolitan Municipality — Checklist 2024", 1, None),
        ("COMPLETED", 1, None),
        (LONG, 1, 2),
        ("Village Theaters", 2, None),
        (wrap(LONG)[0] + " and ends on the third page.", 2, 3),
    ]


def test_title_split_across_a_page_break_is_joined(tmp_path: Path) -> None:
    title = (
        "Accessible İzmir Projects and Disabled Inventory Creation (Congress and Workshop, Red Flag, "
        "Parent Information and Education Center)"
    )
    lines = wrap(title, size=12)
    assert len(lines) == 2
    pages = [
        [Text(LEFT, 72, "Previous value ends here."), Text(LEFT, 812 - 60, lines[0], size=12, bold=True)],
        [Text(LEFT, 72, lines[1], size=12, bold=True), Text(LEFT, 100, "OBJECTIVE", bold=True)],
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", pages))
    assert [(b.text, b.page, b.page_end, b.bold) for b in blocks] == [
        ("Previous value ends here.", 1, None, False),
        (title, 1, 2, True),
        ("OBJECTIVE", 2, None, True),
    ]


def test_wrapped_line_starting_with_the_word_o_is_not_a_bullet(tmp_path: Path) -> None:
    """Turkish "o" (that, he, she) often starts a wrapped line: it must not start a paragraph."""
    first = _filler("ve") + "ve"
    page = [Text(LEFT, 80, first), Text(LEFT, 92, "o gün yapılan çalışmalar deftere yazılır.")]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert [b.text for b in blocks] == [first + " o gün yapılan çalışmalar deftere yazılır."]


def test_bare_page_numbers_removed_body_numbers_kept(tmp_path: Path) -> None:
    names = ("Governance", "Energy", "Mobility")
    pages = [
        [Text(LEFT, 80, names[n - 1]), Text(LEFT, 104, f"0{n}"), Text(297, 815, str(n))] for n in (1, 2, 3)
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", pages))
    assert [(b.text, b.page) for b in blocks] == [
        ("Governance", 1), ("01", 1), ("Energy", 2), ("02", 2), ("Mobility", 3), ("03", 3)
    ]


def test_label_at_the_top_of_pages_is_not_a_running_header(tmp_path: Path) -> None:
    """Bug caught: a label that happened to start two of three pages was taken for a header."""
    pages = [
        [Text(LEFT, 72, "PROJECT DURATION", bold=True), Text(LEFT, 84, f"{n} years")] for n in (1, 2, 3)
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", pages))
    assert [b.text for b in blocks] == ["PROJECT DURATION", "1 years"] + [
        "PROJECT DURATION", "2 years", "PROJECT DURATION", "3 years"
    ]


def test_blank_line_at_the_top_of_a_page_is_seen(tmp_path: Path) -> None:
    pages = [
        [Text(LEFT, 72, "Title", bold=True), *paragraph(LEFT, 96, ["A short value."])],
        [Text(LEFT, 72 + 14, "Next paragraph after a blank line")],
        [Text(LEFT, 72, "No gap here")],
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", pages))
    assert texts(blocks) == [
        ("Title", True),
        ("A short value.", True),
        ("Next paragraph after a blank line", True),
        ("No gap here", False),
    ]


# --------------------------------------------------------------------------- columns and overprint
COLUMN = [
    "Two mobile stages travel to the villages",
    "every weekend, with concerts, plays and",
    "talks for families who live far from the",
    "city centre and its theatres.",
]
RIGHT_COLUMN = [
    "The mobile library visits a different",
    "village every day and lends children",
    "new books, returning after forty-five",
    "days with the next set of titles.",
]


def test_two_columns_read_left_then_right_under_a_full_width_title(tmp_path: Path) -> None:
    gutter = 20.0
    width = (RIGHT - LEFT - gutter) / 2
    page = [
        Text(LEFT, 80, "Providing cultural services as a public service for every district", size=12, bold=True),
        Text(LEFT, 110, "OBJECTIVE", bold=True),
        *paragraph(LEFT, 122, COLUMN),
        Text(LEFT + width + gutter, 110, "BRIEF INFORMATION", bold=True),
        *paragraph(LEFT + width + gutter, 122, RIGHT_COLUMN),
        Text(LEFT, 190, "START DATE", bold=True),
        Text(LEFT, 202, "2019"),
        Text(LEFT + width + gutter, 190, "END DATE", bold=True),
        Text(LEFT + width + gutter, 202, "Ongoing"),
    ]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert [b.text for b in blocks] == [
        "Providing cultural services as a public service for every district",
        "OBJECTIVE",
        " ".join(COLUMN),
        "START DATE",
        "2019",
        "BRIEF INFORMATION",
        " ".join(RIGHT_COLUMN),
        "END DATE",
        "Ongoing",
    ]


def test_label_column_beside_values_is_not_two_columns(tmp_path: Path) -> None:
    """A borderless label | value layout is read row by row, not as two columns of text."""
    value_x = 250.0
    labels = ["OBJECTIVE", "BUDGET (TL)", "START DATE", "END DATE", "COMPLETED", "PROJECT DURATION"]
    values = ["Greener school yards", "750.000", "2021", "2023", "Twelve yards", "2 years"]
    page = [Text(LEFT, 80, "Rain Gardens", bold=True)]
    for k, (label, value) in enumerate(zip(labels, values)):
        page += [Text(LEFT, 110 + 30 * k, label, bold=True), Text(value_x, 110 + 30 * k, value)]
    blocks = read_both(draw(tmp_path / "p.pdf", [page]))
    assert [b.text for b in blocks] == ["Rain Gardens"] + [x for pair in zip(labels, values) for x in pair]


# A text file printed to PDF (Notepad, LibreOffice): every line in a monospaced font, wrapped near
# the margin, no paragraph spacing.  Words line up in a grid, so strips between them that few words
# cross look like a column gutter (this page's from x = 362.8 to 374.8 in LibreOffice's printout
# of samples/community-en.txt): the rows there were read as two columns and words moved between
# fields ("… volunteer with the that need help").
PRINTED_LINES = [
    "Cittaslow Metropolis Checklist: Community",
    "Strong neighbourhood networks and local solidarity",
    "01",
    "Supporting neighbourhood associations and volunteer groups",
    "Neighbourhood Volunteers Network",
    "OBJECTIVE",
    "Connecting residents who want to volunteer with the neighbourhood associations",
    "that need help",
    "BRIEF INFORMATION ABOUT THE PROJECT",
    "An online platform and a weekly desk at the district houses match volunteers",
    "with local needs.",
    "Volunteers are trained in first aid and in communication with elderly residents.",
    "BUDGET (TL)",
    "1.250.000",
    "PROJECT DURATION",
    "18 MONTHS",
    "START DATE",
    "2021 May",
    "END DATE",
    "November 22",
    "COMPLETED",
    "Over 1,200 volunteers registered and 35 associations joined the network in the",
    "first year.",
]


def test_monospaced_printout_is_one_column(tmp_path: Path) -> None:
    page = paragraph(56.8, 60, PRINTED_LINES, pitch=11.4, font="Courier")
    words = read_both(draw(tmp_path / "printed.pdf", [page]))
    # every word once, in the order printed (where paragraphs end is the paragraph tests' concern)
    assert " ".join(b.text for b in words).split() == " ".join(PRINTED_LINES).split()


def test_fake_bold_overprint_is_removed(tmp_path: Path) -> None:
    page = [Text(LEFT, 80, "OBJECTIVE"), Text(LEFT, 92, "Keeping the streets clean")]
    blocks = read_both(draw(tmp_path / "p.pdf", [page], fake_bold=("OBJECTIVE",)))
    assert [b.text for b in blocks] == ["OBJECTIVE", "Keeping the streets clean"]


# --------------------------------------------------------------------------- failures
@pytest.mark.parametrize("engine", ENGINES)
def test_encrypted_pdf_needs_its_password(tmp_path: Path, engine: str) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = draw(tmp_path / "secret.pdf", [[Text(LEFT, 80, "OBJECTIVE")]],
                encrypt=StandardEncryption("user-pw", "owner-pw", strength=128))
    with pytest.raises(EncryptedFile) as caught:
        ENGINES[engine](path, ReadOptions())
    assert caught.value.reason.startswith("encrypted PDF")
    blocks = ENGINES[engine](path, ReadOptions(password="user-pw")).blocks
    assert [b.text for b in blocks] == ["OBJECTIVE"]


@pytest.mark.parametrize("engine", ENGINES)
def test_image_only_pdf_has_no_text_layer(tmp_path: Path, engine: str) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.rect(72, 72, 300, 400, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(NoTextLayer) as caught:
        ENGINES[engine](path, ReadOptions(ocr="never"))
    assert "no text layer" in caught.value.reason and "--ocr never" in caught.value.reason
    if shutil.which("tesseract"):  # a black box: OCR finds nothing either
        with pytest.raises(NoTextLayer) as caught:
            ENGINES[engine](path, ReadOptions())
        assert "OCR found no text" in caught.value.reason


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_broken_pdf_is_a_corrupt_file(tmp_path: Path, engine: str, damage: str) -> None:
    good = draw(tmp_path / "good.pdf", [[Text(LEFT, 80, "OBJECTIVE")], [Text(LEFT, 80, "Two")]])
    data = good.read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[: len(data) // 3] if damage == "truncated" else b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(CorruptFile) as caught:
        ENGINES[engine](broken, ReadOptions())
    assert "\n" not in caught.value.reason and "PDF" in caught.value.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_page_limit(tmp_path: Path, engine: str) -> None:
    path = draw(tmp_path / "long.pdf", [[Text(LEFT, 80, f"page {n}")] for n in range(5)])
    with pytest.raises(ResourceLimitExceeded):
        ENGINES[engine](path, ReadOptions(max_pages=3))
    assert ENGINES[engine](path, ReadOptions(max_pages=5)).page_count == 5


def test_a_page_without_text_is_a_warning(tmp_path: Path) -> None:
    path = draw(tmp_path / "p.pdf", [[Text(LEFT, 80, "OBJECTIVE")], []])
    for read in ENGINES.values():
        document = read(path, ReadOptions())
        assert document.warnings == ["pdf_page_without_text"]
        assert document.page_count == 2


def _read_in_worker(path: str) -> list[Block]:
    return pdfium_reader.read(Path(path), ReadOptions()).blocks


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_pdfium_reader_in_worker_processes(tmp_path: Path, start_method: str) -> None:
    """PDFium keeps no state between files: worker processes read what the parent reads."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    paths = [
        str(draw(tmp_path / f"p{k}.pdf", [[Text(LEFT, 80, "OBJECTIVE", bold=True), Text(LEFT, 92, f"Value {k}")]]))
        for k in range(4)
    ]
    pdfium_reader.read(Path(paths[0]), ReadOptions())  # PDFium already loaded in the parent
    context = multiprocessing.get_context(start_method)
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(_read_in_worker, paths))
    assert results == [_read_in_worker(p) for p in paths]
    assert [r[1].text for r in results] == [f"Value {k}" for k in range(4)]


def test_ruled_table_words_go_to_their_cells_and_a_drawing_is_no_table() -> None:
    from cittaslow_extract.read.pdf_tables import find_tables
    from cittaslow_extract.read.pdf_words import Rule, Word

    # a 2 x 2 grid: rows 100-120 and 120-140, columns 50-150 and 150-300
    grid = [Rule(50, 300, y, y + 0.5) for y in (100, 120, 140)] + [Rule(x, x + 0.5, 100, 140) for x in (50, 150, 300)]
    words = [Word("OBJECTIVE", 55, 110, 104, 114, 10, True), Word("Grow", 155, 180, 104, 114, 10, False),
             Word("BUDGET", 55, 95, 124, 134, 10, True), Word("500.000", 155, 195, 124, 134, 10, False),
             Word("Below", 55, 85, 150, 160, 10, False)]
    tables, outside = find_tables(grid, words)
    assert [w.text for w in outside] == ["Below"]
    assert [[(c.row, c.col, [w.text for w in c.words]) for c in t.cells] for t in tables] == [
        [(0, 0, ["OBJECTIVE"]), (0, 1, ["Grow"]), (1, 0, ["BUDGET"]), (1, 1, ["500.000"])]]
    drawing = [Rule(i, i + 40, 200 + i % 50, 200.5 + i % 50) for i in range(400)] + [
        Rule(i, i + 0.5, 200, 260) for i in range(300)]
    assert find_tables(drawing, words) == ([], words)
