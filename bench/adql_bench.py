"""Benchmark: median time to parse, bind and translate typical ADQL queries.

Not a test. Uses the archive's catalog (TAP_SCHEMA rows, no database needed) and the
PostgreSQL translation context; reports, per query, the median of many runs for the three
stages together and with SQLAlchemy's compilation to SQL text on top. The machine is
shared, so it runs several rounds and keeps each query's best median.

    .venv/bin/python bench/adql_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy.dialects import postgresql

sys.path.insert(0, str(Path(__file__).parents[1]))

from adql import compile_query
from app.storage.adql import translation_context
from obscore.catalog import published_catalog
from obscore.schema import build_schema

QUERIES = {
    "select all, TOP": "SELECT TOP 100 * FROM ivoa.ObsCore",
    "cone (CONTAINS)": "SELECT obs_id, s_ra, s_dec, access_url FROM ivoa.ObsCore WHERE "
    "CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 53.13, -28.1, 0.5)) = 1",
    "point in footprint": "SELECT * FROM ivoa.ObsCore WHERE "
    "CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1 AND calib_level = 2",
    "tutorial filters": "SELECT obs_id, t_min, t_max FROM ivoa.ObsCore WHERE "
    "dataproduct_subtype = 'lsst.visit_image' AND lsst_band = 'r' AND t_min > 60646.04 "
    "AND t_max < 60646.09 ORDER BY t_min",
    "aggregate": "SELECT lsst_band, COUNT(*) AS n, AVG(s_resolution) FROM ivoa.ObsCore "
    "GROUP BY lsst_band HAVING COUNT(*) > 10 ORDER BY n DESC",
    "join + CTE": "WITH d AS (SELECT lsst_tract, lsst_patch FROM ivoa.ObsCore WHERE "
    "dataproduct_subtype = 'lsst.deep_coadd') SELECT COUNT(*) FROM d JOIN ivoa.ObsCore AS o "
    "ON o.lsst_tract = d.lsst_tract AND o.lsst_patch = d.lsst_patch",
    "TAP_SCHEMA": "SELECT column_name, datatype, unit, ucd FROM tap_schema.columns "
    "WHERE table_name = 'ivoa.ObsCore' ORDER BY column_index",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    context = translation_context(build_schema("postgresql"), "https://example.org")
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy: untyped
    catalog = published_catalog()
    print(f"{args.rounds} rounds of {args.runs} runs per query, best median in ms\n")
    print("| query | parse + bind + translate | + compile to SQL |")
    print("|---|---|---|")
    for name, text in QUERIES.items():
        best_stages, best_total = float("inf"), float("inf")
        for _ in range(args.rounds):
            stages, total = [], []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                _bound, statement = compile_query(text, catalog, context, row_limit=10001)
                t1 = time.perf_counter()
                str(statement.compile(dialect=dialect))
                t2 = time.perf_counter()
                stages.append(1000 * (t1 - t0))
                total.append(1000 * (t2 - t0))
            best_stages = min(best_stages, statistics.median(stages))
            best_total = min(best_total, statistics.median(total))
        print(f"| {name} | {best_stages:.2f} | {best_total:.2f} |")


if __name__ == "__main__":
    main()
