"""TAP fixtures: the application in-process on each backend, and real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.app_client import app_config, in_process_client
from tests.support.server import ServerProcess, served


@pytest.fixture(scope="session")
async def tap_client(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the application in-process, over the demo data, per backend."""
    config = app_config(
        demo_url, tmp_path_factory.mktemp("tap"), sync_timeout=3, upload_limit_bytes=200_000
    )
    async with in_process_client(config) as client:
        yield client


@pytest.fixture(scope="session")
def tap_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``obscura serve`` over the demo data, per backend."""
    # URL uploads on, allowed from the server itself only: taplint wants upload-http
    # declared, and a test uploads a query result by its URL.
    env = {
        "OBSCURA_UPLOAD_URL_ENABLED": "true",
        "OBSCURA_UPLOAD_URL_ALLOW": '["http://127.0.0.1:{port}/api/tap/"]',
    }
    with served(demo_url, Path(tmp_path_factory.mktemp("server")), env) as server:
        yield server


@pytest.fixture(scope="session")
def default_server(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """``obscura serve`` over the demo data with every setting at its default, per backend
    (only where the data is and where the server writes)."""
    with served(demo_url, Path(tmp_path_factory.mktemp("default-server"))) as server:
        yield server
