"""The reader contract: `read(path, options) -> RawDocument`, and what a format's reader can do.

A reader returns the blocks of the file in reading order with the layout evidence it saw (see
models.Block), or raises an ExtractionError subclass carrying the file and a one-line reason.
Readers know nothing of the checklist form: no reader imports the label vocabulary
(tests/test_segmenter.py checks it); what a paragraph is, is decided by the segmenter.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import NamedTuple, Protocol

from cittaslow_extract.models import RawDocument


@dataclass(frozen=True, slots=True)
class ReadOptions:
    pdf_engine: str = "auto"  # auto | pdfium | pdfplumber
    password: str | None = None
    max_docx_uncompressed_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    ocr: str = "auto"  # auto (pages without a text layer) | always | never
    ocr_lang: str = "tur+eng"  # Tesseract languages


class Reader(Protocol):
    """A format's reader, as the registry sees it.

    pages              the document has pages (Block.page is set, max_pages applies)
    ocr                it may run Tesseract (pages without a text layer, scans)
    needs_libreoffice  it converts through LibreOffice (`soffice` must be installed)
    layout             the file's formatting is evidence: bold, font sizes or heading styles (which
                       of them: see the reader's module); not for plain text, sheets and scans
    archive            the file is a ZIP package, checked for zip bombs and DTDs before parsing
    """

    @property
    def pages(self) -> bool: ...
    @property
    def ocr(self) -> bool: ...
    @property
    def needs_libreoffice(self) -> bool: ...
    @property
    def layout(self) -> bool: ...
    @property
    def archive(self) -> bool: ...

    def read(self, path: Path, options: ReadOptions) -> RawDocument: ...


class ReadFunction(Protocol):
    def __call__(self, path: Path, options: ReadOptions) -> RawDocument: ...


class LazyReader(NamedTuple):
    """A Reader whose module is imported on its first read, so `--help` and text-only runs do not
    import pdfplumber, pypdfium2 or python-docx.

    A tuple with `module` first: the batch engine's preloading reads the module name as item 0.
    """

    module: str
    function: str = "read"
    pages: bool = False
    ocr: bool = False
    needs_libreoffice: bool = False
    layout: bool = False
    archive: bool = False

    def read(self, path: Path, options: ReadOptions) -> RawDocument:
        function: ReadFunction = getattr(import_module(self.module), self.function)
        return function(path, options)
