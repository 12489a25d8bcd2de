"""Image reader: PNG, JPEG and (multi-page) TIFF scans, OCR'd page by page (see ocr.py).

Each frame of the file is a page, its size in points taken from the image's resolution (300 dpi
when the file does not say); the words then go through the same layout analysis as a PDF's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cittaslow_extract.errors import (
    CorruptFile,
    ExtractionError,
    NotASubmission,
    ResourceLimitExceeded,
    UnsupportedFormat,
)
from cittaslow_extract.models import RawDocument, SourceFormat
from cittaslow_extract.read import ocr
from cittaslow_extract.read.ocr_words import snap_sizes
from cittaslow_extract.read.pdf_layout import LayoutBuilder

DEFAULT_DPI = 300  # an image that does not state its resolution
_DPI_RANGE = (72, 1200)  # stated resolutions outside this are taken as unstated
_IMAGE_FORMATS: dict[str, SourceFormat] = {"png": "png", "jpeg": "jpeg", "tiff": "tiff"}  # PIL's names


def _dpi(image: Any) -> int:
    stated = image.info.get("dpi")
    try:
        value = round(float(stated[0])) if stated else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if _DPI_RANGE[0] <= value <= _DPI_RANGE[1] else DEFAULT_DPI


def read(path: Path, options: Any = None) -> RawDocument:
    """Reader contract (see read/reader.py); source_format is the image kind (png, jpeg, tiff)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    mode = getattr(options, "ocr", "auto")
    languages = getattr(options, "ocr_lang", ocr.DEFAULT_LANGUAGES)
    max_pages = getattr(options, "max_pages", None)
    if mode == "never":
        raise UnsupportedFormat(path, "an image: its text can only be read by OCR, which is off (--ocr never)")
    ocr.check_tesseract(languages, path)
    builder = LayoutBuilder()
    stats = ocr.OcrStats()
    pages: list[tuple[int, float, float, list[Any]]] = []
    try:
        with Image.open(path) as image:
            kind = (image.format or "").lower()
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if max_pages and number > max_pages:
                    raise ResourceLimitExceeded(path, f"the image has more than {max_pages} pages")
                dpi = _dpi(frame)
                grey = frame.convert("L")
                result = ocr.ocr_image(grey, languages, dpi, path, denoise=ocr.DENOISE)
                stats.add(number, result)
                pages.append((number, grey.width * 72.0 / dpi, grey.height * 72.0 / dpi, result.words))
    except ExtractionError:
        raise
    except Image.DecompressionBombError as exc:
        raise ResourceLimitExceeded(path, f"refused: the image is too large to read safely ({exc})") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(path, f"corrupt or unreadable image ({type(exc).__name__}: {exc})") from exc
    snap_sizes([words for *_, words in pages])
    for number, width, height, words in pages:
        builder.add_page(number, width, height, words)
    blocks = builder.blocks() if builder.has_text else []
    if not blocks:
        raise NotASubmission(path, "an image without text (a photo?): OCR found none")
    document = RawDocument(path=path, source_format=_IMAGE_FORMATS.get(kind, "png"), blocks=blocks,
                           page_count=len(pages))
    return ocr.mark_ocr(document, stats)
