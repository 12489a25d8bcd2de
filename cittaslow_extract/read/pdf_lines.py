"""A PDF page's words → lines in reading order: rows by baseline, the page's column gutter, and
the rows cut at the gutter and at wide gaps (a band of two columns is read left column, then right
column; a full-width line ends a band).  A page too short to show its columns takes the gutter of
most pages (assign_columns, once every page is in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cittaslow_extract.read.pdf_tables import Table, find_tables
from cittaslow_extract.read.pdf_words import Rule, Word, dedupe_words, dominant_size, rows_by_baseline

_WIDE_GAP_EM = 3.0  # a horizontal gap this wide cuts a row into separate lines (tab stops, cells)
_PAGE_EDGE = 0.06  # rows this close to the top or bottom edge are headers and footers, not columns
# The entries of a label column (a borderless label | value table) are short: a few words.
_SHORT_ENTRY_WORDS = 6
_SHORT_ENTRY_CHARS = 50
# A gap at most this many times the row's median word space is a word space, not a gutter.
_SAME_SPACE = 1.25


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
    tables: list[Table] = field(default_factory=list)


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
    tables: list[Table] = []
    if rules:
        tables, words = find_tables(rules, words)
    rows = rows_by_baseline(words) if words else []
    gutter = _find_gutter(rows, body, height) if rows else None
    return PageLayout(number, width, height, [], rows, gutter, body, tables=tables)


def _crosses(row: list[Word], center: float, body: float) -> bool:
    """Whether a row runs across the gutter: a word straddles its center, or the words either side
    of it are only a word space apart: narrower than 0.6 em, or no wider than the row's own word
    spaces (a monospaced font's space is 0.6 em, and its words line up in a grid, so a strip
    between them can look like a gutter)."""
    before = [w.x1 for w in row if w.x1 <= center]
    after = [w.x0 for w in row if w.x0 >= center]
    if len(before) + len(after) < len(row):
        return True
    if not before or not after:
        return False
    gap = min(after) - max(before)
    if gap < 0.6 * body:
        return True
    spaces = sorted(word.x0 - previous.x1 for previous, word in zip(row, row[1:]))
    if len(spaces) < 3:  # the gap and at most one other: no measure of the row's word space
        return False
    return gap <= _SAME_SPACE * spaces[len(spaces) // 2]


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
