"""Housekeeping of the job store, in every API process: at start, the recovery of jobs a
previous run left behind; then, periodically, the sweep.

The sweep deletes the jobs past their destruction time (with their results), ends in
ERROR the jobs whose runner stopped renewing its lease (its worker died), and clears
the task queue's entries of workers that stopped.
"""

from __future__ import annotations

import asyncio
import datetime

import structlog

from app.storage.unavailable import database_unavailable
from app.uws.events import JobEvents
from app.uws.queue_runner import QueueRunner
from app.uws.results import ResultStore
from app.uws.runners import JobRunner
from app.uws.store import JobStore

__all__ = ["JobSweeper", "recover_after_restart"]

log = structlog.get_logger("obscura")

STALE_MESSAGE = (
    "The job's runner stopped while the job was executing (its worker process may have "
    "died); the job was ended and its result is lost. Run the query again."
)
RESTART_MESSAGE = (
    "The service restarted while this job was executing; its result was lost. Run the query again."
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def recover_after_restart(store: JobStore) -> list[str]:
    """End in ERROR every job left EXECUTING (blocking). Only for the embedded server:
    no other process can be running any of them."""
    failed = store.fail_stale_executing(_now(), RESTART_MESSAGE, all_executing=True)
    if failed:
        log.warning("jobs left executing ended in ERROR", jobs=failed)
    return failed


class JobSweeper:
    """Sweeps the job store every ``interval`` seconds while :meth:`run` runs."""

    def __init__(
        self,
        *,
        store: JobStore,
        results: ResultStore,
        events: JobEvents,
        runner: JobRunner,
        interval: float,
    ) -> None:
        self._store = store
        self._results = results
        self._events = events
        self._runner = runner
        self._interval = interval

    async def run(self) -> None:
        """Sweep forever (cancel the task to stop)."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.sweep()
            except Exception as exc:
                if not database_unavailable(exc):
                    log.exception("sweeping jobs failed")
                else:  # the next sweep will do it
                    log.warning("sweeping jobs: the database cannot be reached", error=str(exc))

    async def sweep(self) -> list[str]:
        """One sweep; returns the ids of the deleted jobs."""
        if isinstance(self._runner, QueueRunner):
            await self._runner.clear_stalled()
        return await asyncio.to_thread(self._sweep_store)

    def _sweep_store(self) -> list[str]:
        now = _now()
        stale = self._store.fail_stale_executing(now, STALE_MESSAGE)
        for job_id in stale:
            self._events.cancel(job_id)
            self._events.notify(job_id)
        if stale:
            log.warning("jobs whose runner stopped ended in ERROR", jobs=stale)
        expired = self._store.expired(now)
        for job_id in expired:
            self._store.mark_aborted(job_id, now)
            self._events.cancel(job_id)
            self._store.delete_expired(job_id)
            self._results.delete(job_id)
            self._events.notify(job_id)
        if expired:
            log.info("expired jobs deleted", jobs=len(expired))
        return expired
