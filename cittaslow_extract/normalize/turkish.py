"""Turkish-aware case mapping and matching keys.

Python's str.lower() maps "I" to "i" and "İ" to "i̇" (i + combining dot), which is wrong for Turkish:
there "I" lowers to "ı" and "İ" to "i".  Submissions also mix the two conventions ("TARIHI" typed
with a plain I on an English keyboard), so matching keys fold dotted and dotless i together.

>>> tr_lower("BAŞLANGIÇ TARİHİ")
'başlangıç tarihi'
>>> tr_upper("izmir ılıca")
'İZMİR ILICA'
>>> match_key("Başlangıç Tarihi") == match_key("BAŞLANGIÇ TARIHI") == match_key("başlangıç tarihi")
True
>>> ascii_key("ÇİĞLİ") == ascii_key("Cigli")
True
"""

from __future__ import annotations

import re
import unicodedata

_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
# For matching only: dotted/dotless i are one letter, as people type them interchangeably.
_FOLD_I = str.maketrans({"ı": "i", "İ": "i", "I": "i"})
_ASCII_FOLD = str.maketrans(
    {"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i", "û": "u"}
)
_NON_WORD = re.compile(r"[^\w()%/]+", re.UNICODE)
# "i" + COMBINING DOT ABOVE: what str.lower() makes of "İ"; text that went through it upstream
# carries the stray dot, which NFC cannot compose away (there is no precomposed dotted small i).
_I_WITH_STRAY_DOT = "i\u0307"


def strip_invisible(text: str) -> str:
    """Drop format characters (soft hyphen, zero-width space/joiners, BOM) that PDF and Word text
    carry inside words, where they would split "BÜT\\u00adÇE" into two keys.

    >>> strip_invisible("B\\u00dcT\\u00ad\\u00c7E\\u200b")
    'BÜTÇE'
    """
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace(_I_WITH_STRAY_DOT, "i")


def tr_lower(text: str) -> str:
    """Lower-case under Turkish rules (I → ı, İ → i).

    >>> tr_lower("ISPARTA İZMİR"), tr_lower("i\\u0307zmir")
    ('ısparta izmir', 'izmir')
    """
    return _nfc(text).translate(_TR_LOWER).lower()


def tr_upper(text: str) -> str:
    """Upper-case under Turkish rules (i → İ, ı → I).

    >>> tr_upper("ıiIİ")
    'IİIİ'
    """
    return _nfc(text).translate(_TR_UPPER).upper()


def match_key(text: str) -> str:
    """Case- and spacing-insensitive key that keeps Turkish letters but folds i/ı/İ/I together.

    Punctuation other than parentheses, % and / becomes a single space, so "Objective:",
    "OBJECTIVE :" and "Budget (TL) –" key the same as their bare labels.

    >>> match_key("  OBJECTIVE :"), match_key("Budget (TL) –"), match_key("ıiIİ")
    ('objective', 'budget (tl)', 'iiii')
    """
    folded = _nfc(strip_invisible(text)).translate(_FOLD_I).lower()
    folded = folded.replace(_I_WITH_STRAY_DOT, "i")  # "İ" decomposed by an earlier str.lower()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def ascii_key(text: str) -> str:
    """match_key with Turkish letters folded to ASCII: for gazetteers ("Çiğli" = "Cigli")."""
    return fold_ascii(match_key(text))


def fold_ascii(key: str) -> str:
    """An existing match_key folded to ASCII (Turkish letters and other accents dropped).

    >>> fold_ascii("bütçe (tl)"), fold_ascii("café")
    ('butce (tl)', 'cafe')
    """
    decomposed = unicodedata.normalize("NFKD", key.translate(_ASCII_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
