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
  ASCII-folded key of capitalised words, so "Çiğli", "ÇİĞLİ" and "Cigli" are one place; value is the
  gazetteer spelling, unit the kind of place (district, neighbourhood …).
- ORG: capitalised names ending with an organisation word (… Municipality, … Derneği), from spaCy's
  EntityRuler, plus the entities of a trained pipeline when --spacy-model names one.
- planned: true when a planning marker ("will", "target", "planned", Turkish -(y)AcAk) stands in the
  mention's clause or an earlier clause of its sentence, unless its own clause says it is done.

spaCy is imported when the first pipeline is built, not when this module is imported; one blank
pipeline (tokenizer + EntityRuler) per language is built on first use and kept for the process.

Unit lemmas come from a small rule table, not spaCy's lookup lemmatizer: the lookup tables live in the
spacy-lookups-data package (about 100 MB installed, all languages), while the stage only lemmatises
the head noun after a number.

>>> unit_lemma("children", "en"), unit_lemma("Libraries", "en"), unit_lemma("actresses", "en")
('child', 'library', 'actress')
>>> unit_lemma("çocuğa", "tr"), unit_lemma("kütüphane", "tr"), unit_lemma("ilçelerde", "tr")
('çocuk', 'kütüphane', 'ilçe')
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import UsageError
from .models import Language, Mention
from .normalize.dates import month_number, parse_date
from .normalize.numbers import NumberSpan, find_numbers, word_pattern
from .normalize.turkish import ascii_key, tr_lower

__all__ = ["MentionExtractor", "Place", "load_gazetteer", "unit_lemma"]

LABELS = ("QUANTITY", "MONEY", "DATE", "PLACE", "ORG")
BUDGET_FIELD = "budget_text"
_LANGUAGES: tuple[Language, ...] = ("en", "tr")
_RULER = "cittaslow_entities"
_PHRASE_MAX_WORDS = 4  # words of the counted-thing phrase after a number
_PARENTHESIS_MAX_TOKENS = 10  # "nearly 200 (2020, 2021) theater plays": an aside that is skipped
# Labels of trained pipelines (OntoNotes, WikiNER, Turkish NER suites) → mention labels.
_MODEL_LABELS = {
    "GPE": "PLACE", "LOC": "PLACE", "LOCATION": "PLACE", "FAC": "PLACE",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "DATE": "DATE", "MONEY": "MONEY",
}
# First letter upper case, Turkish letters included: proper names, never "tire" or "konak".
_CAPITAL = r"^[A-ZÇĞİIÖŞÜÂÎÛÀ-ÖØ-Þ]"
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
_PERCENT_AFTER = re.compile(r"\s*%")
_PERCENT_BEFORE = re.compile(r"%\s*$")
# A number glued to a code or a product name: "COVID-19", "24/7", "65+", "#3", "3D", "5G".
_GLUED_BEFORE = re.compile(r"(?:[^\W\d_]-|[/#№+])$")
_GLUED_AFTER = re.compile(r"[/+]|[^\W\d_]")


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
    approximators: tuple[tuple[str, ...], ...]  # longest first
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
    tr_stem_forms: frozenset[str]
    tr_endings: frozenset[str]  # ascii of every plural + possessive + case combination
    tr_plural: tuple[str, ...]
    tr_strippable: tuple[str, ...]
    tr_modifiers: frozenset[str]
    tr_verb_endings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Patterns:
    rules: dict[str, _Rules]
    org_en_suffixes: tuple[str, ...]
    org_en_of: tuple[str, ...]
    org_en_connectors: tuple[str, ...]
    org_tr_prefixes: tuple[str, ...]
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


