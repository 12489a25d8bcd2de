"""The user's own submission (../shared/seeds/*.txt): structure and exact field texts.

Skipped when the seeds folder is not beside the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.read.text_reader import read
from cittaslow_extract.structure.segmenter import segment
from cittaslow_extract.structure.vocabulary import load_vocabulary

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED = SEEDS / "000_b121f0e98322c50f.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the user's seed document is not beside the checkout")

EXPECTED_CRITERIA = [
    (1, "Transparent, accountable and inclusive city administration"),
    (2, "Increasing access to basic goods and services through public services"),
    (3, "Ensuring active civic engagement in city management"),
    (4, "Preparing and implementing participatory strategic plan to ensure the sustainable and people-oriented development of the city"),
    (5, "Providing equal and inclusive service to city residents"),
]
EXPECTED_SUBCRITERIA = {
    1: [
        "Developing and implementing mechanisms against corruption, discrimination and harassment",
        "Establishing and implementing the city budget with transparent, participatory and inclusive methods",
    ],
    2: [
        "Providing access to good food and clean water",
        "Providing cultural services as a public service",
        "Providing health services as a public service",
        "Providing childcare services as a public service",
        "Providing educational opportunities as a public service",
    ],
    3: ["Involving non-governmental organisations in the decision-making process"],
    4: [],
    5: [
        "Policies to ensure and strengthen social, economic and political inclusion for all, regardless of age, gender, disability, race, ethnicity, religion, economic or other status.",
        "Accessibility of the city, especially public buildings and public spaces (parks, sidewalks, beach, etc.)",
    ],
}
# (criterion_no, title prefix, fields present)
EXPECTED_PROJECTS = [
    (1, "Strategic Management Culture Merit-Based Career Planning", {"objective", "brief_info", "duration"}),
    (1, "Works to ensure the active participation of non-governmental organizations", {"objective", "brief_info", "duration"}),
    (1, "Strategic Plan", {"objective", "duration"}),
    (1, "Performance Program", {"objective", "brief_info", "duration"}),
    (2, "Süt Kuzusu Project (Milk Lamb Project)", {"brief_info", "budget"}),
    (2, "Mobile Stage, Mobile Library", set(FIELD_NAMES)),
    (2, "A Library for Each Neighborhood (Book Delivery Booth Points)", {"objective", "brief_info", "duration", "start", "end", "completed"}),
    (2, "Free Cultural Services (concerts, plays, mobile stage, free tickets for youth)", {"objective", "brief_info", "budget", "duration", "completed"}),
    (2, "Culture and art education", set(FIELD_NAMES)),
    (2, "Village Theaters", set(FIELD_NAMES)),
    (2, "Home Care Services", {"objective", "brief_info", "duration"}),
    (2, "Child and Youth Centers (ÇOGEM)", {"objective", "brief_info"}),
    (2, "Talehouse", {"objective", "brief_info", "duration"}),
    (2, "Mediterranean for Kids", {"objective", "brief_info", "budget", "duration"}),
    (2, "Autism Education and Awareness Center", {"brief_info", "start", "completed"}),
    (2, "Kültürpark Children's Discovery Workshops", {"objective"}),
    (3, "Culture Office (Street Art Project)", set(FIELD_NAMES)),
    (3, "City Council (Women's Council, Children's Council, Disabled Council, Youth Council and Working Groups) activities", {"objective"}),
    (3, "Children's Municipality", {"objective", "brief_info"}),
    (5, "Legal Aid Tool for Justice", {"objective", "brief_info"}),
    (5, "Aceesible Izmir Projects and Disabled Inventory Creation", {"objective", "brief_info"}),
]


@pytest.fixture(scope="module")
def seed():
    return segment(read(SEED), load_vocabulary())


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def test_counts(seed):
    assert len(seed.criteria) == 5
    assert sum(len(c.subcriteria) for c in seed.criteria) == 10
    assert len(seed.projects) == 21
    assert (seed.checklist, seed.language, seed.warnings) == ("Good Governance", "en", [])


def test_criteria_and_subcriteria(seed):
    assert [(c.number, c.title) for c in seed.criteria] == EXPECTED_CRITERIA
    assert {c.number: c.subcriteria for c in seed.criteria} == EXPECTED_SUBCRITERIA


@pytest.mark.parametrize("index, expected", list(enumerate(EXPECTED_PROJECTS)), ids=[p[1][:30] for p in EXPECTED_PROJECTS])
def test_project_titles_criteria_and_fields(seed, index, expected):
    number, title, fields = expected
    project = seed.projects[index]
    assert project.criterion_no == number
    assert project.title.startswith(title)
    assert project.fields.present() == fields
    assert project.warnings == []


def test_projects_sit_under_their_subcriteria(seed):
    subs = [p.subcriterion for p in seed.projects]
    assert subs[:4] == [EXPECTED_SUBCRITERIA[1][0]] + [EXPECTED_SUBCRITERIA[1][1]] * 3
    assert subs[15] == EXPECTED_SUBCRITERIA[2][4]  # Kültürpark, after a COMPLETED value
    assert subs[16:19] == [EXPECTED_SUBCRITERIA[3][0]] * 3
    assert subs[19:] == EXPECTED_SUBCRITERIA[5]


def test_multi_paragraph_objective_keeps_every_paragraph(seed):
    council = seed.projects[17].fields.objective
    paragraphs = council.split("\n")
    assert paragraphs[0] == "Izmir City Council"
    assert paragraphs[1].startswith("o It continues its activities on a voluntary basis")
    assert "o Gender Equality Working Group" in paragraphs
    assert paragraphs[-2].startswith("The Children’s Assembly aims to have children take a role")
    assert paragraphs[-1].startswith("The Youth Assembly aims to increase the participation")
    assert len(paragraphs) == 31  # every non-blank line from "Izmir City Council" to "The Youth Assembly …"


def test_empty_project_has_every_label_and_no_value(seed):
    empty = seed.projects[8]
    assert empty.title == "Culture and art education"
    assert all(getattr(empty.fields, name) == "" for name in FIELD_NAMES)


def test_every_field_text_is_exactly_as_in_the_document(seed, seed_text):
    # Each paragraph of each value is a whole line of the document, in order.
    lines = seed_text.split("\n")
    for project in seed.projects:
        for name in FIELD_NAMES:
            value = getattr(project.fields, name)
            if not value:
                continue
            paragraphs = value.split("\n")
            start = lines.index(paragraphs[0])
            following = [line for line in lines[start:] if line][: len(paragraphs)]
            assert following == paragraphs, (project.title, name)


@pytest.mark.parametrize(
    "index, name, expected",
    [
        (0, "duration", "It is repeated every year"),
        (2, "duration", "2024"),
        (4, "budget", "Our budget, which was 906 million TL in total in 2019, 2020 and 2021, was increased to 435 million TL in 2022."),
        (5, "budget", "500.000"),
        (6, "start", "2022 March"),
        (7, "budget", "Approximately 25 million TL"),
        (14, "completed", "We are continuing the pre-project works"),
        (16, "start", "April 20"),
        (16, "end", "December 21"),
    ],
)
def test_field_values(seed, index, name, expected):
    assert getattr(seed.projects[index].fields, name) == expected
