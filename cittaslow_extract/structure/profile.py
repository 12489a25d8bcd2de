"""The document's style profile: what each role looks like in THIS document.

Cities format their submissions every which way: titles bold in one, labels bold in another, every
paragraph spaced in a third.  No formatting means the same thing everywhere, so the segmenter
measures it per document:

1. `HeadingEvidence`: before any role is known, a kind of evidence (a gap before, all bold,
   larger type, a heading style) counts for "set apart like a heading" only as much as it is
   informative here: evidence that every paragraph has (or none has) weighs nothing.
2. `StyleProfile`: the certain anchors of the document tell what each role looks like here: the
   paragraph after a label is a value, the paragraph before a label that starts a project (its
   field already given, or earlier in the form's order) is a title, the paragraph before a
   criterion number is a criterion and the one after it a sub-criterion (`anchor_roles`).  Every
   paragraph's formatting signature (bold, size, font, style, caps, table column …) is compared
   with theirs: a paragraph formatted like this document's project titles costs less as a title.
   A feature shared by all roles alike cancels out.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.structure.form import EVIDENCE_NAMES, LayoutWeights
from cittaslow_extract.structure.units import Unit, caps

_LARGER_THAN_BODY = 1.12  # font size ratio that counts as larger type
_PRIOR_WEIGHT = 2.0  # a role seen a few times only stays close to the document's overall mix
# Roles compared as one group by the profile (a role seen once says little on its own).
_PROFILE_GROUP = {
    "title": "title",
    "sub": "sub",
    "crit_title": "criterion",
    "crit_head": "criterion",
    "value": "body",
    "orphan": "body",
    "preamble": "body",
}


def informativeness(share: float) -> float:
    """How much a yes/no kind of evidence can tell, from the share of paragraphs that have it.

    >>> informativeness(0.0), informativeness(0.5), informativeness(1.0)
    (0.0, 1.0, 0.0)
    >>> round(informativeness(0.1), 2)
    0.3
    """
    return min(1.0, 3.0 * min(share, 1.0 - share))


@dataclass(slots=True)
class HeadingEvidence:
    """Per kind of evidence: its weight in this document (weight × informativeness)."""

    body_size: float | None
    weights: dict[str, float]
    unit_bits: list[int] = field(default_factory=list)  # per unit of the document: `bits`

    @classmethod
    def of(cls, units: list[Unit], layout: LayoutWeights) -> HeadingEvidence:
        text_units = [u for u in units if u.label is None] or units
        sizes = [u.block.font_size for u in text_units if u.block.font_size]
        body = statistics.median(sizes) if sizes else None
        evidence = cls(body, {})
        evidence.unit_bits = unit_bits = [evidence.bits(u) for u in units]
        # how many text units have each kind of evidence, counted on their bits
        text_bits = unit_bits if text_units is units else [b for b, u in zip(unit_bits, units) if u.label is None]
        counts = [0] * len(EVIDENCE_NAMES)
        for bits, number in Counter(text_bits).items():
            for k in range(len(EVIDENCE_NAMES)):
                if bits >> k & 1:
                    counts[k] += number
        weights: dict[str, float] = {}
        for name, weight in layout.evidence.items():
            share = counts[EVIDENCE_NAMES.index(name)] / len(text_units)
            weights[name] = weight * informativeness(share)
        evidence.weights = weights
        return evidence

    def has(self, unit: Unit, name: str) -> bool:
        block = unit.block
        if name == "gap_before":
            return unit.gap_before
        if name == "gap_after":
            return unit.gap_after
        if name == "bold":
            return bool(block.bold)
        if name == "larger":
            return bool(self.body_size and block.font_size and block.font_size >= self.body_size * _LARGER_THAN_BODY)
        if name == "heading_style":
            return block.heading_level is not None
        raise KeyError(name)

    def bits(self, unit: Unit) -> int:
        """The evidence the unit has, one bit per kind in EVIDENCE_NAMES order (`has`, all at once)."""
        block = unit.block
        size = block.font_size
        body = self.body_size
        return (
            (1 if unit.gap_before else 0)
            | (2 if unit.gap_after else 0)
            | (4 if block.bold else 0)
            | (8 if body and size and size >= body * _LARGER_THAN_BODY else 0)
            | (16 if block.heading_level is not None else 0)
        )

    def weighed_bits(self) -> int:
        """The bits of the kinds of evidence that weigh something in this document."""
        return sum(1 << EVIDENCE_NAMES.index(name) for name, w in self.weights.items() if w)

    def score(self, unit: Unit) -> float:
        """Log-odds that the unit is set apart like a heading (positive) or like body text."""
        return sum(w * (1.0 if self.has(unit, name) else -1.0) for name, w in self.weights.items() if w)

    def present(self, unit: Unit) -> list[str]:
        return [name for name, w in self.weights.items() if w and self.has(unit, name)]


_FIELD_ORDER = {name: index for index, name in enumerate(FIELD_NAMES)}
_CONFLICT = ""


def anchor_roles(units: list[Unit]) -> list[str | None]:
    """The roles the text alone makes (nearly) certain, None elsewhere; see the module's doc."""
    n = len(units)
    votes: list[str | None] = [None] * n  # a role, or _CONFLICT when two roles were voted
    given: set[str] = set()
    last = -1  # the latest of the given fields in the form's order

    def vote(k: int, role: str) -> None:
        votes[k] = role if votes[k] is None or votes[k] == role else _CONFLICT

    for i, unit in enumerate(units):
        previous = units[i - 1] if i else None
        if unit.label is not None:
            name = unit.label.field
            order = _FIELD_ORDER[name]
            starts = not given or name in given or order < last
            if starts and previous is not None and previous.label is None and previous.number is None:
                vote(i - 1, "title")
            if starts:
                given, last = {name}, order
            else:
                given.add(name)
                last = max(last, order)
            continue
        if previous is not None and previous.label is not None and not previous.label.inline_value:
            vote(i, "value")
        if "number_only" in unit.shapes:
            given, last = set(), -1
            if previous is not None and previous.label is None:
                vote(i - 1, "crit_title")
            following = units[i + 1] if i + 1 < n else None
            after = units[i + 2] if i + 2 < n else None
            if following is not None and following.label is None and (after is None or after.label is None):
                vote(i + 1, "sub")
        elif "numbered_heading" in unit.shapes and "next_number" in unit.shapes:
            given, last = set(), -1
            vote(i, "crit_head")
    return [None if v == _CONFLICT else v for v in votes]


