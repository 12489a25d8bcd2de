"""Budget fields read as money: every amount with its currency, approximation and years.

What counts as an amount (figures are read by numbers.find_numbers, so "500.000", "1,5 milyon",
"2.3 million" and "906 million" all work in either language):

- a figure with a currency next to it, before or after: "700.000 TL", "₺500", "€2.5m", "TL 500.000",
  "25 milyon TL'ye";
- a bare figure followed by nothing, punctuation or a filler word ("110.000", "500.000 in total");
  its currency is the one other amounts in the text name, else the label's ("BUDGET (TL)" → TRY);
- never a year (a four-digit 1900–2100 figure without a currency after it), a percentage, or a
  figure followed by another word ("200 people", "45 days").

Years: the years written next to an amount (in the same sentence) are the years it refers to; a list
("2019, 2020 and 2021") or a range ("2019-2021") belongs to one amount as a whole.  A year between
two amounts goes to the side its clause belongs to (a comma or "and" separates clauses), else to the
nearer one.  The primary amount is the one for the latest year, else the only or first one.

Warnings (see warning_codes.py): money_no_amount, money_no_currency, money_currency_differs_from_label,
money_ambiguous_number, money_range, money_several_amounts.

>>> b = parse_budget("Approximately 25 million TL")
>>> b.primary.amount, b.primary.currency, b.primary.approximate
(Decimal('25000000'), 'TRY', True)
>>> parse_budget("500.000", label_currency="TRY").primary
MoneyAmount(amount=Decimal('500000'), currency='TRY', approximate=False, years=(), raw='500.000')
>>> b = parse_budget("906 million TL in total in 2019, 2020 and 2021, "
...                  "was increased to 435 million TL in 2022.")
>>> b.primary.amount, b.year, [(a.amount, a.years) for a in b.amounts]
(Decimal('435000000'), 2022, [(Decimal('906000000'), (2019, 2020, 2021)), (Decimal('435000000'), (2022,))])
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from ..models import BudgetValue, Language, MoneyAmount
from .dates import is_placeholder
from .numbers import (
    NumberSpan,
    find_numbers,
    parse_word_number,
    scale_word_pattern,
    tidy,
    word_number_pattern,
    word_pattern,
)
from .turkish import ascii_key, tr_lower

__all__ = ["parse_budget"]

_LETTER = r"[^\W\d_]"
_MAX_YEAR_RANGE = 30  # "2019-2021" expands to its years; a longer span is not a list of budget years
# A figure's scale written straight after it, only next to a currency: "€2.5m", "$300k", "₺1,2M".
_ATTACHED_SCALE = re.compile(rf"(?P<suf>bn|mn|[mMkK])(?!{_LETTER})")
_ATTACHED_POWERS = {"k": 3, "m": 6, "mn": 6, "bn": 9}
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per\s+cent\b)", re.I)
_PERCENT_BEFORE = re.compile(r"(?:%|\byüzde|\bYÜZDE)\s*$", re.I)
_APPROX_SIGN = re.compile(r"[~≈]\s*\S{0,3}$")  # "~500", "~ €500"
_RANGE_JOINT = re.compile(r"^\s*(?:[-–—]|to|ile|ila|and|ve)\s*$", re.I)
_YEAR_JOINT = re.compile(r"^\s*(?:,|and|ve|&|/|[-–—])\s*$", re.I)
_YEAR_DASH = re.compile(r"[-–—]")
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s|$)|\n|;")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:and|but|while|whereas|ve|ama|fakat|iken)\b", re.I)
_HEAD_BREAK = re.compile(r"[:;()\[\]]")
# What follows a bare figure: the end, punctuation (fine), or the word that says what it counts.
_NEXT_TOKEN = re.compile(rf"[ \u00a0\t]*(?:(?P<stop>$|[.,;:()/\[\]\n–—-])|(?P<word>{_LETTER}+))")
_WORDS = re.compile(rf"{_LETTER}+|[~≈]")


@dataclass(frozen=True, slots=True)
class _MoneyData:
    currency_re: re.Pattern[str]  # one currency token
    codes: dict[str, str]  # _fold(token) → ISO code
    approx_before: tuple[str, ...]  # ascii_key phrases
    approx_after: tuple[str, ...]
    fillers: frozenset[str]  # ascii_key words
    worded_re: re.Pattern[str]  # an amount in words followed by a currency: "iki milyon TL"


def _fold(token: str) -> str:
    return " ".join(tr_lower(token).replace("ı", "i").split())


@lru_cache(maxsize=1)
def _data() -> _MoneyData:
    raw = resources.files("cittaslow_extract").joinpath("data/money.toml").read_bytes()
    doc = tomllib.loads(raw.decode("utf-8"))
    codes = {_fold(tok): code for code, toks in doc["currencies"].items() for tok in toks}
    tokens = sorted({t for toks in doc["currencies"].values() for t in toks}, key=len, reverse=True)
    alpha = "|".join(word_pattern(t) for t in tokens if t[0].isalpha())
    symbols = "|".join(re.escape(t) for t in tokens if not t[0].isalpha())
    # a currency word stands alone ("TL", "TL'ye"); a symbol may touch the figure ("₺500")
    currency = rf"(?:(?<!{_LETTER})(?:{alpha})(?:['’]{_LETTER}+)?(?!{_LETTER})|(?:{symbols}))"
    before = doc["approximate"]["before"]
    after = doc["approximate"]["after"]

    def keys(lists: dict[str, list[str]]) -> tuple[str, ...]:
        return tuple(ascii_key(p) or p for words in lists.values() for p in words)

    # in words only with a scale word: "iki milyon TL", "two million euros" (never "on TL")
    worded = re.compile(
        rf"(?P<num>{word_number_pattern()}\s+(?:{scale_word_pattern()}))(?!{_LETTER})\s+(?P<cur>{currency})",
        re.I,
    )
    return _MoneyData(
        currency_re=re.compile(currency, re.I),
        codes=codes,
        approx_before=keys(before),
        approx_after=keys(after),
        fillers=frozenset(ascii_key(w) or w for words in doc["fillers"].values() for w in words),
        worded_re=worded,
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


def _currency_code(token: str) -> str | None:
    token = re.sub(r"['’].*$", "", token)
    return _data().codes.get(_fold(token))


def _currency_after(text: str, pos: int) -> re.Match[str] | None:
    while pos < len(text) and text[pos] in " \u00a0":
        pos += 1
    return _data().currency_re.match(text, pos)


def _currency_before(text: str, pos: int) -> re.Match[str] | None:
    head = text[max(0, pos - 24) : pos].rstrip(" \u00a0")
    for hit in _data().currency_re.finditer(head):
        if hit.end() == len(head):
            offset = max(0, pos - 24)
            return _data().currency_re.match(text, offset + hit.start())
    return None


def _bare_is_money(text: str, end: int) -> bool:
    """A figure without a currency is money only when no other word names what it counts."""
    nxt = _NEXT_TOKEN.match(text, end)
    if nxt is None or nxt["stop"] is not None:
        return True
    if nxt["word"] is None:
        return False
    key = ascii_key(nxt["word"])
    data = _data()
    return key in data.fillers or key in data.approx_after or key.split(" ")[0] in data.approx_after


def _candidate(text: str, span: NumberSpan, taken: int) -> _Candidate | None:
    """An amount made of one figure, or None when the figure is not money."""
    if _PERCENT_AFTER.match(text, span.end) or _PERCENT_BEFORE.search(text[max(0, span.start - 8) : span.start]):
        return None
    value, end = span.value, span.end
    attached = _ATTACHED_SCALE.match(text, end)
    after = _currency_after(text, attached.end() if attached else end)
    before = _currency_before(text, span.start)
    if before is not None and before.start() < taken:
        before = None  # that currency belongs to the amount before: "906 million TL 2019"
    if attached and (after or before):
        value = tidy(value * Decimal(10) ** _ATTACHED_POWERS[attached["suf"].lower()])
        end = attached.end()
    if span.is_year_like and after is None and before is None:
        return None
    if after is not None:
        return _Candidate(
            before.start() if before else span.start, after.end(), span.start, span.end,
            value, _currency_code(after.group()), span.ambiguous,
        )
    if before is not None:
        return _Candidate(
            before.start(), end, span.start, span.end, value, _currency_code(before.group()), span.ambiguous
        )
    if not _bare_is_money(text, end):
        return None
    return _Candidate(span.start, end, span.start, span.end, value, None, span.ambiguous)


def _worded_candidates(text: str, taken: list[tuple[int, int]]) -> list[_Candidate]:
    out = []
    for hit in _data().worded_re.finditer(text):
        if any(a < hit.end() and hit.start() < b for a, b in taken):
            continue
        value = parse_word_number(hit["num"])
        if value is not None:
            code = _currency_code(hit["cur"])
            out.append(_Candidate(hit.start(), hit.end(), hit.start(), hit.start("cur"), value, code, False))
    return out


_YearGroup = tuple[int, int, tuple[int, ...]]  # (start, end, years) of "2019, 2020 and 2021"


def _year_groups(text: str, spans: list[NumberSpan], amounts: list[_Candidate]) -> list[_YearGroup]:
    """(start, end, years) for each list or range of years that is not part of an amount."""
    figures = {c.num_start for c in amounts}  # "2000 TL": a year-like figure that is an amount
    years = [s for s in spans if s.is_year_like and s.start not in figures]
    groups: list[_YearGroup] = []
    for span in years:
        year = int(span.value)
        if groups and _YEAR_JOINT.match(text[groups[-1][1] : span.start]):
            start, _, members = groups[-1]
            dash = _YEAR_DASH.search(text[groups[-1][1] : span.start])
            if dash and 0 < year - members[-1] <= _MAX_YEAR_RANGE:
                members = members + tuple(range(members[-1] + 1, year + 1))
            else:
                members = members + (year,)
            groups[-1] = (start, span.end, members)
        else:
            groups.append((span.start, span.end, (year,)))
    return groups


@dataclass(frozen=True, slots=True)
class _Sentences:
    """Sentence bounds of a text, found once: years only belong to amounts in their sentence."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> "_Sentences":
        starts, ends = [0], []
        for brk in _SENTENCE_BREAK.finditer(text):
            ends.append(brk.start())
            starts.append(brk.end())
        ends.append(len(text))
        return cls(starts, ends)

    def around(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.starts, pos) - 1)
        return self.starts[i], self.ends[i]


