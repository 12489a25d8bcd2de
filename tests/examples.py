"""How many examples a hypothesis test tries: its full count in the whole suite (`pytest --full`,
as CI runs it), a fifth of it in the fast default subset, so a developer's loop stays quick while
CI still searches as widely as each test asks.  conftest.py sets FULL before test modules load."""

from __future__ import annotations

FULL = True  # outside pytest (a module imported by hand) the full count


def examples(full_count: int) -> int:
    """`full_count` in the whole suite, a fifth of it (at least 20) in the fast subset."""
    return full_count if FULL else max(20, full_count // 5)
