"""Heavy requests run within their client's limit (``app/client_slots.py``), for as long
as their response is being sent, not only until it starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from typing_extensions import override

from app.dependencies.context import RequestContext

__all__ = ["within_client_limit"]


async def within_client_limit(
    context: RequestContext, respond: Callable[[], Awaitable[Response]]
) -> Response:
    """``await respond()``, holding one of the client's slots until the response has
    been sent (or failed); TooManyRequestsError (429) if the client has none left."""
    give_back = context.client_slots.take(context.client)
    try:
        response = await respond()
    except BaseException:
        give_back()
        raise
    return _Holding(response, give_back)


class _Holding(Response):
    """A response that gives its client's slot back once sent, whatever happens."""

    def __init__(self, response: Response, give_back: Callable[[], None]) -> None:
        # Not Response.__init__: this only wraps ``response``, which sends itself.
        self._response = response
        self._give_back = give_back
        self.status_code = response.status_code
        self.background = None

    @override
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._response(scope, receive, send)
        finally:
            self._give_back()
