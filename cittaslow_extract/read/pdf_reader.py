"""PDF reader on pdfplumber (pdfminer): precise character boxes and font names.

Only turns each page's characters into `pdf_words.Word`s; the layout decisions (lines, columns,
headers, paragraphs) are shared with the pypdfium2 reader in pdf_layout.py.  Pages are read one
at a time and their caches flushed, so memory does not grow with the page count.

Why words_from_chars and not pdfplumber's Page.dedupe_chars() + Page.extract_words(): the closest
settings (upright chars only, dedupe_chars(tolerance=1, extra_attrs=None), extract_words(
use_text_flow=True, x_tolerance_ratio=0.2, y_tolerance_ratio=0.3, expand_ligatures=False,
return_chars=True) for bold and size) give the same words on every page of samples/, but not in
general, as no setting reproduces these rules:
- pdfplumber starts a word when a character's top moves from the previous character's top; here,
  when its bottom moves from the word's first character's.  "m²" (a raised, smaller "2") is one
  word "m2" there, two words here; a 14 pt "B" before 8 pt "UDGET" two words there, one here;
- dedupe_chars clusters copies transitively and keeps the top-left one; here a copy is dropped
  only within a point of a kept one, and the first drawn is kept (dot leaders in small print
  differ, and fake bold keeps its first copy's box);
- a character drawn back over the previous one starts a word there only left of its x0; here
  from 0.3 em of overlap.
It is also ~20x slower at this step (dedupe_chars restores the order with list.index: quadratic in
a page's characters): 1.8 s against 0.08 s for the 60 sample pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EncryptedFile, ExtractionError, NoTextLayer, ResourceLimitExceeded
from cittaslow_extract.models import RawDocument
from cittaslow_extract.read.ocr import OcrStats, PageCollector, mark_ocr, no_text_reason
from cittaslow_extract.read.pdf_layout import LayoutBuilder
from cittaslow_extract.read.pdf_words import Rule, Word, font_family, is_bold_font

ENCRYPTED_REASON = "encrypted PDF: it cannot be opened without its password (wrong or missing password)"


def words_from_chars(chars: list[dict[str, Any]]) -> list[Word]:
    """pdfplumber characters (in drawing order) → words.

    A word ends at a space, at a jump back or a gap of more than a fifth of the font size, or on a
    change of baseline.  A character drawn again within a point of an identical one (fake bold by
    overprinting) is dropped.
    """
    words: list[Word] = []
    bold_of: dict[str, bool] = {}
    seen: dict[tuple[str, int], list[float]] = {}
    text: list[str] = []
    x0 = x1 = top = bottom = size = 0.0
    bold = True
    family: str | None = None

    def flush() -> None:
        if text:
            joined = "".join(text)
            if not joined.isascii():
                joined = unicodedata.normalize("NFC", joined)
            words.append(Word(joined, x0, x1, top, bottom, size, bold, family))
            text.clear()

    for char in chars:
        glyph = char["text"]
        if not glyph or glyph.isspace():
            flush()
            continue
        if not char.get("upright", True):
            continue  # rotated text: stamps and margin notes
        cx0, cx1, cbottom = char["x0"], char["x1"], char["bottom"]
        key = (glyph, round(cbottom))
        previous = seen.get(key)
        if previous is not None and any(abs(x - cx0) <= 1.0 for x in previous):
            continue
        seen.setdefault(key, []).append(cx0)
        csize = char["size"]
        fontname = char["fontname"]
        cbold = bold_of.get(fontname)
        if cbold is None:
            cbold = bold_of[fontname] = is_bold_font(fontname)
        if text and (
            abs(cbottom - bottom) > 0.3 * csize
            or cx0 < x1 - 0.3 * csize
            or cx0 - x1 > 0.2 * csize
        ):
            flush()
        if not text:
            x0, top, bottom, size, bold = cx0, char["top"], cbottom, csize, cbold
            family = font_family(fontname) or None
        else:
            bold = bold and cbold
            top = min(top, char["top"])
        x1 = cx1
        text.append(glyph)
    flush()
    return words


def _page_count(pdf: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a broken page tree: let page iteration report it
        return None


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see read/reader.py)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    password = getattr(options, "password", None) or ""
    try:
        pdf = pdfplumber.open(path, password=password)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedFile(path, ENCRYPTED_REASON) from exc
        raise CorruptFile(path, f"corrupt or unreadable PDF ({describe_error(cause)})") from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise CorruptFile(path, f"corrupt or unreadable PDF ({describe_error(exc)})") from exc
    try:
        return read_pages(path, options, _page_count(pdf), _pages(pdf, path, getattr(options, "max_pages", None)))
    finally:
        pdf.flush_cache()
        pdf.stream.close()


def _pages(pdf: Any, path: Path, max_pages: int | None) -> Generator[PdfPage, None, None]:
    """Each page's words and ruling lines, one pdfplumber Page at a time (pdf.pages would keep
    every page and its cache), closed once the next is asked for.  A broken page tree may not say
    how many pages there are: the limit is then checked here, before a page past it is parsed."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if max_pages and number > max_pages:
            raise ResourceLimitExceeded(path, f"the PDF has more than {max_pages} pages")
        page = Page(pdf, page_obj, page_number=number)
        try:
            words = words_from_chars(page.chars)
            rules = [Rule(e["x0"], e["x1"], e["top"], e["bottom"]) for e in page.edges] if words else []
            yield PdfPage(number, float(page.width), float(page.height), words, rules)
        finally:
            page.close()


