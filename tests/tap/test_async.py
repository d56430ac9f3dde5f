"""TAP async (UWS 1.1) end to end: pyvo's tutorial flow and the UWS resources, against a
real server on both backends."""

from __future__ import annotations

import io
import time

import httpx
import pytest
from astropy.table import Table
from pyvo.dal import DALQueryError, TAPService

from tests.support.server import ServerProcess

QUERY = "SELECT TOP 50 obs_id, s_ra, s_dec FROM ivoa.ObsCore ORDER BY obs_id"


def test_tutorial_flow(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    job = service.submit_job(QUERY)
    job.run()
    job.wait(phases=["COMPLETED", "ERROR"])
    assert job.phase == "COMPLETED"
    table = job.fetch_result().to_table()
    assert len(table) == 50
    url = job.url
    job.delete()
    assert httpx.get(url).status_code == 404


def test_run_async(tap_server: ServerProcess) -> None:
    result = TAPService(tap_server.tap_url).run_async(QUERY, maxrec=10)
    assert len(result) == 10


def test_a_failing_job_ends_in_error(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    job = service.submit_job("SELECT nothing FROM ivoa.ObsCore")
    job.run()
    job.wait(phases=["COMPLETED", "ERROR"])
    assert job.phase == "ERROR"
    with pytest.raises(DALQueryError, match="nothing"):
        job.raise_if_error()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "votable/td"])
def test_results_in_other_formats(tap_server: ServerProcess, fmt: str) -> None:
    created = httpx.post(
        f"{tap_server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": QUERY, "RESPONSEFORMAT": fmt, "PHASE": "RUN"},
    )
    assert created.status_code == 303
    job_url = created.headers["location"]
    job = httpx.get(job_url, params={"WAIT": "30"})
    deadline = time.monotonic() + 60
    while b"COMPLETED" not in job.content and time.monotonic() < deadline:
        job = httpx.get(job_url, params={"WAIT": "30"})
    assert b"COMPLETED" in job.content, job.text
    result = httpx.get(f"{job_url}/results/result")
    assert result.status_code == 200
    if fmt == "csv":
        assert result.headers["content-type"].startswith("text/csv")
        assert len(Table.read(result.text, format="ascii.csv")) == 50
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(io.BytesIO(result.content)).num_rows == 50
    else:
        assert len(Table.read(io.BytesIO(result.content), format="votable")) == 50


def test_wait_blocks_and_returns_on_change(tap_server: ServerProcess) -> None:
    created = httpx.post(f"{tap_server.tap_url}/async", data={"LANG": "ADQL", "QUERY": QUERY})
    job_url = created.headers["location"]
    start = time.monotonic()
    pending = httpx.get(job_url, params={"WAIT": "2"})
    assert 1.8 < time.monotonic() - start < 10
    assert b">PENDING<" in pending.content
    httpx.post(f"{job_url}/phase", data={"PHASE": "RUN"})
    start = time.monotonic()
    done = httpx.get(job_url, params={"WAIT": "30", "PHASE": "QUEUED"})
    while b"COMPLETED" not in done.content and time.monotonic() - start < 30:
        done = httpx.get(job_url, params={"WAIT": "30"})
    assert b"COMPLETED" in done.content
    assert time.monotonic() - start < 20


def test_other_users_jobs_are_invisible(tap_server: ServerProcess) -> None:
    alice = {"X-Auth-Request-User": "alice"}
    created = httpx.post(
        f"{tap_server.tap_url}/async", data={"LANG": "ADQL", "QUERY": QUERY}, headers=alice
    )
    job_url = created.headers["location"]
    assert httpx.get(job_url, headers=alice).status_code == 200
    assert httpx.get(job_url, headers={"X-Auth-Request-User": "bob"}).status_code == 404
    assert httpx.get(job_url).status_code == 404
    listing = httpx.get(f"{tap_server.tap_url}/async", headers={"X-Auth-Request-User": "bob"})
    assert job_url.rsplit("/", 1)[1].encode() not in listing.content
    assert httpx.delete(job_url, headers={"X-Auth-Request-User": "bob"}).status_code == 404
    assert httpx.get(job_url, headers=alice).status_code == 200


def test_parameters_change_only_while_pending(tap_server: ServerProcess) -> None:
    created = httpx.post(f"{tap_server.tap_url}/async", data={"LANG": "ADQL", "QUERY": QUERY})
    job_url = created.headers["location"]
    changed = httpx.post(f"{job_url}/parameters", data={"MAXREC": "5"})
    assert changed.status_code == 303
    assert b'id="MAXREC">5<' in httpx.get(f"{job_url}/parameters").content
    httpx.post(f"{job_url}/phase", data={"PHASE": "ABORT"})
    assert httpx.get(f"{job_url}/phase").text == "ABORTED"
    refused = httpx.post(f"{job_url}/parameters", data={"MAXREC": "7"})
    assert refused.status_code == 400


def test_wait_must_be_a_number(tap_server: ServerProcess) -> None:
    job_url = httpx.post(
        f"{tap_server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore"},
    ).headers["location"]
    for wait in ("nan", "NaN", "soon"):
        response = httpx.get(job_url, params={"WAIT": wait}, timeout=30)
        assert response.status_code == 400, (wait, response.text)
        assert "WAIT must be a number of seconds" in response.text
    # An infinite wait is a wait as long as the service allows; the job is PENDING, so
    # it returns at once only with a PHASE guard that no longer holds.
    response = httpx.get(job_url, params={"WAIT": "inf", "PHASE": "QUEUED"}, timeout=30)
    assert response.status_code == 200


def test_a_huge_last_lists_every_job(tap_server: ServerProcess) -> None:
    response = httpx.get(f"{tap_server.tap_url}/async", params={"LAST": "9" * 20}, timeout=30)
    assert response.status_code == 200, response.text
