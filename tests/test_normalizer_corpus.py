"""bench/data/normalizer_corpus.tsv is well formed and bench/eval_normalizers.py runs over it.

The agreement figures are for reading (the script prints them); the rules are held by the
normaliser tests.  This only checks that every row can be evaluated and says where it comes from.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "eval_normalizers.py"


def _script():
    spec = importlib.util.spec_from_file_location("eval_normalizers", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_row_has_a_class_an_expectation_and_an_origin() -> None:
    module = _script()
    rows = module._rows(module.CORPUS)
    assert len(rows) >= 300
    for row in rows:
        assert row["class"] in module.RUNNERS, row
        assert row["language"] in ("en", "tr"), row
        assert row["input"] and row["origin"].strip(), row
        keys = module._expected(row["expected"])
        assert keys and all(value for value in keys.values()), row
    assert {r["language"] for r in rows if r["class"] == "money"} == {"en", "tr"}
    assert {r["language"] for r in rows if r["class"] == "date"} == {"en", "tr"}
    assert {r["language"] for r in rows if r["class"] == "duration"} == {"en", "tr"}


def test_the_script_runs_and_prints_every_class(capsys) -> None:
    assert _script().main(["--quiet"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n{name} " in out for name in ("money", "date", "duration"))
