"""Blocking work for a request, cancelled when its client goes away.

While the work runs in a worker thread, a task listens for the client's disconnect and
sets the work's :class:`~app.storage.query_cancel.QueryCancel`: reading an upload,
filling its table or waiting for the database stops at its next check instead of
running on for nobody. Work that must not crowd out other requests (uploads) runs on a
limiter of its own, and waits for it in the event loop, holding no thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from starlette.requests import Request

from app.faults import QueryCancelledError
from app.storage.query_cancel import QueryCancel
from app.storage.query_runner import CANCELLED

__all__ = ["run_until_disconnect"]

T = TypeVar("T")


async def run_until_disconnect(
    request: Request,
    work: Callable[[QueryCancel], T],
    *,
    limiter: anyio.CapacityLimiter | None = None,
) -> T:
    """``work(cancel)`` in a worker thread; ``cancel`` is set if the client disconnects.

    Call it only once the request's body has been read: the listener takes the messages
    that follow.
    """
    cancel = QueryCancel()
    started = False
    gave_up = False

    def run() -> T:
        nonlocal started
        started = True
        if cancel.is_set():  # the client left while the work waited for the limiter
            raise QueryCancelledError(CANCELLED)
        return work(cancel)

    async def listen(waiting: anyio.CancelScope) -> None:
        nonlocal gave_up
        while (await request.receive())["type"] != "http.disconnect":
            pass
        cancel.cancel()
        if not started:
            # Still waiting for the limiter: stop waiting now, and let the request go with
            # whatever it holds. Work that starts after this sees the cancel at once and
            # returns nothing that would need closing.
            gave_up = True
            waiting.cancel()

    outcome: list[T] = []
    failure: Exception | None = None
    async with anyio.create_task_group() as group:
        with anyio.CancelScope() as waiting:
            group.start_soon(listen, waiting)
            try:
                outcome.append(await anyio.to_thread.run_sync(run, limiter=limiter))
            except Exception as exc:  # raised as itself, not inside the group's ExceptionGroup
                failure = exc
            finally:
                group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    if not outcome:
        assert gave_up
        raise QueryCancelledError(CANCELLED)
    return outcome[0]
