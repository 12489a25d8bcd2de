"""The word lists of data/mention_patterns.toml, per language, as matching keys.

Every word is kept as its key (`norm`: ASCII-folded, without a Turkish case ending), the form tokens
are compared in, so "Çiğli'de", "ÇİĞLİ" and "cigli" meet.

>>> norm("Çiğli'de"), norm("ÇİĞLİ"), norm("'s")
('cigli', 'cigli', "'s")
>>> rules = patterns().rules["en"]
>>> "will" in rules.planned_words, ("so", "far") in rules.realised_phrases["so"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.turkish import ascii_key

__all__ = [
    "APOSTROPHES", "LANGUAGES", "Keyed", "Patterns", "PhraseIndex", "Rules",
    "before_apostrophe", "is_planned_word", "keys", "norm", "patterns", "phrase_at",
]

LANGUAGES: tuple[Language, ...] = ("en", "tr")
APOSTROPHES = "'’"
PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]  # a word → the multi-word phrases it starts (or ends)


@dataclass(frozen=True, slots=True)
class Rules:
    """The word lists of one language, as keys (see `norm`)."""

    planned_words: frozenset[str]
    planned_phrases: PhraseIndex  # first word → multi-word phrases
    planned_prefixes: tuple[str, ...]
    planned_infixes: tuple[str, ...]
    not_planned: frozenset[str]
    realised_words: frozenset[str]
    realised_phrases: PhraseIndex
    clause_breaks: frozenset[str]
    approximators: PhraseIndex  # last word → phrases, longest first
    not_count_before: frozenset[str]
    non_count_units: frozenset[str]
    not_things: frozenset[str]
    classifiers: frozenset[str]
    date_prepositions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Patterns:
    rules: dict[Language, Rules]
    org_en_suffixes: frozenset[str]  # "municipality", "council" …
    org_en_of: frozenset[str]  # … those that may take an "of" complement: "ministry", "chamber"
    org_tr_prefixes: tuple[str, ...]  # "belediye", "dernek" …: the start of a Turkish organisation word
    org_groups: PhraseIndex  # first word → "working group" …: a name of a part of an organisation


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """The matching key of a token: ASCII-folded, without a Turkish case ending after an apostrophe."""
    if text[:1] in APOSTROPHES:
        return "'" + text[1:].lower()
    key = ascii_key(before_apostrophe(text))
    return key if key and " " not in key else text.lower()


def before_apostrophe(word: str) -> str:
    """The word without what follows an apostrophe inside it: "Çiğli'de" → "Çiğli".

    >>> before_apostrophe("Bornova’da"), before_apostrophe("'s")
    ('Bornova', "'s")
    """
    for mark in APOSTROPHES:
        cut = word.find(mark)
        if cut > 0:
            word = word[:cut]
    return word


def keys(words: list[str]) -> frozenset[str]:
    """The keys of words, the empty ones left out."""
    return frozenset(k for k in (norm(w) for w in words) if k)


def _phrases(words: list[str]) -> tuple[tuple[str, ...], ...]:
    split = {tuple(ascii_key(w).split()) or (w,) for w in words}
    return tuple(sorted(split, key=lambda p: (-len(p), p)))


def _index(words: list[str], at: int) -> PhraseIndex:
    """The phrases of `words` by their word at position `at` (0: first, -1: last), longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _phrases(words):
        index.setdefault(phrase[at], []).append(phrase)
    return {word: tuple(phrases) for word, phrases in index.items()}


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The rules of data/mention_patterns.toml, read once."""
    doc = load_data("mention_patterns.toml")
    rules = {}
    for lang in LANGUAGES:
        planned = doc["planned"][lang]
        realised = doc["realised"][lang]
        rules[lang] = Rules(
            planned_words=keys(planned.get("words", [])),
            planned_phrases=_index(planned.get("phrases", []), 0),
            planned_prefixes=tuple(ascii_key(p) for p in planned.get("prefixes", [])),
            planned_infixes=tuple(ascii_key(p) for p in planned.get("infixes", [])),
            not_planned=keys(planned.get("not_planned", [])),
            realised_words=keys(realised.get("words", [])),
            realised_phrases=_index(realised.get("phrases", []), 0),
            clause_breaks=keys(doc["clause_breaks"][lang]),
            approximators=_index(doc["approximators"][lang], -1),
            not_count_before=keys(doc["not_count_before"][lang]),
            non_count_units=keys(doc["non_count_units"][lang]) | frozenset({"%"}),
            not_things=keys(doc["not_things"][lang]),
            classifiers=keys(doc["classifiers"][lang]),
            date_prepositions=keys(doc["date_prepositions"][lang]),
        )
    org = doc["org"]
    return Patterns(
        rules=rules,
        org_en_suffixes=keys(org["en"]["suffixes"]),
        org_en_of=keys(org["en"]["of_complement"]),
        org_tr_prefixes=tuple(sorted(keys(org["tr"]["suffixes"]), key=len, reverse=True)),
        org_groups=_index([g for lang in LANGUAGES for g in org["groups"][lang]], 0),
    )


def is_planned_word(key: str, word: bool, rules: Rules) -> bool:
    """A word that alone marks a plan: "will", "target", Turkish "açılacak", "planlanan".

    >>> tr = patterns().rules["tr"]
    >>> is_planned_word(norm("açılacak"), True, tr), is_planned_word(norm("açıldı"), True, tr)
    (True, False)
    """
    if key in rules.planned_words:
        return True
    if not word or key in rules.not_planned:
        return False
    if rules.planned_prefixes and key.startswith(rules.planned_prefixes):
        return True
    return any(key.find(infix, 2) != -1 for infix in rules.planned_infixes)


class Keyed(Protocol):
    """A token with its matching key (tokens.Lex)."""

    @property
    def key(self) -> str: ...


def phrase_at(tokens: Sequence[Keyed], i: int, index: PhraseIndex) -> bool:
    """Whether one of the indexed multi-word phrases starts at token i (a test at one place of the
    few words that start a marker, not a search of the text)."""
    for phrase in index.get(tokens[i].key, ()):
        if i + len(phrase) <= len(tokens) and all(tokens[i + n].key == w for n, w in enumerate(phrase)):
            return True
    return False
