"""Expected-output files for sample documents: `<sample file>.expected.json` beside each sample.

The file is a snapshot of what the pipeline produces for one document, written so a reviewer can
read a change in `git diff`: JSON, two-space indent, one field per line, columns in table order,
projects in document order with their mentions nested under them, exact values as CSV writes them
(money as exact decimal strings, booleans as true/false, null for missing).

Columns that depend on where the file was read from (source_path) are left out, so a folder of
samples can be checked from anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .export.schema import TABLES
from .export.writers import amounts_as_dicts, format_decimal
from .models import DocumentResult, Mention

EXPECTED_SUFFIX = ".expected.json"
FORMAT_VERSION = 1
# Left out of snapshots: they depend on the path the sample was read from, not on its content.
VOLATILE_COLUMNS = frozenset({"source_path"})
# Columns of a project row that only repeat what the document section says.
PROJECT_IDENTITY_COLUMNS = frozenset({"document_id", "source_path", "project_id"})


def expected_path(sample: Path) -> Path:
    return sample.with_name(sample.name + EXPECTED_SUFFIX)


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


def snapshot(result: DocumentResult) -> dict[str, Any]:
    """The expected-file content for one document's result."""
    by_project: dict[str, list[Mention]] = {}
    for mention in result.mentions:
        by_project.setdefault(mention.project_id, []).append(mention)
    projects = []
    for project in result.projects:
        row = _row(project, "projects", PROJECT_IDENTITY_COLUMNS)
        row["mentions"] = [_mention(m) for m in by_project.get(project.project_id, [])]
        projects.append(row)
    return {
        "format": FORMAT_VERSION,
        "document": _row(result.document, "documents", VOLATILE_COLUMNS),
        "criteria": [_row(c, "criteria", frozenset({"document_id"})) for c in result.criteria],
        "projects": projects,
    }


def dumps(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        content: dict[str, Any] = json.load(handle)
    return content
