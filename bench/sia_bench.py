"""Benchmark: SIA 2.0 position searches over HTTP against a real ``obscura serve``.

Not a test. Builds the synthetic survey (default 1,000,000 rows) on SQLite and on
PostgreSQL + pgSphere (a private cluster started here), starts ``obscura serve`` on each
and measures, with httpx as the client, one query after the other:

1. ``GET /api/sia/dp1/query?POS=CIRCLE ra dec 0.1`` at ``--queries`` random positions in
   the survey area (default VOTable output, read fully by the client): median and
   95th-percentile latency, and the median number of rows returned;
2. for context, the TAP sync query SIA compiles to, at the same positions:
   ``GET /api/tap/sync?LANG=ADQL&QUERY=SELECT * FROM ivoa.ObsCore WHERE
   INTERSECTS(s_region, CIRCLE('ICRS', ra, dec, 0.1)) = 1``. SIA and TAP requests
   alternate, position by position, each on its own keep-alive connection, so that both
   see the same load on a shared machine; the script also reports the median of the
   paired differences (SIA minus TAP at the same position, over all runs).

Before timing, the first SIA response on each backend must be a complete VOTable with
``QUERY_STATUS`` OK and as many rows as the TAP query at the same position; after the
first timed run, every SIA row count must equal the TAP one. Otherwise the script exits
with status 1. Every measurement runs ``--repeat`` times (the machine is shared) and the
table gives the run with the best median.

    .venv/bin/python bench/sia_bench.py [--rows N] [--queries K] [--radius R]
        [--backend sqlite|postgresql|both] [--repeat R] [--keep DIR]

``--keep DIR`` keeps the SQLite file and the PostgreSQL cluster in DIR and reuses them in
later runs with the same ``--rows``; the layout is that of ``bench/tap_bench.py``, so the
two scripts can share one DIR. Under root, DIR must be reachable by the ``postgres`` user
(``/tmp/...`` is).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from astropy.io.votable import parse
from typing_extensions import override

sys.path.insert(0, str(Path(__file__).parents[1]))

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from obscore.survey import generate_survey
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess

SIA_PATH = "/api/sia/dp1/query"
TAP_QUERY = (
    "SELECT * FROM ivoa.ObsCore WHERE "
    "INTERSECTS(s_region, CIRCLE('ICRS', {ra}, {dec}, {radius})) = 1"
)
WARM_UP = 20


class BenchError(RuntimeError):
    """A response that is not what the service should answer."""


# --- the databases (as in bench/tap_bench.py, same --keep layout) ------------------------


def _load_once(url: str, rows: int, marker: Path | None) -> None:
    """Load the survey unless ``marker`` says it is there already."""
    if marker is not None and marker.exists() and marker.read_text().strip() == str(rows):
        print(f"reusing {url} ({rows:,} rows asked, loaded by an earlier run)", flush=True)
        return
    start = time.perf_counter()
    engine = create_sync_engine(url)
    try:
        written = fill_archive(
            engine,
            generate_survey(rows),
            replace=True,
            total=rows,
            description=engine.dialect.name,
            progress=True,
        )
    finally:
        engine.dispose()
    print(f"loaded {written:,} rows into {url} in {time.perf_counter() - start:.0f} s")
    if marker is not None:
        marker.write_text(str(rows))


@contextmanager
def _sqlite_database(rows: int, keep: Path | None) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sia-bench-") as tmp:
        directory = keep if keep is not None else Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"survey-{rows}.db"
        marker = directory / f"survey-{rows}.db.loaded" if keep is not None else None
        if marker is None or not marker.exists():
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        _load_once(url, rows, marker)
        yield url


# The server options of PostgresCluster.start, for restarting a kept cluster.
_PG_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c shared_buffers=512MB -c max_connections=200"
)


class _KeptCluster(PostgresCluster):
    """A :class:`PostgresCluster` in a fixed directory, left in place by :meth:`stop`."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        shutil.rmtree(self.root, ignore_errors=True)  # the temporary directory it made
        self.root = root.resolve()
        self.data = self.root / "data"
        self.root.mkdir(parents=True, exist_ok=True)

    @override
    def start(self, database: str = "obscura") -> str:
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            return super().start(database)
        options = f"-p {self.port} -k {self.root} {_PG_SETTINGS}"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        return self.url(database)

    @override
    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextmanager
def _postgresql_database(rows: int, keep: Path | None) -> Iterator[str]:
    cluster = PostgresCluster() if keep is None else _KeptCluster(keep / f"pg-{rows}")
    try:
        url = cluster.start()
        _load_once(url, rows, cluster.root / "loaded" if keep is not None else None)
        yield url
    finally:
        cluster.stop()


