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
first word would have fitted), at a change of font size or boldness, after a field label or before
a line starting with one, and before a bullet.  `gap_before` is set when the gap is about a blank
line or more, the same meaning as a blank line in a text submission (see models.Block); at the top
of a page or column it is read from how far the first line sits below the usual top of the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..models import Block
from ..normalize.turkish import strip_invisible
from ..vocabulary import LabelMatch, Vocabulary, load_vocabulary

# --------------------------------------------------------------------------- tunables (in em of the body size)
_PARA_GAP_EM = 0.2  # extra vertical space above the line pitch that ends a paragraph
_BLANK_GAP_EM = 0.8  # extra space that counts as a blank line (gap_before)
_WIDE_GAP_EM = 3.0  # a horizontal gap this wide cuts a row into separate lines (tab stops, cells)
_BAND_FRACTION = 0.15  # running headers/footers live in the top/bottom 15% of the page
_HEADER_ROWS = 3  # … among the first/last three lines of the page
_RUNNING_SHARE = 0.4  # … and repeat on at least this share of the pages (and at least twice)
_DEDUPE_TOLERANCE = 1.0  # points: a second copy of a word this close is fake bold
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
# A line longer than this with no separator in its first characters cannot start with a label
# (vocabulary.py: labels are at most 60 characters, bullets and quotes before them included).
_LABEL_WINDOW = 90
_SEPARATOR_CHARS = re.compile(r"[:：–—-]")


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

    def finish(self) -> "Line":
        words = self.words  # in x order
        self.x0 = words[0].x0
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
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


@dataclass(slots=True)
class _Paragraph:
    lines: list[Line]
    gap_before: bool


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


def _find_gutter(
    rows: list[list[Word]], body: float, is_label: Callable[[str], bool], height: float
) -> tuple[float, float] | None:
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
            labels += is_label(" ".join(w.text for w in left))
            partnered += right
        right_rows += right
    if len(left_ends) < 3 or right_rows < 2:
        return None
    # Two columns of prose, or a label column beside its values (a borderless label | value
    # table, read row by row)?  Prose lines run up to the gutter; a label column's entries are
    # field labels, each on the same baseline as the first line of its value, while the lines of
    # two independent columns drift apart.
    n = len(left_ends)
    column_width = g0 - left_edge
    fill = sum(1 for x1 in left_ends if x1 >= g0 - 0.25 * column_width) / n
    if fill < 0.1:
        return None
    if partnered / n >= 0.7 and (labels / n >= 0.4 or fill < 0.25):
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
    number: int, width: float, height: float, words: list[Word], is_label: Callable[[str], bool]
) -> PageLayout:
    """A page's words grouped into rows, with its column gutter if it has one (lines come later,
    once the document's gutter is known)."""
    words = dedupe_words([w for w in words if w.text])
    if not words:
        return PageLayout(number, width, height, [], [])
    body = dominant_size(words) or 10.0
    rows = _rows(words)
    return PageLayout(number, width, height, [], rows, _find_gutter(rows, body, is_label, height), body)


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


