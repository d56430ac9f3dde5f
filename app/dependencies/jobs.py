"""The process's async-job resources: the job store, the result store, the runner (in
this process, or the task queue feeding ``obscura worker`` processes) and the
phase-change notifier; created in the lifespan.

On start, jobs left EXECUTING by a previous run of the embedded server end in ERROR
(their thread died with the process), and QUEUED jobs are submitted again (the queue
runner queues each once however often it is submitted). A sweeper, in every API
process, deletes expired jobs and ends in ERROR the jobs whose runner stopped renewing
its lease.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass

import structlog

from app.config import Config
from app.dependencies.database import DatabaseResources
from app.factory import create_job_executor
from app.services.job_queue import QueueRunner
from app.services.job_runner import InProcessRunner, JobEvents, JobRunner
from app.storage.job_notifications import listen_phase_changes
from app.storage.job_tables import create_job_tables
from app.storage.jobs import JobStore
from app.storage.result_store import ResultStore
from app.storage.task_queue import ensure_queue_schema, queue_app

__all__ = ["JobResources", "JobsDependency"]

log = structlog.get_logger("obscura")

STALE_MESSAGE = (
    "The job's runner stopped while the job was executing (its worker process may have "
    "died); the job was ended and its result is lost. Run the query again."
)
RESTART_MESSAGE = (
    "The service restarted while this job was executing; its result was lost. Run the query again."
)
QUEUE_CONNECTIONS = 4
"""Connections an API process keeps to defer jobs to the task queue."""


@dataclass(frozen=True, slots=True)
class JobResources:
    """What the job service needs from the process."""

    store: JobStore
    results: ResultStore
    runner: JobRunner
    events: JobEvents


async def _runner(
    config: Config,
    database: DatabaseResources,
    *,
    store: JobStore,
    results: ResultStore,
    events: JobEvents,
) -> JobRunner:
    if config.job_runner == "queue":
        await asyncio.to_thread(ensure_queue_schema, store.engine)
        app = queue_app(config.effective_database_url, max_connections=QUEUE_CONNECTIONS)
        await app.open_async()
        return QueueRunner(app, stalled_seconds=config.job_lease_seconds)
    executor = create_job_executor(config, database, store=store, results=results, events=events)
    return InProcessRunner(executor, config.job_concurrency)


class JobsDependency:
    """Holds the job resources between :meth:`initialize` and :meth:`aclose`."""

    def __init__(self) -> None:
        self._resources: JobResources | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    async def initialize(self, config: Config, database: DatabaseResources) -> int:
        """Create the job tables, recover from a previous run, submit the QUEUED jobs
        again; returns how many there were."""
        store = JobStore(database.sync_engine)
        await asyncio.to_thread(create_job_tables, store.engine)
        if store.engine.dialect.name == "sqlite":
            # Embedded: no other process can be running any of them.
            now = datetime.datetime.now(datetime.UTC)
            failed = await asyncio.to_thread(
                store.fail_stale_executing, now, RESTART_MESSAGE, all_executing=True
            )
            if failed:
                log.warning("jobs left executing ended in ERROR", jobs=failed)
        events = JobEvents()
        events.bind(asyncio.get_running_loop())
        results = ResultStore(config.result_location)
        runner = await _runner(config, database, store=store, results=results, events=events)
        self._resources = JobResources(store, results, runner, events)
        queued = await asyncio.to_thread(store.queued)
        for job in queued:
            await runner.submit(job.job_id)
        loop = asyncio.get_running_loop()
        self._sweeper = loop.create_task(self._sweep_forever(config.job_sweep_seconds))
        if store.engine.dialect.name == "postgresql":
            # Phase changes made by workers and other replicas wake this one's waiters.
            url = config.effective_database_url
            self._listener = loop.create_task(listen_phase_changes(url, events.notify))
        return len(queued)

    async def _sweep_forever(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep()
            except Exception:
                log.exception("sweeping jobs failed")

    async def sweep(self) -> list[str]:
        """Delete the jobs past their destruction time, with their results, and end in
        ERROR the jobs whose lease lapsed; returns the ids of the deleted jobs."""
        runner = self().runner
        if isinstance(runner, QueueRunner):
            await runner.clear_stalled()
        return await asyncio.to_thread(self._sweep_store)

    def _sweep_store(self) -> list[str]:
        resources = self()
        now = datetime.datetime.now(datetime.UTC)
        stale = resources.store.fail_stale_executing(now, STALE_MESSAGE)
        for job_id in stale:
            resources.events.cancel(job_id)
            resources.events.notify(job_id)
        if stale:
            log.warning("jobs whose runner stopped ended in ERROR", jobs=stale)
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
        for task in (self._sweeper, self._listener):
            if task is not None:
                task.cancel()
        self._sweeper = self._listener = None
        if self._resources is not None:
            await self._resources.runner.aclose()
            self._resources = None

    def __call__(self) -> JobResources:
        if self._resources is None:
            raise RuntimeError("jobs dependency used before initialize()")
        return self._resources