# --- the queries ------------------------------------------------------------------------


def _positions(count: int, seed: int) -> list[tuple[str, str]]:
    """Random centres in the survey's declination band, away from its edges (as in
    ``bench/tap_bench.py``), as the decimal strings both queries use."""
    rng = np.random.default_rng(seed)
    ras = rng.uniform(0, 360, count)
    decs = np.degrees(
        np.arcsin(rng.uniform(np.sin(np.radians(-75)), np.sin(np.radians(20)), count))
    )
    return [(f"{ra:.6f}", f"{dec:.6f}") for ra, dec in zip(ras, decs, strict=True)]


Query = Callable[[httpx.Client, str, str], bytes]


def _checked(response: httpx.Response) -> bytes:
    if response.status_code != 200 or b'value="ERROR"' in response.content:
        raise BenchError(f"query failed ({response.status_code}): {response.text[:2000]}")
    return response.content


def _sia_query(server: ServerProcess, radius: str) -> Query:
    url = f"{server.url}{SIA_PATH}"

    def run(client: httpx.Client, ra: str, dec: str) -> bytes:
        return _checked(client.get(url, params={"POS": f"CIRCLE {ra} {dec} {radius}"}))

    return run


def _tap_query(server: ServerProcess, radius: str) -> Query:
    url = f"{server.tap_url}/sync"

    def run(client: httpx.Client, ra: str, dec: str) -> bytes:
        query = TAP_QUERY.format(ra=ra, dec=dec, radius=radius)
        return _checked(client.get(url, params={"LANG": "ADQL", "QUERY": query}))

    return run


