"""DOCX reader: body paragraphs and tables in document order, with Word's formatting as evidence.

Reads the document XML directly (lxml through python-docx's package loader): python-docx's
high-level objects cost far more than the reading itself (`paragraph.style.name` alone is ~12x the
rest), so every style is resolved once per document into a small record, by style id.

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

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block, RawDocument, Run
from cittaslow_extract.normalize.turkish import strip_invisible, tr_upper

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R, _T = (_W + n for n in ("p", "tbl", "tr", "tc", "r", "t"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
# Containers inside a paragraph whose runs are visible text.
_RUN_CONTAINERS = {
    _W + n for n in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo")
}
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_ON = {"1", "true", "on"}
_LINE_BREAK = "\n"


def _val(element: Any, attribute: str = "val") -> str | None:
    return None if element is None else element.get(_W + attribute)


def _flag(element: Any) -> bool | None:
    """A WordprocessingML on/off property: present without val means on."""
    if element is None:
        return None
    value = element.get(_W + "val")
    return value is None or value.lower() in _ON


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    heading_level: int | None
    bold: bool | None
    caps: bool | None
    size: float | None  # points
    space_before: float | None  # points
    contextual_spacing: bool | None
    hidden: bool | None
    italic: bool | None = None
    font: str | None = None
    space_after: float | None = None
    align: str | None = None
    indent: float | None = None
    numbering: tuple[str, int] | None = None  # (numId, level) from the style's w:numPr


@dataclass(slots=True)
class _Styles:
    by_id: dict[str, _Style]
    default_paragraph: str | None
    default_bold: bool
    default_size: float
    default_space_before: float

    def paragraph(self, style_id: str | None) -> _Style | None:
        return self.by_id.get(style_id or self.default_paragraph or "")


def _load_styles(styles_element: Any) -> _Styles:
    """Every style resolved through its basedOn chain, once per document."""
    from docx.styles import BabelFish

    raw: dict[str, tuple[Any, str | None]] = {}
    default_paragraph = None
    default_bold, default_size, default_space = False, 10.0, 0.0
    if styles_element is not None:
        for style in styles_element.iterchildren(_W + "style"):
            style_id = style.get(_W + "styleId")
            if style_id is None:
                continue
            raw[style_id] = (style, _val(style.find(_W + "basedOn")))
            if style.get(_W + "type") == "paragraph" and _flag_attr(style.get(_W + "default")):
                default_paragraph = style_id
        defaults = styles_element.find(_W + "docDefaults")
        if defaults is not None:
            rpr = defaults.find(f"{_W}rPrDefault/{_W}rPr")
            if rpr is not None:
                default_bold = bool(_flag(rpr.find(_W + "b")))
                size = _val(rpr.find(_W + "sz"))
                default_size = int(size) / 2 if size and size.isdigit() else default_size
            spacing = defaults.find(f"{_W}pPrDefault/{_W}pPr/{_W}spacing")
            before = _val(spacing, "before")
            default_space = int(before) / 20 if before and before.lstrip("-").isdigit() else 0.0

    resolved: dict[str, _Style] = {}

    def resolve(style_id: str, depth: int = 0) -> _Style:
        if style_id in resolved:
            return resolved[style_id]
        element, parent_id = raw[style_id]
        parent = resolve(parent_id, depth + 1) if parent_id in raw and depth < 20 else None
        name_element = element.find(_W + "name")
        name = BabelFish.internal2ui(_val(name_element) or style_id)
        ppr, rpr = element.find(_W + "pPr"), element.find(_W + "rPr")
        heading = _HEADING_NAME.match(name)
        level: int | None = 0 if name.lower() == "title" else int(heading[1]) if heading else None
        outline = _val(ppr.find(_W + "outlineLvl")) if ppr is not None else None
        if level is None and outline is not None and outline.isdigit() and int(outline) < 9:
            level = int(outline) + 1
        if level is None and parent is not None:
            level = parent.heading_level
        spacing = ppr.find(_W + "spacing") if ppr is not None else None
        style = _Style(
            name=name,
            heading_level=level,
            bold=_first(_rpr_flag(rpr, "b"), parent.bold if parent else None),
            caps=_first(_rpr_flag(rpr, "caps"), parent.caps if parent else None),
            size=_first(_rpr_size(rpr), parent.size if parent else None),
            space_before=_first(_space_before(spacing), parent.space_before if parent else None),
            contextual_spacing=_first(
                _flag(ppr.find(_W + "contextualSpacing")) if ppr is not None else None,
                parent.contextual_spacing if parent else None,
            ),
            hidden=_first(_rpr_flag(rpr, "vanish"), parent.hidden if parent else None),
            italic=_first(_rpr_flag(rpr, "i"), parent.italic if parent else None),
            font=_first(_rpr_font(rpr), parent.font if parent else None),
            space_after=_first(_space_after(spacing), parent.space_after if parent else None),
            align=_first(_val(ppr.find(_W + "jc")) if ppr is not None else None, parent.align if parent else None),
            indent=_first(_indent(ppr), parent.indent if parent else None),
            numbering=_first(_num_pr(ppr), parent.numbering if parent else None),
        )
        resolved[style_id] = style
        return style

    for style_id in raw:
        resolve(style_id)
    return _Styles(resolved, default_paragraph, default_bold, default_size, default_space)


def _flag_attr(value: str | None) -> bool:
    return value is not None and value.lower() in _ON


def _first(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _rpr_flag(rpr: Any, name: str) -> bool | None:
    return None if rpr is None else _flag(rpr.find(_W + name))


def _rpr_size(rpr: Any) -> float | None:
    value = None if rpr is None else _val(rpr.find(_W + "sz"))
    return int(value) / 2 if value and value.isdigit() else None


def _rpr_font(rpr: Any) -> str | None:
    fonts = None if rpr is None else rpr.find(_W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi") or fonts.get(_W + "cs")


def _space_after(spacing: Any) -> float | None:
    if spacing is None:
        return None
    if _flag_attr(spacing.get(_W + "afterAutospacing")):
        return 14.0
    after = spacing.get(_W + "after")
    if after is not None and after.lstrip("-").isdigit():
        return int(after) / 20
    return None


def _indent(ppr: Any) -> float | None:
    ind = None if ppr is None else ppr.find(_W + "ind")
    if ind is None:
        return None
    left = ind.get(_W + "left") or ind.get(_W + "start")
    return int(left) / 20 if left is not None and left.lstrip("-").isdigit() else None


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    num_pr = None if ppr is None else ppr.find(_W + "numPr")
    if num_pr is None:
        return None
    num_id = _val(num_pr.find(_W + "numId"))
    level = _val(num_pr.find(_W + "ilvl"))
    if num_id is None:
        return None
    return num_id, int(level) if level and level.isdigit() else 0


# --------------------------------------------------------------------------- numbering
@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str  # decimal, decimalZero, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none
    text: str  # "%1.", "%1.%2", "•"


@dataclass(slots=True)
class _Numbering:
    """numbering.xml: the levels of every list, and the counters as the document goes on."""

    levels: dict[str, dict[int, _Level]]  # numId → level → definition
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, element: Any) -> _Numbering:
        if element is None:
            return cls({})
        abstract: dict[str, dict[int, _Level]] = {}
        for definition in element.iterchildren(_W + "abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in definition.iterchildren(_W + "lvl"):
                ilvl = lvl.get(_W + "ilvl")
                start = _val(lvl.find(_W + "start"))
                levels[int(ilvl or 0)] = _Level(
                    int(start) if start and start.isdigit() else 1,
                    _val(lvl.find(_W + "numFmt")) or "decimal",
                    _val(lvl.find(_W + "lvlText")) or "",
                )
            abstract[definition.get(_W + "abstractNumId") or ""] = levels
        lists: dict[str, dict[int, _Level]] = {}
        for num in element.iterchildren(_W + "num"):
            base = abstract.get(_val(num.find(_W + "abstractNumId")) or "", {})
            levels = dict(base)
            for override in num.iterchildren(_W + "lvlOverride"):
                level = int(override.get(_W + "ilvl") or 0)
                start = _val(override.find(_W + "startOverride"))
                if level in levels and start and start.isdigit():
                    old = levels[level]
                    levels[level] = _Level(int(start), old.fmt, old.text)
            lists[num.get(_W + "numId") or ""] = levels
        return cls(lists)

    def label(self, num_id: str, level: int) -> str | None:
        """The number Word shows for the next paragraph of this list at this level."""
        levels = self.levels.get(num_id)
        if not levels or level not in levels or num_id == "0":
            return None
        counter = self.counters.setdefault(num_id, [0] * 9)
        for k in range(level + 1, 9):
            counter[k] = 0  # a deeper level restarts under a new item
        for k in range(level):
            if counter[k] == 0 and k in levels:
                counter[k] = levels[k].start
        counter[level] = levels[level].start if counter[level] == 0 else counter[level] + 1
        definition = levels[level]
        if definition.fmt in ("bullet", "none"):
            return definition.text.strip() or None
        text = definition.text
        for k in range(level, -1, -1):
            if k in levels:
                text = text.replace(f"%{k + 1}", _format_number(counter[k], levels[k].fmt))
        return text.strip() or None


def _format_number(n: int, fmt: str) -> str:
    """A list counter as Word writes it.

    >>> _format_number(1, "decimalZero"), _format_number(12, "decimalZero"), _format_number(3, "upperRoman")
    ('01', '12', 'III')
    """
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _space_before(spacing: Any) -> float | None:
    if spacing is None:
        return None
    if _flag_attr(spacing.get(_W + "beforeAutospacing")):
        return 14.0  # "auto" spacing, as Word shows it
    before = spacing.get(_W + "before")
    if before is not None and before.lstrip("-").isdigit():
        return int(before) / 20
    lines = spacing.get(_W + "beforeLines")
    if lines is not None and lines.lstrip("-").isdigit():
        return int(lines) / 100 * 12
    return None


# --------------------------------------------------------------------------- paragraphs
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
    style: _Style | None
    style_id: str | None
    space_before: float
    contextual_spacing: bool
    space_after: float | None = None
    align: str | None = None
    indent: float | None = None
    numbering: tuple[str, int] | None = None


@dataclass(slots=True)
class _Reader:
    styles: _Styles
    numbering: _Numbering
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
                vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if vmerge is not None and _val(vmerge) != "restart":
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
        ppr = p.find(_W + "pPr")
        style_id = _val(ppr.find(_W + "pStyle")) if ppr is not None else None
        style = self.styles.paragraph(style_id)
        spacing = ppr.find(_W + "spacing") if ppr is not None else None
        space_before = _first(
            _space_before(spacing),
            style.space_before if style else None,
            self.styles.default_space_before,
        )
        contextual = _first(
            _flag(ppr.find(_W + "contextualSpacing")) if ppr is not None else None,
            style.contextual_spacing if style else None,
            False,
        )
        lines: list[list[_Segment]] = [[]]
        for run in _runs(p):
            self._run(run, style, lines)
        numbering = _first(_num_pr(ppr), style.numbering if style else None)
        return _Para(
            lines,
            style,
            style_id or self.styles.default_paragraph,
            space_before,
            contextual,
            space_after=_first(_space_after(spacing), style.space_after if style else None),
            align=_first(_val(ppr.find(_W + "jc")) if ppr is not None else None, style.align if style else None),
            indent=_first(_indent(ppr), style.indent if style else None),
            numbering=numbering if numbering and numbering[0] != "0" else None,
        )

    def _run(self, run: Any, style: _Style | None, lines: list[list[_Segment]]) -> None:
        rpr = run.find(_W + "rPr")
        char_style = None
        if rpr is not None:
            char_id = _val(rpr.find(_W + "rStyle"))
            char_style = self.styles.by_id.get(char_id) if char_id else None
        chain = (char_style, style)
        hidden = _first(_rpr_flag(rpr, "vanish"), *(s.hidden for s in chain if s))
        if hidden:
            return
        bold = bool(_first(_rpr_flag(rpr, "b"), *(s.bold for s in chain if s), self.styles.default_bold))
        caps = _first(_rpr_flag(rpr, "caps"), *(s.caps for s in chain if s))
        size = _first(_rpr_size(rpr), *(s.size for s in chain if s), self.styles.default_size)
        italic = bool(_first(_rpr_flag(rpr, "i"), *(s.italic for s in chain if s)))
        font = _first(_rpr_font(rpr), *(s.font for s in chain if s))
        pieces: list[str] = []
        for child in run.iterchildren():
            tag = child.tag
            if tag == _T:
                pieces.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                pieces.append("\t")
            elif tag == _W + "br":
                kind = child.get(_W + "type")
                pieces.append(" " if kind in ("page", "column") else _LINE_BREAK)
            elif tag == _W + "cr":
                pieces.append(_LINE_BREAK)
            elif tag == _W + "noBreakHyphen":
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
    """Reader contract (see read/registry.py)."""
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
    reader = _Reader(_load_styles(styles_element), _Numbering.load(numbering_element))
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
