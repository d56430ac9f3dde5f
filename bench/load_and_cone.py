"""Benchmark: load a synthetic ObsCore table and time cone searches, on both backends.

Not a test. Builds a table of ROWS rows (default 1,000,000) of the synthetic survey on
SQLite and on PostgreSQL + pgSphere (a private cluster started here), reports the load
rate and the median and 95th-percentile time of 0.5-degree cone searches at random
positions in the survey area, with the number of rows they return.

    .venv/bin/python bench/load_and_cone.py [--rows N] [--cones K]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import fill_survey, percentile, positions, sync_engine

from app.storage.database import archive_schema
from obscore.spatial import cone_search
from tests.support.pgcluster import PostgresCluster


def _bench(url: str, rows: int, cones: int, radius: float) -> dict[str, float]:
    with sync_engine(url) as engine:
        start = time.perf_counter()
        written = fill_survey(engine, rows)
        load_seconds = time.perf_counter() - start
        schema = archive_schema(engine)
        times, counts = [], []
        with engine.connect() as conn:
            for ra, dec in positions(cones, seed=1):
                query = cone_search(schema, ra, dec, radius)
                t0 = time.perf_counter()
                result = conn.execute(query).all()
                times.append(time.perf_counter() - t0)
                counts.append(len(result))
    times_ms = [1000 * t for t in times]
    return {
        "rows": written,
        "load_s": load_seconds,
        "load_rate": written / load_seconds,
        "median_ms": statistics.median(times_ms),
        "p95_ms": percentile(times_ms, 0.95),
        "median_rows": statistics.median(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cones", type=int, default=200)
    parser.add_argument("--radius", type=float, default=0.5)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite (R*Tree)"] = _bench(
            f"sqlite:///{tmp}/bench.db", args.rows, args.cones, args.radius
        )
    cluster = PostgresCluster()
    try:
        results["PostgreSQL + pgSphere (GiST)"] = _bench(
            cluster.start(), args.rows, args.cones, args.radius
        )
    finally:
        cluster.stop()
    print(
        f"\n{platform.node()}: {args.rows:,} rows, {args.cones} cones of "
        f"{args.radius} deg (full ObsCore rows fetched)\n"
    )
    print(
        "| backend | rows | load (s) | load rate (rows/s) | cone median (ms) "
        "| cone p95 (ms) | rows per cone (median) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rows']:,.0f} | {r['load_s']:.0f} | {r['load_rate']:,.0f} "
            f"| {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['median_rows']:.0f} |"
        )


if __name__ == "__main__":
    main()
