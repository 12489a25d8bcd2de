"""normalize.money: budget texts as amounts with currency, approximation and years."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cittaslow_extract.models import BudgetValue, MoneyAmount
from cittaslow_extract.normalize.money import parse_budget

D = Decimal
SEED_SENTENCE = (
    "Our budget, which was 906 million TL in total in 2019, 2020 and 2021, "
    "was increased to 435 million TL in 2022."
)

# (text, language, label currency, primary amount, currency, approximate, budget year, warnings)
REAL_SAMPLES = [
    ("500.000", "en", "TRY", D(500000), "TRY", False, None, ()),
    ("Approximately 25 million TL", "en", "TRY", D(25000000), "TRY", True, None, ()),
    ("Approximately 150.000 TL", "en", "TRY", D(150000), "TRY", True, None, ()),
    ("110.000", "en", "TRY", D(110000), "TRY", False, None, ()),
    ("700.000 TL", "en", "TRY", D(700000), "TRY", False, None, ()),
    (SEED_SENTENCE, "en", "TRY", D(435000000), "TRY", False, 2022, ()),
]
SEPARATORS = [
    ("1.250.000,50 TL", "tr", None, D("1250000.5"), "TRY", False, None, ()),
    ("1,250,000.50 USD", "en", None, D("1250000.5"), "USD", False, None, ()),
    ("1,5 milyon TL", "tr", None, D(1500000), "TRY", False, None, ()),
    ("2.3 million EUR", "en", None, D(2300000), "EUR", False, None, ()),
    ("1,500,000 TL", "en", None, D(1500000), "TRY", False, None, ()),
    ("500.000 TL", "en", None, D(500000), "TRY", False, None, ()),  # English document, Turkish grouping
    ("1,500 TL", "tr", None, D(1500), "TRY", False, None, ("money_ambiguous_number",)),
    ("156 thousand 313 TL", "en", None, D(156313), "TRY", False, None, ()),
    ("1 500 000 TL", "tr", None, D(1500000), "TRY", False, None, ()),
]
CURRENCIES = [
    ("₺500", "tr", None, D(500), "TRY", False, None, ()),
    ("500 ₺", "tr", None, D(500), "TRY", False, None, ()),
    ("TL 500.000", "tr", None, D(500000), "TRY", False, None, ()),
    ("25 milyon TL'ye", "tr", None, D(25000000), "TRY", False, None, ()),
    ("5 MİLYON TÜRK LİRASI", "tr", None, D(5000000), "TRY", False, None, ()),
    ("100.000 Türk Lirası", "tr", None, D(100000), "TRY", False, None, ()),
    ("100.000 TRY", "en", None, D(100000), "TRY", False, None, ()),
    ("€2.5m", "en", None, D(2500000), "EUR", False, None, ()),
    ("2.5 million €", "en", None, D(2500000), "EUR", False, None, ()),
    ("$300k from the EU", "en", None, D(300000), "USD", False, None, ()),
    ("USD 2.3 million", "en", None, D(2300000), "USD", False, None, ()),
    ("50.000 avro", "tr", None, D(50000), "EUR", False, None, ()),
    ("2000 TL", "tr", None, D(2000), "TRY", False, None, ()),  # year-like figure with a currency is money
    ("500.000 EUR", "en", "TRY", D(500000), "EUR", False, None, ("money_currency_differs_from_label",)),
    ("500.000", "en", None, D(500000), None, False, None, ("money_no_currency",)),
    ("iki milyon TL", "tr", None, D(2000000), "TRY", False, None, ()),
    ("two million euros", "en", None, D(2000000), "EUR", False, None, ()),
]
APPROXIMATE = [
    ("about 500.000 TL", "en", None, D(500000), "TRY", True, None, ()),
    ("around 2 million TL", "en", None, D(2000000), "TRY", True, None, ()),
    ("nearly 1 million", "en", "TRY", D(1000000), "TRY", True, None, ()),
    ("~500.000 TL", "tr", None, D(500000), "TRY", True, None, ()),
    ("yaklaşık 150.000 TL", "tr", None, D(150000), "TRY", True, None, ()),
    ("YAKLAŞIK 150.000 TL", "tr", None, D(150000), "TRY", True, None, ()),
    ("1 milyon TL civarı", "tr", None, D(1000000), "TRY", True, None, ()),
    ("1 milyon TL civarında", "tr", None, D(1000000), "TRY", True, None, ()),
    ("1 milyona yakın", "tr", "TRY", D(1000000), "TRY", True, None, ()),
    ("Information about the project: 500.000 TL", "en", None, D(500000), "TRY", False, None, ()),
]
YEARS = [
    ("in 2019 the budget was 100.000 TL, in 2020 it was 150.000 TL", "en", None, D(150000), "TRY", False, 2020, ()),
    (
        "2019, 2020 ve 2021 yıllarında toplam 906 milyon TL olan bütçemiz 2022 yılında 435 milyon TL'ye çıkarılmıştır.",
        "tr", "TRY", D(435000000), "TRY", False, 2022, (),
    ),
    ("2019-2021: 906 million TL", "en", None, D(906000000), "TRY", False, 2021, ()),
    ("2022 budget: 1.000.000 TL", "en", None, D(1000000), "TRY", False, 2022, ()),
]
BUGS_CAUGHT = [
    # a year is never an amount, even under a (TL) label
    ("2022", "en", "TRY", None, None, None, None, ("money_no_amount",)),
    # percentages and counts of people are not budgets
    ("%80'i belediye tarafından karşılanan 1.000.000 TL", "tr", None, D(1000000), "TRY", False, None, ()),
    ("For 240 artists, 700.000 TL", "en", None, D(700000), "TRY", False, None, ()),
    ("Covered for 200 people", "en", "TRY", None, None, None, None, ("money_no_amount",)),
    ("80% of the costs", "en", "TRY", None, None, None, None, ("money_no_amount",)),
    ("1.5 years", "en", "TRY", None, None, None, None, ("money_no_amount",)),
    ("Not determined", "en", "TRY", None, None, None, None, ("money_no_amount",)),
    # "TL" after one amount is not the currency before the next figure
    ("906 million TL 2019", "en", None, D(906000000), "TRY", False, 2019, ()),
]
EMPTY = [
    ("", "en", "TRY", None, None, None, None, ()),
    ("-", "en", "TRY", None, None, None, None, ()),
    ("   ", "tr", None, None, None, None, None, ()),
    ("N/A", "en", "TRY", None, None, None, None, ()),
    ("Yok", "tr", "TRY", None, None, None, None, ()),
]


@pytest.mark.parametrize(
    ("text", "language", "label", "amount", "currency", "approximate", "year", "warnings"),
    REAL_SAMPLES + SEPARATORS + CURRENCIES + APPROXIMATE + YEARS + BUGS_CAUGHT + EMPTY,
)
def test_parse_budget(
    text: str, language: str, label: str | None, amount: Decimal | None, currency: str | None,
    approximate: bool | None, year: int | None, warnings: tuple[str, ...],
) -> None:
    value = parse_budget(text, language, label)  # type: ignore[arg-type]
    primary = value.primary
    got = (primary.amount, primary.currency, primary.approximate) if primary else (None, None, None)
    assert got == (amount, currency, approximate)
    assert value.year == year
    assert value.warnings == warnings


def test_seed_sentence_lists_every_amount_with_its_years() -> None:
    value = parse_budget(SEED_SENTENCE, "en", "TRY")
    assert value.amounts == (
        MoneyAmount(D(906000000), "TRY", False, (2019, 2020, 2021), "906 million TL"),
        MoneyAmount(D(435000000), "TRY", False, (2022,), "435 million TL"),
    )
    assert value.primary == value.amounts[1]


def test_empty_and_none() -> None:
    assert parse_budget(None) == BudgetValue((), None, ())
    assert parse_budget("") == BudgetValue((), None, ())


def test_range_lists_both_ends_and_no_primary() -> None:
    value = parse_budget("100.000-150.000 TL", "tr")
    assert [a.amount for a in value.amounts] == [D(100000), D(150000)]
    assert all(a.currency == "TRY" and a.raw == "100.000-150.000 TL" for a in value.amounts)
    assert value.primary is None and value.warnings == ("money_range",)


def test_several_amounts_without_years_take_the_first_with_a_warning() -> None:
    value = parse_budget("500.000 TL (municipality) + 200.000 TL (EU)", "en")
    assert [a.amount for a in value.amounts] == [D(500000), D(200000)]
    assert value.primary is not None and value.primary.amount == D(500000)
    assert value.warnings == ("money_several_amounts",)


def test_bare_amount_inherits_the_currency_the_text_names() -> None:
    value = parse_budget("906 million in 2019-2021 and 435 million TL in 2022", "en")
    assert [(a.amount, a.currency, a.years) for a in value.amounts] == [
        (D(906000000), "TRY", (2019, 2020, 2021)),
        (D(435000000), "TRY", (2022,)),
    ]


@pytest.mark.xfail(strict=True, reason="'respectively' pairing of amounts and years is not read")
def test_respectively() -> None:
    value = parse_budget("906 million TL and 435 million TL in 2021 and 2022 respectively", "en")
    assert [a.years for a in value.amounts] == [(2021,), (2022,)]
