"""Slow request bodies cannot hold the service (issue 17, class 1): a client that stops
sending, or trickles a byte now and then, is answered 408 and let go, while everyone else
is answered as usual."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess, served

IDLE = 2  # OBSCURA_BODY_TIMEOUT_SECONDS
CLIENTS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # One backend is enough: bodies are read before any database work.
    directory = Path(tmp_path_factory.mktemp("slow-bodies"))
    env = {"OBSCURA_BODY_TIMEOUT_SECONDS": str(IDLE), "OBSCURA_AUTO_DEMO_DATA": "false"}
    with served(f"sqlite:///{directory / 'archive.db'}", directory, env) as process:
        yield process


def _slow_client(server: ServerProcess, pause: float, answers: list[tuple[bytes, float]]) -> None:
    """Send a form body of 100,000 declared bytes one byte per ``pause`` seconds (all at
    once, then nothing, if ``pause`` is 0); record the status line and when it came."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(
            b"POST /api/tap/sync HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
            b"LANG=ADQL&QUERY="
        )
        connection.settimeout(pause or 30)
        answer = b""
        while not answer:
            try:
                answer = connection.recv(200)
            except TimeoutError:
                connection.sendall(b"S")
            except ConnectionError:
                break
        answers.append((answer.split(b"\r\n", 1)[0], time.monotonic() - started))


@pytest.mark.parametrize("pause", [0.0, 0.5], ids=["stopped", "trickling"])
def test_slow_bodies_are_let_go_and_others_answered(server: ServerProcess, pause: float) -> None:
    answers: list[tuple[bytes, float]] = []
    clients = [
        threading.Thread(target=_slow_client, args=(server, pause, answers), daemon=True)
        for _ in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    latencies = []
    while any(client.is_alive() for client in clients):
        started = time.monotonic()
        assert httpx.get(f"{server.tap_url}/availability", timeout=10).status_code == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.2)
        assert len(latencies) < 100, "slow clients were never answered"
    assert max(latencies) < 1, latencies
    assert len(answers) == CLIENTS
    for status, took in answers:
        assert status == b"HTTP/1.1 408 Request Timeout", status
        assert took < IDLE + 3