def _toml(name: str) -> dict[str, Any]:
    raw = resources.files("cittaslow_extract").joinpath(f"data/{name}").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


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
            approximators=_phrases(doc["approximators"][lang]),
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
    lemmas = _Lemmas(
        en_keep=tuple(en["keep"]),
        en_rules=tuple((a, b) for a, b in en["rules"]),
        en_irregular=dict(en["irregular"]),
        tr_stems=tuple(sorted(stems.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        tr_stem_forms=frozenset(stems),
        tr_endings=endings,
        tr_plural=tuple(plural),
        tr_strippable=tuple(sorted((ascii_key(s) for s in tr["strippable"]), key=len, reverse=True)),
        tr_modifiers=_keys(tr["modifiers"]),
        tr_verb_endings=tuple(sorted((ascii_key(v) for v in tr["verb_endings"]), key=len, reverse=True)),
    )
    org = doc["org"]
    return _Patterns(
        rules=rules,
        org_en_suffixes=tuple(sorted(_keys(org["en"]["suffixes"]))),
        org_en_of=tuple(sorted(_keys(org["en"]["of_complement"]))),
        org_en_connectors=tuple(sorted(_keys(org["en"]["connectors"]) | {"&"})),
        org_tr_prefixes=tuple(sorted(_keys(org["tr"]["suffixes"]), key=len, reverse=True)),
        lemmas=lemmas,
    )


@dataclass(frozen=True, slots=True)
class _Currencies:
    codes: dict[str, str]  # tr_lower(spelling) with spaces folded → ISO 4217
    after: re.Pattern[str]  # a currency right after an amount
    before: re.Pattern[str]  # a currency right before an amount (searched in the text before it)


@lru_cache(maxsize=1)
def _currencies() -> _Currencies:
    """Currency spellings of data/money.toml, the table the budget normaliser reads too."""
    table = _toml("money.toml")["currencies"]
    codes = {" ".join(tr_lower(s).split()): code for code, spellings in table.items() for s in spellings}
    alternation = "|".join(word_pattern(s) for s in sorted(codes, key=len, reverse=True))
    return _Currencies(
        codes,
        re.compile(rf"[\s\u00a0]*(?P<cur>{alternation})(?![^\W\d_])", re.IGNORECASE),
        re.compile(rf"(?<![^\W\d_])(?P<cur>{alternation})[\s\u00a0]*$", re.IGNORECASE),
    )


def _currency_code(spelling: str) -> str | None:
    return _currencies().codes.get(" ".join(tr_lower(spelling).split()))


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


def _parse_gazetteer(raw: str, origin: str) -> dict[str, Place]:
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{origin}: invalid gazetteer file: {exc}") from exc
    unknown = set(doc) - _GAZETTEER_KEYS
    if unknown:
        name = sorted(unknown)[0]
        line = next((n for n, text in enumerate(raw.splitlines(), 1) if name in text), 1)
        raise UsageError(f"{origin}:{line}: unknown gazetteer key {name!r} (expected [[places]] tables)")
    entries = doc.get("places", [])
    if not isinstance(entries, list):
        raise UsageError(f"{origin}:1: 'places' must be an array of [[places]] tables")
    found: dict[str, Place] = {}
    for index, entry in enumerate(entries):
        where = f"{origin}:{_line_of_table(raw, index)}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: each [[places]] entry must be a table")
        extra = set(entry) - _PLACE_KEYS
        if extra:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(extra))} in [[places]]")
        kind, names = entry.get("kind"), entry.get("names")
        if not isinstance(kind, str) or not kind.strip():
            raise UsageError(f"{where}: [[places]] needs a kind (e.g. kind = \"district\")")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and ascii_key(n) for n in names):
            raise UsageError(f"{where}: [[places]] needs names = a non-empty list of place names")
        aliases = entry.get("aliases", {})
        if not isinstance(aliases, dict) or not all(
            isinstance(v, list) and all(isinstance(a, str) and ascii_key(a) for a in v) for v in aliases.values()
        ):
            raise UsageError(f"{where}: aliases must map a name to a list of other spellings")
        for name in names:
            place = Place(" ".join(name.split()), kind.strip())
            for spelling in [name, *aliases.get(name, [])]:
                found[ascii_key(spelling)] = place
    return found


@lru_cache(maxsize=1)
def _shipped_gazetteer() -> dict[str, Place]:
    raw = resources.files("cittaslow_extract").joinpath("data/gazetteer_izmir.toml").read_bytes()
    return _parse_gazetteer(raw.decode("utf-8"), "gazetteer_izmir.toml")


def load_gazetteer(extra_files: tuple[Path, ...] = ()) -> dict[str, Place]:
    """ascii_key(spelling) → Place: the shipped İzmir gazetteer, then each extra file on top.

    A file that cannot be read or has a bad entry raises UsageError naming the file and line.

    >>> places = load_gazetteer()
    >>> places["cigli"], len({p.name for p in places.values() if p.kind == "district"})
    (Place(name='Çiğli', kind='district'), 30)
    """
    places = dict(_shipped_gazetteer())
    for path in extra_files:
        try:
            raw = Path(path).read_bytes().decode("utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: cannot read gazetteer file ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: gazetteer file is not UTF-8 ({exc.reason})") from exc
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


