"""The long fuzz run: many requests, near and far from valid, to every endpoint of a real
server over the DP1-like demo archive, each answer judged as ``tests/test_fuzz.py`` judges
it (no 5xx, errors in their protocol's format, no traceback in the body or the server's
log). Failures are collected, not stopped at, and summarised by kind at the end.

    .venv/bin/python scripts/fuzz.py --backend sqlite --examples 60000 --seed 1
    .venv/bin/python scripts/fuzz.py --backend postgresql --examples 40000 --seed 2

Each run builds its own archive (a temporary SQLite file, or a private PostgreSQL +
pgSphere cluster), or uses ``--database-url`` of an archive already holding the demo
data. The summary (JSON with ``--report``) is what docs/robustness.md quotes.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.demo_archive import demo_archive
from tests.support.fuzzing import (
    JobScript,
    Probe,
    Samples,
    endpoint_probes,
    job_scripts,
    problems,
    send,
)
from tests.support.server import ServerProcess


class LogTail:
    """What a log file gained since the last look."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("r", errors="replace")
        self._file.seek(0, 2)

    def new(self) -> str:
        return self._file.read()


class Tally:
    """Requests sent, statuses seen, and failures by kind (one example of each kept)."""

    def __init__(self) -> None:
        self.requests = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.failures: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, str] = {}

    def send(
        self, client: httpx.Client, probe: Probe, log: LogTail, job: str = ""
    ) -> httpx.Response | None:
        """Send and judge ``probe``; None if no answer came."""
        try:
            response = send(client, probe, job)
        except httpx.HTTPError as exc:
            self.requests += 1
            self._fail(probe, f"no answer: {type(exc).__name__}: {exc}", "-")
            return None
        self.judge(probe, response, log)
        return response

    def _fail(self, probe: Probe, problem: str, status: object) -> None:
        kind = f"{probe.method} {probe.path.split('?')[0]}: {problem[:80]}"
        self.failures[kind] += 1
        self.examples.setdefault(kind, f"{probe}\n-> {status}: {problem}")

    def judge(self, probe: Probe, response: httpx.Response, log: LogTail) -> None:
        self.requests += 1
        self.statuses[response.status_code] += 1
        found = problems(probe, response)
        fresh = log.new()
        if "Traceback" in fresh:
            found.append("a traceback in the server's log: " + fresh[-1500:])
        for problem in found:
            self._fail(probe, problem, response.status_code)


def samples(server: ServerProcess) -> Samples:
    """A visit image of the archive, asked of the server itself."""
    query = (
        "SELECT TOP 1 obs_publisher_did, s_ra, s_dec FROM ivoa.ObsCore "
        "WHERE dataproduct_subtype = 'lsst.visit_image' ORDER BY obs_publisher_did"
    )
    answer = httpx.post(
        f"{server.tap_url}/sync", data={"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv"}
    )
    answer.raise_for_status()
    did, ra, dec = answer.text.splitlines()[1].split(",")
    return Samples(did, float(ra), float(dec))


def run(url: str, directory: Path, examples: int, jobs: int, chosen_seed: int) -> Tally:
    env = {
        "OBSCURA_SYNC_TIMEOUT": "3",
        "OBSCURA_JOB_EXECUTION_SECONDS": "3",
        "OBSCURA_UPLOAD_LIMIT_BYTES": "100000",
    }
    server = ServerProcess(url, directory, env=env)
    log = LogTail(directory / f"server-{server.port}.log")
    tally = Tally()
    sample = samples(server)
    options = settings(
        max_examples=examples,
        phases=[Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    started = time.monotonic()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:

            @seed(chosen_seed)
            @settings(options)
            @given(endpoint_probes(sample))
            def answer(probe: Probe) -> None:
                tally.send(client, probe, log)
                if tally.requests % 5000 == 0:
                    elapsed = time.monotonic() - started
                    print(f"{tally.requests} requests, {elapsed:.0f} s", flush=True)

            @seed(chosen_seed)
            @settings(options, max_examples=jobs)
            @given(job_scripts(sample))
            def act(script: JobScript) -> None:
                created = tally.send(client, script.create, log)
                if created is None or created.status_code != 303:
                    return
                job = created.headers["location"].rstrip("/").rsplit("/", 1)[-1]
                for step in script.steps:
                    tally.send(client, step, log, job)
                client.delete(f"{script.create.path}/{job}")

            answer()
            act()
    finally:
        output = server.stop()
        if "Traceback" in output and not tally.failures:
            tally.failures["traceback at shutdown"] += 1
            tally.examples["traceback at shutdown"] = output[-3000:]
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="an archive already holding the demo data")
    parser.add_argument("--examples", type=int, default=50_000, help="endpoint requests")
    parser.add_argument("--jobs", type=int, default=0, help="job scripts (default: examples/10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", type=Path, help="write the summary here as JSON")
    args = parser.parse_args()
    jobs = args.jobs or args.examples // 10
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="obscura-fuzz-") as temporary:
        directory = Path(temporary)
        if args.database_url:
            tally = run(args.database_url, directory, args.examples, jobs, args.seed)
        else:
            with demo_archive(args.backend, directory) as url:
                tally = run(url, directory, args.examples, jobs, args.seed)
    summary = {
        "backend": args.backend,
        "seed": args.seed,
        "requests": tally.requests,
        "seconds": round(time.monotonic() - started),
        "statuses": dict(sorted(tally.statuses.items())),
        "failures": dict(tally.failures.most_common()),
        "examples": tally.examples,
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.report:
        args.report.write_text(text + "\n")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
