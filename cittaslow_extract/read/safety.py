"""Checks that run before a DOCX reader parses anything: zip bombs and XML entity tricks.

A DOCX is a ZIP of XML parts.  A hostile one can declare small sizes and inflate to gigabytes (a
zip bomb), hold millions of entries, or carry a DTD whose entities expand exponentially ("billion
laughs") or point at local files (XXE).  Word never writes a DTD, so any DOCTYPE or ENTITY
declaration in an XML part is refused outright, and every part is inflated here, in bounded chunks,
with a hard cap on the total: the reader that runs afterwards never sees an archive that was not
read through once within the limits.

Limits (ArchiveLimits):
- max_uncompressed_bytes: the sum of the parts' sizes, declared in the ZIP directory and actually
  inflated (a lying directory is caught while reading: the count stops at the cap);
- max_ratio: inflated / compressed size of one part bigger than 1 MiB (text XML compresses about
  10-20 times, a bomb a thousand times or more);
- max_entries: number of parts (a real DOCX has a few dozen, a few hundred with many images).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cittaslow_extract.errors import CorruptFile, ResourceLimitExceeded, UnsafeFile

_CHUNK = 1 << 20
# A DTD declaration anywhere in an XML part (Word writes none): <!DOCTYPE …> or <!ENTITY …>.
_DTD_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)\b", re.IGNORECASE)
_DTD_TAIL = 64  # bytes kept between chunks so a declaration split across two chunks is still seen
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_RATIO_FLOOR = 1 << 20  # parts smaller than this are not ratio-checked: tiny parts compress oddly


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0
    max_entries: int = 10_000


def check_docx_archive(path: Path, limits: ArchiveLimits | None = None) -> None:
    """Raise if the DOCX at `path` is a zip bomb, has a DTD, or is a corrupt ZIP; else return None.

    >>> import io, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> ok = Path(folder, "ok.docx")
    >>> with zipfile.ZipFile(ok, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("word/document.xml", "<w:document/>")
    >>> check_docx_archive(ok)
    >>> bad = Path(folder, "xxe.docx")
    >>> with zipfile.ZipFile(bad, "w") as z:
    ...     z.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    >>> check_docx_archive(bad)
    Traceback (most recent call last):
    cittaslow_extract.errors.UnsafeFile: ...: refused as unsafe: the DOCX part word/document.xml declares a DTD or XML entities (Word never writes them)
    """
    limits = limits or ArchiveLimits()
    cap_mb = limits.max_uncompressed_bytes // (1024 * 1024)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                raise ResourceLimitExceeded(
                    path, f"refused: the DOCX holds {len(entries)} parts (limit {limits.max_entries})"
                )
            declared = sum(entry.file_size for entry in entries)
            if declared > limits.max_uncompressed_bytes:
                raise ResourceLimitExceeded(
                    path,
                    f"refused as a likely zip bomb: the DOCX declares {declared // (1024 * 1024)} MB "
                    f"uncompressed (limit {cap_mb} MB)",
                )
            for entry in entries:
                if (
                    entry.file_size > _RATIO_FLOOR
                    and entry.file_size > limits.max_ratio * max(entry.compress_size, 1)
                ):
                    raise ResourceLimitExceeded(
                        path,
                        f"refused as a likely zip bomb: the part {entry.filename} inflates "
                        f"{entry.file_size // max(entry.compress_size, 1)} times",
                    )
            total = 0
            for entry in entries:
                total = _read_part(path, archive, entry, total, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise CorruptFile(path, f"corrupt or truncated DOCX file ({_short(exc)})") from exc
    except RuntimeError as exc:  # zipfile: encrypted part needs a password
        raise CorruptFile(path, f"unreadable DOCX file ({_short(exc)})") from exc


def _read_part(
    path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, total: int, limits: ArchiveLimits
) -> int:
    """Inflate one part in chunks, counting bytes against the cap; scan XML parts for a DTD."""
    is_xml = entry.filename.lower().endswith(_XML_SUFFIXES) or entry.filename == "[Content_Types].xml"
    tail = b""
    with archive.open(entry) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                return total
            total += len(chunk)
            if total > limits.max_uncompressed_bytes:
                raise ResourceLimitExceeded(
                    path,
                    "refused as a likely zip bomb: the DOCX inflates past "
                    f"{limits.max_uncompressed_bytes // (1024 * 1024)} MB",
                )
            if is_xml:
                window = tail + chunk
                if _DTD_DECLARATION.search(window):
                    raise UnsafeFile(
                        path,
                        f"refused as unsafe: the DOCX part {entry.filename} declares a DTD or XML "
                        "entities (Word never writes them)",
                    )
                tail = window[-_DTD_TAIL:]


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
