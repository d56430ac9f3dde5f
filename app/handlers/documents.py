"""The service's own XML documents (VOSI, UWS) as they are for programs, and as a page made
from them for a person in a browser (``app/negotiation.py``), with ``Vary: Accept`` on
both so that caches keep them apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.negotiation import wants_html

__all__ = ["document_response"]

_XML = "application/xml"
_VARY = {"Vary": "Accept"}


def document_response(
    request: Request,
    document: bytes,
    page: Callable[..., str],
    *,
    url: str,
    home_url: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``document`` for a program, or ``page(document, url=url, home_url=home_url)`` for a
    person; ``url`` is the document's public address, ``headers`` go on either answer."""
    headers = {**(headers or {}), **_VARY}
    if wants_html(request):
        return HTMLResponse(page(document, url=url, home_url=home_url), headers=headers)
    return Response(document, media_type=_XML, headers=headers)
