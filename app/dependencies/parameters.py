"""DALI request parameters: GET query strings and POST bodies (form-encoded or multipart)
funnelled into one case-insensitive multi-valued mapping, with inline upload parts.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile

from app.errors import UploadError
from app.parameters import DaliParameters, InlinePart

__all__ = ["parameters_dependency"]


async def parameters_dependency(request: Request) -> DaliParameters:
    """The request's parameters, from its query string and, for POST, its body."""
    pairs = list(request.query_params.multi_items())
    parts: list[InlinePart] = []
    if request.method == "POST":
        limit: int = request.app.state.config.upload_limit_bytes
        async with request.form(max_files=100, max_fields=1000) as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if value.size is not None and value.size > limit:
                        raise UploadError(
                            f"The uploaded part {name!r} has {value.size:,} bytes; the "
                            f"limit is {limit:,} bytes"
                        )
                    content = await value.read(limit + 1)
                    if len(content) > limit:
                        raise UploadError(
                            f"The uploaded part {name!r} is larger than the limit of "
                            f"{limit:,} bytes"
                        )
                    parts.append(InlinePart(name, content, value.filename))
                else:
                    pairs.append((name, value))
    return DaliParameters.from_pairs(pairs, parts)
