"""Benchmark: latency under sustained load (issue 17, class 8). Not a test.

``--clients`` clients (default 8) send, for ``--seconds`` (default 60), a mix of TAP cone
queries (full rows), TAP region queries (INTERSECTS on ``s_region``) and SIA POS=CIRCLE
searches, each at a random image of the demo archive with a radius of 0.05 to 0.3
degrees, one after the other on keep-alive connections, against a real ``obscura serve``.
It reports, per kind and overall, the requests, errors, p50, p90, p99 and the longest
latency, and the server's resident memory (sampled every second, and its peak VmHWM).

    .venv/bin/python bench/load_mix.py [--backend sqlite|postgresql]
        [--database-url URL] [--clients N] [--seconds S] [--seed N] [--workers N]

Without ``--database-url`` it builds the demo archive itself (a temporary SQLite file,
or a private PostgreSQL + pgSphere cluster).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import machine, percentile, revision

from tests.support.demo_archive import demo_archive
from tests.support.server import ServerProcess, children, cpu_seconds, status_kib

KINDS = ("cone", "region", "sia")


def centres(server: ServerProcess) -> list[tuple[float, float]]:
    answer = httpx.post(
        f"{server.tap_url}/sync",
        data={
            "LANG": "ADQL",
            "QUERY": "SELECT s_ra, s_dec FROM ivoa.ObsCore WHERE s_ra IS NOT NULL",
            "RESPONSEFORMAT": "csv",
        },
        timeout=60,
    )
    answer.raise_for_status()
    rows = [line.split(",") for line in answer.text.splitlines()[1:]]
    return [(float(ra), float(dec)) for ra, dec in rows]


def request(client: httpx.Client, kind: str, ra: float, dec: float, radius: float) -> int:
    if kind == "sia":
        answer = client.get("/api/sia/dp1/query", params={"POS": f"CIRCLE {ra} {dec} {radius}"})
    else:
        where = (
            f"CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {ra}, {dec}, {radius})) = 1"
            if kind == "cone"
            else f"INTERSECTS(s_region, CIRCLE('ICRS', {ra}, {dec}, {radius})) = 1"
        )
        answer = client.post(
            "/api/tap/sync",
            data={"LANG": "ADQL", "QUERY": f"SELECT * FROM ivoa.ObsCore WHERE {where}"},
        )
    ok = answer.status_code == 200 and b'value="ERROR"' not in answer.content[-2000:]
    return len(answer.content) if ok else -answer.status_code


def _tree(pid: int) -> list[int]:
    """The process and its descendants (the server processes of ``obscura serve``)."""
    return [pid, *(member for child in children(pid) for member in _tree(child))]


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its descendants so far."""
    return sum(cpu_seconds(member) for member in _tree(pid))


def _memory_kib(pid: int, field: str) -> int:
    """A /proc status field (VmRSS, VmHWM) summed over the process and its descendants."""
    return sum(status_kib(member, field) for member in _tree(pid))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=0, help="server processes (default: one per core)"
    )
    args = parser.parse_args()
    print(f"# load_mix: {machine()}; commit {revision()}")
    with tempfile.TemporaryDirectory(prefix="obscura-load-") as temporary:
        directory = Path(temporary)
        with contextlib.ExitStack() as stack:
            url = args.database_url or stack.enter_context(demo_archive(args.backend, directory))
            workers = {"OBSCURA_WORKERS": str(args.workers)}
            server = ServerProcess(url, directory, env=workers)
            try:
                run(server, args)
            finally:
                server.stop()
    return 0


def run(server: ServerProcess, args: argparse.Namespace) -> None:
    points = centres(server)
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    errors: collections.Counter[str] = collections.Counter()
    sizes: dict[str, list[int]] = collections.defaultdict(list)
    rss: list[int] = []
    timed: list[tuple[float, int]] = []  # (seconds, bytes) of every answered request
    end = time.monotonic() + args.seconds
    lock = threading.Lock()

    def client_loop(number: int) -> None:
        rng = random.Random(args.seed * 1000 + number)
        with httpx.Client(base_url=server.url, timeout=120) as client:
            while time.monotonic() < end:
                kind = rng.choice(KINDS)
                ra, dec = rng.choice(points)
                radius = rng.uniform(0.05, 0.3)
                started = time.monotonic()
                outcome = request(client, kind, ra, dec, radius)
                took = time.monotonic() - started
                with lock:
                    latencies[kind].append(took)
                    if outcome < 0:
                        errors[f"{kind} {-outcome}"] += 1
                    else:
                        sizes[kind].append(outcome)
                        timed.append((took, outcome))

    def sample_memory() -> None:
        while time.monotonic() < end:
            rss.append(_memory_kib(server.process.pid, "VmRSS"))
            time.sleep(1)

    server_cpu = _cpu_seconds(server.process.pid)
    own_cpu = time.process_time()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.clients)]
    threads.append(threading.Thread(target=sample_memory))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server_cpu = _cpu_seconds(server.process.pid) - server_cpu
    own_cpu = time.process_time() - own_cpu
    peak = _memory_kib(server.process.pid, "VmHWM")  # the sum of each process's peak
    print(
        f"{args.backend}, {args.clients} clients, {args.seconds:g} s, "
        f"{args.workers or os.cpu_count()} server processes; "
        f"server RSS median {sorted(rss)[len(rss) // 2] / 1024:.0f} MiB, "
        f"peak {peak / 1024:.0f} MiB; CPU used: server {server_cpu:.0f} s, "
        f"these clients {own_cpu:.0f} s (of {2 * args.seconds:g} s on 2 cores)"
    )
    print("| kind | requests | errors | median KB | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    every = [t for kind in KINDS for t in latencies[kind]]
    for kind, values in [*((k, latencies[k]) for k in KINDS), ("all", every)]:
        failed = sum(n for name, n in errors.items() if kind == "all" or name.startswith(kind))
        kept = sizes[kind] if kind != "all" else [s for k in KINDS for s in sizes[k]]
        median_kb = sorted(kept)[len(kept) // 2] / 1000 if kept else 0
        print(
            f"| {kind} | {len(values)} | {failed} | {median_kb:.0f} | "
            f"{percentile(values, 0.5) * 1000:.0f} | {percentile(values, 0.9) * 1000:.0f} | "
            f"{percentile(values, 0.99) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    # Is the tail queueing, or just the largest answers? Compare the slowest 1% with all.
    timed.sort()
    slowest = timed[-max(1, len(timed) // 100) :]
    rate = sorted(size / took for took, size in timed)
    print(
        f"slowest 1%: median {sorted(s for _, s in slowest)[len(slowest) // 2] / 1000:.0f} KB "
        f"(all: {sorted(s for _, s in timed)[len(timed) // 2] / 1000:.0f} KB); "
        f"throughput per request p10/p50 {rate[len(rate) // 10] / 1e6:.1f}/"
        f"{rate[len(rate) // 2] / 1e6:.1f} MB/s"
    )
    if errors:
        print("errors:", dict(errors))


if __name__ == "__main__":
    sys.exit(main())
