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


_DOC_TITLE_ROLES: tuple[str, ...] = ("doc_title",)
_LABEL_ROLES: tuple[str, ...] = ("label",)


def allowed_roles(unit: Unit, is_doc_title: bool) -> tuple[str, ...]:
    """The roles a unit may take at all (hard constraints; everything else is a cost)."""
    if is_doc_title:
        return _DOC_TITLE_ROLES
    if unit.label is not None:
        return _LABEL_ROLES
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
    layout = form.layout
    evidence = HeadingEvidence.of(units, layout)
    profile: StyleProfile | None = None
    signatures: list[tuple[object, ...] | None] = [None] * len(units)
    if layout.profile_weight:
        # (a label has one role, which no anchor names: its formatting is not compared)
        body = evidence.body_size
        signatures = [signature(u, body) if u.label is None else None for u in units]
        profile = StyleProfile.of(signatures, anchor_roles(units), layout)
    # Units that look alike cost alike and move alike: each class of unit is scored once (and the
    # search compiles its steps per class).
    weighed = evidence.weighed_bits()  # the evidence that counts (what `present` lists)
    unit_bits = evidence.unit_bits
    roles_of_shapes: dict[frozenset[str], tuple[str, ...]] = {}
    classes: dict[tuple[object, ...], int] = {}  # (kind, shapes, evidence, signature) → class
    class_costs: list[UnitCosts] = []
    kinds: list[Kind] = []  # per class
    unit_classes: list[int] = []
    allowed: list[tuple[str, ...]] = []
    costs: list[UnitCosts] = []
    inline_prior = sentence_prior = False
    for i, unit in enumerate(units):
        shapes, label = unit.shapes, unit.label
        if i == doc_title_index:
            roles = _DOC_TITLE_ROLES
        elif label is not None:
            roles = _LABEL_ROLES
        else:
            found_roles = roles_of_shapes.get(shapes)
            if found_roles is None:
                found_roles = roles_of_shapes[shapes] = allowed_roles(unit, False)
            roles = found_roles
        sentence = "sentence" in shapes
        # "Objective: text" already holds its value; running text that stops being a sentence
        bit = _FIELD_BIT[label.field] if label is not None else 0
        changes_shape = sentence_prior and not sentence
        # (the style profile only scores a unit with a choice of roles)
        sig = signatures[i] if len(roles) > 1 else None
        key = (roles, bit, inline_prior, changes_shape, shapes, unit_bits[i] & weighed, sig)
        number = classes.get(key)
        if number is None:
            number = classes[key] = len(class_costs)
            kind = (roles, bit, inline_prior, changes_shape)
            found = _costs(unit, roles, form, evidence)
            if profile is not None and sig is not None:
                found.profile = {r: profile.cost(sig, r) for r in roles}
                found.layout = {r: c * layout.evidence_share for r, c in found.layout.items()}
            found.emission = tuple((r, found.total(r)) for r in roles)
            class_costs.append(found)
            kinds.append(kind)
        unit_classes.append(number)
        allowed.append(roles)
        costs.append(class_costs[number])
        inline_prior = label is not None and bool(label.inline_value)
        sentence_prior = sentence
    forward = search(unit_classes, kinds, [c.emission for c in class_costs], form)
    roles_found, opens, total, final = best_path(forward)
    margins, runner_up = max_marginals(forward, roles_found, final, allowed, form.beam)
    return Decoding(roles_found, opens, margins, runner_up, costs, evidence, total)
