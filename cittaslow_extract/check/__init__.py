"""`cittaslow-extract check [FOLDER]`: run the pipeline on sample documents and compare every field
with their expected files (`<file>.expected.json`, see golden.py).

For maintainers of the rules: a change to a label, a money form or a segmenter rule shows here as
the exact projects and columns it changes, before the tables reach analysts.  Workflow: change a
rule → `check` → read the diff → `check --update` → commit the rule with the expected files.

Matching (so one added or lost row never shows as every later row shifting):
  projects   by title, in order: identical projects first, then the same title between them (a
             project whose fields changed), then the same title elsewhere (a project that moved);
             repeated titles and untitled projects likewise.  A lost and an added project in the
             same place with a near-identical title or the same narrative are one project whose
             title changed.  project_no changes that only follow from added or lost projects are
             not reported.
  criteria   by (criterion_no, criterion, subcriterion) and occurrence.
  document   column by column.
  mentions   per project, by (field, label, text) and occurrence, then by overlapping characters
             (a span read wider or narrower is a changed text); compared only when both sides ran
             the mentions stage.
Exit codes: 0 everything matches (or --update wrote the expected files), 1 some document differs,
2 usage error.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from cittaslow_extract.batch.isolation import NO_LIMITS, Limits
from cittaslow_extract.check.golden import (
    ExpectedFileError,
    document_path,
    expected_path,
    is_expected_file,
    load,
    snapshot,
    write,
)
from cittaslow_extract.cli_options import (
    UsageErrorParser,
    add_limit_options,
    add_run_config_options,
    available_cores,
    limits_from_args,
    run_config_from_args,
)
from cittaslow_extract.errors import ConfigError

if TYPE_CHECKING:
    from cittaslow_extract.models import DocumentResult
    from cittaslow_extract.pipeline import RunConfig

EXIT_OK, EXIT_DIFFERS, EXIT_USAGE = 0, 1, 2
REPORT_FORMAT = 1  # version of the --format json structure

Section = Literal["project", "mention", "criterion", "document"]
Change = Literal["changed", "added", "lost"]
Status = Literal["ok", "differs", "new", "missing", "invalid"]
JsonValue = Any  # what json.load returns: None, bool, int, float, str, list, dict
Row = dict[str, Any]

# Mentions are identified by these; the other columns are compared.
MENTION_KEY = ("field", "label", "text")
# Content a project keeps when only its title is re-read differently.
NARRATIVE_COLUMNS = ("objective", "brief_info", "budget_text", "completed")
TITLE_SIMILARITY = 0.75  # difflib ratio above which a lost and an added title are one project
VALUE_WIDTH = 96  # longest value shown whole in the terminal; longer ones are cut around the change
CONTEXT = 32  # characters of unchanged text kept before a change
LINE_WIDTH = 100  # a change longer than this goes on two lines, expected above actual


# --------------------------------------------------------------------------- results
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


# --------------------------------------------------------------------------- comparison
def compare(expected: dict[str, JsonValue], actual: dict[str, JsonValue]) -> list[Difference]:
    """Every difference between two snapshots (golden.snapshot / golden.load), projects first.

    >>> doc = {"format": 1, "document": {"project_count": 1}, "criteria": [],
    ...        "projects": [{"title": "A", "project_no": 1, "budget_amount": "5"}]}
    >>> new = {**doc, "projects": [{"title": "A", "project_no": 1, "budget_amount": "6"}]}
    >>> compare(doc, new)
    [Difference(section='project', change='changed', row='A', column='budget_amount', expected='5', actual='6', item=None)]
    """
    found = _compare_projects(expected.get("projects") or [], actual.get("projects") or [])
    found += _compare_criteria(expected.get("criteria") or [], actual.get("criteria") or [])
    found += [
        Difference("document", change, "document", column, old, new)
        for change, column, old, new in _compare_columns(
            expected.get("document") or {}, actual.get("document") or {}
        )
    ]
    return found


def mentions_compared(expected: dict[str, JsonValue], actual: dict[str, JsonValue]) -> bool:
    """False when one side was made without the mentions stage (its projects carry no mentions)."""
    sides = [expected.get("projects") or [], actual.get("projects") or []]
    return all("mentions" in row for side in sides for row in side)


def _compare_columns(old: Row, new: Row, skip: Iterable[str] = ()) -> list[tuple[Change, str, Any, Any]]:
    """(change, column path, expected, actual) for every column that differs, in column order.

    A column only one side has (the schema grew or shrank) is "added" or "lost".
    """
    skipped = set(skip)
    return _value_paths("", {k: v for k, v in old.items() if k not in skipped},
                        {k: v for k, v in new.items() if k not in skipped})


def _value_paths(path: str, old: Any, new: Any) -> list[tuple[Change, str, Any, Any]]:
    """Descend into objects and lists of equal length, so budget_amounts[1].amount is named.

    >>> _value_paths("a", [{"x": 1, "y": 2}], [{"x": 1, "z": 2}])
    [('lost', 'a[0].y', 2, None), ('added', 'a[0].z', None, 2)]
    """
    if old == new:
        return []
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new)) for p in _value_paths(f"{path}[{i}]", a, b)]
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[tuple[Change, str, Any, Any]] = []
        for key in dict.fromkeys([*old, *new]):  # expected's order, then keys only actual has
            where = f"{path}.{key}" if path else key
            if key not in new:
                found.append(("lost", where, old[key], None))
            elif key not in old:
                found.append(("added", where, None, new[key]))
            else:
                found += _value_paths(where, old[key], new[key])
        return found
    return [("changed", path, old, new)]


def _occurrence_keys(rows: Sequence[Row], key: Callable[[Row], Any]) -> list[tuple[Any, int]]:
    seen: dict[Any, int] = {}
    keys = []
    for row in rows:
        k = key(row)
        seen[k] = seen.get(k, 0) + 1
        keys.append((k, seen[k]))
    return keys


# ---- projects
def _title(row: Row) -> str | None:
    title = row.get("title")
    return title if isinstance(title, str) else None


def _content_signature(row: Row) -> str:
    """A project's content without its position, to align repeated titles."""
    return json.dumps({k: v for k, v in row.items() if k not in ("project_no", "page_start", "page_end")},
                      sort_keys=True, ensure_ascii=False)


