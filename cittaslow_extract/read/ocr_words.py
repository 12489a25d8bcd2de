"""Tesseract's hOCR output → `pdf_words.Word`s, so a scan goes through the same layout analysis
and segmenter as a born-digital PDF.

hOCR gives, per line, the baseline (slope and offset) and the text height (`x_size`), and per word
a box and a confidence.  From them:

- the page's skew is the median baseline slope; word positions are turned back by it (a rotation
  of the coordinates, not of the image), so the lines of a skewed scan are level again;
- every word of a line sits on the line's baseline and has the line's height, the line's text
  height is its font size (pixels → points at the render resolution);
- sizes are then snapped, over the whole document, to a few common values (OCR heights of one font
  vary by a few per cent, and the layout stage breaks paragraphs at a change of size).

Bold is not known (Tesseract's LSTM engine does not report fonts): words are not bold, and the
segmenter relies on text and gaps, as for a text submission.
"""

from __future__ import annotations

import html
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from cittaslow_extract.read.pdf_words import Word

_SIZE_CLUSTER = 0.07  # text heights within 7% of a common one are that size (OCR spread: ±4%)
_CAP_HEIGHT_EM = 0.73  # capitals and digits, in em (DejaVu, Liberation, Calibri: 0.64-0.73)
_SIDE_BEARING_EM = 0.05  # glyph side bearings, so OCR word boxes are as wide as a PDF engine's
_PARAGRAPH_SIZE_SPREAD = 0.15
_WRAPPED_EDGE = 0.1  # a line ending this share of the text width from the right edge wrapped
_TALL = re.compile(r"[A-ZÇĞİÖŞÜ0-9bdfhklt]")  # a word reaching cap height (or above)
_MIN_SKEW_WORDS = 3  # lines with fewer words say little about the page's skew
# A line that is one short token of digits and their look-alikes ("Ol", "O1", "0l") is a criterion
# number as printed ("01"): Tesseract reads a lone number without context as letters.
_NUMBER_LIKE = re.compile(r"^[0-9OoIl|]{2,3}[.)]?$")
_DIGIT_LOOKALIKES = str.maketrans("OoIl|", "00111")

# hOCR as Tesseract writes it: a line span (title with bbox, baseline, x_size) or a word span
# (title with bbox and x_wconf, text up to its closing tag).
_HOCR_ITEM = re.compile(
    r"""
    <p\ class='(?P<par>ocr_par)'
    | <span\ class='(?P<kind>ocr_line|ocr_header|ocr_caption|ocr_textfloat)'[^>]*?title="(?P<line>[^"]*)"
    | <span\ class='ocrx_word'[^>]*?title='(?P<word>[^']*)'[^>]*>(?P<text>.*?)</span>
    """,
    re.VERBOSE | re.DOTALL,
)
_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_X_DESCENDERS = re.compile(r"x_descenders ([\d.]+)")
_CONFIDENCE = re.compile(r"x_wconf (-?\d+)")
_TAG = re.compile(r"<[^>]+>")  # inner markup (<em>, <strong>) if a Tesseract build adds it


@dataclass(slots=True)
class OcrLine:
    """One hOCR line in image pixels: its words' boxes, texts and confidences."""

    left: float
    bottom: float
    slope: float
    offset: float
    x_size: float
    descenders: float
    paragraph: int  # Tesseract's paragraph (ocr_par) the line belongs to
    words: list[tuple[str, float, float, float, float]] = field(default_factory=list)  # text, x0, x1, top, conf

    def baseline_at(self, x: float) -> float:
        return self.bottom + self.offset + self.slope * (x - self.left)


@dataclass(slots=True)
class OcrPage:
    words: list[Word]
    confidences: list[float]

    @property
    def confidence(self) -> float | None:
        return statistics.fmean(self.confidences) if self.confidences else None


def parse_hocr(hocr: str) -> list[OcrLine]:
    """The lines of a Tesseract hOCR page.

    >>> page = ("<span class='ocr_line' id='l' title=\\"bbox 10 20 200 50; baseline 0.01 -5; "
    ...         "x_size 30; x_descenders 6; x_ascenders 7\\"><span class='ocrx_word' id='w' "
    ...         "title='bbox 10 20 90 45; x_wconf 93'>Bütçe</span>")
    >>> line = parse_hocr(page)[0]
    >>> line.x_size, line.baseline_at(110), line.words
    (30.0, 46.0, [('Bütçe', 10.0, 90.0, 20.0, 93.0)])
    """
    lines: list[OcrLine] = []
    paragraph = 0
    for match in _HOCR_ITEM.finditer(hocr):
        if match.group("par"):
            paragraph += 1
            continue
        if match.group("kind"):
            title = match.group("line")
            box = _BBOX.search(title)
            if box is None:
                continue
            x0, _, _, y1 = (float(v) for v in box.groups())
            baseline = _BASELINE.search(title)
            slope, offset = (float(baseline.group(1)), float(baseline.group(2))) if baseline else (0.0, 0.0)
            size = _X_SIZE.search(title)
            descenders = _X_DESCENDERS.search(title)
            lines.append(OcrLine(
                x0, y1, slope, offset,
                float(size.group(1)) if size else 0.0,
                float(descenders.group(1)) if descenders else 0.0,
                paragraph,
            ))
            continue
        text = html.unescape(_TAG.sub("", match.group("text"))).strip()
        box = _BBOX.search(match.group("word"))
        if not text or box is None or not lines:
            continue
        x0, top, x1, _ = (float(v) for v in box.groups())
        confidence = _CONFIDENCE.search(match.group("word"))
        lines[-1].words.append((text, x0, x1, top, float(confidence.group(1)) if confidence else 0.0))
    return [line for line in lines if line.words]