@dataclass(frozen=True, slots=True)
class PdfPage:
    """One page as a PDF reader gives it to read_pages; `engine_page` is a pypdfium2 page, which
    the OCR of a page without a text layer can render (pdfplumber has none: OCR opens the file)."""

    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule]
    engine_page: Any = None


def read_pages(
    path: Path, options: Any, declared_pages: int | None, pages: Generator[PdfPage, None, None]
) -> RawDocument:
    """The part of reading a PDF both readers share: the page limit, OCR of the pages without a
    text layer (PageCollector), the layout of all pages, and any failure while a page is read as a
    one-line "page N cannot be read".  `pages` is closed before this returns or raises, so the page
    it was on is closed before the caller closes the document."""
    max_pages = getattr(options, "max_pages", None)
    builder = LayoutBuilder()
    collector = PageCollector(builder, path, options)
    page_count = 0
    try:
        check_page_count(path, declared_pages, max_pages)
        for page in pages:
            collector.add(page.number, page.width, page.height, page.words, page.engine_page, page.rules)
            page_count = page.number
        stats = collector.finish()
    except ExtractionError:
        raise
    except Exception as exc:
        raise unreadable_page(path, page_count + 1, exc) from exc
    finally:
        pages.close()
        collector.close()
    return finish(path, builder, page_count, stats, collector.mode)


def check_page_count(path: Path, declared: int | None, max_pages: int | None) -> None:
    """Refuse a PDF that declares more pages than the limit, before any page is read."""
    if max_pages and declared and declared > max_pages:
        raise ResourceLimitExceeded(path, f"the PDF has {declared} pages, more than the limit of {max_pages}")


def unreadable_page(path: Path, number: int, exc: Exception) -> CorruptFile:
    return CorruptFile(path, f"corrupt PDF: page {number} cannot be read ({describe_error(exc)})")


def finish(
    path: Path, builder: LayoutBuilder, page_count: int, stats: OcrStats | None = None, ocr: str = "auto"
) -> RawDocument:
    """The RawDocument of a fully read PDF (shared by both PDF readers)."""
    stats = stats or OcrStats()
    if page_count == 0:
        raise CorruptFile(path, "corrupt PDF: it has no pages")
    if not builder.has_text:
        raise NoTextLayer(path, no_text_reason(ocr, stats))
    blocks = builder.blocks()
    if not blocks:
        raise NoTextLayer(path, no_text_reason(ocr, stats))
    warnings = ["pdf_page_without_text"] if builder.pages_without_text else []
    document = RawDocument(
        path=path, source_format="pdf", blocks=blocks, page_count=page_count, warnings=warnings,
        running_text=builder.running_text,
    )
    return mark_ocr(document, stats)


def describe_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
