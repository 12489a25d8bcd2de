"""Blocks → checklist, criteria, sub-criteria, projects and raw field texts.

Three steps, each in its own module:

1. units.py: blocks become units (a bold label cut from its value, a PDF paragraph cut at a label
   line, a table with labels across the top read column by column), labels are matched against
   the vocabulary and every unit gets its shape predicates (sentence, bullet, number only …).
2. decoder.py: the lowest-cost reading of the whole document under the form's grammar
   (data/form.toml), scored by text shape and by the layout as measured in this document
   (profile.py): every unit gets a role (title, criterion, sub-criterion, label, value …).
3. here: the roles are assembled into the checklist tree.

`explain()` returns every unit with its role, the runner-up role, the margin between them and the
evidence, for `cittaslow-extract explain FILE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cittaslow_extract.models import (
    Block,
    CriterionEntry,
    Language,
    RawDocument,
    RawFields,
    RawProject,
    SegmentedDocument,
)
from cittaslow_extract.structure.decoder import Decoding, decode
from cittaslow_extract.structure.form import load_form
from cittaslow_extract.structure.units import Unit, build_units, sentence_like
from cittaslow_extract.structure.vocabulary import LabelMatch, Vocabulary

__all__ = ["segment", "explain", "block_roles", "sentence_like", "ExplainedUnit"]

# The document title is one of the first paragraphs: a cover page may come first ("T.C.", the
# municipality, its department, a date), never a project's label.
_TITLE_SEARCH_UNITS = 12


def _find_title(units: list[Unit], vocabulary: Vocabulary) -> tuple[int, str, Language] | None:
    """(index, checklist name, language) of the document title line: among the first paragraphs,
    before the first label."""
    for i, unit in enumerate(units[:_TITLE_SEARCH_UNITS]):
        hit = vocabulary.match_title(unit.text)
        if hit:
            return i, hit[0], hit[1]
        if unit.label is not None:
            return None
    return None


def _detect_language(title_language: Language | None, labels: list[LabelMatch | None]) -> Language:
    """The language most labels are written in (values follow their labels); the title's on a tie."""
    counts = {"en": 0, "tr": 0}
    for match in labels:
        if match is not None:
            counts[match.language] += 1
    if counts["tr"] != counts["en"]:
        return "tr" if counts["tr"] > counts["en"] else "en"
    return title_language or "en"


@dataclass(slots=True)
class _ProjectBuilder:
    title: str | None
    criterion: CriterionEntry | None
    subcriterion: str | None
    paragraphs: dict[str, list[str]] = field(default_factory=dict)
    first_page: int | None = None
    last_page: int | None = None
    label_currency: str | None = None
    warnings: list[str] = field(default_factory=list)

    def add_pages(self, block: Block) -> None:
        for page in (block.page, block.page_end):
            if page is not None:
                if self.first_page is None or page < self.first_page:
                    self.first_page = page
                if self.last_page is None or page > self.last_page:
                    self.last_page = page

    def build(self) -> RawProject:
        values = {name: "\n".join(paras) for name, paras in self.paragraphs.items()}
        return RawProject(
            title=self.title,
            criterion_no=self.criterion.number if self.criterion else None,
            criterion=self.criterion.title if self.criterion else None,
            subcriterion=self.subcriterion,
            fields=RawFields(**values),
            page_start=self.first_page,
            page_end=self.last_page,
            budget_label_currency=self.label_currency,
            warnings=self.warnings,
        )


def _read(document: RawDocument, vocabulary: Vocabulary) -> tuple[list[Unit], Decoding, tuple[int, str, Language] | None]:
    units = build_units(document.blocks, vocabulary)
    title = _find_title(units, vocabulary)
    if title is not None:
        units[title[0]].label = None
        units[title[0]].shapes = frozenset()
    decoding = decode(units, title[0] if title else None, load_form())
    return units, decoding, title


