"""A mention as the finders give it: a label and a span of the project's joined text, before the
extractor gives it its field and offsets in that field (models.Mention)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cittaslow_extract.mentions.tokens import Text

__all__ = ["LABELS", "Found", "dedupe", "found_at", "plain"]

LABELS = ("QUANTITY", "MONEY", "DATE", "PLACE", "ORG")


@dataclass(frozen=True, slots=True)
class Found:
    label: str  # one of LABELS
    start: int  # character offsets in the joined text
    end: int
    value: str | None
    unit: str | None
    planned: bool


def found_at(body: Text, k: int, label: str, start: int, end: int, value: str | None, unit: str | None) -> Found:
    """A found mention starting in token k; a figure or a date is planned when its token is."""
    planned = label != "PLACE" and label != "ORG" and body.planned(k)
    return Found(label, start, end, value, unit, planned)


def plain(value: Decimal) -> str:
    """A Decimal as a plain string, never in exponent form.

    >>> plain(Decimal("1.5634E+5")), plain(Decimal("17000.00")), plain(Decimal("1.50"))
    ('156340', '17000', '1.5')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def dedupe(found: Iterable[Found], taken: Iterable[tuple[int, int]] = ()) -> list[Found]:
    """The same span is reported once: the first mention of a (start, end) wins, and none of the
    spans `taken` already."""
    seen = set(taken)
    out = []
    for item in found:
        key = (item.start, item.end)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
