"""Progress on stderr: a tqdm bar on a terminal, plain log lines elsewhere (CI), nothing when quiet.

Shown: files done of the total, files failed, files reused, pages read per second (a PDF counts its
pages, a text or DOCX file one page; a reused file none).  Each failure is also printed on its own line with its reason.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, TextIO

from cittaslow_extract.models import DocumentRecord


class Progress:
    """Counts finished documents; safe to call from worker-driving threads."""

    def __init__(
        self,
        total: int,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        bar: bool | None = None,
        log_every: float = 10.0,
    ) -> None:
        self.total = total
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.done = self.failed = self.reused = self.pages = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._bar: Any = None
        self._log_every = log_every
        self._last_log = self.started
        self._last_decile = 0
        use_bar = bar if bar is not None else _is_terminal(self.stream)
        if not quiet and use_bar:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, unit="file", desc="documents", file=self.stream, leave=False, dynamic_ncols=True
            )

    @property
    def pages_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0

    def document(self, record: DocumentRecord) -> None:
        with self._lock:
            self.done += 1
            if not record.reused and record.status != "skipped":  # the rate is of reading: reused rows cost none
                self.pages += record.page_count or 1
            if record.status == "failed":
                self.failed += 1
            elif record.reused:
                self.reused += 1
            if self.quiet:
                return
            if record.status == "failed":
                self._line(f"failed: {record.source_path}: {record.error}")
            if self._bar is not None:
                self._bar.set_postfix_str(f"{self.failed} failed, {self.pages_per_second:.1f} pages/s", refresh=False)
                self._bar.update(1)
            else:
                self._maybe_log()

    def _maybe_log(self) -> None:
        now = time.monotonic()
        decile = self.done * 10 // max(self.total, 1)
        if decile > self._last_decile or now - self._last_log >= self._log_every or self.done == self.total:
            self._last_decile, self._last_log = decile, now
            print(f"progress: {self.status_line()}", file=self.stream, flush=True)

    def status_line(self) -> str:
        return (
            f"{self.done}/{self.total} files, {self.failed} failed, {self.reused} reused, "
            f"{self.pages_per_second:.1f} pages/s"
        )

    def _line(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def message(self, text: str) -> None:
        """A line for the user (not shown with --quiet)."""
        if not self.quiet:
            with self._lock:
                self._line(text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
