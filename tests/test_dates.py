"""normalize.dates: date fields as ISO partial dates, ongoing, ranges and their warnings."""

from __future__ import annotations

import pytest

from cittaslow_extract.models import DateValue
from cittaslow_extract.normalize.dates import check_range, month_number, parse_date, parse_date_range

# (text, language, iso, ongoing, warnings)
REAL_SAMPLES = [
    ("2019", "en", "2019", False, ()),
    ("Ongoing", "en", None, True, ()),
    ("2022 March", "en", "2022-03", False, ()),
    ("2021", "en", "2021", False, ()),
    ("2022", "en", "2022", False, ()),
    ("April 20", "en", "2020-04", False, ()),  # month + two-digit year, as the form writes it
    ("December 21", "en", "2021-12", False, ()),
    ("", "en", None, False, ()),
]
FORMS = [
    ("March 2022", "en", "2022-03", False, ()),
    ("Mart 2022", "tr", "2022-03", False, ()),
    ("MART 2022", "tr", "2022-03", False, ()),
    ("03/2021", "en", "2021-03", False, ()),
    ("3.2021", "tr", "2021-03", False, ()),
    ("2021/03", "en", "2021-03", False, ()),
    ("10.12.2020", "en", "2020-12-10", False, ()),  # day.month.year
    ("10.12.2020", "tr", "2020-12-10", False, ()),
    ("10.12.20", "tr", "2020-12-10", False, ()),
    ("2021-05-03", "en", "2021-05-03", False, ()),
    ("1 March 2022", "en", "2022-03-01", False, ()),
    ("1st of March 2022", "en", "2022-03-01", False, ()),
    ("March 1, 2022", "en", "2022-03-01", False, ()),
    ("1 Mart 2022", "tr", "2022-03-01", False, ()),
    ("15 Ağustos 2021", "tr", "2021-08-15", False, ()),
    ("Sept. 2021", "en", "2021-09", False, ()),
    ("Apr '20", "en", "2020-04", False, ()),
    ("Dec-21", "en", "2021-12", False, ()),
    ("2022 yılı Mart", "tr", "2022-03", False, ()),
    ("Mart'ta 2022", "tr", "2022-03", False, ()),
    ("2022'de", "tr", "2022", False, ()),
    ("Started in March 2022 with a pilot", "en", "2022-03", False, ()),
    ("Q1 2022", "en", "2022", False, ()),
    ("It may start in 2023", "en", "2023", False, ()),  # "may" beside a real date is a word
    ("2022 (March)", "en", "2022", False, ()),
]
TURKISH_CASE = [
    ("NİSAN 2021", "tr", "2021-04", False, ()),
    ("nisan 2021", "tr", "2021-04", False, ()),
    ("Nisan 2021", "tr", "2021-04", False, ()),
    ("NISAN 2021", "tr", "2021-04", False, ()),  # typed with a plain I
    ("KASIM 2020", "tr", "2020-11", False, ()),
    ("kasım 2020", "tr", "2020-11", False, ()),
    ("Kasim 2020", "tr", "2020-11", False, ()),
    ("ŞUBAT 2023", "tr", "2023-02", False, ()),
    ("Subat 2023", "tr", "2023-02", False, ()),
    ("EYLÜL 2019", "tr", "2019-09", False, ()),
    ("ARALIK 2021", "tr", "2021-12", False, ()),
    ("Ekim 2020", "en", "2020-10", False, ()),  # a Turkish month in a document hinted English
    ("October 2020", "tr", "2020-10", False, ()),
]
ONGOING = [
    ("Devam ediyor", "tr", None, True, ()),
    ("DEVAM EDİYOR", "tr", None, True, ()),
    ("Halen", "tr", None, True, ()),
    ("Continuing", "en", None, True, ()),
    ("continuing", "en", None, True, ()),
    ("In progress", "en", None, True, ()),
    ("Ongoing since 2019", "en", None, True, ("date_ongoing_with_date",)),
]
NOT_A_DATE = [
    ("-", "en", None, False, ()),
    ("N/A", "en", None, False, ()),
    ("Yok", "tr", None, False, ()),
    ("20 April", "en", None, False, ("date_missing_year",)),
    ("April 5", "en", None, False, ("date_missing_year",)),
    ("March", "en", None, False, ("date_missing_year",)),
    ("13/2021", "en", None, False, ("date_impossible",)),
    ("31.02.2021", "tr", None, False, ("date_impossible",)),
    ("32.01.2020", "tr", None, False, ("date_impossible",)),
    ("2019-2021", "en", None, False, ("date_several",)),
    ("2019 - 2021", "en", None, False, ("date_several",)),
    ("Ocak-Haziran 2022", "tr", None, False, ("date_several",)),  # a range, not June 2022
    ("January to June 2022", "en", None, False, ("date_several",)),
    ("After the tender", "en", None, False, ("date_unreadable",)),
    ("1850", "en", None, False, ("date_unreadable",)),
]
SEPARATOR_FORMS = [  # day-month-year in every separator form (issue 16; dateparser's test strings)
    ("14-Aralık-2012", "tr", "2012-12-14", False, ()),
    ("14-Aralık-2012, 20:56", "tr", "2012-12-14", False, ()),
    ("08.Haziran.2014, 11:07", "tr", "2014-06-08", False, ()),
    ("17.Şubat.2014", "tr", "2014-02-17", False, ()),
    ("12-Mar-2014", "en", "2014-03-12", False, ()),
    ("11. 12. 2014", "tr", "2014-12-11", False, ()),
    ("11. 12. 2014, 08:45:39", "en", "2014-12-11", False, ()),
    ("26. 10.21", "en", "2021-10-26", False, ()),
    ("26 . 10.21", "en", "2021-10-26", False, ()),
    ("30 . 09 . 22 12.12", "en", "2022-09-30", False, ()),
    ("the 1st day of March 2015", "en", "2015-03-01", False, ()),
    ("[Sept] 04, 2014.", "en", "2014-09-04", False, ()),
    ("Wed Aug 05 12:00:00 2015", "en", "2015-08-05", False, ()),
    # not a day: a number before a spaced dash
    ("Phase 1 - March 2021", "en", "2021-03", False, ()),
    ("Phase 1 - 3 - 2021", "en", "2021", False, ()),
]
TWO_DIGIT_YEARS = [  # no document years: 00-68 → 20xx, 69-99 → 19xx
    ("Apr '98", "en", "1998-04", False, ()),
    ("10.12.98", "tr", "1998-12-10", False, ()),
    ("Dec 99", "en", "1999-12", False, ()),
    ("1/1/16", "en", "2016-01-01", False, ()),
]
DAY_MONTH = [
    ("03/05/2021", "en", "2021-05-03", False, ("date_day_month_ambiguous",)),
    ("03/05/2021", "tr", "2021-05-03", False, ()),
    ("05/20/2021", "en", "2021-05-20", False, ()),  # only month-first is valid
    ("05.05.2021", "en", "2021-05-05", False, ()),
]


