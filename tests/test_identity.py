"""Submission identity: unique ids even for byte-identical files (duplicate_of marks the copies),
city and year from a --manifest (which wins) or read from the document (municipality phrases, the
title, the running header or footer), projects carrying the city."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest
from render_helper import SAMPLES, pdf_fonts, seed_text

from cittaslow_extract.cli import EXIT_OK, main
from cittaslow_extract.config import RunConfig
from cittaslow_extract.pipeline import process_document
from cittaslow_extract.read.registry import read_document
from cittaslow_extract.structure.identity import find_city, find_year

CITY_CASES = [  # (texts, head, city)
    (["İzmir Metropolitan Municipality carries out 80%", "İzmir Metropolitan Municipality Village Theaters"], [], "İzmir"),
    (["Proje İZMİR BÜYÜKŞEHİR BELEDİYESİ tarafından", "Bursa Büyükşehir Belediyesi ile ortak"], [], "İzmir"),
    (["ankara büyükşehir belediyesi"], [], "Ankara"),  # lower case: a province still counts
    (["with the Metropolitan Municipality"], [], None),  # no name before the phrase
    (["Budget: the city pays"], ["Cittaslow Metropolis Checklist: Community", "Eskisehir | 2023"], "Eskişehir"),
    (["Projects in Bursa and Konya"], ["Checklist: Community"], None),  # the body's places are not the city
]


@pytest.mark.parametrize("texts, head, city", CITY_CASES)
def test_find_city(texts, head, city):
    assert find_city(texts, head) == city


YEAR_CASES = [
    (["Cittaslow Metropolis Checklist 2023"], 2023),
    (["Kontrol Listesi", "İzmir Büyükşehir Belediyesi - 2021/2022"], 2022),
    (["Checklist: Community", "Page 2 of 12"], None),
    (["Ref. 120230"], None),  # inside a longer number
]


@pytest.mark.parametrize("head, year", YEAR_CASES)
def test_find_year(head, year):
    assert find_year(head) == year


def run(argv: list[str]) -> int:
    with contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


@pytest.mark.e2e  # a whole run
def test_identical_files_and_a_manifest_give_unique_ids_duplicates_and_the_manifests_city(tmp_path):
    folder = tmp_path / "in"
    (folder / "2023").mkdir(parents=True)
    names = ["community-en.txt", "yonetisim-tr.styled.docx", "urban-resilience-en.word.pdf"]
    for sample in sorted(SAMPLES.iterdir()):  # every sample document
        if sample.suffix in (".txt", ".pdf", ".docx"):
            (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "2023" / "community-copy.txt").write_bytes((SAMPLES / names[0]).read_bytes())  # two copies
    (folder / "zz-community-again.txt").write_bytes((SAMPLES / names[0]).read_bytes())
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "path;city;year;region;contact\n"
        "in/community-en.txt;Seferihisar;2023;Aegean;a@example.org\n"
        f"{folder / 'yonetisim-tr.styled.docx'};İzmir;2022;Aegean;\n",
        encoding="utf-8-sig",
    )
    out = tmp_path / "out"
    assert run([str(folder), "--out", str(out), "--manifest", str(manifest), "--quiet", "--format", "all"]) == EXIT_OK
    documents = pd.read_parquet(out / "documents.parquet").set_index("source_path")
    projects = pd.read_parquet(out / "projects.parquet")
    mentions = pd.read_parquet(out / "mentions.parquet")
    assert documents["document_id"].is_unique and projects["project_id"].is_unique
    first = documents.loc[f"{folder}/2023/community-copy.txt"]  # first in input order
    for copy in ("community-en.txt", "zz-community-again.txt"):
        assert documents.loc[f"{folder}/{copy}", "duplicate_of"] == first["document_id"]
        assert documents.loc[f"{folder}/{copy}", "sha256"] == first["sha256"]
    assert pd.isna(first["duplicate_of"]) and first["document_id"] == first["sha256"][:16]
    assert documents["duplicate_of"].notna().sum() == 2
    # every mention joins exactly one project
    assert mentions["project_id"].isin(projects["project_id"]).all()
    assert len(mentions.merge(projects[["project_id"]], on="project_id")) == len(mentions)
    assert documents.loc[f"{folder}/community-en.txt", ["city", "submission_year", "region", "contact"]].tolist() == [
        "Seferihisar", 2023, "Aegean", "a@example.org"
    ]
    docx = documents.loc[f"{folder}/yonetisim-tr.styled.docx"]
    assert (docx["city"], docx["submission_year"], docx["region"]) == ("İzmir", 2022, "Aegean")
    assert pd.isna(docx["contact"])
    by_document = projects.groupby("document_id")["city"].first()
    assert by_document[documents.loc[f"{folder}/community-en.txt", "document_id"]] == "Seferihisar"
    assert list(documents.columns[-2:]) == ["region", "contact"]  # after the fixed columns
    csv_header = (out / "documents.csv").read_text(encoding="utf-8").splitlines()[0]
    assert csv_header.endswith(",reused,city,submission_year,duplicate_of,ocr_pages,ocr_confidence,region,contact")


def test_a_manifest_without_a_path_column_is_a_usage_error(tmp_path, capsys):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file name,city\nx.txt,Bursa\n", encoding="utf-8")
    code = main([str(SAMPLES / "community-en.txt"), "--out", str(tmp_path / "out"), "--manifest", str(manifest)])
    assert code == 2
    assert capsys.readouterr().err.strip() == f"error: --manifest {manifest}: no path column (one of: path, file, source_path)"


def test_the_users_submission_names_its_city():
    seed_text()
    from render_helper import SEED

    document = process_document(SEED, RunConfig(mentions=False))
    assert (document.document.city, document.document.submission_year) == ("İzmir", None)
    assert {p.city for p in document.projects} == {"İzmir"}


def test_the_samples_name_no_city():
    for sample in sorted(SAMPLES.glob("*.txt")):
        assert process_document(sample, RunConfig(mentions=False)).document.city is None, sample


def test_city_and_year_from_a_pdf_running_footer(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    regular, _ = pdf_fonts()
    pdfmetrics.registerFont(TTFont("Body", str(regular)))
    path = tmp_path / "footer.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    lines = (SAMPLES / "community-en.txt").read_text(encoding="utf-8").splitlines()
    y, page = 780, 1
    for line in lines:
        pdf.setFont("Body", 10)
        pdf.drawString(50, y, line[:100])
        y -= 14
        if y < 80:
            pdf.setFont("Body", 8)
            pdf.drawString(50, 30, f"Eskişehir · Cittaslow Metropolis 2024 · {page}")
            pdf.showPage()
            y, page = 780, page + 1
    pdf.setFont("Body", 8)
    pdf.drawString(50, 30, f"Eskişehir · Cittaslow Metropolis 2024 · {page}")
    pdf.showPage()
    pdf.save()
    raw = read_document(path)
    assert any("Eskişehir" in text for text in raw.running_text)
    assert not any("Eskişehir" in block.text for block in raw.blocks)  # still not content
    result = process_document(path, RunConfig(mentions=False))
    assert (result.document.city, result.document.submission_year) == ("Eskişehir", 2024)


def test_city_and_year_from_a_docx_header(tmp_path):
    import docx

    document = docx.Document(str(SAMPLES / "community-en.styled.docx"))
    document.sections[0].header.is_linked_to_previous = False
    document.sections[0].header.paragraphs[0].text = "KONYA BÜYÜKŞEHİR BELEDİYESİ — 2023"
    path = tmp_path / "header.docx"
    document.save(str(path))
    raw = read_document(path)
    assert raw.running_text[0] == "KONYA BÜYÜKŞEHİR BELEDİYESİ — 2023"  # the sample has a footer too
    result = process_document(path, RunConfig(mentions=False))
    assert (result.document.city, result.document.submission_year) == ("Konya", 2023)


def test_manifest_rows_naming_no_input_file_are_noted(tmp_path, capsys):
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,city\nnot-there.txt,Bursa\n", encoding="utf-8")
    sample = SAMPLES / "community-en.txt"
    assert main([str(sample), "--out", str(tmp_path / "out"), "--manifest", str(manifest), "--no-mentions"]) == EXIT_OK
    assert f"note: 1 rows of {manifest} name no input file" in capsys.readouterr().err.splitlines()


@pytest.mark.e2e  # a whole run
def test_without_a_manifest_the_city_comes_from_the_documents_that_name_one(tmp_path):
    import docx
    from render_helper import SEED

    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted(SAMPLES.iterdir()):
        if sample.suffix in (".txt", ".pdf", ".docx"):
            (folder / sample.name).write_bytes(sample.read_bytes())
    named = docx.Document(str(SAMPLES / "yonetisim-tr.styled.docx"))
    named.sections[0].header.is_linked_to_previous = False
    named.sections[0].header.paragraphs[0].text = "Konya Büyükşehir Belediyesi · 2023"
    named.save(str(folder / "konya.docx"))
    expected = {"konya.docx": ("Konya", 2023)}
    if SEED.exists():
        (folder / "izmir.txt").write_bytes(SEED.read_bytes())
        expected["izmir.txt"] = ("İzmir", None)
    out = tmp_path / "out"
    assert run([str(folder), "--out", str(out), "--quiet", "--no-mentions"]) == EXIT_OK
    documents = pd.read_parquet(out / "documents.parquet")
    found = {
        Path(row.source_path).name: (row.city, None if pd.isna(row.submission_year) else int(row.submission_year))
        for row in documents.itertuples()
        if pd.notna(row.city)
    }
    assert found == expected  # and no sample (none names a city) gets one
    projects = pd.read_parquet(out / "projects.parquet")
    konya = documents.loc[documents["source_path"].str.endswith("konya.docx"), "document_id"].item()
    assert set(projects.loc[projects["document_id"] == konya, "city"]) == {"Konya"}
