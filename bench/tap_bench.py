"""Benchmark: TAP sync queries over HTTP against a real ``obscura serve``, on both backends.

Not a test. Builds the synthetic survey (default 1,000,000 rows) on SQLite and on
PostgreSQL + pgSphere (a private cluster started here), starts ``obscura serve`` on each
and measures, with httpx as the client:

1. the median and 95th-percentile latency of sync ADQL cone queries (0.1 degree, at
   random positions in the survey area, one client, default VOTable BINARY2 output), and
   the median and mean number of rows they return;
2. requests per second of the same queries from ``--clients`` concurrent clients;
3. rows per second of a ``SELECT TOP 1000000`` result streamed in VOTable BINARY2, CSV
   and Parquet, for 10 typical columns and for ``*``, read fully by the client (CSV line
   counts and the Parquet footer's row count are checked);
4. the server's resident memory before each download and its peak during it (sampled
   every 0.1 s).

Every measurement runs ``--repeat`` times (the machine is shared): the table gives the
best latency and throughput, and the highest memory peak.

    .venv/bin/python bench/tap_bench.py [--rows N] [--cones K] [--backend sqlite|postgresql|both]
        [--clients C] [--seconds S] [--download-rows N] [--repeat R] [--keep DIR]

``--keep DIR`` keeps the SQLite file and the PostgreSQL cluster in DIR and reuses them in
later runs with the same ``--rows``, which saves the load (for a million rows, 60 to 100 s
on SQLite and 140 to 200 s on PostgreSQL); the databases and their layout in DIR are those
of ``bench/common.py``, shared with ``bench/sia_bench.py``. Under root, DIR must be
reachable by the ``postgres`` user (``/tmp/...`` is).
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import (
    SURVEY_BACKENDS,
    check_revision,
    checked,
    on_survey_backends,
    percentile,
    positions,
    revision,
    votable_rows,
)

from tests.support.server import ServerProcess

CONE = (
    "SELECT * FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
    "CIRCLE('ICRS', {ra:.6f}, {dec:.6f}, {radius})) = 1"
)
TYPICAL_COLUMNS = (
    "obs_id, s_ra, s_dec, t_min, t_max, em_min, em_max, calib_level, "
    "dataproduct_subtype, obs_publisher_did"
)
COLUMN_SETS = {"10 columns": TYPICAL_COLUMNS, "all columns (*)": "*"}
FORMATS = {"VOTable BINARY2": "votable", "CSV": "csv", "Parquet": "parquet"}
SAMPLE_SECONDS = 0.1
MIB = 1024 * 1024


# --- measurements -----------------------------------------------------------------------


def _cone(client: httpx.Client, server: ServerProcess, ra: float, dec: float, r: float) -> bytes:
    query = CONE.format(ra=ra, dec=dec, radius=r)
    return checked(client.post(f"{server.tap_url}/sync", data={"LANG": "ADQL", "QUERY": query}))


@dataclass
class ConeLatency:
    median_ms: float
    p95_ms: float
    median_rows: float
    mean_rows: float


def _cone_latency(
    server: ServerProcess, positions: list[tuple[float, float]], radius: float, count_rows: bool
) -> ConeLatency:
    """One client, one query after the other; rows are counted after the timing."""
    times, bodies = [], []
    with httpx.Client(timeout=120) as client:
        for ra, dec in positions:
            start = time.perf_counter()
            body = _cone(client, server, ra, dec, radius)
            times.append(1000 * (time.perf_counter() - start))
            bodies.append(body)
    rows = [votable_rows(b) for b in bodies] if count_rows else [float("nan")]
    return ConeLatency(
        statistics.median(times),
        percentile(times, 0.95),
        statistics.median(rows),
        statistics.mean(rows),
    )


@dataclass
class ConeThroughput:
    requests: int
    seconds: float
    median_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def _cone_throughput(
    server: ServerProcess,
    positions: list[tuple[float, float]],
    radius: float,
    clients: int,
    seconds: float,
) -> ConeThroughput:
    """``clients`` threads, each with its own connection, querying for ``seconds``."""
    counter = itertools.count()
    barrier = threading.Barrier(clients + 1)
    times: list[float] = []
    errors: list[BaseException] = []
    deadline = 0.0

    def run() -> None:
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            while time.perf_counter() < deadline:
                ra, dec = positions[next(counter) % len(positions)]
                start = time.perf_counter()
                try:
                    _cone(client, server, ra, dec, radius)
                except Exception as exc:
                    errors.append(exc)
                    return
                times.append(1000 * (time.perf_counter() - start))

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return ConeThroughput(len(times), elapsed, statistics.median(times))


class _MemorySampler:
    """The server's resident memory, sampled in a thread while in the ``with`` block."""

    def __init__(self, read_kib: Callable[[], int]) -> None:
        self._read = read_kib
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample)
        self.baseline_kib = 0
        self.peak_kib = 0

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak_kib = max(self.peak_kib, self._read())
            self._done.wait(SAMPLE_SECONDS)

    def __enter__(self) -> _MemorySampler:
        self.baseline_kib = self.peak_kib = self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak_kib = max(self.peak_kib, self._read())


