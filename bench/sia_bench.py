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
later runs with the same ``--rows``; the databases and their layout in DIR are those of
``bench/common.py``, shared with ``bench/tap_bench.py``, so the two scripts can share one
DIR. Under root, DIR must be reachable by the ``postgres`` user (``/tmp/...`` is).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import (
    SURVEY_BACKENDS,
    BenchError,
    check_revision,
    checked,
    machine,
    on_survey_backends,
    percentile,
    positions,
    revision,
    votable_rows,
)

from tests.support.server import ServerProcess

SIA_PATH = "/api/sia/dp1/query"
TAP_QUERY = (
    "SELECT * FROM ivoa.ObsCore WHERE "
    "INTERSECTS(s_region, CIRCLE('ICRS', {ra:.6f}, {dec:.6f}, {radius})) = 1"
)
WARM_UP = 20


# --- the queries ------------------------------------------------------------------------


Query = Callable[[httpx.Client, float, float], bytes]


def _sia_query(server: ServerProcess, radius: str) -> Query:
    url = f"{server.url}{SIA_PATH}"

    def run(client: httpx.Client, ra: float, dec: float) -> bytes:
        return checked(client.get(url, params={"POS": f"CIRCLE {ra:.6f} {dec:.6f} {radius}"}))

    return run


def _tap_query(server: ServerProcess, radius: str) -> Query:
    url = f"{server.tap_url}/sync"

    def run(client: httpx.Client, ra: float, dec: float) -> bytes:
        query = TAP_QUERY.format(ra=ra, dec=dec, radius=radius)
        return checked(client.get(url, params={"LANG": "ADQL", "QUERY": query}))

    return run


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
    queries: list[Query], positions: list[tuple[float, float]], count_rows: bool
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
            percentile(t, 0.95),
            [votable_rows(b) for b in b_] if count_rows else [],
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


def _check_first(sia: Query, tap: Query, position: tuple[float, float]) -> int:
    """The first SIA answer: a valid VOTable, QUERY_STATUS OK, the TAP query's rows."""
    with httpx.Client(timeout=120) as client:
        sia_rows = votable_rows(sia(client, *position))
        tap_rows = votable_rows(tap(client, *position))
    if sia_rows != tap_rows:
        raise BenchError(f"at {position}: SIA returned {sia_rows} rows, TAP {tap_rows}")
    return sia_rows


def _bench_backend(url: str, args: argparse.Namespace, server_dir: Path) -> BackendResult:
    server = ServerProcess(url, server_dir)
    try:
        radius = repr(args.radius)
        sia, tap = _sia_query(server, radius), _tap_query(server, radius)
        centres = positions(args.queries, seed=1)
        rows = _check_first(sia, tap, centres[0])
        print(f"  first SIA response: VOTable, QUERY_STATUS OK, {rows} rows, as TAP")
        warm_up = positions(WARM_UP, seed=2)  # imports, pools, caches
        _latencies([sia, tap], warm_up, count_rows=False)
        sia_runs, tap_runs = [], []
        for i in range(args.repeat):
            sia_run, tap_run = _latencies([sia, tap], centres, count_rows=i == 0)
            sia_runs.append(sia_run)
            tap_runs.append(tap_run)
            print(
                f"  run {i + 1}: SIA median {sia_runs[-1].median_ms:.1f} ms, "
                f"TAP median {tap_runs[-1].median_ms:.1f} ms",
                flush=True,
            )
        differ = [
            (p, s, t)
            for p, s, t in zip(centres, sia_runs[0].rows, tap_runs[0].rows, strict=True)
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


def _print_table(
    results: dict[str, BackendResult], args: argparse.Namespace, revision: str
) -> None:
    print(f"\n{machine()}\ncommit {revision}: {args.rows:,} rows; best of {args.repeat} runs\n")
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
    parser.add_argument("--backend", choices=(*SURVEY_BACKENDS, "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    if args.queries < 1 or args.repeat < 1:
        parser.error("--queries and --repeat must be at least 1")
    before = revision()
    try:
        results = on_survey_backends(
            args.backend, args.rows, args.keep, lambda url, tmp: _bench_backend(url, args, tmp)
        )
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    check_revision(before)
    _print_table(results, args, before)


if __name__ == "__main__":
    main()