def _same_project(old: Row, new: Row) -> bool:
    """A lost and an added project that are one project with a re-read title: the same narrative,
    or a near-identical title and some narrative field in common."""
    narrative_old = [old.get(c) for c in NARRATIVE_COLUMNS]
    narrative_new = [new.get(c) for c in NARRATIVE_COLUMNS]
    shared = [a for a, b in zip(narrative_old, narrative_new) if a is not None and a == b]
    if shared and narrative_old == narrative_new:
        return True
    a, b = _title(old) or "", _title(new) or ""
    similar = bool(a and b) and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= TITLE_SIMILARITY
    return similar and bool(shared)


def _align(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[int, int]]:
    """Order-preserving pairs of equal items: a longest common subsequence.

    difflib's matching blocks are not one (it takes the longest block first), and a block taken
    out of place would show the projects around it as moved.  The common head and tail are
    trimmed first, so the quadratic table only covers what changed.

    >>> _align("PLLL", "PLPLL")
    [(0, 0), (1, 1), (2, 3), (3, 4)]
    """
    n, m = len(old), len(new)
    head = 0
    while head < n and head < m and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and old[n - 1 - tail] == new[m - 1 - tail]:
        tail += 1
    a, b = old[head : n - tail], new[head : m - tail]
    # longest[i][j]: length of a longest common subsequence of a[i:] and b[j:]
    longest = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            longest[i][j] = (longest[i + 1][j + 1] + 1 if a[i] == b[j]
                             else max(longest[i + 1][j], longest[i][j + 1]))
    pairs = [(k, k) for k in range(head)]
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            pairs.append((head + i, head + j))
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs + [(n - tail + k, m - tail + k) for k in range(tail)]


