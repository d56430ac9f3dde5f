"""The FastAPI application: routes, lifespan (engine, first-start demo data)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp
from typing_extensions import override

from app.body_limit import BODY_ALLOWANCE_BYTES, BodyLimitMiddleware
from app.config import Config
from app.fault_connection import KeepConnectionAfterFault
from app.handlers import cutout, datalink, docs, root, sia, tap
from app.handlers.errors import SODA_ERRORS, TAP_ERRORS, install_error_handlers
from app.handlers.uws import uws_router
from app.logging import configure_logging
from app.paths import CUTOUT_JOBS_PATH, TAP_ASYNC_PATH
from app.request_log import RequestLogMiddleware
from app.resources import open_resources
from app.storage.archive import count_rows, fill_archive, initialise_archive
from app.storage.database import create_sync_engine
from app.uws.store import JobStore
from app.uws.sweeper import recover_after_restart
from obscore.demo import DP1_COUNTS, generate_dp1

__all__ = [
    "SWITCH_INTERVAL",
    "create_app",
    "create_process_app",
    "prepare_archive",
    "prepare_server",
]

SWITCH_INTERVAL = 0.001
"""The interpreter's thread switch interval in a server process. The event loop shares
the interpreter with worker threads that encode results and read uploads; at the default
5 ms every I/O wait of the loop can cost it 5 ms to win the GIL back from them. 1 ms keeps
small requests fast under load."""

log = structlog.get_logger("obscura")


def prepare_archive(config: Config) -> None:
    """Create the archive's tables; on the embedded SQLite default, fill an empty archive
    with the DP1-like demo data set (blocking; shows a progress bar on a terminal)."""
    url = config.effective_database_url
    if url.startswith("sqlite"):
        config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sync_engine(url)
    try:
        initialise_archive(engine)
        if url.startswith("sqlite") and config.auto_demo_data and count_rows(engine) == 0:
            log.info("building the DP1-like demo data set", seed=config.demo_seed)
            rows = fill_archive(
                engine,
                generate_dp1(config.demo_seed),
                replace=True,
                total=sum(DP1_COUNTS.values()),
                description="building demo data",
            )
            log.info("demo data set ready", rows=rows)
    finally:
        engine.dispose()


def prepare_server(config: Config) -> None:
    """What the parent of several server processes does once, before starting them: the
    archive (:func:`prepare_archive`) and, on SQLite, ending the jobs a previous run left
    executing (with one process, the application does both as it starts)."""
    prepare_archive(config)
    url = config.effective_database_url
    if url.startswith("sqlite"):  # (the task queue runner needs PostgreSQL)
        engine = create_sync_engine(url)
        try:
            recover_after_restart(JobStore(engine))
        finally:
            engine.dispose()


def create_process_app() -> FastAPI:
    """The application of one of several server processes (uvicorn's factory, called in
    each): configured from the environment its parent set up, archive prepared."""
    config = Config()
    configure_logging(config.log_level, config.log_format)
    sys.setswitchinterval(SWITCH_INTERVAL)
    return create_app(config, prepared=True)


class _Application(FastAPI):
    """FastAPI, with :class:`KeepConnectionAfterFault` outside even Starlette's own
    server-error layer (which re-raises a fault after answering it)."""

    @override
    def build_middleware_stack(self) -> ASGIApp:
        return KeepConnectionAfterFault(super().build_middleware_stack())


def create_app(config: Config | None = None, *, prepared: bool = False) -> FastAPI:
    """Build the application for ``config`` (default: from the environment).

    ``prepared``: the archive is ready and jobs left executing by a previous run are
    ended, by the parent of several server processes (:func:`prepare_server`); otherwise
    the application does both when it starts.
    """
    config = config or Config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not prepared:
            await asyncio.to_thread(prepare_archive, config)
        async with open_resources(config, role="api", recover=not prepared) as resources:
            app.state.resources = resources
            log.info("serving", base_url=config.base_url, job_runner=config.job_runner)
            yield

    app = _Application(
        title="Obscura",
        summary="IVOA TAP, SIA, DataLink and SODA services for an image archive",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by app/handlers/docs.py, with local assets
        redoc_url=None,
    )
    app.state.config = config
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=config.upload_limit_bytes + BODY_ALLOWANCE_BYTES,
        idle_seconds=config.body_timeout_seconds,
    )
    app.add_middleware(RequestLogMiddleware, user_header=config.user_header)
    install_error_handlers(app)
    app.include_router(root.router)
    root.mount_interface_assets(app)
    app.include_router(docs.router)
    docs.mount_docs_assets(app)
    app.include_router(tap.router)
    app.include_router(
        uws_router(
            prefix=TAP_ASYNC_PATH, tag="TAP async (UWS)", service_name="tap", style=TAP_ERRORS
        )
    )
    app.include_router(sia.router)
    app.include_router(datalink.router)
    app.include_router(cutout.router)
    app.include_router(
        uws_router(
            prefix=CUTOUT_JOBS_PATH, tag="SODA async (UWS)", service_name="soda", style=SODA_ERRORS
        )
    )
    return app
