"""Start and end date fields read as ISO 8601 partial dates (YYYY, YYYY-MM, YYYY-MM-DD).

Rules (the same for English and Turkish documents; month names of both languages are always known,
so a wrong language hint cannot lose a date):

- "2019" → 2019; "2022 March", "March 2022", "Mart 2022", "03/2021" → 2022-03 / 2021-03;
  "10.12.2020" → 2020-12-10 (numeric dates are day first); "2021-05-03" → 2021-05-03;
  "1 March 2022", "March 1, 2022" → 2022-03-01.
- A month name followed by a two-digit number and no year is a month and a two-digit year:
  "April 20" → 2020-04, "December 21" → 2021-12 (how the checklist forms abbreviate years).
- A day and month without a year ("20 April", "April 5") or a month alone gives no date
  (``date_missing_year``).  A month name alone beside a real date is a word or a gloss and is
  ignored ("It may start in 2023" → 2023), unless it opens a range ("Ocak-Haziran 2022").
- "Ongoing", "continuing", "Devam ediyor", "Halen" … → iso None and ongoing True.  If the text
  also names a date, iso is still None (an end field that says "ongoing since 2019" names its start,
  not its end) and ``date_ongoing_with_date`` flags it.
- An impossible date (month 13, 31 February, a year outside 1900–2100) gives no date
  (``date_impossible``); a text naming several different dates gives none (``date_several``); a
  text with no date at all gives none (``date_unreadable``).  The raw text is always kept by the caller.
- Day-month-year in every separator form: "14-Aralık-2012", "08.Haziran.2014", "11. 12. 2014",
  "26 . 10.21", and day ranges "June 12-14, 2021", "12-14 June 2021", "12.-14.06.2021".
- Ranges in a start or end field ("2019-2021", "Ocak-Haziran 2022", "January 3, 2017 - February 1st"):
  with ``role="start"`` the range's start, with ``role="end"`` its end, flagged ``date_range``; an end
  without a year takes the other end's ("February 1st" → 2017-02-01).  Without a role a range is
  ``date_several``, as before.
- Two-digit years ("Apr '98", "10.12.20", "April 20") take the century that puts them nearest the
  document's other years (``years``); without any, 00-68 are 20xx and 69-99 are 19xx (the POSIX
  strptime %y rule).
- A slashed date whose day and month could be swapped ("03/05/2021") is read day first; in an
  English document it is flagged ``date_day_month_ambiguous``.  When only month-first is valid
  ("05/20/2021") it is read month first.

>>> parse_date("2022 March")
DateValue(iso='2022-03', ongoing=False, warnings=())
>>> parse_date("April 20").iso, parse_date("December 21").iso
('2020-04', '2021-12')
>>> parse_date("Devam ediyor", "tr")
DateValue(iso=None, ongoing=True, warnings=())
>>> parse_date("10.12.2020").iso
'2020-12-10'
>>> check_range(parse_date("2021"), parse_date("March 2020"))
('date_end_before_start',)
>>> parse_date("2019-2021", role="end")
DateValue(iso='2021', ongoing=False, warnings=('date_range',))
>>> parse_date("Dec '98", years=(1997, 1999)).iso, parse_date("Dec '98").iso, parse_date("Dec '20").iso
('1998-12', '1998-12', '2020-12')
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import DateValue, Language
from cittaslow_extract.normalize.numbers import word_pattern
from cittaslow_extract.normalize.turkish import ascii_key

__all__ = ["check_range", "is_placeholder", "month_number", "parse_date", "parse_date_range"]

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_POSIX_PIVOT = 69  # strptime %y: 69-99 → 1969-1999, 00-68 → 2000-2068
Role = Literal["start", "end"]
_RANGE_JOINT = re.compile(
    r"""
    ^\s*(?:['’][^\W\d_]+)?\s*               # a Turkish suffix on the first date: "2019'dan"
    (?:
        [-–—/]                                  # "2019 – 2021", "March 2020 / June 2021"
      | to | until | till | through | and       # "from X to Y", "between X and Y"
      | ile | ve                                # "X ile Y arası"
    )?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _DateData:
    months: dict[str, int]  # ascii_key(name) → month number
    ongoing: tuple[str, ...]  # ascii_key phrases
    placeholders: frozenset[str]  # ascii_key of "nothing stated" texts
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, regex), most specific first


def _month_regex(names: list[str]) -> str:
    alternation = "|".join(word_pattern(n) for n in sorted(names, key=len, reverse=True))
    # "Mar.", "Mart'ta": an abbreviation dot or a Turkish suffix after an apostrophe
    return rf"(?<![^\W\d_])(?P<mon>{alternation})(?:\.|['’][^\W\d_]+)?(?![^\W\d_])"


def _patterns(month: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    ordinal = r"(?:st|nd|rd|th)?"
    dash = r"\s*[-–—]\s*"
    table = [
        # day ranges: June 12-14, 2021; 12-14 June 2021; 12.-14.06.2021
        ("mon_dd_y", rf"{month}\s+(?P<d>\d{{1,2}}){dash}(?P<d2>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)"),
        ("dd_mon_y", rf"(?<![\d.,])(?P<d>\d{{1,2}})\.?{dash}(?P<d2>\d{{1,2}})\.?\s+{month},?\s+(?P<y>\d{{4}})(?!\d)"),
        ("dd_my", r"(?<![\d.,])(?P<d>\d{1,2})\.?-(?P<d2>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)"),
        # 2021-05-03, 2021/05/03
        ("ymd", r"(?<![\d.,])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])"),
        # 10.12.2020, 03/05/2021, 3-5-21 (day first); after a dash only when a year ends before it
        # ("01.03.2020-31.12.2021")
        ("dmy", r"(?:(?<![\d.,/-])|(?<=\d{4}[-–]))(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
                r"(?!\d|[.,]\d)"),
        # spaced, with dots only: 11. 12. 2014, 26 . 10.21 ("Phase 1 - 3 - 2021" is not a date)
        ("dmy", r"(?:(?<![\d.,/-])|(?<=\d{4}[-–]))(?P<d>\d{1,2})\s*(?P<sep>\.)\s*(?P<m>\d{1,2})\s*\.\s*(?P<y>\d{4}|\d{2})(?!\d|[.,]\d)"),
        # 1 March 2022, 1st of March 2022, the 1st day of March 2022, 1. Mart 2022
        ("d_mon_y", rf"(?<![\d.,])(?P<d>\d{{1,2}}){ordinal}\.?\s+(?:(?:day\s+)?of\s+)?{month},?\s+(?P<y>\d{{4}})(?!\d)"),
        # 14-Aralık-2012, 08.Haziran.2014, 12-Mar-2014 (glued: "Phase 1 - March 2021" is a month)
        ("d_mon_y", rf"(?<![\d.,])(?P<d>\d{{1,2}})(?:[-/]|\.[ ]?){month}[-./]?[ ]?(?P<y>\d{{4}})(?!\d)"),
        # March 1, 2022; [Sept] 04, 2014; Aug 05 12:00:00 2015 (a clock time between day and year)
        ("mon_d_y", rf"{month}\]?\s+(?P<d>\d{{1,2}}){ordinal},?\s+(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+)?(?P<y>\d{{4}})(?!\d)"),
        # March 2022, Mart 2022, Mar-2022
        ("mon_y", rf"{month}\s*[,'’/-]?\s*(?P<y>\d{{4}})(?!\d)"),
        # 2022 March, 2022 yılı Mart (not when the month has a year of its own after it)
        ("y_mon", rf"(?<![\d.,])(?P<y>\d{{4}})(?:\s+y[ıi]l[ıi](?:n[ıi]n)?)?\s*[,/-]?\s*{month}"
                  rf"(?!\s*[,'’/-]?\s*\d)"),
        # April 20 → 2020-04 (month and two-digit year, as the forms write it)
        ("mon_yy", rf"{month}\s*['’/-]?\s*(?P<yy>\d{{2}})(?![\d.,:]\d|\d)"),
        # 20 April, April 5: a day without a year
        ("d_mon", rf"(?<![\d.,])(?P<d>\d{{1,2}}){ordinal}\.?\s+(?:of\s+)?{month}"),
        ("mon_d", rf"{month}\s+(?P<d>\d){ordinal}(?!\d)"),
        # 03/2021, 3.2021
        ("my", r"(?<![\d.,/-])(?P<m>\d{1,2})[./](?P<y>\d{4})(?!\d|[.,]\d)"),
        # 2021/03, 2021-03 (a month that cannot be a year range's tail)
        ("ym", r"(?<![\d.,/-])(?P<y>\d{4})[/-](?P<m>0?[1-9]|1[0-2])(?![\d]|[/-]\d)"),
        # a month name alone
        ("mon", month),
        # 2019, 2022'de
        ("y", r"(?<![\d.,])(?P<y>(?:19|20)\d{2}|2100)(?!\d|[.,]\d)"),
    ]
    return tuple((kind, re.compile(source, re.IGNORECASE)) for kind, source in table)


@lru_cache(maxsize=1)
def _data() -> _DateData:
    doc = load_data("months.toml")
    months = {ascii_key(name): int(num) for num, names in doc["months"].items() for name in names}
    names = [name for names in doc["months"].values() for name in names]
    ongoing = tuple(ascii_key(p) for lang in doc["ongoing"].values() for p in lang)
    placeholders = frozenset(ascii_key(p) or p for p in doc["placeholders"]["words"])
    return _DateData(months, ongoing, placeholders, _patterns(_month_regex(names)))


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    iso: str | None
    warning: str | None
    year: int | None = None  # the parts read, for a range end that lacks its year
    month: int | None = None
    day: int | None = None
    iso_end: str | None = None  # the last day of a day range ("June 12-14, 2021")


def month_number(name: str) -> int | None:
    """The month a name or abbreviation of either language stands for.

    >>> month_number("NİSAN"), month_number("Sept."), month_number("Ağustos"), month_number("frog")
    (4, 9, 8, None)
    """
    return _data().months.get(ascii_key(name.rstrip(".")))


def _iso(year: int, month: int | None, day: int | None) -> tuple[str | None, str | None]:
    """(iso, warning) for a date's parts; impossible parts give (None, "date_impossible")."""
    if not _MIN_YEAR <= year <= _MAX_YEAR or (month is not None and not 1 <= month <= 12):
        return None, "date_impossible"
    if month is None:
        return f"{year:04d}", None
    if day is None:
        return f"{year:04d}-{month:02d}", None
    try:
        return _dt.date(year, month, day).isoformat(), None
    except ValueError:
        return None, "date_impossible"


def _two_digit_year(text: str, years: tuple[int, ...] = ()) -> int:
    """The century that puts a two-digit year nearest the document's other years; without any,
    the POSIX rule (00-68 → 20xx, 69-99 → 19xx).

    >>> _two_digit_year("60", (1962,)), _two_digit_year("60"), _two_digit_year("98"), _two_digit_year("20")
    (1960, 2060, 1998, 2020)
    """
    yy = int(text)
    if not years:
        return (1900 if yy >= _POSIX_PIVOT else 2000) + yy
    options = [c + yy for c in (2000, 1900) if _MIN_YEAR <= c + yy <= _MAX_YEAR]
    return min(options, key=lambda y: min(abs(y - other) for other in years))


def _read_match(kind: str, hit: re.Match[str], language: Language, years: tuple[int, ...] = ()) -> _Found:
    groups = hit.groupdict()
    month = month_number(groups["mon"]) if groups.get("mon") else None
    if groups.get("m"):
        month = int(groups["m"])
    day = int(groups["d"]) if groups.get("d") else None
    if kind in {"d_mon", "mon_d", "mon"}:
        return _Found(hit.start(), hit.end(), None, "date_missing_year", None, month, day)
    if groups.get("yy"):
        year = _two_digit_year(groups["yy"], years)
    else:
        year_text = groups["y"]
        year = _two_digit_year(year_text, years) if len(year_text) == 2 else int(year_text)
    warning = None
    if kind == "dmy" and day is not None and month is not None:
        if month > 12 and day <= 12:  # only month-first is valid: 05/20/2021
            day, month = month, day
        elif groups["sep"] == "/" and language == "en" and day <= 12 and month <= 12 and day != month:
            warning = "date_day_month_ambiguous"
    iso, problem = _iso(year, month, day)
    iso_end = None
    if groups.get("d2"):  # a day range: its last day
        iso_end, end_problem = _iso(year, month, int(groups["d2"]))
        problem = problem or end_problem
        if iso is not None and iso_end is not None and iso_end < iso:
            iso_end, problem = None, "date_impossible"
    return _Found(hit.start(), hit.end(), iso, problem or warning, year, month, day, iso_end)


def _find_dates(text: str, language: Language, years: tuple[int, ...] = ()) -> list[_Found]:
    """Non-overlapping date expressions, the most specific pattern winning at each place."""
    hits: list[tuple[int, int, int, re.Match[str], str]] = []
    for rank, (kind, pattern) in enumerate(_data().patterns):
        for hit in pattern.finditer(text):
            hits.append((hit.start(), -(hit.end() - hit.start()), rank, hit, kind))
    hits.sort(key=lambda h: (h[0], h[1], h[2]))
    found: list[tuple[str, _Found]] = []
    taken_until = -1
    for start, _, _, hit, kind in hits:
        if start < taken_until:
            continue
        found.append((kind, _read_match(kind, hit, language, years)))
        taken_until = hit.end()
    # A month name standing alone beside real dates is a word ("It may start in 2023") or a gloss
    # ("2022 (March)"), unless it opens a range ("Ocak-Haziran 2022", "January to June 2022").
    kept = []
    for i, (kind, f) in enumerate(found):
        nxt = found[i + 1][1] if i + 1 < len(found) else None
        opens_range = nxt is not None and _RANGE_JOINT.match(text[f.end : nxt.start]) is not None
        if kind != "mon" or opens_range or all(k == "mon" for k, _ in found):
            kept.append(f)
    return kept


def _has_phrase(key: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {key} "
    return any(f" {phrase} " in padded for phrase in phrases)


def is_placeholder(text: str) -> bool:
    """True for a field that states nothing: empty, punctuation, "-", "N/A", "yok" (data/months.toml).

    >>> is_placeholder(" – "), is_placeholder("N/A"), is_placeholder("Yok"), is_placeholder("2019")
    (True, True, True, False)
    """
    key = ascii_key(text)
    return not key.strip(" ()%/") or key in _data().placeholders or text.strip() in _data().placeholders


def parse_date(
    text: str | None, language: Language = "en", role: Role | None = None, years: tuple[int, ...] = ()
) -> DateValue:
    """A date field's text as a DateValue (see the module docstring for the rules).

    `role` says which field the text is ("start" or "end"): a range there gives its start or end,
    flagged ``date_range``.  `years` are the document's other years, for two-digit years.

    >>> parse_date("Mart 2022", "tr").iso, parse_date("03/2021").iso, parse_date("2021-05-03").iso
    ('2022-03', '2021-03', '2021-05-03')
    >>> parse_date("31.02.2021")
    DateValue(iso=None, ongoing=False, warnings=('date_impossible',))
    >>> parse_date("")
    DateValue(iso=None, ongoing=False, warnings=())
    """
    if text is None or is_placeholder(text):
        return DateValue(None)
    try:
        found = _find_dates(text, language, years)
    except (ValueError, OverflowError):  # defensive: a normaliser never raises
        found = []
    if _has_phrase(ascii_key(text), _data().ongoing):
        return DateValue(None, True, ("date_ongoing_with_date",) if found else ())
    if not found:
        return DateValue(None, False, ("date_unreadable",))
    ends = _range_ends(text, found)
    if ends is not None:
        if role is None:
            return DateValue(None, False, ("date_several",))
        first, second = ends
        pick = first if role == "start" else second
        if pick.iso is None:
            return DateValue(None, False, (pick.warning or "date_unreadable",))
        return DateValue(pick.iso, False, ("date_range",) + ((pick.warning,) if pick.warning else ()))
    isos = {f.iso for f in found if f.iso is not None}
    problems = tuple(dict.fromkeys(f.warning for f in found if f.warning))
    if len(found) > 1 and len({f.iso or f.warning for f in found}) > 1:
        return DateValue(None, False, ("date_several",))
    if not isos:
        return DateValue(None, False, problems or ("date_unreadable",))
    return DateValue(isos.pop(), False, problems)


def _with_year(found: _Found, year: int) -> _Found:
    iso, problem = _iso(year, found.month, found.day)
    return replace(found, iso=iso, warning=problem, year=year)


def _range_ends(text: str, found: list[_Found]) -> tuple[_Found, _Found] | None:
    """The two ends when the text is one range: two dates joined by a dash, "to", "and", "ile"
    ("January 3, 2017 - February 1st", "Ocak-Haziran 2022") or a day range ("June 12-14, 2021").
    An end without a year takes the other end's (the year before or after when the months say so)."""
    if len(found) == 1 and found[0].iso_end is not None:
        only = found[0]
        return only, replace(only, iso=only.iso_end, day=None)
    if len(found) != 2 or not _RANGE_JOINT.match(text[found[0].end : found[1].start]):
        return None
    first, second = found
    if first.year is None and second.year is not None and first.month is not None:
        later = second.month is not None and first.month > second.month  # "Kasım-Şubat 2022"
        first = _with_year(first, second.year - 1 if later else second.year)
    elif second.year is None and first.year is not None and second.month is not None:
        earlier = first.month is not None and second.month < first.month  # "November 2021 - February"
        second = _with_year(second, first.year + 1 if earlier else first.year)
    return first, second


def parse_date_range(text: str | None, language: Language = "en") -> tuple[DateValue, DateValue]:
    """(start, end) of a text naming a span: "2019-2021", "March 2020 – December 2021",
    "between March 2020 and December 2021".  A text naming one date gives (that date, empty).

    >>> [v.iso for v in parse_date_range("Between March 2020 and December 2021")]
    ['2020-03', '2021-12']
    >>> [v.iso for v in parse_date_range("2019 - ongoing")], parse_date_range("2019 - ongoing")[1].ongoing
    (['2019', None], True)
    """
    if text is None or is_placeholder(text):
        return DateValue(None), DateValue(None)
    found = _find_dates(text, language)
    ends = _range_ends(text, found)  # an end without a year takes the other's; day ranges too
    if ends is not None:
        first, second = (DateValue(f.iso, False, (f.warning,) if f.warning else ()) for f in ends)
        return first, DateValue(second.iso, False, second.warnings + check_range(first, second))
    if len(found) == 1 and _has_phrase(ascii_key(text[found[0].end :]), _data().ongoing):
        only = found[0]
        return DateValue(only.iso, False, (only.warning,) if only.warning else ()), DateValue(None, True)
    return parse_date(text, language), DateValue(None)


def check_range(start: DateValue, end: DateValue) -> tuple[str, ...]:
    """("date_end_before_start",) when the end date is before the start date, else ().

    Partial dates compare at their common precision: 2021 is not before 2021-03.
    Callers keep the raw texts and leave the end date out when this warns.

    >>> check_range(parse_date("2021"), parse_date("2021-03"))
    ()
    """
    if start.iso is None or end.iso is None:
        return ()
    common = min(len(start.iso), len(end.iso))
    return ("date_end_before_start",) if end.iso[:common] < start.iso[:common] else ()
