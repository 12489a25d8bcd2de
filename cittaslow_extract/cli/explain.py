"""`cittaslow-extract explain FILE`: why each paragraph of a document got its role.

For a maintainer adding a checklist form or chasing a wrong value: every unit the segmenter read
(structure/units.py), with its role, the runner-up role, the margin between the two readings (how
much costlier the best reading that gives this unit another role is), the evidence it showed
(shape predicates and the layout evidence that counts in this document) and, with
`--format json`, the cost of every role for it.  The costs come from data/form.toml.

Exit codes: 0 explained, 1 the file could not be read (one line says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from cittaslow_extract.cli.options import UsageErrorParser

_TEXT_WIDTH = 70


def build_parser() -> argparse.ArgumentParser:
    parser = UsageErrorParser(
        prog="cittaslow-extract explain",
        description="Show every paragraph of a document with the role the segmenter gave it, the "
        "runner-up role, the margin between them and the evidence.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a submission (PDF, DOCX or text)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default): one line per paragraph; json: with every role's cost")
    parser.add_argument("--labels", type=Path, action="append", default=[], metavar="FILE",
                        help="extra label vocabulary (TOML, as for a run); repeatable")
    parser.add_argument("--pdf-engine", choices=("auto", "pdfium", "pdfplumber"), default="auto",
                        help="PDF reader (default auto: the fast pdfium route)")
    parser.add_argument("--password", default=None, metavar="PASSWORD", help="password for encrypted PDFs")
    return parser


def main(argv: Sequence[str]) -> int:
    from cittaslow_extract.config import build_run_config
    from cittaslow_extract.errors import ConfigError, ExtractionError
    from cittaslow_extract.read.registry import read_document
    from cittaslow_extract.structure.segmenter import explain, segment
    from cittaslow_extract.structure.vocabulary import load_vocabulary

    args = build_parser().parse_args(list(argv))
    if not args.file.is_file():
        raise ConfigError(f"{args.file}: no such file")
    # the labels are checked as for a run (a missing or bad file is a usage error)
    config = build_run_config(labels=args.labels, mentions=False, pdf_engine=args.pdf_engine, password=args.password)
    vocabulary = load_vocabulary(config.label_files)
    try:
        document = read_document(args.file, config.read_options)
    except ExtractionError as exc:
        print(f"{args.file}: {exc.reason}", file=sys.stderr)
        return 1
    units = explain(document, vocabulary)
    segmented = segment(document, vocabulary)
    if args.format == "json":
        print(json.dumps({
            "file": str(args.file),
            "checklist": segmented.checklist,
            "language": segmented.language,
            "projects": len(segmented.projects),
            "criteria": len(segmented.criteria),
            "units": [
                {
                    "index": u.index, "block": u.block_index, "page": u.page, "role": u.role,
                    "field": u.field_name, "runner_up": u.runner_up,
                    "margin": None if math.isinf(u.margin) else round(u.margin, 2),
                    "evidence": list(u.evidence), "costs": u.costs, "text": u.text,
                }
                for u in units
            ],
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.file}: {len(segmented.projects)} projects, {len(segmented.criteria)} criteria, "
          f"checklist {segmented.checklist!r}, language {segmented.language}")
    print(f"{'#':>4} {'page':>4} {'role':<18} {'margin':>6} {'runner-up':<10} {'evidence':<34} text")
    for u in units:
        margin = "-" if math.isinf(u.margin) else f"{u.margin:.2f}"
        role = f"{u.role}:{u.field_name}" if u.field_name else u.role
        text = u.text if len(u.text) <= _TEXT_WIDTH else u.text[: _TEXT_WIDTH - 1] + "…"
        print(f"{u.index:>4} {u.page if u.page is not None else '-':>4} {role:<18} {margin:>6} "
              f"{u.runner_up or '-':<10} {','.join(u.evidence)[:34]:<34} {text}")
    return 0