@dataclass(slots=True)
class _Tok:
    text: str
    start: int
    end: int
    key: str
    word: bool  # letters only (an apostrophe ending allowed)
    stop: bool
    cap: bool
    newline: bool


@dataclass(slots=True)
class _Phrase:
    """The counted thing after a number: its head word, where the phrase ends, and whether plural."""

    head: str
    end_tok: int  # index of the last token of the phrase
    plural: bool


@dataclass(slots=True)
class _Field:
    """One field's text with its tokens and the planned flag of each token."""

    text: str
    toks: list[_Tok]
    starts: list[int]
    planned: list[bool]
    sentence_start: list[int]  # index of the first token of each token's sentence


class _Pipeline:
    """A spaCy pipeline (blank or trained) with the rule EntityRuler run after the norms are set."""

    def __init__(self, nlp: Any, trained: bool) -> None:
        self.nlp = nlp
        self.trained = trained
        self.ruler = nlp.get_pipe(_RULER)

    def __call__(self, text: str) -> tuple[Any, list[_Tok]]:
        """The Doc (with the rule entities) and its tokens as _Tok, read in one pass."""
        if self.trained:
            doc = self.nlp(text, disable=[_RULER])
        else:
            doc = self.nlp.make_doc(text)
        toks = []
        for token in doc:
            raw = token.text
            key = _norm(raw)
            token.norm_ = key
            toks.append(
                _Tok(
                    raw,
                    token.idx,
                    token.idx + len(raw),
                    key,
                    _before_apostrophe(raw).isalpha(),
                    token.is_stop,
                    raw[:1].isupper(),
                    "\n" in raw,
                )
            )
        return self.ruler(doc), toks


