"""The segmenter's rules one by one, on small inline texts, plus layout evidence from other readers."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from cittaslow_extract.models import Block, RawDocument
from cittaslow_extract.read.text_reader import blocks_from_text
from cittaslow_extract.structure.segmenter import block_roles, segment, sentence_like
from cittaslow_extract.structure.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
HEADER = "Cittaslow Metropolis Checklist: Good Governance\n\nFirst criterion\n\n01\n\nFirst sub\n\n"


def doc(text: str) -> RawDocument:
    return RawDocument(Path("inline.txt"), "txt", blocks_from_text(dedent(text)))


def seg(text: str):
    return segment(doc(text), VOCAB)


def roles(text: str) -> list[tuple[str, str]]:
    return [(r, t) for r, t in block_roles(doc(text), VOCAB)]


def test_document_title_gives_checklist_and_language():
    result = seg(HEADER + "Project\n\nOBJECTIVE\nx\n")
    assert result.checklist == "Good Governance"
    assert result.language == "en"
    assert result.warnings == []


def test_turkish_title_pattern():
    result = seg("Cittaslow Metropol Kontrol Listesi: Yönetişim\n\nKriter\n\n01\n\nAlt\n\nProje\n\nAMAÇ\nx\n")
    assert (result.checklist, result.language) == ("Yönetişim", "tr")
    assert result.projects[0].fields.objective == "x"


def test_criterion_is_title_followed_by_its_number():
    result = seg(HEADER + "P\n\nOBJECTIVE\nx\n\nSecond criterion\n\n02\n\nThird criterion\n\n03\n")
    assert [(c.number, c.title) for c in result.criteria] == [
        (1, "First criterion"),
        (2, "Second criterion"),
        (3, "Third criterion"),
    ]
    # a criterion with no sub-criteria and no projects is kept
    assert result.criteria[1].subcriteria == []


def test_number_glued_under_a_label_is_a_value_not_a_criterion():
    result = seg(HEADER + "P\n\nBUDGET (TL)\n12\n\nSTART DATE\n2021\n")
    assert len(result.criteria) == 1
    assert result.projects[0].fields.budget == "12"


def test_paragraph_before_first_label_is_the_title():
    result = seg(HEADER + "Milk For Children\n\nBRIEF INFORMATION ABOUT THE PROJECT\nMilk is given.\n")
    assert [p.title for p in result.projects] == ["Milk For Children"]


def test_subcriterion_right_after_criterion_number_may_end_with_period():
    text = "Cittaslow Metropolis Checklist: X\n\nCrit\n\n05\n\nPolicies for all, regardless of status.\n\nLegal Aid\n\nOBJECTIVE\nx\n"
    result = seg(text)
    assert result.criteria[0].subcriteria == ["Policies for all, regardless of status."]
    assert result.projects[0].subcriterion == "Policies for all, regardless of status."


def test_subcriterion_after_a_value_before_a_title():
    text = HEADER + "P1\n\nDURATION\nIt is repeated every year\n\nSecond sub heading\n\nP2\n\nOBJECTIVE\ny\n"
    result = seg(text)
    assert result.criteria[0].subcriteria == ["First sub", "Second sub heading"]
    assert [(p.title, p.subcriterion) for p in result.projects] == [
        ("P1", "First sub"),
        ("P2", "Second sub heading"),
    ]
    assert result.projects[0].fields.duration == "It is repeated every year"


def test_continuation_paragraphs_after_blank_line_stay_in_the_value():
    # The seed's City Council trap: a blank line, then a two-paragraph group, then the next title.
    text = HEADER + dedent(
        """\
        Council activities

        OBJECTIVE
        City Council
        o It has 19 working groups.
        o Press Working Group

        The Children's Assembly aims to have children take a role.
        The Youth Assembly aims to increase the participation of the youth.

        Children's Municipality

        OBJECTIVE
        Child participation
        """
    )
    result = seg(text)
    assert [p.title for p in result.projects] == ["Council activities", "Children's Municipality"]
    assert result.projects[0].fields.objective == (
        "City Council\no It has 19 working groups.\no Press Working Group\n"
        "The Children's Assembly aims to have children take a role.\n"
        "The Youth Assembly aims to increase the participation of the youth."
    )
    assert result.criteria[0].subcriteria == ["First sub"]


def test_standalone_sentence_before_title_is_a_continuation_not_a_sub():
    text = HEADER + "P1\n\nOBJECTIVE\nFirst line\n\nA closing sentence of the objective.\n\nP2\n\nOBJECTIVE\ny\n"
    result = seg(text)
    assert result.projects[0].fields.objective == "First line\nA closing sentence of the objective."
    assert result.criteria[0].subcriteria == ["First sub"]


def test_empty_labels_give_empty_values_not_missing_ones():
    text = HEADER + "Empty one\n\nOBJECTIVE\n\nBUDGET (TL)\n\nCOMPLETED\n\nNext\n\nOBJECTIVE\nz\n"
    result = seg(text)
    empty = result.projects[0]
    assert empty.title == "Empty one"
    assert (empty.fields.objective, empty.fields.budget, empty.fields.completed) == ("", "", "")
    assert empty.fields.start is None
    assert result.projects[1].title == "Next"


@pytest.mark.parametrize(
    "first_labels, next_label",
    [
        pytest.param(["OBJECTIVE", "BRIEF INFORMATION ABOUT THE PROJECT"], "BRIEF INFORMATION ABOUT THE PROJECT", id="repeated-field"),
        pytest.param(["BRIEF INFORMATION ABOUT THE PROJECT", "COMPLETED"], "OBJECTIVE", id="goes-back-in-form-order"),
        pytest.param(["OBJECTIVE"], "START DATE", id="forward-but-title-shaped"),
    ],
)
def test_new_project_starts(first_labels, next_label):
    # Values written as running text; a forward-order label needs the paragraph before it to read
    # as a heading (stands alone, not a sentence) after text that does not.
    body = "".join(f"{label}\nValue {i} for the residents.\n\n" for i, label in enumerate(first_labels))
    text = HEADER + f"P1\n\n{body}P2 Workshops\n\n{next_label}\nv\n"
    result = seg(text)
    assert [p.title for p in result.projects] == ["P1", "P2 Workshops"]


def test_glued_first_value_line_is_never_a_title():
    # "COMPLETED" value glued under its label, then a new project: the glued line stays a value.
    text = HEADER + "P1\n\nBRIEF INFORMATION ABOUT THE PROJECT\nb\n\nCOMPLETED\nWe continue the works\n\nP2\n\nOBJECTIVE\no\n"
    result = seg(text)
    assert result.projects[0].fields.completed == "We continue the works"
    assert result.projects[1].title == "P2"


def test_inline_labels_title_case_with_colon():
    text = HEADER + "Bike Lanes\n\nObjective: Safer cycling\nacross the centre\n\nBudget (TL): 1.250.000\n\nStart Date – 2021\n"
    project = seg(text).projects[0]
    assert project.fields.objective == "Safer cycling\nacross the centre"
    assert project.fields.budget == "1.250.000"
    assert project.fields.start == "2021"
    assert project.budget_label_currency == "TRY"


def test_labels_without_title_get_a_warning():
    text = "Cittaslow Metropolis Checklist: X\n\nCrit\n\n01\n\nOBJECTIVE\nx\n"
    result = seg(text)
    assert result.projects[0].title is None
    assert "missing_title" in result.projects[0].warnings


def test_text_that_is_not_a_checklist_gives_no_projects_and_warnings():
    result = seg("Dear colleagues,\n\nPlease find our notes for the meeting.\n\nBest regards.\n")
    assert result.projects == []
    assert result.criteria == []
    assert result.warnings == ["no_checklist_title", "no_projects"]


def test_layout_evidence_makes_a_paragraph_stand_alone():
    # A DOCX without blank paragraphs: the heading style is the evidence that the title stands alone.
    blocks = [
        Block("Cittaslow Metropolis Checklist: X", heading_level=0),
        Block("Crit", heading_level=1),
        Block("01", heading_level=1),
        Block("Sub", heading_level=2),
        Block("P1", heading_level=3),
        Block("OBJECTIVE", bold=True),
        Block("First objective of the project."),
        Block("P2", heading_level=3),
        Block("BUDGET (TL)", bold=True),
        Block("500.000"),
    ]
    result = segment(RawDocument(Path("x.docx"), "docx", blocks), VOCAB)
    assert [(p.title, p.fields.objective, p.fields.budget) for p in result.projects] == [
        ("P1", "First objective of the project.", None),
        ("P2", None, "500.000"),
    ]


def test_pages_of_a_project_span_its_blocks():
    blocks = [
        Block("Cittaslow Metropolis Checklist: X", page=1, gap_before=True),
        Block("Crit", page=1, gap_before=True),
        Block("01", page=1, gap_before=True),
        Block("Sub", page=1, gap_before=True),
        Block("P1", page=1, gap_before=True),
        Block("OBJECTIVE", page=1, gap_before=True),
        Block("long value across a page break", page=1, page_end=2),
        Block("COMPLETED", page=2, gap_before=True),
        Block("done", page=3),
    ]
    project = segment(RawDocument(Path("x.pdf"), "pdf", blocks), VOCAB).projects[0]
    assert (project.page_start, project.page_end) == (1, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Strategic Plan", False),
        ("Child and Youth Centers (ÇOGEM)", False),
        ("It is repeated every year.", True),
        ("Is it repeated?", True),
        ("o Press Working Group", True),
        ("• bullet", True),
        ("1. first step", True),
        ("“Quoted sentence.”", True),
        ("Accessibility of the city, especially public spaces (parks, sidewalks, beach, etc.)", False),
    ],
)
def test_sentence_like(text, expected):
    assert sentence_like(text) is expected


def test_roles_explain_every_block():
    listed = roles(HEADER + "P\n\nOBJECTIVE\nx\n")
    assert listed == [
        ("doc_title", "Cittaslow Metropolis Checklist: Good Governance"),
        ("crit_title", "First criterion"),
        ("crit_no", "01"),
        ("sub", "First sub"),
        ("title", "P"),
        ("label", "OBJECTIVE"),
        ("value", "x"),
    ]


# --------------------------------------------------------------------------- evidence, grammar, decoder
def test_no_reader_knows_the_vocabulary():
    """Readers report evidence only: none imports the label vocabulary (the segmenter does)."""
    import ast

    extract = Path(__file__).resolve().parents[1] / "cittaslow_extract" / "read"
    readers = list(extract.glob("*.py"))  # the readers and the layout, OCR and DOCX modules they share
    assert {p.stem for p in readers} >= {"text_reader", "docx_reader", "pdf_reader", "pdfium_reader", "pdf_layout"}
    for path in readers:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        ]
        assert not [m for m in imported if "vocabulary" in m], f"{path.name} imports the vocabulary"


NUMBERED_FORMS = [  # (text of the criteria part, expected criteria, expected sub-criterion of P)
    pytest.param("First criterion\n\n01\n\nFirst sub\n\n", [(1, "First criterion")], "First sub", id="title-then-number"),
    pytest.param("01 First criterion\n\nFirst sub\n\n", [(1, "First criterion")], "First sub", id="number-and-title"),
    pytest.param("1. First criterion\n\n1.1 First sub\n\n", [(1, "First criterion")], "First sub", id="numbered-headings"),
    pytest.param("1) First criterion\n1.1. First sub\n", [(1, "First criterion")], "First sub", id="no-gaps"),
]


@pytest.mark.parametrize("criteria_text, criteria, sub", NUMBERED_FORMS)
def test_criterion_heading_forms(criteria_text, criteria, sub):
    text = ("Cittaslow Metropolis Checklist: Good Governance\n\n" + criteria_text
            + "Project one\n\nOBJECTIVE\nTo try every form.\n\n2. Second criterion\n\nProject two\n\nOBJECTIVE\nAgain.\n")
    result = seg(text)
    assert [(c.number, c.title) for c in result.criteria] == [*criteria, (2, "Second criterion")]
    assert [(p.title, p.criterion_no, p.subcriterion) for p in result.projects] == [
        ("Project one", 1, sub), ("Project two", 2, None)]


def test_a_numbered_list_in_a_value_stays_in_the_value():
    text = HEADER + "P\n\nOBJECTIVE\nThe project has two aims:\n1. cleaner streets\n2. fewer cars\n\nBUDGET (TL)\n5.000\n"
    result = seg(text)
    assert len(result.criteria) == 1
    assert result.projects[0].fields.objective == "The project has two aims:\n1. cleaner streets\n2. fewer cars"


def test_spaced_document_values_without_full_stops_are_not_titles():
    """Every paragraph spaced (a gap says nothing) and short values without a full stop: the issue's
    LibreOffice case.  Values stay values; titles are found by their own formatting."""
    def para(text: str, bold: bool = False, font: str = "Serif", size: float = 11.0) -> Block:
        return Block(text, gap_before=True, bold=bold, font=font, font_size=size)

    blocks = [
        para("Cittaslow Metropolis Checklist: X", True, "Sans", 16.0),
        para("Crit", True, "Sans", 14.0), para("01", True, "Sans", 14.0), para("Sub", False, "Sans", 12.0),
    ]
    for title in ("Strategic Plan", "Performance Program", "Street Art"):
        blocks += [para(title, True, "Sans", 12.0), para("OBJECTIVE", True), para("Making a plan together"),
                   para("BUDGET (TL)", True), para("500.000"), para("START DATE", True), para("2019"),
                   para("END DATE", True), para("Ongoing")]
    result = segment(RawDocument(Path("x.pdf"), "pdf", blocks), VOCAB)
    assert [p.title for p in result.projects] == ["Strategic Plan", "Performance Program", "Street Art"]
    assert {(p.fields.budget, p.fields.start, p.fields.end) for p in result.projects} == {("500.000", "2019", "Ongoing")}


def test_close_readings_are_flagged_and_sure_ones_are_not():
    sure = seg(HEADER + "Project\n\nOBJECTIVE\nTo grow food.\n\nBUDGET (TL)\n5.000\n").projects[0]
    assert sure.margin is not None and sure.margin > 2.0 and "segmentation_uncertain" not in sure.warnings
    # Nothing but the grammar to go on: a heading-shaped line between a value and a title.
    close = seg(HEADER + "P1\n\nOBJECTIVE\nGrow food\nA plain line\n\nP2\n\nOBJECTIVE\nx\n").projects[0]
    assert close.margin is not None and close.margin < 1.0
    assert "segmentation_uncertain" in close.warnings


def test_form_grammar_rejects_unknown_roles():
    import tomllib
    from importlib.resources import files

    from cittaslow_extract.structure.form import parse_form

    doc = tomllib.loads(files("cittaslow_extract").joinpath("data/form.toml").read_text(encoding="utf-8"))
    parse_form(doc)  # the shipped form is valid
    doc["transitions"]["value"]["heading"] = 1.0
    with pytest.raises(ValueError, match="unknown role 'heading' after 'value'"):
        parse_form(doc)


# A cover line before the document title ("İzmir Büyükşehir Belediyesi", a logo's caption, a date):
# the title is found among the first paragraphs, and what comes before it is preamble.  Before the
# form allowed preamble → doc_title, such a submission failed with an internal error.
COVER_LINES = [
    pytest.param("Izmir Metropolitan Municipality\n\n", id="one-cover-line"),
    pytest.param("İzmir Büyükşehir Belediyesi\n\n2023\n\n", id="two-cover-lines"),
    pytest.param("Submissions\nCittaslow network\n", id="cover-lines-without-a-gap"),
    pytest.param("T.C.\nİzmir Büyükşehir Belediyesi\nStratejik Planlama Dairesi Başkanlığı\n\nMarch 2023\n\n"
                 "Prepared for the Cittaslow Metropolis network\n\n", id="a-cover-page"),
]


@pytest.mark.parametrize("cover", COVER_LINES)
def test_lines_before_the_document_title_are_preamble(cover: str):
    body = HEADER + "Project\n\nOBJECTIVE\nTo grow food.\n\nBUDGET (TL)\n5.000\n"
    plain, covered = seg(body), seg(cover + body)
    assert covered.checklist == "Good Governance" and covered.warnings == plain.warnings == []
    assert covered.criteria == plain.criteria
    assert [(p.title, p.fields) for p in covered.projects] == [("Project", plain.projects[0].fields)]
    cover_paragraphs = len([line for line in cover.splitlines() if line])
    assert [r for r, _ in roles(cover + body)][:cover_paragraphs] == ["preamble"] * cover_paragraphs


_COVER_LINE = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs"), include_characters=".,:-–()/"),
    min_size=1, max_size=60,
).map(lambda text: " ".join(text.split())).filter(
    lambda line: bool(line) and VOCAB.match_label(line) is None and VOCAB.match_title(line) is None)


@settings(max_examples=examples(150), deadline=None)
@given(lines=st.lists(_COVER_LINE, min_size=1, max_size=6), gaps=st.lists(st.booleans(), min_size=6, max_size=6))
def test_any_cover_page_leaves_the_reading_as_it_is(lines: list[str], gaps: list[bool]):
    """Whatever short lines stand before the title (no label, no second title), the document reads
    as without them: same checklist, criteria and projects, no warning added."""
    cover = "".join(line + ("\n\n" if gap else "\n") for line, gap in zip(lines, gaps))
    body = HEADER + "Project\n\nOBJECTIVE\nTo grow food.\n\nBUDGET (TL)\n5.000\n\nSecond\n\nOBJECTIVE\ny\n"
    plain, covered = seg(body), seg(cover + "\n" + body)
    assert (covered.checklist, covered.language) == (plain.checklist, plain.language)
    assert covered.criteria == plain.criteria
    assert [(p.title, p.fields, p.criterion_no) for p in covered.projects] == [
        (p.title, p.fields, p.criterion_no) for p in plain.projects]
    assert covered.warnings == plain.warnings


def test_a_title_after_the_first_label_is_not_the_document_title():
    result = seg("Project\n\nOBJECTIVE\nx\n\nCittaslow Metropolis Checklist: Good Governance\n")
    assert result.checklist is None and "no_checklist_title" in result.warnings


def test_a_dead_end_in_a_custom_form_restarts_the_reading():
    """A form whose grammar has no way into a paragraph's only role (here a form without
    preamble → doc_title, and a cover line before the title): the search starts again at that
    paragraph, and the reading before it ends at its own best state, instead of failing."""
    import dataclasses

    from cittaslow_extract.structure import decoder
    from cittaslow_extract.structure.form import load_form
    from cittaslow_extract.structure.units import build_units

    shipped = load_form()
    transitions = {source: dict(targets) for source, targets in shipped.transitions.items()}
    del transitions["preamble"]["doc_title"]
    form = dataclasses.replace(shipped, transitions=transitions)
    text = "Izmir Metropolitan Municipality\n\n" + HEADER + "Project\n\nOBJECTIVE\nTo grow food.\n"
    units = build_units(doc(text).blocks, VOCAB)
    decoding = decoder.decode(units, 1, form)
    assert decoding.roles == ["preamble", "doc_title", "crit_title", "crit_no", "sub", "title", "label", "value"]
    assert decoding.opens_project == [False] * 6 + [True, False]
    assert all(margin == margin for margin in decoding.margins)  # no NaN from the break in the reading
    # the margins before the break are those of a reading that ends there: never a criterion title
    assert decoding.runner_up[0] != "crit_title" and decoding.margins[0] > 0
