"""Benchmark: TAP async (UWS) job overhead on ``obscura worker`` processes.

Not a test. Starts a private PostgreSQL cluster, loads the small DP1 demo data (the
queries are trivial: this measures the cost of a job, not of a query), and for each
worker count in ``--workers`` starts one ``obscura serve`` with
``OBSCURA_JOB_RUNNER=queue`` and that many ``obscura worker`` processes
(``OBSCURA_JOB_CONCURRENCY=--concurrency`` each), then measures, with httpx as the client:

1. latency: ``--latency-jobs`` jobs ``SELECT TOP 1 obs_id FROM ivoa.ObsCore`` submitted
   one at a time (``PHASE=RUN`` in the creating POST), each followed by
   ``GET {job}?WAIT=30&PHASE=<current phase>`` until it is COMPLETED; the median and
   95th percentile of submit -> COMPLETED seen by the client, and of the job's own
   ``endTime - creationTime`` (what the server took, without the WAIT's wake-up);
2. throughput: ``--jobs`` jobs ``SELECT TOP 10 obs_id, s_ra, s_dec FROM ivoa.ObsCore``
   submitted as fast as ``--clients`` threads can, then the job list polled every 0.2 s
   until all are finished; jobs/s = jobs / (first submit -> the last job's ``endTime``).

A job that does not end COMPLETED is an error: the script exits non-zero. The per-user
active-job limit (``OBSCURA_JOB_ACTIVE_LIMIT``, default 10) is raised to 100,000 so the
throughput phase can queue every job at once. Every measurement runs ``--repeat`` times
(the machine is shared); the table gives the best of them.

    .venv/bin/python bench/uws_bench.py [--workers 1,2] [--concurrency C] [--latency-jobs N]
        [--jobs N] [--clients K] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import check_revision, percentile, revision, sync_engine

from app.storage.archive import fill_archive
from obscore.demo import generate_dp1
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess, WorkerProcess

LATENCY_QUERY = "SELECT TOP 1 obs_id FROM ivoa.ObsCore"
THROUGHPUT_QUERY = "SELECT TOP 10 obs_id, s_ra, s_dec FROM ivoa.ObsCore"
WAIT_SECONDS = 30
POLL_SECONDS = 0.2
JOB_TIMEOUT = 120.0
ACTIVE = {"PENDING", "QUEUED", "EXECUTING", "HELD", "SUSPENDED"}
SETTINGS = {
    "OBSCURA_JOB_RUNNER": "queue",
    "OBSCURA_LOG_LEVEL": "WARNING",
    "OBSCURA_JOB_ACTIVE_LIMIT": "100000",
}

_PHASE = re.compile(r"<uws:phase>(\w+)</uws:phase>")
_JOBREF = re.compile(r'<uws:jobref id="([^"]+)"[^>]*>\s*<uws:phase>(\w+)</uws:phase>')


class JobError(RuntimeError):
    """A job ended in another phase than COMPLETED, or did not end in time."""


def _tag(document: str, name: str) -> str | None:
    found = re.search(rf"<uws:{name}>([^<]*)</uws:{name}>", document)
    return found.group(1) if found else None


def _uws_time(value: str | None) -> float:
    if value is None:
        raise JobError("a COMPLETED job without its time")
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _submit(client: httpx.Client, server: ServerProcess, query: str) -> str:
    """Create and run a job; its URL."""
    created = client.post(
        f"{server.tap_url}/async", data={"LANG": "ADQL", "QUERY": query, "PHASE": "RUN"}
    )
    if created.status_code != 303:
        raise JobError(f"submission refused ({created.status_code}): {created.text[:2000]}")
    return created.headers["location"]


def _wait_completed(client: httpx.Client, job_url: str) -> str:
    """Block with WAIT until the job ends; its document (JobError unless COMPLETED)."""
    deadline = time.monotonic() + JOB_TIMEOUT
    phase = "QUEUED"  # what PHASE=RUN in the creating POST leaves it in
    while True:
        response = client.get(job_url, params={"WAIT": str(WAIT_SECONDS), "PHASE": phase})
        response.raise_for_status()
        found = _PHASE.search(response.text)
        phase = found.group(1) if found else "?"
        if phase not in ACTIVE:
            break
        if time.monotonic() > deadline:
            raise JobError(f"{job_url} still {phase} after {JOB_TIMEOUT:g} s")
    if phase != "COMPLETED":
        raise JobError(f"{job_url} ended {phase}:\n{response.text[:2000]}")
    return response.text


# --- measurements -----------------------------------------------------------------------


@dataclass
class Latency:
    median_ms: float
    p95_ms: float
    server_median_ms: float
    server_p95_ms: float


def _latency(server: ServerProcess, jobs: int) -> Latency:
    """One job at a time: submit, WAIT until COMPLETED."""
    seen, server_side = [], []
    with httpx.Client(timeout=WAIT_SECONDS + 30) as client:
        for _ in range(jobs):
            start = time.perf_counter()
            job_url = _submit(client, server, LATENCY_QUERY)
            document = _wait_completed(client, job_url)
            seen.append(1000 * (time.perf_counter() - start))
            created = _uws_time(_tag(document, "creationTime"))
            ended = _uws_time(_tag(document, "endTime"))
            server_side.append(1000 * (ended - created))
    return Latency(
        statistics.median(seen),
        percentile(seen, 0.95),
        statistics.median(server_side),
        percentile(server_side, 0.95),
    )


@dataclass
class Throughput:
    jobs: int
    seconds: float
    submit_seconds: float
    observed_seconds: float

    @property
    def per_second(self) -> float:
        return self.jobs / self.seconds


def _submit_all(server: ServerProcess, jobs: int, clients: int) -> list[str]:
    """``jobs`` submissions from ``clients`` threads, each with its own connection."""
    remaining = iter(range(jobs))
    lock = threading.Lock()
    urls: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        with httpx.Client(timeout=60) as client:
            while True:
                with lock:
                    if next(remaining, None) is None or errors:
                        return
                try:
                    url = _submit(client, server, THROUGHPUT_QUERY)
                except Exception as exc:
                    errors.append(exc)
                    return
                with lock:
                    urls.append(url)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return urls


def _throughput(server: ServerProcess, jobs: int, clients: int) -> Throughput:
    """All jobs at once from a few clients; the job list polled until they end."""
    after = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    first_submit = time.time()
    start = time.perf_counter()
    urls = _submit_all(server, jobs, clients)
    submitted = time.perf_counter() - start
    ids = {url.rsplit("/", 1)[1] for url in urls}
    params = {"AFTER": after.isoformat().replace("+00:00", "Z")}
    deadline = time.monotonic() + JOB_TIMEOUT
    with httpx.Client(timeout=60) as client:
        while True:
            listing = client.get(f"{server.tap_url}/async", params=params)
            listing.raise_for_status()
            phases = {i: p for i, p in _JOBREF.findall(listing.text) if i in ids}
            if len(phases) == len(ids) and not ACTIVE & set(phases.values()):
                break
            if time.monotonic() > deadline:
                left = sum(p in ACTIVE for p in phases.values())
                raise JobError(f"{left} of {jobs} jobs not finished after {JOB_TIMEOUT:g} s")
            time.sleep(POLL_SECONDS)
        observed = time.perf_counter() - start
        failed = {i: p for i, p in phases.items() if p != "COMPLETED"}
        if failed:
            raise JobError(f"{len(failed)} of {jobs} jobs did not complete: {failed}")
        last_end = max(
            _uws_time(_tag(client.get(url).raise_for_status().text, "endTime")) for url in urls
        )
    return Throughput(len(urls), last_end - first_submit, submitted, observed)


# --- one worker count -------------------------------------------------------------------


def _registered_workers(url: str) -> int:
    with sync_engine(url) as engine, engine.connect() as conn:
        query = "SELECT COUNT(*) FROM procrastinate_workers"
        return int(conn.exec_driver_sql(query).scalar_one())


@dataclass
class Result:
    latency: Latency
    throughput: Throughput


@contextmanager
def _services(url: str, data_dir: Path, workers: int, concurrency: int) -> Iterator[ServerProcess]:
    """One API and ``workers`` workers, all registered with the queue."""
    server: ServerProcess | None = None
    started: list[WorkerProcess] = []
    try:
        server = ServerProcess(url, data_dir, SETTINGS)
        before = _registered_workers(url)
        worker_env = {
            **SETTINGS,
            "OBSCURA_JOB_CONCURRENCY": str(concurrency),
            "OBSCURA_BASE_URL": server.url,
        }
        for _ in range(workers):
            started.append(WorkerProcess(url, data_dir, worker_env))
        deadline = time.monotonic() + 60
        while _registered_workers(url) < before + workers:
            for worker in started:
                if worker.process.poll() is not None:
                    raise RuntimeError(f"a worker exited early:\n{worker.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not register with the queue within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        outputs = [worker.stop() for worker in started]
        if server is not None:
            outputs.append(server.stop())
        for output in outputs:
            if "Traceback" in output:
                print(output, file=sys.stderr)


def _bench(url: str, data_dir: Path, workers: int, args: argparse.Namespace) -> Result:
    with _services(url, data_dir, workers, args.concurrency) as server:
        # Warm up: imports, pools, the workers' first jobs.
        with httpx.Client(timeout=WAIT_SECONDS + 30) as client:
            for url_ in [_submit(client, server, LATENCY_QUERY) for _ in range(2 * workers)]:
                _wait_completed(client, url_)
        latencies, throughputs = [], []
        for _ in range(args.repeat):
            latencies.append(_latency(server, args.latency_jobs))
            throughputs.append(_throughput(server, args.jobs, args.clients))
            print(
                f"  latency median/p95 {latencies[-1].median_ms:.0f}/{latencies[-1].p95_ms:.0f} ms"
                f" (server {latencies[-1].server_median_ms:.0f}/"
                f"{latencies[-1].server_p95_ms:.0f} ms); throughput "
                f"{throughputs[-1].per_second:.1f} jobs/s (submitted in "
                f"{throughputs[-1].submit_seconds:.1f} s, all seen ended after "
                f"{throughputs[-1].observed_seconds:.1f} s)",
                flush=True,
            )
    return Result(
        Latency(
            min(r.median_ms for r in latencies),
            min(r.p95_ms for r in latencies),
            min(r.server_median_ms for r in latencies),
            min(r.server_p95_ms for r in latencies),
        ),
        max(throughputs, key=lambda r: r.per_second),
    )


# --- the report -------------------------------------------------------------------------


def _print_table(results: dict[int, Result], args: argparse.Namespace, revision: str) -> None:
    print(
        f"\n{platform.node()}, commit {revision}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}; best of {args.repeat} runs; "
        f"{args.concurrency} job(s) per worker process\n"
    )
    print(
        f"Latency: {args.latency_jobs} jobs one at a time ({LATENCY_QUERY}), "
        f"submit -> COMPLETED seen through WAIT. Throughput: {args.jobs} jobs "
        f"({THROUGHPUT_QUERY}) from {args.clients} clients, first submit -> last endTime\n"
    )
    print(
        "| workers | latency median (ms) | latency p95 (ms) | server-side median (ms) "
        "| server-side p95 (ms) | throughput (jobs/s) |"
    )
    print("|---|---|---|---|---|---|")
    for workers, r in results.items():
        print(
            f"| {workers} | {r.latency.median_ms:.0f} | {r.latency.p95_ms:.0f} "
            f"| {r.latency.server_median_ms:.0f} | {r.latency.server_p95_ms:.0f} "
            f"| {r.throughput.per_second:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs per worker process")
    parser.add_argument("--latency-jobs", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers: comma-separated integers, not {args.workers!r}")
    if min(counts) < 1 or min(args.concurrency, args.latency_jobs, args.jobs, args.clients) < 1:
        parser.error("counts must be positive")
    before = revision()
    cluster = PostgresCluster()
    results: dict[int, Result] = {}
    try:
        url = cluster.start()
        with sync_engine(url) as engine:
            fill_archive(engine, list(generate_dp1()), replace=True, progress=False)
        with tempfile.TemporaryDirectory(prefix="uws-bench-") as tmp:
            for workers in counts:
                print(f"{workers} worker(s) x {args.concurrency} job(s):", flush=True)
                results[workers] = _bench(url, Path(tmp) / f"w{workers}", workers, args)
    except JobError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        cluster.stop()
    check_revision(before)
    _print_table(results, args, before)


if __name__ == "__main__":
    main()
