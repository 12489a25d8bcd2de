"""The main command, `cittaslow-extract INPUT... --out DIR`, and the dispatch to `check` and
`explain`.

A thin layer over the library (api.extract_folder, check/): it parses arguments, turns library
errors into one-line messages and sets the exit code: 0 all documents ok, 1 some failed (the rest
are still written), 2 usage error, 3 the run could not finish (tables left as they were).
Only the standard library is imported here, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cittaslow_extract import __version__
from cittaslow_extract.cli.options import (
    UsageErrorParser,
    add_limit_options,
    add_run_config_options,
    available_cores,
    limits_from_args,
    run_config_from_args,
)
from cittaslow_extract.errors import ConfigError, OutputLimitError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_NOT_FINISHED = 0, 1, 2, 3
FORMAT_CHOICES = {
    "csv": ("csv",),
    "parquet": ("parquet",),
    "xlsx": ("xlsx",),
    "both": ("csv", "parquet"),
    "all": ("csv", "parquet", "xlsx"),
}

DESCRIPTION = """\
Turn Cittaslow Metropolis checklist submissions (PDF, DOCX or text; English or Turkish) into tables:
projects, criteria, documents and mentions, as CSV and/or Parquet in --out.

Exit codes: 0 every document was read, 1 some documents failed (the others are still written and
each failure has a row in documents with its reason), 2 usage error, 3 the run could not finish
(e.g. the tables could not be written; the previous tables are left as they were).
Subcommands: `check [FOLDER]` compares the pipeline's output with expected files (see `check --help`);
`explain FILE` shows the role the segmenter gave every paragraph and why (see `explain --help`).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = UsageErrorParser(
        prog="cittaslow-extract",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="submission files or folders (folders are searched recursively)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for the output tables (created if missing); required unless --dry-run")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB",
                        help="read only files in the input folders whose path or name matches "
                             "(e.g. '*.pdf', '2023/*'); repeatable")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="leave out files whose path or name matches (e.g. 'annex*'); repeatable")
    parser.add_argument("--manifest", type=Path, default=None, metavar="FILE.csv",
                        help="a CSV naming each file (path) with its city, year and any other columns "
                             "(added to documents); wins over what the documents say")
    parser.add_argument("--dry-run", action="store_true",
                        help="list the files that would be read and those skipped (with the reason); write nothing")
    parser.add_argument("--format", choices=("csv", "parquet", "xlsx", "both", "all"), default=None,
                        help="table format: csv, parquet, xlsx (one Excel workbook, tables.xlsx), both "
                             "(csv and parquet, the default) or all three; parquet with --dask-output partitioned")
    parser.add_argument("--csv-bom", action="store_true",
                        help="start each CSV with a UTF-8 byte-order mark, for Excel on Windows")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="parallel worker processes (default: the machine's cores)")
    parser.add_argument("--incremental", action="store_true",
                        help="reuse the rows of files unchanged since the last --incremental run into --out")
    add_limit_options(parser)
    parser.add_argument("--no-formula-escape", action="store_true",
                        help="write CSV cells starting with = + - @ tab or CR as they are, quoting only "
                             "what RFC 4180 needs (default: prefix a quote so spreadsheets do not run "
                             "them, and quote cells holding ; or tab)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="where documents are processed: local worker processes (default) or Dask")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--dask-output", choices=("gather", "partitioned"), default="gather",
                        help="with --engine dask: rows sent back and written here (default), or "
                             "written by the workers as partitioned Parquet (shared folder needed)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    add_run_config_options(parser)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.out is None and not args.dry_run:
        raise ConfigError("cittaslow-extract: the following arguments are required: --out")
    if args.workers is not None and args.workers < 1:
        raise ConfigError("cittaslow-extract: --workers must be at least 1")
    args.limits = limits_from_args(args, "cittaslow-extract")
    if args.engine != "dask" and (args.scheduler or args.dask_output != "gather"):
        raise ConfigError("cittaslow-extract: --scheduler and --dask-output need --engine dask")
    if args.dask_output == "partitioned":
        if args.format not in (None, "parquet"):
            raise ConfigError("cittaslow-extract: --dask-output partitioned writes Parquet only (--format parquet)")
        args.format = "parquet"
    args.format = args.format or "both"
    for path in args.inputs:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or folder")
    return args


def run(args: argparse.Namespace) -> int:
    """The command: a thin layer over api.extract_folder (progress, the summary line, the exit code)."""
    from cittaslow_extract.api import extract_folder
    from cittaslow_extract.batch.progress import Progress

    if args.engine == "dask":
        from cittaslow_extract.batch.engines import dask_available

        if not dask_available():
            raise ConfigError("--engine dask needs Dask: pip install 'cittaslow-extract[dask]'")
    if args.dry_run:
        return dry_run(args)
    progress: list[Progress] = []

    def started(files: Sequence[object]) -> None:
        progress.append(Progress(len(files), quiet=args.quiet))

    try:
        result = extract_folder(
            args.inputs,
            out=args.out,
            formats=FORMAT_CHOICES[args.format],
            include=args.include,
            exclude=args.exclude,
            manifest=args.manifest,
            workers=args.workers or available_cores(),
            timeout=args.timeout,
            max_memory=args.max_memory,
            incremental=args.incremental,
            mentions=not args.no_mentions,
            labels=args.labels,
            gazetteer=args.gazetteer,
            pdf_engine=args.pdf_engine,
            password=args.password,
            ocr=args.ocr,
            ocr_lang=args.ocr_lang,
            spacy_model=args.spacy_model,
            csv_bom=args.csv_bom,
            formula_escape=not args.no_formula_escape,
            engine=args.engine,
            scheduler=args.scheduler,
            partitioned=args.dask_output == "partitioned",
            debug=args.debug,
            on_files=started,
            on_result=lambda r: progress[0].document(r.document),
            tables=False,
        )
    finally:
        for bar in progress:
            bar.close()
    summary, shown = result.summary, progress[0]
    if summary.change is not None:
        shown.message(summary.change.message(args.out))
    if summary.manifest_unmatched:
        shown.message(f"note: {summary.manifest_unmatched} rows of {args.manifest} name no input file")
    skipped = f", {summary.skipped} skipped" if summary.skipped else ""
    shown.message(
        f"{len(summary.results)} documents ({summary.failed} failed{skipped}, {summary.reused} reused), "
        f"{summary.projects} projects → {args.out}"
    )
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def dry_run(args: argparse.Namespace) -> int:
    """--dry-run: the files a run would read and those it would skip, on stdout; nothing written."""
    from cittaslow_extract.batch.discovery import discover_inputs

    run_config_from_args(args)  # the same usage errors as a run
    files = discover_inputs(args.inputs, args.include, args.exclude, ocr=args.ocr != "never")
    if not files:
        raise ConfigError("no submission files found in the given inputs")
    for input_file in files:
        if input_file.skip_reason is None:
            print(f"read  {input_file.source_path}")
        else:
            print(f"skip  {input_file.source_path}  ({input_file.skip_reason})")
    to_read = sum(f.skip_reason is None for f in files)
    print(f"{to_read} files would be read, {len(files) - to_read} skipped", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        if argv[:1] == ["check"]:
            from cittaslow_extract.cli.check import main as check_main

            return check_main(argv[1:])
        if argv[:1] == ["explain"]:
            from cittaslow_extract.cli.explain import main as explain_main

            return explain_main(argv[1:])
        return run(parse_args(argv))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputLimitError as exc:
        print(f"error: {exc}; previous tables left as they were", file=sys.stderr)
        return EXIT_NOT_FINISHED
    except KeyboardInterrupt:
        print("interrupted: previous tables left as they were", file=sys.stderr)
        return 130
    except OSError as exc:
        if debug:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}; previous tables left as they were", file=sys.stderr)
        return EXIT_NOT_FINISHED
    except Exception as exc:
        if debug:
            raise
        print(
            f"error: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback); "
            "previous tables left as they were",
            file=sys.stderr,
        )
        return EXIT_NOT_FINISHED


def cli() -> None:
    """The command itself (console script, `python -m`, the checkout's pipeline.py): main() on the
    process's arguments, then its worker processes stopped at once, then exit with main's code.
    Stopping them here rather than in main() lets a program that calls main() several times (the
    tests) keep one set of workers."""
    try:
        code = main()
    finally:
        isolation = sys.modules.get("cittaslow_extract.batch.isolation")
        if isolation is not None:  # workers may have run: see isolation.stop_workers
            isolation.stop_workers()
    sys.exit(code)

