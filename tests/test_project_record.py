"""normalize.project: a raw project's field texts → one typed projects row (issue 16's new readings)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cittaslow_extract.export.schema import PROJECT_COLUMNS
from cittaslow_extract.models import RawFields, RawProject, SegmentedDocument
from cittaslow_extract.normalize.project import document_years, project_record


def _row(fields: RawFields, language: str = "en", years: tuple[int, ...] = (), label: str | None = "TRY"):
    raw = RawProject("Title", 1, "Criterion", None, fields, budget_label_currency=label)
    return project_record(
        raw, document_id="d" * 16, source_path="x.txt", source_format="txt", language=language,  # type: ignore[arg-type]
        checklist=None, project_no=1, document_years=years,
    )


def test_budget_upper_bound_comes_after_the_original_columns() -> None:
    # new columns go at the end, so scripts that read columns by position keep working
    names = [name for name, _ in PROJECT_COLUMNS]
    assert names.index("budget_upper_bound") == names.index("warnings") + 1
    assert PROJECT_COLUMNS[names.index("budget_upper_bound")] == ("budget_upper_bound", "bool")


@pytest.mark.parametrize(
    ("budget", "language", "amount", "upper", "approximate"),
    [
        ("Up to 300.000 TL", "en", Decimal(300000), True, False),
        ("500.000 TL'ye kadar", "tr", Decimal(500000), True, False),
        ("Approximately 25 million TL", "en", Decimal(25000000), False, True),
        ("Covered for 200 people", "en", None, None, None),
    ],
)
def test_budget_upper_bound_column(budget: str, language: str, amount, upper, approximate) -> None:
    row = _row(RawFields(budget=budget), language)
    assert (row.budget_amount, row.budget_upper_bound, row.budget_approximate) == (amount, upper, approximate)


def test_a_free_budget_is_zero_with_a_note() -> None:
    row = _row(RawFields(budget="Bedelsiz"), "tr")
    assert (row.budget_amount, row.budget_currency, row.warnings) == (Decimal(0), "TRY", "money_free")


@pytest.mark.parametrize(
    ("start", "end", "start_date", "end_date", "warnings"),
    [
        ("2019-2021", "2019-2021", "2019", "2021", "start_date_range;end_date_range"),
        ("Ocak-Haziran 2022", "", "2022-01", None, "start_date_range"),
        ("2019", "January 3, 2017 - February 1st", None, None,
         "end_date_range;date_end_before_start"),  # the end read from its range is before the start
    ],
)
def test_ranges_in_the_date_fields(start: str, end: str, start_date, end_date, warnings: str) -> None:
    row = _row(RawFields(start=start, end=end or None))
    assert (row.start_date, row.end_date, row.warnings) == (start_date, end_date, warnings)


def test_two_digit_years_follow_the_documents_years() -> None:
    projects = [
        RawProject("A", 1, "C", None, RawFields(start="March 1998", end="Dec '99")),
        RawProject("B", 1, "C", None, RawFields(start="Apr '60", duration="since 1961")),
    ]
    years = document_years(SegmentedDocument(None, "en", [], projects))
    assert years == (1961, 1998)
    assert _row(projects[0].fields, years=years).end_date == "1999-12"
    assert _row(projects[1].fields, years=years).start_date == "1960-04"  # 2060 by the rule without context
    assert _row(projects[1].fields).start_date == "2060-04"
