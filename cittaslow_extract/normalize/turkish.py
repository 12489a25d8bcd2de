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


def tr_lower(text: str) -> str:
    """Lower-case under Turkish rules (I → ı, İ → i)."""
    return unicodedata.normalize("NFC", text).translate(_TR_LOWER).lower()


def tr_upper(text: str) -> str:
    """Upper-case under Turkish rules (i → İ, ı → I)."""
    return unicodedata.normalize("NFC", text).translate(_TR_UPPER).upper()


def match_key(text: str) -> str:
    """Case- and spacing-insensitive key that keeps Turkish letters but folds i/ı/İ/I together.

    Punctuation other than parentheses, % and / becomes a single space, so "Objective:",
    "OBJECTIVE :" and "Budget (TL) –" key the same as their bare labels.
    """
    folded = unicodedata.normalize("NFC", text).translate(_FOLD_I).lower()
    folded = folded.replace("i̇", "i")  # a combining dot left by a decomposed İ
    return " ".join(_NON_WORD.sub(" ", folded).split())


def ascii_key(text: str) -> str:
    """match_key with Turkish letters folded to ASCII: for gazetteers ("Çiğli" = "Cigli")."""
    key = match_key(text).translate(_ASCII_FOLD)
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
