"""Command-line pieces shared by `cittaslow-extract` and `cittaslow-extract check`.

The options that change what a document produces are defined once here, so `check` accepts exactly
the ones a run does and turns them into the same RunConfig.  Standard library only: `--help` stays
instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from .config import RunConfig


class UsageErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become UsageError (one line, exit code 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def add_run_config_options(parser: argparse.ArgumentParser, *, mentions_note: str = "") -> None:
    """The options that shape a document's rows (see RunConfig)."""
    parser.add_argument("--labels", type=Path, action="append", default=[], metavar="FILE",
                        help="extra label vocabulary (TOML, same shape as data/labels.toml); repeatable")
    parser.add_argument("--pdf-engine", choices=("auto", "pdfium", "pdfplumber"), default="auto",
                        help="PDF reader (default auto: the fast pdfium route)")
    parser.add_argument("--password", default=None, metavar="PASSWORD",
                        help="password for encrypted PDFs")
    parser.add_argument("--no-mentions", action="store_true",
                        help="skip the narrative mentions stage" + mentions_note)
    parser.add_argument("--gazetteer", type=Path, action="append", default=[], metavar="FILE",
                        help="extra place names for mentions (TOML); repeatable")
    parser.add_argument("--spacy-model", default=None, metavar="NAME",
                        help="an installed trained spaCy pipeline to add its entities to mentions")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")


def run_config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig the options ask for; bad labels, gazetteer or model are usage errors up front."""
    from .config import RunConfig
    from .extract.readers import ReadOptions
    from .vocabulary import load_vocabulary

    for path in [*args.labels, *args.gazetteer]:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    load_vocabulary(tuple(args.labels))
    if not args.no_mentions and (args.gazetteer or args.spacy_model):
        from .mentions import MentionExtractor

        MentionExtractor(tuple(args.gazetteer), args.spacy_model)
    return RunConfig(
        read_options=ReadOptions(pdf_engine=args.pdf_engine, password=args.password),
        label_files=tuple(args.labels),
        mentions=not args.no_mentions,
        gazetteer_files=tuple(args.gazetteer),
        spacy_model=args.spacy_model,
        debug=args.debug,
    )
