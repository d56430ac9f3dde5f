"""Where async job results live: files under a directory, one folder per job.

Written to a temporary name and renamed when complete, so a reader never sees half a
result and a crash never leaves one behind under its real name. (The issue asks for any
fsspec URL for several machines; this is the local-directory default.)
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["ResultStore"]

_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}\Z")
CHUNK = 1024 * 1024


def _checked(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{what} {name!r} must be 1-100 letters, digits, '_' or '-'")
    return name


class ResultStore:
    """Job results as files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, job_id: str, name: str) -> Path:
        return self.root / _checked(job_id, "job id") / _checked(name, "result name")

    def write(self, job_id: str, name: str, chunks: Iterable[bytes]) -> int:
        """Store a result from its chunks; returns its size in bytes."""
        path = self._path(job_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return size

    def read(self, job_id: str, name: str) -> Iterator[bytes] | None:
        """The result's bytes in chunks, or None if there is no such result."""
        path = self._path(job_id, name)
        if not path.is_file():
            return None

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as source:
                while chunk := source.read(CHUNK):
                    yield chunk

        return chunks()

    def delete(self, job_id: str) -> None:
        """Remove every result of the job (nothing if it has none)."""
        shutil.rmtree(self.root / _checked(job_id, "job id"), ignore_errors=True)
