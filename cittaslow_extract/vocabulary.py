"""The label vocabulary and title patterns, loaded from data/labels.toml (plus --labels overrides).

>>> vocab = load_vocabulary()
>>> vocab.match_label("BUDGET (TL)")
LabelMatch(field='budget', language='en', currency='TRY', inline_value=None)
>>> vocab.match_label("Bütçe (TL): 1.250.000")
LabelMatch(field='budget', language='tr', currency='TRY', inline_value='1.250.000')
>>> vocab.match_label("BAŞLANGIÇ TARIHI").field
'start'
>>> vocab.match_label("Objective of the city is to grow") is None
True
>>> vocab.match_title("Cittaslow Metropol Kontrol Listesi: Yönetişim")
('Yönetişim', 'tr')
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import UsageError
from .models import FIELD_NAMES, Language
from .normalize.turkish import match_key

LANGUAGES: tuple[Language, ...] = ("en", "tr")

# A label may carry its value on the same line after one of these separators.
_INLINE_SEPARATOR = re.compile(
    r"""
    \s*[:：]\s*          # "Objective: Making …", "AMAÇ : …"
    | \s+[–—-]\s+        # "Budget (TL) – 500.000" (a dash with spaces round it, not a hyphen)
    """,
    re.VERBOSE,
)
# A trailing bracket after a label: "BUDGET (TL)", "Bütçe(₺)".
_BRACKETED_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\(\s*(?P<inner>[^()]*?)\s*\)$")
_LABEL_MAX_CHARS = 60  # longer heads are sentences, never labels


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
    # match_key(spelling) → (canonical field, language)
    labels: dict[str, tuple[str, Language]]
    # match_key(currency) → ISO code
    currencies: dict[str, str]
    titles: list[TitlePattern] = field(default_factory=list)

    def _match_head(self, head: str) -> tuple[str, Language, str | None] | None:
        if not head or len(head) > _LABEL_MAX_CHARS:
            return None
        key = match_key(head)
        hit = self.labels.get(key)
        if hit is not None:
            return hit[0], hit[1], self._currency_in_key(key)
        bracket = _BRACKETED_SUFFIX.match(key)
        if bracket:
            currency = self.currencies.get(bracket["inner"].strip())
            hit = self.labels.get(bracket["base"].strip())
            if hit is not None and currency is not None:
                return hit[0], hit[1], currency
        return None

    def _currency_in_key(self, key: str) -> str | None:
        bracket = _BRACKETED_SUFFIX.match(key)
        return self.currencies.get(bracket["inner"].strip()) if bracket else None

    def match_label(self, text: str) -> LabelMatch | None:
        """The label this paragraph starts with, or None.  A label must stand alone on its line
        or be followed by a separator (":" or a spaced dash) and its value."""
        stripped = text.strip()
        whole = self._match_head(stripped)
        if whole is not None:
            return LabelMatch(whole[0], whole[1], whole[2], None)
        for sep in _INLINE_SEPARATOR.finditer(stripped):
            if sep.start() == 0:
                continue
            head = self._match_head(stripped[: sep.start()])
            if head is not None:
                value = stripped[sep.end() :].strip()
                return LabelMatch(head[0], head[1], head[2], value or None)
            break  # only the first separator can end a label
        return None

    def match_title(self, text: str) -> tuple[str, Language] | None:
        """(checklist name, language) when the text is a document title."""
        for title in self.titles:
            hit = title.regex.match(text.strip())
            if hit:
                return " ".join(hit["checklist"].split()).strip(" .:"), title.language
        return None

    def merged(self, overrides: dict[str, Any], origin: str) -> "Vocabulary":
        """A new vocabulary with the entries of an overrides document added on top."""
        labels = dict(self.labels)
        currencies = dict(self.currencies)
        titles = list(self.titles)
        _add_entries(labels, currencies, titles, overrides, origin)
        # later title patterns win: put the overriding ones first
        added = titles[len(self.titles) :]
        return Vocabulary(labels, currencies, added + list(self.titles))


def _add_entries(
    labels: dict[str, tuple[str, Language]],
    currencies: dict[str, str],
    titles: list[TitlePattern],
    document: dict[str, Any],
    origin: str,
) -> None:
    unknown = set(document) - {"fields", "label_currencies", "titles"}
    if unknown:
        raise UsageError(f"{origin}: unknown section(s) {', '.join(sorted(unknown))}")
    for name, by_language in document.get("fields", {}).items():
        if name not in FIELD_NAMES:
            raise UsageError(
                f"{origin}: unknown field {name!r} (known: {', '.join(FIELD_NAMES)})"
            )
        if not isinstance(by_language, dict):
            raise UsageError(f"{origin}: [fields.{name}] must map languages to lists of spellings")
        for language, spellings in by_language.items():
            if language not in LANGUAGES:
                raise UsageError(f"{origin}: [fields.{name}] unknown language {language!r}")
            if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
                raise UsageError(f"{origin}: [fields.{name}].{language} must be a list of strings")
            for spelling in spellings:
                labels[match_key(spelling)] = (name, language)
    for spelling, code in document.get("label_currencies", {}).items():
        if not isinstance(code, str):
            raise UsageError(f"{origin}: [label_currencies] {spelling!r} must map to a currency code")
        currencies[match_key(spelling) or spelling] = code
    for entry in document.get("titles", []):
        try:
            language = entry["language"]
            regex = re.compile(entry["pattern"], re.IGNORECASE)
        except (KeyError, TypeError) as exc:
            raise UsageError(f"{origin}: each [[titles]] needs language and pattern ({exc})") from exc
        except re.error as exc:
            raise UsageError(f"{origin}: bad title pattern {entry['pattern']!r}: {exc}") from exc
        if language not in LANGUAGES or "checklist" not in regex.groupindex:
            raise UsageError(
                f"{origin}: a title pattern needs a known language and a (?P<checklist>…) group"
            )
        titles.append(TitlePattern(language, regex))


def parse_vocabulary_file(path: Path) -> dict[str, Any]:
    """Read a labels TOML file; a bad file is a usage error naming the line."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read labels file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid labels file: {exc}") from exc


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    text = resources.files("cittaslow_extract").joinpath("data/labels.toml").read_bytes()
    labels: dict[str, tuple[str, Language]] = {}
    currencies: dict[str, str] = {}
    titles: list[TitlePattern] = []
    _add_entries(labels, currencies, titles, tomllib.loads(text.decode("utf-8")), "labels.toml")
    return Vocabulary(labels, currencies, titles)


def load_vocabulary(extra_files: tuple[Path, ...] = ()) -> Vocabulary:
    """The shipped vocabulary, with each extra file's entries added on top, in order."""
    vocab = _default_vocabulary()
    for path in extra_files:
        vocab = vocab.merged(parse_vocabulary_file(path), str(path))
    return vocab
