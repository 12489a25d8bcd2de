"""The public Python API: cittaslow_extract.extract_folder / extract_document → Tables of pandas
DataFrames with the data dictionary's types; the command line is a thin layer over it."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cittaslow_extract
from cittaslow_extract.cli import main
from cittaslow_extract.errors import ConfigError
from cittaslow_extract.export.schema import TABLES, pandas_dtypes

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


def test_the_api_is_exported_from_the_package_without_importing_heavy_libraries():
    code = "import sys, cittaslow_extract as c; print(c.extract_folder.__module__, 'pandas' in sys.modules, 'spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.split() == ["cittaslow_extract.api", "False", "False"]
    assert set(cittaslow_extract.__all__) >= {"extract_folder", "extract_document", "Tables"}


def test_extract_folder_returns_typed_dataframes_equal_to_the_written_tables(tmp_path):
    tables = cittaslow_extract.extract_folder([SAMPLES], include=["*.txt", "*.docx"], out=tmp_path / "api")
    assert [len(tables[name]) > 0 for name in tables] == [True] * 4
    for name in tables:
        frame = tables[name]
        assert list(frame.columns) == [column for column, _ in TABLES[name]]
        for column, dtype in pandas_dtypes(name).items():
            assert str(frame[column].dtype) == dtype, (name, column)
        written = pd.read_parquet(tmp_path / "api" / f"{name}.parquet")
        pd.testing.assert_frame_equal(frame, written)
    with contextlib.redirect_stderr(io.StringIO()):
        assert main([str(SAMPLES), "--include", "*.txt", "--include", "*.docx", "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    for name in ("projects.csv", "mentions.parquet", "documents.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_extract_document_writes_nothing_and_keeps_manifest_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    manifest = tmp_path / "m.csv"
    sample = SAMPLES / "yonetisim-tr.txt"
    manifest.write_text(f"path,city,year,office\n{sample},İzmir,2023,Kent Konseyi\n", encoding="utf-8")
    tables = cittaslow_extract.extract_document(sample, manifest=manifest, mentions=False)
    assert list(tmp_path.iterdir()) == [manifest]
    document = tables.documents.iloc[0]
    assert (document["city"], document["submission_year"], document["office"]) == ("İzmir", 2023, "Kent Konseyi")
    assert set(tables.projects["city"]) == {"İzmir"}
    assert tables.mentions.empty and list(tables.mentions.columns) == [c for c, _ in TABLES["mentions"]]


def test_bad_options_raise_usage_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        cittaslow_extract.extract_document(SAMPLES / "community-en.txt", labels=[tmp_path / "missing.toml"])
    with pytest.raises(ConfigError, match="no submission files"):
        cittaslow_extract.extract_folder([tmp_path])


def test_the_readme_example_of_the_tables_is_what_the_samples_give():
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("What the tables look like"):].split("```")[1]
    shown = [line.split()[:2] for line in block.strip().splitlines()[1:]]  # project_id, criterion_no
    tables = cittaslow_extract.extract_folder([SAMPLES / "community-en.txt", SAMPLES / "yonetisim-tr.txt"], mentions=False)
    projects = tables.projects.set_index("project_id")
    for project_id, criterion_no in shown:
        assert re.fullmatch(r"[0-9a-f]{16}-\d{3}", project_id)
        assert int(projects.loc[project_id, "criterion_no"]) == int(criterion_no)
        row = block.splitlines()[[l.split()[:1] for l in block.splitlines()].index([project_id])]
        title = projects.loc[project_id, "title"]
        assert title in row or title[:24] in row, (project_id, title)
