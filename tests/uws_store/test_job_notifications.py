"""PostgreSQL announces every job phase change, whichever process makes it; renewing a
lease (no phase change) is not announced."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from app.storage.database import create_sync_engine
from app.uws.models import ExecutionPhase, Job, new_job_id
from app.uws.notifications import listen_phase_changes
from app.uws.store import JobStore
from app.uws.tables import create_job_tables
from tests.support.pgcluster import PostgresCluster

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _job() -> Job:
    return Job(
        job_id=new_job_id(),
        owner=None,
        phase=ExecutionPhase.PENDING,
        run_id=None,
        creation_time=NOW,
        start_time=None,
        end_time=None,
        execution_duration=60,
        destruction_time=None,
        quote=None,
    )


async def test_phase_changes_are_announced(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database("notifications")
    engine = create_sync_engine(url)
    create_job_tables(engine)
    create_job_tables(engine)  # idempotent, trigger included
    store = JobStore(engine)
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = asyncio.create_task(listen_phase_changes(url, heard.put_nowait))
    try:
        job = _job()
        store.add(job)  # creation is not a phase change
        await asyncio.sleep(0.5)  # the listener is connected by now
        assert await asyncio.to_thread(store.mark_queued, job.job_id)
        assert await asyncio.wait_for(heard.get(), 5) == job.job_id
        lease = NOW + timedelta(seconds=30)
        assert await asyncio.to_thread(store.mark_executing, job.job_id, NOW, lease)
        assert await asyncio.wait_for(heard.get(), 5) == job.job_id
        assert await asyncio.to_thread(store.renew_lease, job.job_id, lease)
        assert await asyncio.to_thread(store.delete, job.job_id, None)
        assert await asyncio.wait_for(heard.get(), 5) == job.job_id  # the delete, not the lease
        assert heard.empty()
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        engine.dispose()
