"""`check`: the comparison on synthetic results, the terminal and JSON reports, and the command on
real samples (the regression test CI relies on is test_check_on_samples_passes)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cittaslow_extract import check
from cittaslow_extract.check import CheckReport, Difference, DocumentCheck, compare, excerpt_pair, golden
from cittaslow_extract.check.render import VALUE_WIDTH
from cittaslow_extract.cli.check import main as check_main
from cittaslow_extract.models import (
    CriterionRecord,
    DocumentRecord,
    DocumentResult,
    Mention,
    MoneyAmount,
    ProjectRecord,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SAMPLE = SAMPLES / "community-en.txt"
DOC_ID = "0123456789abcdef"


# --------------------------------------------------------------------------- synthetic results
def project(no: int, title: str | None, **values: object) -> ProjectRecord:
    base = dict(
        document_id=DOC_ID, source_path="x.txt", source_format="txt", language="en",
        checklist="Community", criterion_no=1, criterion="Networks", subcriterion="Volunteers",
        project_no=no, project_id=f"{DOC_ID}-{no:03d}", title=title, objective=f"Objective of {title}",
        brief_info=None, budget_text=None, duration_text=None, start_text=None, end_text=None,
        completed=None, budget_amount=None, budget_currency=None, budget_approximate=None,
        budget_year=None, budget_amounts=[], start_date=None, end_date=None, ongoing=None,
        duration_months=None, recurrence=None, page_start=None, page_end=None, warnings="",
    )
    base.update(values)
    return ProjectRecord(**base)  # type: ignore[arg-type]


def mention(no: int, text: str, value: str | None, start: int, **values: object) -> Mention:
    base = dict(project_id=f"{DOC_ID}-{no:03d}", field="completed", label="QUANTITY", text=text,
                value=value, unit="volunteer", start_char=start, end_char=start + len(text), planned=False)
    base.update(values)
    return Mention(**base)  # type: ignore[arg-type]


def result(projects: list[ProjectRecord], mentions: Sequence[Mention] = (), budget_total: str | None = None) -> DocumentResult:
    # renumber, so a list built by dropping or inserting projects looks like a real run
    projects = [dataclasses.replace(p, project_no=n, project_id=f"{DOC_ID}-{n:03d}")
                for n, p in enumerate(projects, start=1)]
    document = DocumentRecord(DOC_ID, "x.txt", "txt", "ok", None, len(projects), 1, None, DOC_ID * 4,
                              "utf-8", "en", "")
    criteria = [CriterionRecord(DOC_ID, "Community", 1, "Networks", None, len(projects),
                                Decimal(budget_total) if budget_total else None)]
    return DocumentResult(document, projects, criteria, list(mentions))


BASE = [project(1, "Volunteers Network"), project(2, "Tool Library"), project(3, "Courtyard Concerts"),
        project(4, "Reading Circles")]


def diffs(old: DocumentResult, new: DocumentResult) -> list[tuple[str, str, str, str | None, object, object]]:
    return [(d.section, d.change, d.row, d.column, d.expected, d.actual)
            for d in compare(golden.snapshot(old), golden.snapshot(new))]


def test_identical_results_have_no_differences():
    assert compare(golden.snapshot(result(BASE)), golden.snapshot(result(BASE))) == []


def test_one_changed_field_is_reported_with_project_and_column():
    changed = [*BASE[:2], dataclasses.replace(BASE[2], start_date="2019-01"), BASE[3]]
    assert diffs(result(BASE), result(changed)) == [
        ("project", "changed", "Courtyard Concerts", "start_date", None, "2019-01"),
    ]


def test_lost_project_is_one_difference_not_every_later_row_shifting():
    lost = [BASE[0], BASE[2], BASE[3]]
    found = diffs(result(BASE), result(lost))
    assert [d[:4] for d in found] == [
        ("project", "lost", "Tool Library", None),
        ("criterion", "changed", '01 "Networks"', "project_count"),
        ("document", "changed", "document", "project_count"),
    ]
    assert found[0][4]["title"] == "Tool Library" and found[0][5] is None  # the whole lost row


def test_added_project_is_one_difference_in_its_place():
    added = [BASE[0], project(9, "Tool Repair Café"), *BASE[1:]]
    found = diffs(result(BASE), result(added))
    assert [d[:4] for d in found] == [
        ("project", "added", "Tool Repair Café", None),
        ("criterion", "changed", '01 "Networks"', "project_count"),
        ("document", "changed", "document", "project_count"),
    ]
    assert found[0][5]["project_no"] == 2


def test_swapped_projects_show_their_new_numbers():
    swapped = [BASE[1], BASE[0], *BASE[2:]]
    assert diffs(result(BASE), result(swapped)) == [
        ("project", "changed", "Tool Library", "project_no", 2, 1),
        ("project", "changed", "Volunteers Network", "project_no", 1, 2),
    ]


def test_repeated_titles_align_on_content():
    # two projects called "Workshops"; the first goes away: the second must not be reported as
    # "changed into the first"
    first = project(1, "Workshops", objective="Repair workshops")
    second = project(2, "Workshops", objective="Cooking workshops")
    found = diffs(result([first, second, BASE[0]]), result([second, BASE[0]]))
    assert [d[:4] for d in found] == [
        ("project", "lost", "Workshops #1", None),
        ("criterion", "changed", '01 "Networks"', "project_count"),
        ("document", "changed", "document", "project_count"),
    ]
    assert found[0][4]["objective"] == "Repair workshops"


def test_repeated_titles_with_unchanged_count_pair_in_order():
    a, b = project(1, "Workshops", objective="A"), project(2, "Workshops", objective="B")
    changed = [a, dataclasses.replace(b, objective="B2")]
    assert diffs(result([a, b]), result(changed)) == [
        ("project", "changed", "Workshops #2", "objective", "B", "B2"),
    ]


def test_untitled_projects_are_matched_by_occurrence():
    untitled = [project(1, None, objective="first"), project(2, None, objective="second")]
    changed = [untitled[0], dataclasses.replace(untitled[1], warnings="missing_title")]
    assert diffs(result(untitled), result(changed)) == [
        ("project", "changed", "(no title) #2", "warnings", "", "missing_title"),
    ]


def test_retitled_project_in_place_is_one_title_change():
    retitled = [BASE[0], dataclasses.replace(BASE[1], title="Tool Library."), *BASE[2:]]
    assert diffs(result(BASE), result(retitled)) == [
        ("project", "changed", "Tool Library", "title", "Tool Library", "Tool Library."),
    ]


def test_different_project_in_the_same_place_is_lost_and_added():
    other = [BASE[0], project(2, "Seed Exchange", objective="Swapping seeds"), *BASE[2:]]
    assert [d[:4] for d in diffs(result(BASE), result(other))] == [
        ("project", "lost", "Tool Library", None),
        ("project", "added", "Seed Exchange", None),
    ]


def test_nested_amount_is_named_by_its_path():
    amounts = [MoneyAmount(Decimal("2000000"), "TRY", False, (2021,), "2 million TL"),
               MoneyAmount(Decimal("3500000"), "TRY", False, (2022,), "3.5 million TL")]
    old = [project(1, "Meals", budget_amount=Decimal("3500000"), budget_amounts=amounts)]
    new_amounts = [amounts[0], dataclasses.replace(amounts[1], amount=Decimal("3000000"))]
    new = [project(1, "Meals", budget_amount=Decimal("3000000"), budget_amounts=new_amounts)]
    assert diffs(result(old, budget_total="3500000"), result(new, budget_total="3000000")) == [
        ("project", "changed", "Meals", "budget_amount", "3500000", "3000000"),
        ("project", "changed", "Meals", "budget_amounts[1].amount", "3500000", "3000000"),
        ("criterion", "changed", '01 "Networks"', "budget_total", "3500000", "3000000"),
    ]


def test_mentions_compared_per_project_by_identity():
    old = [mention(1, "1,200 volunteers", "1200", 5), mention(1, "35 associations", "35", 40, unit="association")]
    new = [mention(1, "1,200 volunteers", "1,200", 5), mention(1, "first year", None, 80, label="DATE", unit=None)]
    found = compare(golden.snapshot(result(BASE, old)), golden.snapshot(result(BASE, new)))
    assert [(d.section, d.change, d.row, d.item, d.column, d.expected, d.actual) for d in found] == [
        ("mention", "changed", "Volunteers Network", 'completed QUANTITY "1,200 volunteers"', "value", "1200", "1,200"),
        ("mention", "lost", "Volunteers Network", 'completed QUANTITY "35 associations"', None,
         found[1].expected, None),
        ("mention", "added", "Volunteers Network", 'completed DATE "first year"', None, None, found[2].actual),
    ]
    assert found[1].expected["value"] == "35" and found[2].actual["label"] == "DATE"


def test_shifted_mention_reports_its_offsets():
    old = [mention(1, "42 interviews", "42", 0)]
    new = [mention(1, "42 interviews", "42", 3)]
    assert [(d.column, d.expected, d.actual) for d in
            compare(golden.snapshot(result(BASE, old)), golden.snapshot(result(BASE, new)))] == [
        ("start_char", 0, 3), ("end_char", 13, 16)]


def test_mentions_not_compared_when_one_side_skipped_them():
    with_mentions = golden.snapshot(result(BASE, [mention(1, "42 interviews", "42", 0)]))
    without = golden.snapshot(result(BASE), mentions=False)
    assert "mentions" not in without["projects"][0]
    assert compare(with_mentions, without) == []
    assert check.mentions_compared(with_mentions, without) is False
    assert check.mentions_compared(with_mentions, with_mentions) is True


def test_criterion_added_and_document_field_changed():
    old = golden.snapshot(result(BASE))
    new = golden.snapshot(result(BASE))
    new["criteria"].append({**new["criteria"][0], "criterion_no": 2, "criterion": "Care", "project_count": 0})
    new["document"]["warnings"] = "no_criterion_number"
    assert [(d.section, d.change, d.row, d.column) for d in compare(old, new)] == [
        ("criterion", "added", '02 "Care"', None),
        ("document", "changed", "document", "warnings"),
    ]


def test_new_column_in_the_schema_shows_as_an_added_column():
    old = golden.snapshot(result(BASE[:1]))
    new = golden.snapshot(result(BASE[:1]))
    new["projects"][0]["region"] = "Aegean"
    assert compare(old, new) == [Difference("project", "added", "Volunteers Network", "region", None, "Aegean")]


# --------------------------------------------------------------------------- report formatting
EXCERPTS = [
    # (old, new, width, context) → shown
    pytest.param("2019", "2019-01", 72, 24, ("2019", "2019-01"), id="short-values-whole"),
    pytest.param("a" * 50 + "X" + "b" * 50, "a" * 50 + "Y" + "b" * 50, 40, 10,
                 ("…" + "a" * 10 + "X" + "b" * 10 + "…", "…" + "a" * 10 + "Y" + "b" * 10 + "…"),
                 id="window-around-change"),
    pytest.param("X" + "b" * 100, "Y" + "b" * 100, 40, 10, ("X" + "b" * 10 + "…", "Y" + "b" * 10 + "…"),
                 id="change-at-start"),
    pytest.param("a" * 100 + "X", "a" * 100 + "Y", 40, 10, ("…" + "a" * 10 + "X", "…" + "a" * 10 + "Y"),
                 id="change-at-end"),
    pytest.param("a" * 100, "a" * 100 + "tail", 40, 10, ("…" + "a" * 10, "…" + "a" * 10 + "tail"),
                 id="appended-text"),
]


@pytest.mark.parametrize(("old", "new", "width", "context", "shown"), EXCERPTS)
def test_excerpt_pair(old, new, width, context, shown):
    assert excerpt_pair(old, new, width, context) == shown


def test_text_report_layout():
    doc = Path("samples/a.txt")
    report = CheckReport(Path("samples"), (
        DocumentCheck(doc, golden.expected_path(doc), "differs", (
            Difference("project", "changed", "Meals on Wheels", "budget_amount", "3500000", "3000000"),
            Difference("mention", "lost", "Meals on Wheels", None, {"value": "2", "unit": "van"}, None,
                       'brief_info QUANTITY "2 vans"'),
            Difference("project", "lost", "Shared Tool Library", None,
                       {"title": "Shared Tool Library", "criterion_no": 1, "subcriterion": "Volunteers",
                        "mentions": []}, None),
            Difference("criterion", "changed", '01 "Networks"', "budget_total", "1250000", None),
            Difference("document", "changed", "document", "project_count", 9, 8),
        )),
        DocumentCheck(Path("samples/b.txt"), Path("samples/b.txt.expected.json"), "ok"),
        DocumentCheck(Path("samples/c.txt"), Path("samples/c.txt.expected.json"), "new", reason="no expected file"),
    ))
    assert check.format_text(report).splitlines() == [
        "samples/a.txt: 5 differences",
        '  project "Meals on Wheels"',
        '    budget_amount: "3500000" → "3000000"',
        '    - mention brief_info QUANTITY "2 vans" lost (value "2", unit "van")',
        '  - project "Shared Tool Library" lost (criterion 01, "Volunteers", 0 mentions)',
        '  criterion 01 "Networks"',
        '    budget_total: "1250000" → null',
        "  document",
        "    project_count: 9 → 8",
        "samples/b.txt: ok",
        "samples/c.txt: new (no expected file)",
        "2 documents of 3 differ (6 differences); if every change is intended, run check --update",
    ]
    assert report.exit_code == 1


def test_long_text_change_goes_on_two_lines():
    old = "Over 1,200 volunteers registered and 35 associations joined the network in the first year."
    new = old.replace("35", "36")
    difference = Difference("project", "changed", "Volunteers", "completed", old, new)
    lines = check.format_differences([difference]).splitlines()
    assert lines == [
        '  project "Volunteers"',
        "    completed:",
        f'      - "{old}"',
        f'      + "{new}"',
    ]


def test_very_long_text_is_cut_around_the_difference():
    words = " ".join(f"word{i}" for i in range(60))
    old, new = words, words.replace("word30", "WORD30")
    lines = check.format_differences([Difference("project", "changed", "P", "brief_info", old, new)]).splitlines()
    assert lines == [
        '  project "P"',
        "    brief_info:",
        "      - …word25 word26 word27 word28 word29 word30 word31 word32 word33 word34 word35…",
        "      + …word25 word26 word27 word28 word29 WORD30 word31 word32 word33 word34 word35…",
    ]


def test_multiline_values_show_escaped_newlines():
    lines = check.format_differences([Difference("project", "changed", "P", "objective", "a\nb", "a\nc")]).splitlines()
    assert lines == ['  project "P"', '    objective: "a\\nb" → "a\\nc"']


# --------------------------------------------------------------------------- the command on real samples
def run_check(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = check_main([str(a) for a in args] + ["--workers", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A user's folder: one sample document with its committed expected file."""
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    shutil.copy(golden.expected_path(SAMPLE), golden.expected_path(folder / SAMPLE.name))
    return folder