def segment(document: RawDocument, vocabulary: Vocabulary) -> SegmentedDocument:
    """Give every unit a role and assemble the checklist tree."""
    units, decoding, title = _read(document, vocabulary)
    roles = decoding.roles
    close = load_form().close_margin
    warnings: list[str] = [] if title else ["no_checklist_title"]

    criteria: list[CriterionEntry] = []
    projects: list[RawProject] = []
    criterion: CriterionEntry | None = None
    subcriterion: str | None = None
    project: _ProjectBuilder | None = None
    project_margin = float("inf")
    current_field: str | None = None

    def close_project() -> None:
        nonlocal project, current_field, project_margin
        if project is not None:
            built = project.build()
            if project_margin < close:
                built.warnings.append("segmentation_uncertain")
            built.margin = project_margin
            projects.append(built)
        project, current_field, project_margin = None, None, float("inf")

    def open_criterion(number: int | None, name: str) -> None:
        nonlocal criterion, subcriterion
        if criteria and number is not None and criteria[-1].number is not None and number <= criteria[-1].number:
            warnings.append("criterion_out_of_order")
        criterion = CriterionEntry(number=number, title=name)
        criteria.append(criterion)
        subcriterion = None

    for i, (unit, role) in enumerate(zip(units, roles)):
        # (the commonest roles first)
        if role == "label":
            match = unit.label
            assert match is not None
            if decoding.opens_project[i] and (i == 0 or roles[i - 1] != "title"):
                close_project()
                project = _ProjectBuilder(None, criterion, subcriterion, warnings=["missing_title"])
            assert project is not None
            current_field = match.field
            paragraphs = project.paragraphs.setdefault(current_field, [])
            if match.inline_value:
                paragraphs.append(match.inline_value)
            if match.field == "budget" and match.currency:
                project.label_currency = match.currency
            project.add_pages(unit.block)
        elif role == "value":
            if project is not None and current_field is not None:
                project.paragraphs[current_field].append(unit.text)
                project.add_pages(unit.block)
                project_margin = min(project_margin, decoding.margins[i])
        elif role == "title":
            close_project()
            project = _ProjectBuilder(unit.text, criterion, subcriterion)
            project.add_pages(unit.block)
            project_margin = decoding.margins[i]
        elif role == "crit_title":
            close_project()
            open_criterion(units[i + 1].number, unit.text)
        elif role == "crit_head":
            close_project()
            open_criterion(unit.number, unit.heading or unit.text)
        elif role == "sub":
            close_project()
            subcriterion = unit.heading or unit.text
            if criterion is None:  # sub-criteria before any numbered criterion
                criterion = CriterionEntry(number=None, title="")
                criteria.append(criterion)
            criterion.subcriteria.append(subcriterion)
        elif role == "orphan":
            warnings.append("orphan_text")
    close_project()

    if not projects:
        warnings.append("no_projects")
    labels = [u.label for u in units]
    return SegmentedDocument(
        checklist=title[1] if title else None,
        language=_detect_language(title[2] if title else None, labels),
        criteria=criteria,
        projects=projects,
        warnings=_unique(warnings),
    )


@dataclass(frozen=True, slots=True)
class ExplainedUnit:
    """One unit of a document as the decoder read it."""

    index: int
    block_index: int
    role: str
    runner_up: str | None
    margin: float  # inf when no other role was possible
    text: str
    evidence: tuple[str, ...]  # shape predicates and layout evidence present
    costs: dict[str, float]  # role → its own cost (shape + layout + profile) for this unit
    page: int | None = None
    field_name: str | None = None


def explain(document: RawDocument, vocabulary: Vocabulary) -> list[ExplainedUnit]:
    """Every unit with its role, the runner-up, the margin and the evidence."""
    units, decoding, _ = _read(document, vocabulary)
    explained = []
    for i, unit in enumerate(units):
        costs = decoding.costs[i]
        roles = sorted(set(costs.shape) | set(costs.layout) | set(costs.profile) | {decoding.roles[i]})
        evidence = tuple(sorted(unit.shapes)) + tuple(decoding.evidence.present(unit))
        explained.append(
            ExplainedUnit(
                index=i,
                block_index=unit.block_index,
                role=decoding.roles[i],
                runner_up=decoding.runner_up[i],
                margin=decoding.margins[i],
                text=unit.text,
                evidence=evidence,
                costs={r: round(costs.total(r), 2) for r in roles},
                page=unit.block.page,
                field_name=unit.label.field if unit.label else None,
            )
        )
    return explained


def block_roles(document: RawDocument, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(role, text) per unit: for tests."""
    units, decoding, _ = _read(document, vocabulary)
    return [(role, u.text) for role, u in zip(decoding.roles, units)]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))
