"""The one place errors become HTTP responses: a fault's status, and its message in the
document its protocol prescribes.

Each router declares its protocol's :class:`ErrorStyle` (a router dependency made by
:func:`error_style`), so one exception is answered the way its service must answer:

======== ================================= =========================================
service  document                          message
======== ================================= =========================================
TAP      DALI VOTable error document       the message
SIA      VOTable; text/plain for CSV/TSV   ``UsageFault: message`` (DALI labels)
DataLink VOTable                           ``NotFoundFault: message`` (DALI labels)
SODA     text/plain                        ``UsageError: message`` (SODA labels)
======== ================================= =========================================

A person in a browser (``app/negotiation.py``), or a request for ``RESPONSEFORMAT=html``,
gets the error as a page instead, whatever the service (``app/pages/error.py``): the
message, the query with the place at fault marked, and the ways back.

ADQL errors are usage errors: their message, with the query's line and a caret, goes to
the user unchanged. Anything else is a server fault: logged once with its traceback,
answered 500 with a message that gives nothing away. A failure after a response's first
byte cannot change its status: :class:`ResponseAbortedError` marks a response cut short
on purpose (``app/services/result_stream.py`` logged why), and is not logged again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException
from typing_extensions import override

from adql import AdqlError
from app.faults import NotFoundError, ServiceError, TransientError, UsageError
from app.formats.registry import UnknownFormatError, find_format
from app.negotiation import is_html_format, wants_html
from app.pages.error import render_error_page
from app.paths import CUTOUT_PATH, DATALINK_PATH, SIA_PATH
from app.storage.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE, database_unavailable
from app.votable.errors import error_document

__all__ = [
    "DATALINK_ERRORS",
    "SIA_ERRORS",
    "SODA_ERRORS",
    "TAP_ERRORS",
    "ErrorStyle",
    "ResponseAbortedError",
    "error_style",
    "fault_response",
    "install_error_handlers",
    "quiet_aborted_responses",
    "votable_error_response",
]

log = structlog.get_logger("obscura")

VOTABLE_MIME = "application/x-votable+xml"
SERVER_FAULT = (
    "The service failed while answering this request; the fault is logged. Please try "
    "again, and report it if it persists."
)


@dataclass(frozen=True, slots=True)
class ErrorStyle:
    """How one protocol writes its errors."""

    labels: Literal["dali", "soda"] | None = None
    """Which vocabulary prefixes messages (``UsageFault: ...``), if any."""
    plain_text: bool = False
    """``text/plain`` documents (SODA) instead of VOTable ones."""
    text_formats: frozenset[str] = frozenset()
    """RESPONSEFORMATs whose errors are ``text/plain`` too (SIA: CSV and TSV)."""
    known_labels: frozenset[str] | None = None
    """DALI labels this protocol defines; others are written ``UsageFault`` (SIA 2.0
    predates ``NotFoundFault``)."""

    def message(self, fault: type[ServiceError], text: str) -> str:
        """``text`` with the fault's label, where this protocol uses labels."""
        if self.labels == "dali":
            label = fault.dali_label
            if self.known_labels is not None and label not in self.known_labels:
                label = "UsageFault"
            return f"{label}: {text}"
        if self.labels == "soda":
            return f"{fault.soda_label}: {text}"
        return text


TAP_ERRORS = ErrorStyle()
SIA_ERRORS = ErrorStyle(
    labels="dali",
    text_formats=frozenset({"csv", "tsv"}),
    known_labels=frozenset({"UsageFault", "TransientFault", "FatalFault", "DefaultFault"}),
)
DATALINK_ERRORS = ErrorStyle(labels="dali")
SODA_ERRORS = ErrorStyle(labels="soda", plain_text=True)


class ResponseAbortedError(Exception):
    """A response ended without its HTTP end marker, so that no client takes the part
    it received for the whole (a result that failed after its first byte, in a format
    that cannot say so)."""


def error_style(style: ErrorStyle) -> Callable[[Request], None]:
    """A router dependency declaring the protocol its errors follow."""

    def declare(request: Request) -> None:
        request.state.error_style = style

    return declare


def votable_error_response(message: str, status_code: int) -> Response:
    """A DALI error document with ``status_code``."""
    return Response(error_document(message), status_code=status_code, media_type=VOTABLE_MIME)


