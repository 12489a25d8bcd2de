"""normalize.currency: the one currency table and matcher of the budget normaliser and the mentions stage."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources

import pytest

from cittaslow_extract.mentions import MentionExtractor
from cittaslow_extract.normalize.currency import currency_after, currency_before, currency_code
from cittaslow_extract.normalize.money import parse_budget

TABLE = tomllib.loads(
    resources.files("cittaslow_extract").joinpath("data/money.toml").read_bytes().decode("utf-8")
)
SPELLINGS = [(spelling, code) for code, spellings in TABLE["currencies"].items() for spelling in spellings]
WORDS = [(s, c) for s, c in SPELLINGS if s[0].isalpha() and not s.isupper()]


@pytest.mark.parametrize(("spelling", "code"), SPELLINGS)
def test_every_spelling_is_matched_after_and_before_a_figure(spelling: str, code: str) -> None:
    after = currency_after(f"500 {spelling}", 3)
    assert after is not None and after["cur"] == spelling and currency_code(after["cur"]) == code
    before = currency_before(f"{spelling} 500", len(spelling) + 1)
    assert before is not None and currency_code(before["cur"]) == code


@pytest.mark.parametrize(("spelling", "code"), WORDS)
@pytest.mark.parametrize("suffix", TABLE["currency_suffixes"]["tr"])
def test_a_currency_word_keeps_its_code_with_a_turkish_suffix(spelling: str, code: str, suffix: str) -> None:
    hit = currency_after(f"3 milyon {spelling}{suffix} destek", 9)
    assert hit is not None and hit["cur"] == spelling + suffix
    assert currency_code(hit["cur"]) == code


@pytest.mark.parametrize(
    ("text", "pos", "cur"),
    [("25.000.TL", 6, "TL"), ("40.000. Euro", 6, "Euro"), ("12.335.000-TL", 10, "TL"),
     ("300.000.-TL", 7, "TL"), ("300.000.- TL'den", 7, "TL'den"), ("500 TL'ye", 3, "TL'ye")],
)
def test_glued_punctuation_before_the_currency(text: str, pos: int, cur: str) -> None:
    hit = currency_after(text, pos)
    assert hit is not None and hit["cur"] == cur and hit.end() == len(text)


@pytest.mark.parametrize(
    ("text", "pos"),
    [("5 - €7", 1), ("500 TLC", 3), ("500 Euroland", 3), ("500 Liraboy", 3), ("500\nTL", 3), ("2019-TLx", 4)],
)
def test_not_a_currency_after(text: str, pos: int) -> None:
    """A dash before a symbol opens a range; a word that merely starts like a currency is not one;
    a currency on the next line belongs to the next line."""
    assert currency_after(text, pos) is None


@pytest.mark.parametrize(("spelling", "code"), SPELLINGS)
def test_one_table_for_both_stages(extractor: MentionExtractor, spelling: str, code: str) -> None:
    """Every currency of the normaliser's table is a MONEY mention's, with the same code: after an
    amount, and before one when it is a symbol or a code (a currency word before a figure is not)."""
    after = [m for m in extractor.extract("p", [("completed", f"Paid 500 {spelling} for it")], "en")
             if m.label == "MONEY"]
    assert [(m.text, m.unit) for m in after] == [(f"500 {spelling}", code)]
    if spelling in [s for s, _ in WORDS]:
        return
    before = [m for m in extractor.extract("p", [("completed", f"Paid {spelling} 500 for it")], "en")
              if m.label == "MONEY"]
    assert [(m.text, m.unit) for m in before] == [(f"{spelling} 500", code)]


@pytest.fixture(scope="module")
def extractor() -> MentionExtractor:
    return MentionExtractor()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("3 milyon liralık destek", "tr"),
        ("Bu projelere 300 milyon liralık hibe sağlanacak.", "tr"),
        ("25.000.TL", "tr"),
        ("Toplam 12.335.000-TL", "tr"),
        ("40.000. Euro", "tr"),
        ("Approximately 25 million TL", "en"),
        ("USD 2.3 million", "en"),
        ("₺500", "tr"),
        ("a 10-year programme worth 2 billion liras", "en"),  # "10-year" is neither a count nor money
        ("3 yıllık projenin bütçesi 750.000 TL", "tr"),
    ],
)
def test_a_money_mention_agrees_with_budget_amount(extractor: MentionExtractor, text: str, language: str) -> None:
    budget = parse_budget(text, language)  # type: ignore[arg-type]
    money = [m for m in extractor.extract("p", [("budget_text", text)], language) if m.label == "MONEY"]
    assert budget.primary is not None and len(money) == 1
    assert (Decimal(money[0].value or "nan"), money[0].unit) == (budget.primary.amount, budget.primary.currency)
