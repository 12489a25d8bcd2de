"""The global decoder: the lowest-cost reading of a whole document under the form's grammar.

A Viterbi (beam) search over units.  A state is (role, open fields, current field): the fields
already given in the open project matter because a label whose field was given, or that goes back
in the form's order, starts a new project, and the current field because a second paragraph under
a date or an amount costs more.  Costs come from data/form.toml (transitions, shape predicates,
project costs) and from the layout: the document's heading evidence (profile.HeadingEvidence) and
its style profile, built from the document's anchors (profile.StyleProfile).

Besides the best reading, the decoder keeps the max-marginal of every (unit, role): the cost of
the best reading that gives the unit that role.  The gap between the best and the runner-up role
is the unit's margin: how sure the reading is (shown by `explain`, and behind the warning
segmentation_uncertain).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.structure.form import START, Form
from cittaslow_extract.structure.profile import HeadingEvidence, StyleProfile, anchor_roles, signature
from cittaslow_extract.structure.units import Unit

_FIELD_BIT = {name: 1 << index for index, name in enumerate(FIELD_NAMES)}
_INF = math.inf
# What a bullet or long running text can be: never a heading.
_TEXT_ONLY_ROLES = ("value", "orphan", "preamble")
_END_FORBIDDEN = frozenset({"title", "crit_title"})  # each needs a following unit
_IN_PROJECT = frozenset({"label", "value"})  # roles inside an open project
_PLAIN_STATES: dict[str, tuple[str, int, int]] = {
    role: (role, 0, 0) for role in ("doc_title", "preamble", "crit_title", "crit_no", "crit_head", "sub", "orphan")
}


@dataclass(slots=True)
class UnitCosts:
    """Why a unit costs what it does in each role (for explain)."""

    shape: dict[str, float]
    layout: dict[str, float]
    profile: dict[str, float] = field(default_factory=dict)
    emission: tuple[tuple[str, float], ...] = ()  # (role, total) per allowed role, once complete

    def total(self, role: str) -> float:
        return self.shape.get(role, 0.0) + self.layout.get(role, 0.0) + self.profile.get(role, 0.0)


@dataclass(slots=True)
class Decoding:
    roles: list[str]
    opens_project: list[bool]  # a label that starts a project (with or without a title before it)
    margins: list[float]  # best reading vs the best reading giving the unit another role
    runner_up: list[str | None]
    costs: list[UnitCosts]
    evidence: HeadingEvidence
    total: float


def allowed_roles(unit: Unit, is_doc_title: bool) -> tuple[str, ...]:
    """The roles a unit may take at all (hard constraints; everything else is a cost)."""
    if is_doc_title:
        return ("doc_title",)
    if unit.label is not None:
        return ("label",)
    if "bullet" in unit.shapes or {"long", "sentence"} <= unit.shapes:
        return _TEXT_ONLY_ROLES
    roles = ["value", "title", "sub", "crit_title", "orphan", "preamble"]
    if "number_only" in unit.shapes:
        roles.append("crit_no")
    if "numbered_heading" in unit.shapes:
        roles.append("crit_head")
    return tuple(roles)


def _costs(unit: Unit, roles: tuple[str, ...], form: Form, evidence: HeadingEvidence) -> UnitCosts:
    shape: dict[str, float] = {}
    for predicate in unit.shapes:
        for role, cost in form.shapes.get(predicate, {}).items():
            if role in roles:
                shape[role] = shape.get(role, 0.0) + cost
    heading = evidence.score(unit) / 2.0
    layout: dict[str, float] = {}
    for role in roles:
        if role in form.layout.heading_roles:
            layout[role] = -heading
        elif role in form.layout.body_roles:
            layout[role] = heading
    return UnitCosts(shape, layout)


def decode(units: list[Unit], doc_title_index: int | None, form: Form) -> Decoding:
    """The best reading, scored by shape, the document's heading evidence and its style profile."""
    evidence = HeadingEvidence.of(units, form.layout)
    profile: StyleProfile | None = None
    signatures: list[tuple[object, ...]] = []
    if form.layout.profile_weight:
        signatures = [signature(u, evidence.body_size) for u in units]
        profile = StyleProfile.of(signatures, anchor_roles(units), form.layout)
    allowed = [allowed_roles(u, i == doc_title_index) for i, u in enumerate(units)]
    # Units that look alike cost alike: costs are computed once per kind of unit.
    cache: dict[tuple[object, ...], UnitCosts] = {}
    costs: list[UnitCosts] = []
    for i, unit in enumerate(units):
        key = (allowed[i], unit.shapes, tuple(evidence.present(unit)), signatures[i] if signatures else None)
        found = cache.get(key)
        if found is None:
            found = _costs(unit, allowed[i], form, evidence)
            if profile is not None and len(allowed[i]) > 1:
                found.profile = {r: profile.cost(signatures[i], r) for r in allowed[i]}
                found.layout = {r: c * form.layout.evidence_share for r, c in found.layout.items()}
            found.emission = tuple((r, found.total(r)) for r in allowed[i])
            cache[key] = found
        costs.append(found)
    result = _viterbi(units, allowed, costs, form, margins=True)
    result.evidence = evidence
    return result


