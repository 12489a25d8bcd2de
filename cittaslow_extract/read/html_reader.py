"""HTML reader: saved web pages and word-processor exports (LibreOffice, Word "Save as web page").

Parsed with lxml's HTML parser (libxml2: tolerant of broken markup, no network, no entities
loaded).  Scripts, styles, forms and the page chrome (`<nav>`, `<header>`, `<footer>`, `<aside>`,
and the header/footer blocks a word processor writes) are not content.  Blocks, in document order:

- a block is the text of a block element (p, div, h1-h6, li, td, …) up to its next block child
  or `<br>` (a `<br>` starts a new block without a gap, like a line break in a text file);
- inside `<pre>` (a text file saved or pasted as a web page) line breaks count as a browser shows
  them: a line ends its block, and an empty line is a blank line, as in a text submission;
- `heading_level` from h1-h6; `bold` when all its text is inside b/strong/th (or a bold style);
- `gap_before`: after an empty paragraph, on a heading, on a paragraph with a top margin (6 pt or
  more) in its style attribute, at a table's rows; and, on a page that uses neither empty
  paragraphs nor margins (a hand-written web page), on every paragraph, as a browser shows it;
- a paragraph that starts with a bold field label ("<b>OBJECTIVE</b> Making …") gives the label
  and the value as two blocks, as the DOCX reader does;
- table cells are blocks with `in_table`, `table_row` and `table_col`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block, RawDocument, Run
from cittaslow_extract.normalize.turkish import strip_invisible

_SKIPPED = {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside",
            "form", "button", "select", "svg", "iframe", "object"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre",
           "td", "th", "tr", "table", "ul", "ol", "dl", "section", "article", "main", "body",
           "caption", "figcaption", "address", "center", "hr", "tbody", "thead", "tfoot", "html"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BOLD_TAGS = {"b", "strong", "th"}
_CHROME_TITLES = {"header", "footer"}  # LibreOffice: <div title="header">
# "margin-top: 0.17in", "margin-top:12pt", "margin: 10px 0" in a style attribute
_MARGIN_TOP = re.compile(r"margin-top\s*:\s*([\d.]+)\s*(in|pt|px|cm|mm|em)", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.IGNORECASE)
_TO_POINTS = {"in": 72.0, "pt": 1.0, "px": 0.75, "cm": 28.35, "mm": 2.835, "em": 12.0}
_GAP_POINTS = 6.0  # a top margin this large is a visible gap


@dataclass(slots=True)
class _Pending:
    """The block being collected: text pieces with their boldness."""

    pieces: list[tuple[str, bool]] = field(default_factory=list)
    heading: int | None = None
    margin: bool = False
    element: str = "p"
    cell: tuple[int, int] | None = None
    continued: bool = False  # after a <br> inside the element: a new line, not a new paragraph


class _Reader:
    def __init__(self, web_page: bool) -> None:
        self.web_page = web_page  # no empty paragraphs nor margins: every paragraph stands apart
        self.blocks: list[Block] = []
        self.gap = True
        self.current = _Pending()
        self.row = -1
        self.tables = -1  # index of the table being read
        self.preformatted = 0  # depth of <pre> elements around the text being read

    # ------------------------------------------------------------------ walking
    def walk(self, element: Any, bold: bool, cell: tuple[int, int] | None) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if not tag or tag in _SKIPPED or (element.get("title") or "").lower() in _CHROME_TITLES:
            self._text(element.tail, bold, cell, tail_of=element)
            return
        style = element.get("style") or ""
        inner_bold = bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(style))
        if tag == "table":
            self.tables += 1  # rows count from 0 in every table
            self.row = -1
        if tag == "tr":
            self.flush()
            self.row += 1
            cell_index = -1
            self._text(element.text, inner_bold, cell)
            for child in element:
                if isinstance(child.tag, str) and child.tag.lower() in ("td", "th"):
                    cell_index += 1
                    self.flush()
                    self.current.cell = (self.row, cell_index)
                    if cell_index == 0:
                        self.gap = True
                    self.walk(child, inner_bold, (self.row, cell_index))
                    self.flush()
                else:
                    self.walk(child, inner_bold, cell)
            self.flush()
            self.gap = True
            self._text(element.tail, bold, cell)
            return
        if tag == "br":
            self.flush(line_break=True)
            self._text(element.tail, bold, cell)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
            self.current.heading = _HEADINGS.get(tag)
            self.current.element = tag
            self.current.cell = cell
            self.current.margin = _margin_gap(style)
        self.preformatted += tag == "pre"
        self._text(element.text, inner_bold, cell)
        for child in element:
            self.walk(child, inner_bold, cell)
        self.preformatted -= tag == "pre"
        if block:
            self.flush(end_of=tag)
        self._text(element.tail, bold, cell)

    def _text(self, text: str | None, bold: bool, cell: tuple[int, int] | None, tail_of: Any = None) -> None:
        if not text:
            return
        if self.preformatted and "\n" in text:
            first, *lines = text.split("\n")
            self._text(first, bold, cell)
            for line in lines:  # each line break as a <br>: an empty line makes a gap
                self.flush(line_break=True)
                self._text(line, bold, cell)
            return
        if not self.current.pieces:
            self.current.cell = cell if self.current.cell is None else self.current.cell
        self.current.pieces.append((text, bold))

    # ------------------------------------------------------------------ blocks
    def flush(self, line_break: bool = False, end_of: str | None = None) -> None:
        pending = self.current
        text = _fold("".join(piece for piece, _ in pending.pieces))
        next_pending = _Pending(cell=pending.cell if line_break else None)
        if line_break:  # the rest of the element continues with its heading level and cell
            next_pending.heading, next_pending.element = pending.heading, pending.element
            next_pending.continued = True
        self.current = next_pending
        if not text:
            if end_of in ("p", "div", "li") or line_break:
                self.gap = True  # an empty paragraph (or a <br> on its own) is a blank line
            return
        gap = (
            self.gap
            or pending.heading is not None
            or pending.margin
            or (self.web_page and not pending.continued
                and pending.element in ("p", "li", "dt", "dd", "blockquote", "pre"))
        )
        self.gap = False
        visible = [(piece, bold) for piece, bold in pending.pieces if piece.strip()]
        bold = bool(visible) and all(bold for _, bold in visible)
        row, col = pending.cell if pending.cell is not None else (None, None)
        self._add(text, gap, bold, pending.heading, row, col, _runs(visible))

    def _add(self, text: str, gap: bool, bold: bool, heading: int | None, row: int | None, col: int | None,
             runs: tuple[Run, ...] = ()) -> None:
        self.blocks.append(Block(
            text=text, gap_before=gap, bold=bold, heading_level=heading,
            in_table=row is not None, table_row=row, table_col=col,
            table_index=self.tables if row is not None else None, runs=runs,
        ))


def _runs(visible: list[tuple[str, bool]]) -> tuple[Run, ...]:
    """The paragraph's pieces as bold / regular runs, when it has both (the segmenter reads a bold
    label run followed by its value, structure/units.py)."""
    runs: list[Run] = []
    for piece, bold in visible:
        if runs and runs[-1].bold == bold:
            runs[-1] = Run(runs[-1].text + " " + piece, bold)
        else:
            runs.append(Run(piece, bold))
    return tuple(runs) if len(runs) > 1 else ()


def _margin_gap(style: str) -> bool:
    match = _MARGIN_TOP.search(style)
    return match is not None and float(match.group(1)) * _TO_POINTS[match.group(2).lower()] >= _GAP_POINTS


def _fold(text: str) -> str:
    return " ".join(strip_invisible(text.replace("\u00a0", " ")).split())


def _is_web_page(root: Any) -> bool:
    """No empty paragraph and no top margins: paragraphs are told apart by the browser's margins."""
    for p in root.iter("p"):
        if _MARGIN_TOP.search(p.get("style") or ""):
            return False
        if not _fold(p.text_content()):
            return False
    return True


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see read/reader.py)."""
    import lxml.etree  # type: ignore[import-untyped]  # lxml ships no type information
    import lxml.html  # type: ignore[import-untyped]

    data = path.read_bytes()
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                      huge_tree=False)
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise CorruptFile(path, f"unreadable HTML ({type(exc).__name__}: {exc})") from exc
    body = root.find("body")
    reader = _Reader(_is_web_page(root))
    reader.walk(body if body is not None else root, False, None)
    reader.flush()
    if not reader.blocks:
        raise EmptyFile(path, "the HTML page has no text in its body")
    return RawDocument(path=path, source_format="html", blocks=reader.blocks)
