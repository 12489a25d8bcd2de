"""The PDF engines' common unit: a `Word` (text, box, font size, bold, font family) and a `Rule`
(a drawn line), with the word-level measures every later step of the layout uses.

pdf_reader.py (pdfplumber) and pdfium_reader.py (pypdfium2) turn a page into Words and Rules;
ocr_words.py does the same for a scan.  Everything after that is shared (pdf_layout.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from cittaslow_extract.models import Run

_DEDUPE_TOLERANCE = 1.0  # points: a second copy of a word this close is fake bold
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|extrabold|ultrabold", re.IGNORECASE)
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


def rows_by_baseline(words: list[Word]) -> list[list[Word]]:
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


def runs_of(words: list[Word]) -> tuple[Run, ...]:
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


def dominant_font(words: list[Word]) -> str | None:
    weight: Counter[str] = Counter()
    for word in words:
        if word.font:
            weight[word.font] += len(word.text)
    return max(weight.items(), key=lambda item: (item[1], item[0]))[0] if weight else None


def word_key(word: str) -> str:
    return word.strip(".,;:()\"'“”‘’").casefold()
