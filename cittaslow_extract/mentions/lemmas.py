"""The unit of a QUANTITY: the dictionary form of the counted noun, by the rules of
data/mention_patterns.toml [lemma].

A rule table, not spaCy's lookup lemmatizer: that one's tables ship in the spacy-lookups-data package
(a wheel of about 100 MB, every language), which is not installed and may not be fetched at run
time, while the stage only needs the head noun after a number in two languages.  The table covers
the regular English plurals, the irregular ones municipal reports use, and Turkish case, possessive
and plural endings.

>>> unit_lemma("children", "en"), unit_lemma("Libraries", "en"), unit_lemma("actresses", "en")
('child', 'library', 'actress')
>>> unit_lemma("çocuğa", "tr"), unit_lemma("kütüphane", "tr"), unit_lemma("ilçelerde", "tr")
('çocuk', 'kütüphane', 'ilçe')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.mentions.rules import before_apostrophe, keys
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.turkish import ascii_key, tr_lower

__all__ = ["Lemmas", "is_plural", "lemma_tr", "lemmas", "unit_lemma"]


@dataclass(frozen=True, slots=True)
class Lemmas:
    en_keep: tuple[str, ...]
    en_rules: tuple[tuple[str, str], ...]
    en_irregular: dict[str, str]
    tr_stems: tuple[tuple[str, str], ...]  # (ascii form, stem as written), longest form first
    tr_stem_forms: frozenset[str]  # ascii forms of the stems, softened forms included
    tr_stem_set: frozenset[str]  # the stems as written
    tr_endings: frozenset[str]  # ascii of every plural + possessive + case combination
    tr_plural: tuple[str, ...]
    tr_strippable: tuple[str, ...]
    tr_modifiers: frozenset[str]
    tr_verb_endings: tuple[str, ...]
    tr_verb_endings_long: tuple[str, ...]  # three letters or more


@lru_cache(maxsize=1)
def lemmas() -> Lemmas:
    """The [lemma] tables of data/mention_patterns.toml, read once."""
    doc = load_data("mention_patterns.toml")["lemma"]
    en, tr = doc["en"], doc["tr"]
    stems: dict[str, str] = {}
    for stem in tr["stems"]:
        stems.setdefault(ascii_key(stem), stem)
        soft = tr["softening"].get(stem[-1])
        if soft:  # çocuk → çocuğ-a, kitap → kitab-ı
            stems.setdefault(ascii_key(stem[:-1] + soft), stem)
    plural = [ascii_key(p) for p in tr["plural"]]
    possessive = [ascii_key(p) for p in tr["possessive"]]
    case = [ascii_key(c) for c in tr["case"]]
    endings = frozenset(p + q + c for p in ["", *plural] for q in ["", *possessive] for c in ["", *case])
    verb_endings = tuple(sorted((ascii_key(v) for v in tr["verb_endings"]), key=len, reverse=True))
    return Lemmas(
        en_keep=tuple(en["keep"]),
        en_rules=tuple((a, b) for a, b in en["rules"]),
        en_irregular=dict(en["irregular"]),
        tr_stems=tuple(sorted(stems.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        tr_stem_forms=frozenset(stems),
        tr_stem_set=frozenset(stems.values()),
        tr_endings=endings,
        tr_plural=tuple(plural),
        tr_strippable=tuple(sorted((ascii_key(s) for s in tr["strippable"]), key=len, reverse=True)),
        tr_modifiers=keys(tr["modifiers"]),
        tr_verb_endings=verb_endings,
        tr_verb_endings_long=tuple(e for e in verb_endings if len(e) >= 3),
    )


def unit_lemma(word: str, language: Language) -> str:
    """The dictionary form of a counted noun: singular, lower case, without Turkish case endings.

    >>> unit_lemma("Houses", "en"), unit_lemma("people", "en"), unit_lemma("buses", "en")
    ('house', 'person', 'bus')
    >>> unit_lemma("kitabı", "tr"), unit_lemma("Çiğli'de", "tr")
    ('kitap', 'çiğli')
    """
    head = before_apostrophe(word)
    return lemma_tr(head) if language == "tr" else _lemma_en(head)


@lru_cache(maxsize=4096)
def _lemma_en(word: str) -> str:
    data = lemmas()
    lower = word.lower()
    if lower in data.en_irregular:
        return data.en_irregular[lower]
    if lower.endswith(data.en_keep):
        return lower
    for suffix, replacement in data.en_rules:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 1:
            return lower[: -len(suffix)] + replacement
    return lower


@lru_cache(maxsize=4096)
def lemma_tr(word: str) -> str:
    """The stem of a Turkish noun: a known stem with its endings, else the word without a plural
    ending and what follows it, or without a locative/ablative ending.

    >>> lemma_tr("sanatçılara"), lemma_tr("mahallede")
    ('sanatçı', 'mahalle')
    """
    data = lemmas()
    lower = tr_lower(word)
    key = ascii_key(lower)
    for form, stem in data.tr_stems:
        if key.startswith(form) and key[len(form) :] in data.tr_endings:
            return stem
    # an unknown word loses a plural ending and what follows it, or a locative/ablative ending,
    # when four letters or more are left ("sanatçılara" → "sanatçı"; "kütüphane" stays whole)
    for plural in data.tr_plural:
        at = key.find(plural, 3)
        while at != -1:
            if key[at:] in data.tr_endings:
                return lower[:at]
            at = key.find(plural, at + 1)
    for ending in data.tr_strippable:
        if key.endswith(ending) and len(key) - len(ending) >= 4:
            return lower[: -len(ending)]
    return lower


def is_plural(word: str, language: Language) -> bool:
    """Whether a noun is written in the plural.

    >>> is_plural("parks", "en"), is_plural("park", "en"), is_plural("parklar", "tr")
    (True, False, True)
    """
    if language == "tr":
        key = ascii_key(word)
        return any(key.find(p, 3) != -1 for p in lemmas().tr_plural)
    return _lemma_en(word) != word.lower()
