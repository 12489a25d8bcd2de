"""Currency spellings and the one matcher for them, shared by the budget normaliser and the mentions
stage, so a MONEY mention and budget_amount read the same currency from the same text.

The spellings are data/money.toml [currencies]; a currency word may carry a Turkish case or adjective
suffix with or without an apostrophe ("TL'ye", "liralık", "liraya", "liranın", "avroluk"), the
suffixes of [currency_suffixes].  After an amount, the currency may follow a dot or a dash glued to
the figure, as Turkish forms write it ("25.000.TL", "40.000. Euro", "12.335.000-TL", "300.000.-TL");
before an amount it may be followed by a colon ("US$:12.99").

>>> currency_code("TL'ye"), currency_code("liralık"), currency_code("€"), currency_code("frog")
('TRY', 'TRY', 'EUR', None)
>>> hit = currency_after("25.000.TL", 6)
>>> hit["cur"], hit.end()
('TL', 9)
>>> hit = currency_before("US$:", 4)
>>> hit["cur"], hit.start()
('US$', 0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.normalize.numbers import word_pattern
from cittaslow_extract.normalize.turkish import tr_lower

__all__ = ["Currencies", "currencies", "currency_after", "currency_before", "currency_code", "glued_code_pattern"]

_LETTER = r"[^\W\d_]"
_BLANK = r"[^\S\n]"  # white space within a line
_BEFORE_WINDOW = 24  # characters before a figure searched for a currency written before it


@dataclass(frozen=True, slots=True)
class Currencies:
    codes: dict[str, str]  # fold(spelling) → ISO 4217 code
    spellings: tuple[str, ...]  # as data/money.toml writes them, longest first
    token_source: str  # regex source of one currency token (group "cur"), suffix included
    suffixes: tuple[str, ...]  # fold(suffix), longest first
    after: re.Pattern[str]  # a currency right after an amount (match at the figure's end)
    before: re.Pattern[str]  # a currency right before an amount (search in the text before it, anchored at its end)


def _fold(token: str) -> str:
    return " ".join(tr_lower(token).replace("ı", "i").split())


@lru_cache(maxsize=1)
def currencies() -> Currencies:
    """The currency table of data/money.toml, compiled once."""
    doc = load_data("money.toml")
    codes = {_fold(tok): code for code, toks in doc["currencies"].items() for tok in toks}
    spellings = tuple(sorted({t for toks in doc["currencies"].values() for t in toks}, key=len, reverse=True))
    suffixes = tuple(sorted({_fold(s) for s in doc["currency_suffixes"]["tr"]}, key=len, reverse=True))
    words = [t for t in spellings if t[0].isalpha() and not t.isupper()]  # "lira", "Türk Lirası", "euro"
    codes_alpha = [t for t in spellings if t[0].isalpha() and t.isupper()]  # "TL", "EUR", "US$"
    symbols = [t for t in spellings if not t[0].isalpha()]
    suffix = "|".join(word_pattern(s) for s in suffixes)
    apostrophe = rf"['’]{_LETTER}+"
    token = (
        rf"(?P<cur>(?<!{_LETTER})(?:{'|'.join(word_pattern(t) for t in words)})(?:{apostrophe}|{suffix})?(?!{_LETTER})"
        rf"|(?<!{_LETTER})(?:{'|'.join(word_pattern(t) for t in codes_alpha)})(?:{apostrophe})?(?!{_LETTER})"
        rf"|(?:{'|'.join(re.escape(t) for t in symbols)}))"
    )
    # after a figure: blanks, or a dot (and a dash) glued to it, or a dash glued to a currency word
    glue = rf"(?:\.-?{_BLANK}*|-(?={_LETTER})|{_BLANK}*)"
    return Currencies(
        codes=codes,
        spellings=spellings,
        token_source=token,
        suffixes=suffixes,
        after=re.compile(glue + token, re.IGNORECASE),
        before=re.compile(rf"{token}{_BLANK}*:?{_BLANK}*$", re.IGNORECASE),
    )


def currency_code(token: str) -> str | None:
    """The ISO 4217 code of a currency token as matched (its Turkish suffix ignored), else None."""
    table = currencies()
    key = _fold(re.sub(r"['’].*$", "", token))
    if key in table.codes:
        return table.codes[key]
    for suffix in table.suffixes:
        if key.endswith(suffix) and key[: -len(suffix)] in table.codes:
            return table.codes[key[: -len(suffix)]]
    return None


def currency_after(text: str, pos: int) -> re.Match[str] | None:
    """A currency written right after a figure ending at `pos` (group "cur"), else None."""
    return currencies().after.match(text, pos)


def currency_before(text: str, pos: int) -> re.Match[str] | None:
    """A currency written right before a figure starting at `pos` (group "cur"; match offsets are
    offsets into `text`), else None."""
    start = max(0, pos - _BEFORE_WINDOW)
    return currencies().before.search(text, start, pos)


def glued_code_pattern() -> re.Pattern[str]:
    """A currency code or symbol written straight before digits ("EUR45.50", "TL500"): the code's
    letters keep numbers.find_numbers from seeing the figure, so callers blank them first."""
    codes = [t for t in currencies().spellings if t[0].isalpha() and t.isupper()]
    return re.compile(rf"(?<!{_LETTER})(?:{'|'.join(re.escape(c) for c in codes)})(?=[0-9])")
