"""Fast PDF reader on pypdfium2 (PDFium's text page API).

PDFium gives the page text in one call (with its own spaces and line breaks, and with overprinted
fake-bold duplicates already removed).  The text is split into words on whitespace and each word is
measured with a few calls (box of its first and last character, font size, font name, angle),
rather than every character, which keeps the reader near the speed of bare text extraction.  The
words then go through the same layout analysis as the pdfplumber reader (pdf_layout.py).

Every PDFium object is closed as soon as it is done with (text page, page, document), in `finally`
blocks, so nothing waits for the garbage collector; the reader keeps no state between files and is
safe in worker processes.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import CorruptFile, EncryptedFile, ExtractionError, ResourceLimitExceeded
from ..models import RawDocument
from .pdf_layout import LayoutBuilder, Word, is_bold_font
from .pdf_reader import ENCRYPTED_REASON, _describe, finish

_WORD = re.compile(r"\S+")
_FONT_BUFFER_SIZE = 256


class _PageReader:
    """Reads words off PDFium text pages, reusing its ctypes buffers from page to page."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.left = ctypes.c_double()
        self.right = ctypes.c_double()
        self.bottom = ctypes.c_double()
        self.top = ctypes.c_double()
        self.font_buffer = ctypes.create_string_buffer(_FONT_BUFFER_SIZE)
        self.font_flags = ctypes.c_int()
        self.bold_of: dict[bytes, bool] = {}

    def text(self, textpage: Any, count: int) -> str:
        raw = self.raw
        buffer = (ctypes.c_ushort * (count + 1))()
        written = raw.FPDFText_GetText(textpage, 0, count, buffer)
        text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
        if len(text) != count:  # surrogate pairs or skipped characters: one code per character
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count))
        return text

    def words(self, textpage: Any, transform: "_Transform") -> list[Word]:
        raw = self.raw
        count = raw.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        text = self.text(textpage, count)
        box = raw.FPDFText_GetLooseCharBox
        get_size = raw.FPDFText_GetFontSize
        get_angle = raw.FPDFText_GetCharAngle
        get_font = raw.FPDFText_GetFontInfo
        rect = raw.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        buffer, flags = self.font_buffer, ctypes.byref(self.font_flags)
        bold_of = self.bold_of
        words: list[Word] = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            if get_angle(textpage, start) > 0.01:
                continue  # rotated text: stamps and margin notes (pdfplumber: not upright)
            box(textpage, start, rect_ref)
            left, top, bottom = rect.left, rect.top, rect.bottom
            if end - 1 != start:
                box(textpage, end - 1, rect_ref)
            right = rect.right
            length = get_font(textpage, start, buffer, _FONT_BUFFER_SIZE, flags)
            name = buffer.value if 0 < length <= _FONT_BUFFER_SIZE else b""
            bold = bold_of.get(name)
            if bold is None:
                bold = bold_of[name] = is_bold_font(name.decode("latin-1"))
            word_text = match.group()
            if not word_text.isascii():
                word_text = unicodedata.normalize("NFC", word_text)
            x0, x1, y_top, y_bottom = transform(left, right, top, bottom)
            words.append(Word(word_text, x0, x1, y_top, y_bottom, get_size(textpage, start), bold))
        return words


class _Transform:
    """PDFium box (page space, y up) → top-left page coordinates as pdfplumber gives them
    (relative to the media box, with the page's /Rotate applied)."""

    def __init__(self, mediabox: tuple[float, float, float, float], rotation: int) -> None:
        self.x0, self.y0, self.x1, self.y1 = mediabox
        self.rotation = rotation % 360
        if self.rotation in (90, 270):
            self.width, self.height = self.y1 - self.y0, self.x1 - self.x0
        else:
            self.width, self.height = self.x1 - self.x0, self.y1 - self.y0

    def __call__(
        self, left: float, right: float, top: float, bottom: float
    ) -> tuple[float, float, float, float]:
        r = self.rotation
        if r == 0:
            return left - self.x0, right - self.x0, self.y1 - top, self.y1 - bottom
        if r == 180:
            return self.x1 - right, self.x1 - left, bottom - self.y0, top - self.y0
        if r == 90:  # x' = y - y0, y' = x1 - x (y up)
            return bottom - self.y0, top - self.y0, left - self.x0, right - self.x0
        # 270: x' = y1 - y, y' = x - x0
        return self.y1 - top, self.y1 - bottom, self.x1 - right, self.x1 - left


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see extract/readers.py)."""
    import pypdfium2 as pdfium

    password = getattr(options, "password", None)
    max_pages = getattr(options, "max_pages", None)
    try:
        document = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise EncryptedFile(path, ENCRYPTED_REASON) from exc
        raise CorruptFile(path, f"corrupt or unreadable PDF ({_describe(exc)})") from exc
    builder = LayoutBuilder()
    page_count = 0
    try:
        total = len(document)
        if max_pages and total > max_pages:
            raise ResourceLimitExceeded(
                path, f"the PDF has {total} pages, more than the limit of {max_pages}"
            )
        reader = _PageReader()
        for index in range(total):
            page = document[index]
            try:
                transform = _Transform(tuple(page.get_mediabox()), page.get_rotation())
                textpage = page.get_textpage()
                try:
                    words = reader.words(textpage.raw, transform)
                finally:
                    textpage.close()
            finally:
                page.close()
            builder.add_page(index + 1, transform.width, transform.height, words)
            page_count = index + 1
    except ExtractionError:
        raise
    except Exception as exc:
        raise CorruptFile(
            path, f"corrupt PDF: page {page_count + 1} cannot be read ({_describe(exc)})"
        ) from exc
    finally:
        document.close()
    return finish(path, builder, page_count)
