"""Whether a request comes from a person in a browser, who should get a page, rather than
from a program, which gets the protocol's own document.

A browser navigating to a URL names XHTML in its Accept header (Chromium, Firefox and
Safari send ``text/html,application/xhtml+xml,...``). Programs do not: pyvo and curl send
``*/*``, astropy's and Python's urllib nothing, and Java's default
(``text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2``), which TOPCAT and STILTS
send, starts with ``text/html`` but never names XHTML: it must keep getting the VOTable.
"""

from __future__ import annotations

from starlette.requests import Request

from app.formats.registry import DEFAULT_FORMAT, HTML_FORMAT, OutputFormat

__all__ = ["HTML_FORMATS", "is_html_format", "result_format", "wants_html"]

HTML_FORMATS = ("html", "text/html")
"""RESPONSEFORMAT values asking for a page."""


def is_html_format(value: str) -> bool:
    """Whether a RESPONSEFORMAT value asks for a page (``html``, ``text/html``)."""
    return value.split(";", 1)[0].strip().lower() in HTML_FORMATS


def wants_html(request: Request, response_format: str | None = None) -> bool:
    """Whether the answer should be a page for a person: ``RESPONSEFORMAT=html``, or no
    RESPONSEFORMAT and a browser's Accept header (it names XHTML)."""
    if response_format is not None:
        return is_html_format(response_format)
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and "application/xhtml+xml" in accept


def result_format(request: Request) -> OutputFormat:
    """The format of a query result when the request names none: a page for a person in
    a browser, else the protocol's default (VOTable)."""
    return HTML_FORMAT if wants_html(request) else DEFAULT_FORMAT