def _assign_years(
    text: str, amounts: list[_Candidate], groups: list[_YearGroup], language: Language,
    sentences: _Sentences,
) -> None:
    ends = [c.end for c in amounts]  # amounts are sorted and do not overlap
    starts = [c.start for c in amounts]
    for g_start, g_end, members in groups:
        s_start, s_end = sentences.around(g_start)
        i = bisect_right(ends, g_start) - 1
        j = bisect_left(starts, g_end)
        left = [amounts[i]] if i >= 0 and amounts[i].start >= s_start else []
        right = [amounts[j]] if j < len(amounts) and amounts[j].end <= s_end else []
        if not left and not right:
            continue
        if not right or not left:
            owner = left[-1] if left else right[0]
        else:
            lgap, rgap = text[left[-1].end : g_start], text[g_end : right[0].start]
            lbreak, rbreak = bool(_CLAUSE_BREAK.search(lgap)), bool(_CLAUSE_BREAK.search(rgap))
            if lbreak != rbreak:
                owner = right[0] if lbreak else left[-1]
            elif len(lgap) != len(rgap):
                owner = left[-1] if len(lgap) < len(rgap) else right[0]
            else:  # English writes "X TL in 2022", Turkish "2022 yılında X TL"
                owner = right[0] if language == "tr" else left[-1]
        owner.years = tuple(sorted(set(owner.years) | set(members)))


