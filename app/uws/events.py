"""In-process job signals: waking the requests that WAIT on a job when its phase changes,
and cancelling the query of a job that runs in this process when it is aborted.

Changes made by other processes (workers, other API replicas) arrive through
``app/uws/notifications.py`` and call :meth:`JobEvents.notify` too.
"""

from __future__ import annotations

import asyncio

from app.storage.query_cancel import QueryCancel

__all__ = ["JobEvents"]


class JobEvents:
    """Wakes the requests waiting on a job when this process changes its phase, and
    cancels the queries of this process's running jobs when they are aborted."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: dict[str, QueryCancel] = {}

    def running(self, job_id: str) -> QueryCancel:
        """A cancel token for the job's query, while it runs here (thread-safe)."""
        return self._running.setdefault(job_id, QueryCancel())

    def finished(self, job_id: str) -> None:
        """The job's query is over."""
        self._running.pop(job_id, None)

    def cancel(self, job_id: str) -> None:
        """Stop the job's query if it runs in this process."""
        token = self._running.pop(job_id, None)
        if token is not None:
            token.cancel()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop that waiters run on (notifications may come from worker threads)."""
        self._loop = loop

    def event(self, job_id: str) -> asyncio.Event:
        """The event set at the job's next phase change."""
        return self._events.setdefault(job_id, asyncio.Event())

    def notify(self, job_id: str) -> None:
        """Wake the job's waiters (thread-safe)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._set, job_id)

    def _set(self, job_id: str) -> None:
        event = self._events.pop(job_id, None)
        if event is not None:
            event.set()