# --------------------------------------------------------------------------- the extractor
class MentionExtractor:
    """Finds mentions in project field texts.  Build one per worker process: the spaCy pipelines are
    built on first use for each language and kept.

    ``gazetteer_files`` add places to the shipped İzmir gazetteer (UsageError naming the file and line
    when one is bad); ``spacy_model`` names an installed trained pipeline (package or path) whose
    entities are added for documents of its language (UsageError when it cannot be loaded).
    """

    def __init__(self, gazetteer_files: tuple[Path, ...] = (), spacy_model: str | None = None) -> None:
        self.places = load_gazetteer(tuple(gazetteer_files))
        self.spacy_model = spacy_model
        self._pipelines: dict[str, _Pipeline] = {}
        self._model: Any = None
        if spacy_model:
            self._model = _load_model(spacy_model)

    # ------------------------------------------------------------------ pipelines
    def pipeline(self, language: Language) -> _Pipeline:
        lang = language if language in _LANGUAGES else "en"
        pipe = self._pipelines.get(lang)
        if pipe is None:
            pipe = self._pipelines[lang] = self._build(lang)
        return pipe

    def _build(self, lang: str) -> _Pipeline:
        import spacy  # lazy: 0.8 s to import, and the CLI's --help must stay light

        trained = self._model is not None and self._model.lang == lang
        nlp = self._model if trained else spacy.blank(lang)
        if _RULER in nlp.pipe_names:
            nlp.remove_pipe(_RULER)
        ruler = nlp.add_pipe("entity_ruler", name=_RULER, last=True, config={"overwrite_ents": True})
        ruler.add_patterns(self._place_patterns(nlp) + _org_patterns())
        return _Pipeline(nlp, trained)

    def _place_patterns(self, nlp: Any) -> list[dict[str, Any]]:
        patterns = []
        for key, place in sorted(self.places.items()):
            tokens = [_norm(t.text) for t in nlp.make_doc(key)]
            pattern: list[dict[str, Any]] = [{"NORM": k} for k in tokens]
            pattern[0]["TEXT"] = {"REGEX": _CAPITAL}
            patterns.append({"label": "PLACE", "pattern": pattern, "id": f"{place.kind}\x1f{place.name}"})
        return patterns

    # ------------------------------------------------------------------ extraction
    def extract(
        self, project_id: str, fields: list[tuple[str, str | None]], language: Language
    ) -> list[Mention]:
        """Mentions of one project, in field order (as given), then start_char, then label."""
        lang: Language = language if language in _LANGUAGES else "en"
        found: list[Mention] = []
        order = {name: n for n, (name, _) in enumerate(fields)}
        for name, text in fields:
            if text and text.strip():
                found.extend(self._field(project_id, name, text, lang))
        found.sort(key=lambda m: (order[m.field], m.start_char, LABELS.index(m.label), m.end_char))
        return found

    def _field(self, project_id: str, name: str, text: str, lang: Language) -> list[Mention]:
        doc, toks = self.pipeline(lang)(text)
        rules = _patterns().rules[lang]
        field = _prepare(text, toks, rules)
        place_tokens = {i for ent in doc.ents if ent.label_ == "PLACE" for i in range(ent.start, ent.end)}
        rule: list[Mention] = []

        def add(label: str, start: int, end: int, value: str | None, unit: str | None) -> None:
            tok = bisect_right(field.starts, start) - 1
            planned = label in ("QUANTITY", "MONEY", "DATE") and field.planned[max(tok, 0)]
            rule.append(Mention(project_id, name, label, text[start:end], value, unit, start, end, planned))

        numbers = find_numbers(text, lang)
        date_spans = self._dates(field, numbers, lang, add)
        for number in numbers:
            if any(a <= number.start < b for a, b in date_spans):
                continue
            self._number(field, number, name, lang, rules, place_tokens, add)
        entities = self._entities(doc, field, rule, project_id, name, lang)
        return _dedupe(rule + entities)

    # ------------------------------------------------------------------ dates
    def _dates(self, field: _Field, numbers: list[NumberSpan], lang: Language, add: Any) -> list[tuple[int, int]]:
        """DATE mentions of numeric dates and of month-year phrases around four-digit years.

        Returns the spans taken, so their digits are not read again as numbers."""
        taken: list[tuple[int, int]] = []
        toks, text = field.toks, field.text
        for tok in toks:
            if _NUMERIC_DATE.fullmatch(tok.text):
                iso = parse_date(tok.text, lang).iso
                if iso:
                    add("DATE", tok.start, tok.end, iso, None)
                    taken.append((tok.start, tok.end))
        currencies = _currencies()
        for number in numbers:
            if not number.is_year_like or any(a <= number.start < b for a, b in taken):
                continue
            if currencies.after.match(text, number.end) or currencies.before.search(text[max(0, number.start - 20) : number.start]):
                continue  # "2000 TL" is money
            i = bisect_right(field.starts, number.start) - 1
            j = bisect_left(field.starts, number.end)
            if self._year_counts_things(field, i, j, lang):
                continue
            start, end, iso = number.start, number.end, number.raw
            for a, b in _date_windows(toks, i, j, number):
                wider = parse_date(text[a:b], lang).iso
                if wider and len(wider) > 4 and wider.startswith(number.raw):
                    start, end, iso = a, b, wider
                    break
            add("DATE", start, end, iso, None)
            taken.append((start, end))
        return taken

    def _year_counts_things(self, field: _Field, i: int, j: int, lang: Language) -> bool:
        """A four-digit number 1900–2100 followed by a plural count noun ("2000 trees") is a count,
        unless a date word stands before it ("in 2021 villages")."""
        rules = _patterns().rules[lang]
        counted = _count_unit(field.toks, j, lang, rules)
        if counted is None or not counted[0].plural:
            return False
        prev = field.toks[i - 1] if i > 0 else None
        return not (prev is not None and prev.key in rules.date_prepositions)

    # ------------------------------------------------------------------ numbers
    def _number(
        self,
        field: _Field,
        number: NumberSpan,
        name: str,
        lang: Language,
        rules: _Rules,
        place_tokens: set[int],
        add: Any,
    ) -> None:
        text, toks = field.text, field.toks
        before, after = text[: number.start], text[number.end :]
        if _PERCENT_AFTER.match(after) or _PERCENT_BEFORE.search(before):
            return
        if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before[-40:]):
            return
        start = self._approximated_start(field, number, rules)
        currencies = _currencies()
        cur_after = currencies.after.match(after)
        cur_before = currencies.before.search(before[-20:])
        if cur_after:
            end = number.end + cur_after.end()
            add("MONEY", start, end, _plain(number.value), _currency_code(cur_after["cur"]))
            return
        if cur_before:
            cur_start = number.start - (len(before[-20:]) - cur_before.start())
            add("MONEY", min(start, cur_start), number.end, _plain(number.value), _currency_code(cur_before["cur"]))
            return
        if name == BUDGET_FIELD:  # every figure of a budget text is money, never a count
            if not number.is_year_like:
                add("MONEY", start, number.end, _plain(number.value), None)
            return
        if (after[:1] and _GLUED_AFTER.match(after[:1])) or _GLUED_BEFORE.search(before[-2:]):
            return
        i = bisect_right(field.starts, number.start) - 1
        j = bisect_left(field.starts, number.end)
        first = bisect_right(field.starts, start) - 1  # the approximator's first token, or i
        if _labels_number(toks, first, field.sentence_start[i], rules, place_tokens):
            return
        counted = _count_unit(toks, j, lang, rules)
        if counted is None:
            return
        phrase, unit = counted
        end = _rate_end(toks, phrase.end_tok)
        add("QUANTITY", start, end, _plain(number.value), unit)

    @staticmethod
    def _approximated_start(field: _Field, number: NumberSpan, rules: _Rules) -> int:
        """Start of "nearly 200", "a total of 14", "yaklaşık 150": the approximation joins the text."""
        i = bisect_right(field.starts, number.start) - 1
        toks = field.toks
        for phrase in rules.approximators:
            n = len(phrase)
            if i - n < 0:
                continue
            window = toks[i - n : i]
            if all(t.key == p for t, p in zip(window, phrase)) and not any(t.newline for t in window):
                return window[0].start
        return number.start

    # ------------------------------------------------------------------ entities
    @staticmethod
    def _entities(
        doc: Any, field: _Field, rule: list[Mention], project_id: str, name: str, lang: Language
    ) -> list[Mention]:
        """PLACE and ORG of the EntityRuler, then the trained pipeline's entities that no rule
        mention overlaps."""
        out: list[Mention] = []
        model: list[Mention] = []
        taken = [(m.start_char, m.end_char) for m in rule]
        for ent in doc.ents:
            start, end = ent.start_char, _trim_apostrophe(ent)
            if end <= start:
                continue
            if ent.ent_id_ and ent.label_ == "PLACE":
                kind, _, canonical = ent.ent_id_.partition("\x1f")
                out.append(Mention(project_id, name, "PLACE", field.text[start:end], canonical, kind, start, end, False))
                continue
            if ent.ent_id_ and ent.label_ == "ORG":
                out.append(Mention(project_id, name, "ORG", field.text[start:end], None, None, start, end, False))
                continue
            label = _MODEL_LABELS.get(ent.label_)
            if label is None or any(a < end and start < b for a, b in taken):
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
            model.append(Mention(project_id, name, label, field.text[start:end], value, unit, start, end, False))
        return out + model


