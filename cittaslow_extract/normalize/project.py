"""Raw projects → typed rows: runs every value normaliser over a project's field texts.

The raw text always stays beside the typed value; a value that cannot be read with confidence
stays None and its normaliser's warning code goes into the row's warnings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cittaslow_extract.models import (
    CriterionRecord,
    DateValue,
    Language,
    ProjectRecord,
    RawProject,
    SegmentedDocument,
)
from cittaslow_extract.normalize.dates import check_range, parse_date
from cittaslow_extract.normalize.durations import parse_duration
from cittaslow_extract.normalize.money import parse_budget
from cittaslow_extract.normalize.text import clean_field

BUDGET_TOTAL_CURRENCY = "TRY"
# A four-digit year 1900-2100 standing alone: the document's years, for two-digit years in date fields.
_YEAR = re.compile(r"(?<![\d.,])(?:19\d\d|20\d\d|2100)(?![\d]|[.,]\d)")


def document_years(segmented: SegmentedDocument) -> tuple[int, ...]:
    """The four-digit years the projects' date, duration and budget fields name, sorted: the
    context parse_date resolves a two-digit year by ("Apr '98" in a document about 1997-1999).

    >>> from cittaslow_extract.models import RawFields
    >>> p = RawProject("T", 1, "C", None, RawFields(start="March 2019", end="Dec 21", budget="2020: 5 TL"))
    >>> document_years(SegmentedDocument(None, "en", [], [p]))
    (2019, 2020)
    """
    found: set[int] = set()
    for project in segmented.projects:
        f = project.fields
        for text in (f.start, f.end, f.duration, f.budget):
            found.update(int(y) for y in _YEAR.findall(text or ""))
    return tuple(sorted(found))


def _ongoing(start: DateValue, end: DateValue) -> bool | None:
    """True when the end field says the project goes on; False when it gives an end; else None."""
    if end.ongoing or start.ongoing:
        return True
    if end.iso is not None:
        return False
    return None


def project_record(
    raw: RawProject,
    *,
    document_id: str,
    source_path: str,
    source_format: str,
    language: Language,
    checklist: str | None,
    project_no: int,
    document_years: tuple[int, ...] = (),
) -> ProjectRecord:
    fields = raw.fields
    objective = clean_field(fields.objective)
    brief_info = clean_field(fields.brief_info)
    budget_text = clean_field(fields.budget)
    duration_text = clean_field(fields.duration)
    start_text = clean_field(fields.start)
    end_text = clean_field(fields.end)
    completed = clean_field(fields.completed)

    budget = parse_budget(budget_text, language, raw.budget_label_currency)
    start = parse_date(start_text, language, role="start", years=document_years)
    end = parse_date(end_text, language, role="end", years=document_years)
    duration = parse_duration(duration_text, language)
    primary = budget.primary
    range_warnings = check_range(start, end)
    if range_warnings:  # one of the two is wrong and the text cannot tell which: type neither
        start, end = DateValue(None, start.ongoing, start.warnings), DateValue(None, end.ongoing, end.warnings)

    warnings = [
        *raw.warnings,
        *budget.warnings,
        *(f"start_{code}" if code.startswith("date_") else code for code in start.warnings),
        *(f"end_{code}" if code.startswith("date_") else code for code in end.warnings),
        *range_warnings,
        *duration.warnings,
    ]
    return ProjectRecord(
        document_id=document_id,
        source_path=source_path,
        source_format=source_format,
        language=language,
        checklist=checklist,
        criterion_no=raw.criterion_no,
        criterion=raw.criterion,
        subcriterion=raw.subcriterion,
        project_no=project_no,
        project_id=f"{document_id}-{project_no:03d}",
        title=raw.title,
        objective=objective,
        brief_info=brief_info,
        budget_text=budget_text,
        duration_text=duration_text,
        start_text=start_text,
        end_text=end_text,
        completed=completed,
        budget_amount=primary.amount if primary else None,
        budget_currency=(primary.currency or raw.budget_label_currency) if primary else None,
        budget_approximate=primary.approximate if primary else None,
        budget_year=budget.year,
        budget_amounts=list(budget.amounts),
        start_date=start.iso,
        end_date=end.iso,
        ongoing=_ongoing(start, end),
        duration_months=duration.months,
        recurrence=duration.recurrence,
        page_start=raw.page_start,
        page_end=raw.page_end,
        warnings=";".join(dict.fromkeys(warnings)),
        budget_upper_bound=primary.upper_bound if primary else None,
        segmentation_margin=_margin(raw.margin),
    )


def _margin(margin: float | None) -> Decimal | None:
    """The decoder's margin to one decimal (finer digits only follow the cost table's tuning);
    None when no other reading was possible."""
    if margin is None or margin == float("inf"):
        return None
    return Decimal(f"{margin:.1f}")


def criterion_records(
    segmented: SegmentedDocument, projects: list[ProjectRecord], document_id: str
) -> list[CriterionRecord]:
    """One row per criterion (subcriterion None) and one per sub-criterion, in document order."""
    rows: list[CriterionRecord] = []
    for criterion in segmented.criteria:
        title = criterion.title or None
        mine = [
            p for p in projects if p.criterion_no == criterion.number and p.criterion == title
        ]
        rows.append(_criterion_row(segmented, document_id, criterion.number, title, None, mine))
        for sub in criterion.subcriteria:
            under = [p for p in mine if p.subcriterion == sub]
            rows.append(_criterion_row(segmented, document_id, criterion.number, title, sub, under))
    return rows


def _criterion_row(
    segmented: SegmentedDocument,
    document_id: str,
    number: int | None,
    title: str | None,
    sub: str | None,
    projects: list[ProjectRecord],
) -> CriterionRecord:
    amounts = [
        p.budget_amount
        for p in projects
        if p.budget_amount is not None and p.budget_currency == BUDGET_TOTAL_CURRENCY
    ]
    total: Decimal | None = sum(amounts, Decimal(0)) if amounts else None
    return CriterionRecord(
        document_id=document_id,
        checklist=segmented.checklist,
        criterion_no=number,
        criterion=title,
        subcriterion=sub,
        project_count=len(projects),
        budget_total=total,
    )
