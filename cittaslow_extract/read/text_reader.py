"""Plain-text reader: one block per non-empty line, blank lines recorded as gap_before.

Encodings: a BOM decides first (UTF-8, UTF-16, UTF-32); then strict UTF-8; then charset-normalizer
among the encodings Turkish submissions actually use.  Windows-1254 and ISO-8859-9 differ only in
0x80–0x9F (curly quotes, dashes, Š…), so the legacy pair is decided by whether those bytes occur.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from cittaslow_extract.errors import CorruptFile, EmptyFile
from cittaslow_extract.models import Block, RawDocument

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Candidate legacy encodings, most likely first for Turkish documents.  UTF-16 without a BOM is
# recognised by its zero bytes (_looks_like_utf16), never guessed: on short texts the guesser
# would read cp1254 bytes as UTF-16 ("040Ç" → "㐰윰").
_LEGACY_CANDIDATES = ("cp1254", "iso8859_9", "cp1252")
_TURKISH_LETTERS = set("çğıöşüÇĞİÖŞÜ")
_TURKISH_ONLY_BYTES = frozenset(b"\xd0\xdd\xde\xf0\xfd\xfe")  # Ğ İ Ş ğ ı ş in cp1254 / ISO-8859-9


def detect_encoding(data: bytes) -> str:
    """Name of the encoding of `data` (a Python codec name).

    >>> detect_encoding("Bütçe".encode("utf-8"))
    'utf-8'
    >>> detect_encoding(codecs.BOM_UTF8 + b"x")
    'utf-8-sig'
    >>> detect_encoding("Başlangıç tarihi: Mart 2022, bütçe yaklaşık".encode("cp1254"))
    'iso8859_9'
    >>> detect_encoding("“Başlangıç” – bütçe".encode("cp1254"))
    'cp1254'
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_like_utf16(data):
        return "utf_16_le" if data[1::2].count(0) > data[0::2].count(0) else "utf_16_be"
    # ğ Ğ ş Ş ı İ: bytes where the Turkish code pages differ from Windows-1252 (which has Icelandic
    # letters there): proof enough, and the guesser is unreliable on a few bytes ("ÇŞ" → "ÇÞ").
    guess = "cp1254" if not _TURKISH_ONLY_BYTES.isdisjoint(data) else _charset_normalizer_guess(data)
    if guess in ("cp1254", "iso8859_9") or guess is None:
        # The two Turkish code pages agree on every letter; only C1 bytes tell them apart.
        return "cp1254" if any(0x80 <= b <= 0x9F for b in data) else "iso8859_9"
    return guess


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 4


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # lazy: only legacy files need it

    best_name, best_score = None, -1.0
    for match in from_bytes(data, cp_isolation=list(_LEGACY_CANDIDATES)):
        text = str(match)
        # Prefer the decoding that yields Turkish letters and little chaos.
        score = sum(ch in _TURKISH_LETTERS for ch in text) / max(len(text), 1) - match.chaos
        if score > best_score:
            best_name, best_score = match.encoding, score
    return best_name


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) with line ends unified to \\n."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "cp1254"
        text = data.decode(encoding, errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def blocks_from_text(text: str) -> list[Block]:
    """One block per non-empty line; a run of blank lines sets gap_before on the next block."""
    blocks: list[Block] = []
    gap = False
    for line in text.split("\n"):
        folded = " ".join(line.replace("\u00a0", " ").split())
        if not folded:
            gap = True
            continue
        blocks.append(Block(text=folded, gap_before=gap or not blocks))
        gap = False
    return blocks


def read(path: Path, options: object = None) -> RawDocument:
    """Reader contract (see read/reader.py); text needs no options."""
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFile(path, "the file is empty")
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise CorruptFile(path, "binary content in a text file (NUL bytes)")
    blocks = blocks_from_text(text)
    if not blocks:
        raise EmptyFile(path, "the file holds only whitespace")
    return RawDocument(path=path, source_format="txt", blocks=blocks, encoding=encoding)
