"""Project duration fields read as a length in months and a recurrence.

- A length: a number (digits or words) and a unit: "6 MONTHS", "6 ay", "1.5 years", "1,5 yıl",
  "18 months", "six months", "bir buçuk yıl", "1 year and 6 months", "2 yıl 3 ay" (parts in falling
  units add up).  Years and months convert exactly (1.5 years → 18); weeks and days convert at the
  mean Gregorian month (30.436875 days) rounded to two decimals: "2 weeks" → 0.46, "10 days" → 0.33.
- A recurrence from the vocabulary in data/durations.toml, first match in this order:
  open-ended, continuous, year-round, annual, biennial, seasonal, monthly, weekly, daily, one-off.
  "every N years/months/weeks/days" and "N yılda bir" are periods: every 1 year → annual, 2 → biennial,
  every month → monthly, and so on.  A recurrence alone leaves months null, with no warning.
- An operating schedule ("during working hours on weekdays", "hafta içi mesai saatlerinde") describes
  a standing service: recurrence "continuous", months null, warning ``duration_schedule_only``.
- "until <a condition>" with no year or length ("until a library is built in every neighborhood"):
  recurrence "open-ended", months null, warning ``duration_conditional``.
- A length that is part of another ("17 months, including 12 months", "12 ayı uygulama olmak üzere
  toplam 17 ay") is not a second length; of several, the stated total ("toplam", "in total") wins.
- A year or date instead of a length ("2024", "operational by 2024"): months null,
  ``duration_is_date``.  A range ("6-8 months"): ``duration_range``.  Several different lengths:
  ``duration_several``.  A period outside the vocabulary ("every 3 years"): ``duration_period_only``.
  Nothing readable: ``duration_unreadable``.

The language hint never changes a value: units and phrases of both languages are always known.

>>> parse_duration("1.5 years")
DurationValue(months=Decimal('18'), recurrence=None, warnings=())
>>> parse_duration("It is repeated every year")
DurationValue(months=None, recurrence='annual', warnings=())
>>> parse_duration("2 weeks").months
Decimal('0.46')
>>> parse_duration("2024")
DurationValue(months=None, recurrence=None, warnings=('duration_is_date',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import DurationValue, Language
from cittaslow_extract.normalize.dates import is_placeholder, parse_date
from cittaslow_extract.normalize.numbers import find_numbers, parse_word_number, tidy, word_number_pattern, word_pattern
from cittaslow_extract.normalize.turkish import ascii_key

__all__ = ["parse_duration", "recurrences", "unit_words"]

_DAYS_PER_MONTH = Decimal("365.2425") / 12
_CENT = Decimal("0.01")
_FREQUENCIES = frozenset({"annual", "biennial", "monthly", "weekly", "daily"})
_LETTER = r"[^\W\d_]"
_COMPOUND_JOINT = re.compile(r"^\s*(?:,|and|ve|\+)?\s*$", re.I)
_RANGE_BEFORE = re.compile(  # "6-8 months", "6 to 8 months", "1 ile 2 yıl": the "6-" before a length
    r"(?<![0-9.,])[0-9]{1,3}(?:[.,][0-9]+)?\s*(?:[-–—]|to|or|ile|ila|veya|ya\s+da)\s*$", re.I
)
_HALF_AFTER = re.compile(r"\s+and\s+a\s+half(?!\w)", re.I)
_ONCE_AFTER = re.compile(r"\s+bir(?!\w)", re.I)  # "2 yılda bir" = once every 2 years
_A_UNIT_AND_HALF = re.compile(r"(?<!\w)an?\s+(?P<unit>year|month|week|day)\s+and\s+a\s+half(?!\w)", re.I)
_HALF_A_UNIT = re.compile(r"(?<!\w)half\s+an?\s+(?P<unit>year|month|week|day)(?!\w)", re.I)


@dataclass(frozen=True, slots=True)
class _Unit:
    name: str  # year | month | week | day
    months: Decimal  # length of one unit in months (exact for year and month)
    exact: bool
    rank: int  # larger units first: year 0, month 1, week 2, day 3


@dataclass(frozen=True, slots=True)
class _DurationData:
    units: dict[str, _Unit]  # ascii_key(word) → unit
    after_number: re.Pattern[str]  # a unit word right after a number
    worded: re.Pattern[str]  # a number in words followed by a unit
    period_markers: tuple[str, ...]  # ascii_key words
    order: tuple[str, ...]
    meanings: tuple[tuple[str, str], ...]
    phrases: dict[str, tuple[str, ...]]  # recurrence → ascii_key phrases
    schedule: tuple[str, ...]
    conditional: tuple[str, ...]
    part_before: tuple[str, ...]  # ascii_key phrases: a length that is part of another
    part_after: tuple[str, ...]
    total: tuple[str, ...]


def _keys(words: list[str]) -> tuple[str, ...]:
    return tuple(ascii_key(w) for w in words if ascii_key(w))


@lru_cache(maxsize=1)
def _data() -> _DurationData:
    doc = load_data("durations.toml")
    units: dict[str, _Unit] = {}
    words: list[str] = []
    for rank, (name, spec) in enumerate(doc["units"].items()):
        if "months" in spec:
            unit = _Unit(name, Decimal(spec["months"]), True, rank)
        else:
            unit = _Unit(name, Decimal(spec["days"]) / _DAYS_PER_MONTH, False, rank)
        for word in spec["words"]:
            units[ascii_key(word)] = unit
            words.append(word)
    alternation = "|".join(word_pattern(w) for w in sorted(words, key=len, reverse=True))
    unit_re = rf"(?P<unit>{alternation})(?:['’]{_LETTER}+)?(?!{_LETTER})"
    recurrence = doc["recurrence"]
    return _DurationData(
        units=units,
        after_number=re.compile(rf"[\s-]*{unit_re}", re.I),
        worded=re.compile(rf"(?P<num>{word_number_pattern()})[\s-]+{unit_re}", re.I),
        period_markers=_keys([w for ws in doc["period_markers"].values() for w in ws]),
        order=tuple(recurrence["order"]),
        meanings=tuple((name, recurrence["meaning"][name]) for name in recurrence["order"]),
        phrases={name: _keys(ps) for name, ps in recurrence["phrases"].items()},
        schedule=_keys(doc["schedule"]["phrases"]),
        conditional=_keys(doc["conditional"]["phrases"]),
        part_before=_keys(doc["parts"]["before"]),
        part_after=_keys(doc["parts"]["after"]),
        total=_keys(doc["parts"]["total"]),
    )


def unit_words() -> frozenset[str]:
    """ascii_key of every time-unit word ("year", "yıllık", "ay", "months"): a figure followed by
    one counts time, not money ("3 yıllık projenin bütçesi 750.000 TL").

    >>> {"yillik", "months", "gun"} <= unit_words()
    True
    """
    return frozenset(_data().units)


def recurrences() -> dict[str, str]:
    """The recurrence vocabulary in priority order: value → meaning (for the README's data dictionary).

    >>> list(recurrences())[:4]
    ['open-ended', 'continuous', 'year-round', 'annual']
    """
    return dict(_data().meanings)


@dataclass(frozen=True, slots=True)
class _Quantity:
    start: int
    end: int
    count: Decimal
    unit: _Unit
    num_end: int  # where the number ends (ranges join numbers)
    period: bool  # "every 2 years", "2 yılda bir"


def _unit_of(token: str) -> _Unit:
    return _data().units[ascii_key(re.sub(r"['’].*$", "", token))]


def _is_period(text: str, start: int, unit_hit: re.Match[str]) -> bool:
    before = ascii_key(text[max(0, start - 20) : start]).split(" ")
    tail = " ".join(before[-2:])
    if any(tail == m or tail.endswith(" " + m) for m in _data().period_markers):
        return True
    locative = ascii_key(unit_hit["unit"]).endswith(("da", "de"))
    return locative and _ONCE_AFTER.match(text, unit_hit.end()) is not None


def _quantities(text: str, language: Language) -> list[_Quantity]:
    data = _data()
    found: list[_Quantity] = []
    for span in find_numbers(text, language):
        hit = data.after_number.match(text, span.end)
        if hit is None or span.is_year_like:
            continue
        count, end = span.value, hit.end()
        half = _HALF_AFTER.match(text, end)
        if half:
            count, end = count + Decimal("0.5"), half.end()
        period = _is_period(text, span.start, hit)
        found.append(_Quantity(span.start, end, count, _unit_of(hit["unit"]), span.end, period))
    covered = bytearray(len(text) + 1)  # characters already read as a length
    for q in found:
        covered[q.start : q.end] = b"\x01" * (q.end - q.start)
    for hit in data.worded.finditer(text):
        if covered[hit.start()] or covered[hit.end() - 1]:
            continue
        worded = parse_word_number(hit["num"], language)
        if worded is not None:
            count = worded
            period = _is_period(text, hit.start(), hit)
            unit = _unit_of(hit["unit"])
            found.append(_Quantity(hit.start(), hit.end(), count, unit, hit.end("num"), period))
    for pattern, extra in ((_A_UNIT_AND_HALF, Decimal("1.5")), (_HALF_A_UNIT, Decimal("0.5"))):
        for hit in pattern.finditer(text):
            if not (covered[hit.start()] or covered[hit.end() - 1]):
                unit = _unit_of(hit["unit"])
                found.append(_Quantity(hit.start(), hit.end(), extra, unit, hit.start(), False))
    return sorted(found, key=lambda q: q.start)


def _months(parts: list[_Quantity]) -> Decimal:
    total = sum((q.count * q.unit.months for q in parts), Decimal(0))
    if all(q.unit.exact for q in parts):
        return tidy(total)
    return tidy(total.quantize(_CENT, rounding=ROUND_HALF_UP))


def _group(text: str, quantities: list[_Quantity]) -> tuple[list[list[_Quantity]], bool]:
    """Lengths as groups of compound parts ("1 year and 6 months"), and whether a range was seen."""
    groups: list[list[_Quantity]] = []
    for q in quantities:
        if groups:
            last = groups[-1][-1]
            joint = text[last.end : q.start]
            if _COMPOUND_JOINT.match(joint) and q.unit.rank > last.unit.rank:
                groups[-1].append(q)
                continue
        groups.append([q])
    # "6-8 months": a number joined to a length by a dash or "to"
    ranged = any(_RANGE_BEFORE.search(text, max(0, q.start - 24), q.start) for q in quantities)
    return groups, ranged


def _words_before(text: str, pos: int) -> str:
    return " ".join(ascii_key(text[max(0, pos - 30) : pos]).split()[-3:])


def _words_after(text: str, pos: int) -> str:
    return " ".join(ascii_key(text[pos : pos + 30]).split()[:2])


def _ends_with_any(key: str, phrases: tuple[str, ...]) -> bool:
    return any(key == p or key.endswith(" " + p) for p in phrases)


def _whole_lengths(text: str, groups: list[list[_Quantity]]) -> list[list[_Quantity]]:
    """Several lengths: leave out those that are part of another ("17 months, including 12 months");
    when one of the rest is the stated total ("toplam 17 ay"), only it."""
    data = _data()
    if len(groups) < 2:
        return groups
    whole = [
        g for g in groups
        if not _ends_with_any(_words_before(text, g[0].start), data.part_before)
        and not any(_words_after(text, g[-1].end).startswith(p) for p in data.part_after)
    ]
    totals = [g for g in whole if _ends_with_any(_words_before(text, g[0].start), data.total)]
    return totals if len(totals) == 1 else whole or groups


def _has_phrase(key: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {key} "
    return any(f" {p} " in padded for p in phrases)


def _recurrence_phrase(key: str) -> str | None:
    data = _data()
    for name in data.order:
        if _has_phrase(key, data.phrases.get(name, ())):
            return name
    return None


def _period_recurrence(q: _Quantity) -> str | None:
    table = {("year", 1): "annual", ("year", 2): "biennial", ("month", 1): "monthly",
             ("week", 1): "weekly", ("day", 1): "daily"}
    return table.get((q.unit.name, int(q.count))) if q.count == int(q.count) else None


def _names_a_date(text: str, language: Language) -> bool:
    if any(s.is_year_like for s in find_numbers(text, language)):
        return True
    return parse_date(text, language).iso is not None


def parse_duration(text: str | None, language: Language = "en") -> DurationValue:
    """A duration field's text as a DurationValue (see the module docstring for the rules).

    >>> parse_duration("6 MONTHS").months, parse_duration("1,5 yıl", "tr").months
    (Decimal('6'), Decimal('18'))
    >>> parse_duration("1 year and 6 months").months
    Decimal('18')
    >>> parse_duration("Services are carried on during working hours on weekdays.")
    DurationValue(months=None, recurrence='continuous', warnings=('duration_schedule_only',))
    >>> parse_duration("")
    DurationValue(months=None, recurrence=None, warnings=())
    """
    if text is None or is_placeholder(text):
        return DurationValue(None)
    try:
        return _parse(text, language)
    except (ArithmeticError, ValueError, KeyError):  # defensive: a normaliser never raises
        return DurationValue(None, None, ("duration_unreadable",))


def _parse(text: str, language: Language) -> DurationValue:
    key = ascii_key(text)
    quantities = _quantities(text, language)
    lengths = [q for q in quantities if not q.period]
    periods = [q for q in quantities if q.period]
    recurrence = _recurrence_phrase(key)
    if periods and (recurrence is None or recurrence in _FREQUENCIES):
        # "2 yılda bir" also contains the annual phrase "yılda bir": the stated period wins
        recurrence = _period_recurrence(periods[0])
    groups, ranged = _group(text, lengths)
    if ranged:
        return DurationValue(None, recurrence, ("duration_range",))
    values = {_months(g) for g in _whole_lengths(text, groups)}
    if len(values) == 1:
        return DurationValue(values.pop(), recurrence)
    if len(values) > 1:
        return DurationValue(None, recurrence, ("duration_several",))
    if recurrence is not None:
        return DurationValue(None, recurrence)
    data = _data()
    if periods:
        return DurationValue(None, None, ("duration_period_only",))
    dated = _names_a_date(text, language)
    if _has_phrase(key, data.conditional) and not dated:
        return DurationValue(None, "open-ended", ("duration_conditional",))
    if _has_phrase(key, data.schedule):
        return DurationValue(None, "continuous", ("duration_schedule_only",))
    if dated:
        return DurationValue(None, None, ("duration_is_date",))
    return DurationValue(None, None, ("duration_unreadable",))
