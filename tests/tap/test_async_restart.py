"""The embedded server restarted with one job executing and one queued: afterwards both
reach a final phase (the executing one in ERROR saying why, the queued one runs)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pyarrow as pa

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.support.server import ServerProcess

SLOW = (
    "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE a.s_ra + b.s_dec < a.s_dec + b.s_ra"  # no index can help: 2.9e9 pairs
)
QUICK = "SELECT TOP 3 obs_id FROM ivoa.ObsCore"


def _phase(job_url: str) -> str:
    return httpx.get(f"{job_url}/phase", timeout=30).text


def test_restart_leaves_no_job_stuck(tmp_path: Path, demo_tables: list[pa.Table]) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = create_sync_engine(url)
    fill_archive(engine, demo_tables, replace=True, progress=False)
    engine.dispose()
    env = {"OBSCURA_JOB_CONCURRENCY": "1"}
    server = ServerProcess(url, tmp_path / "data", env=env)
    try:
        jobs = []
        for query in (SLOW, QUICK):
            created = httpx.post(
                f"{server.tap_url}/async", data={"LANG": "ADQL", "QUERY": query, "PHASE": "RUN"}
            )
            jobs.append(created.headers["location"].split("/async/")[1])
        deadline = time.monotonic() + 30
        while _phase(f"{server.tap_url}/async/{jobs[0]}") != "EXECUTING":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert _phase(f"{server.tap_url}/async/{jobs[1]}") == "QUEUED"
        os.kill(server.process.pid, signal.SIGKILL)  # no chance to clean up
        server.process.wait()
    finally:
        server.stop()
    restarted = ServerProcess(url, tmp_path / "data", env=env)
    try:
        slow_url, quick_url = (f"{restarted.tap_url}/async/{j}" for j in jobs)
        assert _phase(slow_url) == "ERROR"
        assert b"restarted" in httpx.get(f"{slow_url}/error").content
        httpx.get(quick_url, params={"WAIT": "30", "PHASE": "QUEUED"}, timeout=60)
        deadline = time.monotonic() + 60
        while _phase(quick_url) != "COMPLETED":
            assert time.monotonic() < deadline, _phase(quick_url)
            httpx.get(quick_url, params={"WAIT": "10"}, timeout=30)
    finally:
        restarted.stop()
