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
from collections.abc import Generator
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, EncryptedFile
from cittaslow_extract.models import RawDocument
from cittaslow_extract.read.pdf_reader import ENCRYPTED_REASON, PdfPage, describe_error, read_pages
from cittaslow_extract.read.pdf_words import Rule, Word, font_family, is_bold_font

# A word; PDFium joins a word hyphenated at a line end into one, with U+FFFE for the hyphen and
# no line break: cut after it, so both halves keep their own line, as pdfplumber sees them.
_WORD = re.compile(r"[^\s\ufffe]+\ufffe?|\ufffe")
_FONT_BUFFER_SIZE = 256


class _PageReader:
    """Reads words off PDFium text pages, reusing its ctypes buffers from page to page.

    Per word: the text object it belongs to and the boxes of its first and last character.  Font
    size, font name and angle are read once per text object (a text object has one font and size),
    which on typical pages is once per line.
    """

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.font_buffer = ctypes.create_string_buffer(_FONT_BUFFER_SIZE)
        self.font_flags = ctypes.c_int()
        self.bold_of: dict[bytes, tuple[bool, str | None]] = {}
        # FPDFText_GetTextObject returning the handle as a plain int, to compare cheaply
        address = ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value
        assert address is not None  # a function of the loaded library always has an address
        self.text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(address)

    def text(self, textpage: Any, count: int) -> str:
        raw = self.raw
        buffer = (ctypes.c_ushort * (count + 1))()
        written = raw.FPDFText_GetText(textpage, 0, count, buffer)
        text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
        if len(text) != count:  # surrogate pairs or skipped characters: one code per character
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count))
        return text

    def _font(self, textpage: Any, index: int) -> tuple[float, bool, bool, str | None]:
        """(size, bold, upright, family) of the character at `index`."""
        raw = self.raw
        length = raw.FPDFText_GetFontInfo(
            textpage, index, self.font_buffer, _FONT_BUFFER_SIZE, ctypes.byref(self.font_flags)
        )
        name = self.font_buffer.value if 0 < length <= _FONT_BUFFER_SIZE else b""
        known = self.bold_of.get(name)
        if known is None:
            decoded = name.decode("latin-1")
            known = self.bold_of[name] = (is_bold_font(decoded), font_family(decoded) or None)
        upright = raw.FPDFText_GetCharAngle(textpage, index) <= 0.01
        return raw.FPDFText_GetFontSize(textpage, index), known[0], upright, known[1]

    def words(self, textpage: Any, transform: _Transform) -> list[Word]:
        raw = self.raw
        count = raw.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        text = self.text(textpage, count)
        box = raw.FPDFText_GetLooseCharBox
        text_object = self.text_object
        rect = raw.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        plain = transform.rotation == 0
        x_origin, y_top = transform.x0, transform.y1
        words: list[Word] = []
        append = words.append
        current_object: int | None = -1
        size, bold, upright, family = 0.0, False, True, None
        for match in _WORD.finditer(text):
            start, end = match.span()
            handle = text_object(textpage, start)
            if handle != current_object:
                current_object = handle
                size, bold, upright, family = self._font(textpage, start)
            if not upright:
                continue  # rotated text: stamps and margin notes (pdfplumber: not upright)
            box(textpage, start, rect_ref)
            left, top, bottom = rect.left, rect.top, rect.bottom
            if end - 1 != start:
                box(textpage, end - 1, rect_ref)
            word_text = match.group()
            if not word_text.isascii():
                word_text = unicodedata.normalize("NFC", word_text.replace("\ufffe", "-"))
            if plain:
                append(Word(word_text, left - x_origin, rect.right - x_origin,
                            y_top - top, y_top - bottom, size, bold, family))
            else:
                x0, x1, y0, y1 = transform(left, rect.right, top, bottom)
                append(Word(word_text, x0, x1, y0, y1, size, bold, family))
        return words


def page_rules(page_raw: Any, transform: _Transform) -> list[Rule]:
    """The page's path objects as rules (table borders): a thin path is one rule, a box its four
    edges, as pdfplumber's `page.edges` gives them."""
    import pypdfium2.raw as raw
    rules: list[Rule] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = tuple(ctypes.byref(v) for v in (left, bottom, right, top))
    for index in range(raw.FPDFPage_CountObjects(page_raw)):
        obj = raw.FPDFPage_GetObject(page_raw, index)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, *refs):
            continue
        x0, x1, y0, y1 = transform(left.value, right.value, top.value, bottom.value)
        x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        if x1 - x0 <= 2.0 or y1 - y0 <= 2.0:
            rules.append(Rule(x0, x1, y0, y1))
        else:
            rules.extend((Rule(x0, x1, y0, y0), Rule(x0, x1, y1, y1), Rule(x0, x0, y0, y1), Rule(x1, x1, y0, y1)))
    return rules


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
    """Reader contract (see read/reader.py)."""
    import pypdfium2 as pdfium

    password = getattr(options, "password", None)
    try:
        document = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise EncryptedFile(path, ENCRYPTED_REASON) from exc
        raise CorruptFile(path, f"corrupt or unreadable PDF ({describe_error(exc)})") from exc
    try:
        return read_pages(path, options, len(document), _pages(document))
    finally:
        document.close()


def _pages(document: Any) -> Generator[PdfPage, None, None]:
    """Each page's words and ruling lines; a page (which the OCR may render) is closed once the
    next is asked for."""
    reader = _PageReader()
    for index in range(len(document)):
        page = document[index]
        try:
            transform = _Transform(tuple(page.get_mediabox()), page.get_rotation())
            textpage = page.get_textpage()
            try:
                words = reader.words(textpage.raw, transform)
            finally:
                textpage.close()
            rules = page_rules(page.raw, transform) if words else []
            yield PdfPage(index + 1, transform.width, transform.height, words, rules, page)
        finally:
            page.close()
