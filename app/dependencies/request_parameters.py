"""DALI request parameters: GET query strings and POST bodies (form-encoded or multipart)
funnelled into one case-insensitive multi-valued mapping, with inline upload parts.

File parts stay in the spooled temporary files the multipart parser wrote them to (on
disk past 1 MiB), open until the request is answered; services read them in pieces.
The body itself is bounded in size and time by :mod:`app.body_limit` while it arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import BinaryIO

from fastapi import Request
from starlette.datastructures import UploadFile

from app.dali import DaliParameters, InlinePart
from app.faults import UploadError

__all__ = ["parameters_dependency"]

_PIECE = 64 * 1024


def _chunks(file: BinaryIO) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        file.seek(0)
        while piece := file.read(_PIECE):
            yield piece

    return chunks


def _noted(request: Request, params: DaliParameters) -> DaliParameters:
    # The error edge answers in the format asked for where the protocol says so (SIA).
    request.state.response_formats = params.all("RESPONSEFORMAT")
    # A person's error page shows the query (also one sent in a POST body).
    request.state.query = next(iter(params.all("QUERY")), None)
    return params


async def parameters_dependency(request: Request) -> AsyncIterator[DaliParameters]:
    """The request's parameters, from its query string and, for POST, its body."""
    pairs = list(request.query_params.multi_items())
    if request.method != "POST":
        yield _noted(request, DaliParameters.from_pairs(pairs))
        return
    limit: int = request.app.state.config.upload_limit_bytes
    parts: list[InlinePart] = []
    async with request.form(max_files=100, max_fields=1000) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                size = value.size or 0
                if size > limit:
                    raise UploadError(
                        f"The uploaded part {name!r} has {size:,} bytes; the limit is "
                        f"{limit:,} bytes"
                    )
                parts.append(InlinePart(name, _chunks(value.file), value.filename))
            else:
                pairs.append((name, value))
        yield _noted(request, DaliParameters.from_pairs(pairs, parts))