SIGNATURE_FEATURES: tuple[str, ...] = (
    "bold", "size", "font", "style", "italic", "caps", "gap_before", "gap_after", "table_col", "align",
)


def signature(unit: Unit, body_size: float | None) -> tuple[object, ...]:
    """A unit's formatting, feature by feature, in SIGNATURE_FEATURES order."""
    block = unit.block
    size: object = None
    if block.font_size and body_size:
        ratio = block.font_size / body_size
        size = "small" if ratio < 0.95 else "body" if ratio < _LARGER_THAN_BODY else "larger" if ratio < 1.4 else "large"
    text = unit.text
    return (
        block.bold,
        size,
        block.font,
        # a style name and its heading level say one thing: one feature, not two
        block.style or (f"level {block.heading_level}" if block.heading_level is not None else None),
        block.italic,
        caps(text),
        unit.gap_before,
        unit.gap_after,
        block.table_col if block.in_table else None,
        block.align,
    )


@dataclass(slots=True)
class StyleProfile:
    """Counts of each feature value per role group, from a first reading of the document."""

    features: tuple[int, ...]  # indices into SIGNATURE_FEATURES
    counts: dict[str, list[Counter[object]]]  # group → per feature: value → count
    totals: dict[str, int]
    overall: list[Counter[object]]
    n: int
    clip: float
    weight: float
    known: dict[tuple[tuple[object, ...], str], float] = field(default_factory=dict)  # (signature, group) → cost

    @classmethod
    def of(
        cls, signatures: Sequence[tuple[object, ...] | None], roles: list[str | None], layout: LayoutWeights
    ) -> StyleProfile:
        """The profile of the units with an anchor role (`anchor_roles`); a unit no anchor can name
        (a label) may have no signature."""
        features = tuple(SIGNATURE_FEATURES.index(f) for f in layout.profile_features)
        # alike paragraphs counted once, then their features (the counts are the same)
        tally: Counter[tuple[str, tuple[object, ...]]] = Counter()
        for sig, role in zip(signatures, roles):
            if role is not None:
                group = _PROFILE_GROUP.get(role)
                if group is not None:
                    assert sig is not None
                    tally[group, sig] += 1
        counts: dict[str, list[Counter[object]]] = {}
        totals: Counter[str] = Counter()
        overall: list[Counter[object]] = [Counter() for _ in features]
        n = 0
        for (group, sig), number in tally.items():
            n += number
            totals[group] += number
            per = counts.get(group)
            if per is None:
                per = counts[group] = [Counter() for _ in features]
            for k, f in enumerate(features):
                per[k][sig[f]] += number
                overall[k][sig[f]] += number
        return cls(features, counts, dict(totals), overall, n, layout.profile_clip, layout.profile_weight)

    def cost(self, sig: tuple[object, ...], role: str) -> float:
        """Minus the log-ratio P(signature | role) / P(signature), feature by feature, clipped."""
        group = _PROFILE_GROUP.get(role)
        if group is None or group not in self.counts or self.n == 0:
            return 0.0
        found = self.known.get((sig, group))  # roles of one group, units of one formatting: one cost
        if found is None:
            found = self.known[sig, group] = self._cost(sig, group)
        return found

    def _cost(self, sig: tuple[object, ...], group: str) -> float:
        per, total = self.counts[group], self.totals[group]
        cost = 0.0
        for k, f in enumerate(self.features):
            overall = self.overall[k]
            if len(overall) < 2:
                continue  # the same in every paragraph: says nothing
            p_all = (overall[sig[f]] + 0.5) / (self.n + 0.5 * (len(overall) + 1))
            p_role = (per[k][sig[f]] + _PRIOR_WEIGHT * p_all) / (total + _PRIOR_WEIGHT)
            ratio = math.log(p_role / p_all)
            cost -= max(-self.clip, min(self.clip, ratio))
        return self.weight * cost
