"""Budget fields read as money: every amount with its currency, approximation and years.

What counts as an amount (figures are read by numbers.find_numbers, so "500.000", "1,5 milyon",
"2.3 million" and "906 million" all work in either language):

- a figure with a currency next to it, before or after: "700.000 TL", "₺500", "€2.5m", "TL 500.000",
  "25 milyon TL'ye", "300 milyon liralık", "25.000.TL", "12.335.000-TL", "EUR45.50", "1,2 m. euro"
  (the currency table and matcher are normalize/currency.py, shared with the mentions stage);
- a bare figure followed by nothing, punctuation or a filler word ("110.000", "500.000 in total");
  its currency is the one other amounts in the text name, else the label's ("BUDGET (TL)" → TRY);
- never a year (a four-digit 1900–2100 figure without a currency after it), a percentage, a figure
  followed by another word ("200 people", "45 days") or a time unit ("3 yıllık", "a 10-year
  programme"), a figure with a suffix of its own ("10.000'in"), or, when another amount names its
  currency, a small plain figure (under 1000, no separators or scale word) without one ("79 ile
  2 milyar YTL": 79 provinces).

Ranges: two figures joined by a dash, "to", "ila" or "ile" ("80-120 milyon TL", "from 10 to 20 million
TL", "€5 - €7") are a range: both ends are listed, budget_amount is null (``money_range``).  A scale
word after the high end only is shared by the low end when the low end times it is not above the high
end ("80-120 milyon" is 80 million to 120 million; "500.000 - 1 milyon" is not scaled).

Upper bounds: "up to", "a maximum of", "en fazla", "azami", "maksimum" before an amount, or a dative
currency or scale word and "kadar"/"varan" after it ("500.000 TL'ye kadar", "250 bin liraya kadar"),
make the amount a ceiling: ``upper_bound`` (the projects column budget_upper_bound) is true and the
amount is not approximate for it ("1 milyon TL kadar", without the dative, is approximate).

Free: a text that names no amount but says the project costs nothing ("free", "bedelsiz",
"ücretsiz") gives an amount of 0 in the label's currency, with ``money_free``.

Years: the years written next to an amount (in the same sentence) are the years it refers to; a list
("2019, 2020 and 2021") or a range ("2019-2021") belongs to one amount as a whole.  A year between
two amounts goes to the side its clause belongs to (a comma or "and" separates clauses), else to the
nearer one (money_years.py).  The primary amount is the one for the latest year, else the only or
first one.

Longer than 400 lines because every rule above reads and changes the same private candidate list
(_Candidate: where an amount is, its currency, scale and range partner) in one order; split apart,
each piece would have to export that type and the order in which the pieces may run.

Warnings (see warning_codes.py): money_no_amount, money_no_currency, money_currency_differs_from_label,
money_ambiguous_number, money_range, money_several_amounts, money_free.

>>> b = parse_budget("Approximately 25 million TL")
>>> b.primary.amount, b.primary.currency, b.primary.approximate
(Decimal('25000000'), 'TRY', True)
>>> parse_budget("500.000", label_currency="TRY").primary
MoneyAmount(amount=Decimal('500000'), currency='TRY', approximate=False, years=(), raw='500.000', upper_bound=False)
>>> b = parse_budget("906 million TL in total in 2019, 2020 and 2021, "
...                  "was increased to 435 million TL in 2022.")
>>> b.primary.amount, b.year, [(a.amount, a.years) for a in b.amounts]
(Decimal('435000000'), 2022, [(Decimal('906000000'), (2019, 2020, 2021)), (Decimal('435000000'), (2022,))])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import BudgetValue, Language, MoneyAmount
from cittaslow_extract.normalize.currency import (
    currencies,
    currency_after,
    currency_before,
    currency_code,
    glued_code_pattern,
)
from cittaslow_extract.normalize.dates import is_placeholder
from cittaslow_extract.normalize.durations import unit_words
from cittaslow_extract.normalize.money_years import Sentences, assign_years, year_groups
from cittaslow_extract.normalize.numbers import (
    NumberSpan,
    find_numbers,
    parse_word_number,
    scale_power,
    scale_word_pattern,
    tidy,
    word_number_pattern,
)
from cittaslow_extract.normalize.turkish import ascii_key

__all__ = ["counts_time", "parse_budget"]

_LETTER = r"[^\W\d_]"
# A figure's scale written after it, only next to a currency: "€2.5m", "$300k", "₺1,2M", "1,2 m. euro".
_ATTACHED_SCALE = re.compile(rf"(?: ?(?P<suf>bn|mn|[mMkK])\.|(?P<glued>bn|mn|[mMkK])(?!{_LETTER}))")
_ATTACHED_POWERS = {"k": 3, "m": 6, "mn": 6, "bn": 9}
# A scale word after a dot that ends the figure ("400. milyon TL") or after the distributive suffix
# ("60'şar bin YTL": 60 thousand each), as Turkish pages write them.
_DOT_SCALE = re.compile(rf"(?:\.|['’]ş?[ae]r)[ \u00a0]+(?P<scale>{_LETTER}+)")
# A figure with a genitive suffix of its own is a noun of its sentence, not an amount: "nüfusu
# 10.000'in altında" (a copula or other case stays money under a (TL) label: "500.000'dir").
_OWN_SUFFIX = re.compile(rf"['’]n?[ıiuü]n(?!{_LETTER})")
# A figure glued by a hyphen to a word: "10-year", "3-day" (a compound adjective, not an amount).
_HYPHEN_WORD = re.compile(rf"-{_LETTER}")
# Joints that make a range of two figures even when the first alone would not be money.
_RANGE_FORCING = re.compile(r"^\s*(?:[-–—]|to|ila|ile)\s*$", re.I)
_DATIVE_END = re.compile(r"(?:['’]?y?[aeAE]|['’]?[nN][aeAE])$")  # "TL'ye", "liraya", "milyona", "bine"
_SMALL = 1000  # a plain figure below this beside an amount with a currency counts things
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per\s+cent\b)", re.I)
_PERCENT_BEFORE = re.compile(r"(?:%|\byüzde|\bYÜZDE)\s*$", re.I)
_APPROX_SIGN = re.compile(r"[~≈]\s*\S{0,3}$")  # "~500", "~ €500"
_RANGE_JOINT = re.compile(r"^\s*(?:[-–—]|to|ile|ila|and|ve)\s*$", re.I)
_HEAD_BREAK = re.compile(r"[:;()\[\]]")
# What follows a bare figure: the end, punctuation (fine), or the word that says what it counts.
_NEXT_TOKEN = re.compile(rf"[ \u00a0\t]*(?:(?P<stop>$|[.,;:()/\[\]\n–—-])|(?P<word>{_LETTER}+))")
_WORDS = re.compile(rf"{_LETTER}+|[~≈]")


@dataclass(frozen=True, slots=True)
class _MoneyData:
    approx_before: tuple[str, ...]  # ascii_key phrases
    approx_after: tuple[str, ...]
    fillers: frozenset[str]  # ascii_key words
    worded_re: re.Pattern[str]  # an amount in words followed by a currency: "iki milyon TL"
    upper_before: tuple[str, ...]  # ascii_key phrases (see [upper_bound] in data/money.toml)
    upper_anywhere: tuple[str, ...]
    upper_after_dative: tuple[str, ...]
    upper_after: tuple[str, ...]
    free: tuple[str, ...]  # ascii_key phrases
    units: frozenset[str]  # ascii_key of time-unit words (durations.toml)
    glued_code: re.Pattern[str]  # "EUR45.50": a code straight before digits
    spellings: frozenset[str]  # currency spellings, lower case ("lira" is not a dative)


@lru_cache(maxsize=1)
def _data() -> _MoneyData:
    doc = load_data("money.toml")

    def keys(words: list[str]) -> tuple[str, ...]:
        return tuple(ascii_key(p) or p for p in words)

    def by_language(lists: dict[str, list[str]]) -> tuple[str, ...]:
        return tuple(k for words in lists.values() for k in keys(words))

    upper = doc["upper_bound"]
    # in words only with a scale word: "iki milyon TL", "two million euros" (never "on TL")
    worded = re.compile(
        rf"(?P<num>{word_number_pattern()}\s+(?:{scale_word_pattern()}))(?!{_LETTER})\s+{currencies().token_source}",
        re.I,
    )
    return _MoneyData(
        approx_before=by_language(doc["approximate"]["before"]),
        approx_after=by_language(doc["approximate"]["after"]),
        fillers=frozenset(by_language(doc["fillers"])),
        worded_re=worded,
        upper_before=keys(upper["before"]),
        upper_anywhere=keys(upper["anywhere"]),
        upper_after_dative=keys(upper["after_dative"]),
        upper_after=keys(upper["after"]),
        free=by_language(doc["free"]),
        units=unit_words(),
        glued_code=glued_code_pattern(),
        spellings=frozenset(s.lower() for s in currencies().spellings),
    )


@dataclass(slots=True)
class _Candidate:
    start: int  # includes a currency written before the figure
    end: int  # includes a currency written after it (and its Turkish suffix)
    num_start: int
    num_end: int
    value: Decimal
    currency: str | None
    ambiguous: bool
    years: tuple[int, ...] = ()
    range_with: int | None = None  # index of the other end of "100.000–150.000 TL"
    scale: int = 0  # power of ten of the scale word after the figure ("120 milyon" → 6)
    plain: bool = False  # digits only, no separators or scale word ("79", "3")
    named: bool = False  # the currency is written next to this figure (not inherited)


@dataclass(frozen=True, slots=True)
class _Currency:
    start: int
    end: int
    code: str | None


def _currency_after(text: str, pos: int) -> _Currency | None:
    hit = currency_after(text, pos)
    return _Currency(hit.start("cur"), hit.end(), currency_code(hit["cur"])) if hit else None


def _currency_before(text: str, pos: int) -> _Currency | None:
    hit = currency_before(text, pos)
    return _Currency(hit.start(), hit.end("cur"), currency_code(hit["cur"])) if hit else None


def _next_word(text: str, end: int) -> re.Match[str] | None:
    return _NEXT_TOKEN.match(text, end)


def counts_time(text: str, end: int) -> bool:
    """A figure ending at `end` is followed by a time unit or glued by a hyphen to a word ("3 yıllık",
    "a 10-year programme"): it is not an amount (the mentions stage asks the same of budget figures).

    >>> counts_time("a 10-year programme", 4), counts_time("3 yıllık proje", 1), counts_time("500 TL", 3)
    (True, True, False)
    """
    if _HYPHEN_WORD.match(text, end):
        return True
    nxt = _next_word(text, end)
    return nxt is not None and nxt["word"] is not None and ascii_key(nxt["word"]) in _data().units


def _bare_is_money(text: str, end: int) -> bool:
    """A figure without a currency is money only when no other word names what it counts."""
    if _OWN_SUFFIX.match(text, end):
        return False  # "10.000'in altında"
    nxt = _next_word(text, end)
    if nxt is None or nxt["stop"] is not None:
        return True
    if nxt["word"] is None:
        return False
    key = ascii_key(nxt["word"])
    data = _data()
    after_words = data.approx_after + data.upper_after_dative + tuple(p.split(" ")[0] for p in data.upper_after)
    return key in data.fillers or key in after_words


def _scaled_by_dot(text: str, end: int) -> tuple[int, int] | None:
    """(power, end) of "400. milyon TL", "60'şar bin YTL": a scale word after a dot or a distributive
    suffix, when a currency follows it."""
    hit = _DOT_SCALE.match(text, end)
    if hit is None:
        return None
    power = scale_power(hit["scale"])
    if power is None or _currency_after(text, hit.end()) is None:
        return None
    return power, hit.end()


def _candidate(text: str, span: NumberSpan, taken: int, force: bool = False) -> _Candidate | None:
    """An amount made of one figure, or None when the figure is not money.

    `force`: the figure opens a range whose other end is money ("from 10 to 20 million TL").
    """
    if _PERCENT_AFTER.match(text, span.end) or _PERCENT_BEFORE.search(text[max(0, span.start - 8) : span.start]):
        return None
    value, end, scale = span.value, span.end, span.scale
    attached = _ATTACHED_SCALE.match(text, end)
    dotted = None if attached else _scaled_by_dot(text, end)
    if dotted is not None:
        value, end, scale = tidy(value * Decimal(10) ** dotted[0]), dotted[1], dotted[0]
    after = _currency_after(text, attached.end() if attached else end)
    before = _currency_before(text, span.start)
    if before is not None and before.start < taken:
        before = None  # that currency belongs to the amount before: "906 million TL 2019"
    if attached and (after or before):
        suffix = (attached["suf"] or attached["glued"]).lower()
        scale = _ATTACHED_POWERS[suffix]
        value = tidy(value * Decimal(10) ** scale)
        end = attached.end()
    if span.is_year_like and after is None and before is None:
        return None
    plain = scale == 0 and span.raw.isdigit() and value < _SMALL
    if after is not None:
        start = before.start if before else span.start
        return _Candidate(start, after.end, span.start, span.end, value, after.code, named=True,
                          ambiguous=span.ambiguous, scale=scale, plain=plain)
    if before is not None:
        return _Candidate(before.start, end, span.start, span.end, value, before.code, named=True,
                          ambiguous=span.ambiguous, scale=scale, plain=plain)
    if not force and (counts_time(text, end) or not _bare_is_money(text, end)):
        return None
    return _Candidate(span.start, end, span.start, span.end, value, None,
                      ambiguous=span.ambiguous, scale=scale, plain=plain)


def _worded_candidates(text: str, taken: list[tuple[int, int]]) -> list[_Candidate]:
    out = []
    for hit in _data().worded_re.finditer(text):
        if any(a < hit.end() and hit.start() < b for a, b in taken):
            continue
        value = parse_word_number(hit["num"])
        if value is not None:
            code = currency_code(hit["cur"])
            out.append(
                _Candidate(hit.start(), hit.end(), hit.start(), hit.start("cur"), value, code, False, named=True)
            )
    return out


_FIGURE_SUFFIX = re.compile(rf"['’]{_LETTER}+")  # "500.000'e kadar": a suffix on the bare figure


def _tail_key(text: str, cand: _Candidate) -> str:
    """The two words after the amount (a suffix on the figure itself skipped)."""
    suffix = _FIGURE_SUFFIX.match(text, cand.end)
    start = suffix.end() if suffix else cand.end
    return ascii_key(" ".join(_WORDS.findall(text[start : start + 40])[:2]))


def _starts_with_any(key: str, phrases: tuple[str, ...]) -> bool:
    return any(key == p or key.startswith(p + " ") for p in phrases)


def _ends_dative(text: str, cand: _Candidate) -> bool:
    """The amount ends with a dative currency or scale word: "TL'ye", "liraya", "milyona", "bine"
    (not a currency spelling that merely ends in a vowel: "lira", "euro")."""
    suffix = _FIGURE_SUFFIX.match(text, cand.end)
    raw = text[cand.num_start : suffix.end() if suffix else cand.end].rstrip()
    last = raw.split()[-1] if raw.split() else ""
    return bool(_DATIVE_END.search(last)) and last.lower() not in _data().spellings


def _upper_bound(text: str, cand: _Candidate, clause_start: int) -> tuple[bool, bool]:
    """(whether the amount is a ceiling, whether the word after it said so): "up to 300.000 TL",
    "azami destek tutarı 4.000.000 TL", "500.000 TL'ye kadar"."""
    data = _data()
    head = _HEAD_BREAK.split(text[clause_start : cand.start])[-1]
    last_words = f" {ascii_key(' '.join(_WORDS.findall(head)[-4:]))} "
    whole_head = f" {ascii_key(head)} "
    if any(f" {p} " in last_words for p in data.upper_before) or any(f" {p} " in whole_head for p in data.upper_anywhere):
        return True, False
    tail = _tail_key(text, cand)
    if _ends_dative(text, cand) and _starts_with_any(tail, data.upper_after_dative):
        return True, True
    return _starts_with_any(tail, data.upper_after), True


def _is_approximate(text: str, cand: _Candidate, clause_start: int, tail_taken: bool = False) -> bool:
    """Approximation words before the amount, or after it unless they said it is a ceiling."""
    data = _data()
    head = _HEAD_BREAK.split(text[clause_start : cand.start])[-1]  # "… about the project: 500.000"
    if _APPROX_SIGN.search(head) or _APPROX_SIGN.search(text[max(0, cand.num_start - 8) : cand.num_start]):
        return True
    words = ascii_key(" ".join(_WORDS.findall(head)[-3:]))
    padded = f" {words} "
    if any(f" {p} " in padded for p in data.approx_before) or head.rstrip().endswith(("~", "≈")):
        return True
    return not tail_taken and _starts_with_any(_tail_key(text, cand), data.approx_after)


def _joined_as_range(text: str, a: _Candidate, b: _Candidate) -> bool:
    """The two amounts are the ends of a range: "100.000-150.000 TL", "€5 - €7", "10 to 20 million TL"."""
    if a.end > b.num_start and a.end > b.start:
        return False
    # between the figures ("100.000-150.000 TL"), or between the amounts when both write their
    # currency ("€5 - €7"; "and" there lists two amounts: "500.000 TL and 200.000 TL")
    joint = _RANGE_JOINT.match(text[a.num_end : b.num_start]) or (
        a.end <= b.start and _RANGE_FORCING.match(text[a.end : b.start])
    )
    if not joint or not (a.currency is None or b.currency is None or a.currency == b.currency):
        return False
    if a.plain and b.scale and a.value * Decimal(10) ** b.scale > b.value:
        return False  # "79 ile 2 milyar YTL": 79 provinces, not a range
    return True


def _share_scale(a: _Candidate, b: _Candidate) -> None:
    """"80-120 milyon TL": the scale word after the high end scales the low end too, when the low
    end times it is not above the high end."""
    if a.scale == 0 and b.scale and a.value * Decimal(10) ** b.scale <= b.value:
        a.value, a.scale = tidy(a.value * Decimal(10) ** b.scale), b.scale


def _find_ranges(text: str, cands: list[_Candidate]) -> None:
    for i in range(len(cands) - 1):
        a, b = cands[i], cands[i + 1]
        if a.range_with is None and _joined_as_range(text, a, b):
            a.range_with, b.range_with = i + 1, i
            _share_scale(a, b)


def _opens_range(text: str, span: NumberSpan, nxt: NumberSpan) -> bool:
    """A figure that is not money alone but opens a range whose high end is: "From 26 to 50 €",
    "2 to 3 billion euros"."""
    if span.is_year_like or not _RANGE_FORCING.match(text[span.end : nxt.start]):
        return False
    partner = _candidate(text, nxt, span.end)
    if partner is None or partner.currency is None and not partner.scale:
        return False
    scaled = span.value * Decimal(10) ** partner.scale if not span.scale else span.value
    return span.value < partner.value and scaled <= partner.value


def _collect(text: str, language: Language) -> tuple[list[_Candidate], list[NumberSpan]]:
    # "EUR45.50": blank the code's letters (offsets kept) so the figure is read; the code itself
    # is still found in `text`, before the figure
    masked = _data().glued_code.sub(lambda hit: " " * len(hit.group()), text)
    spans = find_numbers(masked, language)
    cands: list[_Candidate] = []
    taken = 0
    for k, span in enumerate(spans):
        if span.start < taken:
            continue
        cand = _candidate(text, span, taken)
        if cand is None and k + 1 < len(spans) and _opens_range(text, span, spans[k + 1]):
            cand = _candidate(text, span, taken, force=True)
        if cand is not None:
            cands.append(cand)
            taken = cand.end
    cands.extend(_worded_candidates(text, [(c.start, c.end) for c in cands]))
    cands.sort(key=lambda c: c.start)
    return _drop_counts(text, cands), spans


def _drop_counts(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """Beside an amount that names its currency, a small plain figure without one counts things
    ("KÖYDES'le 79 ile 2 milyar YTL"), unless it is a range's end ("80-120 milyon TL")."""
    if not any(c.named for c in cands):
        return cands
    kept = []
    for i, c in enumerate(cands):
        if c.named or not c.plain:
            kept.append(c)
            continue
        prev, nxt = (cands[i - 1] if i else None), (cands[i + 1] if i + 1 < len(cands) else None)
        if (nxt and _joined_as_range(text, c, nxt)) or (prev and _joined_as_range(text, prev, c)):
            kept.append(c)
    return kept