@dataclass
class Download:
    rows: int
    size: int
    seconds: float
    first_byte_s: float
    baseline_kib: int
    peak_kib: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _check(fmt: str, rows: int, lines: int, tail: bytes, chunks: list[bytes]) -> None:
    """Raise unless the body is complete: the row count for CSV and Parquet, the final
    QUERY_STATUS for VOTable (no ERROR or OVERFLOW INFO after the table)."""
    if fmt == "csv":
        found = lines - 1  # the header
    elif fmt == "parquet":
        found = pq.read_metadata(pa.BufferReader(b"".join(chunks))).num_rows
    else:
        if b"</VOTABLE>" not in tail or b"QUERY_STATUS" in tail.split(b"</TABLE>")[-1]:
            raise RuntimeError(f"incomplete VOTable, ending with {tail[-500:]!r}")
        return
    if found != rows:
        raise RuntimeError(f"{fmt}: {found:,} rows received, {rows:,} expected")


def _download(server: ServerProcess, columns: str, fmt: str, rows: int) -> Download:
    query = f"SELECT TOP {rows} {columns} FROM ivoa.ObsCore"
    params = {"LANG": "ADQL", "QUERY": query, "MAXREC": str(rows), "RESPONSEFORMAT": fmt}
    size = lines = 0
    tail = b""
    chunks: list[bytes] = []
    with _MemorySampler(server.resident_kib) as memory:
        start = time.perf_counter()
        with httpx.stream("POST", f"{server.tap_url}/sync", data=params, timeout=900) as response:
            first_byte = time.perf_counter() - start
            if response.status_code != 200:
                response.read()
                raise RuntimeError(f"download failed ({response.status_code}): {response.text}")
            for chunk in response.iter_raw():
                size += len(chunk)
                if fmt == "csv":
                    lines += chunk.count(b"\n")
                elif fmt == "parquet":
                    chunks.append(chunk)
                else:
                    tail = (tail + chunk)[-4096:]
        seconds = time.perf_counter() - start
    _check(fmt, rows, lines, tail, chunks)
    return Download(rows, size, seconds, first_byte, memory.baseline_kib, memory.peak_kib)


# --- one backend ------------------------------------------------------------------------


@dataclass
class BackendResult:
    started_kib: int
    latency: ConeLatency
    throughput: ConeThroughput
    downloads: dict[tuple[str, str], Download]


