"""Service errors and the one place they become HTTP responses.

::

    ServiceError               (a fault the client can read; carries its HTTP status)
    ├── UsageError             400  the request is wrong (a parameter, the ADQL)
    │   └── UploadError        400  an UPLOAD table could not be read or is too big
    ├── NotFoundError          404
    ├── RequestTimeoutError    408  the request body stopped arriving
    ├── RequestTooLargeError   413  the request body is over its limit
    ├── QueryTimeoutError      400  the query ran past its time limit
    └── QueryCancelledError    400  the query's async job was aborted

ADQL errors (:class:`adql.AdqlError`) are usage errors: their message, with the query's
line and a caret, goes to the user unchanged. Anything else is a server fault: logged with
its traceback, answered 500 with a message that gives nothing away.

Every error on the DALI services (TAP, SIA, DataLink) is a VOTable error document: one
``RESOURCE type="results"`` holding ``INFO name="QUERY_STATUS" value="ERROR"``.
"""

from __future__ import annotations

from typing import ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from adql import AdqlError
from app.votable.errors import error_document

__all__ = [
    "NotFoundError",
    "QueryCancelledError",
    "QueryTimeoutError",
    "RequestTimeoutError",
    "RequestTooLargeError",
    "ServiceError",
    "UploadError",
    "UsageError",
    "install_error_handlers",
    "votable_error_response",
]

log = structlog.get_logger("obscura")

VOTABLE_MIME = "application/x-votable+xml"


class ServiceError(Exception):
    """An error the client caused or can act on, with the HTTP status to answer."""

    status_code: ClassVar[int] = 400


class UsageError(ServiceError):
    """The request is wrong: a missing, repeated or invalid parameter."""


class UploadError(UsageError):
    """An UPLOAD table is malformed, too big or refers to nothing."""


class NotFoundError(ServiceError):
    """The resource does not exist (or belongs to someone else)."""

    status_code = 404


class RequestTimeoutError(ServiceError):
    """The client stopped sending its request body."""

    status_code = 408


class RequestTooLargeError(ServiceError):
    """The request body is larger than the service accepts."""

    status_code = 413


class QueryTimeoutError(ServiceError):
    """The query ran past the service's time limit."""


class QueryCancelledError(ServiceError):
    """The query was cancelled (its async job was aborted)."""


def votable_error_response(message: str, status_code: int) -> Response:
    """A DALI error document with ``status_code``."""
    return Response(error_document(message), status_code=status_code, media_type=VOTABLE_MIME)


async def _service_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, ServiceError) else 400
    log.info("request refused", path=request.url.path, status=status, error=str(exc))
    return votable_error_response(str(exc), status)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in exc.errors()
    )
    log.info("request refused", path=request.url.path, error=problems)
    return votable_error_response(f"Invalid request: {problems}", 422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Not found: {request.url.path}"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return votable_error_response(message, exc.status_code)


async def _server_fault(request: Request, exc: Exception) -> Response:
    log.error("server fault", path=request.url.path, exc_info=exc)
    return votable_error_response(
        "The service failed while answering this request; the fault is logged. Please "
        "try again, and report it if it persists.",
        500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with a DALI error document and the right status."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(AdqlError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_fault)