def edit_expected(folder: Path, edit) -> dict:
    path = golden.expected_path(folder / SAMPLE.name)
    content = golden.load(path)
    edit(content)
    golden.write(path, content)
    return content


def project_named(content: dict, title: str) -> dict:
    return next(p for p in content["projects"] if p["title"] == title)


def test_check_on_samples_passes(capsys):
    """The regression test: every sample's output equals its expected file."""
    code, out, err = run_check(capsys, SAMPLES)
    assert (code, err) == (0, ""), out
    lines = out.splitlines()
    assert all(line.endswith(": ok") for line in lines[:-1]), out
    assert lines[-1].startswith("all ") and lines[-1].endswith(" match their expected files")


def test_wrong_expected_value_is_reported_exactly(mine, capsys):
    edit_expected(mine, lambda c: project_named(c, "Meals on Wheels").update(budget_amount="9999999"))
    code, out, err = run_check(capsys, mine)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{(mine / SAMPLE.name).as_posix()}: 1 difference",
        '  project "Meals on Wheels"',
        '    budget_amount: "9999999" → "3500000"',
        "1 document of 1 differs (1 difference); if every change is intended, run check --update",
    ]


def test_update_then_check_is_clean(mine, capsys):
    committed = golden.expected_path(SAMPLE).read_bytes()
    edit_expected(mine, lambda c: project_named(c, "Courtyard Concerts").update(start_date="2018"))
    code, out, _ = run_check(capsys, mine, "--update")
    assert code == 0
    assert out.splitlines()[:3] == [
        f"{(mine / SAMPLE.name).as_posix()}: 1 difference → expected file written",
        '  project "Courtyard Concerts"',
        '    start_date: "2018" → "2019"',
    ]
    assert golden.expected_path(mine / SAMPLE.name).read_bytes() == committed
    code, out, _ = run_check(capsys, mine)
    assert code == 0 and out.splitlines()[0].endswith(": ok")