# --------------------------------------------------------------------------- helpers
def _load_model(name: str) -> Any:
    import spacy

    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise UsageError(
            f"--spacy-model {name}: not an installed spaCy pipeline ({reason}); "
            "install it with pip or pass the path of a pipeline directory"
        ) from exc


@lru_cache(maxsize=1)
def _org_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns: capitalised words (no stop words) ending with an organisation word."""
    pats = _patterns()
    cap_word = {"TEXT": {"REGEX": _CAPITAL}, "IS_STOP": False}
    possessive = {"NORM": {"IN": ["'s", "'"]}}
    en_suffix = {"NORM": {"IN": list(pats.org_en_suffixes)}, "TEXT": {"REGEX": _CAPITAL}}
    tr_suffix = {
        "NORM": {"REGEX": "^(?:" + "|".join(pats.org_tr_prefixes) + ")"},
        "TEXT": {"REGEX": _CAPITAL},
    }
    of_suffix = {"NORM": {"IN": list(pats.org_en_of)}, "TEXT": {"REGEX": _CAPITAL}}
    complement = [{"LOWER": "of"}, {"LOWER": "the", "OP": "?"}, {**cap_word, "OP": "+"}]
    joined = [{"LOWER": {"IN": ["and", "&"]}}, {**cap_word, "OP": "+"}]
    names = [{**cap_word, "OP": "+"}]
    owned = [{**cap_word, "OP": "+"}, possessive, {**cap_word, "OP": "*"}]  # Children's …
    shapes = [
        *(lead + [en_suffix] for lead in (names, owned)),  # İzmir Metropolitan Municipality
        *(lead + [tr_suffix] for lead in (names, owned)),  # İzmir Büyükşehir Belediyesi'nin
        [of_suffix, *complement],  # Ministry of Culture
        [of_suffix, *complement, *joined],  # Ministry of Culture and Tourism
        names + [of_suffix, *complement],  # İzmir Chamber of Commerce
        names + [of_suffix, *complement, *joined],
    ]
    return [{"label": "ORG", "pattern": shape, "id": "org"} for shape in shapes]


def _prepare(text: str, toks: list[_Tok], rules: _Rules) -> _Field:
    """A field's tokens with, for each, the start of its sentence and its planned flag."""
    sentence_start, planned = _planned_flags(toks, rules)
    return _Field(text, toks, [t.start for t in toks], planned, sentence_start)


