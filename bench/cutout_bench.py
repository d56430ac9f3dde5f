"""Benchmark: SODA cutouts over HTTP against a real ``obscura serve`` on the DP1-like demo
archive (SQLite), from cached tile-compressed visit images. Not a test.

1. sync cutout latency, 100 x 100 pixels (CIRCLE of 10") and 1000 x 1000 (100"),
   ``CUTOUTDETAIL=MaskedImage`` (three planes), one client, the same file;
2. 8 concurrent clients, each cutting small cutouts out of its own file, for
   ``--seconds``: requests per second, median latency, and the server's memory;
3. async: a small cutout submitted with PHASE=RUN, to COMPLETED (WAIT), median of 20.

    .venv/bin/python bench/cutout_bench.py [--repeat N] [--seconds S] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import machine, percentile, revision
from datalink_bench import _demo_database, _dids, _Memory

from tests.support.server import ServerProcess


def _row(client: httpx.Client, server: ServerProcess, did: str) -> tuple[float, float]:
    query = f"SELECT s_ra, s_dec FROM ivoa.ObsCore WHERE obs_publisher_did = '{did}'"
    response = client.post(
        f"{server.tap_url}/sync", data={"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv"}
    )
    ra, dec = response.text.splitlines()[1].split(",")
    return float(ra), float(dec)


def _cut(client: httpx.Client, server: ServerProcess, did: str, ra: float, dec: float,
         radius: float) -> float:  # fmt: skip
    started = time.perf_counter()
    response = client.get(
        f"{server.url}/api/cutout/sync",
        params={"ID": did, "CIRCLE": f"{ra} {dec} {radius}", "CUTOUTDETAIL": "MaskedImage"},
    )
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    commit = revision()
    with tempfile.TemporaryDirectory(prefix="cutout-bench-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        url = _demo_database(directory)
        dids = _dids(url, "visit_image", 8)
        env = {"OBSCURA_PIXEL_CACHE_DIR": str(Path(tmp) / "pixels")}
        server = ServerProcess(url, Path(tmp) / "server", env=env)
        try:
            with httpx.Client(timeout=300) as client:
                centres = [_row(client, server, did) for did in dids]
                for did, (ra, dec) in zip(dids, centres, strict=True):
                    _cut(client, server, did, ra, dec, 10 / 3600)  # makes and caches the file
                ra, dec = centres[0]
                small = [
                    _cut(client, server, dids[0], ra, dec, 10 / 3600) for _ in range(args.repeat)
                ]
                large = [_cut(client, server, dids[0], ra, dec, 100 / 3600) for _ in range(20)]
                async_times = []
                for _ in range(20):
                    started = time.perf_counter()
                    created = client.post(
                        f"{server.url}/api/cutout/jobs",
                        data={"ID": dids[0], "CIRCLE": f"{ra} {dec} {10 / 3600}", "PHASE": "RUN"},
                    )
                    job = created.headers["location"]
                    while "COMPLETED" not in client.get(job, params={"WAIT": "10"}).text:
                        pass
                    async_times.append((time.perf_counter() - started) * 1000)
            before = server.resident_kib()
            latencies: list[float] = []
            begin = time.monotonic()
            stop = begin + args.seconds

            def worker(index: int) -> None:
                with httpx.Client(timeout=300) as own:
                    did, (wra, wdec) = dids[index], centres[index]
                    while time.monotonic() < stop:
                        latencies.append(_cut(own, server, did, wra, wdec, 10 / 3600))

            with _Memory(server) as memory:
                threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            server.stop()
    print(f"commit {commit}; {machine()}")
    print("| measurement | median (ms) | p95 (ms) |")
    print("|---|---|---|")
    for name, values in (
        ("sync 100 x 100, MaskedImage", small),
        ("sync 1000 x 1000, MaskedImage", large),
        ("async 100 x 100, submit to COMPLETED", async_times),
    ):
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} |")
    print(
        f"| 8 clients, 8 files, 100 x 100: {len(latencies) / args.seconds:.1f} cutouts/s | "
        f"{statistics.median(latencies):.1f} | {percentile(latencies, 0.95):.1f} |"
    )
    thirds = [memory.peak_between(begin + args.seconds * i / 3, begin + args.seconds * (i + 1) / 3)
              for i in range(3)]  # fmt: skip
    print(
        f"server RSS: {before / 1024:.0f} MiB before the 8 clients, "
        f"peak {memory.peak / 1024:.0f} MiB; peak in each third of the run: "
        + ", ".join(f"{kib / 1024:.0f}" for kib in thirds)
        + " MiB"
    )


if __name__ == "__main__":
    main()
