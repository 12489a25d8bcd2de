"""One input file → one DocumentResult: read, segment, normalise, find mentions.

This is the per-document function every engine runs (in-process, worker processes, Dask).
It never raises for a bad input file: the failure becomes a documents row with status "failed"
and a one-line reason, so one broken file never stops a batch.
"""

from __future__ import annotations

import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any

from cittaslow_extract.config import RunConfig, file_sha256  # noqa: F401  (re-exported: the library's entry points)
from cittaslow_extract.errors import ConfigError, ExtractionError, NotASubmission
from cittaslow_extract.models import DocumentRecord, DocumentResult, ProjectRecord
from cittaslow_extract.normalize.project import criterion_records, document_years, project_record
from cittaslow_extract.read.registry import read_document
from cittaslow_extract.structure.identity import read_identity
from cittaslow_extract.structure.segmenter import segment
from cittaslow_extract.structure.vocabulary import Vocabulary, load_vocabulary

MENTION_FIELDS = ("objective", "brief_info", "completed", "duration_text", "budget_text")


class DocumentProcessor:
    """Holds the objects that are costly to build (vocabulary, spaCy pipelines): one per worker."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.vocabulary: Vocabulary = load_vocabulary(config.label_files)
        # Readers use the labels as layout evidence: they must see the same --labels files.
        self.read_options = config.read_options
        self._mention_extractor: Any = None

    @property
    def mention_extractor(self) -> Any:
        if self._mention_extractor is None:
            from cittaslow_extract.mentions import MentionExtractor  # lazy: spaCy costs 0.8 s to import

            self._mention_extractor = MentionExtractor(
                gazetteer_files=self.config.gazetteer_files, spacy_model=self.config.spacy_model
            )
        return self._mention_extractor

    def process(self, path: Path, source_path: str | None = None) -> DocumentResult:
        source = source_path if source_path is not None else path.as_posix()
        try:
            sha256 = file_sha256(path)
        except OSError as exc:
            return _failed(source, "", None, f"cannot read the file ({exc.strerror or exc})")
        document_id = sha256[:16]
        try:
            return self._process(path, source, sha256)
        except NotASubmission as exc:  # read, and plainly no submission: listed, not failed
            return _failed(source, sha256, None, exc.reason, status="skipped")
        except ExtractionError as exc:
            return _failed(source, sha256, None, exc.reason)
        except ConfigError:
            raise
        except MemoryError:
            return _failed(source, sha256, None, "ran out of memory while reading the file (see --max-memory)")
        except RecursionError:
            return _failed(source, sha256, None, "the file is nested too deeply to read")
        except Exception as exc:  # a reader bug must not stop the batch
            reason = f"internal error: {type(exc).__name__}: {exc}"
            if self.config.debug:
                reason += " | " + " ".join(traceback.format_exc().split())
            return _failed(source, sha256, None, reason, document_id=document_id)

    def _process(self, path: Path, source: str, sha256: str) -> DocumentResult:
        document_id = sha256[:16]
        raw = read_document(path, self.read_options)
        segmented = segment(raw, self.vocabulary)
        years = document_years(segmented)  # for two-digit years in date fields
        projects = [
            project_record(
                raw_project,
                document_id=document_id,
                source_path=source,
                source_format=raw.source_format,
                language=segmented.language,
                checklist=segmented.checklist,
                project_no=number,
                document_years=years,
            )
            for number, raw_project in enumerate(segmented.projects, start=1)
        ]
        city, submission_year = read_identity(raw)
        for project in projects:
            project.city = city
        criteria = criterion_records(segmented, projects, document_id)
        mentions = self._mentions(projects, segmented.language) if self.config.mentions else []
        document = DocumentRecord(
            document_id=document_id,
            source_path=source,
            source_format=raw.source_format,
            status="ok",
            error=None,
            project_count=len(projects),
            criterion_count=len(segmented.criteria),
            page_count=raw.page_count,
            sha256=sha256,
            encoding=raw.encoding,
            language=segmented.language,
            warnings=";".join(dict.fromkeys([*raw.warnings, *segmented.warnings])),
            city=city,
            submission_year=submission_year,
            ocr_pages=raw.ocr_pages,
            ocr_confidence=None if raw.ocr_confidence is None else Decimal(f"{raw.ocr_confidence:.1f}"),
        )
        return DocumentResult(document, projects, criteria, mentions)

    def _mentions(self, projects: list[ProjectRecord], language: str) -> list[Any]:
        found = []
        for project in projects:
            fields = [(name, getattr(project, name)) for name in MENTION_FIELDS]
            found.extend(self.mention_extractor.extract(project.project_id, fields, language))
        return found


def _failed(
    source: str, sha256: str, source_format: str | None, reason: str, document_id: str | None = None,
    status: str = "failed",
) -> DocumentResult:
    return DocumentResult(
        DocumentRecord(
            document_id=document_id or (sha256[:16] if sha256 else ""),
            source_path=source,
            source_format=source_format,
            status=status,
            error=" ".join(reason.split()),
            project_count=0,
            criterion_count=0,
            page_count=None,
            sha256=sha256,
        )
    )


def failed_result(source_path: str, reason: str, sha256: str = "") -> DocumentResult:
    """A failed documents row for a file that could not be processed at all (e.g. a worker died)."""
    return _failed(source_path, sha256, None, reason)


_PROCESSORS: dict[RunConfig, DocumentProcessor] = {}


def processor_for(config: RunConfig) -> DocumentProcessor:
    """The processor for a config, built once per process (workers call this for every file)."""
    processor = _PROCESSORS.get(config)
    if processor is None:
        processor = _PROCESSORS[config] = DocumentProcessor(config)
    return processor


def process_document(path: Path, config: RunConfig | None = None, source_path: str | None = None) -> DocumentResult:
    """Library entry point: one file in, its rows out."""
    return processor_for(config or RunConfig()).process(Path(path), source_path)
