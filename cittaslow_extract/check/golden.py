"""Expected-output files for sample documents: `<sample file>.expected.json` beside each sample.

The file is a snapshot of what the pipeline produces for one document, written so a reviewer can
read a change in `git diff`: JSON, two-space indent, one field per line, columns in table order,
rows in document order (criteria, then projects with their mentions nested under them), exact
values as CSV writes them (money as exact decimal strings, booleans as true/false, null for
missing).  The same result always gives the same bytes (UTF-8, LF line ends, final newline).

Columns that depend on where the file was read from (source_path) or that only repeat the
document's identity (document_id and project_id on every row) are left out, so a folder of samples
can be checked from anywhere; so is a project's segmentation_margin (see PROJECT_IDENTITY_COLUMNS).  A snapshot made without the mentions stage has no "mentions" key on
its projects, which tells `check` not to compare mentions.

>>> expected_path(Path("samples/a.pdf")).as_posix()
'samples/a.pdf.expected.json'
>>> document_path(Path("samples/a.pdf.expected.json")).as_posix()
'samples/a.pdf'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cittaslow_extract.export.atomic import write_atomic
from cittaslow_extract.export.schema import TABLES
from cittaslow_extract.export.writers import amounts_as_dicts, format_decimal
from cittaslow_extract.models import DocumentResult, Mention

EXPECTED_SUFFIX = ".expected.json"
FORMAT_VERSION = 1
SECTIONS = ("format", "document", "criteria", "projects")
# Left out of snapshots: they depend on the path the sample was read from, not on its content.
# reused and duplicate_of say how this run got the rows (--incremental) and what else it read,
# not what the document is.
VOLATILE_COLUMNS = frozenset({"source_path", "reused", "duplicate_of"})
# Columns of a project row that only repeat what the document section says, and the segmenter's
# margin: it moves with every cost in data/form.toml and with the projects around it, so a check
# would report it on every project after any rule change; what it means for a reader (a close
# reading) is the warning segmentation_uncertain, which is compared.
PROJECT_IDENTITY_COLUMNS = frozenset({"document_id", "source_path", "project_id", "segmentation_margin"})


class ExpectedFileError(Exception):
    """An expected file that cannot be used (not JSON, another format version, wrong shape)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = " ".join(reason.split())
        super().__init__(f"{path}: {self.reason}")


def expected_path(sample: Path) -> Path:
    return sample.with_name(sample.name + EXPECTED_SUFFIX)


def document_path(expected: Path) -> Path:
    """The sample an expected file belongs to (the inverse of expected_path)."""
    return expected.with_name(expected.name[: -len(EXPECTED_SUFFIX)])


def is_expected_file(path: Path) -> bool:
    return path.name.endswith(EXPECTED_SUFFIX) and len(path.name) > len(EXPECTED_SUFFIX)


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "decimal":
        return format_decimal(value)
    if kind == "amounts":
        return [
            {**row, "amount": format_decimal(amount.amount)}
            for row, amount in zip(amounts_as_dicts(value), value)
        ]
    return value


def _row(record: Any, table: str, skip: frozenset[str]) -> dict[str, Any]:
    return {
        name: _value(getattr(record, name), kind) for name, kind in TABLES[table] if name not in skip
    }


def _mention(mention: Mention) -> dict[str, Any]:
    return _row(mention, "mentions", frozenset({"project_id"}))


def snapshot(result: DocumentResult, *, mentions: bool = True) -> dict[str, Any]:
    """The expected-file content for one document's result.

    `mentions=False` for a run without the mentions stage: projects then carry no "mentions" key
    (an empty list would claim that no mention was found).
    """
    by_project: dict[str, list[Mention]] = {}
    for mention in result.mentions:
        by_project.setdefault(mention.project_id, []).append(mention)
    projects = []
    for project in result.projects:
        row = _row(project, "projects", PROJECT_IDENTITY_COLUMNS)
        if mentions:
            row["mentions"] = [_mention(m) for m in by_project.get(project.project_id, [])]
        projects.append(row)
    content = {
        "format": FORMAT_VERSION,
        "document": _row(result.document, "documents", VOLATILE_COLUMNS),
        "criteria": [_row(c, "criteria", frozenset({"document_id"})) for c in result.criteria],
        "projects": projects,
    }
    # Through JSON once, so the snapshot holds exactly what a written and re-read file holds.
    return json.loads(dumps(content))  # type: ignore[no-any-return]


def dumps(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def load(path: Path) -> dict[str, Any]:
    """Read and check an expected file; ExpectedFileError says what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except OSError as exc:
        raise ExpectedFileError(path, f"cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ExpectedFileError(path, "not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        # a merge conflict or a hand edit gone wrong: say where
        raise ExpectedFileError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(content, dict):
        raise ExpectedFileError(path, "not a JSON object")
    version = content.get("format")
    if version != FORMAT_VERSION:
        raise ExpectedFileError(
            path, f"expected-file format {version!r}, this version reads {FORMAT_VERSION}"
        )
    shapes = {"document": dict, "criteria": list, "projects": list}
    for key, shape in shapes.items():
        if not isinstance(content.get(key), shape):
            raise ExpectedFileError(path, f'"{key}" missing or not a JSON {shape.__name__}')
    for key in ("criteria", "projects"):
        if not all(isinstance(row, dict) for row in content[key]):
            raise ExpectedFileError(path, f'"{key}" holds something other than objects')
    return content


def write(path: Path, content: dict[str, Any]) -> None:
    """Write an expected file atomically, UTF-8 with LF line ends on every platform."""
    write_atomic(path, dumps(content).encode("utf-8"), fsync=False)  # bytes: no newline translation
