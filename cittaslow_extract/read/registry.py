"""The reader registry: one module per input format behind one contract.

Contract: ``read(path, options) -> RawDocument``.  A reader returns the blocks of the file in reading
order with the layout evidence it saw (see models.Block) or raises an ExtractionError subclass
carrying the file and a one-line reason.  Readers know nothing of the checklist form: no reader
imports the label vocabulary (tests/test_segmenter.py checks it); what a paragraph is, is decided
by the segmenter.
Which reader runs is decided by the file's content, not its name: a text file named .docx is read as
text, a PDF named .txt as a PDF.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from cittaslow_extract.errors import EmptyFile, UnsupportedFormat
from cittaslow_extract.models import RawDocument, SourceFormat


@dataclass(frozen=True, slots=True)
class ReadOptions:
    pdf_engine: str = "auto"  # auto | pdfium | pdfplumber
    password: str | None = None
    max_docx_uncompressed_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    ocr: str = "auto"  # auto (pages without a text layer) | always | never
    ocr_lang: str = "tur+eng"  # Tesseract languages


# format → (module, function).  Imported on first use so `--help` and text-only runs stay light.
READERS: dict[str, tuple[str, str]] = {
    "txt": ("cittaslow_extract.read.text_reader", "read"),
    "docx": ("cittaslow_extract.read.docx_reader", "read"),
    "pdf:pdfplumber": ("cittaslow_extract.read.pdf_reader", "read"),
    "pdf:pdfium": ("cittaslow_extract.read.pdfium_reader", "read"),
    "png": ("cittaslow_extract.read.image_reader", "read"),
    "jpeg": ("cittaslow_extract.read.image_reader", "read"),
    "tiff": ("cittaslow_extract.read.image_reader", "read"),
    "html": ("cittaslow_extract.read.html_reader", "read"),
    "odt": ("cittaslow_extract.read.odt_reader", "read"),
    "rtf": ("cittaslow_extract.read.office_reader", "read_rtf"),
    "doc": ("cittaslow_extract.read.office_reader", "read_doc"),
    "xlsx": ("cittaslow_extract.read.sheet_reader", "read_xlsx"),
    "ods": ("cittaslow_extract.read.sheet_reader", "read_ods"),
}
# pdfium: the same blocks as pdfplumber on every sample (tests/test_format_parity.py), ~20x faster
# (bench/bench_pdf.py).  --pdf-engine pdfplumber stays available for its exact character boxes.
DEFAULT_PDF_ENGINE = "pdfium"
SUPPORTED_SUFFIXES = (".txt", ".text", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                      ".html", ".htm", ".odt", ".rtf", ".doc", ".xlsx", ".ods")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
# Scans, read by OCR (image_reader.py)
_IMAGE_MAGICS: tuple[tuple[bytes, SourceFormat], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"GIF8", "a GIF image"),
)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def sniff_format(path: Path) -> SourceFormat:
    """The format of a file, from its first bytes.

    Raises EmptyFile or UnsupportedFormat with the reason.
    """
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise EmptyFile(path, "the file is empty")
    if head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path, head)
    for magic, image_format in _IMAGE_MAGICS:
        if head.startswith(magic):
            return image_format
    for magic, what in _BINARY_MAGICS:
        if head.startswith(magic):
            raise UnsupportedFormat(path, f"unsupported format: {what}")
    if _looks_textual(head):
        if _HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")):
            return "html"
        return "txt"
    raise UnsupportedFormat(path, "unsupported format: binary content that is not PDF, DOCX or text")


def _sniff_zip(path: Path) -> SourceFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        from cittaslow_extract.errors import CorruptFile

        raise CorruptFile(path, f"corrupt or truncated DOCX/ZIP file ({exc})") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        mimetype = _zip_member(path, "mimetype")
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        raise UnsupportedFormat(path, "unsupported format: an OpenDocument file that is not a text document")
    raise UnsupportedFormat(path, "unsupported format: a ZIP archive that is not a DOCX document")


def _zip_member(path: Path, name: str, limit: int = 200) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as member:
            return member.read(limit)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
        return b""


def _sniff_ole(path: Path, head: bytes) -> SourceFormat:
    """A legacy Word document, told from other OLE files (Excel, PowerPoint, MSI) by its stream
    name "WordDocument" (UTF-16) in the directory."""
    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    raise UnsupportedFormat(path, "unsupported format: a legacy Office (OLE) file that is not a Word document")


def _looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if head.count(0) > len(head) // 4:  # UTF-16 without BOM
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control <= len(head) // 100


def reader_for(source_format: SourceFormat, options: ReadOptions) -> Callable[..., RawDocument]:
    key: str = source_format
    if source_format == "pdf":
        engine = DEFAULT_PDF_ENGINE if options.pdf_engine == "auto" else options.pdf_engine
        key = f"pdf:{engine}"
    module_name, function_name = READERS[key]
    return getattr(import_module(module_name), function_name)


def read_document(path: Path, options: ReadOptions | None = None) -> RawDocument:
    """Read any supported file into blocks, choosing the reader by content."""
    options = options or ReadOptions()
    source_format = sniff_format(path)
    if source_format in ("docx", "odt", "xlsx", "ods"):
        from cittaslow_extract.read.safety import ArchiveLimits, check_docx_archive

        # zip bombs and DTDs are refused before any XML parser sees the archive
        check_docx_archive(path, ArchiveLimits(max_uncompressed_bytes=options.max_docx_uncompressed_bytes))
    document = reader_for(source_format, options)(path, options)
    named = _SUFFIX_FORMATS.get(path.suffix.lower())
    if named is not None and named != source_format and "format_mismatch" not in document.warnings:
        document.warnings.append("format_mismatch")
    return document


# The format a file's name promises; a different content is read by its content, with a warning.
_SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".odt": "odt",
    ".rtf": "rtf", ".xlsx": "xlsx", ".xls": "xls", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg",
    ".tif": "tiff", ".tiff": "tiff", ".html": "html", ".htm": "html", ".ods": "ods",
}