def test_a_document_over_the_time_limit_fails_and_the_check_goes_on(mine, capsys):
    # a document that takes about a second, its expected file written without a limit, then checked
    # under a 0.2 s limit: its failed run is a difference, and the other document is still compared
    slow = mine / "a-slow.txt"
    head, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n01\n")
    slow.write_text(head + "\n01\n" + body * 1000, encoding="utf-8")
    assert run_check(capsys, mine, "--no-mentions", "--update")[0] == 0
    code, out, err = run_check(capsys, mine, "--timeout", "0.2", "--no-mentions", "--format", "json")
    assert (code, err) == (1, "")
    documents = {d["document"]: d for d in json.loads(out)["documents"]}
    changed = {d["column"]: d["actual"] for d in documents[slow.as_posix()]["differences"] if d["section"] == "document"}
    assert changed["status"] == "failed"
    assert changed["error"] == "took longer than 0.2 s to read (--timeout); the reader was stopped"
    assert documents[(mine / SAMPLE.name).as_posix()]["status"] == "ok"


@pytest.mark.parametrize("args, message", [
    (["--timeout", "-1"], "cittaslow-extract check: --timeout and --max-memory must be 0 (no limit) or more"),
    (["--max-memory", "-5"], "cittaslow-extract check: --timeout and --max-memory must be 0 (no limit) or more"),
])
def test_check_limit_usage_errors(mine, capsys, args, message):
    code, out, err = run_check(capsys, mine, *args)
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_added_and_lost_projects_show_as_such(mine, capsys):
    """The document loses "Shared Tool Library" and gains a project further down: two rows, not a
    shift of every later project."""
    document = mine / SAMPLE.name
    text = document.read_text(encoding="utf-8")
    lost = "Shared Tool Library\n\nOBJECTIVE\nLending garden and repair tools to households free of charge\n\n" \
           "PROJECT DURATION\nIt is repeated every year\n\n"
    assert lost in text
    added = "Seed Exchange\n\nOBJECTIVE\nSwapping seeds between community gardens\n\n"
    text = text.replace(lost, "").replace("Meals on Wheels\n", added + "Meals on Wheels\n")
    document.write_text(text, encoding="utf-8")
    report = check.check_folder(mine, workers=1)
    found = [(d.section, d.change, d.row, d.column) for d in report.documents[0].differences]
    assert found == [
        ("project", "lost", "Shared Tool Library", None),
        ("project", "added", "Seed Exchange", None),
        ("criterion", "changed", '01 "Strong neighbourhood networks and local solidarity"', "project_count"),
        ("criterion", "changed", '01 "Strong neighbourhood networks and local solidarity" / '
                                 '"Supporting neighbourhood associations and volunteer groups"', "project_count"),
        ("criterion", "changed", '02 "Caring for vulnerable residents"', "project_count"),
        ("criterion", "changed", '02 "Caring for vulnerable residents" / "Home visits for residents living alone."',
         "project_count"),
        ("document", "changed", "document", "document_id"),
        ("document", "changed", "document", "sha256"),
    ]
    assert report.documents[0].differences[1].actual["project_no"] == 6
    code, out, _ = run_check(capsys, mine)
    assert code == 1
    assert '  - project "Shared Tool Library" lost (criterion 01, "Supporting neighbourhood associations and ' \
           'volunteer groups", 0 mentions)' in out.splitlines()
    assert '  + project "Seed Exchange" added (criterion 02, "Home visits for residents living alone.", ' \
           '0 mentions)' in out.splitlines()


