"""The process's async-job resources: the job store, the result store, the in-process
runner and the phase-change notifier; created in the lifespan.

On start, jobs left EXECUTING by a previous run of the embedded server end in ERROR
(their thread died with the process), and QUEUED jobs are run.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass

import structlog

from app.config import Config
from app.services.job_runner import InProcessRunner, JobEvents
from app.storage.job_tables import create_job_tables
from app.storage.jobs import JobStore
from app.storage.result_store import ResultStore
from app.uws.models import Job

__all__ = ["JobResources", "JobsDependency", "jobs_dependency"]

log = structlog.get_logger("obscura")

STALE_MESSAGE = (
    "The job ran past its execution duration without finishing (its runner may have "
    "died); it was stopped."
)
RESTART_MESSAGE = (
    "The service restarted while this job was executing; its result was lost. Run the query again."
)


@dataclass(frozen=True, slots=True)
class JobResources:
    """What the job service needs from the process."""

    store: JobStore
    results: ResultStore
    runner: InProcessRunner
    events: JobEvents


class JobsDependency:
    """Holds the job resources between :meth:`initialize` and :meth:`aclose`."""

    def __init__(self) -> None:
        self._resources: JobResources | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def initialize(self, config: Config, store: JobStore) -> list[Job]:
        """Create the job tables, recover from a previous run; returns the QUEUED jobs
        to hand to the runner."""
        await asyncio.to_thread(create_job_tables, store.engine)
        embedded = store.engine.dialect.name == "sqlite"
        now = datetime.datetime.now(datetime.UTC)
        failed = await asyncio.to_thread(
            store.fail_stale_executing, now, RESTART_MESSAGE, all_executing=embedded
        )
        if failed:
            log.warning("jobs left executing ended in ERROR", jobs=failed)
        events = JobEvents()
        events.bind(asyncio.get_running_loop())
        results = ResultStore(config.data_dir / "results")
        runner = InProcessRunner(config.job_concurrency)
        self._resources = JobResources(store, results, runner, events)
        self._sweeper = asyncio.get_running_loop().create_task(
            self._sweep_forever(config.job_sweep_seconds)
        )
        return await asyncio.to_thread(store.queued)

    async def _sweep_forever(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.sweep)
            except Exception:
                log.exception("sweeping expired jobs failed")

    def sweep(self) -> list[str]:
        """Delete the jobs past their destruction time, with their results, and end in
        ERROR the jobs executing past their lease (blocking)."""
        resources = self()
        now = datetime.datetime.now(datetime.UTC)
        stale = resources.store.fail_stale_executing(now, STALE_MESSAGE)
        for job_id in stale:
            resources.events.cancel(job_id)
            resources.events.notify(job_id)
        if stale:
            log.warning("jobs executing past their lease ended in ERROR", jobs=stale)
        expired = resources.store.expired(now)
        for job_id in expired:
            resources.store.mark_aborted(job_id, now)
            resources.events.cancel(job_id)
            resources.store.delete_expired(job_id)
            resources.results.delete(job_id)
            resources.events.notify(job_id)
        if expired:
            log.info("expired jobs deleted", jobs=len(expired))
        return expired

    async def aclose(self) -> None:
        """Stop the sweeper and the runner."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        if self._resources is not None:
            await self._resources.runner.aclose()
            self._resources = None

    def __call__(self) -> JobResources:
        if self._resources is None:
            raise RuntimeError("jobs dependency used before initialize()")
        return self._resources


jobs_dependency = JobsDependency()
