"""Blocks → checklist, criteria, sub-criteria, projects and raw field texts.

The checklist form has no markup, so every block gets a role from its text, its neighbours and the
layout evidence its reader saw.  The rules, in the order they are applied:

1. LABEL: the block is a field label from the vocabulary ("OBJECTIVE", "Bütçe (TL): 1.250.000").
2. DOC_TITLE: one of the first blocks matches a title pattern ("Cittaslow Metropolis Checklist: X").
3. CRIT_NO / CRIT_TITLE: a standalone block holding only a one- or two-digit number ("01") makes the
   standalone, non-label paragraph just before it a criterion title.
4. TITLE: the paragraph right before a label that opens a project.  A label opens a project when no
   project is open, or when its field was already given in the open project, or when it goes back in
   the form's order (OBJECTIVE after COMPLETED); then the paragraph before it is the title unless it is
   glued to the previous label as its first value line.  A label that goes forward in the form's order
   opens a project only when the paragraph before it stands alone and is not shaped like a sentence.
5. What is left is text between labels and headings.  Right after a criterion number it is a
   sub-criterion.  After a value and right before a project title or criterion, a standalone paragraph
   not shaped like a sentence is a sub-criterion; everything else continues the open field's value.

"Stands alone" is layout: a blank line (or visible gap) before it, or heading evidence (heading style,
all bold, larger than body text).  "Shaped like a sentence" is text: it ends with . ! ? ; , or starts
with a bullet.  Neither rests on the wording of any one document.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from enum import Enum

from ..models import (
    FIELD_NAMES,
    Block,
    CriterionEntry,
    Language,
    RawDocument,
    RawFields,
    RawProject,
    SegmentedDocument,
)
from ..vocabulary import LabelMatch, Vocabulary


class Role(Enum):
    DOC_TITLE = "doc_title"
    PREAMBLE = "preamble"
    CRIT_TITLE = "crit_title"
    CRIT_NO = "crit_no"
    SUB = "sub"
    TITLE = "title"
    LABEL = "label"
    VALUE = "value"
    ORPHAN = "orphan"


_CRITERION_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_SENTENCE_END = re.compile(r"[.!?;,…]$")
_BULLET_START = re.compile(
    r"""^(
        [o•●▪■◦·*\-–—]\s       # o item, • item, - item
        | \d{1,2}[.)]\s         # 1. item, 2) item
        | [a-z][.)]\s           # a) item
    )""",
    re.VERBOSE,
)
_CLOSING_QUOTES = "\"'”’»)]"  # looked through when checking how a paragraph ends, except ")"
_TITLE_SEARCH_BLOCKS = 3  # the document title is one of the first blocks
_LARGER_THAN_BODY = 1.12  # font size ratio that counts as heading evidence
_FIELD_ORDER = {name: index for index, name in enumerate(FIELD_NAMES)}


def sentence_like(text: str) -> bool:
    """True when a paragraph reads as running text rather than a heading.

    >>> sentence_like("Strategic Plan")
    False
    >>> sentence_like("It is repeated every year.")
    True
    >>> sentence_like("Accessibility of public spaces (parks, sidewalks, beach, etc.)")
    False
    >>> sentence_like("o Press Working Group")
    True
    """
    stripped = text.strip()
    if _BULLET_START.match(stripped):
        return True
    tail = stripped.rstrip(_CLOSING_QUOTES.replace(")", ""))
    return bool(_SENTENCE_END.search(tail))


@dataclass(slots=True)
class _Layout:
    """Layout evidence for the whole document, computed once."""

    body_size: float | None

    @classmethod
    def of(cls, blocks: list[Block]) -> "_Layout":
        sizes = [b.font_size for b in blocks if b.font_size]
        return cls(statistics.median(sizes) if sizes else None)

    def heading_evidence(self, block: Block) -> bool:
        if block.heading_level is not None or block.bold:
            return True
        return bool(
            self.body_size and block.font_size and block.font_size >= self.body_size * _LARGER_THAN_BODY
        )


@dataclass(slots=True)
class _Classifier:
    blocks: list[Block]
    labels: list[LabelMatch | None]
    layout: _Layout
    roles: list[Role | None] = field(init=False)
    opens_project: list[bool] = field(init=False)

    def __post_init__(self) -> None:
        self.roles = [Role.LABEL if m else None for m in self.labels]
        self.opens_project = [False] * len(self.blocks)

    # -- predicates ---------------------------------------------------------------------------
    def stands_alone(self, i: int) -> bool:
        block = self.blocks[i]
        return block.gap_before or self.layout.heading_evidence(block) or i == 0

    def glued_to_label(self, i: int) -> bool:
        """First value paragraph written right under its label, with no gap."""
        return i > 0 and self.roles[i - 1] is Role.LABEL and not self.stands_alone(i)

    def plain(self, i: int) -> bool:
        return 0 <= i < len(self.blocks) and self.roles[i] is None

    def heading_shaped(self, i: int) -> bool:
        return self.stands_alone(i) and not sentence_like(self.blocks[i].text) and not self.glued_to_label(i)

    # -- passes -------------------------------------------------------------------------------
    def mark_criteria(self, start: int) -> None:
        for i in range(start + 1, len(self.blocks)):
            if not (self.plain(i) and _CRITERION_NUMBER.match(self.blocks[i].text)):
                continue
            j = i - 1
            if (
                self.plain(j)
                and self.stands_alone(i)
                and self.stands_alone(j)
                and not self.glued_to_label(j)
                and not _CRITERION_NUMBER.match(self.blocks[j].text)
            ):
                self.roles[j] = Role.CRIT_TITLE
                self.roles[i] = Role.CRIT_NO

    def mark_titles(self) -> None:
        open_fields: set[str] | None = None
        for i, role in enumerate(self.roles):
            if role in (Role.CRIT_TITLE, Role.CRIT_NO, Role.DOC_TITLE):
                open_fields = None
                continue
            match = self.labels[i]
            if match is None:
                continue
            j = i - 1
            title = False
            if self.plain(j) and not _BULLET_START.match(self.blocks[j].text.strip()):
                if open_fields is None:
                    title = not self.glued_to_label(j)
                elif self.glued_to_label(j):
                    title = False
                elif match.field in open_fields or _goes_back(open_fields, match.field):
                    title = True
                else:
                    title = self.heading_shaped(j)
            if title:
                self.roles[j] = Role.TITLE
            if title or open_fields is None or match.field in open_fields:
                self.opens_project[i] = True
                open_fields = {match.field}
            else:
                open_fields.add(match.field)

    def mark_rest(self) -> None:
        i = 0
        n = len(self.blocks)
        while i < n:
            if self.roles[i] is not None:
                i += 1
                continue
            end = i
            while end + 1 < n and self.roles[end + 1] is None:
                end += 1
            self._mark_run(i, end)
            i = end + 1

    def _mark_run(self, first: int, last: int) -> None:
        before = self.roles[first - 1] if first > 0 else None
        after = self.roles[last + 1] if last + 1 < len(self.blocks) else None
        if before in (None, Role.DOC_TITLE, Role.PREAMBLE):
            for k in range(first, last + 1):
                self.roles[k] = Role.PREAMBLE
            return
        if before is Role.CRIT_NO:
            self.roles[first] = Role.SUB
            for k in range(first + 1, last + 1):
                self.roles[k] = Role.SUB if self.heading_shaped(k) else Role.ORPHAN
            return
        # A field is open: the run continues its value, unless it ends in a heading.
        for k in range(first, last + 1):
            self.roles[k] = Role.VALUE
        if after in (Role.TITLE, Role.CRIT_TITLE):
            k = last
            while k >= first and self.heading_shaped(k) and (k == last or self.layout.heading_evidence(self.blocks[k])):
                self.roles[k] = Role.SUB
                k -= 1


def _goes_back(open_fields: set[str], name: str) -> bool:
    """A label earlier in the form's order than one already given starts a new project."""
    return _FIELD_ORDER[name] < max(_FIELD_ORDER[f] for f in open_fields)


