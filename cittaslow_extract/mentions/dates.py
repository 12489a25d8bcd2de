"""DATE mentions: numeric dates ("10.12.2020"), month and year ("March 2020", "2022 Mart") and
four-digit years, read by normalize.dates.parse_date; the value is the ISO partial date.

A year with a currency next to it is money ("2000 TL"), and one followed by a plural count noun is a
count ("2000 trees"), unless a date word stands before it ("in 2021 villages").
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, count
from operator import attrgetter

from cittaslow_extract.mentions.counted import count_unit
from cittaslow_extract.mentions.figures import currency_before
from cittaslow_extract.mentions.found import Found, found_at
from cittaslow_extract.mentions.tokens import Text
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.currency import currency_after
from cittaslow_extract.normalize.dates import parse_date
from cittaslow_extract.normalize.numbers import NumberSpan

__all__ = ["find_dates", "has_numeric_date"]

_NUMERIC_DATE_TOKEN = attrgetter("numeric_date")


def has_numeric_date(body: Text) -> bool:
    """Whether a token of the text is a numeric date (a C-level scan of the token table)."""
    return any(map(_NUMERIC_DATE_TOKEN, body.lex))


def find_dates(body: Text, numbers: list[NumberSpan], lang: Language) -> list[Found]:
    """DATE mentions of numeric dates and of years, widened to "March 2020" / "2022 Mart" when
    parse_date reads the wider text as a month or a day."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    lex, text = body.lex, body.text
    for k in compress(count(), map(_NUMERIC_DATE_TOKEN, lex)):
        x = lex[k]
        iso = x.numeric_date
        if iso:
            start = body.starts[k]
            found.append(found_at(body, k, "DATE", start, start + len(x.text), iso, None))
            taken.append((start, start + len(x.text)))
    for number in numbers:
        if not number.is_year_like or any(a <= number.start < b for a, b in taken):
            continue
        if currency_before(text, number.start, symbol_or_code=False) or currency_after(text, number.end):
            continue  # "2000 TL" is money
        i, j = body.token_at(number.start), body.token_from(number.end)
        if _year_counts_things(body, i, j, lang):
            continue
        start, end, iso = number.start, number.end, number.raw
        for a, b in _date_windows(body, i, j, number):
            wider = _parse_date_iso(text[a:b], lang)
            if wider and len(wider) > 4 and wider.startswith(number.raw):
                start, end, iso = a, b, wider
                break
        k = i if start == number.start else body.token_at(start)
        found.append(found_at(body, k, "DATE", start, end, iso, None))
        taken.append((start, end))
    return found


@lru_cache(maxsize=4096)
def _parse_date_iso(text: str, lang: Language) -> str | None:
    """parse_date(text).iso for the few words around a year ("March 2020"), kept like a word's lemma."""
    return parse_date(text, lang).iso


def _year_counts_things(body: Text, i: int, j: int, lang: Language) -> bool:
    """A four-digit number 1900–2100 followed by a plural count noun ("2000 trees") is a count,
    unless a date word stands before it ("in 2021 villages")."""
    rules = body.rules
    counted = count_unit(body, j, lang, rules)
    if counted is None or not counted[0].plural:
        return False
    return not (i > 0 and body.lex[i - 1].key in rules.date_prepositions)


def _date_windows(body: Text, i: int, j: int, number: NumberSpan) -> list[tuple[int, int]]:
    """Spans around a year with a month name next to it, most specific first: "10 December 2020",
    "March 2020", "2022 yılı Mart", "2022 March" (parse_date then reads them)."""
    lex, starts = body.lex, body.starts
    windows = []
    if i >= 1 and lex[i - 1].month:
        if i >= 2 and lex[i - 2].text.isdigit() and len(lex[i - 2].text) <= 2:
            windows.append((starts[i - 2], number.end))
        windows.append((starts[i - 1], number.end))
    if j + 1 < len(lex) and lex[j].key.startswith("yil") and lex[j + 1].month:
        windows.append((number.start, body.end(j + 1)))
    if j < len(lex) and lex[j].month:
        windows.append((number.start, body.end(j)))
    return windows
