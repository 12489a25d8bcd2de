"""Text cleaning for field values and titles.

>>> clean_field("  Making   the\\u00a0accurate  assignments \\n\\n second  paragraph ")
'Making the accurate assignments\\nsecond paragraph'
>>> clean_field("") is None
True
>>> clean_field(None) is None
True
"""

from __future__ import annotations

import unicodedata

# Invisible characters that Word and PDF exports leave in text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def clean_line(text: str) -> str:
    """NFC, invisible characters removed, inner whitespace folded to single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


def clean_field(text: str | None) -> str | None:
    """A field value: each paragraph cleaned, empty paragraphs dropped, joined by a newline.

    None when the label is absent or its value empty, as the data dictionary promises.
    """
    if text is None:
        return None
    paragraphs = [clean_line(line) for line in text.split("\n")]
    joined = "\n".join(p for p in paragraphs if p)
    return joined or None
