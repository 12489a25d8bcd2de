#!/usr/bin/env python3
"""Render text submissions as the DOCX and PDF layouts cities send, reproducibly.

    python scripts/make_samples.py                      # every samples/*.txt → samples/
    python scripts/make_samples.py --out DIR a.txt …    # given texts → DIR
    python scripts/make_samples.py --check              # exit 1 if samples/ is out of date

Each text gives five files, named <stem>.<layout>.<ext>:

  styled.docx  Word styles: Title, Heading 1-3 for criteria, sub-criteria and project titles; bold
               labels; blank lines become "space before"; a running header and footer and a comment
  plain.docx   Normal style only: headings are plain text, a label is a bold run at the start of
               the paragraph holding the first line of its value; blank lines are empty paragraphs
  table.docx   each project's labels and values in a two-column table (label | value)
  word.pdf     a one-column A4 page as Word exports it: bold headings, running header, footer
               "Page N of M"; the longest value is cut by a page break after its first line
  twocol.pdf   the same on two-column pages, header across both columns, bare page numbers; the
               longest value is cut by a column break

The rendering follows the text's lines exactly: one paragraph per non-empty line, a blank line as
visible space, so that a reader gives back the same paragraphs (tests/test_format_parity.py).
Output is byte-identical from run to run (fixed dates, reportlab's invariant mode, fixed ZIP
timestamps).  PDFs need a TrueType font with Turkish letters: DejaVu Sans (Debian: fonts-dejavu-core)
or a font given with --font/--bold-font.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from cittaslow_extract.read.text_reader import blocks_from_text, decode_text  # noqa: E402
from cittaslow_extract.structure.units import sentence_like  # noqa: E402
from cittaslow_extract.structure.vocabulary import load_vocabulary  # noqa: E402

LAYOUTS: tuple[str, ...] = ("styled.docx", "plain.docx", "table.docx", "word.pdf", "twocol.pdf")
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_NUMBER_LINE = re.compile(r"^\d{1,2}$")


# --------------------------------------------------------------------------- the text's structure
@dataclass(frozen=True, slots=True)
class Line:
    """One paragraph of the text submission, with its role as a human formatter would see it."""

    text: str
    gap_before: bool  # a blank line before it
    kind: str  # title | heading1 | heading2 | heading3 | number | label | body


def classify(text: str) -> list[Line]:
    """The text's paragraphs with the role each plays in the layout.

    Roles come from the text alone: the first line is the title; a field label stands alone; a
    paragraph standing between blank lines is a heading (before a number: a criterion; before a
    label: a project title, unless it is a sentence, which continues the value above; otherwise a
    sub-criterion); the rest is body text.
    """
    vocab = load_vocabulary()
    blocks = blocks_from_text(text)
    lines: list[Line] = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        label = vocab.match_label(block.text)
        next_is_label = following is not None and _is_bare_label(vocab, following.text)
        stands_alone = block.gap_before and (following is None or following.gap_before or next_is_label)
        if i == 0:
            kind = "title"
        elif label is not None and label.inline_value is None:
            kind = "label"
        elif _NUMBER_LINE.match(block.text) and stands_alone:
            kind = "number"
        elif stands_alone and label is None and not (next_is_label and sentence_like(block.text)):
            if following is not None and _NUMBER_LINE.match(following.text):
                kind = "heading1"
            elif next_is_label:
                kind = "heading3"
            else:
                kind = "heading2"
        else:
            kind = "body"
        lines.append(Line(block.text, block.gap_before, kind))
    return lines


def _is_bare_label(vocab, text: str) -> bool:  # type: ignore[no-untyped-def]
    match = vocab.match_label(text)
    return match is not None and match.inline_value is None


def _groups(lines: list[Line]) -> list[tuple[Line, list[Line]]]:
    """(label, its value lines) pairs and (other line, []) items, in order."""
    items: list[tuple[Line, list[Line]]] = []
    current: list[Line] | None = None
    for line in lines:
        if line.kind == "label":
            items.append((line, []))
            current = items[-1][1]
        elif line.kind == "body" and current is not None:
            current.append(line)
        else:
            items.append((line, []))
            current = None
    return items


# --------------------------------------------------------------------------- DOCX
def _docx_document(title: str):  # type: ignore[no-untyped-def]
    import docx
    from docx.shared import Pt

    document = docx.Document()
    props = document.core_properties
    props.author = "cittaslow-extract samples"
    props.last_modified_by = "cittaslow-extract samples"
    props.title = title
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    normal = document.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(3)
    return document


def _running_header_footer(document, title: str) -> None:  # type: ignore[no-untyped-def]
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{title} — submission"
    section.footer.paragraphs[0].text = "Cittaslow Metropolis · page"


def _space(paragraph, gap: bool) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Pt

    paragraph.paragraph_format.space_before = Pt(12) if gap else Pt(0)


def render_styled_docx(lines: list[Line]) -> bytes:
    document = _docx_document(lines[0].text)
    _running_header_footer(document, lines[0].text)
    styles = {"title": "Title", "heading1": "Heading 1", "number": "Heading 1",
              "heading2": "Heading 2", "heading3": "Heading 3"}
    commented = False
    for line in lines:
        paragraph = document.add_paragraph(style=styles.get(line.kind, "Normal"))
        run = paragraph.add_run(line.text)
        if line.kind == "label":
            run.bold = True
        _space(paragraph, line.gap_before)
        if line.kind == "heading3" and not commented:
            comment = document.add_comment(run, text="Please check this title.", author="Reviewer")
            comment._comment_elm.date = FIXED_DATE  # reproducible output
            commented = True
    return _save_docx(document)


def render_plain_docx(lines: list[Line]) -> bytes:
    document = _docx_document(lines[0].text)
    _running_header_footer(document, lines[0].text)
    for k, (head, values) in enumerate(_groups(lines)):
        if head.gap_before and k:
            document.add_paragraph("")  # a blank line typed as an empty paragraph
        paragraph = document.add_paragraph("")
        if head.kind != "label":
            paragraph.add_run(head.text)
            continue
        paragraph.add_run(head.text).bold = True
        rest = values
        if values and not values[0].gap_before:
            paragraph.add_run("\t" + values[0].text)  # the value runs on after the bold label
            rest = values[1:]
        for value in rest:
            if value.gap_before:
                document.add_paragraph("")
            document.add_paragraph(value.text)
    return _save_docx(document)


def render_table_docx(lines: list[Line]) -> bytes:
    from docx.shared import Cm

    document = _docx_document(lines[0].text)
    _running_header_footer(document, lines[0].text)
    table = None
    for k, (label, values) in enumerate(_groups(lines)):
        if label.kind != "label":
            table = None
            if label.gap_before and k:
                document.add_paragraph("")
            paragraph = document.add_paragraph()
            paragraph.add_run(label.text).bold = label.kind != "body"
            continue
        if table is None:
            table = document.add_table(rows=0, cols=2)
            table.style = document.styles["Table Grid"]
        row = table.add_row()
        row.cells[0].width, row.cells[1].width = Cm(5), Cm(11)
        label_paragraph = row.cells[0].paragraphs[0]
        label_paragraph.add_run(label.text).bold = True
        cell = row.cells[1]
        for k, value in enumerate(values):
            if k == 0 and not value.gap_before:
                cell.paragraphs[0].add_run(value.text)
                continue
            if value.gap_before and k:
                cell.add_paragraph("")  # (the cell's first paragraph is already an empty one)
            cell.add_paragraph(value.text)
    return _save_docx(document)


def _save_docx(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same ZIP with fixed entry timestamps, so a re-run gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF
def find_fonts(regular: Path | None = None, bold: Path | None = None) -> tuple[Path, Path]:
    """Paths of a regular and a bold TrueType font with Turkish letters (DejaVu Sans by default)."""
    if regular and bold:
        return regular, bold
    for directory in FONT_DIRS:
        r, b = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if r.exists() and b.exists():
            return r, b
    raise FileNotFoundError(
        "DejaVu Sans not found (install fonts-dejavu-core, or pass --font and --bold-font)"
    )


def _register_fonts(regular: Path, bold: Path) -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = ("SampleSans", "SampleSans-Bold")
    registered = pdfmetrics.getRegisteredFontNames()
    if names[0] not in registered:
        pdfmetrics.registerFont(TTFont(names[0], str(regular)))
        pdfmetrics.registerFont(TTFont(names[1], str(bold)))
    return names


def _pdf_classes(columns: int):  # type: ignore[no-untyped-def]
    """reportlab subclasses, built lazily so importing this script does not need reportlab."""
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Frame, FrameBreak, PageBreak, Paragraph

    class GapParagraph(Paragraph):
        """A paragraph after a blank line.  Its space before stays visible at the top of a page,
        as an empty Word paragraph does, so a reader can see the blank line there too; the part
        of a paragraph carried over to the next page gets no space.

        `break_after_lines` forces a page (or column) break inside the paragraph after that many
        lines: the samples then always hold a value that runs across a page break."""

        top_gap = 0.0
        break_after_lines = 0

        def wrap(self, availWidth, availHeight):  # type: ignore[no-untyped-def]
            width, height = super().wrap(availWidth, availHeight)
            # Placed in a frame, claim not to fit, so reportlab splits it; measured with unbounded
            # height (keep-with-next grouping), give the true size, so the label stays before it.
            if self.break_after_lines and availHeight < 1e6:
                return width, max(height, availHeight + 1)
            return width, height

        def split(self, availWidth, availHeight):  # type: ignore[no-untyped-def]
            if self.break_after_lines:
                lines = self.break_after_lines
                if availHeight < lines * self.style.leading:
                    return []  # not even the first part fits here: next frame
                self.break_after_lines = 0
                self.allowOrphans = self.allowWidows = 1
                parts = super().split(availWidth, lines * self.style.leading + 0.01)
                if len(parts) == 2:
                    parts[0].top_gap = self.top_gap
                    parts[0].spaceBefore = getattr(self, "spaceBefore", 0)
                    return [parts[0], break_flowable(), parts[1]]
                return parts
            parts = super().split(availWidth, availHeight)
            if len(parts) == 2:
                parts[0].top_gap = self.top_gap
                parts[0].spaceBefore = getattr(self, "spaceBefore", 0)
            return parts

    break_flowable = PageBreak if columns == 1 else FrameBreak  # a column break on two columns

    class GapFrame(Frame):
        def _add(self, flowable, canv, trySplit=0):  # type: ignore[no-untyped-def]
            at_top = self._atTop
            if getattr(flowable, "top_gap", 0) and at_top:
                self._atTop = 0
            result = Frame._add(self, flowable, canv, trySplit)
            if not result:
                self._atTop = at_top
            return result

        add = _add

        def split(self, flowable, canv):  # type: ignore[no-untyped-def]
            at_top = self._atTop
            if getattr(flowable, "top_gap", 0) and at_top:
                self._atTop = 0
            try:
                return Frame.split(self, flowable, canv)
            finally:
                self._atTop = at_top

    class NumberedCanvas(canvas.Canvas):
        """Draws the running header and footer once the page count is known ("Page 3 of 12")."""

        header = ""
        footer_style = "page_of"  # page_of | bare
        font = "Helvetica"

        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):  # type: ignore[no-untyped-def]
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):  # type: ignore[no-untyped-def]
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.setFont(self.font, 8.5)
            self.drawCentredString(width / 2, height - 36, self.header)
            number = self._pageNumber
            text = f"Page {number} of {total}" if self.footer_style == "page_of" else str(number)
            self.drawCentredString(width / 2, 30, text)

    return GapParagraph, GapFrame, NumberedCanvas


def render_pdf(lines: list[Line], columns: int, fonts: tuple[Path, Path]) -> bytes:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, PageTemplate

    regular, bold = _register_fonts(*fonts)
    GapParagraph, GapFrame, NumberedCanvas = _pdf_classes(columns)
    body_size = 10.5 if columns == 1 else 9.5
    leading = round(body_size * 1.24, 2)
    body = ParagraphStyle(
        "Body", fontName=regular, fontSize=body_size, leading=leading, spaceAfter=3.5,
        alignment=TA_LEFT, allowWidows=1, allowOrphans=0,
    )
    label = ParagraphStyle("Label", parent=body, fontName=bold, keepWithNext=1)
    heading3 = ParagraphStyle("Heading3", parent=label)
    heading2 = ParagraphStyle("Heading2", parent=label, fontSize=body_size + 1.5,
                              leading=(body_size + 1.5) * 1.24)
    heading1 = ParagraphStyle("Heading1", parent=label, fontSize=body_size + 3,
                              leading=(body_size + 3) * 1.24)
    title = ParagraphStyle("Title", parent=label, fontSize=body_size + 6,
                           leading=(body_size + 6) * 1.24)
    styles = {"title": title, "heading1": heading1, "number": heading1, "heading2": heading2,
              "heading3": heading3, "label": label, "body": body}

    width, height = A4
    margin, gutter = 72.0, 20.0
    if columns == 1:
        frames = [GapFrame(margin, margin, width - 2 * margin, height - 2 * margin, id="body",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                           overlapAttachedSpace=0)]
    else:
        side = 54.0
        column_width = (width - 2 * side - gutter) / 2
        frames = [
            GapFrame(side + k * (column_width + gutter), margin, column_width, height - 2 * margin,
                     id=f"column{k}", leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0, overlapAttachedSpace=0)
            for k in range(2)
        ]
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, invariant=1, title=lines[0].text, author="cittaslow-extract samples",
        creator="cittaslow-extract samples", producer="cittaslow-extract samples",
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=frames)])
    story = []
    blank = leading + 3.5  # an empty paragraph: one line plus its spacing
    split_at = _longest_value(lines)
    for k, line in enumerate(lines):
        paragraph = GapParagraph(_escape(line.text), styles[line.kind])
        if line.gap_before and story:
            paragraph.spaceBefore = blank
            paragraph.top_gap = blank
        if k == split_at:
            paragraph.break_after_lines = 1
        story.append(paragraph)

    class Canvas(NumberedCanvas):
        header = f"{lines[0].text} — submission"
        footer_style = "page_of" if columns == 1 else "bare"
        font = regular

    document.build(story, canvasmaker=Canvas)
    return buffer.getvalue()


def _longest_value(lines: list[Line]) -> int | None:
    """Index of the longest value paragraph that wraps (the one split by a page break)."""
    candidates = [(len(line.text), -k) for k, line in enumerate(lines) if line.kind == "body"]
    if not candidates:
        return None
    length, index = max(candidates)
    return -index if length >= 100 else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- driver
def render(text: str, layout: str, fonts: tuple[Path, Path] | None = None) -> bytes:
    """The bytes of `text` rendered in one of LAYOUTS."""
    lines = classify(text)
    if not lines:
        raise ValueError("the text has no content")
    if layout == "styled.docx":
        return render_styled_docx(lines)
    if layout == "plain.docx":
        return render_plain_docx(lines)
    if layout == "table.docx":
        return render_table_docx(lines)
    if layout in ("word.pdf", "twocol.pdf"):
        return render_pdf(lines, 1 if layout == "word.pdf" else 2, fonts or find_fonts())
    raise ValueError(f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")


def render_file(source: Path, out_dir: Path, layouts: tuple[str, ...] = LAYOUTS,
                fonts: tuple[Path, Path] | None = None) -> list[Path]:
    text, _ = decode_text(source.read_bytes())
    written = []
    for layout in layouts:
        target = out_dir / f"{source.stem}.{layout}"
        target.write_bytes(render(text, layout, fonts))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", nargs="*", type=Path, help="text submissions (default: samples/*.txt)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: beside each text)")
    parser.add_argument("--layout", action="append", choices=LAYOUTS, help="only these layouts")
    parser.add_argument("--font", type=Path, help="regular TrueType font for PDFs")
    parser.add_argument("--bold-font", type=Path, help="bold TrueType font for PDFs")
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date")
    args = parser.parse_args(argv)
    texts = args.texts or sorted((REPO / "samples").glob("*.txt"))
    if not texts:
        parser.error("no text files given and none in samples/")
    layouts = tuple(args.layout or LAYOUTS)
    fonts = find_fonts(args.font, args.bold_font) if any(l.endswith(".pdf") for l in layouts) else None
    stale = []
    for source in texts:
        out_dir = args.out or source.parent
        out_dir.mkdir(parents=True, exist_ok=True)
        text, _ = decode_text(source.read_bytes())
        for layout in layouts:
            target = out_dir / f"{source.stem}.{layout}"
            data = render(text, layout, fonts)
            if args.check:
                if not target.exists() or target.read_bytes() != data:
                    stale.append(target)
                continue
            target.write_bytes(data)
            print(target)
    if stale:
        print("out of date: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
