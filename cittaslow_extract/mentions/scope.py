"""Planned flags: which tokens of a sentence stand in the scope of a planning marker.

A mention is planned when a marker ("will", "target", "planned", Turkish -(y)AcAk) stands in its
clause or an earlier clause of its sentence, unless its own clause says it is done ("currently",
"so far") and holds no marker of its own.  Only the sentences that hold a figure are looked at
(tokens.Text.planned caches them).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING

from cittaslow_extract.mentions.rules import Rules, phrase_at

if TYPE_CHECKING:
    from cittaslow_extract.mentions.tokens import Lex

__all__ = ["planned_flags"]

_MAY_PLAN = attrgetter("may_plan")


def planned_flags(lex: Sequence[Lex], s: int, e: int, rules: Rules) -> list[bool] | None:
    """The planned flag of each token of the sentence s..e (tokens), or None when none is planned.

    Scope: from the start of the first clause of the sentence that holds a planning marker to the
    end of the sentence ("Currently 4 theatres and this will rise to 8": only 8 is planned), except
    clauses that hold a realised marker and no planning marker of their own.
    """
    plans, dones = rules.planned_phrases, rules.realised_phrases
    # most sentences have no marker: only the few words that may start one are looked at
    candidates = compress(range(s, e), map(_MAY_PLAN, lex[s:e]))
    marks = [k for k in candidates if lex[k].plan or phrase_at(lex, k, plans)]
    if not marks:
        return None
    plan = [False] * (e - s)
    for k in marks:
        plan[k - s] = True
    planned = [False] * (e - s)
    done = [x.done or (x.done_start and phrase_at(lex, k, dones)) for k, x in zip(range(s, e), lex[s:e])]
    in_scope = False
    a = s
    for k in range(s, e + 1):
        if k < e and not lex[k].breaks_clause:
            continue
        b = min(k + 1, e)  # the clause a..b, its break token included
        has_plan = any(plan[a - s : b - s])
        in_scope = in_scope or has_plan
        if in_scope and (has_plan or not any(done[a - s : b - s])):
            for m in range(a, b):
                planned[m - s] = True
        a = b
    return planned