@pytest.mark.parametrize(
    ("text", "language", "iso", "ongoing", "warnings"),
    REAL_SAMPLES + FORMS + TURKISH_CASE + ONGOING + NOT_A_DATE + DAY_MONTH + SEPARATOR_FORMS + TWO_DIGIT_YEARS,
)
def test_parse_date(text: str, language: str, iso: str | None, ongoing: bool, warnings: tuple[str, ...]) -> None:
    assert parse_date(text, language) == DateValue(iso, ongoing, warnings)  # type: ignore[arg-type]


def test_none_is_empty() -> None:
    assert parse_date(None) == DateValue(None)


# (text, language, start field's iso, end field's iso): a range in a date field, with date_range
RANGES_IN_A_FIELD = [
    ("2019-2021", "en", "2019", "2021"),
    ("2019 - 2021", "en", "2019", "2021"),
    ("Ocak-Haziran 2022", "tr", "2022-01", "2022-06"),
    ("Kasım-Şubat 2022", "tr", "2021-11", "2022-02"),
    ("January to June 2022", "en", "2022-01", "2022-06"),
    ("January 3, 2017 - February 1st", "en", "2017-01-03", "2017-02-01"),
    ("March 2020 – December 2021", "en", "2020-03", "2021-12"),
    ("Between March 2020 and December 2021", "en", "2020-03", "2021-12"),
    ("2019'dan 2021'e kadar", "tr", "2019", "2021"),
    ("June 12-14, 2021", "en", "2021-06-12", "2021-06-14"),
    ("12-14 June 2021", "en", "2021-06-12", "2021-06-14"),
    ("12.-14.06.2021", "tr", "2021-06-12", "2021-06-14"),
    ("01.03.2020-31.12.2021", "tr", "2020-03-01", "2021-12-31"),  # found by the range property test
]


