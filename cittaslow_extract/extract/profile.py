"""The document's style profile: what each role looks like in THIS document.

Cities format their submissions every which way: titles bold in one, labels bold in another, every
paragraph spaced in a third.  No formatting means the same thing everywhere, so the segmenter
measures it per document:

1. `HeadingEvidence`: before any role is known, a kind of evidence (a gap before, all bold,
   larger type, a heading style) counts for "set apart like a heading" only as much as it is
   informative here: evidence that every paragraph has (or none has) weighs nothing.
2. `StyleProfile`: once a first reading of the document exists, each paragraph's formatting
   signature (bold, size, font, style, caps, gaps, table column …) is compared with the
   signatures of the paragraphs read as each role: a paragraph formatted like this document's
   project titles costs less as a title.  A feature shared by all roles alike cancels out.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass

from .form import LayoutWeights
from .units import Unit

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

    @classmethod
    def of(cls, units: list[Unit], layout: LayoutWeights) -> "HeadingEvidence":
        text_units = [u for u in units if u.label is None] or units
        sizes = [u.block.font_size for u in text_units if u.block.font_size]
        body = statistics.median(sizes) if sizes else None
        evidence = cls(body, {})
        weights: dict[str, float] = {}
        for name, weight in layout.evidence.items():
            share = sum(evidence.has(u, name) for u in text_units) / len(text_units)
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

    def score(self, unit: Unit) -> float:
        """Log-odds that the unit is set apart like a heading (positive) or like body text."""
        return sum(w * (1.0 if self.has(unit, name) else -1.0) for name, w in self.weights.items() if w)

    def present(self, unit: Unit) -> list[str]:
        return [name for name, w in self.weights.items() if w and self.has(unit, name)]


def signature(unit: Unit, body_size: float | None) -> dict[str, object]:
    """A unit's formatting, feature by feature (the profile's categorical features)."""
    block = unit.block
    size: object = None
    if block.font_size and body_size:
        ratio = block.font_size / body_size
        size = "small" if ratio < 0.95 else "body" if ratio < _LARGER_THAN_BODY else "larger" if ratio < 1.4 else "large"
    letters = [c for c in unit.text if c.isalpha()]
    return {
        "bold": block.bold,
        "size": size,
        "font": block.font,
        # a style name and its heading level say one thing: one feature, not two
        "style": block.style or (f"level {block.heading_level}" if block.heading_level is not None else None),
        "italic": block.italic,
        "caps": bool(letters) and len(letters) > 3 and all(c.isupper() for c in letters),
        "gap_before": unit.gap_before,
        "gap_after": unit.gap_after,
        "table_col": block.table_col if block.in_table else None,
        "align": block.align,
    }


@dataclass(slots=True)
class StyleProfile:
    """Counts of each feature value per role group, from a first reading of the document."""

    features: tuple[str, ...]
    counts: dict[str, dict[str, Counter[object]]]  # group → feature → value → count
    totals: dict[str, int]
    overall: dict[str, Counter[object]]
    n: int
    clip: float
    weight: float

    @classmethod
    def of(
        cls, signatures: list[dict[str, object]], roles: list[str], layout: LayoutWeights
    ) -> "StyleProfile":
        features = layout.profile_features
        counts: dict[str, dict[str, Counter[object]]] = {}
        totals: Counter[str] = Counter()
        overall: dict[str, Counter[object]] = {f: Counter() for f in features}
        n = 0
        for sig, role in zip(signatures, roles):
            group = _PROFILE_GROUP.get(role)
            if group is None:
                continue
            n += 1
            totals[group] += 1
            per = counts.setdefault(group, {f: Counter() for f in features})
            for f in features:
                per[f][sig[f]] += 1
                overall[f][sig[f]] += 1
        return cls(features, counts, dict(totals), overall, n, layout.profile_clip, layout.profile_weight)

    def cost(self, sig: dict[str, object], role: str) -> float:
        """Minus the log-ratio P(signature | role) / P(signature), feature by feature, clipped."""
        group = _PROFILE_GROUP.get(role)
        if group is None or group not in self.counts or self.n == 0:
            return 0.0
        per, total = self.counts[group], self.totals[group]
        cost = 0.0
        for f in self.features:
            overall = self.overall[f]
            if len(overall) < 2:
                continue  # the same in every paragraph: says nothing
            p_all = (overall[sig[f]] + 0.5) / (self.n + 0.5 * (len(overall) + 1))
            p_role = (per[f][sig[f]] + _PRIOR_WEIGHT * p_all) / (total + _PRIOR_WEIGHT)
            ratio = math.log(p_role / p_all)
            cost -= max(-self.clip, min(self.clip, ratio))
        return self.weight * cost
