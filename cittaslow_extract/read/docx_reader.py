"""DOCX reader: body paragraphs and tables in document order, with Word's formatting as evidence.

Reads the document XML directly (lxml through python-docx's package loader): python-docx's
high-level objects cost far more than the reading itself (`paragraph.style.name` alone is ~12x the
rest), so every style is resolved once per document into a small record, by style id
(docx_styles.py); list numbers are counted by docx_numbering.py.  This module walks the body.

What becomes a block (see models.Block):
- each body paragraph with visible text; a soft line break (Shift+Enter) starts a new block, as a
  new line does in a text file;
- `gap_before`: an empty paragraph before it, "space before" on the paragraph or its style (as
  Word shows it: not between two paragraphs of one style with "don't add space"), or a table
  just before it;
- `style` and `heading_level` from the paragraph style (Title → 0, Heading N → N, or the outline
  level), `bold` when every visible character is bold, `font_size` as the size carrying most text;
- `space_before` / `space_after` in points, `align`, `indent`, `italic`, `font` (the family
  carrying most text), and `runs` (text with bold, italic, size and font) when the formatting
  changes inside the paragraph: the segmenter reads "**OBJECTIVE** Making …" as a label and a value;
- Word's automatic numbering (`w:numPr` on the paragraph or its style, numbering.xml): the number
  Word shows before the text ("01", "1.1") as `list_label`, its level as `list_level`;
- tables cell by cell, row by row, with table_index, table_row and table_col set, so the segmenter
  sees the grid (label | value rows, or labels across the top): the first paragraph of a row's
  first cell, or of any cell after an empty one, has gap_before;
- not content: headers, footers, footnotes, comments (they live in other parts of the package),
  deleted revisions, hidden text, field codes and text boxes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block, RawDocument, Run
from cittaslow_extract.normalize.turkish import strip_invisible, tr_upper
from cittaslow_extract.read.docx_numbering import Numbering
from cittaslow_extract.read.docx_styles import (
    Style,
    Styles,
    W,
    first_of,
    flag,
    indent_of,
    load_styles,
    numbering_of,
    rpr_flag,
    rpr_font,
    rpr_size,
    spacing_after,
    spacing_before,
    val,
)

_P, _TBL, _TR, _TC, _R, _T = (W + n for n in ("p", "tbl", "tr", "tc", "r", "t"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
# Containers inside a paragraph whose runs are visible text.
_RUN_CONTAINERS = {
    W + n for n in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo")
}
_LINE_BREAK = "\n"


@dataclass(slots=True)
class _Segment:
    text: str
    bold: bool
    size: float
    italic: bool = False
    font: str | None = None


@dataclass(slots=True)
class _Para:
    """A paragraph read into runs; `lines` are its soft-line-break pieces."""

    lines: list[list[_Segment]]
    style: Style | None
    style_id: str | None
    space_before: float
    contextual_spacing: bool
    space_after: float | None = None
    align: str | None = None
    indent: float | None = None
    numbering: tuple[str, int] | None = None


@dataclass(slots=True)
class _Reader:
    styles: Styles
    numbering: Numbering
    blocks: list[Block] = field(default_factory=list)
    pending_gap: bool = True  # the first block of a document always has gap_before
    previous_style: str | None = None
    tables: int = 0

    # ------------------------------------------------------------------ body
    def body(self, container: Any, table: tuple[int, int, int] | None = None) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _P:
                self.paragraph(child, table)
            elif tag == _TBL:
                self.table(child)
            elif tag in (_SDT, _CUSTOM_XML):
                content = child.find(_SDT_CONTENT) if tag == _SDT else child
                if content is not None:
                    self.body(content, table)

    def table(self, tbl: Any) -> None:
        self.pending_gap = True
        table_index = self.tables
        self.tables += 1
        for row_index, tr in enumerate(tbl.iterchildren(_TR)):
            for col_index, tc in enumerate(_cells(tr)):
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and val(vmerge) != "restart":
                    continue  # a merged continuation cell: its text is in the cell above
                self.pending_gap = col_index == 0 or self._row_is_empty(row_index)
                self.body(tc, (table_index, row_index, col_index))
            self.pending_gap = True
        self.pending_gap = True
        self.previous_style = None

    def _row_is_empty(self, row_index: int) -> bool:
        """True while no block of this row was emitted yet (an empty label cell)."""
        last = self.blocks[-1] if self.blocks else None
        return last is None or not last.in_table or last.table_row != row_index

    def paragraph(self, p: Any, table: tuple[int, int, int] | None) -> None:
        para = self.read_paragraph(p)
        if para is None:
            return
        lines = [line for line in para.lines if "".join(s.text for s in line).strip()]
        if not lines:
            self.pending_gap = True  # an empty paragraph is a blank line
            self.previous_style = para.style_id
            return
        same_style = para.style_id == self.previous_style
        spaced = para.space_before > 0 and not (para.contextual_spacing and same_style)
        gap = self.pending_gap or spaced
        list_label = None
        if para.numbering is not None:
            list_label = self.numbering.label(*para.numbering)
        for k, line in enumerate(lines):
            self.emit(line, para, gap if k == 0 else False, table, list_label if k == 0 else None)
        self.pending_gap = False
        self.previous_style = para.style_id

    def emit(
        self,
        segments: list[_Segment],
        para: _Para,
        gap: bool,
        table: tuple[int, int, int] | None,
        list_label: str | None,
    ) -> None:
        text = _fold("".join(s.text for s in segments))
        if not text:
            return
        style = para.style
        visible = [s for s in segments if s.text.strip()]
        sizes: Counter[float] = Counter()
        fonts: Counter[str] = Counter()
        for s in visible:
            sizes[s.size] += len(s.text)
            if s.font:
                fonts[s.font] += len(s.text)
        runs = _runs_of(visible)
        self.blocks.append(
            Block(
                text=text,
                gap_before=gap,
                bold=all(s.bold for s in visible),
                font_size=max(sizes.items(), key=lambda i: (i[1], i[0]))[0] if sizes else None,
                style=style.name if style else None,
                heading_level=style.heading_level if style else None,
                in_table=table is not None,
                table_index=table[0] if table else None,
                table_row=table[1] if table else None,
                table_col=table[2] if table else None,
                italic=all(s.italic for s in visible),
                font=max(fonts.items(), key=lambda i: (i[1], i[0]))[0] if fonts else None,
                space_before=para.space_before,
                space_after=para.space_after,
                indent=para.indent,
                align=para.align,
                list_label=list_label,
                list_level=para.numbering[1] if para.numbering and list_label else None,
                runs=runs if len(runs) > 1 else (),
            )
        )

    # ------------------------------------------------------------------ runs
    def read_paragraph(self, p: Any) -> _Para | None:
        ppr = p.find(W + "pPr")
        style_id = val(ppr.find(W + "pStyle")) if ppr is not None else None
        style = self.styles.paragraph(style_id)
        spacing = ppr.find(W + "spacing") if ppr is not None else None
        space_before = first_of(
            spacing_before(spacing),
            style.space_before if style else None,
            self.styles.default_space_before,
        )
        contextual = first_of(
            flag(ppr.find(W + "contextualSpacing")) if ppr is not None else None,
            style.contextual_spacing if style else None,
            False,
        )
        lines: list[list[_Segment]] = [[]]
        for run in _runs(p):
            self._run(run, style, lines)
        numbering = first_of(numbering_of(ppr), style.numbering if style else None)
        return _Para(
            lines,
            style,
            style_id or self.styles.default_paragraph,
            space_before,
            contextual,
            space_after=first_of(spacing_after(spacing), style.space_after if style else None),
            align=first_of(val(ppr.find(W + "jc")) if ppr is not None else None, style.align if style else None),
            indent=first_of(indent_of(ppr), style.indent if style else None),
            numbering=numbering if numbering and numbering[0] != "0" else None,
        )

    def _run(self, run: Any, style: Style | None, lines: list[list[_Segment]]) -> None:
        rpr = run.find(W + "rPr")
        char_style = None
        if rpr is not None:
            char_id = val(rpr.find(W + "rStyle"))
            char_style = self.styles.by_id.get(char_id) if char_id else None
        chain = (char_style, style)
        hidden = first_of(rpr_flag(rpr, "vanish"), *(s.hidden for s in chain if s))
        if hidden:
            return
        bold = bool(first_of(rpr_flag(rpr, "b"), *(s.bold for s in chain if s), self.styles.default_bold))
        caps = first_of(rpr_flag(rpr, "caps"), *(s.caps for s in chain if s))
        size = first_of(rpr_size(rpr), *(s.size for s in chain if s), self.styles.default_size)
        italic = bool(first_of(rpr_flag(rpr, "i"), *(s.italic for s in chain if s)))
        font = first_of(rpr_font(rpr), *(s.font for s in chain if s))
        pieces: list[str] = []
        for child in run.iterchildren():
            tag = child.tag
            if tag == _T:
                pieces.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                pieces.append("\t")
            elif tag == W + "br":
                kind = child.get(W + "type")
                pieces.append(" " if kind in ("page", "column") else _LINE_BREAK)
            elif tag == W + "cr":
                pieces.append(_LINE_BREAK)
            elif tag == W + "noBreakHyphen":
                pieces.append("-")
        text = "".join(pieces)
        if not text:
            return
        if caps:
            text = tr_upper(text)
        chunks = text.split(_LINE_BREAK)
        for k, chunk in enumerate(chunks):
            if k:
                lines.append([])
            if chunk:
                lines[-1].append(_Segment(chunk, bold, size, italic, font))


def _runs(p: Any) -> Iterator[Any]:
    """The visible runs of a paragraph, in order (inside hyperlinks, insertions, fields …)."""
    for child in p.iterchildren():
        tag = child.tag
        if tag == _R:
            yield child
        elif tag in _RUN_CONTAINERS:
            yield from _runs(child)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _runs(content)


def _cells(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:  # a content control around cells
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren(_TC))


def _runs_of(segments: list[_Segment]) -> tuple[Run, ...]:
    """Consecutive segments of the same formatting merged into runs."""
    runs: list[Run] = []
    for s in segments:
        if runs and (runs[-1].bold, runs[-1].italic, runs[-1].size, runs[-1].font) == (s.bold, s.italic, s.size, s.font):
            runs[-1] = Run(runs[-1].text + s.text, s.bold, s.italic, s.size, s.font)
        else:
            runs.append(Run(s.text, s.bold, s.italic, s.size, s.font))
    return tuple(runs)


def _fold(text: str) -> str:
    return " ".join(strip_invisible(text.replace("\u00a0", " ")).split())


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see read/reader.py)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise CorruptFile(path, "not a readable DOCX package (no main document part)") from exc
    except (KeyError, ValueError, OSError) as exc:
        raise CorruptFile(path, f"corrupt DOCX file ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # lxml XMLSyntaxError, zipfile.BadZipFile …
        raise CorruptFile(path, f"corrupt DOCX file ({type(exc).__name__}: {exc})") from exc
    part = document.part
    try:
        styles_element = part._styles_part.element  # noqa: SLF001 - no public raw access
    except Exception:  # a document without a styles part
        styles_element = None
    try:
        numbering_element = part.numbering_part.element
    except Exception:  # no numbering part
        numbering_element = None
    reader = _Reader(load_styles(styles_element), Numbering.load(numbering_element))
    body = document.element.body
    if body is None:
        raise CorruptFile(path, "corrupt DOCX file (the document has no body)")
    reader.body(body)
    if not reader.blocks:
        raise EmptyFile(path, "the DOCX document has no text in its body")
    return RawDocument(path=path, source_format="docx", blocks=reader.blocks, running_text=_running_text(document))


def _running_text(document: Any) -> list[str]:
    """The texts of the sections' headers and footers (not content: identity.py reads the city and
    year there), each once; a part that cannot be read adds nothing."""
    texts: dict[str, None] = {}
    try:
        for section in document.sections:
            for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
                if part.is_linked_to_previous:
                    continue
                texts.update(dict.fromkeys(" ".join(p.text.split()) for p in part.paragraphs if p.text.strip()))
    except Exception:  # a damaged header part must not cost the document
        pass
    return list(texts)
