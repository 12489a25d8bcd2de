"""DOCX automatic numbering (numbering.xml): the number Word shows before a list paragraph
("01", "1.1", "a)"), counted as the document goes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cittaslow_extract.read.docx_styles import W, val


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str  # decimal, decimalZero, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none
    text: str  # "%1.", "%1.%2", "•"


@dataclass(slots=True)
class Numbering:
    """numbering.xml: the levels of every list, and the counters as the document goes on."""

    levels: dict[str, dict[int, _Level]]  # numId → level → definition
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, element: Any) -> Numbering:
        if element is None:
            return cls({})
        abstract: dict[str, dict[int, _Level]] = {}
        for definition in element.iterchildren(W + "abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in definition.iterchildren(W + "lvl"):
                ilvl = lvl.get(W + "ilvl")
                start = val(lvl.find(W + "start"))
                levels[int(ilvl or 0)] = _Level(
                    int(start) if start and start.isdigit() else 1,
                    val(lvl.find(W + "numFmt")) or "decimal",
                    val(lvl.find(W + "lvlText")) or "",
                )
            abstract[definition.get(W + "abstractNumId") or ""] = levels
        lists: dict[str, dict[int, _Level]] = {}
        for num in element.iterchildren(W + "num"):
            base = abstract.get(val(num.find(W + "abstractNumId")) or "", {})
            levels = dict(base)
            for override in num.iterchildren(W + "lvlOverride"):
                level = int(override.get(W + "ilvl") or 0)
                start = val(override.find(W + "startOverride"))
                if level in levels and start and start.isdigit():
                    old = levels[level]
                    levels[level] = _Level(int(start), old.fmt, old.text)
            lists[num.get(W + "numId") or ""] = levels
        return cls(lists)

    def label(self, num_id: str, level: int) -> str | None:
        """The number Word shows for the next paragraph of this list at this level."""
        levels = self.levels.get(num_id)
        if not levels or level not in levels or num_id == "0":
            return None
        counter = self.counters.setdefault(num_id, [0] * 9)
        for k in range(level + 1, 9):
            counter[k] = 0  # a deeper level restarts under a new item
        for k in range(level):
            if counter[k] == 0 and k in levels:
                counter[k] = levels[k].start
        counter[level] = levels[level].start if counter[level] == 0 else counter[level] + 1
        definition = levels[level]
        if definition.fmt in ("bullet", "none"):
            return definition.text.strip() or None
        text = definition.text
        for k in range(level, -1, -1):
            if k in levels:
                text = text.replace(f"%{k + 1}", _format_number(counter[k], levels[k].fmt))
        return text.strip() or None


def _format_number(n: int, fmt: str) -> str:
    """A list counter as Word writes it.

    >>> _format_number(1, "decimalZero"), _format_number(12, "decimalZero"), _format_number(3, "upperRoman")
    ('01', '12', 'III')
    """
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)
