"""Which amount of a budget text the years written in it belong to (normalize/money.py).

The years next to an amount, in the same sentence, are the years it refers to; a list ("2019, 2020
and 2021") or a range ("2019-2021") belongs to one amount as a whole.  A year between two amounts
goes to the side its clause belongs to (a comma or "and" separates clauses), else to the nearer one;
with nothing to tell, to the amount after it in Turkish ("2022 yılında X TL") and before it in
English ("X TL in 2022").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cittaslow_extract.models import Language
from cittaslow_extract.normalize.numbers import NumberSpan

_MAX_YEAR_RANGE = 30  # "2019-2021" expands to its years; a longer span is not a list of budget years
_YEAR_JOINT = re.compile(r"^\s*(?:,|and|ve|&|/|[-–—])\s*$", re.I)  # what joins the years of one list
_YEAR_DASH = re.compile(r"[-–—]")  # … of which a dash makes a range
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s|$)|\n|;")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:and|but|while|whereas|ve|ama|fakat|iken)\b", re.I)


class Placed(Protocol):
    """An amount as money.py finds it: where it is written, and the years given to it so far."""

    start: int
    end: int
    num_start: int
    years: tuple[int, ...]


YearGroup = tuple[int, int, tuple[int, ...]]  # (start, end, years) of "2019, 2020 and 2021"


def year_groups(text: str, spans: list[NumberSpan], amounts: Sequence[Placed]) -> list[YearGroup]:
    """(start, end, years) for each list or range of years that is not part of an amount."""
    figures = {c.num_start for c in amounts}  # "2000 TL": a year-like figure that is an amount
    years = [s for s in spans if s.is_year_like and s.start not in figures]
    groups: list[YearGroup] = []
    for span in years:
        year = int(span.value)
        if groups and _YEAR_JOINT.match(text[groups[-1][1] : span.start]):
            start, _, members = groups[-1]
            dash = _YEAR_DASH.search(text[groups[-1][1] : span.start])
            if dash and 0 < year - members[-1] <= _MAX_YEAR_RANGE:
                members = members + tuple(range(members[-1] + 1, year + 1))
            else:
                members = members + (year,)
            groups[-1] = (start, span.end, members)
        else:
            groups.append((span.start, span.end, (year,)))
    return groups


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sentence bounds of a text, found once: years only belong to amounts in their sentence."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> Sentences:
        starts, ends = [0], []
        for brk in _SENTENCE_BREAK.finditer(text):
            ends.append(brk.start())
            starts.append(brk.end())
        ends.append(len(text))
        return cls(starts, ends)

    def around(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.starts, pos) - 1)
        return self.starts[i], self.ends[i]


def assign_years(
    text: str, amounts: Sequence[Placed], groups: list[YearGroup], language: Language,
    sentences: Sentences,
) -> None:
    ends = [c.end for c in amounts]  # amounts are sorted and do not overlap
    starts = [c.start for c in amounts]
    for g_start, g_end, members in groups:
        s_start, s_end = sentences.around(g_start)
        i = bisect_right(ends, g_start) - 1
        j = bisect_left(starts, g_end)
        left = [amounts[i]] if i >= 0 and amounts[i].start >= s_start else []
        right = [amounts[j]] if j < len(amounts) and amounts[j].end <= s_end else []
        if not left and not right:
            continue
        if not right or not left:
            owner = left[-1] if left else right[0]
        else:
            lgap, rgap = text[left[-1].end : g_start], text[g_end : right[0].start]
            lbreak, rbreak = bool(_CLAUSE_BREAK.search(lgap)), bool(_CLAUSE_BREAK.search(rgap))
            if lbreak != rbreak:
                owner = right[0] if lbreak else left[-1]
            elif len(lgap) != len(rgap):
                owner = left[-1] if len(lgap) < len(rgap) else right[0]
            else:  # English writes "X TL in 2022", Turkish "2022 yılında X TL"
                owner = right[0] if language == "tr" else left[-1]
        owner.years = tuple(sorted(set(owner.years) | set(members)))
