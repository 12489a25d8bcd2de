"""Command-line pieces shared by `cittaslow-extract`, `check` and `explain`.

The options that change what a document produces are defined once here, so `check` accepts exactly
the ones a run does and turns them into the same RunConfig.  Standard library only: `--help` stays
instant.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from cittaslow_extract.errors import ConfigError

if TYPE_CHECKING:
    from cittaslow_extract.batch.isolation import Limits
    from cittaslow_extract.config import RunConfig

DEFAULT_TIMEOUT = 300.0  # seconds per document
DEFAULT_MAX_MEMORY = 2048  # MB a document may add to its worker


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
    """The Limits that --timeout and --max-memory ask for; a bad value is a usage error of `prog`.

    >>> limits_from_args(argparse.Namespace(timeout=0, max_memory=64), "x")
    Limits(timeout=None, max_memory=67108864)
    """
    from cittaslow_extract.batch.isolation import Limits

    try:
        return Limits.from_settings(args.timeout, args.max_memory)
    except ConfigError as exc:
        raise ConfigError(f"{prog}: {exc}") from None


def run_config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig the options ask for (config.build_run_config: bad files are usage errors)."""
    from cittaslow_extract.config import build_run_config

    return build_run_config(
        labels=args.labels, gazetteer=args.gazetteer, mentions=not args.no_mentions,
        spacy_model=args.spacy_model, pdf_engine=args.pdf_engine, password=args.password,
        ocr=args.ocr, ocr_lang=args.ocr_lang, debug=args.debug,
    )
