"""Running async TAP jobs: the executor every runner uses, and the in-process runner.

:class:`JobExecutor` runs one job to its end, wherever it is: claim it (a conditional
update, so two runners can never both run it), keep a short lease on it while the query
runs, write the result to the result store, and record COMPLETED or ERROR.

The lease is how a job survives its runner's death: :class:`LeaseKeeper` renews it every
few seconds and stops the query as soon as the job is no longer EXECUTING (aborted or
deleted, perhaps through another API replica); a job whose lease lapses (its worker was
killed) is ended in ERROR by the sweeper. The keeper stops renewing once the job's
execution duration (plus a grace period) is over, so no job stays EXECUTING forever.

The runners, :class:`InProcessRunner` here and the queue in ``app.services.job_queue``,
only decide where ``JobExecutor.execute`` is called.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Protocol

import structlog

from adql import AdqlError
from app.faults import ServiceError
from app.parameters import DaliParameters, InlinePart
from app.services.result_stream import ResultCutError
from app.services.tap import TapService
from app.services.tap_request import RowLimits, parse_tap_request
from app.storage.jobs import JobStore
from app.storage.query_cancel import QueryCancel
from app.storage.result_store import ResultStore
from app.uws.models import ExecutionPhase, Job, JobError, JobResult

__all__ = [
    "LEASE_GRACE_SECONDS",
    "UPLOAD_PREFIX",
    "InProcessRunner",
    "JobEvents",
    "JobExecutor",
    "JobRunner",
    "LeaseKeeper",
]

log = structlog.get_logger("obscura")

RESULT = "result"
LEASE_GRACE_SECONDS = 60
"""How long past its execution duration a job's lease is still renewed (time to write
the result after the query's own time limit)."""
CHECK_SECONDS = 1.0
"""How often a running job's phase is checked (how fast an abort elsewhere stops it)."""
UPLOAD_PREFIX = "upload-"
"""Stored name prefix of a job's inline upload parts (by-reference parameters)."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class JobRunner(Protocol):
    """Somewhere queued jobs run."""

    async def submit(self, job_id: str) -> None:
        """Run the QUEUED job ``job_id`` when there is room."""

    async def aclose(self) -> None:
        """Stop taking jobs."""


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


class LeaseKeeper:
    """While a job runs: renews its lease and cancels its query once the job is no
    longer EXECUTING. A context manager around the job's work (a daemon thread)."""

    def __init__(
        self,
        store: JobStore,
        job_id: str,
        cancel: QueryCancel,
        *,
        lease_seconds: float,
        renew_until: float,
    ) -> None:
        self._store = store
        self._job_id = job_id
        self._cancel = cancel
        self._lease = datetime.timedelta(seconds=lease_seconds)
        self._renew_every = lease_seconds / 3
        self._renew_until = renew_until  # time.monotonic() after which the lease may lapse
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name="job-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _keep(self) -> None:
        next_renewal = time.monotonic() + self._renew_every
        while not self._stop.wait(CHECK_SECONDS):
            now = time.monotonic()
            try:
                if now >= next_renewal and now < self._renew_until:
                    alive = self._store.renew_lease(self._job_id, _now() + self._lease)
                    next_renewal = now + self._renew_every
                else:
                    alive = self._store.phase(self._job_id) == ExecutionPhase.EXECUTING
            except Exception:  # the database may be briefly away; the next tick retries
                log.warning("checking a running job failed", job_id=self._job_id, exc_info=True)
                continue
            if not alive:
                self._cancel.cancel()
                return


class JobExecutor:
    """Runs queued TAP jobs to their end (blocking; called by every runner)."""

    def __init__(
        self,
        *,
        store: JobStore,
        results: ResultStore,
        tap: TapService,
        limits: RowLimits,
        job_url: Callable[[str], str],
        events: JobEvents,
        lease_seconds: float,
    ) -> None:
        self._store = store
        self._results = results
        self._tap = tap
        self._limits = limits
        self._job_url = job_url
        self._events = events
        self._lease_seconds = lease_seconds

    def execute(self, job_id: str) -> None:
        """Run the job if it is still QUEUED (otherwise do nothing: it was aborted,
        deleted or claimed by another runner meanwhile)."""
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            self._execute(job_id)

    def _execute(self, job_id: str) -> None:
        job = self._store.load(job_id)
        if job is None or job.phase != ExecutionPhase.QUEUED:
            return
        started = _now()
        cancel = self._events.running(job_id)  # before the claim: an abort cannot slip between
        lease_until = started + datetime.timedelta(seconds=self._lease_seconds)
        if not self._store.mark_executing(job_id, started, lease_until):
            self._events.finished(job_id)
            return
        self._events.notify(job_id)
        keeper = LeaseKeeper(
            self._store,
            job_id,
            cancel,
            lease_seconds=self._lease_seconds,
            renew_until=time.monotonic() + job.execution_duration + LEASE_GRACE_SECONDS,
        )
        try:
            with keeper:
                self._run(job, cancel)
        finally:
            self._events.finished(job_id)
            self._events.notify(job_id)

    def _run(self, job: Job, cancel: QueryCancel) -> None:
        job_id = job.job_id
        try:
            params = DaliParameters.from_pairs(
                ((p.id, p.value) for p in job.parameters if not p.by_reference),
                (
                    InlinePart(p.id, self._stored_part(job_id, p.value))
                    for p in job.parameters
                    if p.by_reference
                ),
            )
            request = parse_tap_request(params, self._limits)
            stream = self._tap.run(request, timeout=float(job.execution_duration), cancel=cancel)
            size = 0
            try:
                size = self._results.write(job_id, RESULT, stream)
            except ResultCutError:
                pass  # stream.failure says why
            finally:
                stream.close()
            if stream.failure is not None:
                raise ServiceError(stream.failure)
            mime = stream.content_type
            href = f"{self._job_url(job_id)}/results/{RESULT}"
            self._store.mark_completed(job_id, _now(), [JobResult(RESULT, href, size, mime)])
        except (ServiceError, AdqlError) as exc:
            self._results.delete(job_id)
            kind = exc.job_error_type if isinstance(exc, ServiceError) else "fatal"
            self._store.mark_error(job_id, _now(), JobError(kind, str(exc)), str(exc))
        except Exception:
            log.exception("async job failed", job_id=job_id)
            self._results.delete(job_id)
            message = "The service failed while running this job; the fault is logged."
            self._store.mark_error(job_id, _now(), JobError("transient", message), message)

    def _stored_part(self, job_id: str, name: str) -> Callable[[], Iterator[bytes]]:
        """A stored upload part, read in pieces each time it is used."""

        def chunks() -> Iterator[bytes]:
            stored = self._results.read(job_id, name)
            if stored is None:
                raise ServiceError(f"The job's uploaded table {name!r} is no longer stored")
            yield from stored

        return chunks


class InProcessRunner:
    """Runs jobs in this process's worker threads, ``concurrency`` at a time."""

    def __init__(self, executor: JobExecutor, concurrency: int) -> None:
        self._executor = executor
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, job_id: str) -> None:
        """Start the job when a slot is free (returns at once)."""
        task = asyncio.get_running_loop().create_task(self._run(job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job_id: str) -> None:
        async with self._slots:
            await asyncio.to_thread(self._executor.execute, job_id)

    async def aclose(self) -> None:
        """Stop waiting for queued jobs (running threads finish on their own)."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
