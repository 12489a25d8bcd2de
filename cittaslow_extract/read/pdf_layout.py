"""Engine-independent PDF layout analysis: words → lines → paragraphs → blocks.

Both PDF readers (pdf_reader.py on pdfplumber, pdfium_reader.py on pypdfium2) only turn a page into
a list of `Word`s (text, box, font size, bold) and hand it to a `LayoutBuilder`; everything else is
decided here, so the two engines give the same blocks:

1. per page, as soon as it is read (the engine page is then released): words drawn twice on top
   of each other (fake bold) are dropped, words are grouped into rows by baseline, and the page's
   column gutter is looked for;
2. per document, once every page is in: a page too short to show its columns takes the gutter of
   most pages; rows become lines, cut at the gutter and at wide gaps, in reading order (a band of
   two columns is read left column, then right column; a full-width line ends a band); running
   headers and footers (the same text, digits ignored, at the same height in the top or bottom
   margin of most pages; "Page 3 of 12"; page numbers) are removed; lines are joined into
   paragraphs, across page and column breaks when the text runs on.

A paragraph ends at a vertical gap wider than the line pitch, after a short line (the next line's
first word would have fitted), at a change of font size or boldness, and before a bullet.
`gap_before` is set when the gap is about a blank line or more, the same meaning as a blank line in
a text submission (see models.Block); at the top of a page or column it is read from how far the
first line sits below the usual top of the text.  `gap_lines` is that gap in line heights.

The layout knows nothing of the checklist form: a paragraph keeps its visual `lines` and its
formatting `runs` (bold, size, font), so that the segmenter can cut it at a field label
(structure/units.py) when nothing in the geometry parted them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from cittaslow_extract.models import Block, Run
from cittaslow_extract.normalize.turkish import strip_invisible

# --------------------------------------------------------------------------- tunables (in em of the body size)
_PARA_GAP_EM = 0.2  # extra vertical space above the line pitch that ends a paragraph
_BLANK_GAP_EM = 0.8  # extra space that counts as a blank line (gap_before)
_FULL_LINE_GAP_EM = 0.35  # … after a line that ran to the margin in the middle of a sentence
_SENTENCE_END = ".!?:;…"
_WIDE_GAP_EM = 3.0  # a horizontal gap this wide cuts a row into separate lines (tab stops, cells)
_BAND_FRACTION = 0.15  # running headers/footers live in the top/bottom 15% of the page
_HEADER_ROWS = 3  # … among the first/last three lines of the page
_RUNNING_SHARE = 0.4  # … and repeat on at least this share of the pages (and at least twice)
_DEDUPE_TOLERANCE = 1.0  # points: a second copy of a word this close is fake bold
_PITCH_SAMPLES = 5  # wrapped lines of one size needed to measure that size's own line pitch
_PAGE_EDGE = 0.06  # rows this close to the top or bottom edge are headers and footers, not columns

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|extrabold|ultrabold", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# A line that is only a page number: "3", "- 3 -", "Page 3", "Page 3 of 12", "Sayfa 3 / 12", "3/12".
_PAGE_NUMBER = re.compile(
    r"""
    ^[\s\-–—|]*
    (?:(?:page|sayfa|sf|p)\.?\s*)?       # an optional word for "page"
    (?P<number>\d{1,4})
    (?:\s*(?:/|of|de|\|)\s*\d{1,4})?     # "of 12", "/ 12"
    [\s\-–—|]*$
    """,
    re.VERBOSE | re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Bullets that start a new paragraph even when the previous line reached the margin.  Not "o",
# "-" or "–": a wrapped line may well start with the Turkish word "o" or a spaced dash.
_BULLET = re.compile(r"^(?:[•◦▪▫■□●○‣⁃∙·*]|\d{1,2}[.)](?=\s))")
_HYPHENS = ("-", "\u2010", "\u00ad")  # hyphen-minus, hyphen, soft hyphen
# The entries of a label column (a borderless label | value table) are short: a few words.
_SHORT_ENTRY_WORDS = 6
_SHORT_ENTRY_CHARS = 50


_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"[-,](?:bold|italic|oblique|regular|roman|book|medium|light|black|semibold|demibold|boldmt|bolditalic|italicmt|mt|psmt)+$", re.IGNORECASE)


def font_family(fontname: str) -> str:
    """A PDF font name without its subset prefix and style suffix.

    >>> font_family("BCDEEE+LiberationSerif-Bold"), font_family("Arial,BoldItalic"), font_family("DejaVuSans")
    ('LiberationSerif', 'Arial', 'DejaVuSans')
    """
    name = _SUBSET_PREFIX.sub("", fontname)
    return _STYLE_SUFFIX.sub("", name) or name


def is_bold_font(fontname: str) -> bool:
    """Whether a PDF font name names a bold face.

    >>> is_bold_font("ABCDEF+DejaVuSans-Bold"), is_bold_font("Calibri,Bold"), is_bold_font("Arial")
    (True, True, False)
    """
    return bool(_BOLD_FONT.search(fontname))


# --------------------------------------------------------------------------- data
@dataclass(slots=True)
class Word:
    """One word as an engine sees it; coordinates in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    font: str | None = None  # family, subset prefix and style suffix removed


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn line or thin rectangle (a table border); coordinates as for Word."""

    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class _Cell:
    row: int
    col: int
    words: list[Word]


@dataclass(slots=True)
class _Table:
    """A ruled table found on a page: its words by cell, taken out of the page's text flow."""

    top: float
    cells: list[_Cell]  # in reading order: row by row, left to right
    columns: tuple[float, ...] = ()  # x of the vertical rules of its widest row
    rows: int = 0


