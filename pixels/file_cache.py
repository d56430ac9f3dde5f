"""Files made on first use (demo images, previews), kept under a directory within a size
cap: when the cap is passed, the least recently used files go first.

A file is made once however many threads or processes ask for it at the same moment: the
maker holds an exclusive lock on the file's lock file (``flock``), and the others wait,
then find it made. Files are written under a temporary name and renamed, so a reader
never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import structlog

__all__ = ["FileCache", "cache_key"]

log = structlog.get_logger("obscura")


def cache_key(*parts: str) -> str:
    """A file-name-safe key for what ``parts`` identify."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class FileCache:
    """A directory of made files with a size cap."""

    def __init__(self, root: Path, *, cap_bytes: int) -> None:
        self._root = root
        self._cap = cap_bytes

    @property
    def root(self) -> Path:
        """Where the files are."""
        return self._root

    def path(self, key: str, suffix: str) -> Path:
        """Where the file ``key`` + ``suffix`` is (made or not)."""
        return self._root / key[:2] / f"{key}{suffix}"

    def get(self, key: str, suffix: str, make: Callable[[Path], None]) -> Path:
        """The file, made by ``make(temporary_path)`` if it is not there yet (blocking).

        ``make`` writes the whole file at the path it is given; it is then renamed into
        place.
        """
        path = self.path(key, suffix)
        if self._touch(path):
            return path
        with _locked(path.with_name(path.name + ".lock")):
            if self._touch(path):
                return path
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            try:
                make(partial)
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
        self._evict(keep=path)
        return path

    def _touch(self, path: Path) -> bool:
        try:
            os.utime(path)  # the recency the cap's eviction goes by
        except FileNotFoundError:
            return False
        return True

    def _evict(self, *, keep: Path) -> None:
        files = [
            (entry.stat().st_mtime, entry.stat().st_size, entry)
            for entry in self._root.glob("*/*")
            if entry.is_file() and not entry.name.endswith((".lock", ".partial"))
        ]
        total = sum(size for _, size, _ in files)
        if total <= self._cap:
            return
        for _, size, entry in sorted(files, key=lambda item: item[0]):
            if total <= self._cap:
                break
            if entry == keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                total -= size
                log.info("cached file evicted", file=entry.name, bytes=size)
