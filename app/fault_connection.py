"""Keep the connection open after a server fault that was answered.

Starlette answers an unhandled exception with the service's 500 document
(``app/handlers/errors.py``) and then raises it again, for the server to log. Uvicorn,
seeing an exception after a response has started, closes the connection, without a
``Connection: close`` header: a client that reuses connections (httpx, pyvo's session,
TOPCAT) finds its next request on that connection failing, though nothing was wrong with
it. The fault is logged once already, so once its answer is complete it is dropped here.
An exception before the answer is complete (a response cut short on purpose, or a failure
while streaming) still reaches the server, which must then close the connection.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["KeepConnectionAfterFault"]


class KeepConnectionAfterFault:
    """Outermost ASGI layer: swallow exceptions raised after a complete response."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        complete = False

        async def tracked(message: Message) -> None:
            nonlocal complete
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True

        try:
            await self._app(scope, receive, tracked)
        except Exception:
            if not complete:
                raise
