"""The composition root: every resource a process holds, built once, here, for the API's
lifespan and for ``obscura worker`` alike.

One database access model: a blocking SQLAlchemy engine, used from worker threads
(queries stream rows from the driver's own cursor; the job store, availability and the
landing page use the same pool). Built at start: the schema brought to the newest
revision, the ADQL catalog read from TAP_SCHEMA, the job store, the result store and the
executor that runs jobs of every service. The API role adds where its jobs run (in this
process, or deferred to the task queue), the recovery of jobs a previous run left
behind, the sweeper, and on PostgreSQL the listener for phase changes made elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

import anyio
import sqlalchemy as sa
import structlog

from app.client_slots import ClientSlots
from app.config import Config
from app.factory import create_job_executor
from app.storage.database import SERVER_CACHE_MIB, archive_schema, create_sync_engine
from app.storage.schema_migrations import upgrade_database
from app.uws.events import JobEvents
from app.uws.executor import JobExecutor
from app.uws.notifications import listen_phase_changes
from app.uws.queue_runner import QueueRunner
from app.uws.results import ResultStore
from app.uws.runners import InProcessRunner, JobRunner
from app.uws.store import JobStore
from app.uws.sweeper import JobSweeper, recover_after_restart
from app.uws.task_queue import ensure_queue_schema, queue_app
from app.vosi.tables import TableDocuments
from obscore.catalog import ArchiveCatalog, catalog_from_rows, load_tap_schema
from obscore.schema import ArchiveSchema
from pixels.file_cache import FileCache

__all__ = ["Resources", "open_resources"]

log = structlog.get_logger("obscura")

QUEUE_CONNECTIONS = 4
"""Connections an API process keeps to defer jobs to the task queue."""


@dataclass(frozen=True, slots=True)
class Resources:
    """What a process holds while it runs."""

    config: Config
    engine: sa.Engine
    read_engines: tuple[sa.Engine, ...]
    """The read replicas' engines (none: every query goes to ``engine``)."""
    schema: ArchiveSchema
    catalog: ArchiveCatalog
    table_documents: TableDocuments
    """VOSI tables, from the same TAP_SCHEMA rows as the catalog."""
    jobs: JobStore
    results: ResultStore
    events: JobEvents
    executor: JobExecutor
    runner: JobRunner | None
    """Where this process sends jobs to run (None in a worker: it is where they run)."""
    upload_limiter: anyio.CapacityLimiter
    """Requests reading uploaded tables at once."""
    client_slots: ClientSlots
    """Heavy requests running per client."""
    health_limiter: anyio.CapacityLimiter
    """Availability checks at once (a thread each, apart from the queries')."""
    file_cache: FileCache
    """Made files: demo images, previews, thumbnails."""


def _published(engine: sa.Engine, schema: ArchiveSchema) -> tuple[ArchiveCatalog, TableDocuments]:
    """The ADQL catalog and the VOSI tables, from TAP_SCHEMA as the database holds it."""
    with engine.connect() as conn:
        rows = load_tap_schema(conn, schema)
    return catalog_from_rows(rows["tables"], rows["columns"]), TableDocuments(rows)


def _server_engine(url: str) -> sa.Engine:
    """An engine of the server's: connections checked before use (a restarted database
    costs no request), LIFO so the most recent connections are reused (warm caches) and
    the rest stay idle."""
    return create_sync_engine(
        url,
        cache_mib=SERVER_CACHE_MIB,
        pool_pre_ping=True,
        pool_use_lifo=True,
        pool_size=10,
        max_overflow=20,
    )


@contextlib.asynccontextmanager
async def open_resources(
    config: Config, *, role: Literal["api", "worker"], recover: bool = True
) -> AsyncIterator[Resources]:
    """The process's resources, released on exit. ``recover=False`` when the embedded
    server's jobs left executing were already ended by the parent of several processes
    (see :func:`app.main.create_process_app`)."""
    engine = _server_engine(config.effective_database_url)
    replicas = config.database_read_urls if role == "api" else []
    read_engines = tuple(_server_engine(replica) for replica in replicas)
    try:
        await asyncio.to_thread(upgrade_database, engine)
        schema = await asyncio.to_thread(archive_schema, engine)
        catalog, table_documents = await asyncio.to_thread(_published, engine, schema)
        store = JobStore(engine)
        results = ResultStore(config.result_location)
        events = JobEvents()
        events.bind(asyncio.get_running_loop())
        cache = FileCache(config.pixel_cache_location, cap_bytes=config.pixel_cache_bytes)
        executor = create_job_executor(
            config, engine=engine, schema=schema, catalog=catalog, store=store, results=results,
            events=events, cache=cache,
        )  # fmt: skip
        async with contextlib.AsyncExitStack() as stack:
            runner: JobRunner | None = None
            if role == "api":
                runner = await stack.enter_async_context(
                    _api_jobs(config, store, results, events, executor, recover=recover)
                )
            elif engine.dialect.name == "postgresql":
                await asyncio.to_thread(ensure_queue_schema, engine)
            yield Resources(
                config=config,
                engine=engine,
                read_engines=read_engines,
                schema=schema,
                catalog=catalog,
                table_documents=table_documents,
                jobs=store,
                results=results,
                events=events,
                executor=executor,
                runner=runner,
                upload_limiter=anyio.CapacityLimiter(config.upload_concurrency),
                client_slots=ClientSlots(config.client_concurrency),
                health_limiter=anyio.CapacityLimiter(2),
                file_cache=cache,
            )
    finally:
        for disposable in (engine, *read_engines):
            await asyncio.to_thread(disposable.dispose)


@contextlib.asynccontextmanager
async def _api_jobs(
    config: Config,
    store: JobStore,
    results: ResultStore,
    events: JobEvents,
    executor: JobExecutor,
    *,
    recover: bool,
) -> AsyncIterator[JobRunner]:
    """Where the API's jobs run, with the recovery, the sweeper and the listener."""
    runner: JobRunner
    if config.job_runner == "queue":
        await asyncio.to_thread(ensure_queue_schema, store.engine)
        queue = queue_app(config.effective_database_url, max_connections=QUEUE_CONNECTIONS)
        await queue.open_async()
        runner = QueueRunner(queue, stalled_seconds=config.job_lease_seconds)
    else:
        if recover and store.engine.dialect.name == "sqlite":
            # Embedded, one process: no other process can be running any of them.
            await asyncio.to_thread(recover_after_restart, store)
        runner = InProcessRunner(executor, config.job_concurrency)
    tasks: list[asyncio.Task[None]] = []
    try:
        queued = await asyncio.to_thread(store.queued)
        for job in queued:
            await runner.submit(job.job_id)
        sweeper = JobSweeper(
            store=store,
            results=results,
            events=events,
            runner=runner,
            interval=config.job_sweep_seconds,
        )
        tasks.append(asyncio.create_task(sweeper.run()))
        if store.engine.dialect.name == "postgresql":
            # Phase changes made by workers and other replicas wake this one's waiters.
            url = config.effective_database_url
            tasks.append(asyncio.create_task(listen_phase_changes(url, events.notify)))
        log.info("jobs ready", job_runner=config.job_runner, queued_jobs=len(queued))
        yield runner
    finally:
        for task in tasks:
            task.cancel()
        await runner.aclose()
