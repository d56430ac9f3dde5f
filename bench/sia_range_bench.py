"""Benchmark: SIA 2.0 ``POS=RANGE`` searches over HTTP on the demo archive (53,525 rows).

Not a test. Loads the DP1-like demo into SQLite and into PostgreSQL + pgSphere (a private
cluster started here), starts ``obscura serve`` on each and times each RANGE below
(``RESPONSEFORMAT=text/csv``, full rows, read fully by the client), ``--repeat`` times,
one query at a time; the table gives the median and the number of rows, which must be
the same on both backends (else the script exits with status 1).

    .venv/bin/python bench/sia_range_bench.py [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import demo_databases, machine, revision

from obscore.demo import generate_dp1
from tests.support.server import ServerProcess

RANGES = (
    ("no data, pole to pole", "RANGE 120 130 -Inf +Inf"),
    ("no data, small", "RANGE 150 155 -30 -25"),
    ("ECDFS", "RANGE 52 54.5 -29 -27"),
    ("47 Tuc, across RA 0", "RANGE 359 4.8 -73 -71"),
    ("wide, across RA 0", "RANGE 350 60 -80 10"),
    ("wide", "RANGE 30 200 -60 0"),
    ("half the sky", "RANGE 0 180 -Inf +Inf"),
)


def _search(url: str, pos: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = httpx.get(
        f"{url}/api/sia/dp1/query",
        params={"POS": pos, "RESPONSEFORMAT": "text/csv", "MAXREC": "1000000"},
        timeout=900,
    )
    took = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{pos}: HTTP {response.status_code}: {response.text[:500]}")
    return took, response.text.count("\n") - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tables = list(generate_dp1())
    with (
        tempfile.TemporaryDirectory(prefix="obscura-range-") as temporary,
        demo_databases(Path(temporary), tables) as urls,
    ):
        root = Path(temporary)
        servers: dict[str, ServerProcess] = {}
        try:
            for backend, url in urls.items():
                (root / backend).mkdir()
                servers[backend] = ServerProcess(url, root / backend)
            print(f"{revision()} on {machine()}, median of {args.repeat}\n")
            print("| RANGE | rows | SQLite (s) | PostgreSQL (s) |\n|---|---|---|---|")
            for name, pos in RANGES:
                cells, counts = [], set()
                for backend in ("sqlite", "postgresql"):
                    runs = [_search(servers[backend].url, pos) for _ in range(args.repeat)]
                    counts |= {rows for _, rows in runs}
                    cells.append(f"{statistics.median(t for t, _ in runs):.2f}")
                if len(counts) != 1:
                    print(f"{pos}: row counts differ: {sorted(counts)}", file=sys.stderr)
                    sys.exit(1)
                print(f"| {name}: `{pos}` | {counts.pop():,} | {cells[0]} | {cells[1]} |")
        finally:
            for server in servers.values():
                server.stop()


if __name__ == "__main__":
    main()
