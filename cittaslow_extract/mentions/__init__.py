"""Narrative mentions: quantities, money, dates, places and organisations in a project's free text.

The figures analysts report on are written in the narrative ("milk was distributed to 156 thousand 313
children in 30 districts"), so this stage lists them, one row per mention, with its value, the counted
thing (unit) and its character offsets in the field, so a reviewer can highlight it.

How each label is found (precision first: a figure that is not clearly a count of things is left out):

- QUANTITY: a number from normalize.numbers.find_numbers followed by the thing it counts.  The unit is
  the head (last word) of the short noun phrase after the number, lemmatised by the rules of
  data/mention_patterns.toml ("street artists" → artist, "çocuğa" → çocuk).  Left out: ranges
  ("1-5", "36 – 53 months"), ages, percentages, time spans ("every 2 years", "45 days"), ordinals,
  numbers that label something ("Article 76", "Covid 19", "Law No. 5393"), numbers with no counted
  word after them, and every figure of a budget text.
- MONEY: a number with a currency before or after it (currencies of data/money.toml), and every
  non-year number of the budget text.  value is the amount, unit the ISO 4217 code when written.
- DATE: numeric dates ("10.12.2020"), month-and-year ("March 2020", "2022 Mart") and four-digit
  years, read by normalize.dates.parse_date; value is the ISO partial date.
- PLACE: names of the gazetteer (data/gazetteer_izmir.toml plus --gazetteer files), matched on the
  ASCII-folded norm of capitalised words, so "Çiğli", "ÇİĞLİ" and "Cigli" are one place; value is
  the gazetteer spelling, unit the kind of place (district, neighbourhood …).
- ORG: capitalised names ending with an organisation word (… Municipality, … Derneği; words of
  data/mention_patterns.toml), plus the entities of a trained pipeline when --spacy-model names one
  (rule mentions win where they overlap).  A name inside a longer name is not the organisation's: a
  group of it ("Education Commission Working Group") or a quoted title or theme ("“Crisis
  Municipality and Access to Public Services”").
- planned: true when a planning marker ("will", "target", "planned", Turkish -(y)AcAk) stands in the
  mention's clause or an earlier clause of its sentence, unless its own clause says it is done.

spaCy is imported when the first pipeline is built, not when this module is imported.  One blank
pipeline per language (its tokenizer, without the English emoticon special cases that cost five
times the rest of tokenising) is built on first use and kept for the process; a project's fields
are read as one Doc, joined by blank lines, which end sentences.

Speed (bench/bench_mentions.py): what the rules need of a token is computed once per distinct token
text (_Lex) and kept, so a project costs one tokenisation, one pass of a few C-level scans over its
tokens and work per figure and per name.  Place and organisation names are matched on that table
instead of with spaCy's PhraseMatcher and Matcher (which build a Python object per token they read);
the tests hold the matching to what those give.

Unit lemmas come from a small rule table, not spaCy's lookup lemmatizer: its tables ship in the
spacy-lookups-data package (a wheel of about 100 MB, every language), while the stage only needs the
head noun after a number in two languages.  The table is plain data and covers the regular English
plurals, the irregular ones municipal reports use, and Turkish case, possessive and plural endings.

>>> unit_lemma("children", "en"), unit_lemma("Libraries", "en"), unit_lemma("actresses", "en")
('child', 'library', 'actress')
>>> unit_lemma("çocuğa", "tr"), unit_lemma("kütüphane", "tr"), unit_lemma("ilçelerde", "tr")
('çocuk', 'kütüphane', 'ilçe')
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter
from pathlib import Path
from typing import Any

from cittaslow_extract.datafiles import data_text, load_data, parse_toml, read_user_toml
from cittaslow_extract.errors import ConfigError
from cittaslow_extract.models import Language, Mention
from cittaslow_extract.normalize.currency import currencies, currency_code
from cittaslow_extract.normalize.dates import month_number, parse_date
from cittaslow_extract.normalize.money import counts_time
from cittaslow_extract.normalize.numbers import NumberSpan, find_numbers, word_pattern
from cittaslow_extract.normalize.turkish import ascii_key, tr_lower

__all__ = ["MentionExtractor", "Place", "load_gazetteer", "unit_lemma"]

LABELS = ("QUANTITY", "MONEY", "DATE", "PLACE", "ORG")
_LABEL_ORDER = {label: n for n, label in enumerate(LABELS)}
BUDGET_FIELD = "budget_text"
_LANGUAGES: tuple[Language, ...] = ("en", "tr")
_PHRASE_MAX_WORDS = 4  # words of the counted-thing phrase after a number
_PARENTHESIS_MAX_TOKENS = 10  # "nearly 200 (2020, 2021) theater plays": an aside that is skipped
_ORG_MAX_WORDS = 8  # tokens either side of an organisation word that its name may span
# Labels of trained pipelines (OntoNotes, WikiNER, Turkish NER suites) → mention labels.
_MODEL_LABELS = {
    "GPE": "PLACE", "LOC": "PLACE", "LOCATION": "PLACE", "FAC": "PLACE",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "DATE": "DATE", "MONEY": "MONEY",
}
_APOSTROPHES = "'’"
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?")  # 10.12.2020, 2021-05-03, 03/2021
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


# --------------------------------------------------------------------------- rule data
@dataclass(frozen=True, slots=True)
class _Rules:
    """The word lists of one language, as ascii keys (turkish.ascii_key)."""

    planned_words: frozenset[str]
    planned_phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word → multi-word phrases
    planned_prefixes: tuple[str, ...]
    planned_infixes: tuple[str, ...]
    not_planned: frozenset[str]
    realised_words: frozenset[str]
    realised_phrases: dict[str, tuple[tuple[str, ...], ...]]
    clause_breaks: frozenset[str]
    approximators: dict[str, tuple[tuple[str, ...], ...]]  # last word → phrases, longest first
    not_count_before: frozenset[str]
    non_count_units: frozenset[str]
    not_things: frozenset[str]
    classifiers: frozenset[str]
    date_prepositions: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Lemmas:
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


@dataclass(frozen=True, slots=True)
class _Patterns:
    rules: dict[str, _Rules]
    org_en_suffixes: tuple[str, ...]
    org_en_of: tuple[str, ...]
    org_en_connectors: tuple[str, ...]
    org_tr_prefixes: tuple[str, ...]
    org_groups: dict[str, tuple[tuple[str, ...], ...]]  # first word → "working group" …
    lemmas: _Lemmas


def _keys(words: list[str]) -> frozenset[str]:
    return frozenset(k for k in (_norm(w) for w in words) if k)


def _phrases(words: list[str]) -> tuple[tuple[str, ...], ...]:
    split = {tuple(ascii_key(w).split()) or (w,) for w in words}
    return tuple(sorted(split, key=lambda p: (-len(p), p)))


def _by_first_word(words: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _phrases(words):
        index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(phrases) for first, phrases in index.items()}


def _by_last_word(words: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _phrases(words):
        index.setdefault(phrase[-1], []).append(phrase)
    return {last: tuple(phrases) for last, phrases in index.items()}


def _toml(name: str) -> dict[str, Any]:
    return load_data(name)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    doc = _toml("mention_patterns.toml")
    rules = {}
    for lang in _LANGUAGES:
        planned = doc["planned"][lang]
        realised = doc["realised"][lang]
        rules[lang] = _Rules(
            planned_words=_keys(planned.get("words", [])),
            planned_phrases=_by_first_word(planned.get("phrases", [])),
            planned_prefixes=tuple(ascii_key(p) for p in planned.get("prefixes", [])),
            planned_infixes=tuple(ascii_key(p) for p in planned.get("infixes", [])),
            not_planned=_keys(planned.get("not_planned", [])),
            realised_words=_keys(realised.get("words", [])),
            realised_phrases=_by_first_word(realised.get("phrases", [])),
            clause_breaks=_keys(doc["clause_breaks"][lang]),
            approximators=_by_last_word(doc["approximators"][lang]),
            not_count_before=_keys(doc["not_count_before"][lang]),
            non_count_units=_keys(doc["non_count_units"][lang]) | frozenset({"%"}),
            not_things=_keys(doc["not_things"][lang]),
            classifiers=_keys(doc["classifiers"][lang]),
            date_prepositions=_keys(doc["date_prepositions"][lang]),
        )
    en, tr = doc["lemma"]["en"], doc["lemma"]["tr"]
    stems: dict[str, str] = {}
    for stem in tr["stems"]:
        stems.setdefault(ascii_key(stem), stem)
        soft = tr["softening"].get(stem[-1])
        if soft:  # çocuk → çocuğ-a, kitap → kitab-ı
            stems.setdefault(ascii_key(stem[:-1] + soft), stem)
    plural = [ascii_key(p) for p in tr["plural"]]
    possessive = [ascii_key(p) for p in tr["possessive"]]
    case = [ascii_key(c) for c in tr["case"]]
    endings = frozenset(
        p + q + c for p in ["", *plural] for q in ["", *possessive] for c in ["", *case]
    )
    verb_endings = tuple(sorted((ascii_key(v) for v in tr["verb_endings"]), key=len, reverse=True))
    lemmas = _Lemmas(
        en_keep=tuple(en["keep"]),
        en_rules=tuple((a, b) for a, b in en["rules"]),
        en_irregular=dict(en["irregular"]),
        tr_stems=tuple(sorted(stems.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        tr_stem_forms=frozenset(stems),
        tr_stem_set=frozenset(stems.values()),
        tr_endings=endings,
        tr_plural=tuple(plural),
        tr_strippable=tuple(sorted((ascii_key(s) for s in tr["strippable"]), key=len, reverse=True)),
        tr_modifiers=_keys(tr["modifiers"]),
        tr_verb_endings=verb_endings,
        tr_verb_endings_long=tuple(e for e in verb_endings if len(e) >= 3),
    )
    org = doc["org"]
    return _Patterns(
        rules=rules,
        org_en_suffixes=tuple(sorted(_keys(org["en"]["suffixes"]))),
        org_en_of=tuple(sorted(_keys(org["en"]["of_complement"]))),
        org_en_connectors=tuple(sorted(_keys(org["en"]["connectors"]) | {"&"})),
        org_tr_prefixes=tuple(sorted(_keys(org["tr"]["suffixes"]), key=len, reverse=True)),
        org_groups=_by_first_word([g for lang in _LANGUAGES for g in org["groups"][lang]]),
        lemmas=lemmas,
    )


@dataclass(frozen=True, slots=True)
class _Currencies:
    codes: dict[str, str]  # tr_lower(spelling) with spaces folded → ISO 4217
    after: re.Pattern[str]  # a currency right after an amount
    before: re.Pattern[str]  # a currency right before an amount (searched in the text before it)
    last_chars: frozenset[str]  # every character a currency spelling can end with (case folded)

    def may_end(self, before: str) -> bool:
        """Whether `before` may end with a currency, white space aside: its last character is one
        a spelling ends with.  A cheap test that saves most searches with `before`."""
        return before.rstrip()[-1:] in self.last_chars


@lru_cache(maxsize=1)
def _currencies() -> _Currencies:
    """The currency table and matcher of normalize/currency.py, the ones the budget normaliser uses."""
    shared = currencies()
    spellings = shared.spellings
    # the characters a spelling ends with (a Turkish suffix aside: "TL'ye" and "liraya" end an
    # amount, not the text before one), in every case the expression accepts: the case folding of
    # `re` itself decides ("L" and "l" for "tl", the four i's for "lirası", "ſ" for "euros"), over the
    # blocks that hold every character it folds with a Latin letter or a currency sign
    last = re.compile("|".join(sorted({word_pattern(s[-1]) for s in spellings})), re.IGNORECASE)
    blocks = ((0x0000, 0x024F), (0x0370, 0x03FF), (0x1E00, 0x1EFF), (0x20A0, 0x214F))
    last_chars = frozenset(
        ch for low, high in blocks for ch in map(chr, range(low, high + 1)) if last.fullmatch(ch)
    )
    return _Currencies(shared.codes, shared.after, shared.before, last_chars)


def _currency_code(spelling: str) -> str | None:
    return currency_code(spelling)


# --------------------------------------------------------------------------- lemmas
def unit_lemma(word: str, language: Language) -> str:
    """The dictionary form of a counted noun: singular, lower case, without Turkish case endings.

    >>> unit_lemma("Houses", "en"), unit_lemma("people", "en"), unit_lemma("buses", "en")
    ('house', 'person', 'bus')
    >>> unit_lemma("kitabı", "tr"), unit_lemma("Çiğli'de", "tr")
    ('kitap', 'çiğli')
    """
    head = _before_apostrophe(word)
    return _lemma_tr(head) if language == "tr" else _lemma_en(head)


def _before_apostrophe(word: str) -> str:
    for mark in _APOSTROPHES:
        cut = word.find(mark)
        if cut > 0:
            word = word[:cut]
    return word


@lru_cache(maxsize=4096)
def _lemma_en(word: str) -> str:
    data = _patterns().lemmas
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
def _lemma_tr(word: str) -> str:
    data = _patterns().lemmas
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


def _is_plural(word: str, language: Language) -> bool:
    if language == "tr":
        key = ascii_key(word)
        return any(key.find(p, 3) != -1 for p in _patterns().lemmas.tr_plural)
    return _lemma_en(word) != word.lower()


# --------------------------------------------------------------------------- gazetteer
@dataclass(frozen=True, slots=True)
class Place:
    name: str  # the gazetteer spelling: "Çiğli"
    kind: str  # district | neighbourhood | province | …


_GAZETTEER_KEYS = {"places"}
_PLACE_KEYS = {"kind", "names", "parent", "aliases"}


def _line_of_table(raw: str, index: int) -> int:
    """The line of the index-th [[places]] header in a TOML text (1-based), for error messages."""
    lines = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip().startswith("[[places]]")]
    return lines[index] if index < len(lines) else 1


def _is_name(value: object) -> bool:
    return isinstance(value, str) and bool(ascii_key(value))


def _parse_gazetteer(raw: str, origin: str) -> dict[str, Place]:
    doc = parse_toml(raw, origin, "gazetteer file")
    unknown = set(doc) - _GAZETTEER_KEYS
    if unknown:
        name = sorted(unknown)[0]
        line = next((n for n, text in enumerate(raw.splitlines(), 1) if name in text), 1)
        raise ConfigError(f"{origin}:{line}: unknown gazetteer key {name!r} (expected [[places]] tables)")
    entries = doc.get("places", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}:1: 'places' must be an array of [[places]] tables")
    found: dict[str, Place] = {}
    for index, entry in enumerate(entries):
        where = f"{origin}:{_line_of_table(raw, index)}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: each [[places]] entry must be a table")
        extra = set(entry) - _PLACE_KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))} in [[places]]")
        kind, names = entry.get("kind"), entry.get("names")
        if not isinstance(kind, str) or not kind.strip():
            raise ConfigError(f"{where}: [[places]] needs a kind (e.g. kind = \"district\")")
        if not isinstance(names, list) or not names or not all(_is_name(n) for n in names):
            raise ConfigError(f"{where}: [[places]] needs names = a non-empty list of place names")
        aliases = entry.get("aliases", {})
        if not isinstance(aliases, dict) or not all(
            isinstance(v, list) and all(_is_name(a) for a in v) for v in aliases.values()
        ):
            raise ConfigError(f"{where}: aliases must map a name to a list of other spellings")
        for name in names:
            place = Place(" ".join(name.split()), kind.strip())
            for spelling in [name, *aliases.get(name, [])]:
                found[ascii_key(spelling)] = place
    return found


@lru_cache(maxsize=1)
def _shipped_gazetteer() -> dict[str, Place]:
    return _parse_gazetteer(data_text("gazetteer_izmir.toml"), "gazetteer_izmir.toml")


def load_gazetteer(extra_files: tuple[Path, ...] = ()) -> dict[str, Place]:
    """ascii_key(spelling) → Place: the shipped İzmir gazetteer, then each extra file on top.

    A file that cannot be read or has a bad entry raises ConfigError naming the file and line.

    >>> places = load_gazetteer()
    >>> places["cigli"], len({p.name for p in places.values() if p.kind == "district"})
    (Place(name='Çiğli', kind='district'), 30)
    """
    places = dict(_shipped_gazetteer())
    for path in extra_files:
        _, raw = read_user_toml(Path(path), "gazetteer file")
        places.update(_parse_gazetteer(raw, str(path)))
    return places


# --------------------------------------------------------------------------- tokens
@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """The matching key of a token: ASCII-folded, without a Turkish case ending after an apostrophe."""
    if text[:1] in _APOSTROPHES:
        return "'" + text[1:].lower()
    key = ascii_key(_before_apostrophe(text))
    return key if key and " " not in key else text.lower()


@dataclass(frozen=True, slots=True)
class _Lex:
    """What the stage needs of one distinct token text; computed once per pipeline and reused."""

    text: str
    key: str  # _norm(text)
    word: bool  # letters only (an apostrophe ending allowed)
    stop: bool
    cap: bool  # starts with an upper-case letter
    newline: bool
    numeric_date: str | None  # the ISO date of a numeric date token: "10.12.2020", "03/2021"
    org_end: bool  # a capitalised organisation word: "Municipality", "Belediyesi'nin"
    place: bool  # a capitalised word that may start a gazetteer name
    name: bool  # org_end or place
    month: bool  # a word that names a month (normalize.dates.month_number)
    apostrophe: bool  # holds an apostrophe: "Bornova'da"
    snorm: str  # the matching norm (see _spacy_norm)
    capw: bool  # letters only, not lower case, no stop word: a word of a name
    of_end: bool  # an organisation word that may take an "of" complement: "Chamber", "Ministry"
    ends_sentence: bool
    breaks_clause: bool
    plan: bool  # a one-word planning marker: "will", "açılacak"
    done: bool  # a one-word realised marker: "currently"
    plan_start: bool  # the first word of a multi-word planning marker: "going (to)"
    done_start: bool  # the first word of a multi-word realised marker: "so (far)"
    may_plan: bool  # plan or plan_start


@dataclass(slots=True)
class _Phrase:
    """The counted thing after a number: its head word, its last token, and whether it is plural."""

    head: str
    end_tok: int
    plural: bool


class _Text:
    """The joined field texts of one project as tokens, with sentence starts and planned flags
    computed on demand for the sentences that hold a figure."""

    def __init__(self, text: str, lex: list[_Lex], starts: list[int], rules: _Rules) -> None:
        self.text = text
        self.lex = lex
        self.starts = starts
        self.rules = rules
        self._sentences: dict[int, list[bool] | None] = {}  # sentence start → planned flags
        self._sentence_starts: list[int] | None = None

    def end(self, k: int) -> int:
        return self.starts[k] + len(self.lex[k].text)

    def token_at(self, char: int) -> int:
        """Index of the token that holds character `char` (or the last one before it)."""
        return max(bisect_right(self.starts, char) - 1, 0)

    def token_from(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect_left(self.starts, char)

    def sentence(self, k: int) -> tuple[int, int]:
        """(first token, end token) of the sentence that holds token k; its end token included."""
        starts = self._sentence_starts
        if starts is None:
            lex = self.lex
            ends = compress(range(1, len(lex) + 1), map(_ENDS_SENTENCE, lex))
            starts = self._sentence_starts = [0, *ends]
        at = bisect_right(starts, k)
        return starts[at - 1], starts[at] if at < len(starts) else len(self.lex)

    def sentence_start(self, k: int) -> int:
        return self.sentence(k)[0]

    def planned(self, k: int) -> bool:
        s, e = self.sentence(k)
        flags = self._sentences.get(s, _UNSEEN)
        if flags is _UNSEEN:
            flags = self._sentences[s] = _planned_flags(self.lex, s, e, self.rules)
        return flags is not None and flags[k - s]


_UNSEEN: Any = object()
_NAME = attrgetter("name")
_NUMERIC_DATE_TOKEN = attrgetter("numeric_date")
_ENDS_SENTENCE = attrgetter("ends_sentence")
_MAY_PLAN = attrgetter("may_plan")


class _Pipeline:
    """A spaCy pipeline (blank, or the trained one given with --spacy-model) for tokens, with the
    stage's word table: a _Lex for each distinct token text, computed once and kept, on which the
    place and organisation names are matched (see _place_spans and _organisations)."""

    def __init__(self, nlp: Any, language: Language, trained: bool, places: _PlaceIndex) -> None:
        self.nlp = nlp
        self.language = language
        self.trained = trained
        self.places = places
        self.make_doc = nlp.make_doc
        self._lex: dict[int, _Lex] = {}
        from spacy.attrs import IDX, ORTH  # spaCy is loaded by now (the pipeline is built)

        self._columns = [ORTH, IDX]

    def _lexeme(self, orth: int) -> _Lex:
        lex = self._lex.get(orth)
        if lex is None:
            rules = _patterns().rules[self.language]
            if len(self._lex) > 200_000:  # a bound for very long runs; rebuilt as needed
                self._lex.clear()
            lexeme = self.nlp.vocab[orth]
            text = lexeme.orth_
            key = _norm(text)
            cap = text[:1].isupper()
            spacy_norm = _spacy_norm(key, cap)
            word = _before_apostrophe(text).isalpha()
            plan = _is_planned_word(key, word, rules)
            org_end = spacy_norm in (_ORG_END, _ORG_END_OF)
            place = spacy_norm in self.places
            plan_start = key in rules.planned_phrases
            lex = self._lex[orth] = _Lex(
                text=text,
                key=key,
                word=word,
                stop=lexeme.is_stop,
                cap=cap,
                newline="\n" in text,
                numeric_date=parse_date(text, self.language).iso if _NUMERIC_DATE.fullmatch(text) else None,
                org_end=org_end,
                place=place,
                name=place or org_end,
                month=word and month_number(text) is not None,
                apostrophe=any(mark in text for mark in _APOSTROPHES),
                snorm=spacy_norm,
                capw=lexeme.is_alpha and not lexeme.is_lower and not lexeme.is_stop,
                of_end=spacy_norm == _ORG_END_OF,
                ends_sentence="\n" in text or text in _SENTENCE_ENDS,
                breaks_clause=text in _CLAUSE_MARKS or key in rules.clause_breaks,
                plan=plan,
                done=key in rules.realised_words,
                plan_start=plan_start,
                done_start=key in rules.realised_phrases,
                may_plan=plan or plan_start,
            )
        return lex

    def __call__(self, text: str) -> tuple[Any, list[_Lex], list[int]]:
        """The Doc (with a trained pipeline's entities, if any), its tokens and their start offsets."""
        doc = self.nlp(text) if self.trained else self.make_doc(text)
        if len(doc) == 0:
            return doc, [], []
        orths, starts = doc.to_array(self._columns).T.tolist()
        lex = list(map(self._lex.get, orths))
        if not all(lex):  # words met for the first time
            lex = [x or self._lexeme(orth) for x, orth in zip(lex, orths)]
        return doc, lex, starts



# --------------------------------------------------------------------------- the extractor
class MentionExtractor:
    """Finds mentions in project field texts.  Build one per worker process: the spaCy pipelines are
    built on first use for each language and kept.

    ``gazetteer_files`` add places to the shipped İzmir gazetteer (ConfigError naming the file and line
    when one is bad); ``spacy_model`` names an installed trained pipeline (package name or path) whose
    entities are added for documents of its language (ConfigError when it cannot be loaded).
    """

    def __init__(self, gazetteer_files: tuple[Path, ...] = (), spacy_model: str | None = None) -> None:
        self.places = load_gazetteer(tuple(gazetteer_files))
        self.spacy_model = spacy_model
        self._pipelines: dict[str, _Pipeline] = {}
        self._model: Any = _load_model(spacy_model) if spacy_model else None

    # ------------------------------------------------------------------ pipelines
    def pipeline(self, language: Language) -> _Pipeline:
        """The pipeline of a language, built on first use."""
        lang: Language = language if language in _LANGUAGES else "en"
        pipe = self._pipelines.get(lang)
        if pipe is None:
            pipe = self._pipelines[lang] = self._build(lang)
        return pipe

    def _build(self, lang: Language) -> _Pipeline:
        import spacy  # lazy: 0.8 s to import, and the CLI's --help must stay light

        trained = self._model is not None and self._model.lang == lang
        nlp = self._model if trained else spacy.blank(lang)
        if not trained:
            nlp.tokenizer.rules = _fast_special_cases(nlp.tokenizer.rules)
        places: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, place in sorted(self.places.items()):
            # the name's tokens, with the norms of capitalised words
            norms = tuple(_spacy_norm(_norm(token.text), True) for token in nlp.make_doc(key))
            if norms:
                places.setdefault(norms[0], []).append((norms, f"{place.kind}\x1f{place.name}"))
        index = {first: tuple(sorted(names, key=lambda n: -len(n[0]))) for first, names in places.items()}
        return _Pipeline(nlp, lang, trained, index)

    # ------------------------------------------------------------------ extraction
    def extract(
        self, project_id: str, fields: list[tuple[str, str | None]], language: Language
    ) -> list[Mention]:
        """Mentions of one project, in field order (as given), then start_char, then label.

        The fields are read as one spaCy Doc (joined by blank lines, which end sentences), so the
        pipeline runs once per project; offsets are given back per field.
        """
        lang: Language = language if language in _LANGUAGES else "en"
        parts = [(name, text) for name, text in fields if text and text.strip()]
        if not parts:
            return []
        joined, bounds = _join(parts)
        doc, lex, starts = self.pipeline(lang)(joined)
        body = _Text(joined, lex, starts, _patterns().rules[lang])
        return _assemble(project_id, fields, body, bounds, self._mentions(doc, body, bounds, lang))

    def _mentions(
        self, doc: Any, body: _Text, bounds: list[tuple[str, int, int]], lang: Language
    ) -> list[_Found]:
        rules, lex = body.rules, body.lex
        numbers = _numbers(body.text, bounds, lang)
        found: list[_Found] = []
        taken = _dates(body, numbers, lang, found) if numbers or any(map(_NUMERIC_DATE_TOKEN, lex)) else []
        pipe = self.pipeline(lang)
        names = list(compress(count(), map(_NAME, lex)))  # where a place or organisation may be
        place_spans = _place_spans(body, pipe.places, [k for k in names if lex[k].place]) if names else ()
        place_tokens = {i for start, end, _ in place_spans for i in range(start, end)}
        budget = [(a, b) for name, a, b in bounds if name == BUDGET_FIELD]
        for number in numbers:
            at = number.start
            if taken and any(a <= at < b for a, b in taken):
                continue
            in_budget = bool(budget) and any(a <= at < b for a, b in budget)
            _number(body, number, in_budget, lang, rules, place_tokens, found)
        found = _dedupe(found)
        if not names and not pipe.trained:
            return found
        org_words = [k for k in names if lex[k].org_end]
        names = _organisations(body, org_words, lang) + _places(body, place_spans)
        return found + _entities(doc if pipe.trained else None, body, found, names, lang)


# --------------------------------------------------------------------------- finders
_Found = tuple[str, int, int, "str | None", "str | None", bool]  # label, start, end, value, unit, planned
_SEPARATOR = "\n\n"


def _numbers(text: str, bounds: list[tuple[str, int, int]], lang: Language) -> list[NumberSpan]:
    """find_numbers over the joined text, leaving out the fields without a digit when they are long
    enough to be worth a call of their own (find_numbers tests every character of what it reads).
    A number never runs from one field into the next, but for "… 3" + "and a half …": then the
    joined text is read whole."""
    runs: list[list[int]] = []  # consecutive fields with a digit, as one (start, end)
    gap = True
    for _, a, b in bounds:
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
    halves = _toml("numbers.toml")["halves"]
    alternation = "|".join(word_pattern(h) for lang in halves.values() for h in lang)
    return re.compile(rf"\s*(?:{alternation})", re.IGNORECASE)


def _assemble(
    project_id: str,
    fields: list[tuple[str, str | None]],
    body: _Text,
    bounds: list[tuple[str, int, int]],
    found: list[_Found],
) -> list[Mention]:
    """The found mentions as Mention rows with offsets in their field, in field order (as given),
    then start_char, then label."""
    order = {name: n for n, (name, _) in enumerate(fields)}
    field_starts = [b[1] for b in bounds]
    out = []
    for label, start, end, value, unit, planned in found:
        name, base, stop = bounds[bisect_right(field_starts, start) - 1]
        if end > stop:
            continue  # never across fields (the separator is a sentence break)
        text = body.text[start:end]
        out.append(Mention(project_id, name, label, text, value, unit, start - base, end - base, planned))
    out.sort(key=lambda m: (order[m.field], m.start_char, _LABEL_ORDER[m.label], m.end_char))
    return out


def _join(parts: list[tuple[str, str]]) -> tuple[str, list[tuple[str, int, int]]]:
    """The texts joined by a blank line, with (field, start, end) of each in the joined text."""
    bounds = []
    pos = 0
    for name, text in parts:
        bounds.append((name, pos, pos + len(text)))
        pos += len(text) + len(_SEPARATOR)
    return _SEPARATOR.join(text for _, text in parts), bounds


def _found_at(
    body: _Text, k: int, label: str, start: int, end: int, value: str | None, unit: str | None
) -> _Found:
    """A found mention starting in token k."""
    planned = label != "PLACE" and label != "ORG" and body.planned(k)
    return (label, start, end, value, unit, planned)


def _dates(
    body: _Text, numbers: list[NumberSpan], lang: Language, found: list[_Found]
) -> list[tuple[int, int]]:
    """DATE mentions of numeric dates and of years, widened to "March 2020" / "2022 Mart" when
    parse_date reads the wider text as a month or a day.  Returns the spans taken."""
    taken: list[tuple[int, int]] = []
    lex, text = body.lex, body.text
    for k in compress(count(), map(_NUMERIC_DATE_TOKEN, lex)):
        x = lex[k]
        iso = x.numeric_date
        if iso:
            start = body.starts[k]
            found.append(_found_at(body, k, "DATE", start, start + len(x.text), iso, None))
            taken.append((start, start + len(x.text)))
    currencies = _currencies()
    for number in numbers:
        if not number.is_year_like or any(a <= number.start < b for a, b in taken):
            continue
        before = text[max(0, number.start - 20) : number.start]
        cur_before = currencies.may_end(before) and currencies.before.search(before)
        if cur_before or currencies.after.match(text, number.end):
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
        found.append(_found_at(body, k, "DATE", start, end, iso, None))
        taken.append((start, end))
    return taken


@lru_cache(maxsize=4096)
def _parse_date_iso(text: str, lang: Language) -> str | None:
    """parse_date(text).iso for the few words around a year ("March 2020"), kept like a word's lemma."""
    return parse_date(text, lang).iso


def _year_counts_things(body: _Text, i: int, j: int, lang: Language) -> bool:
    """A four-digit number 1900–2100 followed by a plural count noun ("2000 trees") is a count,
    unless a date word stands before it ("in 2021 villages")."""
    rules = body.rules
    counted = _count_unit(body, j, lang, rules)
    if counted is None or not counted[0].plural:
        return False
    return not (i > 0 and body.lex[i - 1].key in rules.date_prepositions)


def _date_windows(body: _Text, i: int, j: int, number: NumberSpan) -> list[tuple[int, int]]:
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


def _number(
    body: _Text,
    number: NumberSpan,
    in_budget: bool,
    lang: Language,
    rules: _Rules,
    place_tokens: set[int],
    found: list[_Found],
) -> None:
    """A QUANTITY or MONEY mention for one number, or nothing when it counts no thing."""
    text = body.text
    at, stop = number.start, number.end
    before, after = text[max(0, at - 40) : at], text[stop : stop + 40]
    last = before.rstrip()[-1:]  # the character before the number, spaces skipped
    nxt = after.lstrip()[:1]  # … and after it
    if nxt == "%" or last == "%":  # "80%", "% 80"
        return
    if nxt and nxt in _DASHES and _RANGE_AFTER.match(after):
        return
    if last and (last in _DASHES or last in _RANGE_WORD_ENDS) and _RANGE_BEFORE.search(before):
        return
    i = body.token_at(at)
    first = _approximated_start(body, i, rules)  # the approximation's first token, or the number's
    start = body.starts[first] if first != i else at
    currencies = _currencies()
    cur_after = currencies.after.match(after)
    if cur_after:
        end = stop + cur_after.end()
        code = _currency_code(cur_after["cur"])
        found.append(_found_at(body, first, "MONEY", start, end, _plain(number.value), code))
        return
    # a currency before the amount is a symbol or a code: "€2 million", "TL 500" (never a lower-case word)
    symbol_or_code = last and not last.islower() and not last.isdigit() and last in currencies.last_chars
    cur_before = currencies.before.search(before[-20:]) if symbol_or_code else None
    if cur_before:
        cur_start = at - (len(before[-20:]) - cur_before.start())
        code = _currency_code(cur_before["cur"])
        start = min(start, cur_start)
        found.append(_found_at(body, body.token_at(start), "MONEY", start, stop, _plain(number.value), code))
        return
    j = body.token_from(stop)
    if in_budget:  # a figure of a budget text is money, never a count ("for 3 years" is neither)
        counts = _counted_phrase(body, j, lang, rules) is not None or counts_time(text, stop)  # "10-year"
        if not number.is_year_like and not counts:
            found.append(_found_at(body, first, "MONEY", start, stop, _plain(number.value), None))
        return
    glued_after = after[:1] and not after[:1].isspace() and _GLUED_AFTER.match(after[:1])
    if glued_after or (before[-1:] in _GLUE_MARKS and _GLUED_BEFORE.search(before[-2:])):
        return
    if _labels_number(body, first, i, rules, place_tokens):
        return
    counted = _count_unit(body, j, lang, rules)
    if counted is None:
        return
    phrase, unit = counted
    end = _rate_end(body, phrase.end_tok)
    found.append(_found_at(body, first, "QUANTITY", start, end, _plain(number.value), unit))


_DASHES = frozenset("-–—")
# the last letters of the words _RANGE_BEFORE ends with ("to", "or", "ila", "veya", "ya da", "and")
_RANGE_WORD_ENDS = frozenset("oraOdRAD")
_GLUE_MARKS = frozenset("-/#№+")  # the last character of a _GLUED_BEFORE match


def _approximated_start(body: _Text, i: int, rules: _Rules) -> int:
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


def _labels_number(body: _Text, first: int, i: int, rules: _Rules, place_tokens: set[int]) -> bool:
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


def _counted_phrase(body: _Text, j: int, lang: Language, rules: _Rules) -> _Phrase | None:
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
        if _is_plural(x.text, "en"):  # the head of an English count phrase is its plural noun
            return _Phrase(x.text, k, True)
        k += 1
    if not words:
        return None
    return _Phrase(lex[words[-1]].text, words[-1], False)


def _counted_phrase_tr(lex: list[_Lex], k: int) -> _Phrase | None:
    """The counted thing after a number in Turkish, where a numeral takes a singular noun and the
    head comes last: "12 kütüphane", "12 yeni kütüphane", "48 yöneticiye", "240 sokak sanatçısı",
    "7 köy tiyatrosu"; "14 öneri meclis gündemine" counts proposals (öneri)."""
    lemmas = _patterns().lemmas
    n = len(lex)

    def usable(m: int, first: bool) -> bool:
        x = lex[m]
        if not x.word or x.newline or _looks_verb(x, "tr", first=first):
            return False
        return not x.stop or x.key in lemmas.tr_modifiers

    while k < n and lex[k].key in lemmas.tr_modifiers and k + 1 < n and usable(k + 1, True):
        k += 1  # "12 yeni kütüphane", "3 mobil kütüphane"
    if k >= n or not usable(k, True):
        return None
    head = k
    inflected = _lemma_tr(lex[k].text) != tr_lower(_before_apostrophe(lex[k].text))
    if not inflected and k + 1 < n and usable(k + 1, False):
        nxt = lex[k + 1]
        compound = nxt.key.endswith(("i", "u"))  # the compound ending -(s)I, folded: "köy tiyatrosu"
        known_noun = lex[k].key not in lemmas.tr_stem_forms and _lemma_tr(nxt.text) in lemmas.tr_stem_set
        if compound or known_noun:  # "sokak sanatçısı"; an adjective before a known noun
            head = k + 1
    return _Phrase(lex[head].text, head, True)


def _count_unit(body: _Text, j: int, lang: Language, rules: _Rules) -> tuple[_Phrase, str] | None:
    """The counted phrase after a number and its unit lemma, or None when the word after the number
    is a time span, an age, a share, a month or no thing at all ("2 years", "80 percent", "10 May")."""
    phrase = _counted_phrase(body, j, lang, rules)
    if phrase is None:
        return None
    unit, counts = _unit(phrase.head, lang)
    return (phrase, unit) if counts else None


@lru_cache(maxsize=8192)
def _unit(head: str, lang: Language) -> tuple[str, bool]:
    """(lemma, whether it names a counted thing) of the head word after a number."""
    rules = _patterns().rules[lang]
    unit = unit_lemma(head, lang)
    key = ascii_key(unit)
    return unit, not (key in rules.non_count_units or key in rules.not_things or month_number(head))


def _looks_verb(x: _Lex, lang: Language, first: bool) -> bool:
    """A word of the phrase that reads as a verb: "libraries opened", "açıldı", "çıkarılacak".

    Right after the number only long endings count ("3 trained teachers", "5 kedi" are things)."""
    key = x.key
    if len(key) <= 4:
        return False
    if lang == "tr":
        lemmas = _patterns().lemmas
        return key.endswith(lemmas.tr_verb_endings_long if first else lemmas.tr_verb_endings)
    return not first and key.endswith(("ed", "ing"))


def _rate_end(body: _Text, last: int) -> int:
    """End of the phrase, with up to two "per …" rates: "20 villages per month"."""
    lex = body.lex
    end = body.end(last)
    k = last + 1
    for _ in range(2):
        if k + 1 < len(lex) and lex[k].key == "per" and lex[k + 1].word:
            end = body.end(k + 1)
            k += 2
    return end


def _organisations(body: _Text, org_words: list[int], lang: Language) -> list[_Found]:
    """ORG mentions: the names matched around each organisation word (see _org_matches), the
    longest first."""
    if not org_words:
        return []
    n = len(body.lex)
    windows: list[list[int]] = []
    for k in org_words:
        a, b = max(0, k - _ORG_MAX_WORDS), min(n, k + _ORG_MAX_WORDS)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    matches = {span for a, b in windows for span in _org_matches(body.lex, a, b, lang == "en")}
    out = []
    for first, end in _longest_first(matches):
        start, stop = body.starts[first], _name_end(body, end - 1)
        if stop > start and not _not_an_organisation(body, start, stop, end):
            out.append(("ORG", start, stop, None, None, False))
    return out


def _org_matches(lex: list[_Lex], a: int, b: int, english: bool) -> Iterator[tuple[int, int]]:
    """Every (start, end) token span within a..b of one of these shapes, where Name+ is a run of
    capitalised words (no stop words) and Org an organisation word (norms as _spacy_norm sets them):

        Name+ Org                            İzmir Metropolitan Municipality, … Belediyesi'nin
        Name+ 's Name* Org                   Children's Municipality (English)
        Org-of of [the] Name+                Ministry of Culture
        Org-of of [the] Name+ and Name+      Ministry of Culture and Tourism
        Name+ Org-of of [the] Name+          İzmir Chamber of Commerce

    Every span of every shape is given, as a token matcher with "+" gives them (the longest are
    chosen by _longest_first); a name is looked for only a few tokens around its organisation word,
    the window a..b."""

    def run_before(e: int) -> int:  # start of the run of name words that ends before token e
        s = e
        while s > a and lex[s - 1].capw:
            s -= 1
        return s

    def run_from(g: int) -> int:  # end of the run of name words that starts at token g
        t = g
        while t < b and lex[t].capw:
            t += 1
        return t

    for e in range(a, b):
        x = lex[e]
        if not x.org_end:
            continue
        names = run_before(e)
        for s in range(names, e):
            yield s, e + 1
        q = names - 1  # "'s" between two name runs
        if english and q > a and lex[q].snorm == "~'s":
            for s in range(run_before(q), q):
                yield s, e + 1
        if x.of_end and e + 1 < b and lex[e + 1].snorm == "~of":
            g = e + 2
            if g < b and lex[g].snorm == "~the":
                g += 1
            t = run_from(g)
            for end in range(g + 1, t + 1):
                yield e, end
                for s in range(names, e):
                    yield s, end
            if t > g and t < b and lex[t].snorm == "~and":
                for end in range(t + 2, run_from(t + 1) + 1):
                    yield e, end


def _longest_first(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that do not overlap, longest first, then the earliest (spacy.util.filter_spans);
    in text order."""
    taken: set[int] = set()
    out = []
    for span in sorted(spans, key=lambda s: (s[1] - s[0], -s[0]), reverse=True):
        if span[0] not in taken and span[1] - 1 not in taken:
            out.append(span)
            taken.update(range(span[0], span[1]))
    return sorted(out)


def _not_an_organisation(body: _Text, start: int, end: int, after: int) -> bool:
    """An organisation name that is part of a longer name: of one of its groups ("Education
    Commission Working Group"), or of a quoted title, theme or slogan ("“Crisis Municipality and
    Access to Public Services”").  A quotation of the name alone still names the organisation."""
    if after < len(body.lex) and _phrase_at(body.lex, after, _patterns().org_groups):
        return True
    text = body.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    for quote in _QUOTED.finditer(text, line_start, len(text) if line_end == -1 else line_end):
        inner = "double" if quote["double"] is not None else "single"
        q_start, q_end = quote.span(inner)
        if q_start <= start and end <= q_end:
            rest = text[q_start:start] + _CASE_ENDING.sub("", text[end:q_end], count=1)
            return _WORD_CHAR.search(rest) is not None
    return False


# Quotations, for _not_an_organisation: double quotes of any style, paired on one line, and single
# quotes that open after a non-letter and close before one (an apostrophe inside a word, as in
# "Children’s", does not close a quotation).  Each branch starts with the quote mark itself, so a
# search skips to quote marks at C speed.
_QUOTED = re.compile(
    r"""
    [“„«"] (?P<double> [^“”„«»"\n]+ ) [”“»"]                      # “…”, „…“, «…», "…"
  | [‘'] (?<![^\W\d_][‘'])                                       # ‘ or ' not after a letter
    (?P<single> (?: [^‘’'\n] | [’'](?=[^\W\d_]) )+ )             # … text, apostrophes in words
    [’'] (?![^\W\d_])                                             # … closed before a non-letter
    """,
    re.VERBOSE,
)
_CASE_ENDING = re.compile(r"^['’][^\W\d_]+")  # "İzmir Barosu’nun": the ending is part of the name
_WORD_CHAR = re.compile(r"[^\W_]")


_PlaceIndex = dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first norm → (norms, kind + US + name)


def _place_spans(body: _Text, index: _PlaceIndex, candidates: list[int]) -> tuple[tuple[int, int, str], ...]:
    """(start token, end token, kind + US + name) of the gazetteer names starting at the candidate
    tokens (capitalised words whose norms are the first of a name); the longest wins."""
    lex = body.lex
    n = len(lex)
    found: dict[tuple[int, int], str] = {}
    for k in candidates:
        for norms, ident in index.get(lex[k].snorm, ()):
            end = k + len(norms)
            if end <= n and all(lex[k + m].snorm == norm for m, norm in enumerate(norms)):
                found.setdefault((k, end), ident)
    return tuple((start, end, found[start, end]) for start, end in _longest_first(found))


def _places(body: _Text, spans: tuple[tuple[int, int, str], ...]) -> list[_Found]:
    """PLACE mentions: the gazetteer names, without a Turkish case ending ("Çiğli'de" → "Çiğli")."""
    out = []
    for a, b, ident in spans:
        start, end = body.starts[a], _name_end(body, b - 1)
        if end > start:
            kind, _, canonical = ident.partition("\x1f")
            out.append(("PLACE", start, end, canonical, kind, False))
    return out


def _entities(
    doc: Any, body: _Text, rule: list[_Found], names: list[_Found], lang: Language
) -> list[_Found]:
    """ORG and PLACE names (a place inside an organisation name, "İzmir" in "İzmir Bar Association",
    is not one of its own), then the entities of a trained pipeline's Doc (None: no such Doc) that
    no rule mention overlaps."""
    org_spans = [(f[1], f[2]) for f in names if f[0] == "ORG"]
    out = [f for f in names if f[0] == "ORG" or not any(a <= f[1] and f[2] <= b for a, b in org_spans)]
    taken = [(f[1], f[2]) for f in rule + out]
    for ent in doc.ents if doc is not None else ():
        label = _MODEL_LABELS.get(ent.label_)
        start, end = body.starts[ent.start], _name_end(body, ent.end - 1)
        if label is None or end <= start or any(a < end and start < b for a, b in taken):
            continue
        value, unit = None, None
        if label == "DATE":
            value = parse_date(ent.text, lang).iso
            if value is None:
                continue
        elif label == "MONEY":
            spans = find_numbers(ent.text, lang)
            if len(spans) != 1:
                continue
            value = _plain(spans[0].value)
            cur = _currencies().after.match(ent.text[spans[0].end :])
            unit = _currency_code(cur["cur"]) if cur else None
        planned = label in ("DATE", "MONEY") and body.planned(body.token_at(start))
        out.append((label, start, end, value, unit, planned))
    return _dedupe(out, [(f[1], f[2]) for f in rule])


# --------------------------------------------------------------------------- sentences and plans
_SENTENCE_ENDS = frozenset({".", "!", "?", "…"})
_CLAUSE_MARKS = frozenset({",", ";", ":", "(", ")", "–", "—"})


def _phrase_at(lex: list[_Lex], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    """Whether one of the indexed multi-word phrases starts at token i."""
    for phrase in index.get(lex[i].key, ()):
        if i + len(phrase) <= len(lex) and all(lex[i + n].key == w for n, w in enumerate(phrase)):
            return True
    return False


def _is_planned_word(key: str, word: bool, rules: _Rules) -> bool:
    """A word that alone marks a plan: "will", "target", Turkish "açılacak", "planlanan"."""
    if key in rules.planned_words:
        return True
    if not word or key in rules.not_planned:
        return False
    if rules.planned_prefixes and key.startswith(rules.planned_prefixes):
        return True
    return any(key.find(infix, 2) != -1 for infix in rules.planned_infixes)


def _span(lex: list[_Lex], s: int, e: int) -> zip[tuple[int, _Lex]]:
    return zip(range(s, e), lex[s:e])


def _planned_flags(lex: list[_Lex], s: int, e: int, rules: _Rules) -> list[bool] | None:
    """The planned flag of each token of the sentence s..e (tokens), or None when none is planned.

    Scope: from the start of the first clause of the sentence that holds a planning marker to the
    end of the sentence ("Currently 4 theatres and this will rise to 8": only 8 is planned), except
    clauses that hold a realised marker and no planning marker of their own.
    """
    plans, dones = rules.planned_phrases, rules.realised_phrases
    # most sentences have no marker: only the few words that may start one are looked at
    candidates = compress(range(s, e), map(_MAY_PLAN, lex[s:e]))
    marks = [k for k in candidates if lex[k].plan or _phrase_at(lex, k, plans)]
    if not marks:
        return None
    plan = [False] * (e - s)
    for k in marks:
        plan[k - s] = True
    planned = [False] * (e - s)
    done = [x.done or (x.done_start and _phrase_at(lex, k, dones)) for k, x in _span(lex, s, e)]
    in_scope = False
    a = s
    for k in range(s, e + 1):
        if k < e and not lex[k].breaks_clause:
            continue
        b = min(k + 1, e)  # the clause a..b, its break token included
        has_plan = any(plan[a - s : b - s])
        in_scope = in_scope or has_plan
        if in_scope and (has_plan or not any(done[a - s : b - s])):
            for m in range(a, b):
                planned[m - s] = True
        a = b
    return planned


# --------------------------------------------------------------------------- helpers
def _load_model(name: str) -> Any:
    import spacy

    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise ConfigError(
            f"--spacy-model {name}: not an installed spaCy pipeline ({reason}); "
            "install it with pip or pass the path of a pipeline directory"
        ) from exc


_ORG_END = "\x01org"  # NORM of a capitalised organisation word: "Municipality", "Belediyesi'nin"
_ORG_END_OF = "\x01org-of"  # … one that may take an "of" complement: "Chamber", "Ministry"


def _spacy_norm(key: str, cap: bool) -> str:
    """The NORM given to spaCy for a token: the folded key of a capitalised word, "~key" for any
    other token (so place names match capitalised words only), and a marker for organisation words
    (so the ORG patterns test one string instead of a regular expression on every token)."""
    if not cap:
        return "~" + key
    pats = _patterns()
    if key in pats.org_en_of:
        return _ORG_END_OF
    if key in pats.org_en_suffixes or key.startswith(pats.org_tr_prefixes):
        return _ORG_END
    return key


def _fast_special_cases(rules: dict[str, Any]) -> dict[str, Any]:
    """The tokenizer's special cases that are words or abbreviations ("Dr.", "e.g.").

    The English defaults also hold emoticons and punctuation cases whose matching pass costs about
    five times the rest of tokenisation; none of them matter to this stage.
    """
    return {text: tokens for text, tokens in rules.items() if _WORD_CASE.match(text)}


_WORD_CASE = re.compile(r"^[^\W\d_][\w.]*$")


def _name_end(body: _Text, last: int) -> int:
    """End of a name whose last token is `last`, without the Turkish case ending of that word
    ("Çiğli'de" → "Çiğli")."""
    head = _before_apostrophe(body.lex[last].text)
    return body.starts[last] + len(head) if head else body.end(last)


def _plain(value: Decimal) -> str:
    """A Decimal as a plain string, never in exponent form: 156313, 17000, 1.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _dedupe(found: list[_Found], taken: list[tuple[int, int]] | None = None) -> list[_Found]:
    """The same span is reported once: the first mention of a (start, end) wins."""
    seen: set[tuple[int, int]] = set(taken or ())
    out = []
    for item in found:
        key = (item[1], item[2])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