# A rule changed on purpose: check names exactly the projects and columns it changes.
def duration_plus_one(original):
    def patched(text, language="en"):
        value = original(text, language)
        return dataclasses.replace(value, months=value.months + 1) if text == "2 years" else value
    return patched


def never_approximate(original):
    def patched(text, language="en", label_currency=None):
        value = original(text, language, label_currency)
        amounts = tuple(dataclasses.replace(a, approximate=False) for a in value.amounts)
        primary = dataclasses.replace(value.primary, approximate=False) if value.primary else None
        return dataclasses.replace(value, amounts=amounts, primary=primary)
    return patched


RULE_CHANGES = [
    # (normaliser as normalize/project.py calls it, its changed version, the differences check reports)
    pytest.param("parse_duration", duration_plus_one, [
        ("project", "changed", "Meals on Wheels", "duration_months", "24", "25"),
    ], id="duration-2-years-read-as-25-months"),
    pytest.param("parse_budget", never_approximate, [
        ("project", "changed", "Courtyard Concerts", "budget_approximate", True, False),
        ("project", "changed", "Courtyard Concerts", "budget_amounts[0].approximate", True, False),
    ], id="money-approximately-ignored"),
]


@pytest.mark.parametrize(("function", "change", "expected"), RULE_CHANGES)
def test_changed_normaliser_rule_shows_exactly_what_it_affects(mine, monkeypatch, function, change, expected):
    from cittaslow_extract.normalize import project as project_module

    monkeypatch.setattr(project_module, function, change(getattr(project_module, function)))
    report = check.check_folder(mine, workers=1)  # in-process, so the changed rule is used
    assert [(d.section, d.change, d.row, d.column, d.expected, d.actual)
            for d in report.documents[0].differences] == expected
    assert check.check_folder(mine, update=True, workers=1).exit_code == 0
    assert check.check_folder(mine, workers=1).ok


