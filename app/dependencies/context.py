"""Per-request context: the configuration, the user and a :class:`~app.factory.Factory`
over the application's resources (each application has its own, made in its lifespan
by ``app/resources.py``: several may run in one process, as in the tests)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import anyio
from fastapi import Request

from app.client_slots import ClientSlots
from app.config import Config
from app.factory import Factory
from app.faults import UsageError
from app.resources import Resources

__all__ = ["RequestContext", "context_dependency", "trusted_user"]


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
    client_slots: ClientSlots
    """Heavy requests running per client (process-wide)."""

    @property
    def client(self) -> str:
        """Who sends the request, for per-client limits: the user, else the address."""
        if self.user is not None:
            return f"user:{self.user}"
        address = self.request.client.host if self.request.client else "unknown"
        return f"address:{address}"


async def context_dependency(request: Request) -> RequestContext:
    """Build the request's context."""
    resources: Resources = request.app.state.resources
    config = resources.config
    user = trusted_user(request.headers.getlist(config.user_header), config.user_header)
    return RequestContext(
        request, config, Factory(resources), user, resources.upload_limiter, resources.client_slots
    )


def trusted_user(values: Sequence[str], header: str) -> str | None:
    """The user named by the trusted header's values (None: anonymous).

    An authenticating proxy sets the header once. A request carrying several values
    (repeated header lines, or a comma-separated list, which HTTP treats as the same) is
    refused rather than resolved: one of them may be the client's own, left beside the
    proxy's. Surrounding spaces and tabs are not part of a value (RFC 9110 sect. 5.5).

    Raises
    ------
    UsageError
        If the header has more than one value.
    """
    names = [name.strip(" \t") for value in values for name in value.split(",")]
    if len(names) > 1:
        raise UsageError(
            f"The request carries {len(names)} values of the identity header {header}; "
            "it must carry one (set by the authenticating proxy, never by the client)"
        )
    if not names:
        return None
    return names[0] or None
