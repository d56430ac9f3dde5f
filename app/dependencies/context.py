"""Per-request context: the configuration and a :class:`~app.factory.Factory`."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from fastapi import Request

from app.config import Config
from app.dependencies.database import DatabaseResources
from app.dependencies.jobs import JobResources
from app.factory import Factory

__all__ = ["RequestContext", "context_dependency"]


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a handler needs about the request and the process."""

    request: Request
    config: Config
    factory: Factory
    user: str | None
    """The authenticated user, from the trusted header (None: anonymous)."""
    upload_limiter: anyio.CapacityLimiter
    """Bounds the requests reading uploaded tables at once (process-wide)."""


async def context_dependency(request: Request) -> RequestContext:
    """Build the request's context from the application's resources (each application
    has its own, made in its lifespan: several may run in one process)."""
    state = request.app.state
    config: Config = state.config
    database: DatabaseResources = state.database()
    jobs: JobResources = state.jobs()
    user = request.headers.get(config.user_header) or None
    return RequestContext(
        request,
        config,
        Factory(config=config, database=database, jobs=jobs),
        user,
        request.app.state.upload_limiter,
    )
