"""UWS 1.1 operations on one service's async jobs (TAP queries, SODA cutouts): create,
list, inspect (with a blocking WAIT), run, abort, change, delete. Every operation is
scoped to the caller and the service: another user's job, or another service's, is
indistinguishable from no job (404).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass

from app.dali import DaliParameters
from app.faults import NotFoundError, UsageError
from app.uws.events import JobEvents
from app.uws.filters import JobFilter
from app.uws.models import ExecutionPhase, Job, JobParameter, new_job_id, parse_uws_time
from app.uws.results import ResultStore
from app.uws.runners import JobRunner
from app.uws.store import JobStore
from app.uws.stored_parameters import store_parts

__all__ = ["WAIT_MAX_SECONDS", "JobPolicy", "JobService"]

WAIT_MAX_SECONDS = 60.0
"""The longest a WAIT blocks (UWS lets the server cap it; -1 means this)."""
_RECHECK_SECONDS = 1.0
"""While waiting, how often the phase is re-read, for changes made by other processes."""
_CONTROL = {"PHASE", "ACTION", "WAIT"}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True, slots=True)
class JobPolicy:
    """The deployment's limits on jobs."""

    active_limit: int
    """Queued and executing jobs one user may have at once (per service)."""
    stored_limit: int
    """Jobs one user may have stored at once, in any phase (per service)."""
    execution_seconds: int
    """Default and largest execution duration."""
    lifetime_seconds: int
    """How long a job is kept after its creation, at most."""