_State = tuple[str, int, int]  # (role, open fields, current field; for a title: the fields of the project before it)


def _viterbi(
    units: list[Unit], allowed: list[tuple[str, ...]], costs: list[UnitCosts], form: Form, margins: bool
) -> Decoding:
    """The best reading, by dynamic programming over (unit, state); states further than the beam
    behind the best one at a unit are dropped (they cannot come back: see form.toml [search])."""
    n = len(units)
    beam = form.beam
    alpha: list[dict[_State, float]] = []
    back: list[dict[_State, tuple[_State | None, bool]]] = []
    edges: list[list[tuple[_State | None, _State, float]]] = []
    previous: dict[_State | None, float] = {None: 0.0}
    successors_of = form.transitions
    missing_title, back_in_order = form.missing_title, form.back_in_order
    forward_new, shape_change, continuation = form.forward_new_project, form.shape_change, form.continuation
    for i, unit in enumerate(units):
        emission = costs[i].emission
        here: dict[_State, float] = {}
        pointer: dict[_State, tuple[_State | None, bool]] = {}
        step_edges: list[tuple[_State | None, _State, float]] = []
        prior = units[i - 1] if i else None
        inline_prior = prior is not None and prior.label is not None and bool(prior.label.inline_value)
        changes_shape = prior is not None and "sentence" in prior.shapes and "sentence" not in unit.shapes
        bit = _FIELD_BIT[unit.label.field] if unit.label is not None else 0
        for state, score in previous.items():
            if state is None:
                prev_role, mask, current = START, 0, 0
            else:
                prev_role, mask, current = state
            # "Objective: text" already holds its value: what may follow is what follows a value
            successors = successors_of.get("value" if prev_role == "label" and inline_prior else prev_role, {})
            for role, emit in emission:
                step = successors.get(role)
                if step is None:
                    continue
                if role in _PLAIN_STATES:  # a heading or text outside a project: one state, no extra cost
                    new_state = _PLAIN_STATES[role]
                    total = score + step + emit
                    if margins:
                        step_edges.append((state, new_state, step + emit))
                    if total < here.get(new_state, _INF):
                        here[new_state] = total
                        pointer[new_state] = (state, False)
                    continue
                moves: tuple[tuple[_State, float, bool], ...]
                if role == "value":
                    extra = 0.0
                    if prev_role == "value" or (prev_role == "label" and inline_prior):
                        # a further paragraph of the field (an inline label held its first one)
                        extra = continuation.get(current, 0.0) + (shape_change if changes_shape else 0.0)
                    moves = ((("value", mask, current), extra, False),)
                elif role == "label":
                    if prev_role == "title":
                        before = current  # a title's state holds the fields of the project before it
                        extra = forward_new if before and not before & bit and not _goes_back(before, bit) else 0.0
                        moves = ((("label", bit, bit), extra, True),)
                    elif prev_role in _IN_PROJECT:
                        if mask & bit:
                            moves = ((("label", bit, bit), missing_title, True),)
                        elif _goes_back(mask, bit):
                            moves = ((("label", mask | bit, bit), back_in_order, False),
                                     (("label", bit, bit), missing_title, True))
                        else:
                            moves = ((("label", mask | bit, bit), 0.0, False),)
                    else:
                        moves = ((("label", bit, bit), missing_title, True),)
                elif role == "title":
                    moves = ((("title", 0, mask if prev_role in _IN_PROJECT else 0), 0.0, False),)
                else:
                    moves = (((role, 0, 0), 0.0, False),)
                for new_state, extra, opening in moves:
                    cost = step + extra + emit
                    total = score + cost
                    if margins:
                        step_edges.append((state, new_state, cost))
                    if total < here.get(new_state, _INF):
                        here[new_state] = total
                        pointer[new_state] = (state, opening)
        if not here:  # nothing fits the grammar (cannot happen with the shipped form): restart
            here = {(r, 0, 0): e for r, e in emission}
            pointer = {s: (None, False) for s in here}
        best = min(here.values())
        if len(here) > 1:
            here = {s: c for s, c in here.items() if c <= best + beam}
        alpha.append(here)
        back.append(pointer)
        edges.append(step_edges)
        previous = here  # type: ignore[assignment]
    final = {s: c for s, c in previous.items() if s is not None and s[0] not in _END_FORBIDDEN}
    if not final:
        final = {s: c for s, c in previous.items() if s is not None}
    end_state = min(final, key=lambda s: (final[s], s))
    total = final[end_state]
    roles: list[str] = [""] * n
    opens: list[bool] = [False] * n
    walk: _State | None = end_state
    for i in range(n - 1, -1, -1):
        assert walk is not None
        roles[i] = walk[0]
        walk, opens[i] = back[i][walk]
    result = Decoding(roles, opens, [_INF] * n, [None] * n, costs, None, total)  # type: ignore[arg-type]
    if margins:
        _max_marginals(result, alpha, edges, final, allowed, beam)
    return result