def _bench_backend(url: str, args: argparse.Namespace, server_dir: Path) -> BackendResult:
    env = {"OBSCURA_TAP_MAX_MAXREC": str(max(20_000_000, args.download_rows))}
    server = ServerProcess(url, server_dir, env=env)
    try:
        centres = positions(args.cones, seed=1)
        with httpx.Client(timeout=120) as client:  # warm up: imports, pools, caches
            for ra, dec in positions(20, seed=2):
                _cone(client, server, ra, dec, args.radius)
        started_kib = server.resident_kib()
        latencies = [
            _cone_latency(server, centres, args.radius, count_rows=i == 0)
            for i in range(args.repeat)
        ]
        latency = min(latencies, key=lambda r: r.median_ms)
        latency.median_rows = latencies[0].median_rows
        latency.mean_rows = latencies[0].mean_rows
        print(f"  cone latency medians (ms): {[round(r.median_ms, 1) for r in latencies]}")
        throughputs = [
            _cone_throughput(server, centres, args.radius, args.clients, args.seconds)
            for _ in range(args.repeat)
        ]
        print(f"  cone requests/s: {[round(r.per_second, 1) for r in throughputs]}")
        downloads = {}
        for (set_name, columns), (format_name, fmt) in itertools.product(
            COLUMN_SETS.items(), FORMATS.items()
        ):
            runs = [_download(server, columns, fmt, args.download_rows) for _ in range(args.repeat)]
            best = max(runs, key=lambda r: r.rows_per_second)
            best.peak_kib = max(r.peak_kib for r in runs)
            best.baseline_kib = runs[0].baseline_kib
            downloads[set_name, format_name] = best
            print(
                f"  {set_name}, {format_name}: rows/s "
                f"{[round(r.rows_per_second) for r in runs]}, peak RSS MiB "
                f"{[round(r.peak_kib / 1024) for r in runs]}",
                flush=True,
            )
    finally:
        output = server.stop()
    if "Traceback" in output:
        print(output, file=sys.stderr)
    return BackendResult(
        started_kib,
        latency,
        max(throughputs, key=lambda r: r.per_second),
        downloads,
    )


# --- the report -------------------------------------------------------------------------


def _print_tables(
    results: dict[str, BackendResult], args: argparse.Namespace, revision: str
) -> None:
    print(
        f"\n{platform.node()}, commit {revision}: {args.rows:,} rows; best of {args.repeat} "
        "runs (memory: highest peak)\n"
    )
    print(
        f"Sync cone queries (SELECT *, {args.radius} deg, VOTable BINARY2), {args.cones} "
        f"positions; {args.clients} clients for {args.seconds:g} s\n"
    )
    print(
        "| backend | median (ms) | p95 (ms) | rows per cone (median) | rows per cone (mean) "
        f"| {args.clients} clients: requests/s | {args.clients} clients: median (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r.latency.median_ms:.1f} | {r.latency.p95_ms:.1f} "
            f"| {r.latency.median_rows:.0f} | {r.latency.mean_rows:.1f} "
            f"| {r.throughput.per_second:.0f} "
            f"| {r.throughput.median_ms:.0f} |"
        )
    print(f"\nSELECT TOP {args.download_rows:,} streamed, read fully by the client\n")
    print(
        "| backend | columns | format | size (MiB) | first byte (s) | total (s) | rows/s "
        "| server RSS before (MiB) | peak (MiB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        for (set_name, format_name), d in r.downloads.items():
            print(
                f"| {name} | {set_name} | {format_name} | {d.size / MIB:,.0f} "
                f"| {d.first_byte_s:.2f} | {d.seconds:.1f} | {d.rows_per_second:,.0f} "
                f"| {d.baseline_kib / 1024:.0f} | {d.peak_kib / 1024:.0f} |"
            )
    started = ", ".join(f"{n}: {r.started_kib / 1024:.0f} MiB" for n, r in results.items())
    print(f"\nServer RSS after start and 20 warm-up cones: {started}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cones", type=int, default=200)
    parser.add_argument("--radius", type=float, default=0.1)
    parser.add_argument("--backend", choices=(*SURVEY_BACKENDS, "both"), default="both")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--download-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    if args.download_rows > args.rows:
        parser.error("--download-rows cannot exceed --rows")
    before = revision()
    results = on_survey_backends(
        args.backend, args.rows, args.keep, lambda url, tmp: _bench_backend(url, args, tmp)
    )
    check_revision(before)
    _print_tables(results, args, before)


if __name__ == "__main__":
    main()
