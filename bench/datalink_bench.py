"""Benchmark: DataLink and the files behind it, over HTTP against a real ``obscura serve``
on the DP1-like demo archive (SQLite). Not a test.

Measures, with httpx as the client on the same machine:

1. links documents for one ID (median and 95th percentile of ``--repeat`` requests, each
   of a different visit image) and for 20 IDs at once;
2. the first download of a visit image nobody asked for yet (made on the spot: sky,
   noise, compression) and of a deep coadd;
3. download throughput of a cached visit image (whole file, read to the end);
4. a preview made cold (from the file) and served from the cache;
5. the server's resident memory before and its peak during all of it (sampled every
   0.1 s).

    .venv/bin/python bench/datalink_bench.py [--repeat N] [--cold N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import httpx
import sqlalchemy as sa
from astropy.io.votable import parse

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import machine, percentile, revision

from app.storage.archive import fill_archive
from app.storage.database import archive_schema, create_sync_engine
from obscore.demo import generate_dp1
from tests.support.server import ServerProcess


def _demo_database(directory: Path) -> str:
    path = directory / "demo.db"
    url = f"sqlite:///{path}"
    if not (directory / "demo.db.loaded").exists():
        path.unlink(missing_ok=True)
        engine = create_sync_engine(url)
        fill_archive(engine, generate_dp1(), replace=True, progress=False)
        engine.dispose()
        (directory / "demo.db.loaded").write_text("ok")
    return url


def _dids(url: str, subtype: str, count: int) -> list[str]:
    engine = create_sync_engine(url)
    obscore = archive_schema(engine).obscore
    query = (
        sa.select(obscore.c.obs_publisher_did)
        .where(obscore.c.dataproduct_subtype == f"lsst.{subtype}")
        .order_by(obscore.c.obscore_id)
        .limit(count)
    )
    with engine.connect() as conn:
        dids = [str(d) for d in conn.execute(query).scalars()]
    engine.dispose()
    return dids


class _Memory:
    def __init__(self, server: ServerProcess) -> None:
        self._server = server
        self.peak = server.resident_kib()
        self.samples: list[tuple[float, int]] = []  # (monotonic time, KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            kib = self._server.resident_kib()
            self.samples.append((time.monotonic(), kib))
            self.peak = max(self.peak, kib)

    def peak_between(self, start: float, end: float) -> int:
        """The highest sample taken between two monotonic times (KiB)."""
        return max((kib for t, kib in self.samples if start <= t <= end), default=0)

    def __enter__(self) -> _Memory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _links(client: httpx.Client, server: ServerProcess, *dids: str) -> bytes:
    query = urllib.parse.urlencode([("ID", d) for d in dids])
    response = client.get(f"{server.url}/api/datalink/links?{query}")
    response.raise_for_status()
    return response.content


def _file_url(client: httpx.Client, server: ServerProcess, did: str, semantics: str) -> str:
    table = parse(io.BytesIO(_links(client, server, did))).get_first_table()
    for row in table.array:
        if row["semantics"] == semantics:
            return str(row["access_url"])
    raise RuntimeError(f"no {semantics} link for {did}")


def _timed_get(client: httpx.Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    commit = revision()
    with tempfile.TemporaryDirectory(prefix="datalink-bench-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        url = _demo_database(directory)
        visits = _dids(url, "visit_image", args.repeat + args.cold + 1)
        coadds = _dids(url, "deep_coadd", args.cold)
        cache = Path(tmp) / "pixels"
        server = ServerProcess(
            url, Path(tmp) / "server", env={"OBSCURA_PIXEL_CACHE_DIR": str(cache)}
        )
        try:
            with httpx.Client(timeout=300) as client:
                for did in visits[:20]:
                    _links(client, server, did)  # warm-up
                before = server.resident_kib()
                with _Memory(server) as memory:
                    one = []
                    for did in visits[: args.repeat]:
                        started = time.perf_counter()
                        _links(client, server, did)
                        one.append((time.perf_counter() - started) * 1000)
                    many = []
                    for start in range(0, min(args.repeat, 200), 20):
                        started = time.perf_counter()
                        _links(client, server, *visits[start : start + 20])
                        many.append((time.perf_counter() - started) * 1000)
                    cold_visit = [
                        _timed_get(client, _file_url(client, server, d, "#this"))
                        for d in visits[args.repeat : args.repeat + args.cold]
                    ]
                    cold_coadd = [
                        _timed_get(client, _file_url(client, server, d, "#this")) for d in coadds
                    ]
                    cached_url = _file_url(client, server, visits[args.repeat], "#this")
                    warm = [_timed_get(client, cached_url) for _ in range(5)]
                    preview_url = _file_url(client, server, visits[args.repeat], "#preview")
                    preview_cold = _timed_get(client, preview_url)[0]
                    preview_warm = [_timed_get(client, preview_url)[0] for _ in range(20)]
        finally:
            server.stop()
    size = warm[0][1]
    print(f"commit {commit}; {machine()}")
    print("| measurement | median | p95 / other |")
    print("|---|---|---|")
    print(f"| links, 1 ID (ms) | {statistics.median(one):.1f} | {percentile(one, 0.95):.1f} |")
    print(f"| links, 20 IDs (ms) | {statistics.median(many):.1f} | {max(many):.1f} (max) |")
    print(
        f"| first download of a visit image (s, {size / 1e6:.1f} MB) | "
        f"{statistics.median(t for t, _ in cold_visit):.2f} | "
        f"{max(t for t, _ in cold_visit):.2f} (max) |"
    )
    print(
        f"| first download of a deep coadd (s) | {statistics.median(t for t, _ in cold_coadd):.2f}"
        f" | {max(t for t, _ in cold_coadd):.2f} (max) |"
    )
    rates = [s / t / 1e6 for t, s in warm]
    print(f"| cached download (MB/s) | {statistics.median(rates):.0f} | {max(rates):.0f} (best) |")
    print(f"| preview, cold (s) | {preview_cold:.2f} | |")
    print(f"| preview, cached (ms) | {statistics.median(preview_warm) * 1000:.1f} | |")
    print(
        f"| server RSS (MiB) | {before / 1024:.0f} before | {memory.peak / 1024:.0f} peak "
        f"(+{(memory.peak - before) / 1024:.0f}) |"
    )


if __name__ == "__main__":
    main()