def _goes_back(mask: int, bit: int) -> bool:
    """The field comes earlier in the form's order than one already given."""
    return mask.bit_length() > bit.bit_length()


def _max_marginals(
    result: Decoding,
    alpha: list[dict[_State, float]],
    edges: list[list[tuple[_State | None, _State, float]]],
    final: dict[_State, float],
    allowed: list[tuple[str, ...]],
    beam: float,
) -> None:
    """Per unit, the margin between the best reading and the best one giving it another role.  A
    unit with other allowed roles but none within the beam gets the beam as its margin (a bound)."""
    n = len(alpha)
    beta: dict[_State, float] = {s: 0.0 for s in final}
    for i in range(n - 1, -1, -1):
        best_by_role: dict[str, float] = {}
        for state, a in alpha[i].items():
            b = beta.get(state, _INF)
            if b < _INF:
                value = a + b
                if value < best_by_role.get(state[0], _INF):
                    best_by_role[state[0]] = value
        ranked = sorted(best_by_role.items(), key=lambda item: item[1])
        if len(ranked) > 1:
            result.margins[i] = min(beam, ranked[1][1] - ranked[0][1])
            result.runner_up[i] = ranked[1][0] if ranked[0][0] == result.roles[i] else ranked[0][0]
        elif len(allowed[i]) > 1:
            result.margins[i] = beam
        if i == 0:
            break
        previous_beta: dict[_State, float] = {}
        for source, target, step in edges[i]:
            if source is None:
                continue
            b = beta.get(target, _INF)
            if b < _INF and step + b < previous_beta.get(source, _INF):
                previous_beta[source] = step + b
        beta = previous_beta
