"""The package's shape as the README's Architecture section describes it: every folder and top-level
module named in its tree, every import going down the layers it lists, no module over 400 lines
without a written reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "cittaslow_extract"
MAX_LINES = 400
SIZE_REASON = "Longer than 400 lines because"


def architecture_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Architecture\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else len(readme)]


def tree_names() -> set[str]:
    """The names the tree block lists: `read/`, `models.py`, …"""
    block = architecture_section().split("```")[1]
    return set(re.findall(r"[├└]── (\S+)", block))


def layers() -> dict[str, int]:
    """unit → its layer number (1 is the top) from the numbered list of the section."""
    found: dict[str, int] = {}
    for number, line in re.findall(r"^(\d+)\. (`.*)$", architecture_section(), re.MULTILINE):
        for unit in re.findall(r"`(\w+)`", line):
            found[unit] = int(number)
    return found


def unit_of(path: Path) -> str:
    """The folder or top-level module a file belongs to; the package's __init__ goes with api."""
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) > 1:
        return relative.parts[0]
    return "api" if relative.name == "__init__.py" else relative.stem


def package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in `path`, at any depth (lazy imports count),
    except those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path.relative_to(REPO)}:{node.lineno}: relative import; the package imports absolutely")
    return sorted((line, name) for line, name in found if name.split(".")[0] == "cittaslow_extract")


def imported_unit(module: str) -> str:
    parts = module.split(".")
    return "api" if len(parts) == 1 else parts[1]


def test_tree_names_every_folder_and_top_level_module():
    listed = tree_names()
    on_disk = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    on_disk |= {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert on_disk - listed == set(), "add these to the README's Architecture tree"
    assert listed - on_disk == set(), "the README's Architecture tree names what no longer exists"


def test_every_unit_has_a_layer():
    units = {unit_of(path) for path in package_files()} | {"models", "errors"}
    assert units - set(layers()) == set(), "place these in the README's list of layers"
    assert set(layers()) - units == set(), "the README's layers name what no longer exists"


def test_imports_go_down_the_layers():
    layer = layers()
    upward = []
    for path in package_files():
        own = unit_of(path)
        for line, module in runtime_imports(path):
            if module == "cittaslow_extract":
                continue  # __version__: the package itself is loaded before any of its modules anyway
            target = imported_unit(module)
            if target != own and layer[target] <= layer[own]:
                upward.append(f"{path.relative_to(REPO)}:{line}: {own} (layer {layer[own]}) imports "
                              f"{module} (layer {layer[target]})")
    assert upward == []


def test_the_layer_check_sees_lazy_imports_and_skips_type_only_ones(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from cittaslow_extract.cli.options import X\n"
        "def f():\n    from cittaslow_extract.batch.run import run_batch\n"
        "import cittaslow_extract.models\n"
    )
    assert runtime_imports(module) == [(5, "cittaslow_extract.batch.run"), (6, "cittaslow_extract.models")]


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_size(path):
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    if lines > MAX_LINES:
        docstring = ast.get_docstring(ast.parse(text)) or ""
        assert SIZE_REASON in docstring, (
            f"{path.relative_to(REPO)} has {lines} lines: split it by concern, or write at its top "
            f"why not ({SIZE_REASON} …)"
        )


def test_readme_names_the_modules_that_say_why_they_are_long():
    long = {
        str(p.relative_to(PACKAGE)) for p in package_files()
        if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    paragraph = next(par for par in architecture_section().split("\n\n") if SIZE_REASON in par)
    assert set(re.findall(r"`(\w+/\w+\.py)`", paragraph)) == long