def _says_free(text: str) -> bool:
    key = f" {ascii_key(text)} "
    return any(f" {p} " in key for p in _data().free)


def _resolve_currencies(cands: list[_Candidate], label_currency: str | None) -> list[str]:
    warnings: list[str] = []
    named = {c.currency for c in cands if c.currency}
    for c in cands:
        if c.currency is None and c.range_with is not None:
            c.currency = cands[c.range_with].currency
    fallback = named.pop() if len(named) == 1 else label_currency
    for c in cands:
        if c.currency is None:
            c.currency = fallback
            if fallback is None:
                warnings.append("money_no_currency")
        elif label_currency and c.currency != label_currency:
            warnings.append("money_currency_differs_from_label")
    return warnings


def _choose_primary(amounts: list[MoneyAmount], ranged: bool) -> tuple[MoneyAmount | None, list[str]]:
    if ranged:
        return None, ["money_range"]
    if len(amounts) == 1:
        return amounts[0], []
    dated = [a for a in amounts if a.years]
    if dated:
        latest = max(max(a.years) for a in dated)
        best = [a for a in dated if max(a.years) == latest]
        if len(best) == 1 and len(dated) == len(amounts):
            return best[0], []
        return best[0], ["money_several_amounts"]
    return amounts[0], ["money_several_amounts"]