@dataclass(slots=True)
class Line:
    words: list[Word]
    page: int
    column: int  # 0: full width; 1: left column; 2: right column
    band: int  # index of the band of the page the line sits in (bands are cut by full-width lines)
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    text: str = ""
    base: float = 0.0  # the bottom most of its words share: a glyph from a fallback font, lower than
    # the rest, moves `bottom` but not this, so line pitches are measured on it

    def finish(self) -> Line:
        words = self.words  # in x order
        self.x0 = words[0].x0
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        bottoms = sorted(w.bottom for w in words)
        self.base = bottoms[len(bottoms) // 2]
        self.size = dominant_size(words)
        self.text = " ".join([w.text for w in words])
        return self

    @property
    def all_bold(self) -> bool:
        return all(w.bold for w in self.words)


@dataclass(slots=True)
class PageLayout:
    number: int
    width: float
    height: float
    lines: list[Line]  # reading order (filled by build_lines)
    rows: list[list[Word]] = field(default_factory=list)  # words by baseline, until lines are built
    gutter: tuple[float, float] | None = None  # the page's own column gutter, if it shows one
    body: float = 10.0  # the page's dominant font size
    two_columns: bool = False
    tables: list[_Table] = field(default_factory=list)


@dataclass(slots=True)
class _Paragraph:
    lines: list[Line]
    gap_before: bool
    gap_lines: float | None = None


def dominant_size(words: list[Word]) -> float:
    """The font size carrying most characters (ties: the larger), to 0.1 pt."""
    if not words:
        return 0.0
    first = words[0].size
    if all(w.size == first for w in words):  # the usual case, without rounding every word
        return round(first, 1)
    weight: dict[float, int] = {}
    for word in words:
        size = round(word.size, 1)
        weight[size] = weight.get(size, 0) + len(word.text)
    if not weight:
        return 0.0
    if len(weight) == 1:
        return next(iter(weight))
    return max(weight.items(), key=lambda item: (item[1], item[0]))[0]


# --------------------------------------------------------------------------- per page
def dedupe_words(words: list[Word]) -> list[Word]:
    """Drop a word drawn again on top of itself (fake bold by overprinting)."""
    seen: dict[str, list[Word]] = {}
    kept: list[Word] = []
    for word in words:
        others = seen.get(word.text)
        if others is None:
            seen[word.text] = [word]
        elif any(
            abs(other.x0 - word.x0) <= _DEDUPE_TOLERANCE
            and abs(other.bottom - word.bottom) <= _DEDUPE_TOLERANCE
            for other in others
        ):
            continue
        else:
            others.append(word)
        kept.append(word)
    return kept


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped by baseline, top to bottom, each row left to right."""
    ordered = sorted(words, key=lambda w: (w.bottom, w.x0))
    rows: list[list[Word]] = []
    row_bottom = 0.0
    for word in ordered:
        if rows and abs(word.bottom - row_bottom) <= 0.3 * max(word.size, 1.0):
            rows[-1].append(word)
        else:
            rows.append([word])
            row_bottom = word.bottom
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def _short_entry(text: str) -> bool:
    return len(text) <= _SHORT_ENTRY_CHARS and len(text.split()) <= _SHORT_ENTRY_WORDS


def _find_gutter(rows: list[list[Word]], body: float, height: float) -> tuple[float, float] | None:
    """The x-interval of a column gutter, or None for a one-column page.

    A gutter is a vertical strip in the middle of the text area that (almost) no word crosses,
    with text on both sides, where the left-hand lines run up to the strip (a column of prose, not
    a column of short labels).  Rows at the very top and bottom of the page (running headers,
    page numbers) are left out of the evidence.
    """
    edge = _PAGE_EDGE * height
    rows = [row for row in rows if row[0].top > edge and row[0].bottom < height - edge]
    words = [w for row in rows for w in row]
    if len(rows) < 6 or len(words) < 20:
        return None
    left_edge = min(w.x0 for w in words)
    right_edge = max(w.x1 for w in words)
    span = right_edge - left_edge
    lo, hi = left_edge + 0.3 * span, left_edge + 0.7 * span
    # Coverage (how many words cross x) is a step function over [lo, hi].  The gutter is the widest
    # strip at the lowest coverage that leaves a strip wide enough: only full-width lines (titles)
    # cross it, while the ragged ends of left-column lines cover the strip's surroundings.
    events: list[tuple[float, int]] = []
    for w in words:
        if w.x1 > lo and w.x0 < hi:
            events.append((max(w.x0, lo), 1))
            events.append((min(w.x1, hi), -1))
    events.sort()
    events.append((hi, 0))
    segments: list[tuple[float, float, int]] = []
    cover, position = 0, lo
    for x, delta in events:
        if x > position:
            segments.append((position, x, cover))
        cover += delta
        position = max(position, x)
    allowed = max(1, int(0.15 * len(rows)))
    min_width = max(0.8 * body, 6.0)
    best: tuple[float, float] | None = None
    for level in sorted({c for _, _, c in segments}):
        if level > allowed:
            break
        run_start: float | None = None
        for start, end, c in segments:
            if c <= level:
                run_start = start if run_start is None else run_start
                if best is None or end - run_start > best[1] - best[0]:
                    best = (run_start, end)
            else:
                run_start = None
        if best is not None and best[1] - best[0] >= min_width:
            break
        best = None
    if best is None:
        return None
    g0, g1 = best
    center = (g0 + g1) / 2
    left_ends: list[float] = []
    right_rows = labels = partnered = 0
    for row in rows:
        if _crosses(row, center, body):
            continue  # a full-width row
        left = [w for w in row if w.x1 <= center]
        right = any(w.x0 >= center for w in row)
        if left:
            left_ends.append(max(w.x1 for w in left))
            labels += _short_entry(" ".join(w.text for w in left))
            partnered += right
        right_rows += right
    if len(left_ends) < 3 or right_rows < 2:
        return None
    # Two columns of prose, or a label column beside its values (a borderless label | value
    # table, read row by row)?  Prose lines run up to the gutter; a label column's entries are
    # short, each on the same baseline as the first line of its value, while the lines of two
    # independent columns drift apart.
    n = len(left_ends)
    column_width = g0 - left_edge
    fill = sum(1 for x1 in left_ends if x1 >= g0 - 0.25 * column_width) / n
    if fill < 0.1:
        return None
    if partnered / n >= 0.7 and (fill < 0.25 or (labels / n >= 0.6 and fill < 0.4)):
        return None
    return g0, g1


def _cut_row(row: list[Word], limit: float) -> list[list[Word]]:
    """Cut a row into pieces wherever the horizontal gap is wider than `limit`."""
    pieces = [[row[0]]]
    for previous, word in zip(row, row[1:]):
        if word.x0 - previous.x1 > limit:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def read_page(
    number: int, width: float, height: float, words: list[Word], rules: list[Rule] | None = None
) -> PageLayout:
    """A page's words grouped into rows, with its column gutter if it has one (lines come later,
    once the document's gutter is known).  Words inside a ruled table go to the page's tables."""
    words = dedupe_words([w for w in words if w.text])
    if not words:
        return PageLayout(number, width, height, [], [])
    body = dominant_size(words) or 10.0
    tables: list[_Table] = []
    if rules:
        tables, words = find_tables(rules, words)
    rows = _rows(words) if words else []
    gutter = _find_gutter(rows, body, height) if rows else None
    return PageLayout(number, width, height, [], rows, gutter, body, tables=tables)


# --------------------------------------------------------------------------- ruled tables
_RULE_THIN = 2.0  # points: a rule is at most this thick
_RULE_TOUCH = 2.5  # rules this close belong to one table
_MIN_RULE = 8.0  # shorter strokes are glyph parts or decorations
_MAX_RULES = 600  # a page with more strokes is a drawing; grouping them would cost n² pairs


def find_tables(rules: list[Rule], words: list[Word]) -> tuple[list[_Table], list[Word]]:
    """Ruled tables (a grid of at least 2 horizontal and 2 vertical rules) and the words outside them.

    Rows lie between consecutive horizontal rules; in each row, cells lie between the vertical
    rules that cross it, so merged cells come out whole.  A word belongs to the cell holding its
    centre.
    """
    horizontal = [r for r in rules if r.bottom - r.top <= _RULE_THIN and r.x1 - r.x0 >= _MIN_RULE]
    vertical = [r for r in rules if r.x1 - r.x0 <= _RULE_THIN and r.bottom - r.top >= _MIN_RULE]
    candidates = horizontal + vertical
    if len(horizontal) < 2 or len(vertical) < 2 or len(candidates) > _MAX_RULES:
        return [], words  # no grid, or a drawing (a chart, a map) rather than a form's tables
    # connected groups of touching rules
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(candidates):
        for j in range(i + 1, len(candidates)):
            b = candidates[j]
            if (
                a.x0 - _RULE_TOUCH <= b.x1 and b.x0 - _RULE_TOUCH <= a.x1
                and a.top - _RULE_TOUCH <= b.bottom and b.top - _RULE_TOUCH <= a.bottom
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(candidates):
        groups.setdefault(find(i), []).append(rule)
    tables: list[_Table] = []
    taken: set[int] = set()
    for group in groups.values():
        hs = [r for r in group if r in horizontal]
        vs = [r for r in group if r in vertical]
        if len(hs) < 2 or len(vs) < 2:
            continue
        table = _grid_table(hs, vs, words, taken)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda tb: tb.top)
    return tables, [w for k, w in enumerate(words) if k not in taken]


def _merge_positions(values: list[float]) -> list[float]:
    merged: list[float] = []
    for v in sorted(values):
        if merged and v - merged[-1] <= _RULE_TOUCH:
            continue
        merged.append(v)
    return merged


def _grid_table(hs: list[Rule], vs: list[Rule], words: list[Word], taken: set[int]) -> _Table | None:
    ys = _merge_positions([(r.top + r.bottom) / 2 for r in hs])
    if len(ys) < 2:
        return None
    left = min(r.x0 for r in hs + vs)
    right = max(r.x1 for r in hs + vs)
    cells: dict[tuple[int, int], _Cell] = {}
    for k, word in enumerate(words):
        cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
        if not (left <= cx <= right and ys[0] <= cy <= ys[-1]):
            continue
        row = next(i for i in range(len(ys) - 1) if ys[i] <= cy <= ys[i + 1])
        middle = (ys[row] + ys[row + 1]) / 2
        xs = _merge_positions([(v.x0 + v.x1) / 2 for v in vs if v.top - _RULE_TOUCH <= middle <= v.bottom + _RULE_TOUCH])
        if len(xs) < 2 or not xs[0] <= cx <= xs[-1]:
            continue
        col = next(i for i in range(len(xs) - 1) if xs[i] <= cx <= xs[i + 1])
        cells.setdefault((row, col), _Cell(row, col, [])).words.append(word)
        taken.add(k)
    if not cells:
        return None
    ordered = [cells[key] for key in sorted(cells)]
    columns = max(
        (tuple(_merge_positions([(v.x0 + v.x1) / 2 for v in vs if v.top <= (a + b) / 2 <= v.bottom])) for a, b in zip(ys, ys[1:])),
        key=len,
    )
    return _Table(ys[0], ordered, columns, len(ys) - 1)


def _cell_text(lines: list[list[Word]], known: Counter[str]) -> str:
    """A cell paragraph's lines joined.  In a narrow cell a word too long for the cell is cut
    without a hyphen ("INFOR" / "MATIO" / "N"): a line-end piece that is not a word of the
    document is joined to the pieces after it when together they make one that is.  Other cuts
    ("Approxima" / "tely") cannot be told from a wrap without a dictionary and stay cut; the
    segmenter retries labels cut this way (structure/units.py)."""
    pieces = [w for line in lines for w in line]
    ends = {sum(len(line) for line in lines[: k + 1]) - 1 for k in range(len(lines) - 1)}
    out: list[str] = []
    k = 0
    while k < len(pieces):
        word = pieces[k].text
        if k in ends and _key(word) not in known:
            joined, j = word, k
            while j in ends and j + 1 < len(pieces) and j - k < 3:
                j += 1
                joined += pieces[j].text
                if _key(joined) in known:
                    word, k = joined, j
                    break
        out.append(word)
        k += 1
    return " ".join(out)


def _key(word: str) -> str:
    return word.strip(".,;:()\"'“”‘’").casefold()


def _cell_paragraphs(words: list[Word]) -> list[list[list[Word]]]:
    """A cell's words as paragraphs of lines: a new paragraph where the gap between two lines is
    wider than a third of a line (paragraph spacing inside the cell)."""
    rows = _rows(words)
    paragraphs: list[list[list[Word]]] = []
    previous: list[Word] | None = None
    for row in rows:
        if previous is None:
            paragraphs.append([row])
        else:
            size = dominant_size(row) or 10.0
            gap = min(w.top for w in row) - max(w.bottom for w in previous)
            if gap > 0.35 * size:
                paragraphs.append([row])
            else:
                paragraphs[-1].append(row)
        previous = row
    return paragraphs


def _crosses(row: list[Word], center: float, body: float) -> bool:
    """Whether a row runs across the gutter: a word straddles its center, or the words either side
    of it are only a word space apart."""
    before = [w.x1 for w in row if w.x1 <= center]
    after = [w.x0 for w in row if w.x0 >= center]
    if len(before) + len(after) < len(row):
        return True
    return bool(before and after and min(after) - max(before) < 0.6 * body)


def build_lines(page: PageLayout, gutter: tuple[float, float] | None) -> None:
    """Cut the page's rows into lines, in reading order: a band of two columns is read left column
    first, then right; a full-width line ends the band above it."""
    lines: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    band = 0
    number, body = page.number, page.body

    def flush() -> None:
        lines.extend(left)
        lines.extend(right)
        left.clear()
        right.clear()

    center = (gutter[0] + gutter[1]) / 2 if gutter else 0.0
    for row in page.rows:
        wide = _WIDE_GAP_EM * (row[0].size or body)
        if gutter is None:
            lines.extend(Line(piece, number, 0, band).finish() for piece in _cut_row(row, wide))
        elif _crosses(row, center, body):
            flush()
            band += 1
            lines.extend(Line(piece, number, 0, band).finish() for piece in _cut_row(row, wide))
            band += 1
        else:
            left_words = [w for w in row if w.x1 <= center]
            right_words = [w for w in row if w.x0 >= center]
            if left_words:
                left.extend(Line(p, number, 1, band).finish() for p in _cut_row(left_words, wide))
            if right_words:
                right.extend(Line(p, number, 2, band).finish() for p in _cut_row(right_words, wide))
    flush()
    page.lines = lines
    page.two_columns = gutter is not None
    page.rows = []  # no longer needed


def assign_columns(pages: list[PageLayout]) -> None:
    """Give every page its lines.  A page that does not show its columns by itself (the last page
    of a two-column document, a page whose right column is empty) takes the gutter the other pages
    have, when none of its rows crosses it: if text lies right of the gutter too, only when most
    pages have the gutter."""
    found = sorted((p.gutter for p in pages if p.gutter is not None), key=lambda g: g[0] + g[1])
    common = found[len(found) // 2] if found else None
    most = len(found) * 2 >= sum(1 for page in pages if page.rows)
    for page in pages:
        gutter = page.gutter
        if gutter is None and common is not None and page.rows:
            center = (common[0] + common[1]) / 2
            crossing = right_side = 0
            for row in page.rows:
                if _crosses(row, center, page.body):
                    crossing += 1
                elif row[-1].x0 >= center:
                    right_side += 1
            # a running header and footer may cross it
            if crossing <= max(2, int(0.15 * len(page.rows))) and (most or not right_side):
                gutter = common
        build_lines(page, gutter)


# --------------------------------------------------------------------------- running headers / footers
def _running_key(text: str) -> str:
    return " ".join(_DIGITS.sub("#", unicodedata.normalize("NFC", text).casefold()).split())


def _margin_lines(page: PageLayout) -> tuple[list[Line], list[Line]]:
    """Lines that sit in the top or bottom margin: within the band, at most three rows, and cut
    off from the body text by a gap of at least a blank line (a body line at the top of the text
    area, such as a label starting a page, is followed by its value at the normal pitch)."""
    ordered = sorted(page.lines, key=lambda line: (line.top, line.x0))
    rows: list[list[Line]] = []
    for line in ordered:
        if rows and abs(line.top - rows[-1][0].top) <= 1.0:
            rows[-1].append(line)
        else:
            rows.append([line])
    gap = _BLANK_GAP_EM * page.body + page.body * 0.2
    top: list[Line] = []
    for k in range(min(_HEADER_ROWS, len(rows) - 1)):
        bottom_edge = max(line.bottom for line in rows[k])
        if bottom_edge > _BAND_FRACTION * page.height:
            break
        if min(line.top for line in rows[k + 1]) - bottom_edge >= gap:
            top = [line for row in rows[: k + 1] for line in row]
            break
    bottom: list[Line] = []
    for k in range(len(rows) - 1, max(len(rows) - 1 - _HEADER_ROWS, 0), -1):
        top_edge = min(line.top for line in rows[k])
        if top_edge < (1 - _BAND_FRACTION) * page.height:
            break
        if top_edge - max(line.bottom for line in rows[k - 1]) >= gap:
            bottom = [line for row in rows[k:] for line in row]
            break
    return top, bottom


def remove_running_lines(pages: list[PageLayout]) -> list[str]:
    """Drop running headers, footers and page numbers from every page, in place; returns the
    dropped texts, each once (RawDocument.running_text: a submission's city and year are there).

    Candidates are the lines of the top and bottom margins (_margin_lines).  A candidate goes when
    its text (digits aside) comes back at the same height on at least 40% of the pages (two at least), when it is a page number ("Page 3 of 12", "- 3 -", or a
    bare number equal to the page's), or, in a one-page document, when it is in smaller print than
    the body.
    """
    candidates: list[tuple[PageLayout, Line, str]] = []
    for page in pages:
        top, bottom = _margin_lines(page)
        candidates.extend((page, line, "top") for line in top)
        candidates.extend((page, line, "bottom") for line in bottom if line not in top)
    # a running line repeats at the same height: group by (side, text) and keep the occurrences
    # at the group's most common height
    groups: dict[tuple[str, str], list[tuple[PageLayout, Line]]] = {}
    for page, line, side in candidates:
        groups.setdefault((side, _running_key(line.text)), []).append((page, line))
    needed = max(2, int(_RUNNING_SHARE * len(pages) + 0.999))
    drop: set[int] = set()
    for members in groups.values():
        heights = Counter(round(line.top) for _, line in members)
        usual = heights.most_common(1)[0][0]
        steady = [(page, line) for page, line in members if abs(line.top - usual) <= 3.0]
        if len({page.number for page, _ in steady}) >= needed:
            drop.update(id(line) for _, line in steady)
    for page, line, _side in candidates:
        if id(line) in drop:
            continue
        number = _PAGE_NUMBER.match(line.text)
        if number and (
            not _BARE_NUMBER.match(line.text.strip()) or int(number["number"]) == page.number
        ):
            drop.add(id(line))
        elif len(pages) == 1 and line.size < _inner_size(page, candidates) - 0.5:
            # one page: nothing repeats, but small print cut off in the margin is a header/footer
            drop.add(id(line))
    dropped: dict[str, None] = {}
    if drop:
        for page in pages:
            dropped.update(dict.fromkeys(line.text for line in page.lines if id(line) in drop))
            page.lines = [line for line in page.lines if id(line) not in drop]
    return list(dropped)


def _inner_size(page: PageLayout, candidates: list[tuple[PageLayout, Line, str]]) -> float:
    """The dominant font size of a page's lines outside its margins."""
    margin = {id(line) for _, line, _ in candidates}
    words = [w for line in page.lines if id(line) not in margin for w in line.words]
    return dominant_size(words) or page.body


# --------------------------------------------------------------------------- paragraphs
@dataclass(slots=True)
class _Metrics:
    body: float  # body font size
    pitch_ratio: float  # baseline distance / font size inside a paragraph
    right_edge: dict[tuple[bool, int], float]  # (two-column page, column) → right text edge
    page_top: float  # usual top of the first line of a page
    pitch_by_size: dict[float, float] = field(default_factory=dict)  # the same, per font size

    def pitch(self, size: float) -> float:
        """The line pitch of text in this size: styles of one document are often spaced differently."""
        return self.pitch_by_size.get(round(size), self.pitch_ratio)


def _metrics(pages: list[PageLayout]) -> _Metrics:
    sizes: Counter[float] = Counter()
    right_edge: dict[tuple[bool, int], float] = {}
    column_left: dict[tuple[bool, int], float] = {}
    ends: dict[tuple[bool, int], list[float]] = {}
    tops: list[float] = []
    left_margin = min((line.x0 for page in pages for line in page.lines), default=0.0)
    for page in pages:
        if page.lines:
            tops.append(min(line.top for line in page.lines))
        for line in page.lines:
            sizes[round(line.size, 1)] += len(line.text)
            key = (page.two_columns, line.column)
            right_edge[key] = max(right_edge.get(key, 0.0), line.x1)
            column_left[key] = min(column_left.get(key, line.x0), line.x0)
            ends.setdefault(key, []).append(line.x1)
    # The widest line marks the right margin when several lines end near it.  Otherwise (a few
    # short lines) it says little: expect the right margin to mirror the left one (Word's default).
    width = max((page.width for page in pages), default=0.0)
    mirrored = width - left_margin
    for key, edge in right_edge.items():
        near = sum(1 for x1 in ends[key] if x1 >= edge - 12.0)
        if key[1] != 1 and near < 3 and edge - left_margin < 0.4 * (mirrored - left_margin):
            right_edge[key] = mirrored
    # The line pitch inside a paragraph, measured where a line ran up to the margin and the text
    # went on below it (between short lines the distance may include paragraph spacing).
    ratios: list[float] = []
    by_size: dict[float, list[float]] = {}
    any_pair: list[float] = []
    for page in pages:
        previous: Line | None = None
        for line in page.lines:
            if (
                previous is not None
                and previous.column == line.column
                and abs(previous.size - line.size) < 0.2
                and line.base > previous.base
                and line.size > 0
            ):
                any_pair.append((line.base - previous.base) / line.size)
                key = (page.two_columns, previous.column)
                edge = right_edge[key]
                if key[1] != 1:  # a full-width line must also come near the mirrored margin
                    edge = max(edge, mirrored)
                if previous.x1 >= edge - 0.25 * (edge - column_left[key]):
                    ratios.append((line.base - previous.base) / line.size)
                    by_size.setdefault(round(line.size), []).append(ratios[-1])
            previous = line
    body = _body_size(sizes)
    pitch = _pitch_ratio(ratios)
    if pitch > 1.6:  # no wrapped paragraph to measure: the tightest spacing between any two lines
        tight = sorted(r for r in any_pair if 0.8 <= r <= 1.6)
        pitch = tight[0] if tight else pitch
    pitch_by_size = {
        size: _pitch_ratio(values) for size, values in by_size.items() if len(values) >= _PITCH_SAMPLES
    }
    return _Metrics(body or 10.0, pitch, right_edge, min(tops) if tops else 0.0, pitch_by_size)


def _body_size(sizes: Counter[float]) -> float:
    """The body text size: the smallest size that carries a fifth of the characters (a short
    document may have more characters in its headings than in its body).

    >>> _body_size(Counter({15.5: 30, 12.5: 16, 9.5: 18})), _body_size(Counter({10.0: 900, 8.0: 40}))
    (9.5, 10.0)
    """
    total = sum(sizes.values())
    for size in sorted(sizes):
        if size > 0 and sizes[size] * 5 >= total:
            return size
    return 10.0


def _pitch_ratio(ratios: list[float]) -> float:
    """The line pitch inside paragraphs (baseline distance / font size of a line that ran up to
    the margin and the line below it): the smallest common value; a value up to 1.6 (single to
    1.5 spacing) counts even when seen once, as a short document may wrap only one paragraph.

    >>> _pitch_ratio([1.24, 1.24, 1.25, 1.6, 2.6]), _pitch_ratio([1.25, 3.1, 3.1]), _pitch_ratio([])
    (1.24, 1.25, 1.2)
    >>> _pitch_ratio([2.3, 2.3, 2.31, 4.6])  # double spacing
    2.3
    """
    valid = sorted(r for r in ratios if r >= 0.8)  # below: superscripts, overlapping rows
    if not valid:
        return 1.2
    need = max(2, int(0.05 * len(valid)))
    common = None
    for i, value in enumerate(valid):
        close = sum(1 for other in valid[i : i + need] if other - value <= 0.04)
        if close >= need:
            common = value
            break
    plausible = [r for r in valid if r <= 1.6]
    if common is not None and (common <= 1.6 or not plausible):
        return common
    if plausible:
        return plausible[len(plausible) // 2]
    return 1.2


class LayoutBuilder:
    """Collects pages one at a time, then turns the whole document into blocks.

    >>> b = LayoutBuilder()
    >>> w = lambda t, x, y, bold=False: Word(t, x, x + 6 * len(t), y - 10, y, 10.0, bold)
    >>> b.add_page(1, 600, 800, [w("OBJECTIVE", 72, 100, True), w("Grow", 72, 112), w("food.", 102, 112)])
    >>> [(blk.text, blk.gap_before, blk.bold) for blk in b.blocks()]
    [('OBJECTIVE', True, True), ('Grow food.', False, False)]
    """

    def __init__(self) -> None:
        self.pages: list[PageLayout] = []
        self.pages_without_text: list[int] = []
        self.running_text: list[str] = []  # filled by blocks(): the running headers and footers

    def add_page(
        self, number: int, width: float, height: float, words: list[Word], rules: list[Rule] | None = None
    ) -> None:
        page = read_page(number, width, height, words, rules)
        if not page.rows and not page.tables:
            self.pages_without_text.append(number)
        self.pages.append(page)

    @property
    def has_text(self) -> bool:
        return any(page.rows or page.lines or page.tables for page in self.pages)

    # ------------------------------------------------------------------ paragraphs
    def blocks(self) -> list[Block]:
        assign_columns(self.pages)
        self.running_text = remove_running_lines(self.pages)
        metrics = _metrics(self.pages)
        paragraphs = self._paragraphs(metrics)
        known = self._known_words()
        tables = [(page.number, table) for page in self.pages for table in page.tables]
        blocks: list[Block] = []
        index = -1
        offset = 0
        last: tuple[int, _Table] | None = None  # the table just emitted, if nothing came after it

        def emit_table(item: tuple[int, _Table]) -> None:
            nonlocal index, offset, last
            split = False
            if last is not None and _continues(last, item):
                # the same table, on from the previous page; its first row may be the rest of the
                # previous page's last row (a row taller than what was left of the page)
                split = _row_goes_on(last[1], item[1])
                offset += last[1].rows - (1 if split else 0)
            else:
                index, offset = index + 1, 0
            new = _table_blocks(item, index, not blocks, known, row_offset=offset)
            if split:
                new = _join_split_row(blocks, new, index, offset)
            blocks.extend(new)
            last = item

        for paragraph in paragraphs:
            first = paragraph.lines[0]
            # a table comes before the first paragraph below it on its page, or on a later page
            while tables and (tables[0][0], tables[0][1].top) < (first.page, first.top):
                emit_table(tables.pop(0))
            blocks.extend(self._to_blocks(paragraph, known, first=not blocks))
            last = None
        for item in tables:
            emit_table(item)
        return blocks

    def _paragraphs(self, m: _Metrics) -> list[_Paragraph]:
        paragraphs: list[_Paragraph] = []
        previous: Line | None = None
        previous_page: PageLayout | None = None
        band_top: dict[tuple[int, int], float] = {}  # (page, band) → top of its first left-column line
        first_band: dict[int, int] = {}
        pitch: float | None = None  # the line pitch of the paragraph being built, once it has two lines
        for page in self.pages:
            for line in page.lines:
                first_band.setdefault(page.number, line.band)
                if line.column == 1:
                    band_top.setdefault((page.number, line.band), line.top)
                if previous is None:
                    paragraphs.append(_Paragraph([line], True))
                else:
                    brk, gap = self._break(previous, line, previous_page, page, m, band_top, first_band, pitch)
                    if brk:
                        pitch = None
                        lines_gap = None
                        if previous.page == line.page and line.size and line.base > previous.base:
                            # baseline to baseline, less one line: the engines agree on baselines
                            lines_gap = round(max(0.0, (line.base - previous.base) / line.size - 1.0), 1)
                        paragraphs.append(_Paragraph([line], gap, lines_gap))
                    else:
                        paragraphs[-1].lines.append(line)
                        if previous.page == line.page and previous.column == line.column:
                            pitch = line.base - previous.base
                previous, previous_page = line, page
        return paragraphs

    def _break(
        self,
        a: Line,
        b: Line,
        page_a: PageLayout | None,
        page_b: PageLayout,
        m: _Metrics,
        band_top: dict[tuple[int, int], float],
        first_band: dict[int, int],
        pitch: float | None = None,
    ) -> tuple[bool, bool]:
        """(a paragraph starts at b, with a blank line's gap before it)."""
        body = m.body
        flow_break = a.page != b.page or (a.column == 1 and b.column == 2)
        if flow_break:
            if a.page != b.page:
                expected_top = m.page_top
            elif b.band == first_band.get(b.page):
                expected_top = min(m.page_top, band_top.get((b.page, b.band), m.page_top))
            else:
                expected_top = band_top.get((b.page, b.band), b.top)
            gap = b.top > expected_top + _BLANK_GAP_EM * body
            if gap:
                return True, True
        else:
            if b.bottom <= a.bottom + 0.3 * max(b.size, 1.0):
                return True, False  # a piece of the same row (a cut at a wide gap)
            # the paragraph's own pitch so far: a document's spacing varies from style to style
            same_pitch = pitch is not None and (b.base - a.base) <= pitch + 0.1 * b.size
            extra = (b.base - a.base) - m.pitch(b.size) * b.size
            if extra >= _BLANK_GAP_EM * body and not same_pitch:
                return True, True
            # in the middle of a sentence, after a line that ran to the margin, only clear spacing
            # parts paragraphs: a taller glyph from a fallback font alone widens a line's pitch
            mid_sentence = not self._short(a, b, page_a, m) and a.text[-1:] not in _SENTENCE_END
            threshold = _FULL_LINE_GAP_EM if mid_sentence else _PARA_GAP_EM
            if extra >= threshold * body and not same_pitch and not _runs_on(a.text, b.text):
                return True, False
        if abs(a.size - b.size) > 0.5 or a.all_bold != b.all_bold:
            return True, False
        if self._short(a, b, page_a, m) and not _runs_on(a.text, b.text):
            return True, False
        if _BULLET.match(b.text):
            return True, False
        return False, False

    def _short(self, a: Line, b: Line, page_a: PageLayout | None, m: _Metrics) -> bool:
        """Line a ended before the margin although b's first word would have fitted after it."""
        two = page_a.two_columns if page_a is not None else False
        edge = m.right_edge.get((two, a.column), a.x1)
        first = b.words[0]
        space = 0.25 * a.size
        return a.x1 + space + (first.x1 - first.x0) < edge - 1.0

    # ------------------------------------------------------------------ text
    def _known_words(self) -> Counter[str]:
        """Every word of the document (casefolded, punctuation stripped), with how often it occurs."""
        known: Counter[str] = Counter()
        for page in self.pages:
            for line in page.lines:
                for word in line.words:
                    known[_key(word.text)] += 1
            for table in page.tables:
                for cell in table.cells:
                    # a cell line's last word may be the first piece of a cut word: not evidence
                    rows = _rows(cell.words)
                    for k, line in enumerate(rows):
                        known.update(_key(w.text) for w in (line[:-1] if k + 1 < len(rows) else line))
        return known

    def _to_blocks(self, paragraph: _Paragraph, known: Counter[str], first: bool) -> list[Block]:
        words: list[Word] = []
        parts: list[str] = []
        for line in paragraph.lines:
            joined = _join_hyphen(parts[-1], line.text, known) if parts else None
            if joined is not None:
                parts[-1] = joined
            else:
                parts.append(line.text)
            words.extend(line.words)
        text = " ".join(strip_invisible(" ".join(parts)).split())
        first_line, last_line = paragraph.lines[0], paragraph.lines[-1]
        page, page_end = first_line.page, last_line.page
        lines = tuple(" ".join(strip_invisible(part).split()) for part in parts) if len(parts) > 1 else ()
        runs = _runs(words)
        return [
            Block(
                text=text,
                page=page,
                page_end=page_end if page_end != page else None,
                gap_before=paragraph.gap_before or first,
                bold=all(w.bold for w in words) if words else None,
                font_size=dominant_size(words) or None,
                font=_dominant_font(words),
                gap_lines=paragraph.gap_lines,
                indent=float(round(first_line.x0)),
                lines=lines,
                runs=runs if len(runs) > 1 else (),
            )
        ]


def _table_blocks(
    item: tuple[int, _Table], index: int, first: bool, known: Counter[str], row_offset: int = 0
) -> list[Block]:
    """A table's cells as blocks, row by row: the first paragraph of a row's first cell (or of a
    cell after an empty one) with gap_before, as the DOCX reader does."""
    page, table = item
    blocks: list[Block] = []
    previous: _Cell | None = None
    for cell in table.cells:
        new_row = previous is None or previous.row != cell.row
        gap = new_row or previous is None or previous.col != cell.col - 1
        for k, lines in enumerate(_cell_paragraphs(cell.words)):
            words = [w for line in lines for w in line]
            texts = [" ".join(w.text for w in line) for line in lines]
            text = " ".join(strip_invisible(_cell_text(lines, known)).split())
            if not text:
                continue
            runs = _runs(words)
            blocks.append(
                Block(
                    text=text,
                    page=page,
                    gap_before=(gap and k == 0) or (first and not blocks),
                    bold=all(w.bold for w in words),
                    font_size=dominant_size(words) or None,
                    font=_dominant_font(words),
                    in_table=True,
                    table_index=index,
                    table_row=cell.row + row_offset,
                    table_col=cell.col,
                    lines=tuple(texts) if len(texts) > 1 else (),
                    runs=runs if len(runs) > 1 else (),
                )
            )
        previous = cell
    return blocks


def _row_goes_on(before: _Table, after: _Table) -> bool:
    """The first row of a table's next-page part is the rest of the previous part's last row: it
    only fills columns that row filled, and some cell of it starts in lower case."""
    last_row = max(cell.row for cell in before.cells)
    filled = {cell.col for cell in before.cells if cell.row == last_row}
    first = [cell for cell in after.cells if cell.row == 0]
    return bool(first) and {c.col for c in first} <= filled and any(
        _rows(c.words)[0][0].text[:1].islower() for c in first
    )


def _join_split_row(emitted: list[Block], new: list[Block], index: int, row: int) -> list[Block]:
    """The blocks of a row split across a page: each cell's first piece joined to the text it goes
    on from, with a space when it starts in lower case (one paragraph cut by the page)."""
    kept: list[Block] = []
    seen: set[int | None] = set()
    for block in new:
        if block.table_row != row or block.table_col in seen:
            kept.append(block)
            continue
        seen.add(block.table_col)
        k = next((k for k in range(len(emitted) - 1, -1, -1)
                  if emitted[k].table_index == index and emitted[k].table_row == row
                  and emitted[k].table_col == block.table_col), None)
        if k is None or not block.text[:1].islower():
            kept.append(replace(block, gap_before=False) if k is not None else block)
            continue
        previous = emitted[k]
        emitted[k] = replace(previous, text=f"{previous.text} {block.text}", page_end=block.page,
                             lines=previous.lines + block.lines, runs=())
    return kept


def _continues(before: tuple[int, _Table], after: tuple[int, _Table]) -> bool:
    """A table going on at the top of the next page: the same column rules."""
    (page_a, a), (page_b, b) = before, after
    if page_b != page_a + 1 or len(a.columns) != len(b.columns):
        return False
    return all(abs(x - y) <= _RULE_TOUCH for x, y in zip(a.columns, b.columns))


def _runs(words: list[Word]) -> tuple[Run, ...]:
    """Consecutive words of one formatting (bold, size, font) as runs, spaces between words kept;
    one run (the usual paragraph, all in one formatting) when nothing changes."""
    if not words:
        return ()
    first = words[0]
    if all(w.bold == first.bold and w.size == first.size and w.font == first.font for w in words):
        return (Run(" ".join(w.text for w in words), first.bold, False, round(first.size, 1), first.font),)
    runs: list[Run] = []
    for word in words:
        size = round(word.size, 1)
        if runs and (runs[-1].bold, runs[-1].size, runs[-1].font) == (word.bold, size, word.font):
            runs[-1] = Run(runs[-1].text + " " + word.text, word.bold, False, size, word.font)
        else:
            text = (" " if runs else "") + word.text
            runs.append(Run(text, word.bold, False, size, word.font))
    return tuple(runs)


def _dominant_font(words: list[Word]) -> str | None:
    weight: Counter[str] = Counter()
    for word in words:
        if word.font:
            weight[word.font] += len(word.text)
    return max(weight.items(), key=lambda item: (item[1], item[0]))[0] if weight else None


def _runs_on(a: str, b: str) -> bool:
    """The sentence of line a goes on in line b: a does not end a sentence, b starts in lower
    case.  Then a short line a is a narrow measure (a table cell, a right indent), not a paragraph end.

    >>> _runs_on("sonuçlarını üç ayda bir kamuoyuyla", "paylaşır."), _runs_on("Strategic Plan", "Objective")
    (True, False)
    >>> _runs_on("Reducing the isolation of residents", "o Keeping them active")
    False
    """
    if not a or not b or a[-1] in _SENTENCE_END or not b[0].islower():
        return False
    return not (len(b) > 1 and b[1] == " ")  # "o item": a bullet written as a letter


def _join_hyphen(left: str, right: str, known: Counter[str]) -> str | None:
    """`left` and `right` joined when `left` ends in a word split by a hyphen, else None.

    The hyphen is dropped when the document writes the word whole elsewhere ("estab-" +
    "lishment", with "establishment" in the text); otherwise it is kept ("self-" + "care"), as it
    is before a capital or a digit ("Covid-" + "19").  A soft hyphen always goes.

    >>> _join_hyphen("the estab-", "lishment of", Counter({"establishment": 1}))
    'the establishment of'
    >>> _join_hyphen("socio-", "economic aims", Counter({"socio-economic": 1}))
    'socio-economic aims'
    >>> _join_hyphen("home cleaning, self-", "care and support", Counter())
    'home cleaning, self-care and support'
    >>> _join_hyphen("Covid-", "19 cases", Counter())
    'Covid-19 cases'
    >>> _join_hyphen("years 2019 -", "2020", Counter()) is None
    True
    """
    if len(left) < 2 or left[-1] not in _HYPHENS or not left[-2].isalpha() or not right:
        return None
    if left[-1] == "\u00ad":  # a soft hyphen only ever marks a break
        return left[:-1] + right
    if not right[0].isalnum():
        return None
    if not (right[0].isalpha() and right[0].islower()):
        return left + right
    head = left.rsplit(" ", 1)[-1][:-1]
    tail = right.split(" ", 1)[0].strip(".,;:()\"'“”‘’")
    if f"{head}{tail}".casefold() in known and f"{head}-{tail}".casefold() not in known:
        return left[:-1] + right  # a word the document writes whole elsewhere, cut at the line end
    # Otherwise the hyphen is the text's own ("self-care", "socio-economic"): Word and LibreOffice
    # do not hyphenate unless asked, so a line-end hyphen in an office PDF is usually a compound's.
    return left + right
