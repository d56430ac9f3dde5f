"""``obscura serve`` with several processes (the default on a machine of several cores):
requests are spread over processes that each use a core, and jobs stay correct across
them: a job is waited on, aborted and read through whichever process a request reaches.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import children, cpu_seconds, served

SLOW = (
    "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE a.s_ra + b.s_dec < a.s_dec + b.s_ra"  # no index can help: 2.9e9 pairs
)
QUICK = "SELECT TOP 3 obs_id FROM ivoa.ObsCore"
CONE = (
    "SELECT * FROM ivoa.ObsCore WHERE "
    "CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 53.1, -27.9, 0.1)) = 1"
)


def _server_processes(parent: int, count: int) -> list[int]:
    """The processes answering requests: the parent's children started by
    multiprocessing's spawn (not its resource tracker)."""
    deadline = time.monotonic() + 30
    while True:
        found = [
            pid
            for pid in children(parent)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _new_connection_get(url: str, **params: str) -> httpx.Response:
    """A request on a connection of its own: it may reach any of the processes."""
    with httpx.Client(timeout=60) as client:
        return client.get(url, params=params)


# SQLite: where jobs have no notifications between processes (PostgreSQL's several API
# processes are tested in tests/tap/test_async_workers.py).
@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_requests_use_every_process_and_jobs_hold_across_them(
    demo_url: str, tmp_path: Path
) -> None:
    env = {"OBSCURA_WORKERS": "2", "OBSCURA_JOB_CONCURRENCY": "1"}
    with served(demo_url, tmp_path / "data", env=env) as server:
        processes = _server_processes(server.process.pid, 2)
        assert len(processes) == 2, processes

        # Concurrent queries are answered by both processes: each spends CPU on them.
        before = {pid: cpu_seconds(pid) for pid in processes}

        def cone(_: int) -> int:
            with httpx.Client(timeout=120) as client:
                answer = client.post(f"{server.tap_url}/sync", data={"LANG": "ADQL", "QUERY": CONE})
                return answer.status_code

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            assert set(pool.map(cone, range(16))) == {200}
        used = {pid: cpu_seconds(pid) - before[pid] for pid in processes}
        assert all(seconds > 0.2 for seconds in used.values()), used

        # A job runs in one process; it is aborted through requests that reach either,
        # and its query stops (no process keeps a core busy afterwards).
        created = httpx.post(
            f"{server.tap_url}/async", data={"LANG": "ADQL", "QUERY": SLOW, "PHASE": "RUN"}
        )
        slow_url = created.headers["location"]
        deadline = time.monotonic() + 30
        while _new_connection_get(f"{slow_url}/phase").text != "EXECUTING":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(0.5)
        with httpx.Client(timeout=30) as client:
            assert client.post(f"{slow_url}/phase", data={"PHASE": "ABORT"}).status_code == 303
        for _ in range(4):
            assert _new_connection_get(f"{slow_url}/phase").text == "ABORTED"
        time.sleep(1.5)  # a running job's phase is checked every second
        before = {pid: cpu_seconds(pid) for pid in processes}
        time.sleep(1.5)
        idle = {pid: cpu_seconds(pid) - before[pid] for pid in processes}
        assert all(seconds < 0.4 for seconds in idle.values()), idle

        # WAIT returns as soon as the job ends, whichever process runs it or is asked.
        for _ in range(3):
            created = httpx.post(f"{server.tap_url}/async", data={"LANG": "ADQL", "QUERY": QUICK})
            job_url = created.headers["location"]
            with httpx.Client(timeout=30) as client:
                client.post(f"{job_url}/phase", data={"PHASE": "RUN"})
            started = time.monotonic()
            job = _new_connection_get(job_url, WAIT="20", PHASE="QUEUED")
            while b"EXECUTING" in job.content:
                job = _new_connection_get(job_url, WAIT="20", PHASE="EXECUTING")
            assert time.monotonic() - started < 5
            assert _new_connection_get(f"{job_url}/phase").text == "COMPLETED"
            result = _new_connection_get(f"{job_url}/results/result")
            assert result.status_code == 200
            assert result.content.count(b"<TR>") + result.content.count(b"STREAM") >= 1
