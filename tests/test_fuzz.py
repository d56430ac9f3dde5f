"""Any request to any endpoint gets an answer in its protocol: never a 5xx, an error
document in the protocol's format (DALI VOTable; SODA text/plain; SIA text for CSV/TSV),
no traceback in the body or the server's log.

Seeded (``derandomize``) and bounded, against a real server per backend; the probes and
the checks are in ``tests/support/fuzzing.py``, shared with the long run
(``scripts/fuzz.py``, its results in docs/robustness.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from tests.support.fuzzing import (
    KNOWN,
    JobScript,
    Probe,
    Samples,
    endpoint_probes,
    job_scripts,
    problems,
    send,
)
from tests.support.server import ServerProcess, served

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ENDPOINT_EXAMPLES = 250
JOB_EXAMPLES = 50

FUZZ_SETTINGS = settings(
    derandomize=True,  # the same inputs on every run
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class _LogTail:
    """What the server wrote since the last look."""

    def __init__(self, server: ServerProcess) -> None:
        self._server = server
        self._seen = len(server.output())

    def new(self) -> str:
        output = self._server.output()
        fresh, self._seen = output[self._seen :], len(output)
        return fresh


@pytest.fixture(scope="session")
def fuzz_server(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory, pixel_cache: Path
) -> Iterator[ServerProcess]:
    env = {
        "OBSCURA_PIXEL_CACHE_DIR": str(pixel_cache),
        "OBSCURA_SYNC_TIMEOUT": "3",
        "OBSCURA_JOB_EXECUTION_SECONDS": "3",
        "OBSCURA_UPLOAD_LIMIT_BYTES": "100000",
    }
    with served(demo_url, Path(tmp_path_factory.mktemp("fuzz")), env) as server:
        yield server


@pytest.fixture(scope="session")
def samples(sample_rows: dict[str, dict[str, Any]]) -> Samples:
    visit = sample_rows["visit_image"]
    return Samples(str(visit["obs_publisher_did"]), float(visit["s_ra"]), float(visit["s_dec"]))


def _judge(probe: Probe, response: httpx.Response, log: _LogTail) -> None:
    found = problems(probe, response)
    fresh = log.new()
    if "Traceback" in fresh:
        found.append(f"a traceback in the server's log:\n{fresh[-4000:]}")
    assert not found, f"{probe}\n-> {response.status_code}\n" + "\n".join(found)


def test_every_endpoint_answers_in_its_protocol(
    fuzz_server: ServerProcess, samples: Samples
) -> None:
    log = _LogTail(fuzz_server)
    with httpx.Client(base_url=fuzz_server.url, timeout=60) as client:
        for probe in KNOWN:
            _judge(probe, send(client, probe), log)

        @settings(FUZZ_SETTINGS, max_examples=ENDPOINT_EXAMPLES)
        @given(endpoint_probes(samples))
        def answer(probe: Probe) -> None:
            _judge(probe, send(client, probe), log)

        answer()


def test_every_job_action_answers_in_its_protocol(
    fuzz_server: ServerProcess, samples: Samples
) -> None:
    log = _LogTail(fuzz_server)
    with httpx.Client(base_url=fuzz_server.url, timeout=60) as client:

        @settings(FUZZ_SETTINGS, max_examples=JOB_EXAMPLES)
        @given(job_scripts(samples))
        def act(script: JobScript) -> None:
            created = send(client, script.create)
            _judge(script.create, created, log)
            if created.status_code != 303:
                return
            job = created.headers["location"].rstrip("/").rsplit("/", 1)[-1]
            for step in script.steps:
                _judge(step, send(client, step, job), log)
            base = script.create.path
            client.delete(f"{base}/{job}")

        act()
