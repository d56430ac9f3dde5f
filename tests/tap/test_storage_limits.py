"""What one client can make the service keep is bounded (issue 17, class 3): waiting on
jobs that never existed costs no memory that stays; each user's stored jobs and the bytes
of their results are limited; a refused creation leaves none of its uploaded tables."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess, served

UPLOAD = (
    b'<?xml version="1.0"?><VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">'
    b'<RESOURCE><TABLE><FIELD name="n" datatype="int"/><DATA><TABLEDATA>'
    + b"".join(b"<TR><TD>%d</TD></TR>" % i for i in range(5000))
    + b"</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"
)
RESULT_LIMIT = 400_000
WIDE = "SELECT TOP 250 * FROM ivoa.ObsCore ORDER BY obs_id"
"""A result of about 250 KB as VOTable: one fits within RESULT_LIMIT, two do not."""


@pytest.fixture
def server(demo_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "OBSCURA_JOB_STORED_LIMIT": "3",
        "OBSCURA_JOB_RESULT_BYTES_LIMIT": str(RESULT_LIMIT),
    }
    process = ServerProcess(demo_url, tmp_path, env=env)
    yield process
    output = process.stop()
    assert "Traceback" not in output, output


def _user(name: str) -> dict[str, str]:
    return {"X-Auth-Request-User": name}


def _stored_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "results").rglob("*") if p.is_file()]


def _finished(job: str, user: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        phase = httpx.get(f"{job}/phase", headers=_user(user)).text
        if phase not in ("QUEUED", "EXECUTING"):
            return phase
        assert time.monotonic() < deadline, phase
        httpx.get(job, params={"WAIT": "5"}, headers=_user(user), timeout=30)


def test_waiting_on_unknown_jobs_costs_no_lasting_memory(tmp_path: Path) -> None:
    # One backend is enough: what grew was in the server's own memory.
    with (
        served(f"sqlite:///{tmp_path / 'archive.db'}", tmp_path) as server,
        httpx.Client(base_url=server.tap_url, headers=_user("mallory")) as client,
    ):

        def wait_on_unknown(count: int) -> None:
            for number in range(count):
                answer = client.get(f"/async/never{number:060d}", params={"WAIT": "1"})
                assert answer.status_code == 404

        wait_on_unknown(500)  # the server's caches and pools settle
        before = server.resident_kib()
        wait_on_unknown(2000)
        grown = server.resident_kib() - before
    # The code before kept an event per id asked for: 1.7 MiB more after these 2,000.
    assert grown < 1024, f"the server grew by {grown} KiB"


def test_stored_jobs_are_limited_per_user_and_refusals_keep_nothing(
    server: ServerProcess, tmp_path: Path
) -> None:
    def create(user: str) -> httpx.Response:
        return httpx.post(
            f"{server.tap_url}/async",
            data={"LANG": "ADQL", "QUERY": "SELECT n FROM TAP_UPLOAD.t", "UPLOAD": "t,param:t"},
            files={"t": ("t.xml", UPLOAD, "application/x-votable+xml")},
            headers=_user(user),
        )

    jobs = [create("trent") for _ in range(3)]
    assert [r.status_code for r in jobs] == [303, 303, 303]
    stored = _stored_files(tmp_path)
    assert len(stored) == 3  # one uploaded table each
    for _ in range(5):
        refused = create("trent")
        assert refused.status_code == 400
        assert "You have 3 jobs stored, the most allowed" in refused.text
    assert _stored_files(tmp_path) == stored  # nothing of the refused ones stayed
    before = server.resident_kib()
    with httpx.Client(base_url=server.tap_url, headers=_user("trent")) as client:
        for _ in range(300):  # refusals cost no memory that stays either
            refused = client.post("/async", data={"LANG": "ADQL", "QUERY": "SELECT 1"})
            assert refused.status_code == 400
    assert server.resident_kib() - before < 2048
    assert create("victor").status_code == 303  # another user has their own count
    httpx.delete(jobs[0].headers["location"], headers=_user("trent"))
    assert create("trent").status_code == 303


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)  # the count is plain SQL
def test_result_bytes_are_limited_per_user(server: ServerProcess, tmp_path: Path) -> None:
    def run(user: str, query: str) -> str:
        created = httpx.post(
            f"{server.tap_url}/async",
            data={"LANG": "ADQL", "QUERY": query, "PHASE": "RUN"},
            headers=_user(user),
        )
        assert created.status_code == 303, created.text
        return str(created.headers["location"])

    first = run("wendy", WIDE)
    assert _finished(first, "wendy") == "COMPLETED"
    size = len(httpx.get(f"{first}/results/result", headers=_user("wendy")).content)
    assert RESULT_LIMIT / 2 < size < RESULT_LIMIT  # the premise of this test
    files = _stored_files(tmp_path)

    second = run("wendy", WIDE)  # would take the user past the limit
    assert _finished(second, "wendy") == "ERROR"
    error = httpx.get(f"{second}/error", headers=_user("wendy")).text
    assert f"passed the storage allowed to each user ({RESULT_LIMIT:,} bytes" in error
    assert _stored_files(tmp_path) == files  # the cut result was not kept

    assert _finished(run("xavier", WIDE), "xavier") == "COMPLETED"  # their own allowance
    httpx.delete(first, headers=_user("wendy"))
    assert _finished(run("wendy", WIDE), "wendy") == "COMPLETED"
