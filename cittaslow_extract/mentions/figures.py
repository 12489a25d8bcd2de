"""QUANTITY and MONEY: the numbers of a project's text (normalize.numbers.find_numbers) that count a
thing or are an amount of money.

- QUANTITY: a number followed by the thing it counts (counted.py).  Left out: ranges ("1-5",
  "36 – 53 months"), ages, percentages, time spans ("every 2 years", "45 days"), ordinals, numbers
  that label something ("Article 76", "Covid 19", "Law No. 5393"), numbers with no counted word
  after them, and every figure of a budget text.
- MONEY: a number with a currency before or after it, read by the one currency table and matcher of
  normalize/currency.py (the budget normaliser's), and every non-year number of the budget text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.mentions.counted import count_unit, counted_phrase, rate_end
from cittaslow_extract.mentions.found import Found, found_at, plain
from cittaslow_extract.mentions.rules import Rules
from cittaslow_extract.mentions.tokens import Text
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.currency import currencies, currency_code
from cittaslow_extract.normalize.money import counts_time
from cittaslow_extract.normalize.numbers import NumberSpan, find_numbers, word_pattern

__all__ = ["currency_before", "find_figures", "quantity_or_money"]

_RANGE_AFTER = re.compile(r"\s*[-–—]\s*\d")  # "1-5", "36 – 53"
_RANGE_BEFORE = re.compile(
    r"""
    (?: \d\s*[-–—]\s*                                 # the tail of "1-5"
      | \d\s+(?:to|or|ila|veya|ya\s+da)\s+            # "2 or 3 meetings", "5 ila 10"
      | between\s+\d+\s+and\s+                        # "between 7 and 14"
    )$
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A number glued to a code or a product name: "COVID-19", "24/7", "65+", "#3", "3D", "5G".
_GLUED_BEFORE = re.compile(r"(?:[^\W\d_]-|[/#№+])$")
_GLUED_AFTER = re.compile(r"[/+'’]|[^\W\d_]")  # … and a Turkish case ending: "8'e", "2020'de"
_CURRENCY_BEFORE_WINDOW = 20  # characters before a figure read for a currency written before it


def find_figures(text: str, fields: list[tuple[int, int]], lang: Language) -> list[NumberSpan]:
    """find_numbers over the joined text, leaving out the fields without a digit when they are long
    enough to be worth a call of their own (find_numbers tests every character of what it reads).
    A number never runs from one field into the next, but for "… 3" + "and a half …": then the
    joined text is read whole (`fields`: the (start, end) of each field in it)."""
    runs: list[list[int]] = []  # consecutive fields with a digit, as one (start, end)
    gap = True
    for a, b in fields:
        if not _DIGIT.search(text, a, b):
            gap = True
        elif gap:
            runs.append([a, b])
            gap = False
        else:
            runs[-1][1] = b
    if not runs:
        return []
    skipped = len(text) - sum(b - a for a, b in runs)
    if skipped < _CHARS_PER_CALL * len(runs):
        return find_numbers(text, lang)
    half = _half_after_figure()
    if any(b < len(text) and _ends_with_figure(text, a, b) and half.match(text, b) for a, b in runs):
        return find_numbers(text, lang)
    out: list[NumberSpan] = []
    for a, b in runs:
        spans = find_numbers(text[a:b], lang)
        out += spans if a == 0 else [
            NumberSpan(s.start + a, s.end + a, s.value, s.raw, s.is_year_like, s.ambiguous) for s in spans
        ]
    return out


# About what one more call of find_numbers costs, in characters it reads (measured on the samples).
_CHARS_PER_CALL = 100
_DIGIT = re.compile(r"[0-9]")


