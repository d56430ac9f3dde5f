"""Per-request context: the configuration, the user and a :class:`~app.factory.Factory`
over the application's resources (each application has its own, made in its lifespan
by ``app/resources.py``: several may run in one process, as in the tests)."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from fastapi import Request

from app.config import Config
from app.factory import Factory
from app.resources import Resources

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
    """Build the request's context."""
    resources: Resources = request.app.state.resources
    config = resources.config
    user = request.headers.get(config.user_header) or None
    return RequestContext(request, config, Factory(resources), user, resources.upload_limiter)