def _find_title(blocks: list[Block], vocabulary: Vocabulary) -> tuple[int, str, Language] | None:
    """(index, checklist name, language) of the document title line."""
    for i, block in enumerate(blocks[:_TITLE_SEARCH_BLOCKS]):
        hit = vocabulary.match_title(block.text)
        if hit:
            return i, hit[0], hit[1]
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
    pages: list[int] = field(default_factory=list)
    label_currency: str | None = None
    warnings: list[str] = field(default_factory=list)

    def add_pages(self, block: Block) -> None:
        for page in (block.page, block.page_end):
            if page is not None:
                self.pages.append(page)

    def build(self) -> RawProject:
        values = {name: "\n".join(paras) for name, paras in self.paragraphs.items()}
        return RawProject(
            title=self.title,
            criterion_no=self.criterion.number if self.criterion else None,
            criterion=self.criterion.title if self.criterion else None,
            subcriterion=self.subcriterion,
            fields=RawFields(**values),
            page_start=min(self.pages) if self.pages else None,
            page_end=max(self.pages) if self.pages else None,
            budget_label_currency=self.label_currency,
            warnings=self.warnings,
        )


def _classify(
    document: RawDocument, vocabulary: Vocabulary
) -> tuple[_Classifier, tuple[str, Language] | None]:
    """Run every pass; returns the classifier and the (checklist, language) of the title line."""
    blocks = document.blocks
    labels = [vocabulary.match_label(b.text) for b in blocks]
    classifier = _Classifier(blocks, labels, _Layout.of(blocks))
    title = _find_title(blocks, vocabulary)
    start = -1
    if title is not None:
        start = title[0]
        classifier.roles[start] = Role.DOC_TITLE
        labels[start] = None
    classifier.mark_criteria(start)
    classifier.mark_titles()
    classifier.mark_rest()
    return classifier, (title[1], title[2]) if title else None


