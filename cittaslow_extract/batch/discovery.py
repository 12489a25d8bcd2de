"""Which files are read: the files named and the folders walked (discover_inputs), the
--include/--exclude patterns, and the files that are plainly not submissions (Office lock files,
hidden files, photos, archives, spreadsheets), which are listed in the documents table as `skipped`
with the reason instead of failing the run.

The non-submission kinds are data (NON_SUBMISSION_SUFFIXES) keyed on the file suffix, and a suffix
that a reader takes in this run (the `readable_suffixes` given to skip_reason: READABLE_SUFFIXES,
plus e.g. the image suffixes when an OCR reader is on) is never skipped: a new reader takes its
formats off this list by adding them there.
Only folder walks skip, and Office lock files wherever they come from: any other file named on the
command line is always read.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# suffix → why a file with it is not a submission document
NON_SUBMISSION_SUFFIXES: dict[str, str] = {
    **dict.fromkeys(
        (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp"),
        "an image (a photo or scan), not a submission document",
    ),
    **dict.fromkeys((".zip", ".rar", ".7z", ".tar", ".gz", ".tgz"), "an archive: unpack it to read its documents"),
    **dict.fromkeys((".xlsx", ".xls", ".ods", ".csv"), "a spreadsheet (an annex), not a submission document"),
    **dict.fromkeys((".pptx", ".ppt", ".odp"), "a presentation (an annex), not a submission document"),
    **dict.fromkeys((".mp4", ".mov", ".avi", ".mp3", ".wav"), "a video or sound file, not a submission document"),
}
LOCK_FILE_PREFIXES = ("~$", ".~lock.")  # Word/Excel owner files; LibreOffice lock files
LOCK_FILE_REASON = "an Office lock file (the document is open in Word or LibreOffice), not a document"
HIDDEN_FILE_REASON = "a hidden file (e.g. a macOS ._ resource fork), not a document"


def skip_reason(name: str, readable_suffixes: Collection[str]) -> str | None:
    """Why a file found in a folder is not read, or None when it is a candidate submission.

    >>> skip_reason("~$report.docx", {".docx"})
    'an Office lock file (the document is open in Word or LibreOffice), not a document'
    >>> skip_reason("photo.JPG", {".docx"})
    'an image (a photo or scan), not a submission document'
    >>> skip_reason("photo.jpg", {".docx", ".jpg"}) is None   # a reader takes it
    True
    >>> skip_reason("report.docx", {".docx"}) is None
    True
    """
    if name.startswith(LOCK_FILE_PREFIXES):
        return LOCK_FILE_REASON
    if name.startswith("."):
        return HIDDEN_FILE_REASON
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in readable_suffixes:
        return None
    return NON_SUBMISSION_SUFFIXES.get(suffix)


def selected(relative: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether --include/--exclude keep a file.  A pattern (shell glob, `*` crossing folders) is
    matched against the file's path relative to the folder given and against its name alone;
    with --include a file must match one, and a file matching an --exclude is left out.

    >>> selected("2023/izmir.pdf", ["*.pdf"], [])
    True
    >>> selected("2023/annex/budget.pdf", [], ["annex/*", "*/annex/*"])
    False
    >>> selected("draft-izmir.docx", [], ["draft-*"])
    False
    """
    name = PurePosixPath(relative).name

    def matches(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)

    if include and not matches(include):
        return False
    return not matches(exclude)


# Files a folder walk picks up: the readable formats, and document formats we recognise but cannot
# read (they get a failed row saying so instead of vanishing).  Anything else in a folder (expected
# outputs, notes, tables) is not a submission and is skipped.
READABLE_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                               ".html", ".htm", ".odt", ".rtf", ".doc", ".xlsx", ".ods"})
RECOGNISED_UNREADABLE_SUFFIXES = frozenset({".xls", ".pptx"})


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source_path: str  # as written in the tables: stable, relative where the user gave it relative
    skip_reason: str | None = None  # not a submission (skip_reason()): a `skipped` row, not read


def display_path(path: Path) -> str:
    """The path as text for the tables: bytes that are not UTF-8 (possible in POSIX names) are
    written as \\xNN escapes, so every name can be stored in CSV and Parquet.

    >>> display_path(Path("a/b.txt"))
    'a/b.txt'
    >>> display_path(Path(os.fsdecode(b"caf\\xe9.txt")))
    'caf\\\\xe9.txt'
    """
    text = path.as_posix()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def discover_inputs(
    inputs: Sequence[Path], include: Sequence[str] = (), exclude: Sequence[str] = (), *, ocr: bool = True
) -> list[InputFile]:
    """Files named on the command line, in order; folders walked recursively in sorted order.

    A file named explicitly is always processed (its reader is chosen by content; only an Office
    lock file is skipped, since a shell's `folder/*` names it too); inside folders only
    document-like suffixes are taken, hidden folders are not entered, and files that are plainly not
    submissions (lock files, hidden files, photos, archives, spreadsheets: NON_SUBMISSION_SUFFIXES) come
    with a skip_reason.  `include`/`exclude`: glob patterns (selected).  With `ocr`
    off, images in folders are skipped too (nothing could read them).
    """
    found: list[InputFile] = []
    seen: set[Path] = set()
    for given in inputs:
        if given.is_dir():
            candidates = sorted(_walk(given, ocr), key=lambda c: c[0].as_posix())
        else:  # named: always read, except an Office lock file (`folder/*` names those too)
            candidates = [(given, LOCK_FILE_REASON if given.name.startswith(LOCK_FILE_PREFIXES) else None)]
        for path, reason in candidates:
            relative = path.relative_to(given).as_posix() if given.is_dir() else path.as_posix()
            if not selected(relative, include, exclude):
                continue
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(InputFile(path, display_path(path), reason))
    return found


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})  # read by OCR only


def _walk(folder: Path, ocr: bool = True) -> Iterator[tuple[Path, str | None]]:
    takes = READABLE_SUFFIXES if ocr else READABLE_SUFFIXES - IMAGE_SUFFIXES
    readable = takes | RECOGNISED_UNREADABLE_SUFFIXES
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            suffix = Path(name).suffix.lower()
            reason = skip_reason(name, takes)
            listed = suffix in readable or suffix in NON_SUBMISSION_SUFFIXES
            if reason is None and not listed:
                continue  # expected outputs, notes, …: not listed at all
            if reason == HIDDEN_FILE_REASON and not listed:
                continue  # .DS_Store and the like
            yield Path(root) / name, reason
