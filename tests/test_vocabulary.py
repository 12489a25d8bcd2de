"""Label and title matching (vocabulary.py over data/labels.toml), overrides, and bad labels files."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cittaslow_extract.errors import ConfigError
from cittaslow_extract.models import FIELD_NAMES
from cittaslow_extract.normalize.turkish import fold_ascii, tr_lower, tr_upper
from cittaslow_extract.structure.vocabulary import LabelMatch, load_vocabulary

VOCAB = load_vocabulary()
SHIPPED = tomllib.loads(
    resources.files("cittaslow_extract").joinpath("data/labels.toml").read_text("utf-8")
)


def _shipped_spellings() -> list[tuple[str, str, str, bool]]:
    """(spelling, field, language, standalone) for every spelling in the shipped data file."""
    rows = []
    for name, table in SHIPPED["fields"].items():
        for language in ("en", "tr"):
            rows += [(s, name, language, False) for s in table.get(language, [])]
            rows += [(s, name, language, True) for s in table.get("standalone", {}).get(language, [])]
    return rows


SPELLINGS = _shipped_spellings()
STRONG_SPELLINGS = [row for row in SPELLINGS if not row[3]]


def tr_title(text: str) -> str:
    """Title case under Turkish rules: "BAŞLANGIÇ TARİHİ" → "Başlangıç Tarihi"."""
    return " ".join(tr_upper(w[:1]) + tr_lower(w[1:]) for w in text.split(" "))


CASINGS = {
    "upper": tr_upper,
    "lower": tr_lower,
    "title": tr_title,
    "dotless_typed": lambda s: tr_upper(s).replace("İ", "I"),  # TARIHI on an English keyboard
    "python_lower": str.lower,  # İ → i + combining dot, as text that went through str.lower()
    "ascii_typed": lambda s: fold_ascii(tr_upper(s).replace("İ", "I").lower()).upper(),  # BASLANGIC
}

# The labels the issue names, each with its field and language.
REQUIRED_LABELS = [
    ("OBJECTIVE", "objective", "en"),
    ("BRIEF INFORMATION ABOUT THE PROJECT", "brief_info", "en"),
    ("BUDGET (TL)", "budget", "en"),
    ("PROJECT DURATION", "duration", "en"),
    ("START DATE", "start", "en"),
    ("END DATE", "end", "en"),
    ("COMPLETED", "completed", "en"),
    ("AMAÇ", "objective", "tr"),
    ("AMACI", "objective", "tr"),
    ("PROJENİN AMACI", "objective", "tr"),
    ("PROJE HAKKINDA KISA BİLGİ", "brief_info", "tr"),
    ("BÜTÇE (TL)", "budget", "tr"),
    ("PROJE SÜRESİ", "duration", "tr"),
    ("SÜRE", "duration", "tr"),
    ("BAŞLANGIÇ TARİHİ", "start", "tr"),
    ("Başlangıç Tarihi", "start", "tr"),
    ("başlangıç tarihi", "start", "tr"),
    ("BAŞLANGIÇ TARIHI", "start", "tr"),
    ("BİTİŞ TARİHİ", "end", "tr"),
    ("Bitiş Tarihi", "end", "tr"),
    ("BİTİŞ TARIHI", "end", "tr"),
    ("TAMAMLANAN", "completed", "tr"),
    ("GERÇEKLEŞEN", "completed", "tr"),
    ("Gerçekleşenler", "completed", "tr"),
    # typed without Turkish letters
    ("BASLANGIC TARIHI", "start", "tr"),
    ("BUTCE", "budget", "tr"),
    ("Butce (TL)", "budget", "tr"),
    ("PROJENIN AMACI", "objective", "tr"),
    ("Proje Suresi", "duration", "tr"),
    ("GERCEKLESEN", "completed", "tr"),
]

# (text, field, currency): punctuation and spacing round the label are ignored.
PUNCTUATION_VARIANTS = [
    ("Objective:", "objective", None),
    ("OBJECTIVE :", "objective", None),
    ("Budget (TL) –", "budget", "TRY"),
    ("Budget (TL) -", "budget", "TRY"),
    ("BUDGET (TL) —", "budget", "TRY"),
    ("BUDGET(TL)", "budget", "TRY"),
    ("BÜTÇE (TL):", "budget", "TRY"),
    ("  Start Date  ", "start", None),
    ("START DATE*", "start", None),
    ("• OBJECTIVE", "objective", None),
    ("- Amaç:", "objective", None),
    ("“Tamamlanan”", "completed", None),
    ("Proje—Süresi", "duration", None),
    ("BÜT\u00adÇE (TL)", "budget", "TRY"),  # soft hyphen inside the word, from a PDF
    ("\ufeffAMAÇ", "objective", None),  # BOM at the start of a file
    ("PROJECT DURATION (MONTHS)", "duration", None),  # a unit in brackets is allowed, not a currency
    ("Start Date (dd.mm.yyyy)", "start", None),
]

# (bracket, ISO code or None) after "BUDGET".
CURRENCY_BRACKETS = [
    ("(TL)", "TRY"),
    ("(tl)", "TRY"),
    ("(TRY)", "TRY"),
    ("(YTL)", "TRY"),
    ("(₺)", "TRY"),
    ("(Türk Lirası)", "TRY"),
    ("(TÜRK LİRASI)", "TRY"),
    ("(TL/yıl)", "TRY"),
    ("(TL, KDV dahil)", "TRY"),
    ("[TL]", "TRY"),
    ("(EUR)", "EUR"),
    ("(€)", "EUR"),
    ("(Euro)", "EUR"),
    ("(Avro)", "EUR"),
    ("(USD)", "USD"),
    ("($)", "USD"),
    ("(MONTHS)", None),
    ("(TL / EUR)", None),  # two currencies: the label does not decide
]

# (text, field, currency, inline value): a label with its value on the same line.
INLINE = [
    ("Objective: Making the accurate position assignments", "objective", None,
     "Making the accurate position assignments"),
    ("OBJECTIVE : Making", "objective", None, "Making"),
    ("Amaç：Kitaba erişimi artırmak", "objective", None, "Kitaba erişimi artırmak"),  # full-width colon
    ("Bütçe (TL): 1.250.000", "budget", "TRY", "1.250.000"),
    ("Budget (TL) – 500.000", "budget", "TRY", "500.000"),
    ("Budget (EUR): 120.000", "budget", "EUR", "120.000"),
    ("Start Date: March 2021", "start", None, "March 2021"),
    ("BAŞLANGIÇ TARIHI : Mart 2022", "start", None, "Mart 2022"),
    ("Proje Süresi - 6 ay", "duration", None, "6 ay"),
    ("Süre: 1,5 yıl", "duration", None, "1,5 yıl"),
    ("Bitiş tarihi: Devam ediyor", "end", None, "Devam ediyor"),
    ("Completed: 12 gardens: 9 more planned", "completed", None, "12 gardens: 9 more planned"),
    ("Brief Information About The Project: Twelve school yards", "brief_info", None, "Twelve school yards"),
    ("BUTCE (TL): 450 bin TL", "budget", "TRY", "450 bin TL"),
    ("Objective:   ", "objective", None, None),  # a separator and nothing after it: no value
]

# Ordinary sentences, titles and near-misses: never a label.
MUST_NOT_MATCH = [
    "Objective of the city is to grow",
    "The objective is to grow the city",
    "Objectives and targets",
    "Budget was increased to 435 million TL in 2022.",
    "Budgetary constraints",
    "Budget.",  # the last word of a wrapped paragraph
    "the end.",
    "End.",
    "Start of the second phase",
    "Start date is not yet known.",
    "Completed works are listed below.",
    "Duration of the pandemic period, events were held online.",
    "Cost-benefit analysis was made",
    "Strategic Plan",
    "Performance Program",
    "Red Flag Project: Giving a flag to accessible buildings",
    "Katılımcı Bütçe: Mahalle Öncelikleri Oylaması",
    "o Budget Working Group",
    "Results: 42 interviews were recorded.",  # generic words are labels only on their own line
    "Aim: reduce traffic by 10%",
    "Summary: the council met twice",
    "Hedef: 2024 yılına kadar 20 masal evi",
    "Açıklama: bkz. ek",
    "Sonuçlar: 9 kütüphane açıldı",
    "Amaç doğrultusunda çalışmalar sürdürüldü.",
    "Amaçlanan",
    "Bütçe kapsamında 2 milyon TL harcandı.",
    "Bütçeleme",
    "Süre uzatıldı.",
    "Sürekli",
    "Bitişik parseller",
    "Başlangıçta 5 mahalle seçildi.",
    "Tamamlanan işler şunlardır:",
    "Gerçekleşen etkinlikler aşağıdadır",
    "Proje hakkında kısa bilgi vermek gerekirse, proje 2019'da başladı.",
    "OBJECTIVE " + "x" * 60,
    "Budget (TL) -500",
    "Devam ediyor",
    "Ongoing",
    "2019",
    "01",
    "",
    "   ",
    "—",
]

TITLES = [
    ("Cittaslow Metropolis Checklist: Urban Resilience", "Urban Resilience", "en"),
    ("Cittaslow Metropolis Checklist: Good Governance", "Good Governance", "en"),
    ("CITTASLOW METROPOLIS CHECKLIST – FOOD FOR ALL", "FOOD FOR ALL", "en"),
    ("Cittaslow Metropolis Check-list: Mobility", "Mobility", "en"),
    ("Cittaslow Metropolis Checklist:  Cittaslow  Neighbourhoods.", "Cittaslow Neighbourhoods", "en"),
    ("\ufeffCittaslow Metropolis Checklist: Community", "Community", "en"),
    ("Cittaslow Metropol Kontrol Listesi: Yönetişim", "Yönetişim", "tr"),
    ("CITTASLOW METROPOL KONTROL LİSTESİ: YÖNETİŞİM", "YÖNETİŞİM", "tr"),
    ("Cittaslow Metropol Kontrol Lıstesı: Herkes İçin Gıda", "Herkes İçin Gıda", "tr"),
    ("Cittaslow Metropolis Kontrol Listesi – Kentsel Dayanıklılık", "Kentsel Dayanıklılık", "tr"),
]

NOT_TITLES = [
    "Cittaslow Metropolis Checklist",  # no area named
    "Cittaslow Metropolis Checklist:",
    "The Cittaslow Metropolis Checklist: Good Governance was filled in by the city",
    "Cittaslow Metropolis",
    "Good Governance",
]


@pytest.mark.parametrize("casing", sorted(CASINGS))
@pytest.mark.parametrize(("spelling", "field", "language", "standalone"), SPELLINGS)
def test_every_shipped_spelling_matches_in_every_casing(
    spelling: str, field: str, language: str, standalone: bool, casing: str
) -> None:
    match = VOCAB.match_label(CASINGS[casing](spelling))
    assert match == LabelMatch(field, language, None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "field", "language"), REQUIRED_LABELS)
def test_required_labels(text: str, field: str, language: str) -> None:
    match = VOCAB.match_label(text)
    assert match is not None and (match.field, match.language) == (field, language)


@pytest.mark.parametrize(("text", "field", "currency"), PUNCTUATION_VARIANTS)
def test_punctuation_and_spacing_round_a_label(text: str, field: str, currency: str | None) -> None:
    match = VOCAB.match_label(text)
    assert match is not None
    assert (match.field, match.currency, match.inline_value) == (field, currency, None)


@pytest.mark.parametrize(("bracket", "currency"), CURRENCY_BRACKETS)
def test_currency_in_brackets(bracket: str, currency: str | None) -> None:
    for label in ("BUDGET ", "Bütçe ", "PROJE MALİYETİ"):
        match = VOCAB.match_label(label + bracket)
        assert match is not None and match.field == "budget"
        assert match.currency == currency


@pytest.mark.parametrize(("text", "field", "currency", "value"), INLINE)
def test_label_with_its_value_on_the_same_line(
    text: str, field: str, currency: str | None, value: str | None
) -> None:
    match = VOCAB.match_label(text)
    assert match is not None
    assert (match.field, match.currency, match.inline_value) == (field, currency, value)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_sentences_and_near_misses_are_not_labels(text: str) -> None:
    assert VOCAB.match_label(text) is None


@pytest.mark.parametrize("spelling", ["AIM", "Results", "SONUÇLAR", "Hedef", "Summary", "Açıklama"])
def test_standalone_words_are_labels_on_their_own_line_only(spelling: str) -> None:
    assert VOCAB.match_label(spelling) is not None
    assert VOCAB.match_label(spelling + ":") is not None
    assert VOCAB.match_label(spelling + ": some value") is None


@pytest.mark.parametrize(("text", "checklist", "language"), TITLES)
def test_title_patterns(text: str, checklist: str, language: str) -> None:
    assert VOCAB.match_title(text) == (checklist, language)


@pytest.mark.parametrize("text", NOT_TITLES)
def test_not_titles(text: str) -> None:
    assert VOCAB.match_title(text) is None


def test_shipped_vocabulary_covers_every_field_in_both_languages() -> None:
    assert set(SHIPPED["fields"]) == set(FIELD_NAMES)
    for name, table in SHIPPED["fields"].items():
        assert table["en"] and table["tr"], name
    assert len(VOCAB.spellings()) == len(SPELLINGS)  # no spelling shadows another


def test_vocabulary_is_loaded_once() -> None:
    assert load_vocabulary() is load_vocabulary()


# --------------------------------------------------------------------------- properties
_I_LETTERS = "iıIİ"
LEADING = ["", " ", "• ", "- ", "* ", "– ", "\u200b"]
TRAILING = ["", " ", ":", " :", " –", " —", " -", ":  ", " *", "\u00a0:"]


@st.composite
def typed_label(draw: st.DrawFn, rows: list[tuple[str, str, str, bool]]) -> tuple[str, str]:
    """(text, field): a spelling in random case under Turkish rules, i/ı/I/İ typed at random,
    possibly without Turkish letters, with random punctuation round it."""
    spelling, field, _, _ = draw(st.sampled_from(rows))
    if draw(st.booleans()):
        spelling = fold_ascii(tr_lower(spelling))
    letters = []
    for ch in spelling:
        if tr_lower(ch) in "iı":
            letters.append(draw(st.sampled_from(_I_LETTERS)))
        else:
            letters.append(draw(st.sampled_from([tr_lower(ch), tr_upper(ch)])))
    text = "".join(letters)
    if field == "budget" and draw(st.booleans()):
        text += draw(st.sampled_from([" (TL)", "(TL)", " (₺)", " (EUR)"]))
    return draw(st.sampled_from(LEADING)) + text + draw(st.sampled_from(TRAILING)), field


@given(typed_label(SPELLINGS))
def test_any_typing_of_a_label_matches(case: tuple[str, str]) -> None:
    text, field = case
    match = VOCAB.match_label(text)
    assert match is not None and match.field == field and match.inline_value is None


VALUE = st.from_regex(r"[A-Za-zÇĞİÖŞÜçğıöşü0-9][A-Za-zÇĞİÖŞÜçğıöşü0-9 .,%:()'-]{0,40}", fullmatch=True)


@given(typed_label(STRONG_SPELLINGS), st.sampled_from([": ", " : ", ":", " – ", " - "]), VALUE)
def test_any_typing_of_a_label_with_an_inline_value_matches(
    case: tuple[str, str], separator: str, value: str
) -> None:
    text, field = case
    head = text.rstrip(" :–—-*\u00a0")
    match = VOCAB.match_label(head + separator + value)
    assert match is not None and match.field == field
    assert match.inline_value == value.strip()


# --------------------------------------------------------------------------- overrides
def _write(tmp_path: Path, text: str | bytes, name: str = "extra.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_override_adds_a_spelling(tmp_path: Path) -> None:
    extra = _write(tmp_path, '[fields.completed]\nen = ["EXPECTED OUTCOME"]\ntr = ["HEDEFLENEN ÇIKTI"]\n')
    assert VOCAB.match_label("Expected Outcome") is None
    vocab = load_vocabulary((extra,))
    assert vocab.match_label("Expected Outcome: 20 gardens") == LabelMatch("completed", "en", None, "20 gardens")
    assert vocab.match_label("HEDEFLENEN ÇIKTI").field == "completed"  # type: ignore[union-attr]
    assert vocab.match_label("hedeflenen çıktı").language == "tr"  # type: ignore[union-attr]
    assert VOCAB.match_label("Expected Outcome") is None  # the shipped vocabulary is untouched


def test_override_remaps_a_spelling_to_another_field(tmp_path: Path) -> None:
    # A city whose form uses "PROJECT SUMMARY" for what was done, not for the description.
    extra = _write(tmp_path, '[fields.completed]\nen = ["PROJECT SUMMARY"]\n')
    assert VOCAB.match_label("PROJECT SUMMARY").field == "brief_info"  # type: ignore[union-attr]
    vocab = load_vocabulary((extra,))
    assert vocab.match_label("Project Summary:") == LabelMatch("completed", "en", None, None)
    assert vocab.match_label("BRIEF INFORMATION").field == "brief_info"  # type: ignore[union-attr]


def test_override_makes_a_standalone_word_inline_and_removes_a_spelling(tmp_path: Path) -> None:
    extra = _write(
        tmp_path,
        '[fields.completed]\nen = ["RESULTS"]\n\n[not_labels]\nspellings = ["SUMMARY", "Start"]\n',
    )
    vocab = load_vocabulary((extra,))
    assert vocab.match_label("Results: 42 interviews") == LabelMatch("completed", "en", None, "42 interviews")
    assert vocab.match_label("Summary") is None and vocab.match_label("START") is None
    assert vocab.match_label("START DATE") is not None


def test_not_labels_blocks_one_typing_and_a_later_file_can_restore_it(tmp_path: Path) -> None:
    block = _write(tmp_path, '[not_labels]\nspellings = ["BUTCE", "SÜRE"]\n', "block.toml")
    vocab = load_vocabulary((block,))
    assert vocab.match_label("Butce: 5 bin TL") is None  # the ASCII typing only
    assert vocab.match_label("Bütçe: 5 bin TL").field == "budget"  # type: ignore[union-attr]
    assert vocab.match_label("Süre: 6 ay") is None and vocab.match_label("SURE") is None
    restore = _write(tmp_path, '[fields.duration]\ntr = ["SÜRE"]\n', "restore.toml")
    assert load_vocabulary((block, restore)).match_label("Süre: 6 ay").field == "duration"  # type: ignore[union-attr]


def test_later_files_win(tmp_path: Path) -> None:
    first = _write(tmp_path, '[fields.completed]\nen = ["OUTCOME"]\n', "a.toml")
    second = _write(tmp_path, '[fields.objective]\nen = ["OUTCOME"]\n', "b.toml")
    assert load_vocabulary((first, second)).match_label("Outcome").field == "objective"  # type: ignore[union-attr]
    assert load_vocabulary((second, first)).match_label("Outcome").field == "completed"  # type: ignore[union-attr]


def test_override_adds_a_title_pattern_and_a_currency(tmp_path: Path) -> None:
    extra = _write(
        tmp_path,
        "[label_currencies]\nGBP = \"GBP\"\n\"£\" = \"GBP\"\n\n"
        "[[titles]]\nlanguage = \"tr\"\npattern = 'Sakin\\s+Şehir\\s+Metropol\\s+Listesi\\s*:\\s*(?P<checklist>.+)'\n",
    )
    vocab = load_vocabulary((extra,))
    assert vocab.match_title("SAKİN ŞEHİR METROPOL LİSTESİ: Hareketlilik") == ("Hareketlilik", "tr")
    assert vocab.match_title("Cittaslow Metropolis Checklist: Mobility") == ("Mobility", "en")
    assert vocab.match_label("Budget (£)").currency == "GBP"  # type: ignore[union-attr]


# (file content, line the error must name, words the message must contain)
BAD_FILES = [
    ('[fields.objective]\nen = ["AIM"\n', 2, "Unclosed array"),
    ("a = 1\nb = \n", 2, "Invalid value"),
    ('[fields.objective]\nen = "OBJECTIVE"\n', 2, "must be a list of strings"),
    ('# comment\n\n[fields.objectiv]\nen = ["GOAL"]\n', 3, "unknown field 'objectiv'"),
    ('[fields.budget]\nen = ["COST"]\nfr = ["COÛT"]\n', 3, "unknown key 'fr'"),
    ('[fields.budget]\nen = [\n  "TOTAL",\n  "Budget: total",\n]\n', 4, "can never match"),
    ('[fields.budget]\nen = ["Budget."]\n', 2, "can never match"),
    ('[fields.budget]\nen = [""]\n', 2, "empty spelling"),
    ('[fields.budget]\nen = ["OUTLAY"]\n\n[fields.end]\nen = ["Outlay"]\n', 5, "listed under both budget and end"),
    ('[fields.objective]\nstandalone = ["AIM"]\n', 2, "must be a table"),
    ('[fields.objective.standalone]\nde = ["ZIEL"]\n', 2, "unknown key 'de'"),
    ('[label_currencies]\nLIRA = "lira"\n', 2, "three-letter currency code"),
    ("[[titles]]\nlanguage = \"en\"\npattern = 'x(?P<checklist>.+)'\n\n[[titles]]\nlanguage = \"de\"\n"
     "pattern = 'y(?P<checklist>.+)'\n", 6, "title language"),
    ("[[titles]]\nlanguage = \"en\"\npattern = 'Checklist: (.+)'\n", 3, "(?P<checklist>"),
    ("[[titles]]\nlanguage = \"en\"\npattern = '(unclosed'\n", 3, "bad title pattern"),
    ('[[titles]]\nlang = "en"\n', 1, "[[titles]]"),
    ('[colors]\nred = 1\n', 1, "unknown section [colors]"),
    ('[not_labels]\nwords = ["X"]\n', 1, "[not_labels]"),
    (b'[fields.budget]\nen = ["OUTLAY"]\n' + b'tr = ["B\xdcT\xc7E"]\n', 3, "not UTF-8"),
]


@pytest.mark.parametrize(("content", "line", "words"), BAD_FILES)
def test_bad_labels_file_is_a_usage_error_naming_file_and_line(
    tmp_path: Path, content: str | bytes, line: int, words: str
) -> None:
    extra = _write(tmp_path, content)
    with pytest.raises(ConfigError) as error:
        load_vocabulary((extra,))
    message = str(error.value)
    assert message.startswith(f"{extra}:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_missing_labels_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read labels file"):
        load_vocabulary((tmp_path / "nope.toml",))
