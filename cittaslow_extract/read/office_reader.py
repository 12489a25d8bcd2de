"""RTF and legacy .doc (and, on request, ODT) through LibreOffice: `soffice --headless --convert-to docx`, then
the DOCX reader (its styles, bold, outline levels, tables and safety checks), so these formats
give the same blocks as the DOCX a user would have saved by hand.  ODT has its own reader
(odt_reader.py); read_odt here is the LibreOffice route, kept for comparison in the tests.

LibreOffice runs as a child process of the document's worker with a private, throw-away profile
(so conversions in parallel workers do not share one), under a time limit, and dies with its
worker (PR_SET_PDEATHSIG); it inherits the worker's --max-memory cap.  Without `soffice` a file of
these formats fails with a one-line reason naming the Debian package.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import CorruptFile, ExtractionError, UnsupportedFormat
from cittaslow_extract.models import RawDocument
from cittaslow_extract.read.ocr import die_with_parent

CONVERT_TIMEOUT = 240.0  # seconds for one conversion (a cold LibreOffice start is 2-4 s)
INSTALL_HINT = "install the Debian package libreoffice-writer-nogui (scripts/install-system-deps.sh)"
_NAMES = {"odt": "an OpenDocument text", "rtf": "an RTF document", "doc": "a legacy Word (.doc) document"}


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str, folder: Path, source_format: str) -> Path:
    """`path` converted by LibreOffice to `target` (an extension) inside `folder`."""
    binary = soffice_binary()
    if binary is None:
        raise UnsupportedFormat(path, f"{_NAMES.get(source_format, source_format)} is read through LibreOffice, "
                                      f"which is not installed: {INSTALL_HINT}")
    source = folder / f"input.{source_format}"  # a plain name: soffice names its output after it
    shutil.copyfile(path, source)
    profile = (folder / "profile").as_uri()
    command = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(folder / "out"), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT,
                              preexec_fn=die_with_parent, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError(path, f"LibreOffice took more than {CONVERT_TIMEOUT:g} s to convert the file") from exc
    except OSError as exc:
        raise UnsupportedFormat(path, f"LibreOffice cannot be started ({exc}): {INSTALL_HINT}") from exc
    output = folder / "out" / f"input.{target.split(':')[0]}"
    if done.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:160]
        raise CorruptFile(path, f"corrupt or unreadable {source_format.upper()} file: LibreOffice could not "
                                f"convert it{f' ({message})' if message else ''}")
    return output


def read(path: Path, options: Any = None, source_format: str = "odt") -> RawDocument:
    """Reader contract (see read/reader.py) for odt, rtf and doc."""
    from cittaslow_extract.read.registry import read_document  # the DOCX route with its archive checks

    with tempfile.TemporaryDirectory(prefix="cittaslow-office-") as folder:
        docx = convert(path, "docx", Path(folder), source_format)
        document = read_document(docx, options)
    document.path = path
    document.source_format = source_format  # type: ignore[assignment]
    return document


def read_odt(path: Path, options: Any = None) -> RawDocument:
    return read(path, options, "odt")


def read_rtf(path: Path, options: Any = None) -> RawDocument:
    return read(path, options, "rtf")


def read_doc(path: Path, options: Any = None) -> RawDocument:
    return read(path, options, "doc")
