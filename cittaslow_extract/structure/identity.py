"""A submission's identity: which city (municipality) it comes from and its year, and what makes
every row's id unique in a run.

Read from the document (read_identity), in this order of trust:
1. the "X Metropolitan Municipality" / "X Büyükşehir Belediyesi" phrases anywhere in the text, the
   city named most often winning (the submitting municipality names itself throughout);
2. a province of Türkiye (data/provinces.toml) named in the title lines or the running header or
   footer (RawDocument.running_text), which is where a submission names its city when it does.
The submission year is a year (2000-2099) in the title lines or the running header or footer (the
latest one), never one of the projects' dates in the body.  A --manifest (manifest.py) wins over
both: Identity carries its values to the worker, which applies them with apply_identity.

Ids: document_id is the first 16 hex digits of the file's SHA-256.  A byte-identical copy later in
the batch (input order) gets a path-qualified id instead — the first 16 hex digits of the SHA-256 of
"<sha256>:<source_path>" — so that every document_id, and so every project_id, is unique in a run
whatever the copies, and its duplicate_of names the first copy's document_id.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import DocumentResult, RawDocument
from cittaslow_extract.normalize.turkish import ascii_key

_HEAD_BLOCKS = 3  # the title lines: a checklist's first paragraphs
_WORD = r"[A-ZÇĞİÖŞÜÂÎÛa-zçğıöşüâîû]+"
_MUNICIPALITY = re.compile(
    rf"""
    (?P<name>{_WORD})                            # the city: the word before the phrase
    \s+
    (?:metropolitan\s+municipality               # English
      |b[uü]y[uü]k[sş]ehir\s+belediye            # Turkish: Büyükşehir Belediyesi / Belediye Başkanlığı
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")  # a submission year: 2000-2099, not inside a longer number
_STOP_WORDS = frozenset({"the", "a", "an", "our", "this", "of", "and", "by", "bu", "ve", "ile"})


@lru_cache(maxsize=1)
def provinces() -> dict[str, str]:
    """ASCII-folded key → the province's official spelling (aliases included)."""
    data = load_data("provinces.toml")
    names = {ascii_key(name): name for name in data["provinces"]}
    for name, aliases in data.get("aliases", {}).items():
        names.update({ascii_key(alias): name for alias in aliases})
    return names


def city_name(text: str) -> str:
    """A city as the tables write it: a province in its official spelling, else as written.

    >>> city_name("IZMIR"), city_name("izmir"), city_name("Reggio")
    ('İzmir', 'İzmir', 'Reggio')
    """
    return provinces().get(ascii_key(text), text)


def read_identity(raw: RawDocument) -> tuple[str | None, int | None]:
    """(city, submission year) named by the document, each None when it names none."""
    texts = [block.text for block in raw.blocks]
    head = [*texts[:_HEAD_BLOCKS], *raw.running_text]
    return find_city(texts, head), find_year(head)


def find_city(texts: Iterable[str], head: Iterable[str]) -> str | None:
    """The city of the municipality phrases (most often named), else a province in `head`.

    >>> find_city(["Our work with İzmir Metropolitan Municipality", "İZMİR BÜYÜKŞEHİR BELEDİYESİ"], [])
    'İzmir'
    >>> find_city(["the Metropolitan Municipality"], ["Cittaslow Metropolis Checklist", "Seferihisar - Izmir"])
    'İzmir'
    >>> find_city(["no city here"], ["Checklist 2023"]) is None
    True
    """
    named: Counter[str] = Counter()
    for text in texts:
        for match in _MUNICIPALITY.finditer(text):
            word = match["name"]
            if word.lower() in _STOP_WORDS or not (word[0].isupper() or ascii_key(word) in provinces()):
                continue
            named[city_name(word)] += 1
    if named:
        return named.most_common(1)[0][0]  # ties: the first named (Counter keeps insertion order)
    for text in head:
        for word in re.findall(_WORD, text):
            if word[0].isupper() and ascii_key(word) in provinces():
                return city_name(word)
    return None


def find_year(head: Iterable[str]) -> int | None:
    """The latest year 2000-2099 in the title lines and running text.

    >>> find_year(["Cittaslow Metropolis Checklist 2023", "İzmir, 2022-2023 | Page 3"])
    2023
    >>> find_year(["Checklist: Community"]) is None
    True
    """
    years = [int(year) for text in head for year in _YEAR.findall(text)]
    return max(years) if years else None


@dataclass(frozen=True, slots=True)
class Identity:
    """What the batch decides about a document beyond its content (picklable: sent to workers)."""

    document_id: str | None = None  # a byte-identical copy's own, path-qualified id
    duplicate_of: str | None = None
    city: str | None = None  # from --manifest: wins over the document's own
    submission_year: int | None = None  # from --manifest
    manifest_columns: tuple[tuple[str, str | None], ...] = ()

    @property
    def empty(self) -> bool:
        return self == Identity()


def copy_id(sha256: str, source_path: str) -> str:
    """The document_id of a byte-identical copy: unique per path.

    >>> copy_id("ab" * 32, "a.txt") != copy_id("ab" * 32, "b.txt")
    True
    """
    return hashlib.sha256(f"{sha256}:{source_path}".encode()).hexdigest()[:16]


def apply_identity(result: DocumentResult, identity: Identity | None) -> DocumentResult:
    """Give the result's rows its identity (in place; applying it twice changes nothing more)."""
    if identity is None:
        return result
    document = result.document
    if identity.document_id is not None:  # every row, even when the documents row has it already
        new_id = identity.document_id
        document.document_id = new_id
        renamed = {}
        for project in result.projects:
            old = project.project_id
            project.document_id, project.project_id = new_id, f"{new_id}-{project.project_no:03d}"
            renamed[old] = project.project_id
        for criterion in result.criteria:
            criterion.document_id = new_id
        for mention in result.mentions:
            mention.project_id = renamed.get(mention.project_id, mention.project_id)
    document.duplicate_of = identity.duplicate_of
    if identity.city is not None:
        document.city = identity.city
    if identity.submission_year is not None:
        document.submission_year = identity.submission_year
    document.manifest_columns = identity.manifest_columns
    for project in result.projects:
        project.city = document.city
    return result
