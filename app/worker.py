"""``obscura worker``: runs async jobs from the task queue, on any machine.

Each worker takes up to ``OBSCURA_JOB_CONCURRENCY`` jobs at once from the PostgreSQL
queue the API replicas defer to, and runs them with the same executor as the embedded
runner (claim, lease, query, result store). It heartbeats to the queue at a third of the
job lease, so a worker that dies is noticed within one lease. SIGINT or SIGTERM stop it
after its running jobs finish.
"""

from __future__ import annotations

import os
import socket

import structlog

from app.config import Config
from app.resources import open_resources
from app.uws.task_queue import RUN_JOB, queue_app

__all__ = ["run_worker"]

log = structlog.get_logger("obscura")

EXTRA_CONNECTIONS = 3
"""Queue connections beyond one per running job (listening, heartbeats, polling)."""


async def run_worker(config: Config) -> None:
    """Serve the task queue until stopped by a signal."""
    async with open_resources(config, role="worker") as resources:
        executor = resources.executor
        queue = queue_app(
            config.effective_database_url,
            max_connections=config.job_concurrency + EXTRA_CONNECTIONS,
        )
        name = f"{socket.gethostname()}-{os.getpid()}"

        @queue.task(name=RUN_JOB)
        def run_job(job_id: str) -> None:
            log.info("job taken", job_id=job_id, worker=name)
            executor.execute(job_id)
            log.info("job left", job_id=job_id, worker=name)

        log.info("worker started", name=name, concurrency=config.job_concurrency)
        async with queue.open_async():
            await queue.run_worker_async(
                name=name,
                concurrency=config.job_concurrency,
                delete_jobs="always",
                update_heartbeat_interval=config.job_lease_seconds / 3,
                stalled_worker_timeout=config.job_lease_seconds,
            )
        log.info("worker stopped", name=name)
