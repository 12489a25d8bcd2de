"""`cittaslow-extract explain FILE`: every paragraph with its role, runner-up, margin and evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cittaslow_extract.cli import EXIT_OK, EXIT_USAGE, main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SPACED = SAMPLES / "layouts" / "community-en.spaced.pdf"


def test_text_report_gives_every_paragraph_its_role(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SAMPLES / "community-en.txt")]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "{}: 9 projects, 4 criteria, checklist 'Community', language en".format(SAMPLES / "community-en.txt")
    rows = [line.split() for line in out[2:]]
    # index, page, role, margin, runner-up, evidence, text…
    assert [r[2] for r in rows[:7]] == ["doc_title", "crit_title", "crit_no", "sub", "title", "label:objective", "value"]
    assert rows[2][-1] == "01"
    assert rows[2][3] != "-" and float(rows[2][3]) > 1.0  # a criterion number is a sure reading


def test_json_report_has_costs_and_agrees_with_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SPACED), "--format", "json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert (report["projects"], report["criteria"], report["checklist"]) == (9, 4, "Community")
    units = report["units"]
    titles = [u["text"] for u in units if u["role"] == "title"]
    assert titles[:3] == ["Neighbourhood Volunteers Network", "Shared Tool Library", "Courtyard Concerts"]
    first_value = next(u for u in units if u["role"] == "value")
    # no role is cheaper for the unit on its own, the runner-up reading is named, with its margin
    assert first_value["runner_up"] == "title" and first_value["margin"] > 1.0
    assert first_value["costs"]["value"] == min(first_value["costs"].values())
    assert first_value["costs"]["title"] > first_value["costs"]["value"]
    labels = [u for u in units if u["role"] == "label"]
    assert labels[0]["field"] == "objective" and labels[0]["margin"] is None  # only a label can be a label
    assert all(u["page"] == 1 for u in units[:5])


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(tmp_path / "nope.pdf")]) == EXIT_USAGE
    assert "nope.pdf: no such file" in capsys.readouterr().err


def test_unreadable_file_is_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n% truncated")
    assert main(["explain", str(broken)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{broken}: ")
