"""Async job limits over HTTP: the execution duration is enforced, destruction deletes the
job and its results, a user's active jobs are capped, job ids are unguessable."""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess

SLOW = (
    "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE a.s_ra + b.s_dec < a.s_dec + b.s_ra"  # no index can help: 2.9e9 pairs
)
QUICK = "SELECT TOP 3 obs_id FROM ivoa.ObsCore"


@pytest.fixture
def server(demo_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "OBSCURA_JOB_SWEEP_SECONDS": "0.5",
        "OBSCURA_JOB_ACTIVE_LIMIT": "2",
        "OBSCURA_JOB_CONCURRENCY": "2",
    }
    process = ServerProcess(demo_url, tmp_path, env=env)
    yield process
    output = process.stop()
    assert "Traceback" not in output, output


def _create(server: ServerProcess, query: str, user: str, **extra: str) -> str:
    created = httpx.post(
        f"{server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": query, **extra},
        headers={"X-Auth-Request-User": user},
    )
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


def _phase(job_url: str, user: str) -> str:
    return httpx.get(f"{job_url}/phase", headers={"X-Auth-Request-User": user}).text


def test_execution_duration_is_enforced(server: ServerProcess) -> None:
    job = _create(server, SLOW, "carol")
    headers = {"X-Auth-Request-User": "carol"}
    httpx.post(f"{job}/executionduration", data={"EXECUTIONDURATION": "2"}, headers=headers)
    assert httpx.get(f"{job}/executionduration", headers=headers).text == "2"
    started = time.monotonic()
    httpx.post(f"{job}/phase", data={"PHASE": "RUN"}, headers=headers)
    while _phase(job, "carol") in ("QUEUED", "EXECUTING"):
        assert time.monotonic() - started < 30
        httpx.get(job, params={"WAIT": "5"}, headers=headers, timeout=30)
    assert _phase(job, "carol") == "ERROR"
    assert "time limit of 2 s" in httpx.get(f"{job}/error", headers=headers).text
    assert time.monotonic() - started < 15


def test_destruction_deletes_the_job(server: ServerProcess) -> None:
    job = _create(server, QUICK, "dave", PHASE="RUN")
    headers = {"X-Auth-Request-User": "dave"}
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
    later = soon + datetime.timedelta(days=3650)
    httpx.post(f"{job}/destruction", data={"DESTRUCTION": later.isoformat()}, headers=headers)
    allowed = httpx.get(f"{job}/destruction", headers=headers).text
    assert allowed < later.strftime("%Y-%m-%dT%H:%M:%S")  # never later than the service allows
    httpx.post(f"{job}/destruction", data={"DESTRUCTION": soon.isoformat()}, headers=headers)
    deadline = time.monotonic() + 15
    while httpx.get(job, headers=headers).status_code != 404:
        assert time.monotonic() < deadline, "the sweeper did not delete the expired job"
        time.sleep(0.3)


def test_active_jobs_per_user_are_capped(server: ServerProcess) -> None:
    headers = {"X-Auth-Request-User": "erin"}
    running = [_create(server, SLOW, "erin", PHASE="RUN") for _ in range(2)]
    third = httpx.post(
        f"{server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": QUICK, "PHASE": "RUN"},
        headers=headers,
    )
    assert third.status_code == 400
    assert "most allowed at once" in third.text
    # Someone else is not affected.
    other = _create(server, QUICK, "frank", PHASE="RUN")
    assert _phase(other, "frank") in ("QUEUED", "EXECUTING", "COMPLETED")
    for job in running:
        httpx.post(f"{job}/phase", data={"PHASE": "ABORT"}, headers=headers)
        assert _phase(job, "erin") == "ABORTED"
    # Aborting cancelled the slow queries: their slots free up, and frank's job runs.
    deadline = time.monotonic() + 20
    while _phase(other, "frank") != "COMPLETED":
        assert time.monotonic() < deadline, "the aborted jobs' queries kept their slots"
        httpx.get(other, params={"WAIT": "5"}, headers={"X-Auth-Request-User": "frank"}, timeout=30)


def test_job_ids_are_unguessable(server: ServerProcess) -> None:
    ids = {_create(server, QUICK, "gina").rsplit("/", 1)[1] for _ in range(5)}
    assert len(ids) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22,}", i) for i in ids)


def test_the_active_limit_holds_under_a_race_and_refusals_leave_nothing(
    server: ServerProcess,
) -> None:
    """20 submissions with PHASE=RUN at once, limit 2: exactly 2 are accepted, and the
    refused ones are not stored (their clients never learn their URLs)."""
    headers = {"X-Auth-Request-User": "hana"}

    def submit(_: int) -> httpx.Response:
        return httpx.post(
            f"{server.tap_url}/async",
            data={"LANG": "ADQL", "QUERY": SLOW, "PHASE": "RUN"},
            headers=headers,
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(submit, range(20)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [303] * 2 + [400] * 18, codes
    listed = httpx.get(f"{server.tap_url}/async", headers=headers, timeout=30).text
    accepted = [a.headers["location"] for a in answers if a.status_code == 303]
    assert len(re.findall(r"<uws:jobref ", listed)) == 2, listed
    for job in accepted:
        httpx.post(f"{job}/phase", data={"PHASE": "ABORT"}, headers=headers)
