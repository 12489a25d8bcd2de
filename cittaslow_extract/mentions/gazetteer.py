"""The gazetteer of PLACE mentions: data/gazetteer_izmir.toml, plus the files of --gazetteer.

A file is a list of [[places]] tables (kind, names, and optional aliases and parent); each spelling
is kept by its ASCII-folded key, so "Çiğli", "ÇİĞLİ" and "Cigli" are one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cittaslow_extract.datafiles import data_text, parse_toml, read_user_toml
from cittaslow_extract.errors import ConfigError
from cittaslow_extract.normalize.turkish import ascii_key

__all__ = ["Place", "load_gazetteer"]


@dataclass(frozen=True, slots=True)
class Place:
    """A place of the gazetteer: its spelling there and its kind."""

    name: str  # the gazetteer spelling: "Çiğli"
    kind: str  # district | neighbourhood | province | …


_GAZETTEER_KEYS = {"places"}
_PLACE_KEYS = {"kind", "names", "parent", "aliases"}


def _line_of_table(raw: str, index: int) -> int:
    """The line of the index-th [[places]] header in a TOML text (1-based), for error messages."""
    lines = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip().startswith("[[places]]")]
    return lines[index] if index < len(lines) else 1


def _is_name(value: object) -> bool:
    return isinstance(value, str) and bool(ascii_key(value))


def _parse_gazetteer(raw: str, origin: str) -> dict[str, Place]:
    doc = parse_toml(raw, origin, "gazetteer file")
    unknown = set(doc) - _GAZETTEER_KEYS
    if unknown:
        name = sorted(unknown)[0]
        line = next((n for n, text in enumerate(raw.splitlines(), 1) if name in text), 1)
        raise ConfigError(f"{origin}:{line}: unknown gazetteer key {name!r} (expected [[places]] tables)")
    entries = doc.get("places", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}:1: 'places' must be an array of [[places]] tables")
    found: dict[str, Place] = {}
    for index, entry in enumerate(entries):
        where = f"{origin}:{_line_of_table(raw, index)}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: each [[places]] entry must be a table")
        extra = set(entry) - _PLACE_KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))} in [[places]]")
        kind, names = entry.get("kind"), entry.get("names")
        if not isinstance(kind, str) or not kind.strip():
            raise ConfigError(f"{where}: [[places]] needs a kind (e.g. kind = \"district\")")
        if not isinstance(names, list) or not names or not all(_is_name(n) for n in names):
            raise ConfigError(f"{where}: [[places]] needs names = a non-empty list of place names")
        aliases = entry.get("aliases", {})
        if not isinstance(aliases, dict) or not all(
            isinstance(v, list) and all(_is_name(a) for a in v) for v in aliases.values()
        ):
            raise ConfigError(f"{where}: aliases must map a name to a list of other spellings")
        for name in names:
            place = Place(" ".join(name.split()), kind.strip())
            for spelling in [name, *aliases.get(name, [])]:
                found[ascii_key(spelling)] = place
    return found


@lru_cache(maxsize=1)
def _shipped_gazetteer() -> dict[str, Place]:
    return _parse_gazetteer(data_text("gazetteer_izmir.toml"), "gazetteer_izmir.toml")


def load_gazetteer(extra_files: tuple[Path, ...] = ()) -> dict[str, Place]:
    """ascii_key(spelling) → Place: the shipped İzmir gazetteer, then each extra file on top.

    A file that cannot be read or has a bad entry raises ConfigError naming the file and line.

    >>> places = load_gazetteer()
    >>> places["cigli"], len({p.name for p in places.values() if p.kind == "district"})
    (Place(name='Çiğli', kind='district'), 30)
    """
    places = dict(_shipped_gazetteer())
    for path in extra_files:
        _, raw = read_user_toml(Path(path), "gazetteer file")
        places.update(_parse_gazetteer(raw, str(path)))
    return places
