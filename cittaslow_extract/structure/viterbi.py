"""The decoder's search: a Viterbi (beam) search over (unit, state), and the max-marginals behind
the margins (decoder.py says what the states and costs mean).

Speed comes from doing each piece of work once:

- a state (role, open fields, current field) is a small integer, interned per grammar;
- the moves out of a state (next state, transition and project cost, whether it opens a
  project) depend on the state and on the unit's kind only (its allowed roles, its label's field,
  whether the unit before it holds an inline value and whether the text stops being a sentence):
  they are computed once per grammar (`_Grammar.moves`);
- the edges of a step depend on the states alive before it and the unit's kind only: they are
  found once per grammar (`_Skeleton`, shared by every document);
- with the unit's emission costs they make a step (`_Step`: flat tuples of edges with their
  costs), compiled once per document for each set of states and class of unit (alike units in a
  run of alike states repeat the same step) and replayed;
- no back pointers: the best path finds again, unit by unit, the edge that gave its state its
  score.

The float arithmetic is the one the costs were always added up in (transition + project cost,
then the emission; a score plus a plain heading's transition, then its emission), and ties are
broken in the same order (states in the order first reached, edges in state then role order, the
first edge that reaches the lowest score wins), so the readings and margins do not depend on the
caching.
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
_MAX_SKELETONS = 50_000  # cached (states, kind) skeletons per grammar, likewise

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
        self._skeletons: dict[tuple[tuple[int, ...], Kind], _Skeleton] = {}

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

    def skeleton(self, sources: tuple[int, ...], kind: Kind) -> _Skeleton:
        """The edges of a step from these states for a unit of this kind, costs left out."""
        key = (sources, kind)
        found = self._skeletons.get(key)
        if found is None:
            if len(self._skeletons) > _MAX_SKELETONS:
                self._skeletons.clear()
            found = self._skeletons[key] = _Skeleton(self, sources, kind)
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


class _States:
    """A set of states alive at a unit (ids, in order), with the steps compiled from it per class of unit."""

    __slots__ = ("ids", "steps")

    def __init__(self, ids: tuple[int, ...]) -> None:
        self.ids = ids
        self.steps: dict[int, _Step] = {}


class _Skeleton:
    """The edges of a step from a set of states for a kind of unit, in the order found (source by
    source, move by move), before the unit's emission costs are known: shared by every document."""

    __slots__ = ("targets", "heads", "head_openings", "rest", "rest_openings", "backward")

    def __init__(self, g: _Grammar, sources: tuple[int, ...], kind: Kind) -> None:
        positions: dict[int, int] = {}
        # (source, emission index, transition + project cost, plain): see _Step
        heads: list[tuple[int, int, float, bool]] = []
        head_openings: list[bool] = []
        rest: list[tuple[int, int, int, float, bool]] = []  # (source, target, …)
        rest_openings: list[bool] = []
        backward: list[tuple[int, int, int, float]] = []  # (source, target, emission index, transition)
        for position, state in enumerate(sources):
            for index, target, step, opens, plain in g.moves(state, kind):
                where = positions.get(target)
                if where is None:
                    where = positions[target] = len(positions)
                    heads.append((position, index, step, plain))
                    head_openings.append(opens)
                else:
                    rest.append((position, where, index, step, plain))
                    rest_openings.append(opens)
                backward.append((position, where, index, step))
        if not positions:  # nothing fits the grammar (a custom form's dead end): restart
            positions = {g.state_id((r, 0, 0)): k for k, r in enumerate(kind[0])}
        self.targets = tuple(positions)  # state ids, in the order first reached
        self.heads, self.head_openings = tuple(heads), tuple(head_openings)
        self.rest, self.rest_openings = tuple(rest), tuple(rest_openings)
        self.backward = tuple(backward)


class _Step:
    """One compiled step: a skeleton with the unit's emission costs.  The forward pass sets each
    target's score from its first edge (`heads`) and lowers it by the others (`rest`); the backward
    pass reads all the edges in the order found (`backward`)."""

    __slots__ = ("targets", "width", "heads", "rest", "backward", "head_openings", "rest_openings", "restart")

    def __init__(self, targets: _States, width: int, skeleton: _Skeleton, emission: tuple[float, ...]) -> None:
        self.targets = targets
        self.width = width  # the number of source states
        # a plain heading's score is (score + transition) + emission, any other's score + cost
        # (cost: transition + emission), as the costs were always added up
        self.heads = tuple([(s, t, emission[e]) if plain else (s, t + emission[e], 0.0)
                            for s, e, t, plain in skeleton.heads])  # per target: (source, a, b)
        self.rest = tuple([(s, target, t, emission[e]) if plain else (s, target, t + emission[e], 0.0)
                           for s, target, e, t, plain in skeleton.rest])  # (source, target, a, b)
        self.backward = tuple([(s, target, t + emission[e])
                               for s, target, e, t in skeleton.backward])  # (source, target, cost)
        self.head_openings, self.rest_openings = skeleton.head_openings, skeleton.rest_openings
        # the scores when nothing fits the grammar (then there are no edges)
        self.restart = emission if not skeleton.backward else None


def _intern(interned: dict[tuple[int, ...], _States], ids: tuple[int, ...]) -> _States:
    found = interned.get(ids)
    if found is None:
        found = interned[ids] = _States(ids)
    return found


