"""Logs a deployment can use: with ``OBSCURA_LOG_FORMAT=json`` every line a real server
writes (its own, uvicorn's) is one JSON object; each request's lines carry its request id
(the client's ``X-Request-ID``, echoed back), the user and the path; one line says how
each request ended."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess, served


@pytest.fixture(scope="module")
def server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"OBSCURA_LOG_FORMAT": "json", "OBSCURA_LOG_LEVEL": "INFO"}
    with served(demo_url, Path(tmp_path_factory.mktemp("logs")), env) as process:
        yield process


def _lines(text: str) -> list[dict[str, Any]]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # every line is JSON
    assert all(isinstance(p, dict) and "event" in p and "timestamp" in p for p in parsed)
    return parsed


def test_json_lines_with_request_context(server: ServerProcess) -> None:
    startup = _lines(server.output())
    assert any("Uvicorn running" in line["event"] for line in startup)  # uvicorn's own
    before = len(server.output())
    response = httpx.post(
        f"{server.tap_url}/sync",
        data={"LANG": "ADQL", "QUERY": "SELECT TOP 3 obs_id FROM ivoa.ObsCore"},
        headers={"X-Request-ID": "req-42", "X-Auth-Request-User": "alice"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-42"
    bad = httpx.get(f"{server.tap_url}/sync", params={"LANG": "ADQL"}, timeout=30)
    assert bad.status_code == 400
    generated = bad.headers["x-request-id"]
    assert len(generated) == 16
    # The "request" line is written once the response has gone: wait for both.
    deadline = time.monotonic() + 10
    while True:
        lines = _lines(server.output()[before:])
        ended_ids = {line.get("request_id") for line in lines if line["event"] == "request"}
        if {"req-42", generated} <= ended_ids or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    mine = [line for line in lines if line.get("request_id") == "req-42"]
    query = next(line for line in mine if line["event"] == "tap query")
    assert query["user"] == "alice"
    assert query["path"] == "/api/tap/sync"
    assert query["query_id"]
    ended = next(line for line in mine if line["event"] == "request")
    assert (ended["status"], ended["outcome"], ended["method"]) == (200, "complete", "POST")
    assert ended["bytes"] == len(response.content)
    assert ended["ms"] > 0
    refused = [line for line in lines if line.get("request_id") == generated]
    assert {line["event"] for line in refused} == {"request refused", "request"}
    assert next(line for line in refused if line["event"] == "request")["status"] == 400


def test_a_sane_request_id_only(server: ServerProcess) -> None:
    response = httpx.get(
        f"{server.tap_url}/availability", headers={"X-Request-ID": "bad id <script>"}, timeout=30
    )
    assert response.headers["x-request-id"] != "bad id <script>"
    assert len(response.headers["x-request-id"]) == 16
