#!/usr/bin/env python3
"""Regenerate the generated parts of README.md (the warning-code table) from the code."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cittaslow_extract.warning_codes import markdown_table  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- warning-codes:start -->\n).*?(<!-- warning-codes:end -->)", re.DOTALL)


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m[1] + markdown_table() + "\n" + m[2], text)


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
