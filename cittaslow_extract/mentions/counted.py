"""The counted thing after a number: the short noun phrase whose head (lemmatised, lemmas.py) is
the unit of a QUANTITY ("156 thousand 313 children" → child, "12 yeni kütüphane" → kütüphane).

A number with no counted word after it, or one followed by a time span, an age, a share or a month,
counts no thing ("2 years", "80 percent", "10 May").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cittaslow_extract.mentions.lemmas import is_plural, lemma_tr, lemmas, unit_lemma
from cittaslow_extract.mentions.rules import Rules, before_apostrophe, patterns
from cittaslow_extract.mentions.tokens import Lex, Text
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.dates import month_number
from cittaslow_extract.normalize.turkish import ascii_key, tr_lower

__all__ = ["Phrase", "count_unit", "counted_phrase", "rate_end"]

_PHRASE_MAX_WORDS = 4  # words of the counted-thing phrase after a number
_PARENTHESIS_MAX_TOKENS = 10  # "nearly 200 (2020, 2021) theater plays": an aside that is skipped


@dataclass(frozen=True, slots=True)
class Phrase:
    """The counted thing after a number: its head word, its last token, and whether it is plural."""

    head: str
    end_tok: int
    plural: bool


def counted_phrase(body: Text, j: int, lang: Language, rules: Rules) -> Phrase | None:
    """The short noun phrase after a number ("street artists", "Fairy Tale Houses", "kütüphane"),
    or None when no counted word follows."""
    lex = body.lex
    n = len(lex)
    k = j
    if k < n and lex[k].text == "(":  # an aside: "nearly 200 (2020, 2021) theater plays"
        aside = range(k + 1, min(n, k + _PARENTHESIS_MAX_TOKENS))
        close = next((m for m in aside if lex[m].text == ")"), None)
        if close is None:
            return None
        k = close + 1
    while k < n and lex[k].key in rules.classifiers:  # "12 adet kütüphane", "3 pieces of"
        k += 1
        if k < n and lex[k].key == "of":
            k += 1
    if lang == "tr":
        return _counted_phrase_tr(lex, k)
    words: list[int] = []
    while k < n and len(words) < _PHRASE_MAX_WORDS:
        x = lex[k]
        if x.text in {"'s", "’s"} and words:  # "women's cooperatives"
            k += 1
            continue
        if x.text == "-" and words and k + 1 < n and lex[k + 1].word:  # "child-friendly parks"
            k += 1
            continue
        if not x.word or x.newline or x.stop or _looks_verb(x, lang, first=not words):
            break
        words.append(k)
        if is_plural(x.text, "en"):  # the head of an English count phrase is its plural noun
            return Phrase(x.text, k, True)
        k += 1
    if not words:
        return None
    return Phrase(lex[words[-1]].text, words[-1], False)


def _counted_phrase_tr(lex: list[Lex], k: int) -> Phrase | None:
    """The counted thing after a number in Turkish, where a numeral takes a singular noun and the
    head comes last: "12 kütüphane", "12 yeni kütüphane", "48 yöneticiye", "240 sokak sanatçısı",
    "7 köy tiyatrosu"; "14 öneri meclis gündemine" counts proposals (öneri)."""
    table = lemmas()
    n = len(lex)

    def usable(m: int, first: bool) -> bool:
        x = lex[m]
        if not x.word or x.newline or _looks_verb(x, "tr", first=first):
            return False
        return not x.stop or x.key in table.tr_modifiers

    while k < n and lex[k].key in table.tr_modifiers and k + 1 < n and usable(k + 1, True):
        k += 1  # "12 yeni kütüphane", "3 mobil kütüphane"
    if k >= n or not usable(k, True):
        return None
    head = k
    inflected = lemma_tr(lex[k].text) != tr_lower(before_apostrophe(lex[k].text))
    if not inflected and k + 1 < n and usable(k + 1, False):
        nxt = lex[k + 1]
        compound = nxt.key.endswith(("i", "u"))  # the compound ending -(s)I, folded: "köy tiyatrosu"
        known_noun = lex[k].key not in table.tr_stem_forms and lemma_tr(nxt.text) in table.tr_stem_set
        if compound or known_noun:  # "sokak sanatçısı"; an adjective before a known noun
            head = k + 1
    return Phrase(lex[head].text, head, True)


def count_unit(body: Text, j: int, lang: Language, rules: Rules) -> tuple[Phrase, str] | None:
    """The counted phrase after a number and its unit lemma, or None when the word after the number
    is a time span, an age, a share, a month or no thing at all ("2 years", "80 percent", "10 May")."""
    phrase = counted_phrase(body, j, lang, rules)
    if phrase is None:
        return None
    unit, counts = _unit(phrase.head, lang)
    return (phrase, unit) if counts else None


@lru_cache(maxsize=8192)
def _unit(head: str, lang: Language) -> tuple[str, bool]:
    """(lemma, whether it names a counted thing) of the head word after a number."""
    rules = patterns().rules[lang]
    unit = unit_lemma(head, lang)
    key = ascii_key(unit)
    return unit, not (key in rules.non_count_units or key in rules.not_things or month_number(head))


def _looks_verb(x: Lex, lang: Language, first: bool) -> bool:
    """A word of the phrase that reads as a verb: "libraries opened", "açıldı", "çıkarılacak".

    Right after the number only long endings count ("3 trained teachers", "5 kedi" are things)."""
    key = x.key
    if len(key) <= 4:
        return False
    if lang == "tr":
        table = lemmas()
        return key.endswith(table.tr_verb_endings_long if first else table.tr_verb_endings)
    return not first and key.endswith(("ed", "ing"))


def rate_end(body: Text, last: int) -> int:
    """End of the phrase, with up to two "per …" rates: "20 villages per month"."""
    lex = body.lex
    end = body.end(last)
    k = last + 1
    for _ in range(2):
        if k + 1 < len(lex) and lex[k].key == "per" and lex[k + 1].word:
            end = body.end(k + 1)
            k += 2
    return end
