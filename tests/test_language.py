"""Language per document (title, then labels), documents in neither known form, and the two
samples written for this issue end to end (Turkish and English checklist areas)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from cittaslow_extract.models import RawDocument
from cittaslow_extract.pipeline import RunConfig, process_document
from cittaslow_extract.read.text_reader import blocks_from_text
from cittaslow_extract.structure.segmenter import segment
from cittaslow_extract.structure.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NO_MENTIONS = RunConfig(mentions=False)


def seg(text: str):
    return segment(RawDocument(Path("inline.txt"), "txt", blocks_from_text(dedent(text))), VOCAB)


EN_BODY = "Criterion\n\n01\n\nSub\n\nProject\n\nOBJECTIVE\nGrow\n\nSTART DATE\n2021\n"
TR_BODY = "Kriter\n\n01\n\nAlt kriter\n\nProje\n\nAmaç\nBüyümek\n\nBaşlangıç Tarihi\nMart 2022\n"

# (name, text, language, checklist)
LANGUAGE_CASES = [
    ("en_title", "Cittaslow Metropolis Checklist: Mobility\n\n" + EN_BODY, "en", "Mobility"),
    ("tr_title", "Cittaslow Metropol Kontrol Listesi: Yönetişim\n\n" + TR_BODY, "tr", "Yönetişim"),
    ("tr_title_upper", "CITTASLOW METROPOL KONTROL LİSTESİ: HERKES İÇİN GIDA\n\n" + TR_BODY, "tr",
     "HERKES İÇİN GIDA"),
    ("en_labels_no_title", EN_BODY, "en", None),
    ("tr_labels_no_title", TR_BODY, "tr", None),
    ("tr_ascii_labels_no_title", "Proje\n\nAMAC\nBuyumek\n\nBASLANGIC TARIHI\nMart 2022\n\nBUTCE\n5 bin TL\n",
     "tr", None),
    ("tr_inline_labels_no_title", "Proje\n\nAmaç: Büyümek\nBütçe (TL): 1.250.000\n", "tr", None),
    ("mostly_tr_labels", "Proje\n\nAMAÇ\nx\n\nBUDGET (TL)\n5\n\nPROJE SÜRESİ\n6 ay\n\nBİTİŞ TARİHİ\n2022\n", "tr",
     None),
]


@pytest.mark.parametrize(("name", "text", "language", "checklist"), LANGUAGE_CASES,
                         ids=[c[0] for c in LANGUAGE_CASES])
def test_language_and_checklist(name: str, text: str, language: str, checklist: str | None) -> None:
    result = seg(text)
    assert (result.language, result.checklist) == (language, checklist)
    assert len(result.projects) == 1
    assert ("no_checklist_title" in result.warnings) == (checklist is None)


def test_labels_outweigh_a_title_in_the_other_language() -> None:
    result = seg("Cittaslow Metropolis Checklist: Governance\n\n" + TR_BODY)
    assert result.language == "tr"


# Documents in neither known form: no title, no labels.
NEITHER_FORM = {
    "prose": "Annual report of the municipality\n\nThe council met twelve times in 2023.\n"
    "Most decisions concerned public transport and parks.\n",
    "turkish_prose": "Faaliyet Raporu\n\nBelediye meclisi 2023 yılında on iki kez toplandı.\n",
    "one_line": "Hello\n",
    "numbers_only": "01\n\n02\n\n2019\n",
    "near_miss_labels": "Objectives and targets\n\nThe budget was increased.\n\nResults: many\n",
}


@pytest.mark.parametrize("name", sorted(NEITHER_FORM))
def test_document_in_neither_form_segments_to_nothing(name: str) -> None:
    result = seg(NEITHER_FORM[name])
    assert result.projects == []
    assert result.checklist is None
    assert result.warnings[:1] == ["no_checklist_title"] and "no_projects" in result.warnings


@pytest.mark.parametrize("name", sorted(NEITHER_FORM))
def test_document_in_neither_form_processes_without_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(NEITHER_FORM[name], encoding="utf-8")
    result = process_document(path, NO_MENTIONS)
    assert result.document.status == "ok" and result.document.error is None
    assert result.document.project_count == 0 and result.projects == []
    warnings = result.document.warnings.split(";")
    assert "no_checklist_title" in warnings and "no_projects" in warnings


def test_title_without_labels_keeps_the_checklist_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "title_only.txt"
    path.write_text("Cittaslow Metropol Kontrol Listesi: Hareketlilik\n\nHenüz proje yok.\n", encoding="utf-8")
    result = process_document(path, NO_MENTIONS)
    assert result.document.status == "ok" and result.document.language == "tr"
    assert result.document.warnings == "no_projects" and result.projects == []


# --------------------------------------------------------------------------- samples
# (title, column, expected value) in samples/yonetisim-tr.txt
TURKISH_SAMPLE = [
    ("Etik Kurul ve İhbar Hattı", "criterion_no", 1),
    ("Etik Kurul ve İhbar Hattı", "subcriterion", "Yolsuzluğa, ayrımcılığa ve tacize karşı mekanizmaların geliştirilmesi"),
    ("Etik Kurul ve İhbar Hattı", "objective",
     "Belediye çalışanları ve kent sakinleri için güvenli bir ihbar ve başvuru kanalı oluşturmak"),
    ("Etik Kurul ve İhbar Hattı", "budget_amount", Decimal("1250000.50")),
    ("Etik Kurul ve İhbar Hattı", "budget_currency", "TRY"),
    ("Etik Kurul ve İhbar Hattı", "budget_approximate", False),
    ("Etik Kurul ve İhbar Hattı", "duration_months", Decimal("18")),
    ("Etik Kurul ve İhbar Hattı", "start_date", "2021-04"),  # NİSAN 2021
    ("Etik Kurul ve İhbar Hattı", "end_date", "2022-09"),  # under "BİTİŞ TARIHI", dotless I
    ("Etik Kurul ve İhbar Hattı", "completed", "312 başvuru incelendi, 48 yöneticiye etik eğitimi verildi."),
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "budget_amount", Decimal("2500000")),
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "budget_approximate", True),
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "recurrence", "annual"),  # her yıl tekrarlanır
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "start_date", "2022-03"),
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "end_date", None),
    ("Katılımcı Bütçe: Mahalle Öncelikleri Oylaması", "ongoing", True),  # Devam ediyor
    ("Meclis Toplantılarının Canlı Yayını", "duration_text", "Sürekli"),  # under "Süre"
    ("Meclis Toplantılarının Canlı Yayını", "completed",
     "2023 yılında 24 oturum yayımlandı, kayıtlar 61 bin kez izlendi."),  # under "GERÇEKLEŞEN"
    ("Gezici Kütüphane Otobüsü", "criterion_no", 2),
    ("Gezici Kütüphane Otobüsü", "budget_amount", Decimal("850000")),  # all labels in lower case
    ("Gezici Kütüphane Otobüsü", "start_date", "2023-09"),
    ("Gezici Kütüphane Otobüsü", "ongoing", True),
    ("Çocuklar İçin Müzik Atölyeleri", "objective", None),  # every label, no value
    ("Çocuklar İçin Müzik Atölyeleri", "budget_amount", None),
    ("Köy Tiyatroları Buluşması", "brief_info",
     "Ağustos ayında düzenlenen buluşmada köy tiyatroları kendi oyunlarını sahneler.\n"
     "Oyunlar köy meydanlarında, ücretsiz olarak oynanır.\n"
     "Belediye ekipleri ses ve ışık düzenini kurar, topluluklara kostüm ve dekor desteği verir."),
    ("Köy Tiyatroları Buluşması", "budget_amount", Decimal("450000")),
    ("Köy Tiyatroları Buluşması", "duration_months", Decimal("6")),
    ("Köy Tiyatroları Buluşması", "start_date", "2023-03"),  # under "BASLANGIC TARIHI"
    ("Evde Bakım ve Şefkat Ekibi", "subcriterion", "Sağlık hizmetlerinin kamu hizmeti olarak sunulması"),
    ("Evde Bakım ve Şefkat Ekibi", "brief_info", "Ekipler temizlik, kişisel bakım ve psikososyal destek hizmeti verir."),
    ("Evde Bakım ve Şefkat Ekibi", "budget_amount", Decimal("3400000")),  # "Bütçe (TL): 3.400.000"
    ("Evde Bakım ve Şefkat Ekibi", "budget_currency", "TRY"),
    ("Evde Bakım ve Şefkat Ekibi", "end_date", "2024-12"),
    ("Gençlik Meclisi Öneri Günleri", "criterion_no", 3),
    ("Gençlik Meclisi Öneri Günleri", "end_date", "2024-02"),  # Şubat 2024
]

# (title, column, expected value) in samples/urban-resilience-en.txt: title-case labels inline with a colon
ENGLISH_SAMPLE = [
    ("Rain Gardens in School Yards", "brief_info",
     "Twelve asphalt school yards were unsealed and planted with native species.\n"
     "Each garden collects the runoff of the school roof and lets it soak into the ground.\n"
     "Teachers use the gardens for outdoor science lessons."),
    ("Rain Gardens in School Yards", "budget_amount", Decimal("2400000")),
    ("Rain Gardens in School Yards", "start_date", "2021-03"),
    ("Rain Gardens in School Yards", "duration_months", Decimal("24")),
    ("Shaded Walking Routes", "budget_approximate", True),
    ("Shaded Walking Routes", "ongoing", True),
    ("Neighbourhood Disaster Volunteers", "completed",
     "64 teams with 1,150 volunteers were trained.\nThe teams took part in the city-wide drill in November 2023."),
    ("Neighbourhood Disaster Volunteers", "recurrence", "annual"),
    ("Seismic Screening of Public Buildings", "budget_amount", Decimal("750000")),
    ("Emergency Water Points", "budget_amount", Decimal("3200000")),
    ("Solar Roofs for Health Centres", "budget_currency", "EUR"),  # "Budget (EUR): 120.000"
    ("Solar Roofs for Health Centres", "budget_amount", Decimal("120000")),
]


@pytest.fixture(scope="module")
def turkish_sample():
    return process_document(SAMPLES / "yonetisim-tr.txt", NO_MENTIONS)


@pytest.fixture(scope="module")
def english_sample():
    return process_document(SAMPLES / "urban-resilience-en.txt", NO_MENTIONS)


def _by_title(result) -> dict:
    return {p.title: p for p in result.projects}


def test_turkish_sample_document(turkish_sample) -> None:
    document = turkish_sample.document
    assert (document.status, document.language, document.warnings) == ("ok", "tr", "")
    assert (document.project_count, document.criterion_count) == (8, 3)
    assert {p.checklist for p in turkish_sample.projects} == {"Yönetişim"}
    assert {p.language for p in turkish_sample.projects} == {"tr"}
    assert [p.title for p in turkish_sample.projects] == [
        "Etik Kurul ve İhbar Hattı",
        "Katılımcı Bütçe: Mahalle Öncelikleri Oylaması",
        "Meclis Toplantılarının Canlı Yayını",
        "Gezici Kütüphane Otobüsü",
        "Çocuklar İçin Müzik Atölyeleri",
        "Köy Tiyatroları Buluşması",
        "Evde Bakım ve Şefkat Ekibi",
        "Gençlik Meclisi Öneri Günleri",
    ]
    assert all(p.warnings == "" for p in turkish_sample.projects)


@pytest.mark.parametrize(("title", "column", "expected"), TURKISH_SAMPLE)
def test_turkish_sample_values(turkish_sample, title: str, column: str, expected: object) -> None:
    assert getattr(_by_title(turkish_sample)[title], column) == expected


def test_english_sample_document(english_sample) -> None:
    document = english_sample.document
    assert (document.status, document.language, document.warnings) == ("ok", "en", "")
    assert (document.project_count, document.criterion_count) == (6, 2)
    assert {p.checklist for p in english_sample.projects} == {"Urban Resilience"}
    assert all(p.warnings == "" for p in english_sample.projects)


@pytest.mark.parametrize(("title", "column", "expected"), ENGLISH_SAMPLE)
def test_english_sample_values(english_sample, title: str, column: str, expected: object) -> None:
    assert getattr(_by_title(english_sample)[title], column) == expected
