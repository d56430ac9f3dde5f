"""The FastAPI application: routes, lifespan (engine, first-start demo data)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp
from typing_extensions import override

from app.body_limit import BODY_ALLOWANCE_BYTES, BodyLimitMiddleware
from app.config import Config
from app.fault_connection import KeepConnectionAfterFault
from app.handlers import cutout, datalink, root, sia, tap
from app.handlers.errors import SODA_ERRORS, TAP_ERRORS, install_error_handlers
from app.handlers.uws import uws_router
from app.paths import CUTOUT_JOBS_PATH, TAP_ASYNC_PATH
from app.request_log import RequestLogMiddleware
from app.resources import open_resources
from app.storage.archive import count_rows, fill_archive, initialise_archive
from app.storage.database import create_sync_engine
from obscore.demo import DP1_COUNTS, generate_dp1

__all__ = ["create_app", "prepare_archive"]

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


class _Application(FastAPI):
    """FastAPI, with :class:`KeepConnectionAfterFault` outside even Starlette's own
    server-error layer (which re-raises a fault after answering it)."""

    @override
    def build_middleware_stack(self) -> ASGIApp:
        return KeepConnectionAfterFault(super().build_middleware_stack())


def create_app(config: Config | None = None) -> FastAPI:
    """Build the application for ``config`` (default: from the environment)."""
    config = config or Config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(prepare_archive, config)
        async with open_resources(config, role="api") as resources:
            app.state.resources = resources
            log.info("serving", base_url=config.base_url, job_runner=config.job_runner)
            yield

    app = _Application(
        title="Obscura",
        summary="IVOA TAP, SIA, DataLink and SODA services for an image archive",
        version="0.1.0",
        lifespan=lifespan,
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
