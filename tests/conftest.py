"""Test selection: `pytest` runs the fast subset (a developer's loop, well under 20 s);
`pytest --full` runs everything, as CI does; `pytest -m e2e` (or slow, dask) runs one kind.

Kinds of test (markers, declared in pyproject.toml):
- slow: OCR and LibreOffice conversions, seconds per test (also marked on the tests themselves);
- e2e: whole runs of the command line or of batches with worker processes, and whole-corpus
  comparisons (every sample in every layout);
- dask: the Dask engine (a local cluster per test).
A whole test module gets its kind here, so a new test in such a module needs no marker of its own.
Hypothesis tests ask for their example counts through examples.examples(n): n with --full, a fifth
in the fast subset.
"""

from __future__ import annotations

import os

import pytest

SLOW_MODULES = {"test_ocr", "test_office_formats"}
E2E_MODULES = {
    "test_api", "test_bad_inputs", "test_batch", "test_check", "test_cli", "test_explain",
    "test_format_parity", "test_kill", "test_labels_option", "test_layout_corpus", "test_pdf_reader",
    "test_reruns", "test_samples", "test_seed",
}
DEFAULT_SKIPPED = ("slow", "e2e", "dask")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", help="run the whole suite (slow, e2e and dask tests too)")


def pytest_configure(config: pytest.Config) -> None:
    import examples  # tests/examples.py: hypothesis example counts, full or a fifth
    from hypothesis import settings

    examples.FULL = bool(config.getoption("--full") or config.getoption("markexpr"))
    # The whole suite (CI) draws the same examples on every run, so its result depends on the
    # change, not on luck; the fast subset draws new ones each time, as does the whole suite with
    # CITTASLOW_EXPLORE=1.  A failure found that way becomes a fixture or an @example.
    settings.register_profile("reproducible", derandomize=True, database=None)
    if examples.FULL and not os.environ.get("CITTASLOW_EXPLORE"):
        settings.load_profile("reproducible")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem  # doctest items have a path but no module
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if module in E2E_MODULES:
            item.add_marker(pytest.mark.e2e)
        if "dask" in item.name.lower():
            item.add_marker(pytest.mark.dask)
    if config.getoption("--full") or config.getoption("markexpr"):
        return  # everything, or the kinds asked for with -m
    kept, skipped = [], []
    for item in items:
        (skipped if any(item.get_closest_marker(kind) for kind in DEFAULT_SKIPPED) else kept).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept
