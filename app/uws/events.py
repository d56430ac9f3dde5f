"""In-process job signals: waking the requests that WAIT on a job when its phase changes,
and cancelling the query of a job that runs in this process when it is aborted.

Changes made by other processes (workers, other API replicas) arrive through
``app/uws/notifications.py`` and call :meth:`JobEvents.notify` too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from app.storage.query_cancel import QueryCancel

__all__ = ["JobEvents"]


class _Waiters:
    """The requests waiting on one job: how many, and the event their next wake sets."""

    __slots__ = ("count", "event")

    def __init__(self) -> None:
        self.count = 0
        self.event = asyncio.Event()


class JobEvents:
    """Wakes the requests waiting on a job when this process changes its phase, and
    cancels the queries of this process's running jobs when they are aborted.

    Only jobs someone waits on now have an entry: an entry lives while :meth:`watch`
    is open, so a client waiting on ids that never existed (or on jobs that never change)
    leaves nothing behind.
    """

    def __init__(self) -> None:
        self._waiters: dict[str, _Waiters] = {}
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

    @contextlib.contextmanager
    def watch(self, job_id: str) -> Iterator[None]:
        """While open, :meth:`event` gives the event the job's next change sets."""
        waiters = self._waiters.setdefault(job_id, _Waiters())
        waiters.count += 1
        try:
            yield
        finally:
            waiters.count -= 1
            if waiters.count == 0 and self._waiters.get(job_id) is waiters:
                del self._waiters[job_id]

    def event(self, job_id: str) -> asyncio.Event:
        """The event set at the job's next phase change (inside :meth:`watch`)."""
        return self._waiters[job_id].event

    def watched(self) -> int:
        """How many jobs have waiters now."""
        return len(self._waiters)

    def notify(self, job_id: str) -> None:
        """Wake the job's waiters (thread-safe)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._set, job_id)

    def _set(self, job_id: str) -> None:
        waiters = self._waiters.get(job_id)
        if waiters is not None:
            # Those awake take the next event, so a change right after their read still
            # wakes them.
            fired, waiters.event = waiters.event, asyncio.Event()
            fired.set()
