"""Properties of the value normalisers over open-ended input.

- No normaliser raises, whatever the text.
- An amount written in Turkish or English style (with or without grouping, with scale words,
  with a currency before or after it) reads back to the same value.
"""

from __future__ import annotations

from decimal import Decimal

from examples import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cittaslow_extract.models import BudgetValue, DateValue, DurationValue
from cittaslow_extract.normalize.dates import check_range, parse_date, parse_date_range
from cittaslow_extract.normalize.durations import parse_duration
from cittaslow_extract.normalize.money import parse_budget
from cittaslow_extract.normalize.numbers import find_numbers, parse_number, parse_word_number

LANGUAGES = st.sampled_from(["en", "tr"])
# Pieces that exercise the parsers' branches: digits, separators, scale words, currencies,
# months, ongoing words, units and Turkish letters.
TOKENS = st.sampled_from([
    "0", "1", "5", "12", "500", "2019", "2022", "1.5", "1,5", "500.000", "1.250.000,50", "1,500",
    ".", ",", " ", "  ", "-", "–", "/", ":", "%", "~", "'", "’", "(", ")", "\n", "\u00a0", "\u202f",
    "thousand", "million", "milyon", "bin", "milyar", "bn", "m", "k", "and a half", "buçuk",
    "TL", "₺", "€", "$", "EUR", "USD", "Türk Lirası", "TL'ye", "approximately", "yaklaşık", "civarı",
    "March", "Mart", "NİSAN", "Dec", "April 20", "ongoing", "Devam ediyor", "every", "her", "yıl",
    "year", "years", "months", "ay", "weeks", "gün", "until", "kadar", "Year-round", "ı", "İ", "I",
    "and", "ve", "in", "six", "altı", "bir", "half", "2019-2021", "10.12.2020", "03/2021",
])
MIXED = st.lists(TOKENS, max_size=12).map("".join) | st.text(max_size=80)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(MIXED, LANGUAGES)
def test_numbers_never_raise(text: str, language: str) -> None:
    value = parse_number(text, language)  # type: ignore[arg-type]
    assert value is None or isinstance(value, Decimal)
    spans = find_numbers(text, language)  # type: ignore[arg-type]
    for span in spans:
        assert text[span.start : span.end] == span.raw
        assert span.value >= 0
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    parse_word_number(text, language)  # type: ignore[arg-type]


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(MIXED, LANGUAGES, st.sampled_from([None, "TRY", "EUR"]))
def test_money_never_raises(text: str, language: str, label: str | None) -> None:
    value = parse_budget(text, language, label)  # type: ignore[arg-type]
    assert isinstance(value, BudgetValue)
    assert value.primary is None or value.primary in value.amounts
    assert all(a.amount >= 0 for a in value.amounts)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(MIXED, MIXED, LANGUAGES)
def test_dates_never_raise(first: str, second: str, language: str) -> None:
    start, end = parse_date(first, language), parse_date(second, language)  # type: ignore[arg-type]
    assert isinstance(start, DateValue) and isinstance(end, DateValue)
    for value in (start, end):
        assert value.iso is None or len(value.iso) in (4, 7, 10)
        assert not (value.ongoing and value.iso)
    assert check_range(start, end) in ((), ("date_end_before_start",))
    parse_date_range(first + " - " + second, language)  # type: ignore[arg-type]


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(MIXED, LANGUAGES)
def test_durations_never_raise(text: str, language: str) -> None:
    value = parse_duration(text, language)  # type: ignore[arg-type]
    assert isinstance(value, DurationValue)
    assert value.months is None or value.months >= 0


# --------------------------------------------------------------------------- round trips
def _group(digits: str, mark: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return mark.join(parts)


def _format(value: Decimal, style: str, grouped: bool) -> str:
    """`value` as a Turkish ("1.250.000,5") or English ("1,250,000.5") writer would put it."""
    sign, digits, exponent = value.as_tuple()
    assert not sign
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    group_mark, decimal_mark = (".", ",") if style == "tr" else (",", ".")
    if style == "space":
        group_mark, decimal_mark = "\u00a0", ","
    if grouped:
        whole = _group(whole, group_mark)
    return whole + (decimal_mark + fraction if fraction else "")


AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(Decimal),
    st.builds(
        lambda whole, cents: Decimal(whole) + Decimal(cents) / 100,
        st.integers(min_value=0, max_value=10**9),
        st.integers(min_value=1, max_value=99),
    ).map(lambda d: d.normalize() if d != d.to_integral_value() else d),
)
STYLES = st.sampled_from(["tr", "en", "space"])
SCALES = st.sampled_from([
    ("thousand", 3), ("million", 6), ("billion", 9), ("bin", 3), ("milyon", 6), ("milyar", 9),
    ("MİLYON", 6), ("Million", 6),
])


