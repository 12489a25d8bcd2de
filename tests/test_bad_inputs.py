"""Broken and hostile inputs: each gets a failed documents row with a one-line reason, the batch goes
on, the exit code is 1, and no traceback reaches the user.  Every bad file is built here."""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
from pathlib import Path

import pytest

from cittaslow_extract.cli import main
from cittaslow_extract.errors import CorruptFile, ResourceLimitExceeded, UnsafeFile
from cittaslow_extract.read.safety import ArchiveLimits, check_docx_archive

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SAMPLE_TEXT = (SAMPLES / "community-en.txt").read_text(encoding="utf-8")


# --- builders -------------------------------------------------------------------------------------


def make_pdf(path: Path, *, password: str | None = None, image_only: bool = False) -> Path:
    """The community sample as a one-column PDF (reportlab), optionally encrypted or without text."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    encrypt = StandardEncryption(password, canPrint=1) if password else None
    pdf = canvas.Canvas(str(path), encrypt=encrypt, invariant=1)
    y = 800
    for line in SAMPLE_TEXT.splitlines():
        if image_only:  # black bars where the lines would be: pixels, no text layer
            if line.strip():
                pdf.rect(50, y, 4 * len(line), 8, fill=1)
        else:
            pdf.drawString(50, y, line[:110])
        y -= 14
        if y < 60:
            pdf.showPage()
            y = 800
    pdf.showPage()
    pdf.save()
    return path


def make_truncated_pdf(path: Path) -> Path:
    make_pdf(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_docx_like(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def make_zip_bomb(path: Path, megabytes: int = 20) -> Path:
    """A DOCX whose document part inflates ~1000 times (megabytes of zeros, streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return path


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
PROSE = (
    "The history of the slow city movement begins in a small Italian town in 1999. Its founders "
    "wanted towns where people still live at a human pace, eat local food and know their neighbours. "
) * 8

# name → (builder, expected reason pattern).  Every one must be a failed row.
BAD_FILES: dict[str, tuple] = {
    "empty.txt": (lambda p: p.write_bytes(b""), r"^the file is empty$"),
    "truncated.pdf": (make_truncated_pdf, r"^corrupt or unreadable PDF"),
    "encrypted.pdf": (lambda p: make_pdf(p, password="s3cret"), r"^encrypted PDF: .*password"),
    "image-only.pdf": (lambda p: make_pdf(p, image_only=True), r"^no text layer"),
    "bomb.docx": (make_zip_bomb, r"^refused as a likely zip bomb: .*word/document\.xml"),
    "laughs.docx": (
        lambda p: make_docx_like(p, {"word/document.xml": BILLION_LAUGHS}),
        r"^refused as unsafe: .*word/document\.xml declares a DTD",
    ),
    "truncated.docx": (
        lambda p: p.write_bytes(make_docx_like(p, {"word/document.xml": b"<w:document/>" * 50}).read_bytes()[:120]),
        r"^corrupt or truncated DOCX",
    ),
    "workbook.docx": (
        lambda p: make_docx_like(p, {"xl/workbook.xml": b"<workbook/>"}),
        r"^corrupt or unreadable spreadsheet",
    ),
    "laughs.odt": (
        lambda p: make_docx_like(p, {"mimetype": b"application/vnd.oasis.opendocument.text",
                                     "content.xml": BILLION_LAUGHS}),
        r"^refused as unsafe: .*content\.xml declares a DTD",
    ),
    "truncated.odt": (
        lambda p: p.write_bytes(make_docx_like(p, {"mimetype": b"application/vnd.oasis.opendocument.text",
                                                   "content.xml": b"<office:document/>" * 50}).read_bytes()[:150]),
        r"^corrupt or truncated",
    ),
    # PNG bytes behind another name: read by its content, as an image, which these bytes are not
    "png-named.txt": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)), r"^(corrupt or unreadable image|OCR needs)"),
    "old.doc": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)),
        r"^unsupported format: a legacy Office \(OLE\) file that is not a Word document",
    ),
    "binary.txt": (lambda p: p.write_bytes(bytes(range(1, 32)) * 40), r"^unsupported format: binary content"),
}

# name → (builder, expected warnings): read by content, status ok, 0 projects, a warning.
NOT_CHECKLISTS: dict[str, tuple] = {
    "prose.txt": (lambda p: p.write_text(PROSE, encoding="utf-8"), {"no_projects"}),
    "notes.docx": (  # a text file named .docx: read as text, and the mismatch is flagged
        lambda p: p.write_text("Meeting notes\n\nWe talked about the budget.\n", encoding="utf-8"),
        {"no_projects", "format_mismatch"},
    ),
}


