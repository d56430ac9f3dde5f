"""The distributed setup on PostgreSQL: two API processes and two ``obscura worker``
processes sharing one task queue and one result store.

Jobs submitted through one API are polled, aborted and fetched through the other; both
workers take jobs; a worker killed in the middle of a job leaves that job in ERROR
(saying why) within a lease, and the surviving worker goes on; no job is lost.
"""

from __future__ import annotations

import io
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
import sqlalchemy as sa
from astropy.io.votable import parse_single_table

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess, WorkerProcess

SLOW = (
    "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE a.s_ra + b.s_dec < a.s_dec + b.s_ra"  # no index can help: 2.9e9 pairs
)
LEASE_SECONDS = 3
SETTINGS = {
    "OBSCURA_JOB_RUNNER": "queue",
    "OBSCURA_JOB_CONCURRENCY": "1",
    "OBSCURA_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
    "OBSCURA_JOB_SWEEP_SECONDS": "1",
}


class Cluster:
    """Two APIs and two workers on one database."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.database_url = url
        self.apis: list[ServerProcess] = []
        self.workers: list[WorkerProcess] = []
        self.apis.append(ServerProcess(url, data_dir, SETTINGS))
        self.apis.append(ServerProcess(url, data_dir, SETTINGS))
        # Workers write result links for the public URL (here: the first API).
        worker_env = {**SETTINGS, "OBSCURA_BASE_URL": self.apis[0].url, "OBSCURA_LOG_LEVEL": "INFO"}
        self.workers = [WorkerProcess(url, data_dir, worker_env) for _ in range(2)]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for api in self.apis:
            api.stop()


@pytest.fixture(scope="module")
def cluster(
    pg_cluster: PostgresCluster,
    demo_tables: list[pa.Table],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    url = pg_cluster.create_database("workers")
    engine = create_sync_engine(url)
    fill_archive(engine, demo_tables, replace=True, progress=False)
    engine.dispose()
    started = Cluster(url, tmp_path_factory.mktemp("workers"))
    try:
        yield started
    finally:
        started.stop()


def _submit(api: ServerProcess, query: str, **extra: str) -> str:
    created = httpx.post(
        f"{api.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": query, "PHASE": "RUN", **extra},
        timeout=30,
    )
    assert created.status_code == 303, created.text
    return created.headers["location"].rsplit("/", 1)[1]


def _phase(api: ServerProcess, job_id: str) -> str:
    return httpx.get(f"{api.tap_url}/async/{job_id}/phase", timeout=30).text


def _await_phase(api: ServerProcess, job_id: str, phases: set[str], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while (phase := _phase(api, job_id)) not in phases:
        assert time.monotonic() < deadline, f"job {job_id} still {phase}"
        httpx.get(f"{api.tap_url}/async/{job_id}", params={"WAIT": "2"}, timeout=30)
    return phase


def _runner_of(cluster: Cluster, job_id: str, seconds: float = 30) -> WorkerProcess:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker in cluster.workers:
            if re.search(rf"job taken.*{job_id}", worker.output()):
                return worker
        time.sleep(0.2)
    raise AssertionError(f"no worker took job {job_id}")


def test_jobs_run_on_workers_and_any_api_answers(cluster: Cluster) -> None:
    first, second = cluster.apis
    jobs = [
        _submit(first, f"SELECT TOP {n} obs_id FROM ivoa.ObsCore ORDER BY obs_id")
        for n in (1, 2, 3, 4, 5, 6)
    ]
    for rows, job_id in enumerate(jobs, start=1):
        assert _await_phase(second, job_id, {"COMPLETED", "ERROR"}) == "COMPLETED"
        fetched = httpx.get(f"{second.tap_url}/async/{job_id}/results/result", timeout=30)
        assert fetched.status_code == 200
        assert len(parse_single_table(io.BytesIO(fetched.content)).to_table()) == rows
    # The job documents, written by workers, link to the public URL.
    document = httpx.get(f"{second.tap_url}/async/{jobs[0]}", timeout=30).text
    assert f"{first.tap_url}/async/{jobs[0]}/results/result" in document


def test_both_workers_take_jobs_and_aborts_reach_them(cluster: Cluster) -> None:
    first, second = cluster.apis
    slow = [_submit(first, SLOW), _submit(second, SLOW)]
    for job_id in slow:
        _await_phase(first, job_id, {"EXECUTING"})
    # Each worker runs one job at a time: both are busy, one job each.
    runners = {id(_runner_of(cluster, job_id)) for job_id in slow}
    assert len(runners) == 2
    for job_id in slow:  # aborted through the API that did not create it
        other = second if job_id == slow[0] else first
        httpx.post(f"{other.tap_url}/async/{job_id}/phase", data={"PHASE": "ABORT"}, timeout=30)
        assert _phase(first, job_id) == "ABORTED"
    # The aborted queries stopped: the workers are free for a new job at once.
    quick = _submit(second, "SELECT TOP 1 obs_id FROM ivoa.ObsCore")
    assert _await_phase(first, quick, {"COMPLETED", "ERROR"}, seconds=20) == "COMPLETED"


def test_killed_worker_leaves_its_job_in_error(cluster: Cluster) -> None:
    first, second = cluster.apis
    job_id = _submit(first, SLOW)
    _await_phase(second, job_id, {"EXECUTING"})
    victim = _runner_of(cluster, job_id)
    os.kill(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    started = time.monotonic()
    assert _await_phase(second, job_id, {"ERROR", "COMPLETED"}, seconds=30) == "ERROR"
    # Ended within a lease and a sweep (plus the time to notice), not left EXECUTING.
    assert time.monotonic() - started < LEASE_SECONDS * 3 + 5
    error = httpx.get(f"{first.tap_url}/async/{job_id}/error", timeout=30).text
    assert "stopped" in error
    # The surviving worker goes on; nothing submitted afterwards is lost.
    later = [_submit(second, "SELECT TOP 2 obs_id FROM ivoa.ObsCore") for _ in range(3)]
    for queued in later:
        assert _await_phase(first, queued, {"COMPLETED", "ERROR"}) == "COMPLETED"
    # The dead worker's queue entry is cleared too (its heartbeat stopped).
    engine = create_sync_engine(cluster.database_url)
    try:
        deadline = time.monotonic() + LEASE_SECONDS * 3 + 5
        while _doing(engine):
            assert time.monotonic() < deadline, "the dead worker's queue entry stayed"
            time.sleep(0.5)
    finally:
        engine.dispose()
    cluster.workers.remove(victim)
    victim.stop()


def _doing(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        query = "SELECT COUNT(*) FROM procrastinate_jobs WHERE status = 'doing'"
        return int(conn.exec_driver_sql(query).scalar_one())


def test_wait_wakes_at_once_for_another_process_change(cluster: Cluster) -> None:
    # A WAIT on one API returns as soon as another API aborts the job (PostgreSQL
    # LISTEN/NOTIFY), not at the waiter's next periodic re-read (once a second); three
    # rounds make a lucky re-read an unlikely pass.
    first, second = cluster.apis
    for _ in range(3):
        job_id = _submit(first, SLOW)
        _await_phase(second, job_id, {"EXECUTING"})
        answered: dict[str, object] = {}

        def wait(job_id: str = job_id, answered: dict[str, object] = answered) -> None:
            response = httpx.get(
                f"{second.tap_url}/async/{job_id}",
                params={"WAIT": "30", "PHASE": "EXECUTING"},
                timeout=60,
            )
            answered["at"] = time.monotonic()
            answered["body"] = response.text

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(1.5)  # the waiter is blocked in its WAIT by now
        httpx.post(f"{first.tap_url}/async/{job_id}/phase", data={"PHASE": "ABORT"}, timeout=30)
        aborted_at = time.monotonic()  # the abort is committed (and notified) by now
        waiter.join(60)
        assert "ABORTED" in str(answered["body"])
        # Measured from the abort's answer, so a busy machine slowing the abort itself
        # (the suite runs a test process per core) does not count against the waiter.
        assert float(str(answered["at"])) - aborted_at < 0.3
