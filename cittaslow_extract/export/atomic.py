"""Atomic file replacement: the one place that writes a file beside its target and renames it over.

A file is written under a hidden temporary name in the target's own folder (`.NAME.<random>.tmp`,
so the rename stays on one file system and is atomic on POSIX and Windows), then renamed over the
target: a reader, or a run killed at any moment, sees the old file or the new one, never half of
one.  Temporary files left by a killed run match `.NAME.*.tmp` (outputs.remove_stale_temporaries).

- write_atomic: one file (the run record, Parquet parts, the cache's entries and manifest, expected
  files);
- Replacement: several files staged first and renamed together only when all are on disk (the
  tables: either every table is replaced or none is);
- replace_symlink: a link swapped in one rename (partitioned Parquet);
- sync_folder: make renames durable.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()  # what open() would give a new file (umask read once: it is process-wide)


def stage(target: Path, data: bytes, *, fsync: bool = True) -> Path:
    """Write `data` to a hidden temporary file beside `target`; returns its path.

    `fsync`: on disk before it is renamed (tables); without it a power cut may lose the new file,
    which only matters for files that are recomputed when missing (the cache).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(handle.name, _FILE_MODE)  # a temporary file is private (0600); the target is not
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def write_atomic(target: Path, data: bytes, *, fsync: bool = True) -> None:
    """Replace `target` by `data` in one rename.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", b"old"); write_atomic(folder / "a.txt", b"new")
    >>> (folder / "a.txt").read_bytes(), [p.name for p in folder.iterdir()]
    (b'new', ['a.txt'])
    """
    _rename_over(stage(target, data, fsync=fsync), target)


def _rename_over(temporary: Path, target: Path) -> None:
    """Rename `temporary` over `target`; removed when that fails."""
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Replacement:
    """Files replaced all together: `add()` stages each one; leaving the `with` block without an
    error renames them all over their targets and syncs their folders; with an error, every staged
    file is removed and no target is touched."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temporary, target)

    def add(self, target: Path, data: bytes) -> None:
        self.staged.append((stage(target, data), target))

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self.staged]

    def __enter__(self) -> Replacement:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        try:
            if kind is None:
                for temporary, target in self.staged:
                    os.replace(temporary, target)
                for folder in dict.fromkeys(target.parent for _, target in self.staged):
                    sync_folder(folder)
        finally:
            for temporary, _ in self.staged:
                temporary.unlink(missing_ok=True)  # only left when something failed before its rename


def replace_symlink(path: Path, points_to: str) -> None:
    """Make `path` a symbolic link to `points_to` in one rename (readers never see it missing)."""
    link = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    os.symlink(points_to, link, target_is_directory=True)
    _rename_over(link, path)


def sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
