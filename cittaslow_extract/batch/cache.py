"""--incremental: reuse a document's rows from the previous run when nothing that shapes them changed.

The cache lives in the output folder, `DIR/.cittaslow-cache/<run fingerprint>/<sha256>.json`: one
file per document, holding its DocumentResult exactly (msgspec's JSON of the dataclasses, Decimals
as strings, so a reused row is byte-identical to a recomputed one; JSON and typed decoding, never
pickle: the folder is the user's, and a damaged or foreign entry is only recomputed).  An entry is used only when both keys match:

- the SHA-256 of the file's content (renaming or moving a file does not invalidate it: the rows'
  source_path is set to the file's current path when it is reused);
- the run fingerprint, a hash of everything else that can change a document's rows:
  the package version and the content of every module and data file of the package (so edited
  rules or label vocabularies invalidate it even without a version bump), the versions of the
  libraries that read files (pdfplumber, pdfminer.six, pypdfium2, python-docx, charset-normalizer,
  spaCy and a --spacy-model pipeline), and every RunConfig setting, with the *content* of the
  files it names (--labels, --gazetteer), not their paths.  The --password is part of it only
  as a hash.

Failed documents are never cached: they are read again on every run (the failure may have come
from a limit, a crash or a missing password).  After an incremental run the cache keeps only
this run's documents: entries of files that left the batch and of other fingerprints are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cittaslow_extract import __version__
from cittaslow_extract.export.atomic import write_atomic
from cittaslow_extract.models import CriterionRecord, DocumentRecord, DocumentResult, Mention, ProjectRecord

CACHE_DIR_NAME = ".cittaslow-cache"
CACHE_FORMAT = 5  # 5: msgspec's JSON of the records (fields by name); older entries are not read
MANIFEST_NAME = "tables.json"  # outputs.TableManifest: what the tables were written from
_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "python-docx", "charset-normalizer", "spacy",
              "python-calamine", "lxml", "pillow")
Rows = tuple[list[ProjectRecord], list[CriterionRecord], list[Mention]]

if TYPE_CHECKING:
    import msgspec


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's modules and data files (path and content, in sorted order)."""
    import cittaslow_extract

    root = Path(cittaslow_extract.__file__).resolve().parent  # the whole package, not this folder
    digest = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".txt", ".json")
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _library_versions(spacy_model: str | None) -> dict[str, str | None]:
    from importlib import metadata  # 40 ms to import: only when a fingerprint is made

    names = list(_LIBRARIES) + ([spacy_model] if spacy_model else [])
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _program_versions(config: Any) -> dict[str, str | None]:
    """Versions of the programs that read scans and office files (Tesseract, LibreOffice): a new
    Tesseract reads a scan differently.  Only asked when OCR is on."""
    import shutil
    import subprocess

    versions: dict[str, str | None] = {}
    if getattr(getattr(config, "read_options", None), "ocr", "never") != "never":
        binary = shutil.which("tesseract")
        try:
            done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30) if binary else None
        except (OSError, subprocess.SubprocessError):
            done = None
        versions["tesseract"] = done.stdout.splitlines()[0] if done and done.stdout else None
    return versions


