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

from dataclasses import dataclass, field

from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.structure.form import Form
from cittaslow_extract.structure.profile import HeadingEvidence, StyleProfile, anchor_roles, signature
from cittaslow_extract.structure.units import Unit
from cittaslow_extract.structure.viterbi import Kind, best_path, max_marginals, search

_FIELD_BIT = {name: 1 << index for index, name in enumerate(FIELD_NAMES)}
# What a bullet or long running text can be: never a heading.
_TEXT_ONLY_ROLES = ("value", "orphan", "preamble")


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
    cache: dict[tuple[object, ...], tuple[UnitCosts, int]] = {}
    costs: list[UnitCosts] = []
    cost_ids: list[int] = []  # which kind of unit: the same id, the same costs
    weighed = evidence.weighed_bits()  # the evidence that counts (what `present` lists)
    bits = evidence.bits
    for i, unit in enumerate(units):
        key = (allowed[i], unit.shapes, bits(unit) & weighed, signatures[i] if signatures else None)
        entry = cache.get(key)
        if entry is None:
            found = _costs(unit, allowed[i], form, evidence)
            if profile is not None and len(allowed[i]) > 1:
                found.profile = {r: profile.cost(signatures[i], r) for r in allowed[i]}
                found.layout = {r: c * form.layout.evidence_share for r, c in found.layout.items()}
            found.emission = tuple((r, found.total(r)) for r in allowed[i])
            entry = cache[key] = (found, len(cache))
        costs.append(entry[0])
        cost_ids.append(entry[1])
    kinds: list[Kind] = []
    prior: Unit | None = None
    for i, unit in enumerate(units):
        inline_prior = prior is not None and prior.label is not None and bool(prior.label.inline_value)
        changes_shape = prior is not None and "sentence" in prior.shapes and "sentence" not in unit.shapes
        bit = _FIELD_BIT[unit.label.field] if unit.label is not None else 0
        kinds.append((allowed[i], bit, inline_prior, changes_shape))
        prior = unit
    forward = search(kinds, [c.emission for c in costs], cost_ids, form)
    roles, opens, total, final = best_path(forward)
    margins, runner_up = max_marginals(forward, roles, final, allowed, form.beam)
    return Decoding(roles, opens, margins, runner_up, costs, evidence, total)
