"""Where queued jobs run: the :class:`JobRunner` protocol and the in-process runner (the
embedded default). The queue runner, for ``obscura worker`` processes, is in
``app/uws/queue_runner.py``. A runner only decides where ``JobExecutor.execute`` is
called.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from app.uws.executor import JobExecutor

__all__ = ["InProcessRunner", "JobRunner"]


class JobRunner(Protocol):
    """Somewhere queued jobs run."""

    async def submit(self, job_id: str) -> None:
        """Run the QUEUED job ``job_id`` when there is room."""

    async def aclose(self) -> None:
        """Stop taking jobs."""


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
