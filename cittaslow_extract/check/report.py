"""The result of a check: the differences of each document, and the report over a folder.

`Difference` is one field that changed (or one row added or lost); `DocumentCheck` one sample's
status and differences; `CheckReport` the folder's, with the exit code and the JSON form
(`--format json`, versioned by REPORT_FORMAT).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

EXIT_OK, EXIT_DIFFERS, EXIT_USAGE = 0, 1, 2
REPORT_FORMAT = 1  # version of the --format json structure

Section = Literal["project", "mention", "criterion", "document"]
Change = Literal["changed", "added", "lost"]
Status = Literal["ok", "differs", "new", "missing", "invalid"]
JsonValue = Any  # what json.load returns: None, bool, int, float, str, list, dict
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between an expected file and the pipeline's output.

    `row` names the row: the project title (`#2` for the second project with that title,
    `(no title)` for an untitled one), the criterion path, or "document".  `column` is the column,
    with a path into nested values (`budget_amounts[1].amount`); None when a whole row was added or
    lost, and then `expected`/`actual` hold the whole row.  `item` names the mention within its
    project for section "mention".
    """

    section: Section
    change: Change
    row: str
    column: str | None
    expected: JsonValue = None
    actual: JsonValue = None
    item: str | None = None

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "section": self.section,
            "change": self.change,
            "row": self.row,
            "item": self.item,
            "column": self.column,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    """The check of one sample document against its expected file."""

    document: Path
    expected_file: Path
    status: Status  # ok | differs | new (no expected file) | missing (no document) | invalid
    differences: tuple[Difference, ...] = ()
    reason: str | None = None  # for new / missing / invalid: what is wrong, in one line
    updated: bool = False  # --update wrote (or, for a missing document, removed) the expected file
    mentions_compared: bool = True
    refused: str | None = None  # --update did not rewrite it: why (an internal error; see --force)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def difference_count(self) -> int:
        """Differences found; a new, missing or invalid expected file counts as one."""
        if self.status in ("new", "missing", "invalid"):
            return 1
        return len(self.differences)

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "document": self.document.as_posix(),
            "expected_file": self.expected_file.as_posix(),
            "status": self.status,
            "reason": self.reason,
            "updated": self.updated,
            "mentions_compared": self.mentions_compared,
            "refused": self.refused,
            "difference_count": self.difference_count,
            "differences": [d.as_json() for d in self.differences],
        }


@dataclass(frozen=True, slots=True)
class CheckReport:
    folder: Path
    documents: tuple[DocumentCheck, ...]
    update: bool = False

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    @property
    def differing(self) -> tuple[DocumentCheck, ...]:
        return tuple(d for d in self.documents if not d.ok)

    @property
    def difference_count(self) -> int:
        return sum(d.difference_count for d in self.documents)

    @property
    def exit_code(self) -> int:
        # After --update every differing expected file has been rewritten: nothing is left to fail,
        # unless one was refused (its document failed with an internal error).
        if self.ok or (self.update and not any(d.refused for d in self.documents)):
            return EXIT_OK
        return EXIT_DIFFERS

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "format": REPORT_FORMAT,
            "folder": self.folder.as_posix(),
            "update": self.update,
            "ok": self.ok,
            "summary": {
                "documents": len(self.documents),
                "ok": len(self.documents) - len(self.differing),
                "differing": len(self.differing),
                "differences": self.difference_count,
                "updated": sum(d.updated for d in self.documents),
            },
            "documents": [d.as_json() for d in self.documents],
        }

