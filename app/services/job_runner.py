"""Where async TAP jobs run: in this process, a bounded number at a time.

A job runs in a worker thread: claim it (a conditional update, so two runners cannot both
run it), run the query with the job's execution duration as its time limit, write the
result to the result store, and record COMPLETED or ERROR. Every phase change wakes the
requests waiting on the job (:class:`JobEvents`).

This is the embedded runner; the distributed one (procrastinate workers on PostgreSQL) is
still to come (issue 5).
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable

import structlog

from adql import AdqlError
from app.errors import ServiceError
from app.formats.registry import content_type
from app.parameters import DaliParameters, InlinePart
from app.services.tap import TapService
from app.services.tap_request import RowLimits, parse_tap_request
from app.storage.jobs import JobStore
from app.storage.query_cancel import QueryCancel
from app.storage.result_store import ResultStore
from app.uws.models import Job, JobError, JobResult

__all__ = ["InProcessRunner", "JobEvents", "execute_tap_job"]

log = structlog.get_logger("obscura")

RESULT = "result"
LEASE_GRACE_SECONDS = 60
"""How long past its execution duration a job may stay EXECUTING before the sweeper
ends it (its runner is presumed dead)."""
UPLOAD_PREFIX = "upload-"
"""Stored name prefix of a job's inline upload parts (by-reference parameters)."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


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


def execute_tap_job(
    job: Job,
    *,
    store: JobStore,
    results: ResultStore,
    tap: TapService,
    limits: RowLimits,
    job_url: str,
    events: JobEvents,
) -> None:
    """Run one queued TAP job to its end (blocking)."""
    started = _now()
    duration = job.execution_duration
    # The query's own time limit ends it first; the lease is the sweeper's backstop.
    lease = started + datetime.timedelta(seconds=duration + LEASE_GRACE_SECONDS)
    cancel = events.running(job.job_id)  # before the claim, so an abort cannot slip between
    if not store.mark_executing(job.job_id, started, lease):
        events.finished(job.job_id)
        return  # aborted, deleted or claimed elsewhere meanwhile
    events.notify(job.job_id)
    try:
        params = DaliParameters.from_pairs(
            (p.id, p.value) for p in job.parameters if not p.by_reference
        )
        parts = {
            p.id: InlinePart(p.id, b"".join(results.read(job.job_id, p.value) or []))
            for p in job.parameters
            if p.by_reference
        }
        request = parse_tap_request(params, limits)
        result = tap.start(request, parts, timeout=float(duration), cancel=cancel)
        chunks = request.output.writer(result, tap.result_infos(request))
        size = results.write(job.job_id, RESULT, chunks)
        if result.failure is not None:
            raise ServiceError(result.failure)
        mime = content_type(request.output, request.format_asked)
        store.mark_completed(
            job.job_id, _now(), [JobResult(RESULT, f"{job_url}/results/{RESULT}", size, mime)]
        )
    except (ServiceError, AdqlError) as exc:
        results.delete(job.job_id)
        store.mark_error(job.job_id, _now(), JobError("fatal", str(exc)), str(exc))
    except Exception:
        log.exception("async job failed", job_id=job.job_id)
        results.delete(job.job_id)
        message = "The service failed while running this job; the fault is logged."
        store.mark_error(job.job_id, _now(), JobError("transient", message), message)
    finally:
        events.finished(job.job_id)
        events.notify(job.job_id)


class InProcessRunner:
    """Runs jobs as asyncio tasks, each in a worker thread, ``concurrency`` at a time."""

    def __init__(self, concurrency: int) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, run: Callable[[], None]) -> None:
        """Start ``run`` (blocking) when a slot is free."""
        task = asyncio.get_running_loop().create_task(self._run(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, run: Callable[[], None]) -> None:
        async with self._slots:
            await asyncio.to_thread(run)

    async def aclose(self) -> None:
        """Stop waiting for queued jobs (running threads finish on their own)."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
