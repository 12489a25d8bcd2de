"""Input selection: files in a real submission folder that are not submissions (Office lock files,
photos, spreadsheet annexes, hidden files) are listed as `skipped` with the reason and do not fail
the run; --include/--exclude; --dry-run lists what would be read.

Lock files and hidden files are known by their names.  A photo and a spreadsheet may be
submissions (a scan, a one-row-per-project form), so they are read: a photo in which OCR finds no
text, and a workbook with no checklist form in it, are then `skipped` by their content; with
`--ocr never` images are skipped by their names."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest

from cittaslow_extract.cli import EXIT_OK, main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
def _photo() -> bytes:
    """A photo: a JPEG of shapes and shades, with no text in it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (150, 180, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200, 440, 300), fill=(90, 120, 60))
    draw.ellipse((300, 40, 380, 120), fill=(240, 220, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _annex() -> bytes:
    """A budget annex: a workbook of figures, no checklist form (no project-title or criterion column)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Item", "Quantity", "Unit price (TL)", "Total (TL)"])
    sheet.append(["Barriers", 40, 350, 14000])
    sheet.append(["Games", 12, 900, 10800])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NOT_SUBMISSIONS = {  # name → (bytes, start of the reason)
    "site-photo.jpg": (_photo(), "an image without text"),
    "~$izmir-2023.docx": (b"\x05owner" + bytes(150), "an Office lock file"),
    "budget-annex.xlsx": (_annex(), "a spreadsheet that is no checklist form"),
    "._community-en.txt": (b"\x00\x05\x16\x07" + bytes(60), "a hidden file"),
}
SKIPPED_BY_NAME = ("~$izmir-2023.docx", "._community-en.txt")


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


@pytest.mark.e2e  # a whole run
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
    for name, (_data, reason) in NOT_SUBMISSIONS.items():
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
    # by name, only the hidden file (the lock file is .docx, excluded); the photo and the annex are
    # read, their content decides
    assert sum(line.startswith("skip  ") for line in lines) == 1
    assert f"read  {folder.as_posix()}/site-photo.jpg" in lines
    assert f"read  {folder.as_posix()}/budget-annex.xlsx" in lines
    assert stderr.strip() == "3 files would be read, 1 skipped"


def test_with_ocr_off_images_are_skipped_by_their_names(folder):
    code, stdout, _ = run([str(folder), "--dry-run", "--ocr", "never"])
    assert code == EXIT_OK
    assert any(line.startswith(f"skip  {folder.as_posix()}/site-photo.jpg  (an image") for line in stdout.splitlines())


def test_include_reads_only_matching_files(folder, tmp_path):
    code, _, _ = run([str(folder), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions", "--include", "*.txt"])
    assert code == EXIT_OK
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as handle:
        names = [Path(r["source_path"]).name for r in csv.DictReader(handle)]
    assert names == ["._community-en.txt", "community-en.txt"]


def test_a_file_named_on_the_command_line_is_always_read(folder, tmp_path):
    broken = folder / "notes.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300))  # JPEG bytes, no image in them
    code, _, _ = run([str(broken), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1  # read by content: a broken image is a failure


def test_a_lock_file_named_by_a_shell_glob_is_skipped_too(folder, tmp_path):
    named = sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".docx"))  # what `folder/*.docx` gives
    code, stdout, _ = run([*named, "--dry-run"])
    assert code == EXIT_OK
    assert f"skip  {folder.as_posix()}/~$izmir-2023.docx  ({NOT_SUBMISSIONS['~$izmir-2023.docx'][1]}" in stdout
    assert f"read  {folder.as_posix()}/._community-en.txt" in stdout  # a hidden file named explicitly is read
