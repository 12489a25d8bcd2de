"""A memory budget per call, for the worker processes of isolation.py: the address-space limit
(RLIMIT_AS) is lowered around a call to what the process maps now plus the budget, so an allocation
past it raises MemoryError inside the call.  Linux only; elsewhere the budget is not enforced.
"""

from __future__ import annotations

import os

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


def memory_message(max_memory: int | None) -> str:
    """The one line a call that hit its budget reports."""
    if max_memory is None:
        return "ran out of memory"
    return f"needed more than {max_memory // (1024 * 1024)} MB of memory"


class memory_budget:
    """Context manager: RLIMIT_AS = current address space + budget, restored on exit."""

    def __init__(self, budget: int | None) -> None:
        self.budget = budget
        self.saved: tuple[int, int] | None = None

    def __enter__(self) -> None:
        if self.budget is None or resource is None:
            return
        used = _address_space()
        if used is None:
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + self.budget
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        self.saved = (soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, self.saved)


def _address_space() -> int | None:
    """Bytes of address space the process maps now (Linux /proc), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