def parse_budget(
    text: str | None, language: Language = "en", label_currency: str | None = None
) -> BudgetValue:
    """A budget field's text as a BudgetValue (see the module docstring for the rules).

    `label_currency` is the currency the field's label names ("BUDGET (TL)" → "TRY"); a currency
    written in the text wins over it (with a warning).  The language hint only affects which
    separator readings are flagged as ambiguous.

    >>> parse_budget("1.250.000,50 TL", "tr").primary.amount
    Decimal('1250000.5')
    >>> parse_budget("yaklaşık 150.000 TL", "tr").primary.approximate
    True
    >>> parse_budget("Covered for 200 people").warnings
    ('money_no_amount',)
    >>> parse_budget("")
    BudgetValue(amounts=(), primary=None, warnings=())
    """
    if text is None or is_placeholder(text):
        return BudgetValue((), None, ())
    try:
        return _parse(text, language, label_currency)
    except (ArithmeticError, ValueError, IndexError):  # defensive: a normaliser never raises
        return BudgetValue((), None, ("money_no_amount",))


def _parse(text: str, language: Language, label_currency: str | None) -> BudgetValue:
    cands, spans = _collect(text, language)
    if not cands:
        if _says_free(text):  # "bedelsiz", "free of charge": nothing is spent
            free = MoneyAmount(Decimal(0), label_currency, False, (), text.strip())
            return BudgetValue((free,), free, ("money_free",))
        return BudgetValue((), None, ("money_no_amount",))
    _find_ranges(text, cands)
    sentences = Sentences.of(text)
    assign_years(text, cands, year_groups(text, spans, cands), language, sentences)
    warnings = _resolve_currencies(cands, label_currency)
    amounts: list[MoneyAmount] = []
    for i, c in enumerate(cands):
        clause_start = max(cands[i - 1].end if i else 0, sentences.around(c.start)[0])
        raw = text[c.start : c.end]
        if c.range_with is not None:
            lo, hi = sorted((i, c.range_with))
            raw = text[cands[lo].start : cands[hi].end]
        upper, tail_taken = _upper_bound(text, c, clause_start)
        approx = _is_approximate(text, c, clause_start, tail_taken and upper)
        amounts.append(MoneyAmount(c.value, c.currency, approx, c.years, raw.strip(), upper))
        if c.ambiguous:
            warnings.append("money_ambiguous_number")
    if any(c.range_with is not None for c in cands):  # both ends of a range share its years
        amounts = [
            replace(a, years=tuple(sorted(set(a.years) | set(amounts[c.range_with].years))))
            if c.range_with is not None
            else a
            for a, c in zip(amounts, cands)
        ]
    primary, more = _choose_primary(amounts, any(c.range_with is not None for c in cands))
    return BudgetValue(tuple(amounts), primary, tuple(dict.fromkeys(warnings + more)))
