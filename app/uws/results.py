"""Where async job results live: one folder (or key prefix) per job, one file per result.

A plain path or ``file://`` URL keeps them on the local disk: written to a temporary file
in the job's folder, then renamed. Any other fsspec URL (``s3://bucket/prefix``,
``memory://results``) lets several machines share them: written to a temporary object,
then moved. Either way no reader sees half a result and a failed write leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from urllib.request import url2pathname

import fsspec  # type: ignore[import-untyped]

from app.faults import UsageError

__all__ = ["ResultBudget", "ResultStore"]

_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}\Z")
CHUNK = 1024 * 1024


def _checked(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{what} {name!r} must be 1-100 letters, digits, '_' or '-'")
    return name


def _local_directory(location: str | Path) -> Path | None:
    """The local directory a location names, or None if it is another fsspec URL."""
    if isinstance(location, Path) or "://" not in location:
        return Path(location)
    url = urlsplit(location)
    if url.scheme != "file":
        return None
    if url.netloc not in ("", "localhost"):
        raise ValueError(f"result location {location!r} is on another host")
    return Path(url2pathname(url.path))


class _Files(Protocol):
    """Results by already checked job id and name."""

    def write(self, job_id: str, name: str, chunks: Iterable[bytes]) -> int: ...
    def read(self, job_id: str, name: str) -> Iterator[bytes] | None: ...
    def delete(self, job_id: str) -> None: ...


class _LocalFiles:
    """Results as files under a local directory, renamed into place atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, job_id: str, name: str, chunks: Iterable[bytes]) -> int:
        path = self.root / job_id / name
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
        path = self.root / job_id / name
        if not path.is_file():
            return None

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as source:
                while chunk := source.read(CHUNK):
                    yield chunk

        return chunks()

    def delete(self, job_id: str) -> None:
        shutil.rmtree(self.root / job_id, ignore_errors=True)


class _FsspecFiles:
    """Results as objects under an fsspec URL, moved to their real name when complete."""

    def __init__(self, url: str) -> None:
        fs, root = fsspec.core.url_to_fs(url)
        self._fs: Any = fs
        self._root: str = root.rstrip("/")

    def write(self, job_id: str, name: str, chunks: Iterable[bytes]) -> int:
        folder = f"{self._root}/{job_id}"
        temporary = f"{folder}/.{name}.partial-{secrets.token_hex(8)}"
        self._fs.makedirs(folder, exist_ok=True)
        size = 0
        try:
            with self._fs.open(temporary, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            self._fs.mv(temporary, f"{folder}/{name}")
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                self._fs.rm(temporary)
            raise
        return size

    def read(self, job_id: str, name: str) -> Iterator[bytes] | None:
        path = f"{self._root}/{job_id}/{name}"
        self._fs.invalidate_cache(path)  # another machine may have written it since
        if not self._fs.isfile(path):
            return None

        def chunks() -> Iterator[bytes]:
            with self._fs.open(path, "rb") as source:
                while chunk := source.read(CHUNK):
                    yield chunk

        return chunks()

    def delete(self, job_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._fs.rm(f"{self._root}/{job_id}", recursive=True)


class ResultBudget:
    """The bytes a job's results may take: what its owner's storage allowance left when
    it started (None: no limit). Results pass through :meth:`counted` on their way to the
    store, which stops them at the first byte past the budget."""

    def __init__(self, remaining: int | None, allowance: int | None = None) -> None:
        self.remaining = remaining
        self._allowance = allowance

    def counted(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """``chunks``, raising :class:`~app.faults.UsageError` once they pass the budget."""
        for chunk in chunks:
            if self.remaining is not None:
                self.remaining -= len(chunk)
                if self.remaining < 0:
                    raise UsageError(
                        "The job's results passed the storage allowed to each user "
                        f"({self._allowance or 0:,} bytes for all of one's job results); "
                        "delete jobs you no longer need, or ask for fewer rows (MAXREC) "
                        "or columns"
                    )
            yield chunk


class ResultStore:
    """Job results, by job id and result name, on the local disk or under an fsspec URL.

    Parameters
    ----------
    location
        A local directory (a path or a ``file://`` URL), or any other fsspec URL such as
        ``s3://bucket/prefix`` or ``memory://results``; it need not exist yet.

    Raises
    ------
    ValueError
        From every method, if a job id or result name is not 1-100 letters, digits,
        ``_`` or ``-`` (so none can leave its job's folder).
    """

    def __init__(self, location: str | Path) -> None:
        self._location = str(location)
        local = _local_directory(location)
        self._files: _Files = (
            _LocalFiles(local) if local is not None else _FsspecFiles(self._location)
        )

    @property
    def location(self) -> str:
        """The location as given, for logs."""
        return self._location

    def write(self, job_id: str, name: str, chunks: Iterable[bytes]) -> int:
        """Store a result whole from its chunks, replacing any result of that name.

        Parameters
        ----------
        job_id, name
            The job and the result's name within it.
        chunks
            The result's bytes; if iterating them raises, nothing is stored.

        Returns
        -------
        int
            The result's size in bytes.
        """
        job_id, name = _checked(job_id, "job id"), _checked(name, "result name")
        return self._files.write(job_id, name, chunks)

    def read(self, job_id: str, name: str) -> Iterator[bytes] | None:
        """The result's bytes in chunks of 1 MiB, read as they are consumed.

        Returns
        -------
        Iterator[bytes] or None
            None if there is no such result.
        """
        job_id, name = _checked(job_id, "job id"), _checked(name, "result name")
        return self._files.read(job_id, name)

    def delete(self, job_id: str) -> None:
        """Remove every result of the job (nothing if it has none)."""
        self._files.delete(_checked(job_id, "job id"))
