"""Typed errors that carry the file and a one-line reason.

Readers raise these; the orchestrator turns them into a failed row in the documents table.
The message is what the user sees, so it names the problem and, where there is one, the way out.
"""

from __future__ import annotations

from pathlib import Path


class ExtractionError(Exception):
    """A file could not be read.  `reason` is one line, without the path."""

    code = "unreadable"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(reason.split())  # always one line
        super().__init__(f"{self.path}: {self.reason}")


class UnsupportedFormat(ExtractionError):
    code = "unsupported_format"


class EmptyFile(ExtractionError):
    code = "empty_file"


class NotASubmission(ExtractionError):
    """The file reads, but is plainly no submission (a photo without text, a spreadsheet that is no
    checklist form): its documents row is `skipped`, not failed."""

    code = "not_a_submission"


class CorruptFile(ExtractionError):
    code = "corrupt_file"


class EncryptedFile(ExtractionError):
    code = "encrypted"


class NoTextLayer(ExtractionError):
    code = "no_text_layer"


class OcrUnavailable(ExtractionError):
    """A page needs OCR and Tesseract (or its language data) is not installed."""

    code = "ocr_unavailable"


class ResourceLimitExceeded(ExtractionError):
    code = "resource_limit"


class UnsafeFile(ExtractionError):
    """Content refused before parsing because it could attack the parser (e.g. XML entities)."""

    code = "unsafe_file"


class ConfigError(Exception):
    """Bad configuration given to a run: an option's value, a labels, gazetteer or manifest file
    (the message names the file and line).  The command line prints it and exits with 2."""


class OutputLimitError(Exception):
    """A table does not fit its output format (Excel's rows or cell size): the run writes nothing
    and the previous tables stay as they were (exit code 3).  The message is one line."""
