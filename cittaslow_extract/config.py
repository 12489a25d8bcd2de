"""RunConfig: what shapes a document's rows.  Its own light module so the command line and the
batch planner (hashing, cache look-ups) can build one without importing the readers and rules."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cittaslow_extract.errors import ConfigError
from cittaslow_extract.read.registry import ReadOptions

_OCR_LANGUAGES = re.compile(r"^[a-z][a-z0-9_]*(?:\+[a-z][a-z0-9_]*)*$")  # tur+eng, chi_sim


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything that changes what a document produces.  Hashable: workers cache on it."""

    read_options: ReadOptions = field(default_factory=ReadOptions)
    label_files: tuple[Path, ...] = ()
    mentions: bool = True
    gazetteer_files: tuple[Path, ...] = ()
    spacy_model: str | None = None
    debug: bool = False


def build_run_config(
    *,
    labels: Sequence[Path] = (),
    gazetteer: Sequence[Path] = (),
    mentions: bool = True,
    spacy_model: str | None = None,
    pdf_engine: str = "auto",
    password: str | None = None,
    ocr: str = "auto",
    ocr_lang: str = "tur+eng",
    debug: bool = False,
    check: bool = True,
) -> RunConfig:
    """The RunConfig for these settings, checked up front (check_run_config) unless `check` is
    false (a caller that checks it a moment later, after starting its workers).

    >>> build_run_config(mentions=False, ocr_lang="tur").read_options.ocr_lang
    'tur'
    """
    config = RunConfig(
        read_options=ReadOptions(pdf_engine=pdf_engine, password=password, ocr=ocr, ocr_lang=ocr_lang),
        label_files=tuple(labels),
        mentions=mentions,
        gazetteer_files=tuple(gazetteer),
        spacy_model=spacy_model,
        debug=debug,
    )
    if check:
        check_run_config(config)
    return config


def check_run_config(config: RunConfig) -> None:
    """A missing or bad labels or gazetteer file, an unknown spaCy model or a malformed OCR language
    list is a ConfigError before any document is read."""
    from cittaslow_extract.structure.vocabulary import load_vocabulary

    for path in [*config.label_files, *config.gazetteer_files]:
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
    load_vocabulary(config.label_files)
    ocr_lang = config.read_options.ocr_lang
    if not _OCR_LANGUAGES.match(ocr_lang):
        raise ConfigError(f"--ocr-lang: {ocr_lang!r} is not a list of Tesseract languages like tur+eng")
    if config.mentions and (config.gazetteer_files or config.spacy_model):
        from cittaslow_extract.mentions import MentionExtractor

        MentionExtractor(config.gazetteer_files, config.spacy_model)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
