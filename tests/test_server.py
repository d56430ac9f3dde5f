"""The HTTP server: the landing page in-process on both backends, and ``obscura serve``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.config import Config
from app.main import create_app


@pytest.fixture
async def app(demo_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    config = Config(
        database_url=demo_url,
        data_dir=tmp_path,
        auto_demo_data=False,
        base_url="https://archive.example.org/",
    )
    application = create_app(config)
    async with LifespanManager(application):
        yield application


async def test_landing_page_names_the_service_and_counts(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Obscura</h1>" in page
    assert "ivoa.ObsCore" in page
    for subtype in (
        "lsst.raw",
        "lsst.visit_image",
        "lsst.difference_image",
        "lsst.deep_coadd",
        "lsst.template_coadd",
    ):
        assert f"<code>{subtype}</code>" in page
    assert re.search(r"<td class=\"n\">15,972</td>", page)
    # Endpoints link to where they really are, the SIA collection label filled in.
    assert '<a href="https://archive.example.org/api/sia/dp1/query">' in page
    assert '<a href="https://archive.example.org/api/tap/sync">' in page
    assert "{collection}" not in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_obscura_serve_builds_the_demo_archive_on_first_start(
    tmp_path: Path, demo_tables: list[pa.Table]
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSCURA_")}
    env["OBSCURA_DATA_DIR"] = str(tmp_path / "data")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, "the server exited early"
                time.sleep(0.5)
        assert response is not None, "the server did not answer within 2 minutes"
        assert response.status_code == 200
        total = sum(t.num_rows for t in demo_tables)
        assert f"{total:,} rows on sqlite" in response.text
        assert (tmp_path / "data" / "obscura.db").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "demo data set ready" in output
    assert "Traceback" not in output