def test_json_report(mine, capsys):
    edit_expected(mine, lambda c: project_named(c, "Meals on Wheels").update(budget_amount="9999999"))
    code, out, _ = run_check(capsys, mine, "--format", "json")
    assert code == 1
    report = json.loads(out)
    document = (mine / SAMPLE.name).as_posix()
    assert report == {
        "format": 1,
        "folder": mine.as_posix(),
        "update": False,
        "ok": False,
        "summary": {"documents": 1, "ok": 0, "differing": 1, "differences": 1, "updated": 0},
        "documents": [{
            "document": document,
            "expected_file": document + ".expected.json",
            "status": "differs",
            "reason": None,
            "updated": False,
            "mentions_compared": True,
            "refused": None,
            "difference_count": 1,
            "differences": [{
                "section": "project", "change": "changed", "row": "Meals on Wheels", "item": None,
                "column": "budget_amount", "expected": "9999999", "actual": "3500000",
            }],
        }],
    }


def test_sample_without_expected_file_is_new_until_update(tmp_path, capsys):
    # a user's folder with sub-folders: every document under it is checked
    (tmp_path / "2023").mkdir()
    shutil.copy(SAMPLE, tmp_path / "2023" / SAMPLE.name)
    code, out, _ = run_check(capsys, tmp_path)
    name = (tmp_path / "2023" / SAMPLE.name).as_posix()
    assert code == 1
    assert out.splitlines()[0] == f"{name}: new (no expected file)"
    code, out, _ = run_check(capsys, tmp_path, "--update")
    assert code == 0 and out.splitlines()[0] == f"{name}: new (no expected file) → expected file written"
    assert golden.expected_path(tmp_path / "2023" / SAMPLE.name).read_bytes() == \
        golden.expected_path(SAMPLE).read_bytes()
    assert run_check(capsys, tmp_path)[0] == 0


