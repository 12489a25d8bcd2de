"""The one loader for TOML data: the package's own files (data/*.toml, read from the installed
package) and the files a user passes (--labels, --gazetteer), whose mistakes must name the file and
line.

Callers keep what they compile from a document (regexes, lookup tables) in their own cache; this
module parses, it does not cache, so no caller can change another's data.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import ConfigError

# tomllib ends its messages with "(at line N, column M)"
_TOML_POSITION = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_TOML_KEY_LINE = re.compile(r"""^(?P<key>[\w\-."' ]+?)\s*=""")  # bare, quoted or dotted key


def data_text(name: str) -> str:
    """The text of a data file shipped with the package (`name` as in data/, e.g. "labels.toml")."""
    return resources.files("cittaslow_extract").joinpath("data", name).read_text(encoding="utf-8")


def load_data(name: str) -> dict[str, Any]:
    """A TOML data file shipped with the package, parsed.

    >>> sorted(load_data("months.toml"))[:2]
    ['months', 'ongoing']
    """
    return tomllib.loads(data_text(name))


def parse_toml(text: str, origin: str, what: str) -> dict[str, Any]:
    """Parse TOML from a user's file; a mistake is a ConfigError naming origin:line and the reason.

    >>> parse_toml("a = 1", "x.toml", "labels file")
    {'a': 1}
    >>> parse_toml("a = 1\\nb = = 2", "x.toml", "labels file")
    Traceback (most recent call last):
    ...
    cittaslow_extract.errors.ConfigError: x.toml:2: invalid TOML in labels file: Invalid value (column 5)
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            raise ConfigError(
                f"{origin}:{position['line']}: invalid TOML in {what}: {message[: position.start()]}"
                f" (column {position['column']})"
            ) from None
        line = max(1, len(text.splitlines()))  # "at end of document": an unclosed array or string
        raise ConfigError(f"{origin}:{line}: invalid TOML in {what}: {message}") from None


def read_user_toml(path: Path, what: str) -> tuple[dict[str, Any], str]:
    """Read and parse a user's TOML file (UTF-8, a BOM allowed): (document, source text)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: {what} is not UTF-8 text") from None
    return parse_toml(text, str(path), what), text


def toml_line(text: str, where: tuple[str | int, ...], needle: str | None = None) -> int | None:
    """Line number (1-based) where a key path is written in TOML source, or its nearest parent;
    with a needle, the line of that quoted string within the key's (multi-line) value: for messages
    about an entry that parsed but means nothing ("unknown field", "can never match").

    >>> toml_line('[fields]\\nbudget.en = [\\n  "Budget",\\n  "Cost",\\n]\\n', ("fields", "budget", "en"), "Cost")
    4
    """
    line = _key_line(text, where)
    if line is None or needle is None:
        return line
    lines = text.splitlines()
    for number in range(line, len(lines) + 1):
        current = lines[number - 1].strip()
        next_entry = current.startswith("[") and "=" not in current or _TOML_KEY_LINE.match(current)
        if number > line and next_entry:
            break  # the needle was not written plainly (escapes): stay on the key's line
        if f'"{needle}"' in current or f"'{needle}'" in current:
            return number
    return line


def _key_line(text: str, where: tuple[str | int, ...]) -> int | None:
    def norm(part: str | int) -> str:
        return re.sub(r"[\s\"']", "", str(part))

    for depth in range(len(where), 0, -1):
        target = ".".join(norm(p) for p in where[:depth])
        header = ""
        table_counts: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("[["):
                name = norm(stripped.split("]]", 1)[0][2:])
                index = table_counts.get(name, 0)
                table_counts[name] = index + 1
                header = full = f"{name}.{index}"
            elif stripped.startswith("["):
                header = full = norm(stripped.split("]", 1)[0][1:])
            elif key := _TOML_KEY_LINE.match(stripped):
                full = f"{header}.{norm(key['key'])}".lstrip(".")
            else:
                continue
            if full == target or full.startswith(target + "."):
                return number
    return None
