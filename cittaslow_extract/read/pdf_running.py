"""Running headers, footers and page numbers: found in the top and bottom margins of the pages and
taken out of the text (RawDocument.running_text keeps them: a submission's city and year are there).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from cittaslow_extract.read.pdf_lines import Line, PageLayout
from cittaslow_extract.read.pdf_paragraphs import BLANK_GAP_EM
from cittaslow_extract.read.pdf_words import dominant_size

_BAND_FRACTION = 0.15  # running headers/footers live in the top/bottom 15% of the page
_HEADER_ROWS = 3  # … among the first/last three lines of the page
_RUNNING_SHARE = 0.4  # … and repeat on at least this share of the pages (and at least twice)
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
    gap = BLANK_GAP_EM * page.body + page.body * 0.2
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
