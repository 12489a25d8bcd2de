"""The value normalisers on the user's own submission (../shared/seeds/*.txt).

The raw values are read straight from the seed text: the line after each BUDGET (TL), START DATE,
END DATE and PROJECT DURATION label, in document order (an empty string when the next non-blank line is
another label).  This does not use the segmenter, so it checks the normalisers alone.
Skipped when the seeds folder is not beside the checkout.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cittaslow_extract.models import DateValue, DurationValue, MoneyAmount
from cittaslow_extract.normalize.dates import check_range, parse_date, parse_date_range
from cittaslow_extract.normalize.durations import parse_duration
from cittaslow_extract.normalize.money import parse_budget

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED = SEEDS / "000_b121f0e98322c50f.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the user's seed document is not beside the checkout")

D = Decimal
LABELS = {
    "OBJECTIVE", "BRIEF INFORMATION ABOUT THE PROJECT", "BUDGET (TL)", "PROJECT DURATION",
    "START DATE", "END DATE", "COMPLETED",
}


def values_after(label: str) -> list[str]:
    """The value line under every occurrence of `label`, in document order."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.strip() != label:
            continue
        rest = [x for x in lines[i + 1 :] if x.strip()]
        nxt = rest[0].strip() if rest else ""
        blank_between = i + 1 < len(lines) and not lines[i + 1].strip()
        out.append("" if nxt in LABELS or blank_between else nxt)
    return out


# BUDGET (TL) values: (raw, primary amount, approximate, year, every (amount, years))
BUDGETS = [
    (
        "Our budget, which was 906 million TL in total in 2019, 2020 and 2021, was increased to 435 million TL in 2022.",
        D(435000000), False, 2022, [(D(906000000), (2019, 2020, 2021)), (D(435000000), (2022,))],
    ),
    ("500.000", D(500000), False, None, [(D(500000), ())]),
    ("Approximately 25 million TL", D(25000000), True, None, [(D(25000000), ())]),
    ("", None, None, None, []),
    ("Approximately 150.000 TL", D(150000), True, None, [(D(150000), ())]),
    ("110.000", D(110000), False, None, [(D(110000), ())]),
    ("700.000 TL", D(700000), False, None, [(D(700000), ())]),
]
DURATIONS = [
    ("It is repeated every year", DurationValue(None, "annual")),
    (
        "Since the strategic plan, performance program and annual report are made within the framework of "
        "engagement at every stage, it operates continuously",
        DurationValue(None, "continuous"),
    ),
    ("2024", DurationValue(None, None, ("duration_is_date",))),
    ("It is repeated every year", DurationValue(None, "annual")),
    ("Year-round project", DurationValue(None, "year-round")),
    (
        "It will continue until a library is built in every neighborhood in İzmir that does not have a library "
        "yet. The target is to establish libraries in 50 neighborhoods that demand it in the first phase.",
        DurationValue(None, "open-ended", ("duration_conditional",)),
    ),
    ("Year-round", DurationValue(None, "year-round")),
    ("", DurationValue(None)),
    ("There is no time limit for the project. It is updated in theater seasons.", DurationValue(None, "open-ended")),
    (
        "Services are carried on during working hours on weekdays.",
        DurationValue(None, "continuous", ("duration_schedule_only",)),
    ),
    (
        "It is planned that 20 Fairy Tale Houses will be operational by 2024.",
        DurationValue(None, None, ("duration_is_date",)),
    ),
    ("6 MONTHS", DurationValue(D(6))),
    ("1.5 years", DurationValue(D(18))),
]
STARTS = [
    ("2019", DateValue("2019")),
    ("2022 March", DateValue("2022-03")),
    ("", DateValue(None)),
    ("2021", DateValue("2021")),
    ("2022", DateValue("2022")),
    ("April 20", DateValue("2020-04")),
]
ENDS = [
    ("Ongoing", DateValue(None, True)),
    ("Ongoing", DateValue(None, True)),
    ("", DateValue(None)),
    ("Ongoing", DateValue(None, True)),
    ("December 21", DateValue("2021-12")),
]


def test_the_seed_has_the_expected_raw_values() -> None:
    assert values_after("BUDGET (TL)") == [raw for raw, *_ in BUDGETS]
    assert values_after("PROJECT DURATION") == [raw for raw, _ in DURATIONS]
    assert values_after("START DATE") == [raw for raw, _ in STARTS]
    assert values_after("END DATE") == [raw for raw, _ in ENDS]


def test_budgets() -> None:
    got = []
    for raw in values_after("BUDGET (TL)"):
        value = parse_budget(raw, "en", "TRY")  # the label says (TL)
        assert value.warnings == ()
        assert all(a.currency == "TRY" for a in value.amounts)
        primary = value.primary
        got.append((
            raw,
            primary.amount if primary else None,
            primary.approximate if primary else None,
            value.year,
            [(a.amount, a.years) for a in value.amounts],
        ))
    assert got == BUDGETS


def test_the_six_budgets_sum() -> None:
    amounts = [parse_budget(raw, "en", "TRY").primary for raw in values_after("BUDGET (TL)")]
    assert sum(a.amount for a in amounts if isinstance(a, MoneyAmount)) == D(461460000)


def test_durations() -> None:
    assert [(raw, parse_duration(raw, "en")) for raw in values_after("PROJECT DURATION")] == DURATIONS


def test_dates() -> None:
    assert [(raw, parse_date(raw, "en")) for raw in values_after("START DATE")] == STARTS
    assert [(raw, parse_date(raw, "en")) for raw in values_after("END DATE")] == ENDS


def test_street_art_range_agrees_with_its_narrative() -> None:
    """Street Art Project: START "April 20", END "December 21"; its brief says "Between March 2020 and
    December 2021" — the month + two-digit-year reading is the one that agrees with the narrative."""
    text = SEED.read_text(encoding="utf-8")
    assert "Between March 2020 and December 2021" in text
    start, end = parse_date("April 20"), parse_date("December 21")
    assert check_range(start, end) == ()
    said_start, said_end = parse_date_range("Between March 2020 and December 2021")
    assert (said_start.iso, said_end.iso) == ("2020-03", "2021-12")
    assert start.iso is not None and start.iso[:4] == said_start.iso[:4]
    assert end.iso == said_end.iso