def _pair_projects(old_rows: Sequence[Row], new_rows: Sequence[Row]) -> list[tuple[int, int]]:
    """(expected index, actual index) of the projects that are the same project.

    1. identical projects, in order; 2. between those, the same title, in order (a project whose
    fields changed); 3. the same title anywhere (a project that moved), repeated titles in order;
    4. a lost and an added project between the same neighbours that are one project re-titled.
    """
    pairs = _align([_content_signature(r) for r in old_rows], [_content_signature(r) for r in new_rows])
    anchors = [(-1, -1), *pairs, (len(old_rows), len(new_rows))]
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        gap_old, gap_new = range(i0 + 1, i1), range(j0 + 1, j1)
        pairs += [(gap_old[a], gap_new[b]) for a, b in _align([_title(old_rows[i]) for i in gap_old],
                                                              [_title(new_rows[j]) for j in gap_new])]
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    groups_new: dict[str | None, list[int]] = {}
    for j in range(len(new_rows)):
        if j not in matched_new:
            groups_new.setdefault(_title(new_rows[j]), []).append(j)
    for i in range(len(old_rows)):
        candidates = groups_new.get(_title(old_rows[i]))
        if i not in matched_old and candidates:
            pairs.append((i, candidates.pop(0)))
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    lost = _by_gap([i for i in range(len(old_rows)) if i not in matched_old], sorted(pairs))
    added = _by_gap([j for j in range(len(new_rows)) if j not in matched_new], sorted((j, j) for _, j in pairs))
    for gap, lost_here in lost.items():
        added_here = added.get(gap, [])
        for i in lost_here:
            j = next((j for j in added_here if _same_project(old_rows[i], new_rows[j])), None)
            if j is not None:
                pairs.append((i, j))
                added_here.remove(j)
    return sorted(pairs)


def _gap(index: int, anchors: Sequence[tuple[int, int]]) -> int:
    """The actual-side index of the nearest matched row before `index`, -1 when none.

    `anchors` are the matched rows as (index on index's side, index on the actual side), sorted.
    """
    k = bisect.bisect_left(anchors, (index, -1))
    return anchors[k - 1][1] if k else -1


