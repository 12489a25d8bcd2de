"""Text reader: encodings (UTF-8 with or without BOM, UTF-16, Windows-1254, ISO-8859-9), line ends,
and the block contract the segmenter relies on (one block per line, gap_before after blank lines)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.read.text_reader import blocks_from_text, decode_text, detect_encoding, read

TURKISH = (
    "Cittaslow Metropol Kontrol Listesi: Yönetişim\n"
    "\n"
    "Şeffaf ve katılımcı belediye yönetimi\n"
    "\n"
    "AMAÇ\n"
    "İzmir'de ılıman iklim, ağaçlandırma ve gölgeli yürüyüş yolları\n"
    "\n"
    "BÜTÇE (TL)\n"
    "Yaklaşık 1.250.000 TL\n"
)
# with curly quotes and a dash: bytes 0x80-0x9F, which only Windows-1254 uses
TURKISH_C1 = TURKISH.replace("ılıman iklim", "“ılıman” iklim – ")

# (name, bytes, expected encoding): every way a Turkish submission reaches us
ENCODED_CASES = [
    ("utf-8", TURKISH.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", codecs.BOM_UTF8 + TURKISH.encode("utf-8"), "utf-8-sig"),
    ("utf-16 LE with BOM", TURKISH.encode("utf-16"), "utf-16"),
    ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + TURKISH.encode("utf-16-be"), "utf-16"),
    ("utf-16 LE without BOM", TURKISH.encode("utf-16-le"), "utf_16_le"),
    ("windows-1254", TURKISH_C1.encode("cp1254"), "cp1254"),
    ("iso-8859-9", TURKISH.encode("iso8859_9"), "iso8859_9"),
]


@pytest.mark.parametrize(("name", "data", "encoding"), ENCODED_CASES, ids=[c[0] for c in ENCODED_CASES])
def test_encoding_detected_and_decoded(name: str, data: bytes, encoding: str) -> None:
    text, detected = decode_text(data)
    assert detected == encoding
    expected = TURKISH_C1 if name == "windows-1254" else TURKISH
    assert text == expected


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1254", "utf-16"])
def test_line_ends_and_encodings_give_the_same_blocks(tmp_path: Path, line_end: str, encoding: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(TURKISH_C1.replace("\n", line_end).encode(encoding))
    document = read(path)
    assert [(b.text, b.gap_before) for b in document.blocks] == [
        ("Cittaslow Metropol Kontrol Listesi: Yönetişim", True),
        ("Şeffaf ve katılımcı belediye yönetimi", True),
        ("AMAÇ", True),
        ("İzmir'de “ılıman” iklim – , ağaçlandırma ve gölgeli yürüyüş yolları", False),
        ("BÜTÇE (TL)", True),
        ("Yaklaşık 1.250.000 TL", False),
    ]
    assert document.encoding == {"utf-8": "utf-8", "cp1254": "cp1254", "utf-16": "utf-16"}[encoding]
    assert document.source_format == "txt"


def test_blocks_fold_whitespace_and_mark_gaps() -> None:
    blocks = blocks_from_text("  Title \n\n\n OBJECTIVE\nGrow\u00a0 food\t here\n   \nEND")
    assert [(b.text, b.gap_before) for b in blocks] == [
        ("Title", True),
        ("OBJECTIVE", True),
        ("Grow food here", False),
        ("END", True),
    ]


def test_detect_encoding_prefers_utf8() -> None:
    assert detect_encoding("Bütçe".encode()) == "utf-8"
    assert detect_encoding(b"plain ascii") == "utf-8"


@pytest.mark.parametrize(
    ("data", "error"),
    [(b"", EmptyFile), (b"  \n\t \r\n", EmptyFile), (b"abc\x00def", CorruptFile)],
    ids=["empty", "whitespace only", "NUL bytes"],
)
def test_unreadable_text_files(tmp_path: Path, data: bytes, error: type[Exception]) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        read(path)
    assert "\n" not in caught.value.reason


_line = st.text(
    alphabet=st.sampled_from(list("abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ0123456789 .,:()-")),
    max_size=40,
)


@settings(max_examples=60, deadline=None, database=None)
@given(lines=st.lists(_line, min_size=1, max_size=12))
def test_turkish_text_round_trips_through_every_encoding(lines: list[str]) -> None:
    """Property: whatever the encoding and line ends, the blocks are those of the UTF-8 text."""
    text = "\n".join(lines)
    expected = [(b.text, b.gap_before) for b in blocks_from_text(text)]
    for encoding, line_end in (("utf-8-sig", "\r\n"), ("utf-16", "\n"), ("cp1254", "\r\n"), ("iso8859_9", "\r")):
        decoded, _ = decode_text(text.replace("\n", line_end).encode(encoding))
        assert [(b.text, b.gap_before) for b in blocks_from_text(decoded)] == expected


# Bugs found by the property above, kept as plain cases.
BUGS_CAUGHT = [
    ("short cp1254 text guessed as UTF-16", "040Ç".encode("cp1254"), "040Ç"),
    ("cp1254 Turkish capitals only", "ĞÜŞİÖÇ".encode("cp1254"), "ĞÜŞİÖÇ"),
    ("two cp1254 letters guessed as Windows-1252 (Þ)", "ÇŞ".encode("cp1254"), "ÇŞ"),
    ("ISO-8859-9 dotless ı guessed as ý", "ılık".encode("iso8859_9"), "ılık"),
]


@pytest.mark.parametrize(("name", "data", "text"), BUGS_CAUGHT, ids=[c[0] for c in BUGS_CAUGHT])
def test_bugs_caught(name: str, data: bytes, text: str) -> None:
    assert decode_text(data)[0] == text
