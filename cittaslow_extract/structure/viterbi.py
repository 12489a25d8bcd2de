"""The decoder's search: a Viterbi (beam) search over (unit, state), and the max-marginals behind
the margins (decoder.py says what the states and costs mean).

Speed comes from doing each piece of work once:

- a state (role, open fields, current field) is a small integer, interned per grammar;
- the moves out of a state (next state, transition and project cost, whether it opens a
  project) depend on the state and on the unit's kind only (its allowed roles, its label's field,
  whether the unit before it holds an inline value and whether the text stops being a sentence):
  they are computed once per grammar (`_Grammar.moves`);
- a step of the search depends on the states alive before it, the unit's kind and its emission
  costs: units that look alike in a run of alike states repeat the same step, so each distinct
  step is compiled once per document into a flat list of edges (`_Step`) and replayed.

The float arithmetic is the one the costs were always added up in (transition + project cost,
then the emission; a score plus a plain heading's transition, then its emission), and ties are
broken in the same order (states in the order first reached, edges in state then role order), so
the readings and margins do not depend on the caching.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.structure.form import START, Form

_FIELD_BIT = {name: 1 << index for index, name in enumerate(FIELD_NAMES)}
_INF = math.inf
_END_FORBIDDEN = frozenset({"title", "crit_title"})  # each needs a following unit
_IN_PROJECT = frozenset({"label", "value"})  # roles inside an open project
_PLAIN_ROLES = frozenset({"doc_title", "preamble", "crit_title", "crit_no", "crit_head", "sub", "orphan"})
_MAX_MOVES = 200_000  # cached (state, kind) entries per grammar before the cache starts again

State = tuple[str, int, int]  # (role, open fields, current field; for a title: the fields of the project before it)
# (emission index, next state id, transition + project cost, opens a project, plain heading or text)
_Move = tuple[int, int, float, bool, bool]
# (allowed roles, field bit of a label, the unit before holds an inline value, stops being a sentence)
Kind = tuple[tuple[str, ...], int, bool, bool]


def _goes_back(mask: int, bit: int) -> bool:
    """The field comes earlier in the form's order than one already given."""
    return mask.bit_length() > bit.bit_length()


