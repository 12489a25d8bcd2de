"""The reader registry: one reader per input format behind one contract (reader.py: `Reader`,
`read(path, options) -> RawDocument`), each registered here with what it can do.

Which reader runs is decided by the file's content, not its name: a text file named .docx is read as
text, a PDF named .txt as a PDF.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from cittaslow_extract.errors import EmptyFile, UnsupportedFormat
from cittaslow_extract.models import RawDocument, SourceFormat
from cittaslow_extract.read.reader import LazyReader, Reader, ReadOptions

_READ = "cittaslow_extract.read."
# format (a PDF's by engine) → its reader; a reader's module is imported on its first file.  PDFs
# and scans may OCR (a PDF page without a text layer); OCR knows no bold, and estimates sizes.
READERS: dict[str, LazyReader] = {
    "txt": LazyReader(_READ + "text_reader"),
    "docx": LazyReader(_READ + "docx_reader", layout=True, archive=True),
    "pdf:pdfplumber": LazyReader(_READ + "pdf_reader", pages=True, ocr=True, layout=True),
    "pdf:pdfium": LazyReader(_READ + "pdfium_reader", pages=True, ocr=True, layout=True),
    "png": LazyReader(_READ + "image_reader", pages=True, ocr=True),
    "jpeg": LazyReader(_READ + "image_reader", pages=True, ocr=True),
    "tiff": LazyReader(_READ + "image_reader", pages=True, ocr=True),
    "html": LazyReader(_READ + "html_reader", layout=True),
    "odt": LazyReader(_READ + "odt_reader", layout=True, archive=True),
    "rtf": LazyReader(_READ + "office_reader", "read_rtf", needs_libreoffice=True, layout=True),
    "doc": LazyReader(_READ + "office_reader", "read_doc", needs_libreoffice=True, layout=True),
    "xlsx": LazyReader(_READ + "sheet_reader", "read_xlsx", archive=True),
    "ods": LazyReader(_READ + "sheet_reader", "read_ods", archive=True),
}
# pdfium: the same blocks as pdfplumber on every sample (tests/test_format_parity.py), ~20x faster
# (bench/bench_pdf.py).  --pdf-engine pdfplumber stays available for its exact character boxes.
DEFAULT_PDF_ENGINE = "pdfium"

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


def reader_for(source_format: SourceFormat, options: ReadOptions) -> Reader:
    """The registered reader of a format (for a PDF, of the engine the options choose)."""
    key: str = source_format
    if source_format == "pdf":
        engine = DEFAULT_PDF_ENGINE if options.pdf_engine == "auto" else options.pdf_engine
        key = f"pdf:{engine}"
    return READERS[key]


def read_document(path: Path, options: ReadOptions | None = None) -> RawDocument:
    """Read any supported file into blocks, choosing the reader by content."""
    options = options or ReadOptions()
    source_format = sniff_format(path)
    reader = reader_for(source_format, options)
    if reader.archive:
        from cittaslow_extract.read.safety import ArchiveLimits, check_docx_archive

        # zip bombs and DTDs are refused before any XML parser sees the archive
        check_docx_archive(path, ArchiveLimits(max_uncompressed_bytes=options.max_docx_uncompressed_bytes))
    document = reader.read(path, options)
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


__all__ = ["DEFAULT_PDF_ENGINE", "READERS", "ReadOptions", "Reader", "read_document", "reader_for", "sniff_format"]
