"""compare: every difference between an expected file and the pipeline's output (two golden
snapshots), row by row.

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
"""

from __future__ import annotations

import bisect
import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cittaslow_extract.check.report import Change, Difference, JsonValue, Row

# Mentions are identified by these; the other columns are compared.
MENTION_KEY = ("field", "label", "text")
# Content a project keeps when only its title is re-read differently.
NARRATIVE_COLUMNS = ("objective", "brief_info", "budget_text", "completed")
TITLE_SIMILARITY = 0.75  # difflib ratio above which a lost and an added title are one project


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
            partner = next((j for j in added_here if _same_project(old_rows[i], new_rows[j])), None)
            if partner is not None:
                pairs.append((i, partner))
                added_here.remove(partner)
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


def project_labels(rows: Sequence[Row]) -> list[str]:
    """The names the differences give the projects' rows, in order: the title, `#n` after every
    title that occurs more than once, `(no title)` for an untitled one.

    >>> project_labels([{"title": "A"}, {"title": "B"}, {"title": "A"}, {"title": None}])
    ['A #1', 'B', 'A #2', '(no title)']
    """
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
    old_labels, new_labels = project_labels(old_rows), project_labels(new_rows)
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
    spans = [v for row in (old, new) for k in ("start_char", "end_char") if isinstance(v := row.get(k), int)]
    if len(spans) < 4:  # a span not given on either side
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