def test_expected_file_without_document_is_missing_until_update(mine, capsys):
    (mine / SAMPLE.name).rename(mine / "renamed.txt")
    code, out, _ = run_check(capsys, mine)
    assert code == 1
    expected_file = golden.expected_path(mine / SAMPLE.name).as_posix()
    assert f"{(mine / SAMPLE.name).as_posix()}: missing (expected file {expected_file} has no document)" \
        in out.splitlines()
    assert f"{(mine / 'renamed.txt').as_posix()}: new (no expected file)" in out.splitlines()
    assert run_check(capsys, mine, "--update")[0] == 0
    assert sorted(p.name for p in mine.iterdir()) == ["renamed.txt", "renamed.txt.expected.json"]
    assert run_check(capsys, mine)[0] == 0


INVALID_EXPECTED = [
    pytest.param("{\n<<<<<<< HEAD\n", "not valid JSON (line 2: Expecting property name enclosed in double quotes)",
                 id="merge-conflict"),
    pytest.param('{"format": 0, "document": {}, "criteria": [], "projects": []}',
                 "expected-file format 0, this version reads 1", id="old-format"),
    pytest.param('{"format": 1, "document": {}, "criteria": []}', '"projects" missing or not a JSON list',
                 id="no-projects"),
    pytest.param("[]", "not a JSON object", id="not-an-object"),
]