def _votable_rows(content: bytes) -> int:
    """The rows of a complete VOTable whose QUERY_STATUS is OK; BenchError otherwise."""
    tail = content[-4096:]
    if b"</VOTABLE>" not in tail or b"QUERY_STATUS" in tail.split(b"</TABLE>")[-1]:
        raise BenchError(f"incomplete VOTable, ending with {tail[-500:]!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        votable = parse(io.BytesIO(content))
    resource = votable.resources[0]
    status = [info.value for info in resource.infos if info.name == "QUERY_STATUS"]
    if status != ["OK"]:
        raise BenchError(f"QUERY_STATUS {status}, expected ['OK']")
    tables = list(votable.iter_tables())
    if len(tables) != 1:
        raise BenchError(f"{len(tables)} tables in the VOTable, expected 1")
    return len(tables[0].array)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


@dataclass
class Latency:
    median_ms: float
    p95_ms: float
    rows: list[int]
    times_ms: list[float]

    @property
    def median_rows(self) -> float:
        return statistics.median(self.rows) if self.rows else float("nan")

    @property
    def mean_rows(self) -> float:
        return statistics.mean(self.rows) if self.rows else float("nan")


def _latencies(
    queries: list[Query], positions: list[tuple[str, str]], count_rows: bool
) -> list[Latency]:
    """One client per query kind, one request after the other, the kinds alternating at
    each position (so that both see the same load on the shared machine); rows are
    counted after the timing."""
    times: list[list[float]] = [[] for _ in queries]
    bodies: list[list[bytes]] = [[] for _ in queries]
    clients = [httpx.Client(timeout=120) for _ in queries]
    try:
        for n, (ra, dec) in enumerate(positions):
            order = range(len(queries)) if n % 2 == 0 else reversed(range(len(queries)))
            for k in order:
                start = time.perf_counter()
                body = queries[k](clients[k], ra, dec)
                times[k].append(1000 * (time.perf_counter() - start))
                bodies[k].append(body)
    finally:
        for client in clients:
            client.close()
    return [
        Latency(
            statistics.median(t),
            _percentile(t, 0.95),
            [_votable_rows(b) for b in b_] if count_rows else [],
            t,
        )
        for t, b_ in zip(times, bodies, strict=True)
    ]


# --- one backend ------------------------------------------------------------------------


@dataclass
class BackendResult:
    sia: Latency
    tap: Latency
    overhead_ms: float
    """SIA minus TAP at the same position: the median over every pair of every run."""
    pairs: int


def _check_first(sia: Query, tap: Query, position: tuple[str, str]) -> int:
    """The first SIA answer: a valid VOTable, QUERY_STATUS OK, the TAP query's rows."""
    with httpx.Client(timeout=120) as client:
        sia_rows = _votable_rows(sia(client, *position))
        tap_rows = _votable_rows(tap(client, *position))
    if sia_rows != tap_rows:
        raise BenchError(f"at {position}: SIA returned {sia_rows} rows, TAP {tap_rows}")
    return sia_rows


def _bench_backend(url: str, args: argparse.Namespace, server_dir: Path) -> BackendResult:
    server = ServerProcess(url, server_dir)
    try:
        radius = repr(args.radius)
        sia, tap = _sia_query(server, radius), _tap_query(server, radius)
        positions = _positions(args.queries, seed=1)
        rows = _check_first(sia, tap, positions[0])
        print(f"  first SIA response: VOTable, QUERY_STATUS OK, {rows} rows, as TAP")
        warm_up = _positions(WARM_UP, seed=2)  # imports, pools, caches
        _latencies([sia, tap], warm_up, count_rows=False)
        sia_runs, tap_runs = [], []
        for i in range(args.repeat):
            sia_run, tap_run = _latencies([sia, tap], positions, count_rows=i == 0)
            sia_runs.append(sia_run)
            tap_runs.append(tap_run)
            print(
                f"  run {i + 1}: SIA median {sia_runs[-1].median_ms:.1f} ms, "
                f"TAP median {tap_runs[-1].median_ms:.1f} ms",
                flush=True,
            )
        differ = [
            (p, s, t)
            for p, s, t in zip(positions, sia_runs[0].rows, tap_runs[0].rows, strict=True)
            if s != t
        ]
        if differ:
            raise BenchError(f"SIA and TAP row counts differ at {len(differ)} positions: {differ}")
        if not any(sia_runs[0].rows):
            raise BenchError("no SIA query returned any row: the check above proves little")
    finally:
        output = server.stop()
    if "Traceback" in output:
        print(output, file=sys.stderr)
    sia_best, tap_best = (min(runs, key=lambda r: r.median_ms) for runs in (sia_runs, tap_runs))
    differences = [
        s - t
        for sia_run, tap_run in zip(sia_runs, tap_runs, strict=True)
        for s, t in zip(sia_run.times_ms, tap_run.times_ms, strict=True)
    ]
    return BackendResult(
        Latency(sia_best.median_ms, sia_best.p95_ms, sia_runs[0].rows, sia_best.times_ms),
        Latency(tap_best.median_ms, tap_best.p95_ms, tap_runs[0].rows, tap_best.times_ms),
        statistics.median(differences),
        len(differences),
    )


# --- the report -------------------------------------------------------------------------


def _revision() -> str:
    """The checked-out commit, with a note if code outside bench/ and docs/ differs from it."""
    root = Path(__file__).parents[1]

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench", ":!docs")
    return f"{commit} + uncommitted changes" if changed else commit


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.node()}: {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def _print_table(
    results: dict[str, BackendResult], args: argparse.Namespace, revision: str
) -> None:
    print(f"\n{_machine()}\ncommit {revision}: {args.rows:,} rows; best of {args.repeat} runs\n")
    print(
        f"POS=CIRCLE ra dec {args.radius:g} at {args.queries} random positions, one client, "
        "default VOTable output read fully; TAP: the same positions as sync ADQL "
        "INTERSECTS(s_region, CIRCLE(...)) = 1\n"
    )
    print("| backend | service | queries | median (ms) | p95 (ms) | median rows | mean rows |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        for service, r in (("SIA", result.sia), ("TAP sync", result.tap)):
            print(
                f"| {name} | {service} | {args.queries} | {r.median_ms:.1f} | {r.p95_ms:.1f} "
                f"| {r.median_rows:.0f} | {r.mean_rows:.2f} |"
            )
    print()
    for name, result in results.items():
        print(
            f"{name}: SIA minus TAP at the same position, median of {result.pairs} pairs "
            f"(all runs): {result.overhead_ms:+.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--radius", type=float, default=0.1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    if args.queries < 1 or args.repeat < 1:
        parser.error("--queries and --repeat must be at least 1")
    keep = args.keep.resolve() if args.keep is not None else None
    backends = {
        "sqlite": ("SQLite", _sqlite_database),
        "postgresql": ("PostgreSQL + pgSphere", _postgresql_database),
    }
    chosen = list(backends) if args.backend == "both" else [args.backend]
    results = {}
    revision = _revision()
    try:
        with tempfile.TemporaryDirectory(prefix="sia-bench-server-") as tmp:
            for key in chosen:
                name, database = backends[key]
                with database(args.rows, keep) as url:
                    print(f"{name}:", flush=True)
                    results[name] = _bench_backend(url, args, Path(tmp) / key)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    if _revision() != revision:
        print(f"warning: the checkout changed during the run (from {revision})", file=sys.stderr)
    _print_table(results, args, revision)


if __name__ == "__main__":
    main()
