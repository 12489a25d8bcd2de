"""RunConfig: what shapes a document's rows.  Its own light module so the command line and the
batch planner (hashing, cache look-ups) can build one without importing the readers and rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cittaslow_extract.read.registry import ReadOptions


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything that changes what a document produces.  Hashable: workers cache on it."""

    read_options: ReadOptions = field(default_factory=ReadOptions)
    label_files: tuple[Path, ...] = ()
    mentions: bool = True
    gazetteer_files: tuple[Path, ...] = ()
    spacy_model: str | None = None
    debug: bool = False


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
