"""Running one async job to its end, wherever it runs: the executor every runner uses.

:class:`JobExecutor` claims the job (a conditional update, so two runners can never both
run it), keeps a short lease on it while its service's :class:`JobWork` runs (the TAP
query, the cutouts), and records COMPLETED with the results, or ERROR.

The lease is how a job survives its runner's death: :class:`LeaseKeeper` renews it every
few seconds and stops the query as soon as the job is no longer EXECUTING (aborted or
deleted, perhaps through another API replica); a job whose lease lapses (its worker was
killed) is ended in ERROR by the sweeper. The keeper stops renewing once the job's
execution duration (plus a grace period) is over, so no job stays EXECUTING forever.

The runners (``app/uws/runners.py``, ``app/uws/queue_runner.py``) only decide where
``JobExecutor.execute`` is called.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Protocol

import structlog

from adql import AdqlError
from app.faults import FatalError, ServiceError
from app.storage.query_cancel import QueryCancel
from app.storage.unavailable import database_unavailable
from app.uws.events import JobEvents
from app.uws.models import ExecutionPhase, Job, JobError, JobResult
from app.uws.results import ResultBudget, ResultStore
from app.uws.store import JobStore

__all__ = ["LEASE_GRACE_SECONDS", "JobExecutor", "JobWork", "LeaseKeeper"]

log = structlog.get_logger("obscura")

LEASE_GRACE_SECONDS = 60
"""How long past its execution duration a job's lease is still renewed (time to write
the result after the query's own time limit)."""
RECORD_RETRY_SECONDS = 30
"""How long a job that lost its database keeps trying to record that it ended."""
LOST = (
    "The archive database could not be reached while this job ran (it may have been "
    "restarting); please run the job again"
)
CHECK_SECONDS = 1.0
"""How often a running job's phase is checked (how fast an abort elsewhere stops it)."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


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
            except Exception as exc:  # the database may be briefly away; the next tick retries
                away = database_unavailable(exc)
                log.warning("checking a running job failed", error=str(exc), exc_info=not away)
                continue
            if not alive:
                self._cancel.cancel()
                return


class JobWork(Protocol):
    """What one service's jobs do (TAP: run the query and store its result)."""

    def run(self, job: Job, cancel: QueryCancel, budget: ResultBudget) -> list[JobResult]:
        """Do the job's work and store its results (blocking), passing every result's
        bytes through ``budget.counted``; returns them.

        Raises
        ------
        app.faults.ServiceError, adql.AdqlError
            When the job fails for a reason its owner can read; anything else is a
            server fault.
        """
        ...


class JobExecutor:
    """Runs queued jobs to their end, whatever their service (blocking; called by every
    runner)."""

    def __init__(
        self,
        *,
        store: JobStore,
        results: ResultStore,
        work: Mapping[str, JobWork],
        events: JobEvents,
        lease_seconds: float,
        result_bytes_limit: int | None = None,
    ) -> None:
        self._result_bytes_limit = result_bytes_limit
        self._store = store
        self._results = results
        self._work = work
        self._events = events
        self._lease_seconds = lease_seconds

    def execute(self, job_id: str) -> None:
        """Run the job if it is still QUEUED (otherwise do nothing: it was aborted,
        deleted or claimed by another runner meanwhile)."""
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            try:
                self._execute(job_id)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                log.warning("async job: the database cannot be reached", error=str(exc))
                self._record_lost(job_id)

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
            work = self._work.get(job.service)
            if work is None:
                raise FatalError(f"This service does not run {job.service!r} jobs")
            results = work.run(job, cancel, self._budget(job))
            if not self._store.mark_completed(job_id, _now(), results):
                # Aborted or deleted while its results were written: they are nobody's.
                self._results.delete(job_id)
        except (ServiceError, AdqlError) as exc:
            self._results.delete(job_id)
            kind = exc.job_error_type if isinstance(exc, ServiceError) else "fatal"
            self._store.mark_error(job_id, _now(), JobError(kind, str(exc)), str(exc))
        except Exception:
            self._results.delete(job_id)
            if not self._still_running(job_id):
                # Deleted or aborted meanwhile (its results' folder removed under the
                # writer, say): the failure is the deletion's doing, not a fault.
                log.info("async job ended while deleted or aborted")
                return
            log.exception("async job failed")
            message = "The service failed while running this job; the fault is logged."
            self._store.mark_error(job_id, _now(), JobError("transient", message), message)

    def _record_lost(self, job_id: str) -> None:
        """End the job in ERROR once the database answers again (for up to
        :data:`RECORD_RETRY_SECONDS`; after that its lease lapses and the sweeper ends it)."""
        deadline = time.monotonic() + RECORD_RETRY_SECONDS
        while True:
            try:
                self._results.delete(job_id)
                self._store.mark_error(job_id, _now(), JobError("transient", LOST), LOST)
            except Exception as exc:
                if not database_unavailable(exc) or time.monotonic() > deadline:
                    log.warning("could not record the job's end", error=str(exc))
                    return
                time.sleep(1)
            else:
                self._events.notify(job_id)
                return

    def _budget(self, job: Job) -> ResultBudget:
        limit = self._result_bytes_limit
        if limit is None:
            return ResultBudget(None)
        # Jobs of one owner running at once each start from what is left: together they
        # may pass the allowance by at most one budget each, within the active-job limit.
        return ResultBudget(max(0, limit - self._store.result_bytes(job.owner)), limit)

    def _still_running(self, job_id: str) -> bool:
        job = self._store.load(job_id)
        return job is not None and job.phase == ExecutionPhase.EXECUTING
