"""The application in-process, with its lifespan, behind an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from app.config import Config
from app.main import create_app

__all__ = ["BASE_URL", "app_config", "in_process_client"]

BASE_URL = "https://archive.example.org"
"""The public URL the in-process applications write into their links."""


def app_config(database_url: str, data_dir: Path, **settings: Any) -> Config:
    """A configuration for a test application over an existing archive."""
    return Config(
        database_url=database_url,
        data_dir=data_dir,
        auto_demo_data=False,
        base_url=BASE_URL,
        **settings,
    )


@asynccontextmanager
async def in_process_client(config: Config) -> AsyncIterator[httpx.AsyncClient]:
    """A client for ``create_app(config)``, started and stopped around the block."""
    application = create_app(config)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
