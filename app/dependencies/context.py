"""Per-request context: the configuration and a :class:`~app.factory.Factory`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.config import Config
from app.dependencies.database import DatabaseResources, database_dependency
from app.dependencies.jobs import JobResources, jobs_dependency
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


async def context_dependency(
    request: Request,
    database: Annotated[DatabaseResources, Depends(database_dependency)],
    jobs: Annotated[JobResources, Depends(jobs_dependency)],
) -> RequestContext:
    """Build the request's context."""
    config: Config = request.app.state.config
    user = request.headers.get(config.user_header) or None
    return RequestContext(
        request, config, Factory(config=config, database=database, jobs=jobs), user
    )
