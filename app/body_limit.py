"""Request bodies bounded while they arrive: in size (a declared Content-Length over the
limit is refused before a byte is read, and counting stops a body at the first byte past
it) and in time (a client that pauses longer than the idle limit mid-body, or trickles it
slower than a least average rate, is refused).

An ASGI middleware: it wraps ``receive``, so whatever reads the body (the multipart
parser, a form) meets the error at once, and the service's error handlers answer it.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.faults import RequestTimeoutError, RequestTooLargeError
from app.handlers.errors import fault_response

__all__ = ["BODY_ALLOWANCE_BYTES", "BodyLimitMiddleware"]

log = structlog.get_logger("obscura")

BODY_ALLOWANCE_BYTES = 1024 * 1024
"""What a body may hold beyond its uploaded tables (the query and other parameters)."""
MIN_BYTES_PER_SECOND = 8 * 1024
"""The slowest average a body may arrive at, once it has taken longer than the idle limit
(a 32 MiB upload then takes at most about an hour)."""


class BodyLimitMiddleware:
    """Refuse bodies over ``max_bytes`` (413) or pausing over ``idle_seconds`` (408)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, idle_seconds: float) -> None:
        self._app = app
        self._max_bytes = max_bytes
        self._idle_seconds = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        bounded = _BoundedReceive(receive, scope, self._max_bytes, self._idle_seconds)
        if bounded.declared is not None and bounded.declared > self._max_bytes:
            # Refused before a byte is read, whatever the route would have done with it.
            error = bounded.too_large()
            log.info("request refused", path=scope.get("path"), status=413, error=str(error))
            response = fault_response(Request(scope), error)
            await response(scope, receive, send)
            return
        await self._app(scope, bounded, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class _BoundedReceive:
    def __init__(self, receive: Receive, scope: Scope, max_bytes: int, idle: float) -> None:
        self._receive = receive
        self._max_bytes = max_bytes
        self._idle = idle
        self._received = 0
        self._complete = False
        self._started = time.monotonic()
        self.declared = _declared_length(scope)

    def _check_rate(self) -> None:
        """A body trickling in (a byte now and then, never pausing long enough to trip
        the idle limit) would hold its request forever: once it has taken longer than the
        idle limit, it must have come at :data:`MIN_BYTES_PER_SECOND` on average."""
        elapsed = time.monotonic() - self._started
        if elapsed > self._idle and self._received < MIN_BYTES_PER_SECOND * elapsed:
            raise RequestTimeoutError(
                f"The request body is arriving too slowly ({self._received / elapsed:,.0f} "
                f"bytes/s after {elapsed:.0f} s; the least accepted is "
                f"{MIN_BYTES_PER_SECOND:,} bytes/s); the request was abandoned"
            )

    def too_large(self) -> RequestTooLargeError:
        return RequestTooLargeError(
            f"The request body is larger than the limit of {self._max_bytes:,} bytes "
            "(uploaded tables plus 1 MiB); send a smaller table"
        )

    async def __call__(self) -> Message:
        if self._complete:
            return await self._receive()
        with anyio.move_on_after(self._idle) as scope:
            message: dict[str, Any] = dict(await self._receive())
        if scope.cancelled_caught:
            raise RequestTimeoutError(
                f"The request body stopped arriving for {self._idle:g} s; the request was "
                "abandoned. Send it again."
            )
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self._max_bytes:
                raise self.too_large()
            if not message.get("more_body", False):
                self._complete = True
            else:
                self._check_rate()
        else:
            self._complete = True
        return message