def page_skew(lines: list[OcrLine]) -> float:
    """The page's skew: the median baseline slope of its lines of several words (0 without)."""
    slopes = [line.slope for line in lines if len(line.words) >= _MIN_SKEW_WORDS]
    return statistics.median(slopes) if slopes else 0.0


def line_size(line: OcrLine) -> float:
    """The line's font size in pixels: Tesseract's text height, unless its tallest word says less.

    Tesseract reads a line of capitals or digits ("START DATE", "2021") as lower-case letters and
    gives a size a third too large; the tallest word's height above the baseline over the cap
    height of a typical face (0.73 em) bounds it.
    """
    tallest = max(
        (line.baseline_at((x0 + x1) / 2) - top for text, x0, x1, top, _ in line.words if _TALL.search(text)),
        default=0.0,
    )
    if tallest <= 0:  # only x-height letters ("amaç"): nothing to bound it by
        return line.x_size
    return min(line.x_size, tallest / _CAP_HEIGHT_EM) if line.x_size else tallest / _CAP_HEIGHT_EM


def paragraph_sizes(lines: list[OcrLine]) -> list[float]:
    """Each line's size; a line that continues a wrapped line of the same Tesseract paragraph
    (the line before it reaches the page's right text edge) takes that line's size when within
    15% of it: a wrapped heading's last word must not read as a smaller font."""
    sizes = [line_size(line) for line in lines]
    right = max((line.words[-1][2] for line in lines), default=0.0)
    left = min((line.words[0][1] for line in lines), default=0.0)
    for i in range(1, len(lines)):
        before, line = lines[i - 1], lines[i]
        wrapped = before.words[-1][2] >= right - _WRAPPED_EDGE * (right - left)
        if (line.paragraph == before.paragraph and wrapped
                and abs(sizes[i] - sizes[i - 1]) <= _PARAGRAPH_SIZE_SPREAD * sizes[i - 1]):
            sizes[i] = sizes[i - 1]
    return sizes


def words_from_lines(lines: list[OcrLine], width: float, height: float, dpi: float) -> OcrPage:
    """Words in points from the page's top-left corner, skew removed, one baseline per line.

    Turning the coordinates by the skew s (a small rotation about the page centre):
    x' = x + s·(y - cy), y' = y - s·(x - cx).
    """
    scale = 72.0 / dpi
    skew = page_skew(lines)
    cx, cy = width / 2, height / 2
    words: list[Word] = []
    confidences: list[float] = []
    for line, size in zip(lines, paragraph_sizes(lines)):
        if len(line.words) == 1 and _NUMBER_LIKE.match(line.words[0][0]):
            text, *box = line.words[0]
            line.words[0] = (text.translate(_DIGIT_LOOKALIKES), *box)  # type: ignore[assignment]
        middle = (line.words[0][1] + line.words[-1][2]) / 2
        base = line.baseline_at(middle)
        base_level = base - skew * (middle - cx)  # the line's baseline with the skew removed
        shift = skew * (base - cy)  # how far the skew moved the line sideways
        size = max(size, 1.0)
        bottom = (base_level + line.descenders) * scale
        top = bottom - size * scale
        for text, x0, x1, _, confidence in line.words:
            if not text.isascii():
                text = unicodedata.normalize("NFC", text)
            pad = _SIDE_BEARING_EM * size  # ink box → the advance box a PDF engine reports
            words.append(Word(text, (x0 + shift - pad) * scale, (x1 + shift + pad) * scale, top, bottom,
                              size * scale, False))
            confidences.append(max(confidence, 0.0))
    return OcrPage(words, confidences)


def snap_sizes(pages: list[list[Word]]) -> None:
    """Set the OCR'd words' sizes to a few common values, over the whole document.

    The size carrying most characters is a common size; sizes within 7% of it take its
    (character-weighted) mean; the rest are clustered the same way.  Sizes are rounded to 0.5 pt.

    >>> w = lambda s: Word("abcd", 0, 1, 0, 1, s, False)
    >>> page = [w(10.2), w(10.6), w(9.9), w(14.1), w(13.6)]
    >>> snap_sizes([page]); [x.size for x in page]
    [10.0, 10.0, 10.0, 14.0, 14.0]
    """
    weight: dict[float, int] = {}
    for words in pages:
        for word in words:
            key = round(word.size, 1)
            weight[key] = weight.get(key, 0) + len(word.text)
    snapped: dict[float, float] = {}
    left = dict(weight)
    while left:
        centre = max(left.items(), key=lambda item: (item[1], item[0]))[0]
        members = [s for s in left if abs(s - centre) <= _SIZE_CLUSTER * centre]
        total = sum(left[s] for s in members)
        mean = sum(s * left[s] for s in members) / total
        for s in members:
            snapped[s] = round(mean * 2) / 2
            del left[s]
    for words in pages:
        for word in words:
            word.size = snapped[round(word.size, 1)]