def _ends_with_figure(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] ends with a digit, white space aside."""
    while b > a and text[b - 1].isspace():
        b -= 1
    return b > a and text[b - 1] in "0123456789"


@lru_cache(maxsize=1)
def _half_after_figure() -> re.Pattern[str]:
    """White space, then "and a half" / "buçuk" (data/numbers.toml), which find_numbers adds to a
    figure before it, line breaks between included."""
    halves = load_data("numbers.toml")["halves"]
    alternation = "|".join(word_pattern(h) for lang in halves.values() for h in lang)
    return re.compile(rf"\s*(?:{alternation})", re.IGNORECASE)


def quantity_or_money(
    body: Text, number: NumberSpan, in_budget: bool, lang: Language, place_tokens: set[int]
) -> Found | None:
    """The QUANTITY or MONEY mention of one number, or None when it counts no thing (its place_tokens
    are those of place names: a place before a number is no label, "Buca 12 parks")."""
    text, rules = body.text, body.rules
    at, stop = number.start, number.end
    before, after = text[max(0, at - 40) : at], text[stop : stop + 40]
    last = before.rstrip()[-1:]  # the character before the number, spaces skipped
    nxt = after.lstrip()[:1]  # … and after it
    if nxt == "%" or last == "%":  # "80%", "% 80"
        return None
    if nxt and nxt in _DASHES and _RANGE_AFTER.match(after):
        return None
    if last and (last in _DASHES or last in _RANGE_WORD_ENDS) and _RANGE_BEFORE.search(before):
        return None
    i = body.token_at(at)
    first = _approximated_start(body, i, rules)  # the approximation's first token, or the number's
    start = body.starts[first] if first != i else at
    cur_after = currencies().after.match(after)
    if cur_after:
        end = stop + cur_after.end()
        return found_at(body, first, "MONEY", start, end, plain(number.value), currency_code(cur_after["cur"]))
    # a currency before the amount is a symbol or a code: "€2 million", "TL 500" (never a lower-case word)
    cur_before = currency_before(text, at, symbol_or_code=True)
    if cur_before:
        start = min(start, cur_before[0])
        return found_at(body, body.token_at(start), "MONEY", start, stop, plain(number.value), cur_before[1])
    j = body.token_from(stop)
    if in_budget:  # a figure of a budget text is money, never a count ("for 3 years" is neither)
        counts = counted_phrase(body, j, lang, rules) is not None or counts_time(text, stop)  # "10-year"
        if not number.is_year_like and not counts:
            return found_at(body, first, "MONEY", start, stop, plain(number.value), None)
        return None
    glued_after = after[:1] and not after[:1].isspace() and _GLUED_AFTER.match(after[:1])
    if glued_after or (before[-1:] in _GLUE_MARKS and _GLUED_BEFORE.search(before[-2:])):
        return None
    if _labels_number(body, first, i, rules, place_tokens):
        return None
    counted = count_unit(body, j, lang, rules)
    if counted is None:
        return None
    phrase, unit = counted
    end = rate_end(body, phrase.end_tok)
    return found_at(body, first, "QUANTITY", start, end, plain(number.value), unit)


_DASHES = frozenset("-–—")
# the last letters of the words _RANGE_BEFORE ends with ("to", "or", "ila", "veya", "ya da", "and")
_RANGE_WORD_ENDS = frozenset("oraOdRAD")
_GLUE_MARKS = frozenset("-/#№+")  # the last character of a _GLUED_BEFORE match


def _approximated_start(body: Text, i: int, rules: Rules) -> int:
    """First token of "nearly 200", "a total of 14", "yaklaşık 150" (the approximation joins the
    text) for the number at token i; i itself when no approximation stands before it."""
    lex = body.lex
    if i == 0:
        return i
    for phrase in rules.approximators.get(lex[i - 1].key, ()):
        n = len(phrase)
        if i - n < 0:
            continue
        window = lex[i - n : i]
        if all(x.key == p for x, p in zip(window, phrase)) and not any(x.newline for x in window):
            return i - n
    return i


def _labels_number(body: Text, first: int, i: int, rules: Rules, place_tokens: set[int]) -> bool:
    """True when the word before a number (at token i; its approximation starts at token first)
    makes it a label, an age or a code: "aged 5", "Article 76", "Law No. 5393", "Covid 19" (a
    capitalised word that does not start a sentence)."""
    if first <= 0:
        return False
    lex = body.lex
    prev = lex[first - 1]
    if prev.key in rules.not_count_before:
        return True
    if prev.text == "." and first >= 2 and lex[first - 2].key in rules.not_count_before:
        return True  # "No. 5393" split as "No" "."
    if not (prev.word and prev.cap and not prev.stop) or prev.apostrophe:
        return False  # "Bornova'da 12 kütüphane": a word with a case ending is no label
    return first - 1 > body.sentence_start(i) and (first - 1) not in place_tokens



def currency_before(text: str, at: int, symbol_or_code: bool) -> tuple[int, str | None] | None:
    """(start, ISO code) of a currency written right before the figure at `at`, by the shared matcher
    (normalize.currency) over the few characters before it; with symbol_or_code, a currency word
    ("lira 500") does not count: before an amount a currency is a symbol or a code.

    >>> currency_before("Budget: TL 500", 11, True), currency_before("lira 500", 5, True)
    ((8, 'TRY'), None)
    >>> currency_before("TL'ye 500", 6, False)  # a case ending closes an amount, it opens none
    """
    before = text[max(0, at - _CURRENCY_BEFORE_WINDOW) : at]
    last = before.rstrip()[-1:]
    if last not in _currency_last_chars() or (symbol_or_code and (last.islower() or last.isdigit())):
        return None  # a cheap test that saves most searches
    hit = currencies().before.search(before)
    return (at - len(before) + hit.start(), currency_code(hit["cur"])) if hit else None


@lru_cache(maxsize=1)
def _currency_last_chars() -> frozenset[str]:
    """Every character a currency spelling of the shared table can end with (a Turkish suffix aside:
    "TL'ye" and "liraya" end an amount, not the text before one), in every case the shared matcher
    accepts: the case folding of `re` itself decides ("L" and "l" for "tl", the four i's for
    "lirası", "ſ" for "euros"), over the blocks that hold every character it folds with a Latin
    letter or a currency sign."""
    spellings = currencies().spellings
    last = re.compile("|".join(sorted({word_pattern(s[-1]) for s in spellings})), re.IGNORECASE)
    blocks = ((0x0000, 0x024F), (0x0370, 0x03FF), (0x1E00, 0x1EFF), (0x20A0, 0x214F))
    return frozenset(ch for low, high in blocks for ch in map(chr, range(low, high + 1)) if last.fullmatch(ch))