class _Grammar:
    """The form's grammar over integer states, with the moves out of each state cached."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.states: list[State] = []
        self.ids: dict[State, int] = {}
        self.roles: list[str] = []
        self.start = self.state_id((START, 0, 0))
        self._moves: dict[tuple[int, Kind], tuple[_Move, ...]] = {}

    def state_id(self, state: State) -> int:
        found = self.ids.get(state)
        if found is None:
            found = self.ids[state] = len(self.states)
            self.states.append(state)
            self.roles.append(state[0])
        return found

    def moves(self, state: int, kind: Kind) -> tuple[_Move, ...]:
        key = (state, kind)
        found = self._moves.get(key)
        if found is None:
            if len(self._moves) > _MAX_MOVES:
                self._moves.clear()
            found = self._moves[key] = self._compute_moves(state, kind)
        return found

    def _compute_moves(self, state: int, kind: Kind) -> tuple[_Move, ...]:
        form = self.form
        prev_role, mask, current = self.states[state]
        roles, bit, inline_prior, changes_shape = kind
        # "Objective: text" already holds its value: what may follow is what follows a value
        successors = form.transitions.get("value" if prev_role == "label" and inline_prior else prev_role, {})
        found: list[_Move] = []
        for index, role in enumerate(roles):
            step = successors.get(role)
            if step is None:
                continue
            if role in _PLAIN_ROLES:  # a heading or text outside a project: one state, no extra cost
                found.append((index, self.state_id((role, 0, 0)), step, False, True))
                continue
            moves: tuple[tuple[State, float, bool], ...]
            if role == "value":
                extra = 0.0
                if prev_role == "value" or (prev_role == "label" and inline_prior):
                    # a further paragraph of the field (an inline label held its first one)
                    extra = form.continuation.get(current, 0.0) + (form.shape_change if changes_shape else 0.0)
                moves = ((("value", mask, current), extra, False),)
            elif role == "label":
                if prev_role == "title":
                    before = current  # a title's state holds the fields of the project before it
                    forward = before and not before & bit and not _goes_back(before, bit)
                    moves = ((("label", bit, bit), form.forward_new_project if forward else 0.0, True),)
                elif prev_role in _IN_PROJECT:
                    if mask & bit:
                        moves = ((("label", bit, bit), form.missing_title, True),)
                    elif _goes_back(mask, bit):
                        moves = ((("label", mask | bit, bit), form.back_in_order, False),
                                 (("label", bit, bit), form.missing_title, True))
                    else:
                        moves = ((("label", mask | bit, bit), 0.0, False),)
                else:
                    moves = ((("label", bit, bit), form.missing_title, True),)
            elif role == "title":
                moves = ((("title", 0, mask if prev_role in _IN_PROJECT else 0), 0.0, False),)
            else:
                moves = (((role, 0, 0), 0.0, False),)
            for new_state, extra, opening in moves:
                found.append((index, self.state_id(new_state), step + extra, opening, False))
        return tuple(found)


_GRAMMARS: dict[int, _Grammar] = {}


def grammar(form: Form) -> _Grammar:
    """The compiled grammar of a form (one per Form object; the shipped form is loaded once)."""
    found = _GRAMMARS.get(id(form))
    if found is None or found.form is not form:
        if len(_GRAMMARS) > 8:
            _GRAMMARS.clear()
        found = _GRAMMARS[id(form)] = _Grammar(form)
    return found


class _Step:
    """One compiled step: the states it reaches (in the order first reached) and its edges."""

    __slots__ = ("targets", "forward", "backward", "openings", "restart")

    def __init__(self, targets: tuple[int, ...], forward: tuple[tuple[int, int, float, float], ...],
                 backward: tuple[tuple[int, int, float], ...], openings: tuple[bool, ...],
                 restart: tuple[float, ...] | None) -> None:
        self.targets = targets
        self.openings = openings  # per edge: it opens a project
        # (source position, target position, a, b): the target's score is source score + a + b
        self.forward = forward
        self.backward = backward  # (source position, target position, edge cost)
        self.restart = restart  # the scores when nothing fits the grammar (then there are no edges)


def _compile(g: _Grammar, sources: tuple[int, ...], kind: Kind, emission: Sequence[tuple[str, float]]) -> _Step:
    positions: dict[int, int] = {}
    forward: list[tuple[int, int, float, float]] = []
    backward: list[tuple[int, int, float]] = []
    opening: list[bool] = []
    for position, state in enumerate(sources):
        for index, target, step, opens, plain in g.moves(state, kind):
            emit = emission[index][1]
            where = positions.setdefault(target, len(positions))
            cost = step + emit
            # a plain heading's score is (score + transition) + emission, any other score + cost
            forward.append((position, where, step, emit) if plain else (position, where, cost, 0.0))
            backward.append((position, where, cost))
            opening.append(opens)
    if not positions:  # nothing fits the grammar (cannot happen with the shipped form): restart
        targets = tuple(g.state_id((r, 0, 0)) for r, _ in emission)
        restart = tuple(e for _, e in emission)
        return _Step(targets, (), (), (), restart)
    return _Step(tuple(positions), tuple(forward), tuple(backward), tuple(opening), None)


class Search:
    """The result of a search: per unit the states kept (ids), their scores and how each was reached."""

    def __init__(self, g: _Grammar) -> None:
        self.grammar = g
        self.kept: list[tuple[int, ...]] = []  # state ids alive after each unit
        self.scores: list[list[float]] = []  # their scores (alpha)
        self.steps: list[_Step] = []
        self.keep: list[list[int] | None] = []  # positions among the step's targets kept (None: all)
        self.best_edge: list[list[int]] = []  # per kept state: the index of the edge that reached it


def search(classes: Sequence[int], kinds: Sequence[Kind], emissions: Sequence[Sequence[tuple[str, float]]],
           form: Form) -> Search:
    """Forward pass: the best score of every state at every unit, within the beam.  `classes` holds
    each unit's class: units of one class have the same kind and emission costs (`kinds[c]`,
    `emissions[c]`)."""
    g = grammar(form)
    beam = form.beam
    result = Search(g)
    kept, alphas, steps, keeps, best_edge = result.kept, result.scores, result.steps, result.keep, result.best_edge
    compiled: dict[tuple[tuple[int, ...], int], _Step] = {}
    sources: tuple[int, ...] = (g.start,)
    scores: list[float] = [0.0]
    for number in classes:
        key = (sources, number)
        step = compiled.get(key)
        if step is None:
            step = compiled[key] = _compile(g, sources, kinds[number], emissions[number])
        targets = step.targets
        count = len(targets)
        if step.restart is not None:
            new = list(step.restart)
            arg = [-1] * count
        else:
            new = [_INF] * count
            arg = [0] * count
            for edge, (source, target, a, b) in enumerate(step.forward):
                total = scores[source] + a + b
                if total < new[target]:
                    new[target] = total
                    arg[target] = edge
        keep: list[int] | None = None
        if count > 1:
            limit = min(new) + beam
            if max(new) > limit:
                keep = [j for j in range(count) if new[j] <= limit]
                targets = tuple([targets[j] for j in keep])
                new = [new[j] for j in keep]
                arg = [arg[j] for j in keep]
        kept.append(targets)
        alphas.append(new)
        steps.append(step)
        keeps.append(keep)
        best_edge.append(arg)
        sources, scores = targets, new
    return result


def best_path(result: Search) -> tuple[list[str], list[bool], float, list[int]]:
    """(roles, opens a project, total cost, final positions) of the best reading; the final positions
    are those of the states a reading may end in."""
    g = result.grammar
    n = len(result.kept)
    last = result.kept[-1] if n else (g.start,)
    last_scores = result.scores[-1] if n else [0.0]
    final = [k for k, s in enumerate(last) if s != g.start and g.roles[s] not in _END_FORBIDDEN]
    if not final:
        final = [k for k, s in enumerate(last) if s != g.start]
    end = min(final, key=lambda k: (last_scores[k], g.states[last[k]]))  # raises on an empty document, as before
    total = last_scores[end]
    roles: list[str] = [""] * n
    opens: list[bool] = [False] * n
    position = end
    for i in range(n - 1, -1, -1):
        assert position >= 0
        roles[i] = g.roles[result.kept[i][position]]
        edge = result.best_edge[i][position]
        if edge < 0:  # a restart: reached from nowhere
            position = -1
            continue
        opens[i] = result.steps[i].openings[edge]
        position = result.steps[i].backward[edge][0]
    return roles, opens, total, final


def max_marginals(result: Search, roles: list[str], final: list[int], allowed: Sequence[tuple[str, ...]],
                  beam: float) -> tuple[list[float], list[str | None]]:
    """Per unit, the margin between the best reading and the best one giving it another role, and
    that other role.  A unit with other allowed roles but none within the beam gets the beam as its
    margin (a bound)."""
    g = result.grammar
    state_roles = g.roles
    n = len(result.kept)
    margins = [_INF] * n
    runner_up: list[str | None] = [None] * n
    if not n:
        return margins, runner_up
    beta = [_INF] * len(result.kept[-1])
    for k in final:
        beta[k] = 0.0
    for i in range(n - 1, -1, -1):
        if len(allowed[i]) > 1:  # (a unit with one allowed role has it in every state)
            best_by_role: dict[str, float] = {}
            for state, a, b in zip(result.kept[i], result.scores[i], beta):
                value = a + b  # inf when the state is on no reading to the end: never below the best
                role = state_roles[state]
                if value < best_by_role.get(role, _INF):
                    best_by_role[role] = value
            if len(best_by_role) > 1:
                # the two cheapest roles, ties in the order found (as a stable sort ranks them)
                first = second = ""
                first_value = second_value = _INF
                for role, value in best_by_role.items():
                    if not first or value < first_value:
                        first, first_value, second, second_value = role, value, first, first_value
                    elif not second or value < second_value:
                        second, second_value = role, value
                margins[i] = min(beam, second_value - first_value)
                runner_up[i] = second if first == roles[i] else first
            else:
                margins[i] = beam
        if i == 0:
            break
        step = result.steps[i]
        keep = result.keep[i]
        if keep is None:
            target_beta = beta
        else:
            target_beta = [_INF] * len(step.targets)
            for j, b in zip(keep, beta):
                target_beta[j] = b
        previous = [_INF] * len(result.kept[i - 1])
        for source, target, cost in step.backward:
            value = cost + target_beta[target]  # inf + cost stays inf
            if value < previous[source]:
                previous[source] = value
        beta = previous
    return margins, runner_up