_STYLE_BY_PATH = (
    (CUTOUT_PATH, SODA_ERRORS),
    (SIA_PATH, SIA_ERRORS),
    (DATALINK_PATH, DATALINK_ERRORS),
)
"""For errors met before a route is chosen (no route, a wrong method, a body refused by
a middleware): the service a path belongs to."""


def _style(request: Request) -> ErrorStyle:
    style = getattr(request.state, "error_style", None)
    if isinstance(style, ErrorStyle):
        return style
    path = request.url.path
    for prefix, by_path in _STYLE_BY_PATH:
        if path == prefix or path.startswith(prefix + "/"):
            return by_path
    return TAP_ERRORS


def _asked_formats(request: Request) -> list[str]:
    """The request's RESPONSEFORMAT values (also those of a POST body, once read)."""
    asked: list[str] = request.query_params.getlist("RESPONSEFORMAT") or getattr(
        request.state, "response_formats", []
    )
    return asked


def _wants_text(request: Request, style: ErrorStyle) -> bool:
    if style.plain_text:
        return True
    if not style.text_formats:
        return False
    asked = _asked_formats(request)
    try:
        return find_format(asked[0] if asked else None).name in style.text_formats
    except UnknownFormatError:
        return False


def _wants_page(request: Request) -> bool:
    """A person in a browser gets an error page whatever format the request asked for
    (a browser shows no error document it would have to download), as does
    ``RESPONSEFORMAT=html``."""
    return wants_html(request) or any(is_html_format(v) for v in _asked_formats(request))


def _page(request: Request, text: str, status: int, error: Exception | None) -> Response:
    if isinstance(error, AdqlError) and error.text is not None:
        page = render_error_page(
            error.message, status, query=error.text, line=error.line, column=error.column
        )
    else:
        query = getattr(request.state, "query", None) or request.query_params.get("QUERY")
        page = render_error_page(text, status, query=query)
    return HTMLResponse(page, status_code=status)


def _respond(
    request: Request,
    fault: type[ServiceError],
    text: str,
    status: int,
    error: Exception | None = None,
) -> Response:
    style = _style(request)
    message = style.message(fault, text)
    if _wants_page(request):
        response: Response = _page(request, message, status, error)
    elif _wants_text(request, style):
        response = PlainTextResponse(message, status_code=status)
    else:
        response = votable_error_response(message, status)
    if status in (429, 503):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def fault_response(request: Request, fault: ServiceError) -> Response:
    """``fault`` answered in the document of the service ``request`` is addressed to."""
    return _respond(request, type(fault), str(fault), fault.status_code)


async def _service_error(request: Request, exc: Exception) -> Response:
    fault = exc if isinstance(exc, ServiceError) else UsageError(str(exc))  # AdqlError
    log.info("request refused", path=request.url.path, status=fault.status_code, error=str(exc))
    return _respond(request, type(fault), str(exc), fault.status_code, exc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in exc.errors()
    )
    log.info("request refused", path=request.url.path, error=problems)
    return _respond(request, UsageError, f"Invalid request: {problems}", 422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    fault: type[ServiceError] = UsageError
    if exc.status_code == 404:
        message, fault = f"Not found: {request.url.path}", NotFoundError
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return _respond(request, fault, message, exc.status_code)


async def _server_fault(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        # Not a fault of the service's: the database is down or restarting.
        log.warning("the database cannot be reached", path=request.url.path, error=str(exc))
        return _respond(request, TransientError, UNAVAILABLE, TransientError.status_code)
    if not isinstance(exc, ResponseAbortedError):
        log.error("server fault", path=request.url.path, exc_info=exc)
    return _respond(request, ServiceError, SERVER_FAULT, 500)


class _NotAborted(logging.Filter):
    """Drops the ASGI server's report of a response cut short on purpose."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ResponseAbortedError))


def quiet_aborted_responses() -> None:
    """Keep uvicorn from logging :class:`ResponseAbortedError` as an application fault."""
    logging.getLogger("uvicorn.error").addFilter(_NotAborted())


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with its protocol's document and the right status."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(AdqlError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_fault)
    quiet_aborted_responses()
