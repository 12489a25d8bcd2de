"""Command line: `cittaslow-extract INPUT... --out DIR` and `cittaslow-extract check [FOLDER]`.

A thin layer over the library (process.py, batch.py, check.py): it parses arguments, turns library
errors into one-line messages and sets the exit code: 0 all documents ok, 1 some failed (the rest
are still written), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import UsageError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Turn Cittaslow Metropolis checklist submissions (PDF, DOCX or text; English or Turkish) into tables:
projects, criteria, documents and mentions, as CSV and/or Parquet in --out.

Exit codes: 0 every document was read, 1 some documents failed (the others are still written and
each failure has a row in documents with its reason), 2 usage error.
Subcommand: `check [FOLDER]` compares the pipeline's output with expected files (see `check --help`).
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cittaslow-extract",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="submission files or folders (folders are searched recursively)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder for the output tables (created if missing)")
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="both",
                        help="table format (default: both)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="parallel worker processes (default: the machine's cores)")
    parser.add_argument("--labels", type=Path, action="append", default=[], metavar="FILE",
                        help="extra label vocabulary (TOML, same shape as data/labels.toml); repeatable")
    parser.add_argument("--pdf-engine", choices=("auto", "pdfium", "pdfplumber"), default="auto",
                        help="PDF reader (default auto: the fast pdfium route)")
    parser.add_argument("--password", default=None, metavar="PASSWORD",
                        help="password for encrypted PDFs")
    parser.add_argument("--no-mentions", action="store_true",
                        help="skip the narrative mentions stage (no mentions table)")
    parser.add_argument("--gazetteer", type=Path, action="append", default=[], metavar="FILE",
                        help="extra place names for mentions (TOML); repeatable")
    parser.add_argument("--spacy-model", default=None, metavar="NAME",
                        help="an installed trained spaCy pipeline to add its entities to mentions")
    parser.add_argument("--no-formula-escape", action="store_true",
                        help="write CSV cells starting with = + - @ as they are (default: prefix a quote)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.workers is not None and args.workers < 1:
        raise UsageError("cittaslow-extract: --workers must be at least 1")
    for path in args.inputs:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    return args


def run(args: argparse.Namespace) -> int:
    from .batch import discover_inputs, process_files, write_outputs
    from .extract.readers import ReadOptions
    from .process import RunConfig
    from .vocabulary import load_vocabulary

    load_vocabulary(tuple(args.labels))  # a bad labels file is a usage error before any work
    config = RunConfig(
        read_options=ReadOptions(pdf_engine=args.pdf_engine, password=args.password),
        label_files=tuple(args.labels),
        mentions=not args.no_mentions,
        gazetteer_files=tuple(args.gazetteer),
        spacy_model=args.spacy_model,
        debug=args.debug,
    )
    files = discover_inputs(args.inputs)
    if not files:
        raise UsageError("no submission files found in the given inputs")
    workers = args.workers or os.cpu_count() or 1
    report = _Reporter(len(files), quiet=args.quiet)
    results = process_files(files, config, workers=workers, on_result=report.result)
    report.close()
    formats = ("csv", "parquet") if args.format == "both" else (args.format,)
    write_outputs(results, args.out, formats, mentions=config.mentions,
                  neutralize_formulas=not args.no_formula_escape)
    failed = sum(r.document.status == "failed" for r in results)
    projects = sum(len(r.projects) for r in results)
    if not args.quiet:
        print(f"{len(results)} documents ({failed} failed), {projects} projects → {args.out}",
              file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


class _Reporter:
    """Failures as one line each on stderr; a progress bar when stderr is a terminal."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, leave=False)

    def result(self, result: object) -> None:
        document = result.document  # type: ignore[attr-defined]
        if document.status == "failed" and not self.quiet:
            line = f"error: {document.source_path}: {document.error}"
            if self.bar is not None:
                self.bar.write(line, file=sys.stderr)
            else:
                print(line, file=sys.stderr)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["check"]:
            from .check import main as check_main

            return check_main(argv[1:])
        return run(parse_args(argv))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: previous tables left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
