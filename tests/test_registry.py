"""The reader registry: every format's reader exists behind the Reader contract, and a reader's
library is imported only when a file of its format is read."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import import_module

import pytest

from cittaslow_extract.read.reader import Reader
from cittaslow_extract.read.registry import READERS


@pytest.mark.parametrize("key", sorted(READERS))
def test_every_registered_reader_exists_and_takes_path_and_options(key: str) -> None:
    reader: Reader = READERS[key]  # (that a LazyReader is a Reader, mypy checks in registry.reader_for)
    function = getattr(import_module(READERS[key].module), READERS[key].function)
    assert list(inspect.signature(function).parameters)[:2] == ["path", "options"]
    assert reader.archive == (key in ("docx", "odt", "xlsx", "ods"))  # the ZIP packages


def test_the_registry_imports_no_reader_library() -> None:
    code = ("import sys, cittaslow_extract.read.registry, cittaslow_extract.config; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pdfplumber', 'pypdfium2', 'docx', 'lxml', 'PIL'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
