"""normalize.durations: lengths in months, the recurrence vocabulary and their warnings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cittaslow_extract.models import DurationValue
from cittaslow_extract.normalize.durations import parse_duration, recurrences
from cittaslow_extract.warning_codes import WARNING_CODES

D = Decimal
LIBRARY = (
    "It will continue until a library is built in every neighborhood in İzmir that does not have a "
    "library yet. The target is to establish libraries in 50 neighborhoods that demand it in the first phase."
)
CONTINUOUSLY = (
    "Since the strategic plan, performance program and annual report are made within the framework of "
    "engagement at every stage, it operates continuously"
)

# (text, language, months, recurrence, warnings)
REAL_SAMPLES = [
    ("It is repeated every year", "en", None, "annual", ()),
    (CONTINUOUSLY, "en", None, "continuous", ()),
    ("2024", "en", None, None, ("duration_is_date",)),
    ("Year-round project", "en", None, "year-round", ()),
    ("Year-round", "en", None, "year-round", ()),
    (LIBRARY, "en", None, "open-ended", ("duration_conditional",)),
    ("There is no time limit for the project. It is updated in theater seasons.", "en", None, "open-ended", ()),
    # an operating schedule describes a standing service: continuous, flagged
    ("Services are carried on during working hours on weekdays.", "en", None, "continuous", ("duration_schedule_only",)),
    ("It is planned that 20 Fairy Tale Houses will be operational by 2024.", "en", None, None, ("duration_is_date",)),
    ("6 MONTHS", "en", D(6), None, ()),
    ("1.5 years", "en", D(18), None, ()),
]
LENGTHS = [
    ("6 ay", "tr", D(6), None, ()),
    ("6 AY", "tr", D(6), None, ()),
    ("1,5 yıl", "tr", D(18), None, ()),
    ("1,5 YIL", "tr", D(18), None, ()),
    ("18 months", "en", D(18), None, ()),
    ("1 year", "en", D(12), None, ()),
    ("2 yıl", "tr", D(24), None, ()),
    ("3 sene", "tr", D(36), None, ()),
    ("1 year and 6 months", "en", D(18), None, ()),
    ("2 yıl 3 ay", "tr", D(27), None, ()),
    ("3 yıl, 6 ay", "tr", D(42), None, ()),
    ("six months", "en", D(6), None, ()),
    ("ONE YEAR", "en", D(12), None, ()),
    ("iki yıl", "tr", D(24), None, ()),
    ("bir buçuk yıl", "tr", D(18), None, ()),
    ("one and a half years", "en", D(18), None, ()),
    ("a year and a half", "en", D(18), None, ()),
    ("1 year and a half", "en", D(18), None, ()),
    ("half a year", "en", D(6), None, ()),
    ("yarım yıl", "tr", D(6), None, ()),
    ("6 aylık proje", "tr", D(6), None, ()),
    ("18-month project", "en", D(18), None, ()),
    ("about 6 months", "en", D(6), None, ()),
    ("1.5 years", "tr", D(18), None, ()),  # wrong language hint
    ("1,5 yıl", "en", D(18), None, ()),
]
SHORT_UNITS = [  # weeks and days at 30.436875 days a month, two decimals
    ("2 weeks", "en", D("0.46"), None, ()),
    ("2 hafta", "tr", D("0.46"), None, ()),
    ("6 weeks", "en", D("1.38"), None, ()),
    ("10 days", "en", D("0.33"), None, ()),
    ("1 day", "en", D("0.03"), None, ()),
    ("45 gün", "tr", D("1.48"), None, ()),
    ("1 month and 2 weeks", "en", D("1.46"), None, ()),
]
RECURRENCE = [
    ("her yıl", "tr", None, "annual", ()),
    ("Her yıl tekrarlanır", "tr", None, "annual", ()),
    ("annually", "en", None, "annual", ()),
    ("every 2 years", "en", None, "biennial", ()),
    ("2 yılda bir", "tr", None, "biennial", ()),
    ("yılda bir", "tr", None, "annual", ()),
    ("every month", "en", None, "monthly", ()),
    ("every week", "en", None, "weekly", ()),
    ("her gün", "tr", None, "daily", ()),
    ("sürekli", "tr", None, "continuous", ()),
    ("SÜREKLİ", "tr", None, "continuous", ()),
    ("Devam ediyor", "tr", None, "continuous", ()),
    ("Permanent", "en", None, "continuous", ()),
    ("Yıl boyunca", "tr", None, "year-round", ()),
    ("throughout the year", "en", None, "year-round", ()),
    ("süresiz", "tr", None, "open-ended", ()),
    ("Süre sınırı yok", "tr", None, "open-ended", ()),
    ("seasonal", "en", None, "seasonal", ()),
    ("Every summer", "en", None, "seasonal", ()),
    ("Her yaz", "tr", None, "seasonal", ()),
    ("one-off event", "en", None, "one-off", ()),
    ("6 months every year", "en", D(6), "annual", ()),
    ("her yıl 3 ay", "tr", D(3), "annual", ()),
    ("Hafta içi mesai saatlerinde", "tr", None, "continuous", ("duration_schedule_only",)),
    ("kütüphane kurulana kadar devam edecek", "tr", None, "open-ended", ("duration_conditional",)),
]
WARNINGS = [
    ("6-8 months", "en", None, None, ("duration_range",)),
    ("6 to 8 months", "en", None, None, ("duration_range",)),
    ("1-2 yıl", "tr", None, None, ("duration_range",)),
    ("6 months (pilot) and 2 years (full)", "en", None, None, ("duration_several",)),
    ("every 3 years", "en", None, None, ("duration_period_only",)),
    ("until 2024", "en", None, None, ("duration_is_date",)),
    ("2024'e kadar", "tr", None, None, ("duration_is_date",)),
    ("2022-2024", "en", None, None, ("duration_is_date",)),
    ("March 2023", "en", None, None, ("duration_is_date",)),
    ("To be determined by the council", "en", None, None, ("duration_unreadable",)),
    ("3 hours", "en", None, None, ("duration_unreadable",)),
]
BUGS_CAUGHT = [
    # "annual report" is not a recurrence; "continuously" is
    ("the annual report is prepared", "en", None, None, ("duration_unreadable",)),
    # "Year-round" is not a length of one year
    ("Year-round", "en", None, "year-round", ()),
    # "once a year" is annual, not 12 months
    ("once a year", "en", None, "annual", ()),
    # a number that counts things is not a length
    ("in 50 neighborhoods", "en", None, None, ("duration_unreadable",)),
]
PARTS = [  # a length that is part of another is not a second length (issue 16)
    ("17 months, including 12 months", "en", D(17), None, ()),
    ("17 months, including 12 months of implementation", "en", D(17), None, ()),
    ("12 ayı uygulama olmak üzere toplam 17 ay", "tr", D(17), None, ()),
    ("Toplam 24 ay; bunun 6 ayı hazırlık", "tr", D(24), None, ()),
    ("bir defaya mahsus olmak ve altı ayı geçmemek üzere", "tr", D(6), "one-off", ()),  # "bir defaya mahsus": once
    ("6 months (pilot) and 2 years (full)", "en", None, None, ("duration_several",)),  # still several
]
EMPTY = [
    ("", "en", None, None, ()),
    ("  ", "tr", None, None, ()),
    ("-", "en", None, None, ()),
    ("N/A", "en", None, None, ()),
]


@pytest.mark.parametrize(
    ("text", "language", "months", "recurrence", "warnings"),
    REAL_SAMPLES + LENGTHS + SHORT_UNITS + RECURRENCE + WARNINGS + BUGS_CAUGHT + PARTS + EMPTY,
)
def test_parse_duration(
    text: str, language: str, months: Decimal | None, recurrence: str | None, warnings: tuple[str, ...]
) -> None:
    assert parse_duration(text, language) == DurationValue(months, recurrence, warnings)  # type: ignore[arg-type]


def test_none_is_empty() -> None:
    assert parse_duration(None) == DurationValue(None)


def test_recurrence_vocabulary_is_documented() -> None:
    vocabulary = recurrences()
    assert list(vocabulary) == [
        "open-ended", "continuous", "year-round", "annual", "biennial",
        "seasonal", "monthly", "weekly", "daily", "one-off",
    ]
    assert all(meaning.strip() for meaning in vocabulary.values())


def test_every_duration_warning_is_listed() -> None:
    emitted = {w for case in REAL_SAMPLES + WARNINGS + RECURRENCE for w in case[4]}
    assert emitted <= set(WARNING_CODES)


@pytest.mark.xfail(strict=True, reason="a session length beside a frequency ('one day a week') is read as the length")
def test_session_length_beside_frequency() -> None:
    assert parse_duration("Haftada bir gün", "tr") == DurationValue(None, "weekly")


@pytest.mark.xfail(strict=True, reason="hours are not a project length unit")
def test_hours() -> None:
    assert parse_duration("720 hours").months == D("0.99")
