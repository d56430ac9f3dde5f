"""``obscura worker``: runs async jobs from the task queue, on any machine.

Each worker takes up to ``OBSCURA_JOB_CONCURRENCY`` jobs at once from the PostgreSQL
queue the API replicas defer to, and runs them with the same executor as the embedded
runner (claim, lease, query, result store). It heartbeats to the queue at a third of the
job lease, so a worker that dies is noticed within one lease. SIGINT or SIGTERM stop it
after its running jobs finish.
"""

from __future__ import annotations

import asyncio
import os
import socket

import structlog

from app.config import Config
from app.dependencies.database import DatabaseDependency
from app.factory import create_job_executor
from app.services.job_runner import JobEvents
from app.storage.job_tables import create_job_tables
from app.storage.jobs import JobStore
from app.storage.result_store import ResultStore
from app.storage.task_queue import RUN_TAP_JOB, ensure_queue_schema, queue_app

__all__ = ["run_worker"]

log = structlog.get_logger("obscura")

EXTRA_CONNECTIONS = 3
"""Queue connections beyond one per running job (listening, heartbeats, polling)."""


async def run_worker(config: Config) -> None:
    """Serve the task queue until stopped by a signal."""
    url = config.effective_database_url
    database_dependency = DatabaseDependency()
    await database_dependency.initialize(url)
    try:
        database = database_dependency()
        store = JobStore(database.sync_engine)
        await asyncio.to_thread(create_job_tables, store.engine)
        await asyncio.to_thread(ensure_queue_schema, store.engine)
        executor = create_job_executor(
            config,
            database,
            store=store,
            results=ResultStore(config.result_location),
            events=JobEvents(),
        )
        app = queue_app(url, max_connections=config.job_concurrency + EXTRA_CONNECTIONS)

        name = f"{socket.gethostname()}-{os.getpid()}"

        @app.task(name=RUN_TAP_JOB)
        def run_tap_job(job_id: str) -> None:
            log.info("job taken", job_id=job_id, worker=name)
            executor.execute(job_id)
            log.info("job left", job_id=job_id, worker=name)

        log.info("worker started", name=name, concurrency=config.job_concurrency)
        async with app.open_async():
            await app.run_worker_async(
                name=name,
                concurrency=config.job_concurrency,
                delete_jobs="always",
                update_heartbeat_interval=config.job_lease_seconds / 3,
                stalled_worker_timeout=config.job_lease_seconds,
            )
        log.info("worker stopped", name=name)
    finally:
        await database_dependency.aclose()
