"""After a server fault the connection stays usable: the 500 is answered and the client's
next request on the same connection is answered too (a real uvicorn server)."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from app.main import create_app
from tests.support.app_client import app_config
from tests.support.server import free_port


@pytest.fixture
def faulty_app(tmp_path: Path) -> Iterator[tuple[FastAPI, int]]:
    app = create_app(app_config(f"sqlite:///{tmp_path / 'archive.db'}", tmp_path))

    def fail() -> None:
        raise RuntimeError("an unforeseen fault")

    app.add_api_route("/api/tap/fault", fail)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield app, port
    server.should_exit = True
    thread.join(30)


def test_the_connection_survives_a_server_fault(faulty_app: tuple[FastAPI, int]) -> None:
    _, port = faulty_app
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/tap/fault")
    fault = connection.getresponse()
    body = fault.read()
    assert fault.status == 500
    assert b"The service failed while answering this request" in body
    assert b"unforeseen" not in body  # nothing of the fault itself reaches the client
    socket = connection.sock
    connection.request("GET", "/api/tap/availability")
    after = connection.getresponse()
    assert after.status == 200, after.read()
    assert connection.sock is socket  # the same connection, not a new one
    connection.close()