def copy_samples(folder: Path) -> Path:
    """Every sample document (text, PDF, DOCX) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for sample in sorted(SAMPLES.iterdir()):
        if sample.suffix in (".txt", ".pdf", ".docx"):
            (folder / sample.name).write_bytes(sample.read_bytes())
    return folder


def build_folder(folder: Path) -> Path:
    copy_samples(folder)
    for name, (builder, _) in {**BAD_FILES, **NOT_CHECKLISTS}.items():
        builder(folder / name)
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """One run over the samples plus every bad file; returns (exit code, stderr, out folder)."""
    root = tmp_path_factory.mktemp("mixed")
    folder = build_folder(root / "in")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    capture = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(capture):
        code = main([str(folder), "--out", str(root / "out"), "--workers", "2", "--timeout", "120"])
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert before == after, "inputs must never be modified"
    return code, capture.getvalue(), root / "out", folder


def test_mixed_folder_exit_code_is_1(mixed_run):
    code, _, _, _ = mixed_run
    assert code == 1


def test_no_traceback_reaches_the_user(mixed_run):
    _, stderr, _, _ = mixed_run
    assert "Traceback" not in stderr
    assert len([line for line in stderr.splitlines() if line.startswith("failed: ")]) == len(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_has_failed_row_with_reason(mixed_run, name):
    _, _, out, folder = mixed_run
    rows = {Path(r["source_path"]).name: r for r in read_csv(out / "documents.csv")}
    row = rows[name]
    assert row["status"] == "failed"
    assert re.search(BAD_FILES[name][1], row["error"]), row["error"]
    assert "\n" not in row["error"] and row["project_count"] == "0"
    if os.path.getsize(folder / name):
        assert len(row["sha256"]) == 64 and row["document_id"] == row["sha256"][:16]


@pytest.mark.parametrize("name", sorted(NOT_CHECKLISTS))
def test_not_a_checklist_is_ok_with_a_warning(mixed_run, name):
    _, _, out, _ = mixed_run
    rows = {Path(r["source_path"]).name: r for r in read_csv(out / "documents.csv")}
    row = rows[name]
    assert (row["status"], row["project_count"], row["error"]) == ("ok", "0", "")
    assert NOT_CHECKLISTS[name][1] <= set(row["warnings"].split(";"))


def test_every_good_file_has_its_projects(mixed_run, tmp_path):
    _, _, out, _ = mixed_run
    clean = tmp_path / "clean"
    assert main([str(copy_samples(tmp_path / "in")), "--out", str(clean), "--quiet", "--format", "csv"]) == 0
    expected = [(Path(r["source_path"]).name, r["project_id"], r["title"]) for r in read_csv(clean / "projects.csv")]
    mixed = [(Path(r["source_path"]).name, r["project_id"], r["title"]) for r in read_csv(out / "projects.csv")]
    assert expected and mixed == expected


def test_encrypted_pdf_reads_with_its_password(tmp_path):
    pdf = make_pdf(tmp_path / "locked.pdf", password="s3cret")
    out = tmp_path / "out"
    assert main([str(pdf), "--out", str(out), "--quiet", "--password", "s3cret", "--format", "csv"]) == 0
    (row,) = read_csv(out / "documents.csv")
    assert (row["status"], row["source_format"], row["project_count"]) == ("ok", "pdf", "9")


# Names a folder may hold: spaces, Turkish letters, a formula, a leading dash, a newline, and
# bytes that are not UTF-8.
ODD_NAMES = [
    "with spaces.txt",
    "Yönetişim İzmir ğüşıö.txt",
    "=HYPERLINK(x).txt",
    "-starts-with-dash.txt",
    "new\nline.txt",
    os.fsdecode(b"latin1-caf\xe9.txt"),
]


def test_odd_file_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ODD_NAMES:
        (folder / name).write_bytes((SAMPLES / "community-en.txt").read_bytes())
    out = tmp_path / "out"
    assert main([str(folder), "--out", str(out), "--quiet"]) == 0
    rows = read_csv(out / "documents.csv")
    names = sorted(Path(r["source_path"]).name for r in rows)
    assert names == sorted([n for n in ODD_NAMES if "\udce9" not in n] + ["latin1-caf\\xe9.txt"])
    assert {r["status"] for r in rows} == {"ok"} and {r["project_count"] for r in rows} == {"9"}
    import pandas as pd

    assert len(pd.read_parquet(out / "projects.parquet")) == 9 * len(ODD_NAMES)


def test_formula_name_given_directly_is_neutralised_in_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("=cmd.txt").write_bytes((SAMPLES / "community-en.txt").read_bytes())
    assert main(["=cmd.txt", "--out", "out", "--quiet"]) == 0
    assert read_csv(Path("out/documents.csv"))[0]["source_path"] == "'=cmd.txt"
    import pandas as pd

    assert pd.read_parquet("out/documents.parquet")["source_path"].tolist() == ["=cmd.txt"]
    assert main(["=cmd.txt", "--out", "raw", "--quiet", "--no-formula-escape"]) == 0
    assert read_csv(Path("raw/documents.csv"))[0]["source_path"] == "=cmd.txt"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would wait forever for a writer
    out = tmp_path / "out"
    code = main([str(fifo), str(SAMPLES / "community-en.txt"), "--out", str(out), "--quiet", "--incremental"])
    rows = read_csv(out / "documents.csv")
    assert code == 1
    assert [(r["status"], r["error"]) for r in rows] == [
        ("failed", "not a regular file (a device, pipe or socket)"),
        ("ok", ""),
    ]


# --- limits: time and memory per document ------------------------------------------------------


def big_checklist(path: Path, projects: int) -> Path:
    body = SAMPLE_TEXT.split("\n01\n", 1)[1]
    head = "Cittaslow Metropolis Checklist: Community\n\nStrong neighbourhood networks\n\n01\n"
    path.write_text(head + body * projects, encoding="utf-8")
    return path


def test_timeout_stops_a_document_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big_checklist(folder / "a-huge.txt", 3000)  # seconds of work, far past a 0.2 s limit
    (folder / "b-small.txt").write_bytes((SAMPLES / "community-en.txt").read_bytes())
    out = tmp_path / "out"
    code = main([str(folder), "--out", str(out), "--quiet", "--timeout", "0.2", "--workers", "1", "--no-mentions"])
    rows = read_csv(out / "documents.csv")
    assert code == 1
    assert rows[0]["status"] == "failed"
    assert rows[0]["error"] == "took longer than 0.2 s to read (--timeout); the reader was stopped"
    assert (rows[1]["status"], rows[1]["project_count"]) == ("ok", "9")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="memory limits need Linux")
def test_memory_limit_fails_the_document_not_the_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big_checklist(folder / "a-big.txt", 400)  # ~1 MB of text: decoding alone needs more than 1 MB
    (folder / "b-small.txt").write_bytes((SAMPLES / "community-en.txt").read_bytes()[:40])
    out = tmp_path / "out"
    code = main([str(folder), "--out", str(out), "--quiet", "--max-memory", "1", "--workers", "1", "--no-mentions"])
    rows = read_csv(out / "documents.csv")
    assert code == 1
    assert rows[0]["status"] == "failed" and "--max-memory" in rows[0]["error"]
    assert rows[1]["status"] == "ok"


# --- the archive checks on their own ----------------------------------------------------------


def test_declared_size_over_the_limit(tmp_path):
    bomb = make_docx_like(tmp_path / "big.docx", {"word/document.xml": b"<w:document/>" + b" " * 3_000_000})
    with pytest.raises(ResourceLimitExceeded, match=r"declares 2 MB uncompressed \(limit 1 MB\)"):
        check_docx_archive(bomb, ArchiveLimits(max_uncompressed_bytes=1 << 20))


def test_too_many_parts(tmp_path):
    many = make_docx_like(tmp_path / "many.docx", {f"word/media/{i}.xml": b"<x/>" for i in range(30)})
    with pytest.raises(ResourceLimitExceeded, match="holds 31 parts"):
        check_docx_archive(many, ArchiveLimits(max_entries=20))


def test_dtd_split_across_read_chunks_is_found(tmp_path):
    # the declaration straddles the 1 MiB chunk boundary of the streaming scan
    import random

    noise = random.Random(0).randbytes(1 << 19).hex().encode()  # incompressible: no ratio alarm
    padding = b"<w:document>" + noise[: (1 << 20) - 12 - 4]
    part = padding + b"<!DOCTYPE x><x/>"
    assert part.index(b"<!DOCTYPE") < (1 << 20) < part.index(b"<!DOCTYPE") + 9
    docx = make_docx_like(tmp_path / "split.docx", {"word/document.xml": part})
    with pytest.raises(UnsafeFile):
        check_docx_archive(docx)


def test_external_entity_in_another_part_is_refused(tmp_path):
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    docx = make_docx_like(tmp_path / "xxe.docx", {"word/document.xml": b"<w:document/>", "docProps/core.xml": xxe})
    with pytest.raises(UnsafeFile, match="docProps/core.xml"):
        check_docx_archive(docx)


def test_lying_zip_directory_is_caught(tmp_path):
    """Sizes in the ZIP directory say 100 bytes; the part really inflates to 5 MB."""
    docx = make_docx_like(tmp_path / "liar.docx", {"word/document.xml": b"<w:document/>" + b"a" * 5_000_000})
    data = bytearray(docx.read_bytes())
    with zipfile.ZipFile(docx) as archive:
        info = archive.getinfo("word/document.xml")
    # patch the uncompressed size in the local header (offset 22) and the central directory (24)
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    for offset in _central_entries(bytes(data)):
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, offset + 24, 100)
    docx.write_bytes(bytes(data))
    with pytest.raises(CorruptFile, match="corrupt or truncated DOCX"):
        check_docx_archive(docx)


def _central_entries(data: bytes) -> list[int]:
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) >= 0:
        offsets.append(found)
        start = found + 4
    return offsets


def test_a_real_docx_passes(tmp_path):
    docx_module = pytest.importorskip("docx")
    document = docx_module.Document()
    document.add_paragraph("Cittaslow Metropolis Checklist: Community")
    path = tmp_path / "real.docx"
    document.save(path)
    check_docx_archive(path)
