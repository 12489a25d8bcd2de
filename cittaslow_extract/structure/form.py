"""The checklist form's grammar and costs, read once from data/form.toml (see that file)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import FIELD_NAMES

ROLES: tuple[str, ...] = (
    "doc_title",
    "preamble",
    "crit_title",
    "crit_no",
    "crit_head",
    "sub",
    "title",
    "label",
    "value",
    "orphan",
)
START = "start"
# The kinds of generic layout evidence ([layout] weights), in this order everywhere (profile.py).
EVIDENCE_NAMES: tuple[str, ...] = ("gap_before", "gap_after", "bold", "larger", "heading_style")


@dataclass(frozen=True, slots=True)
class LayoutWeights:
    heading_roles: frozenset[str]
    body_roles: frozenset[str]
    evidence: dict[str, float]  # gap_before, gap_after, bold, larger, heading_style
    profile_weight: float
    profile_clip: float
    profile_features: tuple[str, ...]
    evidence_share: float  # how much of the generic heading evidence stays beside the profile


@dataclass(frozen=True, slots=True)
class Form:
    transitions: dict[str, dict[str, float]]  # from role (or "start") → to role → cost
    missing_title: float
    back_in_order: float
    forward_new_project: float
    continuation: dict[int, float]  # field bit → cost of a further value paragraph
    shape_change: float  # a value paragraph that is not a sentence after one that is
    shapes: dict[str, dict[str, float]]  # predicate → role → cost
    layout: LayoutWeights
    close_margin: float
    beam: float  # states this much costlier than the best at a unit are dropped


def parse_form(doc: dict[str, Any]) -> Form:
    """A Form from the parsed TOML; raises ValueError naming what is wrong."""
    transitions: dict[str, dict[str, float]] = {}
    for source, targets in doc["transitions"].items():
        if source != START and source not in ROLES:
            raise ValueError(f"form.toml: unknown role {source!r} in [transitions]")
        for target in targets:
            if target not in ROLES:
                raise ValueError(f"form.toml: unknown role {target!r} after {source!r}")
        transitions[source] = {t: float(c) for t, c in targets.items()}
    shapes = {name: {r: float(c) for r, c in costs.items()} for name, costs in doc.get("shape", {}).items()}
    for name, costs in shapes.items():
        for role in costs:
            if role not in ROLES:
                raise ValueError(f"form.toml: unknown role {role!r} in [shape.{name}]")
    layout = doc["layout"]
    project = doc["project"]
    return Form(
        transitions=transitions,
        missing_title=float(project["missing_title"]),
        back_in_order=float(project["back_in_order"]),
        forward_new_project=float(project["forward_new_project"]),
        shape_change=float(project["shape_change"]),
        continuation={
            1 << FIELD_NAMES.index(name): float(cost) for name, cost in project.get("continuation", {}).items()
        },
        shapes=shapes,
        layout=LayoutWeights(
            heading_roles=frozenset(layout["heading_roles"]),
            body_roles=frozenset(layout["body_roles"]),
            evidence={k: float(layout[k]) for k in EVIDENCE_NAMES},
            profile_weight=float(layout["profile_weight"]),
            profile_clip=float(layout["profile_clip"]),
            profile_features=tuple(layout["profile_features"]),
            evidence_share=float(layout["evidence_share"]),
        ),
        close_margin=float(doc["confidence"]["close_margin"]),
        beam=float(doc["search"]["beam"]),
    )


@cache
def load_form() -> Form:
    return parse_form(load_data("form.toml"))