@pytest.mark.parametrize(("text", "language", "start", "end"), RANGES_IN_A_FIELD)
def test_range_in_a_start_or_end_field(text: str, language: str, start: str, end: str) -> None:
    assert parse_date(text, language, role="start") == DateValue(start, False, ("date_range",))  # type: ignore[arg-type]
    assert parse_date(text, language, role="end") == DateValue(end, False, ("date_range",))  # type: ignore[arg-type]
    assert parse_date(text, language).warnings == ("date_several",)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "years", "iso"),
    [
        ("Apr '98", (1997, 1999), "1998-04"),
        ("Apr '60", (1958, 1961), "1960-04"),  # the POSIX rule alone would say 2060
        ("Apr '60", (), "2060-04"),
        ("10.12.70", (2019, 2021), "2070-12-10"),  # the POSIX rule alone would say 1970
        ("April 20", (2019, 2020, 2021, 2022, 2024), "2020-04"),  # the seed's Street Art Project
        ("December 21", (2019, 2020, 2021, 2022, 2024), "2021-12"),
    ],
)
def test_two_digit_year_by_the_documents_years(text: str, years: tuple[int, ...], iso: str) -> None:
    assert parse_date(text, "en", years=years).iso == iso


@pytest.mark.parametrize(
    ("name", "month"),
    [("January", 1), ("jan", 1), ("Ocak", 1), ("ŞUBAT", 2), ("mar.", 3), ("NİSAN", 4), ("nisan", 4),
     ("May", 5), ("Mayıs", 5), ("haz", 6), ("Temmuz", 7), ("AĞUSTOS", 8), ("agustos", 8),
     ("Sept", 9), ("Eylül", 9), ("EKİM", 10), ("KASIM", 11), ("Aralık", 12), ("ARALIK", 12), ("frog", None)],
)
def test_month_number(name: str, month: int | None) -> None:
    assert month_number(name) == month


@pytest.mark.parametrize(
    ("start", "end", "warnings"),
    [
        ("April 20", "December 21", ()),
        ("2019", "2019-03", ()),
        ("2021-03", "2021", ()),
        ("2021", "March 2020", ("date_end_before_start",)),
        ("10.12.2020", "01.12.2020", ("date_end_before_start",)),
        ("2019", "Ongoing", ()),
        ("", "2020", ()),
    ],
)
def test_check_range(start: str, end: str, warnings: tuple[str, ...]) -> None:
    assert check_range(parse_date(start), parse_date(end)) == warnings


@pytest.mark.parametrize(
    ("text", "start", "end", "end_ongoing", "end_warnings"),
    [
        ("Between March 2020 and December 2021", "2020-03", "2021-12", False, ()),
        ("March 2020 – December 2021", "2020-03", "2021-12", False, ()),
        ("2019-2021", "2019", "2021", False, ()),
        ("2019'dan 2021'e kadar", "2019", "2021", False, ()),
        ("2021-2019", "2021", "2019", False, ("date_end_before_start",)),
        ("2019 - ongoing", "2019", None, True, ()),
        ("2019", "2019", None, False, ()),
        ("January 3, 2017 - February 1st", "2017-01-03", "2017-02-01", False, ()),
        ("June 12-14, 2021", "2021-06-12", "2021-06-14", False, ()),
    ],
)
def test_parse_date_range(text: str, start: str, end: str | None, end_ongoing: bool, end_warnings: tuple[str, ...]) -> None:
    first, second = parse_date_range(text)
    assert (first.iso, second.iso, second.ongoing, second.warnings) == (start, end, end_ongoing, end_warnings)


@pytest.mark.xfail(strict=True, reason="'2019-20' (a year and its two-digit successor) is read as 2019, not as a range")
def test_two_digit_year_range() -> None:
    assert parse_date("2019-20").warnings == ("date_several",)


@pytest.mark.xfail(strict=True, reason="year-month-day with a month name ('2022 March 5') is not a known order")
def test_year_month_name_day() -> None:
    assert parse_date("2022 March 5").iso == "2022-03-05"
