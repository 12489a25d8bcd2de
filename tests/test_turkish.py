"""Turkish case mapping and matching keys (normalize/turkish.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cittaslow_extract.normalize.turkish import (
    ascii_key,
    fold_ascii,
    match_key,
    strip_invisible,
    tr_lower,
    tr_upper,
)

DECOMPOSED_I_DOT = "I\u0307"  # capital I + COMBINING DOT ABOVE: İ as some PDFs and Macs store it
STRAY_DOT_I = "i\u0307"  # what Python's str.lower() makes of İ

TR_LOWER = [
    ("İSTANBUL", "istanbul"),
    ("ISPARTA", "ısparta"),
    ("ıiIİ", "ıiıi"),
    ("BAŞLANGIÇ TARİHİ", "başlangıç tarihi"),
    ("BİTİŞ TARIHI", "bitiş tarıhı"),  # the typed dotless I stays dotless: tr_lower is faithful
    ("ÇİĞLİ ÖĞÜŞ", "çiğli öğüş"),
    (DECOMPOSED_I_DOT + "ZMİR", "izmir"),
    (STRAY_DOT_I + "zmir", "izmir"),
    ("Budget (TL)", "budget (tl)"),
    ("", ""),
]

TR_UPPER = [
    ("istanbul", "İSTANBUL"),
    ("ısparta", "ISPARTA"),
    ("ıiIİ", "IİIİ"),
    ("başlangıç tarihi", "BAŞLANGIÇ TARİHİ"),
    ("çiğli öğüş", "ÇİĞLİ ÖĞÜŞ"),
    (STRAY_DOT_I + "zmir", "İZMİR"),
    ("objective", "OBJECTİVE"),  # Turkish rules on English text: why labels are matched by match_key
]

MATCH_KEY = [
    ("İSTANBUL", "istanbul"),
    ("ıiIİ", "iiii"),
    # every i, dotted or not, keys as "i": the same key for all three typings
    ("Başlangıç Tarihi", "başlangiç tarihi"),
    ("BAŞLANGIÇ TARIHI", "başlangiç tarihi"),
    ("başlangıç tarıhı", "başlangiç tarihi"),
    (DECOMPOSED_I_DOT + "ZMİR", "izmir"),
    (STRAY_DOT_I + "zmir", "izmir"),
    ("Objective:", "objective"),
    ("  OBJECTIVE :", "objective"),
    ("Budget (TL) –", "budget (tl)"),
    ("BÜT\u00adÇE", "bütçe"),  # soft hyphen from a PDF line break
    ("AMAÇ\u200b", "amaç"),  # zero-width space
    ("\ufeffAMAÇ", "amaç"),  # BOM
    ("% 50 / yıl", "% 50 / yil"),
    ("Proje—Süresi", "proje süresi"),
    ("", ""),
]

ASCII_KEY = [
    ("ÇİĞLİ", "cigli"),
    ("Cigli", "cigli"),
    ("BÜTÇE (TL)", "butce (tl)"),
    ("Başlangıç Tarihi", "baslangic tarihi"),
    ("BASLANGIC TARIHI", "baslangic tarihi"),
    ("hâlâ", "hala"),
    ("Şişli Göztepe Üsküdar", "sisli goztepe uskudar"),
    ("café", "cafe"),
]


@pytest.mark.parametrize(("text", "expected"), TR_LOWER)
def test_tr_lower(text: str, expected: str) -> None:
    assert tr_lower(text) == expected


@pytest.mark.parametrize(("text", "expected"), TR_UPPER)
def test_tr_upper(text: str, expected: str) -> None:
    assert tr_upper(text) == expected


@pytest.mark.parametrize(("text", "expected"), MATCH_KEY)
def test_match_key(text: str, expected: str) -> None:
    assert match_key(text) == expected


@pytest.mark.parametrize(("text", "expected"), ASCII_KEY)
def test_ascii_key(text: str, expected: str) -> None:
    assert ascii_key(text) == expected


def test_python_default_casing_is_wrong_for_turkish() -> None:
    # the reason this module exists
    assert "İ".lower() == STRAY_DOT_I
    assert "I".lower() == "i" and tr_lower("I") == "ı"
    assert "i".upper() == "I" and tr_upper("i") == "İ"


def test_strip_invisible_keeps_visible_text() -> None:
    assert strip_invisible("Bütçe (TL): 1.250.000") == "Bütçe (TL): 1.250.000"
    assert strip_invisible("a\u00adb\u200bc\u200cd\u200de\u2060f\ufeff") == "abcdef"


TURKISH_TEXT = st.text(alphabet="abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ :().-", max_size=40)


@given(TURKISH_TEXT)
def test_lower_upper_round_trip_under_turkish_rules(text: str) -> None:
    # Turkish letters have a one-to-one case mapping (unlike Python's default for İ and ı)
    assert tr_lower(tr_upper(text)) == tr_lower(text)
    assert tr_upper(tr_lower(text)) == tr_upper(text)
    assert len(tr_lower(text)) == len(text)


@given(TURKISH_TEXT)
def test_match_key_is_case_blind_under_both_conventions(text: str) -> None:
    assert match_key(tr_upper(text)) == match_key(tr_lower(text)) == match_key(text)
    assert match_key(text.upper()) == match_key(text.lower()) == match_key(text)


@given(st.text(max_size=40))
def test_keys_are_idempotent_and_nfc(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key
    assert fold_ascii(ascii_key(text)) == ascii_key(text)
    assert unicodedata.is_normalized("NFC", key)
