"""Shared by the reader tests: scripts/make_samples.py as a module, and the seed and sample paths."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_b121f0e98322c50f.txt"
DOCX_LAYOUTS = ("styled.docx", "plain.docx", "table.docx")
PDF_LAYOUTS = ("word.pdf", "twocol.pdf")
LAYOUTS = DOCX_LAYOUTS + PDF_LAYOUTS


def script(name: str) -> ModuleType:
    """scripts/<name>.py, imported once (the scripts are run from a checkout, not installed)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return sys.modules[name]


def make_samples() -> ModuleType:
    """scripts/make_samples.py, imported once."""
    return script("make_samples")


def pdf_fonts() -> tuple[Path, Path]:
    """The TrueType fonts the PDF layouts need; skips the test when none is installed."""
    try:
        return make_samples().find_fonts()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("the user's sample submission (shared/seeds) is not present")
    return SEED.read_text(encoding="utf-8")


def sample_texts() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


def render(text: str, layout: str, folder: Path, stem: str = "doc") -> Path:
    """`text` rendered in `layout`, written to folder/<stem>.<layout>."""
    fonts = pdf_fonts() if layout.endswith(".pdf") else None
    path = folder / f"{stem}.{layout}"
    path.write_bytes(make_samples().render(text, layout, fonts))
    return path


def documents_rows(out: Path) -> dict[str, dict[str, str]]:
    """The documents table a run wrote to `out` (CSV), by file name."""
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        return {Path(row["source_path"]).name: row for row in csv.DictReader(handle)}


def run_without_tools(inputs: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, dict[str, str]]]:
    """Run the command over `inputs` in this process with an empty PATH (no tesseract, no soffice):
    (exit code, documents rows by file name).  --timeout 0 --max-memory 0 --workers 1 keep the
    documents in this process, which is the one that sees that PATH."""
    from cittaslow_extract.cli import main

    empty = out.parent / "empty-bin"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))
    code = main([str(inputs), "--out", str(out), "--format", "csv", "--workers", "1", "--timeout", "0",
                 "--max-memory", "0", "--no-mentions", "--quiet"])
    return code, documents_rows(out)
