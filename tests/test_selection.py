"""Input selection: files in a real submission folder that are not submissions (Office lock files,
photos, spreadsheet annexes, hidden files) are listed as `skipped` with the reason and do not fail
the run; --include/--exclude; --dry-run lists what would be read."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest

from cittaslow_extract.pipeline import EXIT_OK, main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300)
XLSX_ANNEX = b"PK\x03\x04" + bytes(100)  # a spreadsheet's bytes do not matter: it is never opened
NOT_SUBMISSIONS = {  # name → (bytes, start of the reason)
    "site-photo.jpg": (JPEG, "an image"),
    "~$izmir-2023.docx": (b"\x05owner" + bytes(150), "an Office lock file"),
    "budget-annex.xlsx": (XLSX_ANNEX, "a spreadsheet"),
    "._community-en.txt": (b"\x00\x05\x16\x07" + bytes(60), "a hidden file"),
}


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def folder(tmp_path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("community-en.txt", "yonetisim-tr.styled.docx"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    for name, (data, _) in NOT_SUBMISSIONS.items():
        (folder / name).write_bytes(data)
    return folder


def test_a_real_folder_with_a_photo_a_lock_file_and_an_annex_exits_0(folder, tmp_path):
    code, _, stderr = run([str(folder), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions"])
    assert code == EXIT_OK, stderr
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = {Path(r["source_path"]).name: r for r in csv.DictReader(handle)}
    assert {name: r["status"] for name, r in rows.items()} == {
        "community-en.txt": "ok",
        "yonetisim-tr.styled.docx": "ok",
        **dict.fromkeys(NOT_SUBMISSIONS, "skipped"),
    }
    for name, (data, reason) in NOT_SUBMISSIONS.items():
        assert rows[name]["error"].startswith(reason), name
        assert rows[name]["project_count"] == "0"
    assert rows["site-photo.jpg"]["document_id"]  # hashed like any file: ids stay unique


def test_dry_run_lists_what_would_be_read_and_writes_nothing(folder, tmp_path):
    code, stdout, stderr = run([str(folder), "--dry-run", "--exclude", "*.docx"])
    assert code == EXIT_OK
    lines = stdout.splitlines()
    assert lines[0] == f"skip  {folder.as_posix()}/._community-en.txt  (a hidden file (e.g. a macOS ._ resource fork), not a document)"
    assert f"read  {folder.as_posix()}/community-en.txt" in lines
    assert not any("yonetisim" in line for line in lines)  # --exclude: not listed at all
    assert sum(line.startswith("skip  ") for line in lines) == len(NOT_SUBMISSIONS) - 1  # the lock file is .docx
    assert stderr.strip() == f"1 files would be read, {len(NOT_SUBMISSIONS) - 1} skipped"


def test_include_reads_only_matching_files(folder, tmp_path):
    code, _, _ = run([str(folder), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions", "--include", "*.txt"])
    assert code == EXIT_OK
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as handle:
        names = [Path(r["source_path"]).name for r in csv.DictReader(handle)]
    assert names == ["._community-en.txt", "community-en.txt"]


def test_a_file_named_on_the_command_line_is_always_read(folder, tmp_path):
    photo = folder / "site-photo.jpg"
    code, _, _ = run([str(photo), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1  # read by content: an image is an unsupported format, a failure


def test_a_lock_file_named_by_a_shell_glob_is_skipped_too(folder, tmp_path):
    named = sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".docx"))  # what `folder/*.docx` gives
    code, stdout, _ = run([*named, "--dry-run"])
    assert code == EXIT_OK
    assert f"skip  {folder.as_posix()}/~$izmir-2023.docx  ({NOT_SUBMISSIONS['~$izmir-2023.docx'][1]}" in stdout
    assert f"read  {folder.as_posix()}/._community-en.txt" in stdout  # a hidden file named explicitly is read