def _ends_sentence(tok: _Tok) -> bool:
    return tok.newline or tok.text in {".", "!", "?", "…"}


def _breaks_clause(tok: _Tok, rules: _Rules) -> bool:
    return tok.text in {",", ";", ":", "(", ")", "–", "—"} or tok.key in rules.clause_breaks


def _phrase_at(toks: list[_Tok], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    """Whether one of the indexed multi-word phrases starts at token i."""
    for phrase in index.get(toks[i].key, ()):
        if i + len(phrase) <= len(toks) and all(toks[i + n].key == w for n, w in enumerate(phrase)):
            return True
    return False


def _is_planned_marker(tok: _Tok, toks: list[_Tok], i: int, rules: _Rules) -> bool:
    key = tok.key
    if key in rules.planned_words or _phrase_at(toks, i, rules.planned_phrases):
        return True
    if not tok.word or key in rules.not_planned:
        return False
    if rules.planned_prefixes and key.startswith(rules.planned_prefixes):
        return True
    return any(key.find(infix, 2) != -1 for infix in rules.planned_infixes)


def _planned_flags(toks: list[_Tok], rules: _Rules) -> tuple[list[int], list[bool]]:
    """Per token: the index where its sentence starts, and whether it lies in planned scope.

    Scope: from the start of the first clause of the sentence that holds a planning marker to the
    end of the sentence ("Currently 4 theatres and this will rise to 8": only 8 is planned), except
    clauses that hold a realised marker and no planning marker of their own.
    """
    n = len(toks)
    sentence_start = [0] * n
    planned = [False] * n
    plan = [_is_planned_marker(t, toks, k, rules) for k, t in enumerate(toks)]
    done = [
        t.key in rules.realised_words or _phrase_at(toks, k, rules.realised_phrases)
        for k, t in enumerate(toks)
    ]
    s = 0
    while s < n:
        e = s
        while e < n and not _ends_sentence(toks[e]):
            e += 1
        e = min(e + 1, n)  # the sentence end token belongs to the sentence
        for k in range(s, e):
            sentence_start[k] = s
        if any(plan[s:e]):
            in_scope = False
            a = s
            for k in range(s, e + 1):
                if k < e and not _breaks_clause(toks[k], rules):
                    continue
                b = min(k + 1, e)  # clause a..b, its break token included
                has_plan = any(plan[a:b])
                in_scope = in_scope or has_plan
                if in_scope and (has_plan or not any(done[a:b])):
                    for m in range(a, b):
                        planned[m] = True
                a = b
        s = e
    return sentence_start, planned


def _date_windows(toks: list[_Tok], i: int, j: int, number: NumberSpan) -> list[tuple[int, int]]:
    """Spans around a year that may make it a fuller date, most specific first:
    "10 December 2020", "March 2020", "2022 yılı Mart", "2022 March"."""
    windows = []
    if i >= 2 and toks[i - 1].word and toks[i - 2].text.isdigit() and len(toks[i - 2].text) <= 2:
        windows.append((toks[i - 2].start, number.end))
    if i >= 1 and toks[i - 1].word:
        windows.append((toks[i - 1].start, number.end))
    if j + 1 < len(toks) and toks[j].key.startswith("yil") and toks[j + 1].word:
        windows.append((number.start, toks[j + 1].end))
    if j < len(toks) and toks[j].word:
        windows.append((number.start, toks[j].end))
    return windows


def _labels_number(
    toks: list[_Tok], first: int, sentence_start: int, rules: _Rules, place_tokens: set[int]
) -> bool:
    """True when the word before a number makes it a label, an age or a code: "aged 5",
    "Article 76", "Law No. 5393", "Covid 19" (a capitalised word that does not start a sentence)."""
    if first <= 0:
        return False
    prev = toks[first - 1]
    if prev.key in rules.not_count_before:
        return True
    capitalised_name = prev.word and prev.cap and not prev.stop and first - 1 > sentence_start
    has_suffix = any(mark in prev.text for mark in _APOSTROPHES)  # "Bornova'da 12 kütüphane"
    return capitalised_name and not has_suffix and (first - 1) not in place_tokens


def _counted_phrase(toks: list[_Tok], j: int, lang: Language, rules: _Rules) -> _Phrase | None:
    """The short noun phrase after a number ("street artists", "Fairy Tale Houses", "kütüphane"),
    or None when no counted word follows."""
    n = len(toks)
    k = j
    if k < n and toks[k].text == "(":  # an aside: "nearly 200 (2020, 2021) theater plays"
        close = next((m for m in range(k + 1, min(n, k + _PARENTHESIS_MAX_TOKENS)) if toks[m].text == ")"), None)
        if close is None:
            return None
        k = close + 1
    while k < n and toks[k].key in rules.classifiers:  # "12 adet kütüphane", "3 pieces of"
        k += 1
        if k < n and toks[k].key == "of":
            k += 1
    words: list[int] = []
    plural = False
    lemmas = _patterns().lemmas
    while k < n and len(words) < _PHRASE_MAX_WORDS:
        tok = toks[k]
        if tok.text in {"'s", "’s"} and words:  # "women's cooperatives"
            k += 1
            continue
        if tok.text == "-" and words and k + 1 < n and toks[k + 1].word:  # "child-friendly parks"
            k += 1
            continue
        if not tok.word or tok.newline:
            break
        if tok.stop and not (lang == "tr" and tok.key in lemmas.tr_modifiers):
            break
        if words and _looks_verb(tok, lang):
            break
        words.append(k)
        if lang == "en" and _is_plural(tok.text, "en"):
            plural = True
            break
        if lang == "tr" and tok.key not in lemmas.tr_modifiers and _lemma_tr(tok.text) != tr_lower(
            _before_apostrophe(tok.text)
        ):
            plural = _is_plural(tok.text, "tr")
            break  # a Turkish noun with case or plural endings closes the phrase
        if lang == "tr" and tok.key in lemmas.tr_stem_forms:
            break  # a known count noun in its bare form: "12 kütüphane açılacak"
        k += 1
    if not words:
        return None
    last = words[-1]
    return _Phrase(toks[last].text, last, plural or lang == "tr")


def _count_unit(toks: list[_Tok], j: int, lang: Language, rules: _Rules) -> tuple[_Phrase, str] | None:
    """The counted phrase after a number and its unit lemma, or None when the word after the number
    is a time span, an age, a share, a month or no thing at all ("2 years", "80 percent", "10 May")."""
    phrase = _counted_phrase(toks, j, lang, rules)
    if phrase is None:
        return None
    unit = unit_lemma(phrase.head, lang)
    unit_key = ascii_key(unit)
    if unit_key in rules.non_count_units or unit_key in rules.not_things or month_number(phrase.head):
        return None
    return phrase, unit


def _looks_verb(tok: _Tok, lang: Language) -> bool:
    """A word after the first of the phrase that reads as a verb: "libraries opened", "açıldı"."""
    key = tok.key
    if lang == "tr":
        return len(key) > 4 and key.endswith(_patterns().lemmas.tr_verb_endings)
    return len(key) > 4 and key.endswith(("ed", "ing"))


def _rate_end(toks: list[_Tok], last: int) -> int:
    """End of the phrase, with up to two "per …" rates: "20 villages per month"."""
    end = toks[last].end
    k = last + 1
    for _ in range(2):
        if k + 1 < len(toks) and toks[k].key == "per" and toks[k + 1].word:
            end = toks[k + 1].end
            k += 2
    return end


def _trim_apostrophe(ent: Any) -> int:
    """End of an entity without the Turkish case ending of its last word ("Çiğli'de" → "Çiğli")."""
    last = ent[-1]
    head = _before_apostrophe(last.text)
    return last.idx + len(head) if head else ent.end_char


def _plain(value: Decimal) -> str:
    """A Decimal as a plain string, never in exponent form: 156313, 17000, 1.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """The same span is reported once: the first mention of a (start, end) wins."""
    seen: set[tuple[int, int]] = set()
    out = []
    for mention in mentions:
        key = (mention.start_char, mention.end_char)
        if key not in seen:
            seen.add(key)
            out.append(mention)
    return out