@pytest.mark.parametrize(("content", "reason"), INVALID_EXPECTED)
def test_invalid_expected_file_is_a_difference_that_update_fixes(mine, capsys, content, reason):
    golden.expected_path(mine / SAMPLE.name).write_text(content, encoding="utf-8")
    code, out, _ = run_check(capsys, mine)
    assert code == 1
    assert out.splitlines()[0] == f"{(mine / SAMPLE.name).as_posix()}: invalid expected file ({reason})"
    assert run_check(capsys, mine, "--update")[0] == 0
    assert run_check(capsys, mine)[0] == 0


def test_no_mentions_run_is_compared_without_mentions(mine, capsys):
    code, out, _ = run_check(capsys, mine, "--no-mentions")
    assert code == 0
    assert out.splitlines()[0] == f"{(mine / SAMPLE.name).as_posix()}: ok (mentions not compared)"


USAGE_ERRORS = [
    pytest.param(["no/such/folder"], "no/such/folder: no such file or folder", id="missing-folder"),
    pytest.param(["{folder}", "--format", "xml"], "invalid choice: 'xml'", id="bad-format"),
    pytest.param(["{folder}", "--workers", "0"], "--workers must be at least 1", id="zero-workers"),
    pytest.param(["{folder}", "--bogus"], "unrecognized arguments: --bogus", id="unknown-option"),
    pytest.param(["{folder}", "{folder}"], "unrecognized arguments", id="two-folders"),
    pytest.param(["{folder}", "--labels", "no/such.toml"], "no/such.toml: no such file", id="missing-labels"),
    pytest.param(["{empty}"], "no sample documents found", id="empty-folder"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_usage_errors_exit_2(mine, tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    argv = [a.format(folder=mine, empty=tmp_path / "empty") for a in args]
    code = check_main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith("error: ") and message in captured.err


def test_pipeline_dispatches_check(mine, capsys):
    from cittaslow_extract import cli

    assert cli.main(["check", str(mine), "--workers", "1"]) == 0
    assert cli.main(["check", str(mine / "nothing-here")]) == 2


def test_mention_read_wider_is_a_changed_text():
    old = [mention(1, "1,200 volunteers", "1200", 5)]
    new = [mention(1, "Over 1,200 volunteers", "1200", 0)]
    found = compare(golden.snapshot(result(BASE, old)), golden.snapshot(result(BASE, new)))
    assert [(d.section, d.change, d.item, d.column, d.expected, d.actual) for d in found] == [
        ("mention", "changed", 'completed QUANTITY "1,200 volunteers"', "text", "1,200 volunteers",
         "Over 1,200 volunteers"),
        ("mention", "changed", 'completed QUANTITY "1,200 volunteers"', "start_char", 5, 0),
    ]
    assert check.format_differences(found).splitlines() == [
        '  project "Volunteers Network"',
        '    mention completed QUANTITY "1,200 volunteers"',
        '      text: "1,200 volunteers" → "Over 1,200 volunteers"',
        "      start_char: 5 → 0",
    ]


def test_similar_titles_with_different_content_stay_lost_and_added():
    old = [project(1, "Park A", objective="Benches"), BASE[0]]
    new = [project(1, "Park B", objective="Fountains"), BASE[0]]
    assert [d[:4] for d in diffs(result(old), result(new))] == [
        ("project", "lost", "Park A", None),
        ("project", "added", "Park B", None),
    ]


def test_one_document_or_its_expected_file_can_be_named(mine, capsys):
    document = mine / SAMPLE.name
    for target in (document, golden.expected_path(document)):
        code, out, _ = run_check(capsys, target)
        assert code == 0 and out.splitlines()[0] == f"{document.as_posix()}: ok"


def test_document_a_folder_walk_skips_is_checked_through_its_expected_file(mine, capsys):
    hidden = mine / ".draft.txt"
    (mine / SAMPLE.name).rename(hidden)
    golden.expected_path(mine / SAMPLE.name).rename(golden.expected_path(hidden))
    code, out, _ = run_check(capsys, mine)
    assert code == 0 and out.splitlines()[0] == f"{hidden.as_posix()}: ok"


# --------------------------------------------------------------------------- properties

TITLES = st.sampled_from(["Park", "Library", "Market", "Workshops", None])
ROWS = st.lists(st.tuples(TITLES, st.sampled_from(["a", "b", "c"])), min_size=1, max_size=8)


def rows_to_snapshot(rows: list[tuple[str | None, str]]) -> dict:
    projects = [project(n, title, objective=objective) for n, (title, objective) in enumerate(rows, start=1)]
    return golden.snapshot(result(projects))


def project_level(differences: list[Difference]) -> list[tuple[str, str]]:
    return [(d.change, d.column or "") for d in differences if d.section == "project"]


# Found by the properties below: a first alignment (difflib's longest block first) paired a project
# with an identical one further on and showed the projects around it as moved.
BUGS_CAUGHT = [
    pytest.param([("Library", "a"), ("Park", "a")], [("Park", "a"), ("Library", "a"), ("Park", "a")],
                 [("added", "")], id="identical-project-inserted-before-its-twin"),
    pytest.param([("Park", "a"), ("Library", "b"), ("Library", "b"), ("Library", "b")],
                 [("Park", "a"), ("Library", "b"), ("Park", "a"), ("Library", "b"), ("Library", "b")],
                 [("added", "")], id="longest-block-out-of-place"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BUGS_CAUGHT)
def test_alignment_bugs_caught(old, new, expected):
    assert project_level(compare(rows_to_snapshot(old), rows_to_snapshot(new))) == expected


@settings(max_examples=200, deadline=None)
@given(ROWS, st.data())
def test_removing_any_project_is_exactly_one_lost_row(rows, data):
    k = data.draw(st.integers(0, len(rows) - 1))
    found = compare(rows_to_snapshot(rows), rows_to_snapshot(rows[:k] + rows[k + 1:]))
    assert project_level(found) == [("lost", "")]


@settings(max_examples=200, deadline=None)
@given(ROWS, st.data(), st.tuples(TITLES, st.sampled_from(["a", "b", "z"])))
def test_inserting_any_project_is_exactly_one_added_row(rows, data, extra):
    k = data.draw(st.integers(0, len(rows)))
    found = compare(rows_to_snapshot(rows), rows_to_snapshot(rows[:k] + [extra] + rows[k:]))
    assert project_level(found) == [("added", "")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_excerpts_of_different_texts_differ(old, new):
    shown = excerpt_pair(old, new)
    assert (shown[0] == shown[1]) == (old == new)
    assert all(len(s) <= VALUE_WIDTH + 14 for s in shown)


def test_update_refuses_to_write_a_document_that_failed_with_an_internal_error(mine, monkeypatch, capsys):
    import cittaslow_extract.pipeline as process_module

    def broken(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'docx'")  # e.g. a dependency missing on this machine

    monkeypatch.setattr(process_module, "segment", broken)
    expected = golden.expected_path(mine / SAMPLE.name)
    before = expected.read_bytes()
    (mine / "new-sample.txt").write_bytes(SAMPLE.read_bytes())  # no expected file yet
    report = check.check_folder(mine, update=True, workers=1)  # in-process, so the broken stage is used
    out = check.format_text(report)
    assert report.exit_code == 1 and expected.read_bytes() == before
    assert not golden.expected_path(mine / "new-sample.txt").exists()
    lines = out.splitlines()
    assert lines[-1] == ("refused to update 2 expected files: the document failed with an internal error; "
                         "fix it, or run check --update --force")
    assert any(line.endswith("→ not updated: the document failed with an internal error: ModuleNotFoundError: "
                             "No module named 'docx' (fix that, or use --force)") for line in lines)
    assert check.check_folder(mine, update=True, workers=1, force=True).exit_code == 0
    assert expected.read_bytes() != before
    assert golden.load(expected)["document"]["status"] == "failed"
