"""A stored file as an HTTP response: Content-Length, ETag, Last-Modified, HEAD, and
byte ranges (206; an unsatisfiable range is 416). Local files go through Starlette's
FileResponse (which also answers several ranges at once); files in an object store are
read range by range in worker threads."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from email.utils import formatdate

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse

from pixels.locations import StoredFile, local_path, open_file

__all__ = ["file_response"]

_RANGE = re.compile(r"bytes=(\d*)-(\d*)\Z")
_PIECE = 1 << 20


def _headers(stored: StoredFile, filename: str, cache_seconds: int) -> dict[str, str]:
    headers = {
        "etag": f'"{stored.etag}"',
        "accept-ranges": "bytes",
        "cache-control": f"public, max-age={cache_seconds}",
        "content-disposition": f'inline; filename="{filename}"',
    }
    if stored.modified:
        headers["last-modified"] = formatdate(stored.modified, usegmt=True)
    return headers


def file_response(
    request: Request,
    stored: StoredFile,
    *,
    filename: str,
    media_type: str,
    cache_seconds: int = 3600,
) -> Response:
    """The file, whole or the range asked for."""
    headers = _headers(stored, filename, cache_seconds)
    if request.headers.get("if-none-match") == headers["etag"]:
        return Response(status_code=304, headers=headers)
    path = local_path(stored.url)
    if path is not None:
        return FileResponse(path, media_type=media_type, headers=headers)
    return _remote(request, stored, headers, media_type)


def _remote(
    request: Request, stored: StoredFile, headers: dict[str, str], media_type: str
) -> Response:
    start, end, partial = 0, stored.size - 1, False
    asked = request.headers.get("range")
    if asked and request.headers.get("if-range", headers["etag"]) == headers["etag"]:
        match = _RANGE.match(asked.replace(" ", ""))
        if match is not None:  # several ranges: the whole file, as HTTP allows
            first, last = match.groups()
            if first:
                start, end = int(first), min(int(last), end) if last else end
            elif last:
                start = max(stored.size - int(last), 0)
            if start > end or start >= stored.size:
                return Response(
                    status_code=416, headers={**headers, "content-range": f"bytes */{stored.size}"}
                )
            partial = True
    length = end - start + 1
    headers["content-length"] = str(max(length, 0))
    if partial:
        headers["content-range"] = f"bytes {start}-{end}/{stored.size}"
    status = 206 if partial else 200
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)

    async def body() -> AsyncIterator[bytes]:
        handle = await run_in_threadpool(open_file, stored.url)
        try:
            await run_in_threadpool(handle.seek, start)
            left = length
            while left > 0:
                piece = await run_in_threadpool(handle.read, min(_PIECE, left))
                if not piece:
                    break
                left -= len(piece)
                yield piece
        finally:
            await run_in_threadpool(handle.close)

    return StreamingResponse(body(), status_code=status, headers=headers, media_type=media_type)
