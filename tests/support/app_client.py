"""The application in-process, with its lifespan, behind an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager

from app.config import Config
from app.main import create_app

__all__ = ["in_process_client"]


@asynccontextmanager
async def in_process_client(config: Config) -> AsyncIterator[httpx.AsyncClient]:
    """A client for ``create_app(config)``, started and stopped around the block."""
    application = create_app(config)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
