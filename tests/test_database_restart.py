"""A PostgreSQL restart while requests are in flight (issue 17, class 7), on a private
cluster restarted for real: requests whose query was running get 503 with
``Retry-After`` and a TransientFault saying why, never a 500; an async job running then
ends in ERROR saying why; the first queries after the restart are answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyarrow as pa
import pytest

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess, served

SLOW = (
    "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE a.s_ra + b.s_dec < a.s_dec + b.s_ra"  # minutes: no index can help
)
QUICK = "SELECT TOP 3 obs_id FROM ivoa.ObsCore ORDER BY obs_id"


@pytest.fixture(scope="module")
def cluster(demo_tables: list[pa.Table]) -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        url = cluster.start()
        engine = create_sync_engine(url)
        fill_archive(engine, demo_tables[:2], replace=True, progress=False)
        engine.dispose()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def server(cluster: PostgresCluster, tmp_path: Path) -> Iterator[ServerProcess]:
    with served(cluster.url(), tmp_path, {"OBSCURA_SYNC_TIMEOUT": "60"}) as process:
        yield process


def _sync(server: ServerProcess, query: str) -> httpx.Response:
    return httpx.post(f"{server.tap_url}/sync", data={"LANG": "ADQL", "QUERY": query}, timeout=90)


def test_a_restart_answers_requests_in_flight_with_503_and_heals(
    server: ServerProcess, cluster: PostgresCluster
) -> None:
    assert _sync(server, QUICK).status_code == 200
    job = httpx.post(
        f"{server.tap_url}/async", data={"LANG": "ADQL", "QUERY": SLOW, "PHASE": "RUN"}
    ).headers["location"]
    statuses: list[int] = []
    restarted = threading.Event()

    def keep_asking() -> None:  # quick queries and job lists, before, during and after
        while not restarted.is_set():
            for answer in (_sync(server, QUICK), httpx.get(f"{server.tap_url}/async")):
                statuses.append(answer.status_code)
                if answer.status_code == 503:
                    assert answer.headers["retry-after"] == "5"

    with ThreadPoolExecutor(4) as pool:
        in_flight = [pool.submit(_sync, server, SLOW) for _ in range(2)]
        asking = pool.submit(keep_asking)
        try:
            time.sleep(2)  # the slow queries are running
            cluster.restart()
            answers = [future.result() for future in in_flight]
            time.sleep(1)
        finally:
            restarted.set()
        asking.result()
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "5"
        assert "archive database cannot be reached" in answer.text, answer.text
    assert set(statuses) <= {200, 503}, statuses
    assert _sync(server, QUICK).status_code == 200  # the pool healed
    deadline = time.monotonic() + 60
    while httpx.get(f"{job}/phase").text in ("QUEUED", "EXECUTING"):
        assert time.monotonic() < deadline, "the interrupted job never ended"
        httpx.get(job, params={"WAIT": "5"}, timeout=30)
    assert httpx.get(f"{job}/phase").text == "ERROR"
    assert "archive database could" in httpx.get(f"{job}/error").text
