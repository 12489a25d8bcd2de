"""Every warning code the pipeline writes is listed in warning_codes.py and in the README."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from cittaslow_extract.batch.discovery import discover_inputs
from cittaslow_extract.batch.run import process_files
from cittaslow_extract.pipeline import RunConfig
from cittaslow_extract.warning_codes import WARNING_CODES, is_known

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds"
# String literals in the value normalisers shaped like their codes.
CODE_SHAPED = re.compile(r"^(money|date|duration)_[a-z_]+$")


def test_readme_table_is_generated_from_the_registry():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from update_readme import render
    finally:
        sys.path.pop(0)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python scripts/update_readme.py"
    for code in WARNING_CODES:
        assert f"`{code}`" in readme


def test_code_shaped_literals_in_the_source_are_registered():
    unknown = set()
    for path in (ROOT / "cittaslow_extract" / "normalize").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_SHAPED.match(node.value):
                if not is_known(node.value) and not node.value.endswith("_"):
                    unknown.add(f"{path.name}: {node.value}")
    assert not unknown


# A submission written to trip the segmenter's and the normalisers' warnings.
TROUBLED = """\
Cittaslow Metropolis Checklist: Community

Crit

01

OBJECTIVE
No title above this label

Second project

BUDGET (TL)
1.500 million or so

START DATE
31.02.2021

END DATE
2019

PROJECT DURATION
6-8 months
"""


def test_codes_written_on_samples_and_seed_are_registered(tmp_path):
    (tmp_path / "troubled.txt").write_text(TROUBLED, encoding="utf-8")
    (tmp_path / "letter.txt").write_text("Dear colleagues,\n\nPlease find our notes.\n", encoding="utf-8")
    inputs = [ROOT / "samples", tmp_path] + ([SEED] if SEED.exists() else [])
    results = process_files(discover_inputs(inputs), RunConfig(mentions=False))
    written = {
        code
        for result in results
        for cell in [result.document.warnings, *(p.warnings for p in result.projects)]
        for code in cell.split(";")
        if code
    }
    assert {"missing_title", "no_checklist_title", "no_projects", "start_date_impossible"} <= written
    assert sorted(code for code in written if not is_known(code)) == []


@pytest.mark.parametrize("code", sorted(WARNING_CODES))
def test_codes_are_lower_snake_case(code):
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code)
