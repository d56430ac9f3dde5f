"""The queue runner: async jobs run on ``obscura worker`` processes, not in the API.

Submitting defers the job's task with the job id as queueing lock, so submitting a job
twice (an API restart re-submitting its QUEUED jobs, two replicas doing so at once)
queues it once. The sweep here clears the queue entries of workers that died; the jobs
themselves are ended by the job lease (``app.uws.executor``).
"""

from __future__ import annotations

import contextlib

import procrastinate
import structlog
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Status

from app.uws.task_queue import RUN_JOB

__all__ = ["QueueRunner"]

log = structlog.get_logger("obscura")


class QueueRunner:
    """Defers jobs to the task queue (``app`` must be open)."""

    def __init__(self, app: procrastinate.App, *, stalled_seconds: float) -> None:
        self._app = app
        self._stalled_seconds = stalled_seconds

    async def submit(self, job_id: str) -> None:
        """Queue the job's task, once."""
        deferrer = self._app.configure_task(RUN_JOB, queueing_lock=job_id)
        with contextlib.suppress(AlreadyEnqueued):  # queued already: once is enough
            await deferrer.defer_async(job_id=job_id)

    async def clear_stalled(self) -> list[str]:
        """Remove the queue entries left ``doing`` by workers that stopped sending
        heartbeats; returns the job ids they were running."""
        manager = self._app.job_manager
        stalled = await manager.get_stalled_jobs(
            task_name=RUN_JOB, seconds_since_heartbeat=self._stalled_seconds
        )
        cleared = []
        for entry in stalled:
            await manager.finish_job(entry, status=Status.FAILED, delete_job=True)
            cleared.append(str(entry.task_kwargs.get("job_id")))
        if cleared:
            log.warning("queue entries of stopped workers cleared", jobs=cleared)
        return cleared

    async def aclose(self) -> None:
        """Close the queue's connections."""
        await self._app.close_async()