def _by_gap(indices: Iterable[int], anchors: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """Unmatched rows grouped by gap: a lost and an added row in one group sit between the same
    matched neighbours."""
    groups: dict[int, list[int]] = {}
    for index in indices:
        groups.setdefault(_gap(index, anchors), []).append(index)
    return groups


def _project_labels(rows: Sequence[Row]) -> list[str]:
    counts: dict[str | None, int] = {}
    for row in rows:
        counts[_title(row)] = counts.get(_title(row), 0) + 1
    labels = []
    for (title, n) in _occurrence_keys(rows, _title):
        label = title if title is not None else "(no title)"
        labels.append(f"{label} #{n}" if counts[title] > 1 else label)
    return labels


def _compare_projects(old_rows: Sequence[Row], new_rows: Sequence[Row]) -> list[Difference]:
    pairs = _pair_projects(old_rows, new_rows)
    old_labels, new_labels = _project_labels(old_rows), _project_labels(new_rows)
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    reordered = _reordered(pairs)
    shifted = len(matched_old) < len(old_rows) or len(matched_new) < len(new_rows)

    placed: list[tuple[float, int, list[Difference]]] = []  # (position in actual order, tiebreak, diffs)
    for i, j in pairs:
        skip = ["mentions"]
        if shifted and (i, j) not in reordered:
            skip.append("project_no")  # only moved because a project before it came or went
        label = old_labels[i]
        diffs = [
            Difference("project", change, label, column, a, b)
            for change, column, a, b in _compare_columns(old_rows[i], new_rows[j], skip)
        ]
        if "mentions" in old_rows[i] and "mentions" in new_rows[j]:
            diffs += _compare_mentions(label, old_rows[i]["mentions"], new_rows[j]["mentions"])
        placed.append((j, 0, diffs))
    for j, row in enumerate(new_rows):
        if j not in matched_new:
            placed.append((j, 0, [Difference("project", "added", new_labels[j], None, None, row)]))
    anchors = sorted(pairs)
    for i, row in enumerate(old_rows):
        if i not in matched_old:  # shown after the project it followed
            position = _gap(i, anchors) + 0.5
            placed.append((position, i, [Difference("project", "lost", old_labels[i], None, row, None)]))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [d for _, _, diffs in placed for d in diffs]


def _reordered(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs whose rank among the matched projects differs between expected and actual."""
    by_old = sorted(pairs)
    by_new = sorted(pairs, key=lambda p: p[1])
    return {p for p, q in zip(by_old, by_new) if p != q} | {q for p, q in zip(by_old, by_new) if p != q}


# ---- mentions
def _mention_item(row: Row, occurrence: int) -> str:
    item = f'{row.get("field")} {row.get("label")} "{row.get("text")}"'
    return f"{item} #{occurrence}" if occurrence > 1 else item


def _overlap(old: Row, new: Row) -> bool:
    """Same field and label over overlapping characters: one mention read differently."""
    if (old.get("field"), old.get("label")) != (new.get("field"), new.get("label")):
        return False
    spans = [row.get(k) for row in (old, new) for k in ("start_char", "end_char")]
    if not all(isinstance(v, int) for v in spans):
        return False
    return spans[0] < spans[3] and spans[2] < spans[1]


def _compare_mentions(project: str, old: Sequence[Row], new: Sequence[Row]) -> list[Difference]:
    key = lambda row: tuple(row.get(k) for k in MENTION_KEY)  # noqa: E731
    old_keys = _occurrence_keys(old, key)
    new_keys = _occurrence_keys(new, key)
    new_index = {k: j for j, k in enumerate(new_keys)}
    pairs = {i: new_index[k] for i, k in enumerate(old_keys) if k in new_index}
    # A mention whose span was re-read ("1,200 volunteers" → "Over 1,200 volunteers") is a change
    # of its text, not one mention lost and another found.
    taken = set(pairs.values())
    for i in range(len(old)):
        if i in pairs:
            continue
        j = next((j for j in range(len(new)) if j not in taken and _overlap(old[i], new[j])), None)
        if j is not None:
            pairs[i] = j
            taken.add(j)
    found: list[Difference] = []
    for i, k in enumerate(old_keys):
        item = _mention_item(old[i], k[1])
        if i not in pairs:
            found.append(Difference("mention", "lost", project, None, old[i], None, item))
            continue
        found += [
            Difference("mention", change, project, column, a, b, item)
            for change, column, a, b in _compare_columns(old[i], new[pairs[i]], ("field", "label"))
        ]
    for j, k in enumerate(new_keys):
        if j not in taken:
            found.append(Difference("mention", "added", project, None, None, new[j], _mention_item(new[j], k[1])))
    return found


# ---- criteria
def _criterion_key(row: Row) -> tuple[Any, Any, Any]:
    return (row.get("criterion_no"), row.get("criterion"), row.get("subcriterion"))


def _criterion_label(row: Row, occurrence: int) -> str:
    number = row.get("criterion_no")
    label = f"{number:02d}" if isinstance(number, int) else "--"
    if row.get("criterion") is not None:
        label += f' "{row["criterion"]}"'
    if row.get("subcriterion") is not None:
        label += f' / "{row["subcriterion"]}"'
    return f"{label} #{occurrence}" if occurrence > 1 else label


def _compare_criteria(old: Sequence[Row], new: Sequence[Row]) -> list[Difference]:
    old_keys = _occurrence_keys(old, _criterion_key)
    new_keys = _occurrence_keys(new, _criterion_key)
    new_index = {k: j for j, k in enumerate(new_keys)}
    old_set = set(old_keys)
    found: list[Difference] = []
    for i, k in enumerate(old_keys):
        label = _criterion_label(old[i], k[1])
        j = new_index.get(k)
        if j is None:
            found.append(Difference("criterion", "lost", label, None, old[i], None))
            continue
        found += [
            Difference("criterion", change, label, column, a, b)
            for change, column, a, b in _compare_columns(old[i], new[j])
        ]
    for j, k in enumerate(new_keys):
        if k not in old_set:
            found.append(Difference("criterion", "added", _criterion_label(new[j], k[1]), None, None, new[j]))
    return found


# --------------------------------------------------------------------------- running
def _expected_files(folder: Path) -> list[Path]:
    if folder.is_file():
        candidate = expected_path(folder)
        return [candidate] if candidate.is_file() else []
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / name for name in files if is_expected_file(Path(name))]
    return sorted(found, key=lambda p: p.as_posix())


def check_folder(
    folder: Path,
    config: RunConfig | None = None,
    update: bool = False,
    *,
    workers: int = 1,
    limits: Limits = NO_LIMITS,
    on_result: Callable[[DocumentResult], None] | None = None,
    force: bool = False,
) -> CheckReport:
    """Run the pipeline on every sample under `folder` and compare with the expected files.

    `folder` may also be one document.  `config` is the run's RunConfig (default: the default run);
    `limits` the per-document time and memory limits (a document over them is a failed one).
    With `update`, the expected file of every document that differs is rewritten (an expected file
    whose document is gone is removed) after the differences are collected, so the report still
    shows them; but not with a document that failed with an internal error (a missing dependency, a
    bug: not what the document is), unless `force`.  Raises ConfigError when the folder does not exist or holds no documents.
    """
    from cittaslow_extract.batch.run import discover_inputs, process_files
    from cittaslow_extract.pipeline import RunConfig

    config = config if config is not None else RunConfig()
    folder = Path(folder)
    if folder.is_file() and is_expected_file(folder):
        folder = document_path(folder)  # `check x.txt.expected.json` means its document
    if not folder.exists():
        raise ConfigError(f"{folder}: no such file or folder")
    expected_files = _expected_files(folder)
    # A document with an expected file is always checked, even where a folder walk would skip it
    # (a hidden name, a suffix it does not take): named explicitly, discover_inputs keeps it.
    named = [document_path(e) for e in expected_files if document_path(e).is_file()]
    files = [
        f for f in discover_inputs([*named, folder]) if not is_expected_file(f.path) and f.skip_reason is None
    ]
    if not files and not expected_files:
        raise ConfigError(f"{folder}: no sample documents found")

    results = process_files(files, config, workers=workers, on_result=on_result, limits=limits)
    checks = [
        _check_document(f.path, result, config.mentions, update, force) for f, result in zip(files, results)
    ]
    for expected in expected_files:
        document = document_path(expected)
        if not document.exists():
            if update:
                expected.unlink()
            checks.append(DocumentCheck(document, expected, "missing",
                                        reason="expected file without its document", updated=update))
    checks.sort(key=lambda c: c.document.as_posix())
    return CheckReport(folder, tuple(checks), update)


INTERNAL_ERROR_PREFIX = "internal error"  # process.py's reason for an exception in the pipeline itself


def _check_document(path: Path, result: DocumentResult, mentions: bool, update: bool, force: bool = False) -> DocumentCheck:
    target = expected_path(path)
    actual = snapshot(result, mentions=mentions)
    error = result.document.error or ""
    if update and not force and result.document.status == "failed" and error.startswith(INTERNAL_ERROR_PREFIX):
        refused = f"not updated: the document failed with an {error} (fix that, or use --force)"
        check = _check_document(path, result, mentions, update=False)
        return replace(check, refused=refused)
    if not target.exists():
        if update:
            write(target, actual)
        return DocumentCheck(path, target, "new", reason="no expected file", updated=update)
    try:
        expected = load(target)
    except ExpectedFileError as exc:
        if update:
            write(target, actual)
        return DocumentCheck(path, target, "invalid", reason=exc.reason, updated=update)
    differences = tuple(compare(expected, actual))
    compared = mentions_compared(expected, actual)
    if not differences:
        return DocumentCheck(path, target, "ok", mentions_compared=compared)
    if update:
        write(target, actual)
    return DocumentCheck(path, target, "differs", differences, updated=update, mentions_compared=compared)


# --------------------------------------------------------------------------- text report
def _count(n: int, noun: str) -> str:
    """
    >>> _count(1, "difference"), _count(2, "document")
    ('1 difference', '2 documents')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shorten(text: str, width: int) -> str:
    """
    >>> _shorten("Neighbourhood Volunteers Network", 20)
    'Neighbourhood Volun…'
    """
    return text if len(text) <= width else text[: width - 1] + "…"


def _literal(value: JsonValue) -> str:
    """A value as JSON: strings quoted with \\n escaped, null, true/false, numbers bare."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def excerpt_pair(old: str, new: str, width: int = VALUE_WIDTH, context: int = CONTEXT) -> tuple[str, str]:
    """Both texts cut to the same window around their first difference when either is too long.

    The window starts `context` characters before the first differing character and ends
    `context` after the last one (at most `width` long), moved to word boundaries nearby.

    >>> excerpt_pair("short", "shirt")
    ('short', 'shirt')
    >>> a = "Over 1,200 volunteers registered and 35 associations joined the network in the first year."
    >>> b = a.replace("35", "36")
    >>> excerpt_pair(a, b, width=40, context=10)
    ('…registered and 35 associations…', '…registered and 36 associations…')
    """
    if len(old) <= width and len(new) <= width:
        return old, new
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    start = _word_start(old, max(0, prefix - context))
    return (_window(old, start, len(old) - suffix, width, context),
            _window(new, start, len(new) - suffix, width, context))


def _word_start(text: str, start: int) -> int:
    """`start`, or the beginning of the word it falls in when that is near."""
    if start <= 3:  # nothing worth hiding before the change
        return 0
    space = text.rfind(" ", 0, start)
    return space + 1 if space >= 0 and start - space <= 12 else start


def _window(text: str, start: int, change_end: int, width: int, context: int) -> str:
    end = min(len(text), change_end + context, start + width)
    space = text.find(" ", end)
    if space >= 0 and space - end <= 12 and space - start <= width + 12:
        end = space  # finish the word
    if len(text) - end <= 3:
        end = len(text)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _row_summary(section: Section, row: Row) -> str:
    """What an added or lost row was, in a few words."""
    if section == "project":
        parts = []
        number = row.get("criterion_no")
        if isinstance(number, int):
            parts.append(f"criterion {number:02d}")
        if row.get("subcriterion"):
            parts.append(f"\"{row['subcriterion']}\"")
        mentions = row.get("mentions")
        if isinstance(mentions, list):
            parts.append(_count(len(mentions), "mention"))
        return ", ".join(parts)
    if section == "mention":
        parts = [f"{k} {_literal(row.get(k))}" for k in ("value", "unit") if row.get(k) is not None]
        if row.get("planned"):
            parts.append("planned")
        return ", ".join(parts)
    return ", ".join(f"{k} {_literal(row.get(k))}" for k in ("project_count", "budget_total") if k in row)


def _change_lines(indent: str, column: str, old: JsonValue, new: JsonValue) -> list[str]:
    a, b = excerpt_pair(_literal(old), _literal(new))
    line = f"{indent}{column}: {a} → {b}"
    if len(line) <= LINE_WIDTH:
        return [line]
    return [f"{indent}{column}:", f"{indent}  - {a}", f"{indent}  + {b}"]


def _heading(section: str, row: str) -> str:
    if section == "project":
        return f'  project "{row}"'
    if section == "criterion":
        return f"  criterion {row}"
    return "  document"


def _whole_row_line(indent: str, d: Difference, name: str) -> str:
    """`+ project "X" added (…)` / `- mention … lost (…)`."""
    sign = "+" if d.change == "added" else "-"
    row = d.actual if d.change == "added" else d.expected
    summary = _row_summary(d.section, row) if isinstance(row, dict) else ""
    return f"{indent}{sign} {name} {d.change}" + (f" ({summary})" if summary else "")


def _difference_lines(differences: Sequence[Difference]) -> list[str]:
    """Differences grouped under their row (and mention) headings, in report order."""
    lines: list[str] = []
    heading: tuple[str, str] | None = None
    mention: str | None = None
    for d in differences:
        section = "project" if d.section == "mention" else d.section
        if d.column is None and d.section != "mention":  # a whole row added or lost
            name = f'{section} "{d.row}"' if section == "project" else f"{section} {d.row}"
            lines.append(_whole_row_line("  ", d, name))
            heading, mention = None, None
            continue
        if heading != (section, d.row):
            heading, mention = (section, d.row), None
            lines.append(_heading(section, d.row))
        if d.section == "mention":
            if d.column is None:
                lines.append(_whole_row_line("    ", d, f"mention {d.item}"))
                mention = None
                continue
            if mention != d.item:
                mention = d.item
                lines.append(f"    mention {d.item}")
            if d.change == "changed":
                lines += _change_lines("      ", d.column, d.expected, d.actual)
            else:
                sign, side = ("+", d.actual) if d.change == "added" else ("-", d.expected)
                lines.append(f"      {sign} {d.column}: {_shorten(_literal(side), VALUE_WIDTH)}")
            continue
        mention = None
        if d.change == "changed":
            lines += _change_lines("    ", d.column or "", d.expected, d.actual)
        else:  # a column only one side has: the schema changed
            sign, side = ("+", d.actual) if d.change == "added" else ("-", d.expected)
            lines.append(f"    {sign} {d.column}: {_shorten(_literal(side), VALUE_WIDTH)}")
    return lines


def format_differences(differences: Sequence[Difference]) -> str:
    """The differences of one document as the terminal report shows them."""
    return "\n".join(_difference_lines(differences)) + "\n"


def _status_line(check: DocumentCheck) -> str:
    name = check.document.as_posix()
    if check.status == "ok":
        text = "ok" + ("" if check.mentions_compared else " (mentions not compared)")
    elif check.status == "differs":
        text = _count(len(check.differences), "difference")
        if not check.mentions_compared:
            text += " (mentions not compared)"
    elif check.status == "new":
        text = "new (no expected file)"
    elif check.status == "missing":
        text = f"missing (expected file {check.expected_file.as_posix()} has no document)"
    else:
        text = f"invalid expected file ({check.reason})"
    if check.updated:
        text += " → expected file " + ("removed" if check.status == "missing" else "written")
    if check.refused:
        text += f" → {check.refused}"
    return f"{name}: {text}"


def format_text(report: CheckReport) -> str:
    """The terminal report: a line per document, its differences indented under it, a summary."""
    lines: list[str] = []
    for check in report.documents:
        lines.append(_status_line(check))
        lines += _difference_lines(check.differences)
    total, differing = len(report.documents), len(report.differing)
    differences = _count(report.difference_count, "difference")
    if not differing:
        lines.append(f"all {_count(total, 'document')} match their expected files")
    elif report.update:
        updated = sum(c.updated for c in report.documents)
        lines.append(f"updated {_count(updated, 'expected file')} ({differences}); "
                     "review them with git diff and commit")
        refused = sum(bool(c.refused) for c in report.documents)
        if refused:
            lines.append(f"refused to update {_count(refused, 'expected file')}: the document failed with "
                         "an internal error; fix it, or run check --update --force")
    else:
        verb = "differs" if differing == 1 else "differ"
        lines.append(f"{_count(differing, 'document')} of {total} {verb} ({differences}); "
                     "if every change is intended, run check --update")
    return "\n".join(lines) + "\n"


def format_json(report: CheckReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- command line
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


__all__ = [
    "CheckReport",
    "Difference",
    "DocumentCheck",
    "check_folder",
    "compare",
    "excerpt_pair",
    "format_differences",
    "format_json",
    "format_text",
    "main",
    "mentions_compared",
]