@settings(max_examples=examples(400))
@given(AMOUNTS, STYLES, st.booleans(), LANGUAGES)
@example(Decimal("1500"), "en", True, "tr")  # "1,500" in a Turkish document: thousands (flagged)
@example(Decimal("1.5"), "tr", False, "en")  # "1,5" in an English document: decimal comma
@example(Decimal("0.05"), "tr", True, "tr")
def test_formatted_amount_round_trips(value: Decimal, style: str, grouped: bool, language: str) -> None:
    text = _format(value, style, grouped or style == "space")
    assert parse_number(text, language) == value  # type: ignore[arg-type]


@settings(max_examples=examples(400))
@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    SCALES,
    STYLES,
    LANGUAGES,
)
def test_scaled_amount_round_trips(whole: int, tenth: int, scale: tuple[str, int], style: str, language: str) -> None:
    word, power = scale
    mantissa = Decimal(whole) + Decimal(tenth) / 10
    text = f"{_format(mantissa.normalize() if tenth else Decimal(whole), style, False)} {word}"
    assert parse_number(text, language) == mantissa * Decimal(10) ** power  # type: ignore[arg-type]


CURRENCY_FORMS = st.sampled_from([
    ("{} TL", "TRY"), ("{} TRY", "TRY"), ("{} ₺", "TRY"), ("₺{}", "TRY"), ("{} Türk Lirası", "TRY"),
    ("{} EUR", "EUR"), ("€{}", "EUR"), ("{} €", "EUR"), ("${}", "USD"), ("USD {}", "USD"), ("{} TL'dir", "TRY"),
])
APPROX = st.sampled_from([("", False), ("Approximately ", True), ("yaklaşık ", True), ("about ", True), ("~", True)])


@settings(max_examples=examples(400))
@given(AMOUNTS, STYLES, st.booleans(), CURRENCY_FORMS, APPROX, LANGUAGES, st.sampled_from([None, "TRY"]))
# a figure that looks like a year is still money when a currency stands next to it
@example(Decimal(2000), "en", False, ("USD {}", "USD"), ("", False), "en", None)
@example(Decimal(2022), "tr", False, ("{} TL", "TRY"), ("yaklaşık ", True), "tr", "TRY")
@example(Decimal(1999), "tr", False, ("₺{}", "TRY"), ("", False), "tr", None)
def test_budget_round_trips(
    value: Decimal, style: str, grouped: bool, form: tuple[str, str], approx: tuple[str, bool],
    language: str, label: str | None,
) -> None:
    pattern, code = form
    prefix, approximate = approx
    text = prefix + pattern.format(_format(value, style, grouped or style == "space"))
    budget = parse_budget(text, language, label)  # type: ignore[arg-type]
    assert budget.primary is not None, text
    assert (budget.primary.amount, budget.primary.currency, budget.primary.approximate) == (value, code, approximate)


@settings(max_examples=examples(200))
@given(st.integers(min_value=1, max_value=999), SCALES, CURRENCY_FORMS.filter(lambda f: f[0].startswith("{}")), LANGUAGES)
def test_scaled_budget_round_trips(whole: int, scale: tuple[str, int], form: tuple[str, str], language: str) -> None:
    word, power = scale
    pattern, code = form
    budget = parse_budget(pattern.format(f"{whole} {word}"), language)  # type: ignore[arg-type]
    assert budget.primary is not None
    assert (budget.primary.amount, budget.primary.currency) == (Decimal(whole) * Decimal(10) ** power, code)


# --------------------------------------------------------------------------- inner parsers (issue 16)
# These call the parsers under the catch-all wrappers (parse_budget, parse_date, parse_duration catch
# ArithmeticError/ValueError so a batch never stops): a bug that raises must fail here, not be hidden.
import datetime as _dt  # noqa: E402
import tomllib  # noqa: E402
from importlib import resources  # noqa: E402

from cittaslow_extract.normalize import dates as _dates  # noqa: E402
from cittaslow_extract.normalize import durations as _durations  # noqa: E402
from cittaslow_extract.normalize import money as _money  # noqa: E402
from cittaslow_extract.normalize.currency import currency_after, currency_before  # noqa: E402

INNER_TOKENS = st.sampled_from([
    "80", "120", "10", "2", "3,5", "1,2", "400.", "25.000.", "12.335.000", "60'şar", "10.000'in", "-", " - ",
    " to ", " ila ", " ile ", "TL", "TL.", "-TL", ".-TL", "liralık", "liraya", "EUR45.50", "€", "m.", " m. ",
    "mlr", "mn", "milyon", "million", "billion", "bin", "up to ", "azami ", "en fazla ", "'ye kadar", " kadar",
    "varan", "free", "bedelsiz", "yıllık", "10-year", "Aralık", "14-Aralık-2012", "11. 12. 2014", "June 12-14, 2021",
    "'98", "Dec", "February 1st", "2019", "including", "toplam", "ayı", "months", " ", ".", ",",
])
INNER_MIXED = st.lists(INNER_TOKENS, max_size=10).map("".join) | st.text(max_size=60)