class JobService:
    """One service's async jobs, for one user."""

    def __init__(
        self,
        *,
        service: str,
        list_url: str,
        store: JobStore,
        results: ResultStore,
        runner: JobRunner,
        events: JobEvents,
        policy: JobPolicy,
        owner: str | None,
    ) -> None:
        self._service = service
        self._list_url = list_url
        self._store = store.for_service(service)
        self._results = results
        self._runner = runner
        self._events = events
        self._policy = policy
        self.owner = owner

    def job_url(self, job_id: str) -> str:
        """The job's public URL."""
        return f"{self._list_url}/{job_id}"

    def list_url(self) -> str:
        """The job list's public URL."""
        return self._list_url

    async def create(self, params: DaliParameters) -> Job:
        """A new PENDING job with the request's parameters (run at once with PHASE=RUN)."""
        job_id = new_job_id()
        parameters = tuple(
            JobParameter(name.upper(), value)
            for name, values in params.values.items()
            if name.upper() not in _CONTROL
            for value in values
        )
        try:
            parameters += await store_parts(self._results, job_id, params)
            now = _now()
            job = Job(
                job_id=job_id,
                owner=self.owner,
                phase=ExecutionPhase.PENDING,
                run_id=params.one("RUNID"),
                creation_time=now,
                start_time=None,
                end_time=None,
                execution_duration=self._policy.execution_seconds,
                destruction_time=now + datetime.timedelta(seconds=self._policy.lifetime_seconds),
                quote=None,
                parameters=parameters,
                service=self._service,
            )
            limit = self._policy.stored_limit
            if not await asyncio.to_thread(self._store.add_within_limit, job, limit):
                raise UsageError(
                    f"You have {limit} jobs stored, the most allowed; delete jobs you no "
                    "longer need (HTTP DELETE on the job's URL) and submit this one again"
                )
            if (params.one("PHASE") or "").upper() == "RUN":
                await self.run(job.job_id)
        except BaseException:
            # Refused (or failed): the client never learns the job's URL, so nothing of
            # it may stay, neither its row nor the parts already stored.
            await asyncio.to_thread(self._store.delete, job_id, self.owner)
            await asyncio.to_thread(self._results.delete, job_id)
            raise
        return job

    async def get(self, job_id: str) -> Job:
        """The caller's job, or NotFoundError."""
        job = await asyncio.to_thread(self._store.get, job_id, self.owner)
        if job is None:
            raise NotFoundError(f"No job {job_id!r} (it may have been deleted or expired)")
        return job

    async def wait(self, job_id: str, seconds: float, phase: str | None) -> Job:
        """The job once its phase differs from ``phase`` (default: its phase now), or
        after ``seconds`` (capped; negative means the cap). Returns at once unless the
        job is PENDING, QUEUED or EXECUTING."""
        # The event is taken before each read, so a change right after the read still
        # wakes this request (an event is replaced only once it has been set).
        with self._events.watch(job_id):
            event = self._events.event(job_id)
            job = await self.get(job_id)
            start = job.phase
            if phase is not None and phase.upper() != start.value:
                return job
            limit = WAIT_MAX_SECONDS if seconds < 0 else min(seconds, WAIT_MAX_SECONDS)
            deadline = time.monotonic() + limit
            while job.phase == start and job.phase.is_active:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(remaining, _RECHECK_SECONDS))
                event = self._events.event(job_id)
                job = await self.get(job_id)
            return job

    async def list(self, filters: JobFilter) -> list[Job]:
        """The caller's jobs, newest first."""
        phases = [p.value for p in filters.phases] or None
        return await asyncio.to_thread(
            self._store.list, self.owner, phases, filters.after, filters.last
        )

    async def run(self, job_id: str) -> None:
        """Queue the job (PHASE=RUN)."""
        job = await self.get(job_id)
        if job.phase not in (ExecutionPhase.PENDING, ExecutionPhase.HELD):
            if job.phase in (ExecutionPhase.QUEUED, ExecutionPhase.EXECUTING):
                return
            raise UsageError(f"Job {job_id} is {job.phase.value} and cannot be run again")
        limit = self._policy.active_limit
        queued = await asyncio.to_thread(self._store.queue_within_limit, job_id, self.owner, limit)
        if queued is None:
            raise UsageError(
                f"You have {limit} jobs queued or executing, the most allowed at once; "
                "wait for one to finish (or abort one) and run this job again"
            )
        if queued:
            self._events.notify(job_id)
            await self._runner.submit(job_id)

    async def abort(self, job_id: str) -> None:
        """PHASE=ABORT: a job not yet finished ends ABORTED."""
        await self.get(job_id)
        if await asyncio.to_thread(self._store.mark_aborted, job_id, _now()):
            self._events.cancel(job_id)
            self._events.notify(job_id)

    async def delete(self, job_id: str) -> None:
        """Delete the job and its results."""
        await self.get(job_id)
        await asyncio.to_thread(self._store.mark_aborted, job_id, _now())
        self._events.cancel(job_id)
        await asyncio.to_thread(self._store.delete, job_id, self.owner)
        await asyncio.to_thread(self._results.delete, job_id)
        self._events.notify(job_id)

    async def set_parameters(self, job_id: str, params: DaliParameters) -> None:
        """Add or replace parameters while the job is PENDING."""
        job = await self.get(job_id)
        given = {name.upper(): values for name, values in params.values.items()}
        kept = [p for p in job.parameters if p.id not in given]
        added = [JobParameter(n, v) for n, values in given.items() for v in values]
        if not await asyncio.to_thread(
            self._store.set_parameters, job_id, self.owner, [*kept, *added]
        ):
            raise UsageError(
                f"Job {job_id} is {job.phase.value}: parameters change only while PENDING"
            )

    async def set_destruction(self, job_id: str, value: str) -> None:
        """DESTRUCTION: only ever earlier than the service's own limit."""
        job = await self.get(job_id)
        try:
            wanted = parse_uws_time(value)
        except ValueError as exc:
            raise UsageError(f"DESTRUCTION: {exc}") from None
        latest = job.creation_time + datetime.timedelta(seconds=self._policy.lifetime_seconds)
        await asyncio.to_thread(
            self._store.set_destruction, job_id, self.owner, min(wanted, latest)
        )

    async def set_execution_duration(self, job_id: str, value: str) -> None:
        """EXECUTIONDURATION in seconds, capped by the service's limit (0 = the limit)."""
        await self.get(job_id)
        try:
            seconds = int(value)
        except ValueError:
            raise UsageError(f"EXECUTIONDURATION must be whole seconds, not {value!r}") from None
        if seconds < 0:
            raise UsageError("EXECUTIONDURATION must not be negative")
        limit = self._policy.execution_seconds
        seconds = limit if seconds == 0 else min(seconds, limit)
        await asyncio.to_thread(self._store.set_execution_duration, job_id, self.owner, seconds)

    async def result(self, job_id: str, name: str) -> tuple[Iterator[bytes], str | None]:
        """A result's bytes and its MIME type."""
        job = await self.get(job_id)
        found = next((r for r in job.results if r.id == name), None)
        chunks = None if found is None else self._results.read(job_id, name)
        if found is None or chunks is None:
            raise NotFoundError(f"Job {job_id} has no result {name!r}")
        return chunks, found.mime_type

    async def error_message(self, job_id: str) -> str:
        """Why the job failed."""
        job = await self.get(job_id)
        if job.error is None:
            raise NotFoundError(f"Job {job_id} has no error (it is {job.phase.value})")
        detail = await asyncio.to_thread(self._store.error_detail, job_id, self.owner)
        return detail or job.error.message
