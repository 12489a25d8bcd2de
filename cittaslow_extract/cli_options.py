"""Command-line pieces shared by `cittaslow-extract` and `cittaslow-extract check`.

The options that change what a document produces are defined once here, so `check` accepts exactly
the ones a run does and turns them into the same RunConfig.  Standard library only: `--help` stays
instant.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cittaslow_extract.errors import ConfigError

if TYPE_CHECKING:
    from cittaslow_extract.batch.isolation import Limits
    from cittaslow_extract.config import RunConfig

DEFAULT_TIMEOUT = 300.0  # seconds per document
DEFAULT_MAX_MEMORY = 2048  # MB a document may add to its worker
_OCR_LANGUAGES = re.compile(r"^[a-z][a-z0-9_]*(?:\+[a-z][a-z0-9_]*)*$")  # tur+eng, chi_sim


class UsageErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become ConfigError (one line, exit code 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{self.prog}: {message}")


def add_run_config_options(parser: argparse.ArgumentParser, *, mentions_note: str = "") -> None:
    """The options that shape a document's rows (see RunConfig)."""
    parser.add_argument("--labels", type=Path, action="append", default=[], metavar="FILE",
                        help="extra label vocabulary (TOML, same shape as data/labels.toml); repeatable")
    parser.add_argument("--pdf-engine", choices=("auto", "pdfium", "pdfplumber"), default="auto",
                        help="PDF reader (default auto: the fast pdfium route)")
    parser.add_argument("--password", default=None, metavar="PASSWORD",
                        help="password for encrypted PDFs")
    parser.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                        help="OCR (Tesseract) of PDF pages: auto (pages without a text layer, default), "
                             "always, never; images are always OCR'd unless never")
    parser.add_argument("--ocr-lang", default="tur+eng", metavar="LANGS",
                        help="Tesseract languages, joined by + (default tur+eng)")
    parser.add_argument("--no-mentions", action="store_true",
                        help="skip the narrative mentions stage" + mentions_note)
    parser.add_argument("--gazetteer", type=Path, action="append", default=[], metavar="FILE",
                        help="extra place names for mentions (TOML); repeatable")
    parser.add_argument("--spacy-model", default=None, metavar="NAME",
                        help="an installed trained spaCy pipeline to add its entities to mentions")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")


def available_cores() -> int:
    """The default number of workers: the cores this process may use (containers, taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """The per-document limits: a hostile or broken file must not hang or exhaust the machine."""
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit per document (default {DEFAULT_TIMEOUT:g}; 0: none)")
    parser.add_argument("--max-memory", type=int, default=DEFAULT_MAX_MEMORY, metavar="MB",
                        help=f"memory a document may use, in MB (default {DEFAULT_MAX_MEMORY}; 0: none; Linux)")


def limits_from_args(args: argparse.Namespace, prog: str) -> Limits:
    """The Limits the options ask for (0 means none); negative values are usage errors.

    >>> limits_from_args(argparse.Namespace(timeout=0, max_memory=64), "x")
    Limits(timeout=None, max_memory=67108864)
    """
    from cittaslow_extract.batch.isolation import Limits

    if args.timeout < 0 or args.max_memory < 0:
        raise ConfigError(f"{prog}: --timeout and --max-memory must be 0 (no limit) or more")
    return Limits(
        timeout=args.timeout or None,
        max_memory=args.max_memory * 1024 * 1024 if args.max_memory else None,
    )


def run_config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig the options ask for; bad labels, gazetteer or model are usage errors up front."""
    from cittaslow_extract.config import RunConfig
    from cittaslow_extract.read.registry import ReadOptions
    from cittaslow_extract.structure.vocabulary import load_vocabulary

    for path in [*args.labels, *args.gazetteer]:
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
    load_vocabulary(tuple(args.labels))
    if not _OCR_LANGUAGES.match(args.ocr_lang):
        raise ConfigError(f"--ocr-lang: {args.ocr_lang!r} is not a list of Tesseract languages like tur+eng")
    if not args.no_mentions and (args.gazetteer or args.spacy_model):
        from cittaslow_extract.mentions import MentionExtractor

        MentionExtractor(tuple(args.gazetteer), args.spacy_model)
    return RunConfig(
        read_options=ReadOptions(pdf_engine=args.pdf_engine, password=args.password,
                                 ocr=args.ocr, ocr_lang=args.ocr_lang),
        label_files=tuple(args.labels),
        mentions=not args.no_mentions,
        gazetteer_files=tuple(args.gazetteer),
        spacy_model=args.spacy_model,
        debug=args.debug,
    )