def _setting(value: Any) -> Any:
    """A JSON-able stand-in for one RunConfig setting: files by their content's hash."""
    if isinstance(value, Path):
        try:
            return {"file_sha256": hashlib.sha256(value.read_bytes()).hexdigest()}
        except OSError:
            return {"missing_file": value.as_posix()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _setting(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_setting(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def run_fingerprint(config: Any) -> str:
    """Hash of everything besides a file's content that shapes its rows (see module docstring).

    >>> from cittaslow_extract.pipeline import RunConfig
    >>> run_fingerprint(RunConfig()) == run_fingerprint(RunConfig())
    True
    >>> run_fingerprint(RunConfig()) == run_fingerprint(RunConfig(mentions=False))
    False
    """
    settings = _setting(config)
    settings.pop("debug", None)  # changes only the reasons of failed documents, which are never cached
    password = settings.get("read_options", {}).get("password")
    if password is not None:  # never stored: only its hash enters the fingerprint
        settings["read_options"]["password"] = hashlib.sha256(password.encode("utf-8")).hexdigest()
    parts = {
        "cache_format": CACHE_FORMAT,
        "version": __version__,
        "code": code_fingerprint(),
        "libraries": _library_versions(getattr(config, "spacy_model", None)),
        "config": settings,
        "programs": _program_versions(config),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


# --- exact JSON form of a DocumentResult -------------------------------------------------------


@lru_cache(maxsize=1)
def _decoders() -> tuple[msgspec.json.Decoder[DocumentRecord], msgspec.json.Decoder[Rows]]:
    """msgspec decoders of the two lines (imported here: only a run that caches needs it)."""
    import msgspec

    return msgspec.json.Decoder(DocumentRecord), msgspec.json.Decoder(Rows)


def encode_result(result: DocumentResult) -> bytes:
    """The exact JSON form of a result: two lines, the documents row and then the other rows (so a
    reader that needs only the documents row parses one short line).  Raises TypeError for a value
    it cannot keep exactly.

    >>> from cittaslow_extract.models import DocumentRecord
    >>> r = DocumentResult(DocumentRecord("ab", "a.txt", "txt", "ok", None, 0, 0, None, "ab" * 32))
    >>> decode_result(encode_result(r)) == r
    True
    """
    import msgspec

    rows: Rows = (result.projects, result.criteria, result.mentions)
    try:
        # JSON escapes newlines inside strings, so each part is exactly one line
        return b"%s\n%s\n" % (msgspec.json.encode(result.document), msgspec.json.encode(rows))
    except msgspec.EncodeError as exc:
        raise TypeError(f"cannot cache this result: {exc}") from exc


def decode_result(data: bytes) -> DocumentResult:
    """encode_result's bytes back as the result; ValueError when they are not such bytes."""
    head, _, rows = data.partition(b"\n")
    return _decode_rows(_decode_document(head), rows)


def _decode_document(line: bytes) -> DocumentRecord:
    return _decoders()[0].decode(line)  # msgspec.DecodeError is a ValueError


def _decode_rows(document: DocumentRecord, line: bytes) -> DocumentResult:
    projects, criteria, mentions = _decoders()[1].decode(line)
    return DocumentResult(document, projects, criteria, mentions)


def as_reused(result: DocumentResult, source_path: str) -> DocumentResult:
    """A cached result as this run's (changed in place): marked reused, the file's current path."""
    result.document.reused = True
    result.document.source_path = source_path
    for project in result.projects:
        project.source_path = source_path
    return result


# --- the cache folder -----------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class CachedDocument:
    document: DocumentRecord
    rows: bytes  # the entry's second line, decoded only when the rows are needed

    def result(self, source_path: str) -> DocumentResult | None:
        """The whole result as this run's (see as_reused), or None when the entry is damaged."""
        try:
            result = _decode_rows(dataclasses.replace(self.document), self.rows)
        except ValueError:
            return None
        return as_reused(result, source_path)


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentCache:
    """The cache of one output folder for one run fingerprint.  Picklable: workers store into it."""

    root: Path  # DIR/.cittaslow-cache
    fingerprint: str

    @classmethod
    def for_output(cls, out_dir: Path, config: Any) -> DocumentCache:
        return cls(out_dir.absolute() / CACHE_DIR_NAME, run_fingerprint(config))

    @property
    def folder(self) -> Path:
        return self.root / self.fingerprint[:32]

    def entry(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.json"

    def load(self, sha256: str) -> CachedDocument | None:
        """The cached document for this content, or None (absent, unreadable or not matching).

        Only its documents row is decoded now; its other rows when `.result()` asks for them.
        """
        try:
            head, _, rows = self.entry(sha256).read_bytes().partition(b"\n")
            document = _decode_document(head)
        except (OSError, ValueError):
            return None
        if document.sha256 != sha256 or document.status != "ok" or not rows.endswith(b"\n"):
            return None  # another file's entry, or one cut short
        return CachedDocument(document, rows)

    def store(self, result: DocumentResult) -> bool:
        """Keep an ok result (atomically); False when it is not cacheable."""
        document = result.document
        if document.status != "ok" or not document.sha256:
            return False
        try:
            data = encode_result(result)
        except TypeError:
            return False
        try:
            # not fsynced: an entry lost in a power cut is only recomputed
            write_atomic(self.entry(document.sha256), data, fsync=False)
        except OSError:
            return False  # a cache that cannot be written only costs time next run
        return True

    def prune(self, keep: set[str]) -> None:
        """Remove every entry but this fingerprint's entries for the `keep` hashes."""
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if child != self.folder and child.name != MANIFEST_NAME:
                _remove(child)
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name.endswith(".json") and entry.name[:-5] in keep:
                continue
            _remove(entry)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except OSError:
        pass
