"""Every warning code the pipeline writes, with its meaning: the README's data dictionary lists these.

Codes are short, stable, lower_snake_case strings; a warnings cell joins them with ";".
A test checks that every code the pipeline writes on the samples is listed here, and that the README
table is this one (regenerate it with `python scripts/update_readme.py`).

Date codes name their field: a problem with the start date is written `start_date_…`, with the end
date `end_date_…` (e.g. `end_date_unreadable`); `date_end_before_start` is written as it is.
"""

from __future__ import annotations

WARNING_CODES: dict[str, str] = {
    # segmentation (structure/segmenter.py)
    "no_checklist_title": "The document has no 'Cittaslow Metropolis Checklist: …' title line.",
    "no_projects": "No project (a title followed by field labels) was found in the document.",
    "missing_title": "A project's field labels have no title paragraph before them.",
    "orphan_text": "Text between headings that belongs to no project field was left out.",
    "criterion_out_of_order": "Criterion numbers do not increase through the document.",
    "segmentation_uncertain": "Another reading of the project's paragraphs (title, sub-criterion, value …) came close to the one used; segmentation_margin says how close.",
    # reader registry (read/registry.py)
    "format_mismatch": "The file's content is another format than its name says (e.g. text named .docx); it was read by its content.",
    # PDF readers (read/pdf_layout.py)
    "pdf_page_without_text": "A PDF page has no text (no text layer, and OCR is off or found none on it); its content is missing.",
    # OCR (read/ocr.py)
    "ocr_low_confidence": "A page read by OCR has a mean word confidence under 60 (of 100): check its texts against the scan.",
    # money (normalize/money.py)
    "money_no_amount": "The budget text names no amount that could be read as money; budget left null.",
    "money_no_currency": "An amount has no currency in the text or the label; its currency is null.",
    "money_currency_differs_from_label": "The text names a currency other than the budget label's; the text's is used.",
    "money_ambiguous_number": "A figure's separators could be read the other way ('1,500' in Turkish); the thousands reading is used.",
    "money_range": "The budget is a range ('100.000-150.000 TL'); both ends are listed, budget_amount is null.",
    "money_several_amounts": "Several amounts and no single latest year among them; budget_amount is the latest-year or first one.",
    "money_free": "The budget text says the project costs nothing ('free', 'bedelsiz') and names no amount; budget_amount is 0.",
    # dates (normalize/dates.py)
    "date_unreadable": "The date text names no date that could be read; the date is null.",
    "date_impossible": "The date does not exist (month 13, 31 February, year outside 1900-2100); the date is null.",
    "date_missing_year": "The date text gives a day or month but no year; the date is null.",
    "date_several": "The date text names several different dates; the date is null.",
    "date_ongoing_with_date": "The text says ongoing and also names a date; the date is null, ongoing is true.",
    "date_day_month_ambiguous": "A slashed date could be day/month or month/day; it was read day first.",
    "date_range": "The date field gives a range ('2019-2021', 'Ocak-Haziran 2022'); the start field takes its start, the end field its end.",
    "date_end_before_start": "The end date is before the start date; both dates are left null (raw texts kept).",
    # durations (normalize/durations.py)
    "duration_unreadable": "The duration text gives no length or recurrence that could be read; both are null.",
    "duration_is_date": "The duration text names a year or date (a deadline), not a length; months are null.",
    "duration_range": "The duration is a range ('6-8 months'); months are null.",
    "duration_several": "The duration text gives several different lengths; months are null.",
    "duration_period_only": "The text says how often the project repeats in a form outside the recurrence vocabulary; months are null.",
    "duration_conditional": "The project runs until a condition is met ('until a library is built…'); read as open-ended.",
    "duration_schedule_only": "The text gives an operating schedule ('working hours on weekdays'); read as a continuous service.",
}

DATE_FIELD_PREFIXES = ("start_", "end_")


def is_known(code: str) -> bool:
    """True for a listed code, or a listed date code prefixed with its field.

    >>> is_known("end_date_unreadable"), is_known("date_end_before_start"), is_known("made_up")
    (True, True, False)
    """
    if code in WARNING_CODES:
        return True
    return any(
        code.startswith(prefix) and code[len(prefix) :].startswith("date_") and code[len(prefix) :] in WARNING_CODES
        for prefix in DATE_FIELD_PREFIXES
    )


def markdown_table() -> str:
    """The README's table of warning codes."""
    lines = ["| code | meaning |", "| --- | --- |"]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in WARNING_CODES.items()]
    return "\n".join(lines)