def segment(document: RawDocument, vocabulary: Vocabulary) -> SegmentedDocument:
    """Give every block a role and assemble the checklist tree."""
    classifier, title = _classify(document, vocabulary)
    blocks, labels = classifier.blocks, classifier.labels
    warnings: list[str] = [] if title else ["no_checklist_title"]

    criteria: list[CriterionEntry] = []
    projects: list[RawProject] = []
    criterion: CriterionEntry | None = None
    subcriterion: str | None = None
    project: _ProjectBuilder | None = None
    current_field: str | None = None

    def close_project() -> None:
        nonlocal project, current_field
        if project is not None:
            projects.append(project.build())
        project, current_field = None, None

    for i, (block, role) in enumerate(zip(blocks, classifier.roles)):
        if role is Role.CRIT_TITLE:
            close_project()
            number = int(_CRITERION_NUMBER.match(blocks[i + 1].text)[1])  # type: ignore[index]
            if criteria and criteria[-1].number is not None and number <= criteria[-1].number:
                warnings.append("criterion_out_of_order")
            criterion = CriterionEntry(number=number, title=block.text)
            criteria.append(criterion)
            subcriterion = None
        elif role is Role.SUB:
            close_project()
            subcriterion = block.text
            if criterion is None:  # sub-criteria before any numbered criterion
                criterion = CriterionEntry(number=None, title="")
                criteria.append(criterion)
            criterion.subcriteria.append(block.text)
        elif role is Role.TITLE:
            close_project()
            project = _ProjectBuilder(block.text, criterion, subcriterion)
            project.add_pages(block)
        elif role is Role.LABEL:
            match = labels[i]
            assert match is not None
            if classifier.opens_project[i] and classifier.roles[i - 1] is not Role.TITLE:
                close_project()
                project = _ProjectBuilder(None, criterion, subcriterion, warnings=["missing_title"])
            assert project is not None
            current_field = match.field
            paragraphs = project.paragraphs.setdefault(current_field, [])
            if match.inline_value:
                paragraphs.append(match.inline_value)
            if match.field == "budget" and match.currency:
                project.label_currency = match.currency
            project.add_pages(block)
        elif role is Role.VALUE:
            if project is not None and current_field is not None:
                project.paragraphs[current_field].append(block.text)
                project.add_pages(block)
        elif role is Role.ORPHAN:
            warnings.append("orphan_text")
    close_project()

    if not projects:
        warnings.append("no_projects")
    return SegmentedDocument(
        checklist=title[0] if title else None,
        language=_detect_language(title[1] if title else None, labels),
        criteria=criteria,
        projects=projects,
        warnings=_unique(warnings),
    )


def block_roles(document: RawDocument, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(role, text) per block: for explaining a layout and for tests."""
    classifier, _ = _classify(document, vocabulary)
    return [(role.value if role else "?", b.text) for role, b in zip(classifier.roles, classifier.blocks)]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))