def _is_approximate(text: str, cand: _Candidate, clause_start: int) -> bool:
    data = _data()
    head = _HEAD_BREAK.split(text[clause_start : cand.start])[-1]  # "… about the project: 500.000"
    if _APPROX_SIGN.search(head) or _APPROX_SIGN.search(text[max(0, cand.num_start - 8) : cand.num_start]):
        return True
    words = ascii_key(" ".join(_WORDS.findall(head)[-3:]))
    padded = f" {words} "
    if any(f" {p} " in padded for p in data.approx_before) or head.rstrip().endswith(("~", "≈")):
        return True
    tail_words = _WORDS.findall(text[cand.end : cand.end + 40])[:2]
    tail = ascii_key(" ".join(tail_words))
    return any(tail == p or tail.startswith(p + " ") for p in data.approx_after)


def _find_ranges(text: str, cands: list[_Candidate]) -> None:
    for i in range(len(cands) - 1):
        a, b = cands[i], cands[i + 1]
        if _RANGE_JOINT.match(text[a.num_end : b.num_start]) and a.end <= b.num_start:
            if a.currency is None or b.currency is None or a.currency == b.currency:
                a.range_with, b.range_with = i + 1, i


def _collect(text: str, language: Language) -> tuple[list[_Candidate], list[NumberSpan]]:
    spans = find_numbers(text, language)
    cands: list[_Candidate] = []
    taken = 0
    for span in spans:
        if span.start < taken:
            continue
        cand = _candidate(text, span, taken)
        if cand is not None:
            cands.append(cand)
            taken = cand.end
    cands.extend(_worded_candidates(text, [(c.start, c.end) for c in cands]))
    cands.sort(key=lambda c: c.start)
    return cands, spans


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
        return BudgetValue((), None, ("money_no_amount",))
    _find_ranges(text, cands)
    sentences = _Sentences.of(text)
    _assign_years(text, cands, _year_groups(text, spans, cands), language, sentences)
    warnings = _resolve_currencies(cands, label_currency)
    amounts: list[MoneyAmount] = []
    for i, c in enumerate(cands):
        clause_start = max(cands[i - 1].end if i else 0, sentences.around(c.start)[0])
        raw = text[c.start : c.end]
        if c.range_with is not None:
            lo, hi = sorted((i, c.range_with))
            raw = text[cands[lo].start : cands[hi].end]
        approx = _is_approximate(text, c, clause_start)
        amounts.append(MoneyAmount(c.value, c.currency, approx, c.years, raw.strip()))
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
