"""Which files of a submission folder are read: --include/--exclude patterns, and the files that are
plainly not submissions (Office lock files, hidden files, photos, archives, spreadsheets), which are
listed in the documents table as `skipped` with the reason instead of failing the run.

The non-submission kinds are data (NON_SUBMISSION_SUFFIXES) keyed on the file suffix, and a suffix
that a reader takes in this run (the `readable_suffixes` given to skip_reason: batch.READABLE_SUFFIXES,
plus e.g. the image suffixes when an OCR reader is on) is never skipped: a new reader takes its
formats off this list by adding them there.
Only folder walks skip, and Office lock files wherever they come from: any other file named on the
command line is always read.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Sequence
from pathlib import PurePosixPath

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
