"""The check report as text (the terminal: a line per document, its differences indented under
it, a summary) and as JSON (`--format json`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from cittaslow_extract.check.report import CheckReport, Difference, DocumentCheck, JsonValue, Row, Section

VALUE_WIDTH = 96  # longest value shown whole in the terminal; longer ones are cut around the change
CONTEXT = 32  # characters of unchanged text kept before a change
LINE_WIDTH = 100  # a change longer than this goes on two lines, expected above actual


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