class Search:
    """The result of a search: per unit the states kept, their scores and the step that led there."""

    def __init__(self, g: _Grammar) -> None:
        self.grammar = g
        self.kept: list[tuple[int, ...]] = []  # state ids alive after each unit
        self.scores: list[list[float]] = []  # their scores (alpha)
        self.steps: list[_Step] = []
        self.keep: list[list[int] | None] = []  # positions among the step's targets kept (None: all)


def search(classes: Sequence[int], kinds: Sequence[Kind], emissions: Sequence[Sequence[tuple[str, float]]],
           form: Form) -> Search:
    """Forward pass: the best score of every state at every unit, within the beam.  `classes` holds
    each unit's class: units of one class have the same kind and emission costs (`kinds[c]`,
    `emissions[c]`)."""
    g = grammar(form)
    beam = form.beam
    result = Search(g)
    kept, alphas, steps, keeps = result.kept, result.scores, result.steps, result.keep
    interned: dict[tuple[int, ...], _States] = {}
    states = _intern(interned, (g.start,))
    scores: list[float] = [0.0]
    values = [tuple([e for _, e in emission]) for emission in emissions]
    for number in classes:
        step = states.steps.get(number)
        if step is None:
            skeleton = g.skeleton(states.ids, kinds[number])
            step = states.steps[number] = _Step(_intern(interned, skeleton.targets), len(states.ids), skeleton,
                                                values[number])
        if step.restart is not None:
            new = list(step.restart)
        else:
            new = [scores[source] + a + b for source, a, b in step.heads]
            for source, target, a, b in step.rest:
                total = scores[source] + a + b
                if total < new[target]:
                    new[target] = total
        states = step.targets
        keep: list[int] | None = None
        if len(new) > 1:
            limit = min(new) + beam
            if max(new) > limit:
                keep = [j for j, c in enumerate(new) if c <= limit]
                ids = states.ids
                states = _intern(interned, tuple([ids[j] for j in keep]))
                new = [new[j] for j in keep]
        kept.append(states.ids)
        alphas.append(new)
        steps.append(step)
        keeps.append(keep)
        scores = new
    return result


def _final(g: _Grammar, ids: tuple[int, ...]) -> list[int]:
    """The positions of the states a reading may end in (a title or a criterion title needs a
    paragraph after it; when only those are left, any state but the start)."""
    final = [k for k, s in enumerate(ids) if s != g.start and g.roles[s] not in _END_FORBIDDEN]
    return final or [k for k, s in enumerate(ids) if s != g.start]


def _best_of(g: _Grammar, positions: list[int], ids: tuple[int, ...], scores: list[float]) -> int:
    """The cheapest of these positions, ties by state."""
    return min(positions, key=lambda k: (scores[k], g.states[ids[k]]))


def best_path(result: Search) -> tuple[list[str], list[bool], float, list[int]]:
    """(roles, opens a project, total cost, final positions) of the best reading; the final positions
    are those of the states a reading may end in."""
    g = result.grammar
    n = len(result.kept)
    last = result.kept[-1] if n else (g.start,)
    last_scores = result.scores[-1] if n else [0.0]
    final = _final(g, last)
    end = _best_of(g, final, last, last_scores)  # raises on an empty document, as before
    total = last_scores[end]
    state_roles = g.roles
    roles: list[str] = [""] * n
    opens: list[bool] = [False] * n
    position = end
    scores = result.scores
    previous: list[float]
    for i in range(n - 1, -1, -1):
        assert position >= 0
        roles[i] = state_roles[result.kept[i][position]]
        step, keep = result.steps[i], result.keep[i]
        if step.restart is not None:  # reached from nowhere: the reading before ends at its own best state
            opens[i] = roles[i] == "label"  # (no project is open)
            if i:
                ids = result.kept[i - 1]
                position = _best_of(g, _final(g, ids), ids, scores[i - 1])
            continue
        score = scores[i][position]
        target = keep[position] if keep is not None else position
        previous = scores[i - 1] if i else [0.0]
        # the first edge found that gives the target its score: the one the forward pass kept
        source, a, b = step.heads[target]
        if previous[source] + a + b == score:
            opens[i] = step.head_openings[target]
        else:
            for k, (source, reached, a, b) in enumerate(step.rest):
                if reached == target and previous[source] + a + b == score:
                    opens[i] = step.rest_openings[k]
                    break
            else:
                raise AssertionError("no edge gives the state its score")
        position = source
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
    steps, keeps = result.steps, result.keep
    for i, ids, scores in zip(range(n - 1, -1, -1), reversed(result.kept), reversed(result.scores)):
        if len(allowed[i]) > 1:  # (a unit with one allowed role has it in every state)
            best_by_role: dict[str, float] = {}
            for state, a, b in zip(ids, scores, beta):
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
        step = steps[i]
        keep = keeps[i]
        if step.restart is not None:  # no edge back: the reading before ends here, as best_path reads it
            beta = [_INF] * step.width
            for k in _final(g, result.kept[i - 1]):
                beta[k] = 0.0
            continue
        if keep is None:
            target_beta = beta
        else:
            target_beta = [_INF] * len(step.targets.ids)
            for j, b in zip(keep, beta):
                target_beta[j] = b
        beta = [_INF] * step.width
        for source, target, cost in step.backward:
            value = cost + target_beta[target]  # inf + cost stays inf
            if value < beta[source]:
                beta[source] = value
    return margins, runner_up
