"""The label vocabulary and title patterns, loaded from data/labels.toml (plus --labels overrides).

>>> vocab = load_vocabulary()
>>> vocab.match_label("BUDGET (TL)")
LabelMatch(field='budget', language='en', currency='TRY', inline_value=None)
>>> vocab.match_label("Bütçe (TL): 1.250.000")
LabelMatch(field='budget', language='tr', currency='TRY', inline_value='1.250.000')
>>> vocab.match_label("BAŞLANGIÇ TARIHI").field, vocab.match_label("Baslangic tarihi").field
('start', 'start')
>>> vocab.match_label("Objective of the city is to grow") is None
True
>>> vocab.match_label("Results"), vocab.match_label("Results: 42 interviews were recorded")
(LabelMatch(field='completed', language='en', currency=None, inline_value=None), None)
>>> vocab.match_title("Cittaslow Metropol Kontrol Listesi: Yönetişim")
('Yönetişim', 'tr')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cittaslow_extract.datafiles import data_text, parse_toml, read_user_toml, toml_line
from cittaslow_extract.errors import ConfigError
from cittaslow_extract.models import FIELD_NAMES, Language
from cittaslow_extract.normalize.turkish import fold_ascii, match_key, strip_invisible

LANGUAGES: tuple[Language, ...] = ("en", "tr")
_SECTIONS = ("fields", "label_currencies", "titles", "not_labels")
_STANDALONE = "standalone"

_LABEL_MAX_CHARS = 60  # longer heads are sentences, never labels
_BRACKET_MAX_CHARS = 25  # "(TL)", "(MONTHS)", "(TL, KDV DAHİL)": longer brackets are prose

# A label may carry its value on the same line after one of these separators.
_INLINE_SEPARATOR = re.compile(
    r"""
    \s*[:：]\s*          # "Objective: Making …", "AMAÇ : …"
    | \s+[–—-]\s+        # "Budget (TL) – 500.000" (a dash with spaces round it, not a hyphen)
    """,
    re.VERBOSE,
)
# Punctuation ignored round a label: bullets and quotes before it, separators and marks after it.
_LEADING_FILLER = re.compile(r"^[^\w(\[]+")
_TRAILING_FILLER = re.compile(r"[\s:：;\-–—*_=>|#\"'“”‘’«»]+$")
# A line that ends like a sentence is prose (or the wrapped end of a paragraph: "… until the end.").
_SENTENCE_END = re.compile(r"[.!?,…]$")
_BRACKETED_SUFFIX = re.compile(
    r"""
    ^(?P<base>.*?)\s*
    [(\[]\s*(?P<inner>[^()\[\]]*?)\s*[)\]]$   # "BUDGET (TL)", "Bütçe[₺]", "DURATION (MONTHS)"
    """,
    re.VERBOSE,
)
_CURRENCY_TOKENS = re.compile(r"[^\s,;/]+")  # "(TL, KDV dahil)", "(TL/yıl)" → TL
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class LabelSpelling:
    """One spelling of a label, as listed in a vocabulary file."""

    text: str
    field: str
    language: Language
    standalone: bool = False  # a generic word: a label only on a line of its own


@dataclass(frozen=True, slots=True)
class LabelMatch:
    field: str
    language: Language
    currency: str | None
    inline_value: str | None  # text after the label on the same line; None when the label stands alone


@dataclass(frozen=True, slots=True)
class TitlePattern:
    language: Language
    regex: re.Pattern[str]


@dataclass(slots=True)
class Vocabulary:
    labels: dict[str, LabelSpelling]  # match_key(spelling) → spelling
    currencies: dict[str, str]  # currency_key(text) → ISO 4217 code
    titles: list[TitlePattern] = field(default_factory=list)
    blocked: frozenset[str] = frozenset()  # match_keys that are never labels ([not_labels])
    # fold_ascii(key) → spelling, for labels typed without Turkish letters ("BUTCE"); None: ambiguous
    _ascii: dict[str, LabelSpelling | None] = field(init=False, repr=False)
    # match_label results by text: the segmenter's units ask about the same lines again and again
    _matches: dict[str, LabelMatch | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._ascii = {}
        self._matches = {}
        for key, entry in self.labels.items():
            folded = fold_ascii(key)
            if folded == key or folded in self.labels:
                continue  # nothing to fold, or an exact spelling already owns the typing
            seen = self._ascii.get(folded, entry)
            self._ascii[folded] = entry if seen is not None and seen.field == entry.field else None

    # -- matching ---------------------------------------------------------------------------
    def spellings(self) -> list[LabelSpelling]:
        """Every spelling in the vocabulary (after overrides), in file order."""
        return list(self.labels.values())

    def currency(self, text: str) -> str | None:
        """The ISO code a bracket after a label names: "TL" → TRY, "TL/yıl" → TRY, "₺" → TRY."""
        whole = self.currencies.get(currency_key(text))
        if whole is not None:
            return whole
        found = {self.currencies.get(currency_key(t)) for t in _CURRENCY_TOKENS.findall(text)} - {None}
        return found.pop() if len(found) == 1 else None

    def _lookup(self, key: str) -> LabelSpelling | None:
        if key in self.blocked:
            return None
        exact = self.labels.get(key)
        return exact if exact is not None else self._ascii.get(fold_ascii(key))

    def _match_head(self, head: str) -> tuple[LabelSpelling, str | None] | None:
        """The label a whole head is (punctuation round it already trimmed), with its currency."""
        if not head or len(head) > _LABEL_MAX_CHARS or _SENTENCE_END.search(head):
            return None
        bracket = _BRACKETED_SUFFIX.match(head)
        entry = self._lookup(match_key(head))
        if entry is None and bracket and len(bracket["inner"]) <= _BRACKET_MAX_CHARS:
            entry = self._lookup(match_key(_TRAILING_FILLER.sub("", bracket["base"])))
        if entry is None:
            return None
        return entry, self.currency(bracket["inner"]) if bracket else None

    def match_label(self, text: str) -> LabelMatch | None:
        """The label this paragraph is or starts with, or None.  A label stands alone on its line, or
        is followed by a separator (":" or a spaced dash) and its value; a standalone-only spelling
        ("Aim", "Results") must stand alone."""
        try:
            return self._matches[text]
        except KeyError:
            pass
        if len(self._matches) >= _MATCH_CACHE_SIZE:
            self._matches.clear()  # bounded: a worker reads many documents
        match = self._matches[text] = self._match_label(text)
        return match

    def _match_label(self, text: str) -> LabelMatch | None:
        stripped = strip_invisible(text).strip()
        lead = _LEADING_FILLER.match(stripped)
        body = stripped[lead.end() :] if lead else stripped
        trimmed = _TRAILING_FILLER.sub("", body)
        separator = _INLINE_SEPARATOR.search(trimmed)  # only the first separator can end a label
        if separator is None:
            hit = self._match_head(trimmed)
            return LabelMatch(hit[0].field, hit[0].language, hit[1], None) if hit else None
        hit = self._match_head(trimmed[: separator.start()])
        if hit is None or hit[0].standalone:
            return None
        value = body[separator.end() :].strip()
        return LabelMatch(hit[0].field, hit[0].language, hit[1], value or None)

    def match_title(self, text: str) -> tuple[str, Language] | None:
        """(checklist name, language) when the text is a document title."""
        stripped = strip_invisible(text).strip()
        for title in self.titles:
            hit = title.regex.match(stripped)
            if hit:
                name = " ".join(hit["checklist"].split()).strip(" .:;–—-*")
                if name:
                    return name, title.language
        return None

    # -- building ---------------------------------------------------------------------------
    def merged(self, overrides: dict[str, Any], origin: str, text: str | None = None) -> Vocabulary:
        """A new vocabulary with the entries of an overrides document on top: a spelling it lists
        again is remapped, its title patterns are tried first.  `text` (the file's source) lets an
        error name its line."""
        labels = dict(self.labels)
        currencies = dict(self.currencies)
        titles: list[TitlePattern] = []
        blocked = set(self.blocked)
        try:
            added = _add_entries(labels, currencies, titles, blocked, overrides)
            vocabulary = Vocabulary(labels, currencies, titles + list(self.titles), frozenset(blocked))
            _check_reachable(vocabulary, added)
        except _EntryError as exc:
            line = toml_line(text, exc.where, exc.needle) if text is not None else None
            raise ConfigError(f"{origin}:{line}: {exc}" if line else f"{origin}: {exc}") from None
        return vocabulary


def currency_key(text: str) -> str:
    """Case-insensitive key of a currency name or symbol (symbols are kept, unlike match_key).

    >>> currency_key(" Türk Lirası "), currency_key("₺"), currency_key("TL.")
    ('türk lirasi', '₺', 'tl')
    """
    folded = match_key(text) if any(ch.isalpha() for ch in text) else ""
    return folded or " ".join(strip_invisible(text).split()).strip(".")


class _EntryError(Exception):
    """A bad entry in a vocabulary document; `where` is its key path, for finding the line."""

    def __init__(self, where: tuple[str | int, ...], message: str, needle: str | None = None) -> None:
        super().__init__(message)
        self.where = where
        self.needle = needle  # a string value inside the entry, to point at its own line in an array


def _string_list(value: Any, where: tuple[str | int, ...]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise _EntryError(where, f"[{'.'.join(map(str, where[:-1]))}] {where[-1]} must be a list of strings")
    return value


def _add_entries(
    labels: dict[str, LabelSpelling],
    currencies: dict[str, str],
    titles: list[TitlePattern],
    blocked: set[str],
    document: dict[str, Any],
) -> list[tuple[LabelSpelling, tuple[str | int, ...]]]:
    """Add one document's entries in place; returns the spellings it added, with their key paths."""
    unknown = sorted(set(document) - set(_SECTIONS))
    if unknown:
        raise _EntryError((unknown[0],), f"unknown section [{unknown[0]}] (known: {', '.join(_SECTIONS)})")
    added: list[tuple[LabelSpelling, tuple[str | int, ...]]] = []
    owner: dict[str, str] = {}  # key → field within this document, to catch a spelling given twice
    fields = document.get("fields", {})
    if not isinstance(fields, dict):
        raise _EntryError(("fields",), "[fields] must be a table of fields")
    for name, by_language in fields.items():
        if name not in FIELD_NAMES:
            raise _EntryError(("fields", name), f"unknown field {name!r} (known: {', '.join(FIELD_NAMES)})")
        if not isinstance(by_language, dict):
            raise _EntryError(("fields", name), f"[fields.{name}] must map languages to lists of spellings")
        groups: list[tuple[str, Any, bool, tuple[str | int, ...]]] = []
        for language, spellings in by_language.items():
            if language == _STANDALONE:
                if not isinstance(spellings, dict):
                    raise _EntryError(
                        ("fields", name, language),
                        f"[fields.{name}.{_STANDALONE}] must be a table: en = [...], tr = [...]",
                    )
                for inner, words in spellings.items():
                    groups.append((inner, words, True, ("fields", name, _STANDALONE, inner)))
            else:
                groups.append((language, spellings, False, ("fields", name, language)))
        for language, spellings, standalone, where in groups:
            if language not in LANGUAGES:
                known = ", ".join(LANGUAGES) + ("" if standalone else f", {_STANDALONE}")
                raise _EntryError(where, f"[fields.{name}] unknown key {language!r} (known: {known})")
            for spelling in _string_list(spellings, where):
                key = match_key(spelling)
                if not key:
                    raise _EntryError(where, f"[fields.{name}] empty spelling {spelling!r}", spelling)
                if owner.get(key, name) != name:
                    raise _EntryError(
                        where, f"spelling {spelling!r} is listed under both {owner[key]} and {name}", spelling
                    )
                owner[key] = name
                entry = LabelSpelling(spelling, name, language, standalone)
                labels.pop(key, None)  # re-insert: an override moves to the end of the file order
                labels[key] = entry
                blocked.discard(key)
                added.append((entry, where))
    currency_table = document.get("label_currencies", {})
    if not isinstance(currency_table, dict):
        raise _EntryError(("label_currencies",), "[label_currencies] must map currency names to codes")
    for spelling, code in currency_table.items():
        if not isinstance(code, str) or not _CURRENCY_CODE.match(code):
            raise _EntryError(
                ("label_currencies", spelling),
                f"[label_currencies] {spelling!r} must map to a three-letter currency code such as \"TRY\"",
            )
        currencies[currency_key(spelling)] = code
    title_list = document.get("titles", [])
    if not isinstance(title_list, list):
        raise _EntryError(("titles",), "titles must be an array of tables: [[titles]]")
    for index, entry in enumerate(title_list):
        titles.append(_title_pattern(entry, ("titles", index)))
    removed = document.get("not_labels", {})
    if not isinstance(removed, dict) or set(removed) - {"spellings"}:
        raise _EntryError(("not_labels",), "[not_labels] takes one key: spellings = [...]")
    gone = {match_key(s) for s in _string_list(removed.get("spellings", []), ("not_labels", "spellings"))}
    for key in gone:
        labels.pop(key, None)
    blocked |= gone  # also blocks a typing that only matched through its ASCII form ("BUTCE")
    return [(e, w) for e, w in added if match_key(e.text) not in gone]


def _title_pattern(entry: Any, where: tuple[str | int, ...]) -> TitlePattern:
    if not isinstance(entry, dict) or set(entry) != {"language", "pattern"}:
        raise _EntryError(where, "each [[titles]] needs exactly: language = \"en\"|\"tr\", pattern = '…'")
    language, pattern = entry["language"], entry["pattern"]
    if language not in LANGUAGES:
        raise _EntryError((*where, "language"), f"title language must be one of {', '.join(LANGUAGES)}")
    if not isinstance(pattern, str):
        raise _EntryError((*where, "pattern"), "title pattern must be a string")
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise _EntryError((*where, "pattern"), f"bad title pattern {pattern!r}: {exc}") from None
    if "checklist" not in regex.groupindex:
        raise _EntryError((*where, "pattern"), "a title pattern needs a (?P<checklist>…) group")
    return TitlePattern(language, regex)


def _check_reachable(
    vocabulary: Vocabulary, added: list[tuple[LabelSpelling, tuple[str | int, ...]]]
) -> None:
    """Every spelling a file adds must match itself: one with a ':' inside, ending in '.', or too
    long would silently never match."""
    for entry, where in added:
        hit = vocabulary.match_label(entry.text)
        if hit is None or hit.inline_value is not None or hit.field != entry.field:
            raise _EntryError(
                where,
                f"spelling {entry.text!r} can never match as a label (a label has no ':' or spaced "
                f"dash inside, does not end with . ! ? , and has at most {_LABEL_MAX_CHARS} characters)",
                entry.text,
            )


def _read_overrides(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a labels TOML file: (document, source text).  A bad file is a usage error naming the line."""
    return read_user_toml(path, "labels file")


_MATCH_CACHE_SIZE = 100_000


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    text, origin = data_text("labels.toml"), "cittaslow_extract/data/labels.toml"
    return Vocabulary({}, {}, []).merged(parse_toml(text, origin, "labels file"), origin, text)


def load_vocabulary(extra_files: tuple[Path, ...] = ()) -> Vocabulary:
    """The shipped vocabulary (read once), with each extra file's entries added on top, in order.

    The segmenter's workers call this for every document: the result is kept per list of files,
    and read again only when a file's size or modification time changes.
    """
    if not extra_files:
        return _default_vocabulary()
    stamps = []
    for path in extra_files:
        try:
            stat = Path(path).stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((str(path), -1, -1))  # _read_overrides reports it as a usage error
    return _with_extra_files(tuple(stamps))


@lru_cache(maxsize=8)
def _with_extra_files(stamps: tuple[tuple[str, int, int], ...]) -> Vocabulary:
    vocabulary = _default_vocabulary()
    for path, _, _ in stamps:
        document, text = _read_overrides(Path(path))
        vocabulary = vocabulary.merged(document, path, text)
    return vocabulary
