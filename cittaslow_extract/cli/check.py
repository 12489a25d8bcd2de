"""The `check` subcommand: its arguments, and the run that prints the report and gives the exit
code (0 everything matches or --update wrote the expected files, 1 some document differs, 2 usage
error)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cittaslow_extract.check.render import format_json, format_text
from cittaslow_extract.check.report import EXIT_USAGE
from cittaslow_extract.check.runner import check_folder
from cittaslow_extract.cli.options import (
    UsageErrorParser,
    add_limit_options,
    add_run_config_options,
    available_cores,
    limits_from_args,
    run_config_from_args,
)
from cittaslow_extract.errors import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = UsageErrorParser(
        prog="cittaslow-extract check",
        description="Run the pipeline on sample documents and compare every field with their expected "
        "files (<file>.expected.json beside each document).",
        epilog="Exit codes: 0 everything matches (or --update wrote the expected files), "
        "1 some document differs, 2 usage error.",
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path("samples"), metavar="FOLDER",
                        help="folder of documents with expected files, or one document (default: samples/)")
    parser.add_argument("--update", action="store_true",
                        help="after showing the differences, rewrite the expected files of the documents "
                        "that differ (write missing ones, remove those whose document is gone)")
    parser.add_argument("--force", action="store_true",
                        help="with --update: rewrite expected files even from documents that failed "
                        "with an internal error")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="report format (default: text)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="parallel worker processes (default: the machine's cores)")
    add_limit_options(parser)
    # Options that change what the pipeline produces: check with the ones the expected files were made with.
    add_run_config_options(parser, mentions_note=" (mentions are then not compared)")
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    args = build_parser().parse_args(list(argv))
    if args.workers is not None and args.workers < 1:
        raise ConfigError("cittaslow-extract check: --workers must be at least 1")
    if not args.folder.exists():
        raise ConfigError(f"{args.folder}: no such file or folder")
    args.limits = limits_from_args(args, "cittaslow-extract check")
    return args


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """`check` subcommand; returns the exit code (usage errors print one line on stderr and give 2)."""
    out = out or sys.stdout
    if hasattr(out, "reconfigure"):
        # Turkish text and arrows on a console that cannot show them: escape, never crash.
        out.reconfigure(errors="backslashreplace")
    try:
        args = parse_args(sys.argv[2:] if argv is None else argv)
        config = run_config_from_args(args)
        workers = args.workers or available_cores()
        report = check_folder(
            args.folder, config, update=args.update, workers=workers, limits=args.limits, force=args.force
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out.write(format_json(report) if args.format == "json" else format_text(report))
    out.flush()
    return report.exit_code


