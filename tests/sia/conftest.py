"""SIA fixtures: the application in-process on each backend, and a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.app_client import app_config, in_process_client
from tests.support.server import ServerProcess, served

QUERY_PATH = "/api/sia/dp1/query"


@pytest.fixture(scope="session")
async def sia_client(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the application in-process, over the demo data, per backend."""
    config = app_config(demo_url, tmp_path_factory.mktemp("sia"))
    async with in_process_client(config) as client:
        yield client


@pytest.fixture(scope="session")
def sia_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``obscura serve`` over the demo data, per backend (SIA at ``{url}/api/sia/dp1``)."""
    with served(demo_url, Path(tmp_path_factory.mktemp("sia-server"))) as server:
        yield server
