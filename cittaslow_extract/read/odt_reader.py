"""ODT reader: OpenDocument text, from its content.xml and styles.xml, without LibreOffice.

The archive goes through the same zip-bomb and DTD checks as a DOCX first (read/safety.py,
run by registry.read_document), and the XML is parsed with entities and network access off.
Blocks, in document order, with the same evidence the DOCX reader gives:

- `text:h` gives `heading_level` from its outline level; a paragraph whose style (or an ancestor
  style) is "Title" gives 0; `style` is the style's display name ("Heading 2", "Text Body");
- `bold` when every character is bold: fo:font-weight of the paragraph's style chain, overridden
  by its spans' styles (automatic styles of content.xml, then the named styles of styles.xml);
- a paragraph starting with a bold field label gives the label and its value as two blocks;
- `gap_before`: after an empty paragraph, or a top margin of 6 pt or more in the paragraph's style
  chain (Word's "space before");
- list items are paragraphs; table cells are blocks with `in_table`, `table_row`, `table_col`;
- annotations (comments), tracked-change records, frames' captions and notes are not content;
  headers and footers live in styles.xml's master pages and are not read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block, RawDocument, Run
from cittaslow_extract.normalize.turkish import strip_invisible

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_P, _H, _SPAN, _A = _q("text", "p"), _q("text", "h"), _q("text", "span"), _q("text", "a")
_S, _TAB, _BREAK = _q("text", "s"), _q("text", "tab"), _q("text", "line-break")
_TABLE, _ROW, _CELL = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell")
_SKIPPED = {_q("office", "annotation"), _q("office", "annotation-end"), _q("text", "tracked-changes"),
            _q("text", "note"), _q("text", "sequence-decls"), _q("text", "table-of-content"),
            _q("table", "covered-table-cell"), _q("text", "bookmark-ref")}
_STYLE_NAME, _PARENT = _q("style", "name"), _q("style", "parent-style-name")
_DISPLAY = _q("style", "display-name")
_TEXT_STYLE = _q("text", "style-name")
_OUTLINE = _q("text", "outline-level")
_MARGIN = re.compile(r"^([\d.]+)(in|pt|cm|mm|px)$")
_TO_POINTS = {"in": 72.0, "pt": 1.0, "cm": 28.35, "mm": 2.835, "px": 0.75}
_GAP_POINTS = 6.0
_MAX_STYLE_DEPTH = 20  # parent chains longer than this are cut (a loop in a broken file)


@dataclass(slots=True)
class _Style:
    parent: str | None
    display: str | None
    bold: bool | None
    margin_top: float | None


def _styles(*roots: Any) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    for root in roots:
        if root is None:
            continue
        for element in root.iter(_q("style", "style")):
            name = element.get(_STYLE_NAME)
            if not name:
                continue
            text = element.find(_q("style", "text-properties"))
            paragraph = element.find(_q("style", "paragraph-properties"))
            weight = text.get(_q("fo", "font-weight")) if text is not None else None
            margin = paragraph.get(_q("fo", "margin-top")) if paragraph is not None else None
            found = _MARGIN.match(margin or "")
            styles[name] = _Style(
                parent=element.get(_PARENT),
                display=element.get(_DISPLAY) or name.replace("_20_", " "),
                bold=None if weight is None else weight in ("bold", "600", "700", "800", "900"),
                margin_top=float(found.group(1)) * _TO_POINTS[found.group(2)] if found else None,
            )
    return styles


class _Reader:
    def __init__(self, styles: dict[str, _Style]) -> None:
        self.styles = styles
        self.blocks: list[Block] = []
        self.gap = True
        self.tables = -1  # index of the table being read

    def _chain(self, name: str | None) -> list[_Style]:
        chain: list[_Style] = []
        while name and name in self.styles and len(chain) < _MAX_STYLE_DEPTH:
            style = self.styles[name]
            chain.append(style)
            name = style.parent
        return chain

    def _first(self, name: str | None, attribute: str) -> Any:
        for style in self._chain(name):
            value = getattr(style, attribute)
            if value is not None:
                return value
        return None

    def _named(self, name: str | None) -> str | None:
        """The display name of the first named (not automatic) style in the chain."""
        for style in self._chain(name):
            if style.display and not re.fullmatch(r"P\d+", style.display):
                return style.display
        return None

    # ------------------------------------------------------------------ walking
    def body(self, element: Any, cell: tuple[int, int] | None = None) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag in (_P, _H):
                self.paragraph(child, cell)
            elif tag == _TABLE:
                self.table(child)
            else:  # lists, sections, list items, frames' text boxes …
                self.body(child, cell)

    def table(self, element: Any) -> None:
        self.tables += 1
        row = -1
        for tr in element.iter(_ROW):
            row += 1
            col = -1
            for td in tr:
                if td.tag != _CELL:
                    continue
                col += 1
                if col == 0:
                    self.gap = True
                self.body(td, (row, col))
        self.gap = True

    def paragraph(self, element: Any, cell: tuple[int, int] | None) -> None:
        style = element.get(_TEXT_STYLE)
        paragraph_bold = bool(self._first(style, "bold"))
        pieces: list[tuple[str, bool]] = []
        lines: list[list[tuple[str, bool]]] = [pieces]

        def walk(node: Any, bold: bool) -> None:
            if node.text:
                lines[-1].append((node.text, bold))
            for child in node:
                tag = child.tag
                if tag in _SKIPPED or not isinstance(tag, str):
                    pass
                elif tag == _S:
                    lines[-1].append((" " * int(child.get(_q("text", "c"), "1") or 1), bold))
                elif tag == _TAB:
                    lines[-1].append(("\t", bold))
                elif tag == _BREAK:
                    lines.append([])
                elif tag in (_SPAN, _A):
                    span_bold = self._first(child.get(_TEXT_STYLE), "bold")
                    walk(child, bold if span_bold is None else span_bold)
                elif tag not in (_P, _H):  # fields, bookmarks' text
                    walk(child, bold)
                if child.tail:
                    lines[-1].append((child.tail, bold))

        walk(element, paragraph_bold)
        heading = None
        if element.tag == _H:
            try:
                heading = int(element.get(_OUTLINE) or 1)
            except ValueError:
                heading = 1
        named = self._named(style)
        if heading is None and named and named.casefold() == "title":
            heading = 0
        margin = (self._first(style, "margin_top") or 0.0) >= _GAP_POINTS
        row, col = cell if cell is not None else (None, None)
        first = True
        for line in lines:
            text = _fold("".join(piece for piece, _ in line))
            if not text:
                if first:
                    self.gap = True  # an empty paragraph is a blank line
                continue
            visible = [(piece, bold) for piece, bold in line if piece.strip()]
            bold = bool(visible) and all(b for _, b in visible)
            gap = self.gap or (first and (margin or heading is not None))
            self.blocks.append(Block(
                text=text, gap_before=gap, bold=bold, style=named, heading_level=heading,
                in_table=cell is not None, table_row=row, table_col=col,
                table_index=self.tables if cell is not None else None, runs=_runs(visible),
            ))
            self.gap = False
            first = False


def _runs(visible: list[tuple[str, bool]]) -> tuple[Run, ...]:
    """The paragraph's pieces as bold / regular runs, when it has both (the segmenter reads a bold
    label run followed by its value, structure/units.py)."""
    runs: list[Run] = []
    for piece, bold in visible:
        if runs and runs[-1].bold == bold:
            runs[-1] = Run(runs[-1].text + piece, bold)
        else:
            runs.append(Run(piece, bold))
    return tuple(runs) if len(runs) > 1 else ()


def _fold(text: str) -> str:
    return " ".join(strip_invisible(text.replace("\u00a0", " ")).split())


def _parse(archive: zipfile.ZipFile, name: str, path: Path) -> Any:
    from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

    try:
        data = archive.read(name)
    except KeyError:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(path, f"corrupt ODT file: {name} is not well-formed XML ({exc})") from exc


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see read/reader.py)."""
    try:
        with zipfile.ZipFile(path) as archive:
            content = _parse(archive, "content.xml", path)
            styles = _parse(archive, "styles.xml", path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(path, f"corrupt or truncated ODT file ({exc})") from exc
    if content is None:
        raise CorruptFile(path, "corrupt ODT file: it has no content.xml")
    body = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
    if body is None:
        raise CorruptFile(path, "corrupt ODT file: content.xml has no text body")
    reader = _Reader(_styles(styles, content))  # automatic styles (content.xml) win
    reader.body(body)
    if not reader.blocks:
        raise EmptyFile(path, "the ODT document has no text in its body")
    return RawDocument(path=path, source_format="odt", blocks=reader.blocks)
