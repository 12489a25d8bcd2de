"""Lines → paragraphs → blocks, over the whole document.

A paragraph ends at a vertical gap wider than the line pitch, after a short line (the next line's
first word would have fitted), at a change of font size or boldness, and before a bullet; it goes
on across page and column breaks when the text runs on.  `gap_before` is set when the gap is about
a blank line or more, the same meaning as a blank line in a text submission (see models.Block); at
the top of a page or column it is read from how far the first line sits below the usual top of the
text.  `gap_lines` is that gap in line heights.  The line pitch is measured on the document itself
(Metrics), per font size where it can be.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cittaslow_extract.models import Block
from cittaslow_extract.normalize.turkish import strip_invisible
from cittaslow_extract.read.pdf_lines import Line, PageLayout
from cittaslow_extract.read.pdf_words import Word, dominant_font, dominant_size, runs_of

# in em of the body size
_PARA_GAP_EM = 0.2  # extra vertical space above the line pitch that ends a paragraph
BLANK_GAP_EM = 0.8  # extra space that counts as a blank line (gap_before)
_FULL_LINE_GAP_EM = 0.35  # … after a line that ran to the margin in the middle of a sentence
_SENTENCE_END = ".!?:;…"
_PITCH_SAMPLES = 5  # wrapped lines of one size needed to measure that size's own line pitch
# Bullets that start a new paragraph even when the previous line reached the margin.  Not "o",
# "-" or "–": a wrapped line may well start with the Turkish word "o" or a spaced dash.
_BULLET = re.compile(r"^(?:[•◦▪▫■□●○‣⁃∙·*]|\d{1,2}[.)](?=\s))")
_HYPHENS = ("-", "\u2010", "\u00ad")  # hyphen-minus, hyphen, soft hyphen


@dataclass(slots=True)
class Paragraph:
    lines: list[Line]
    gap_before: bool
    gap_lines: float | None = None


@dataclass(slots=True)
class Metrics:
    body: float  # body font size
    pitch_ratio: float  # baseline distance / font size inside a paragraph
    right_edge: dict[tuple[bool, int], float]  # (two-column page, column) → right text edge
    page_top: float  # usual top of the first line of a page
    pitch_by_size: dict[float, float] = field(default_factory=dict)  # the same, per font size

    def pitch(self, size: float) -> float:
        """The line pitch of text in this size: styles of one document are often spaced differently."""
        return self.pitch_by_size.get(round(size), self.pitch_ratio)


def document_metrics(pages: list[PageLayout]) -> Metrics:
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
                and previous.all_bold == line.all_bold  # a change of boldness always ends a paragraph
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
    return Metrics(body or 10.0, pitch, right_edge, min(tops) if tops else 0.0, pitch_by_size)


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


def paragraphs(pages: list[PageLayout], m: Metrics) -> list[Paragraph]:
    """The document's lines (every page's, in reading order) joined into paragraphs."""
    found: list[Paragraph] = []
    previous: Line | None = None
    previous_page: PageLayout | None = None
    band_top: dict[tuple[int, int], float] = {}  # (page, band) → top of its first left-column line
    first_band: dict[int, int] = {}
    pitch: float | None = None  # the line pitch of the paragraph being built, once it has two lines
    for page in pages:
        for line in page.lines:
            first_band.setdefault(page.number, line.band)
            if line.column == 1:
                band_top.setdefault((page.number, line.band), line.top)
            if previous is None:
                found.append(Paragraph([line], True))
            else:
                brk, gap = _break(previous, line, previous_page, m, band_top, first_band, pitch)
                if brk:
                    pitch = None
                    lines_gap = None
                    if previous.page == line.page and line.size and line.base > previous.base:
                        # baseline to baseline, less one line: the engines agree on baselines
                        lines_gap = round(max(0.0, (line.base - previous.base) / line.size - 1.0), 1)
                    found.append(Paragraph([line], gap, lines_gap))
                else:
                    found[-1].lines.append(line)
                    if previous.page == line.page and previous.column == line.column:
                        pitch = line.base - previous.base
            previous, previous_page = line, page
    return found


def _break(
    a: Line,
    b: Line,
    page_a: PageLayout | None,
    m: Metrics,
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
        gap = b.top > expected_top + BLANK_GAP_EM * body
        if gap:
            return True, True
    else:
        if b.bottom <= a.bottom + 0.3 * max(b.size, 1.0):
            return True, False  # a piece of the same row (a cut at a wide gap)
        # the paragraph's own pitch so far: a document's spacing varies from style to style
        same_pitch = pitch is not None and (b.base - a.base) <= pitch + 0.1 * b.size
        extra = (b.base - a.base) - m.pitch(b.size) * b.size
        if extra >= BLANK_GAP_EM * body and not same_pitch:
            return True, True
        # in the middle of a sentence, after a line that ran to the margin, only clear spacing
        # parts paragraphs: a taller glyph from a fallback font alone widens a line's pitch
        mid_sentence = not _short(a, b, page_a, m) and a.text[-1:] not in _SENTENCE_END
        threshold = _FULL_LINE_GAP_EM if mid_sentence else _PARA_GAP_EM
        if extra >= threshold * body and not same_pitch and not _runs_on(a.text, b.text):
            return True, False
    if abs(a.size - b.size) > 0.5 or a.all_bold != b.all_bold:
        return True, False
    if _short(a, b, page_a, m) and not _runs_on(a.text, b.text):
        return True, False
    if _BULLET.match(b.text):
        return True, False
    return False, False


def _short(a: Line, b: Line, page_a: PageLayout | None, m: Metrics) -> bool:
    """Line a ended before the margin although b's first word would have fitted after it."""
    two = page_a.two_columns if page_a is not None else False
    edge = m.right_edge.get((two, a.column), a.x1)
    first = b.words[0]
    space = 0.25 * a.size
    return a.x1 + space + (first.x1 - first.x0) < edge - 1.0


def paragraph_block(paragraph: Paragraph, known: Counter[str], first: bool) -> Block:
    """A paragraph as a block: its lines joined (words hyphenated at a line end made whole), its
    formatting and its place."""
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
    runs = runs_of(words)
    return Block(
        text=text,
        page=page,
        page_end=page_end if page_end != page else None,
        gap_before=paragraph.gap_before or first,
        bold=all(w.bold for w in words) if words else None,
        font_size=dominant_size(words) or None,
        font=dominant_font(words),
        gap_lines=paragraph.gap_lines,
        indent=float(round(first_line.x0)),
        lines=lines,
        runs=runs if len(runs) > 1 else (),
    )


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