def remove_running_lines(pages: list[PageLayout], is_label: Callable[[str], bool]) -> list[str]:
    """Drop running headers, footers and page numbers from every page, in place; returns the
    dropped texts, each once (RawDocument.running_text: a submission's city and year are there).

    Candidates are the lines of the top and bottom margins (_margin_lines) that are not field
    labels.  A candidate goes when its text (digits aside) comes back at the same height on at
    least 40% of the pages (two at least), when it is a page number ("Page 3 of 12", "- 3 -", or a
    bare number equal to the page's), or, in a one-page document, when it is in smaller print than
    the body.
    """
    candidates: list[tuple[PageLayout, Line, str]] = []
    for page in pages:
        top, bottom = _margin_lines(page)
        candidates.extend((page, line, "top") for line in top if not is_label(line.text))
        candidates.extend(
            (page, line, "bottom") for line in bottom if line not in top and not is_label(line.text)
        )
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
    any_pair: list[float] = []
    for page in pages:
        previous: Line | None = None
        for line in page.lines:
            if (
                previous is not None
                and previous.column == line.column
                and abs(previous.size - line.size) < 0.2
                and line.bottom > previous.bottom
                and line.size > 0
            ):
                any_pair.append((line.bottom - previous.bottom) / line.size)
                key = (page.two_columns, previous.column)
                edge = right_edge[key]
                if key[1] != 1:  # a full-width line must also come near the mirrored margin
                    edge = max(edge, mirrored)
                if previous.x1 >= edge - 0.25 * (edge - column_left[key]):
                    ratios.append((line.bottom - previous.bottom) / line.size)
            previous = line
    body = _body_size(sizes)
    pitch = _pitch_ratio(ratios)
    if pitch > 1.6:  # no wrapped paragraph to measure: the tightest spacing between any two lines
        tight = sorted(r for r in any_pair if 0.8 <= r <= 1.6)
        pitch = tight[0] if tight else pitch
    return _Metrics(body or 10.0, pitch, right_edge, min(tops) if tops else 0.0)


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

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.pages: list[PageLayout] = []
        self.vocabulary = vocabulary or load_vocabulary()
        self.pages_without_text: list[int] = []
        self.running_text: list[str] = []  # filled by blocks(): the running headers and footers

    def add_page(self, number: int, width: float, height: float, words: list[Word]) -> None:
        page = read_page(number, width, height, words, self._is_bare_label)
        if not page.rows:
            self.pages_without_text.append(number)
        self.pages.append(page)

    @property
    def has_text(self) -> bool:
        return any(page.rows or page.lines for page in self.pages)

    # ------------------------------------------------------------------ paragraphs
    def blocks(self) -> list[Block]:
        assign_columns(self.pages)
        self.running_text = remove_running_lines(self.pages, self._is_bare_label)
        metrics = _metrics(self.pages)
        paragraphs = self._paragraphs(metrics)
        known = self._known_words()
        blocks: list[Block] = []
        for paragraph in paragraphs:
            blocks.extend(self._to_blocks(paragraph, known, first=not blocks))
        return blocks

    def _match_label(self, text: str) -> LabelMatch | None:
        """vocabulary.match_label, skipping lines that cannot hold a label: a label is at most 60
        characters and anything after it follows a separator (":" or a dash)."""
        if len(text) > _LABEL_WINDOW and not _SEPARATOR_CHARS.search(text, 0, _LABEL_WINDOW):
            return None
        return self.vocabulary.match_label(text)

    def _is_bare_label(self, text: str) -> bool:
        """A field label standing alone (no value after it on the line)."""
        match = self._match_label(text)
        return match is not None and match.inline_value is None

    def _paragraphs(self, m: _Metrics) -> list[_Paragraph]:
        paragraphs: list[_Paragraph] = []
        previous: Line | None = None
        previous_page: PageLayout | None = None
        band_top: dict[tuple[int, int], float] = {}  # (page, band) → top of its first left-column line
        first_band: dict[int, int] = {}
        for page in self.pages:
            for line in page.lines:
                first_band.setdefault(page.number, line.band)
                if line.column == 1:
                    band_top.setdefault((page.number, line.band), line.top)
                if previous is None:
                    paragraphs.append(_Paragraph([line], True))
                else:
                    brk, gap = self._break(previous, line, previous_page, page, m, band_top, first_band)
                    if brk:
                        paragraphs.append(_Paragraph([line], gap))
                    else:
                        paragraphs[-1].lines.append(line)
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
            extra = (b.bottom - a.bottom) - m.pitch_ratio * b.size
            if extra >= _BLANK_GAP_EM * body:
                return True, True
            if extra >= _PARA_GAP_EM * body:
                return True, False
        if abs(a.size - b.size) > 0.5 or a.all_bold != b.all_bold:
            return True, False
        if self._short(a, b, page_a, m):
            return True, False
        if _BULLET.match(b.text) or self._is_bare_label(a.text) or self._starts_label(b.text):
            return True, False
        return False, False

    def _short(self, a: Line, b: Line, page_a: PageLayout | None, m: _Metrics) -> bool:
        """Line a ended before the margin although b's first word would have fitted after it."""
        two = page_a.two_columns if page_a is not None else False
        edge = m.right_edge.get((two, a.column), a.x1)
        first = b.words[0]
        space = 0.25 * a.size
        return a.x1 + space + (first.x1 - first.x0) < edge - 1.0

    def _starts_label(self, text: str) -> bool:
        """A line starting with a field label; labels are written with a capital ("BÜTÇE",
        "Objective:"), a wrapped line of prose starting with "bütçe – …" is not one."""
        return text[:1].isupper() and self._match_label(text) is not None

    # ------------------------------------------------------------------ text
    def _known_words(self) -> set[str]:
        known: set[str] = set()
        for page in self.pages:
            for line in page.lines:
                for word in line.words:
                    known.add(word.text.strip(".,;:()\"'“”‘’").casefold())
        return known

    def _to_blocks(self, paragraph: _Paragraph, known: set[str], first: bool) -> list[Block]:
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
        gap = paragraph.gap_before or first
        split = self._split_bold_label(words)
        if split is not None:
            label_words, value_words = split
            label = " ".join(w.text for w in label_words)
            value = text[len(label) :].strip() if text.startswith(label) else " ".join(
                w.text for w in value_words
            )
            return [
                _block(label, label_words, page, None, gap),
                _block(value, value_words, page, page_end, False),
            ]
        return [_block(text, words, page, page_end, gap)]

    def _split_bold_label(self, words: list[Word]) -> tuple[list[Word], list[Word]] | None:
        """A bold label at the start of a paragraph followed by its value in regular type."""
        if not words or not words[0].bold or all(w.bold for w in words):
            return None
        k = 0
        while k < len(words) and words[k].bold:
            k += 1
        label = " ".join(w.text for w in words[:k])
        match = self._match_label(label)
        if match is None or match.inline_value is not None:
            return None
        return words[:k], words[k:]


def _block(text: str, words: list[Word], page: int, page_end: int | None, gap: bool) -> Block:
    return Block(
        text=text,
        page=page,
        page_end=page_end if page_end is not None and page_end != page else None,
        gap_before=gap,
        bold=all(w.bold for w in words) if words else None,
        font_size=dominant_size(words) or None,
    )


def _join_hyphen(left: str, right: str, known: set[str]) -> str | None:
    """`left` and `right` joined when `left` ends in a word split by a hyphen, else None.

    The hyphen is dropped ("estab-" + "lishment") unless the document spells the word with a
    hyphen elsewhere; before a capital or a digit it stays ("Covid-" + "19").

    >>> _join_hyphen("the estab-", "lishment of", set())
    'the establishment of'
    >>> _join_hyphen("socio-", "economic aims", {"socio-economic"})
    'socio-economic aims'
    >>> _join_hyphen("Covid-", "19 cases", set())
    'Covid-19 cases'
    >>> _join_hyphen("years 2019 -", "2020", set()) is None
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
    if f"{head}-{tail}".casefold() in known and f"{head}{tail}".casefold() not in known:
        return left + right
    return left[:-1] + right
