"""Request-scoped logs: every request gets an id (the client's ``X-Request-ID`` if it
sends a sane one, else a new one), returned in the response's ``X-Request-ID`` header and
bound, with the user and the endpoint, to every log line written while the request is
served (also from worker threads). One line per request says how it ended: status,
bytes sent and the time until the last byte.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestLogMiddleware"]

log = structlog.get_logger("obscura.request")

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1").strip())
    return None


def _header_values(scope: Scope, name: bytes) -> list[str]:
    return [
        value.decode("latin-1").strip(" \t")
        for key, value in scope.get("headers", ())
        if key == name
    ]


class RequestLogMiddleware:
    """Binds the request's context to its log lines and logs how it ended."""

    def __init__(self, app: ASGIApp, *, user_header: str) -> None:
        self._app = app
        self._user_header = user_header.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        asked = _header(scope, b"x-request-id")
        request_id = asked if asked and _SANE_ID.match(asked) else uuid.uuid4().hex[:16]
        started = time.perf_counter()
        status = 0
        sent = 0
        logged = False

        def finish(outcome: str) -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            log.info(
                "request",
                method=scope["method"],
                status=status,
                bytes=sent,
                ms=round((time.perf_counter() - started) * 1000, 1),
                outcome=outcome,
            )

        async def send_logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                finish("complete")

        with structlog.contextvars.bound_contextvars(
            request_id=request_id,
            # Every value, as sent: a request with several is refused, and the log says why.
            user=", ".join(_header_values(scope, self._user_header)) or None,
            path=scope["path"],
        ):
            try:
                await self._app(scope, receive, send_logged)
            finally:
                finish("incomplete")  # cut short, or the client went away
