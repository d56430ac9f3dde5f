"""Where a dataset's file lives, and reading it: a local path or any fsspec URL
(``file://``, ``s3://``, ``gs://``, ``https://``), opened lazily, read by byte range."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import fsspec  # type: ignore[import-untyped]

__all__ = ["FileProblemError", "StoredFile", "check_fits", "local_path", "open_file", "stat_file"]

_FITS_START = b"SIMPLE  ="
_BLOCK = 2880


class FileProblemError(ValueError):
    """A file that is missing, unreadable or not FITS."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file as the service serves it."""

    url: str
    """A local path or an fsspec URL."""
    size: int
    etag: str
    """Changes whenever the file's content may have."""
    modified: float
    """Seconds since the epoch (0 when the store does not say)."""


def _filesystem(url: str) -> tuple[Any, str]:
    if "://" not in url:
        return fsspec.filesystem("file"), str(Path(url))
    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def stat_file(url: str) -> StoredFile:
    """Size, ETag and modification time of the file at ``url``.

    Raises
    ------
    FileProblemError
        If there is no such file or it cannot be reached.
    """
    try:
        fs, path = _filesystem(url)
        info = fs.info(path)
    except (OSError, ValueError, ImportError) as exc:
        raise FileProblemError(f"{url}: {_reason(exc)}") from None
    if info.get("type") not in (None, "file"):
        raise FileProblemError(f"{url} is not a file")
    size = int(info.get("size") or 0)
    modified = _modified(info)
    tag = info.get("ETag") or info.get("etag") or info.get("md5Hash")
    if not tag:
        tag = hashlib.sha256(f"{url}|{size}|{modified}".encode()).hexdigest()[:32]
    return StoredFile(url, size, str(tag).strip('"'), modified)


def _modified(info: dict[str, Any]) -> float:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(key)
        if isinstance(value, int | float):
            return float(value)
        timestamp = getattr(value, "timestamp", None)
        if callable(timestamp):
            return float(timestamp())
    return 0.0


def open_file(url: str) -> IO[bytes]:
    """The file at ``url``, opened for reading by byte range (seek and read)."""
    fs, path = _filesystem(url)
    handle: IO[bytes] = fs.open(path, "rb")
    return handle


def check_fits(url: str) -> int:
    """Check that ``url`` is a readable FITS file (reads its first header block only);
    returns its size in bytes.

    Raises
    ------
    FileProblemError
        If it is missing, unreadable, empty or does not start as FITS does.
    """
    stored = stat_file(url)
    try:
        with open_file(url) as handle:
            start = handle.read(_BLOCK)
    except OSError as exc:
        raise FileProblemError(f"{url}: {_reason(exc)}") from None
    if len(start) < _BLOCK or not start.startswith(_FITS_START):
        raise FileProblemError(f"{url} is not a FITS file (it does not start with SIMPLE =)")
    return stored.size


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return str(exc) or type(exc).__name__


def local_path(url: str) -> Path | None:
    """The local path of ``url``, if it is one (the service can then send it directly)."""
    if "://" not in url:
        return Path(url)
    if url.startswith("file://"):
        return Path(os.path.abspath(url.removeprefix("file://")))
    return None