@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
@given(INNER_MIXED, LANGUAGES, st.sampled_from([None, "TRY"]), st.sampled_from([None, "start", "end"]))
def test_inner_parsers_never_raise(text: str, language: str, label: str | None, role: str | None) -> None:
    budget = _money._parse(text, language, label)  # type: ignore[arg-type]
    assert budget.primary is None or budget.primary in budget.amounts
    assert all(a.amount >= 0 for a in budget.amounts)
    found = _dates._find_dates(text, language, (1998, 2021))  # type: ignore[arg-type]
    ends = _dates._range_ends(text, found)
    assert ends is None or len(ends) == 2
    assert _durations._parse(text, language).months is None or _durations._parse(text, language).months >= 0  # type: ignore[arg-type, operator]
    for pos in range(len(text) + 1):
        hit = currency_after(text, pos)
        assert hit is None or hit.start() == pos
        back = currency_before(text, pos)
        assert back is None or back.end() <= pos


RANGE_SCALES = st.sampled_from([("milyon", 6), ("million", 6), ("billion", 9), ("milyar", 9), ("bin", 3)])
RANGE_JOINTS = st.sampled_from(["-", " - ", "–", " to ", " ila ", " ile "])
RANGE_CURRENCIES = st.sampled_from([(" TL", "TRY"), (" EUR", "EUR"), (" euros", "EUR"), (" liralık", "TRY")])


@settings(max_examples=examples(300))
@given(st.integers(1, 998), st.integers(1, 999), RANGE_SCALES, RANGE_JOINTS, RANGE_CURRENCIES, LANGUAGES)
def test_a_scale_word_after_the_high_end_scales_the_low_end(
    low: int, gap: int, scale: tuple[str, int], joint: str, currency: tuple[str, str], language: str
) -> None:
    high = low + gap
    word, power = scale
    suffix, code = currency
    budget = _money._parse(f"{low}{joint}{high} {word}{suffix}", language, None)  # type: ignore[arg-type]
    factor = Decimal(10) ** power
    assert [(a.amount, a.currency) for a in budget.amounts] == [(low * factor, code), (high * factor, code)]
    assert budget.primary is None and "money_range" in budget.warnings


UPPER_FORMS = st.sampled_from([
    "Up to {} TL", "up to €{}", "a maximum of {} EUR", "en fazla {} TL", "azami {} TL", "maksimum {} TL",
    "{} TL'ye kadar", "{} liraya kadar", "{} TL'ye varan",
])


@settings(max_examples=examples(300))
@given(AMOUNTS, STYLES, UPPER_FORMS, LANGUAGES)
def test_an_upper_bound_reads_its_amount_and_says_so(value: Decimal, style: str, form: str, language: str) -> None:
    text = form.format(_format(value, style, True))
    budget = _money._parse(text, language, "TRY")  # type: ignore[arg-type]
    assert budget.primary is not None, text
    assert (budget.primary.amount, budget.primary.upper_bound, budget.primary.approximate) == (value, True, False)


_MONTHS = tomllib.loads(resources.files("cittaslow_extract").joinpath("data/months.toml").read_bytes().decode())["months"]
DATE_FORMS = st.sampled_from([
    "{d}-{tr}-{y}", "{d:02d}.{tr}.{y}", "{d}.{en}.{y}", "{d:02d}.{m:02d}.{y}", "{d}. {m}. {y}",
    "{d} . {m:02d} . {y}", "{d}/{m}/{y}", "{d} {tr} {y}", "{en} {d}, {y}", "{d}-{en}-{y}",
])
DATES = st.dates(min_value=_dt.date(1950, 1, 1), max_value=_dt.date(2060, 12, 31))


def _write(day: _dt.date, form: str) -> str:
    names = _MONTHS[str(day.month)]
    return form.format(d=day.day, m=day.month, y=day.year, en=names[0].title(), tr=names[2].title())


@settings(max_examples=examples(400))
@given(DATES, DATE_FORMS, LANGUAGES)
def test_day_month_year_in_every_separator_form(day: _dt.date, form: str, language: str) -> None:
    text = _write(day, form)
    found = _dates._find_dates(text, language)  # type: ignore[arg-type]
    assert [f.iso for f in found] == [day.isoformat()], text


@settings(max_examples=examples(300))
@given(DATES, DATES, DATE_FORMS, st.sampled_from([" - ", " – ", " to ", "-"]), LANGUAGES)
def test_a_range_in_a_date_field_gives_its_start_or_end(
    first: _dt.date, second: _dt.date, form: str, joint: str, language: str
) -> None:
    start, end = sorted((first, second))
    text = _write(start, form) + joint + _write(end, form)
    ends = _dates._range_ends(text, _dates._find_dates(text, language))  # type: ignore[arg-type]
    assert ends is not None, text
    assert (ends[0].iso, ends[1].iso) == (start.isoformat(), end.isoformat())


@given(st.integers(0, 99), st.integers(1950, 2049))  # centuries 19xx and 20xx only
def test_a_two_digit_year_lands_nearest_the_documents_year(yy: int, year: int) -> None:
    got = _dates._two_digit_year(f"{yy:02d}", (year,))
    assert got % 100 == yy and abs(got - year) <= 50
