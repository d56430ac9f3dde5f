"""Benchmark: the survey-scale scenarios of issue 16 over HTTP, on the synthetic survey.

Not a test. On the survey of ``--rows`` rows (``bench/common.py``: kept in ``--keep DIR``
and shared with ``tap_bench.py`` and ``sia_bench.py``, which cover the 0.1-degree cone
and the 10^6-row downloads), starts ``obscura serve`` and times, one query after the
other with httpx (VOTable BINARY2 read fully, row counts checked):

1. cones of 1 degree, ``CONTAINS(POINT(s_ra, s_dec), CIRCLE(...)) = 1``, ``SELECT *``;
2. ``INTERSECTS(s_region, CIRCLE(..., 0.1)) = 1``, ``SELECT *``;
3. SIA with ``POS``, ``BAND`` (the r band) and ``TIME`` (200 nights within the survey's
   460) together;
4. ``COUNT(*)`` by band over the whole table (``GROUP BY lsst_band``);
5. a crossmatch of an uploaded table of ``--upload`` positions (half at survey
   positions, jittered by up to 1", half anywhere in the survey band) within 2",
   ``CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(u.ra, u.dec, 2"))``.

1 to 3 run at ``--queries`` random positions (``common.positions``); 4 and 5 run
``--repeat`` times. The table gives the median and the 95th percentile (nearest rank)
and the median rows.

    .venv/bin/python bench/scale_bench.py [--rows N] [--queries K] [--upload N]
        [--backend sqlite|postgresql|both] [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
from astropy.table import Table

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

Measure = Callable[[httpx.Client, str], tuple[float, int]]

R_BAND = "5.51e-07 6.891e-07"
"""The survey's r band (metres), for SIA's BAND."""


def _tap(client: httpx.Client, url: str, adql: str, files: dict | None = None) -> tuple[float, int]:
    data = {"LANG": "ADQL", "QUERY": adql, "MAXREC": "10000000"}
    started = time.perf_counter()
    if files is None:
        response = client.post(f"{url}/api/tap/sync", data=data)
    else:
        data["UPLOAD"] = "targets,param:targets"
        response = client.post(f"{url}/api/tap/sync", data=data, files=files)
    took = time.perf_counter() - started
    return took, votable_rows(checked(response))


def _sia(client: httpx.Client, url: str, params: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(f"{url}/api/sia/dp1/query", params={**params, "MAXREC": "10000000"})
    took = time.perf_counter() - started
    return took, votable_rows(checked(response))


def _upload(count: int, client: httpx.Client, url: str) -> bytes:
    """A VOTable of ``count`` positions, half at survey rows' positions (jittered)."""
    rng = np.random.default_rng(7)
    near = count // 2
    sample = client.post(
        f"{url}/api/tap/sync",
        data={
            "LANG": "ADQL",
            # Rows spread over the survey: every 997th by exposure time, not the first;
            # ordered, so that both backends get the same upload.
            "QUERY": f"SELECT TOP {near} s_ra, s_dec FROM ivoa.ObsCore "
            "WHERE MOD(FLOOR(t_min * 100000), 997) = 0 ORDER BY obs_publisher_did",
            "RESPONSEFORMAT": "csv",
        },
    )
    rows = [line.split(",") for line in checked(sample).decode().splitlines()[1:]]
    ra = np.array([float(r[0]) for r in rows])
    dec = np.array([float(r[1]) for r in rows])
    jitter = rng.uniform(-1 / 3600, 1 / 3600, (2, ra.size))
    far = positions(count - ra.size, 99)
    table = Table(
        {
            "id": np.arange(count, dtype=np.int64),
            "ra": np.concatenate([ra + jitter[0], [p[0] for p in far]]),
            "dec": np.concatenate([dec + jitter[1], [p[1] for p in far]]),
        }
    )
    buffer = io.BytesIO()
    table.write(buffer, format="votable")
    return buffer.getvalue()


def _scenarios(args: argparse.Namespace, upload: bytes) -> dict[str, list[Measure]]:
    spots = positions(args.queries, 2024)

    def cone(ra: float, dec: float) -> Measure:
        adql = (
            "SELECT * FROM ivoa.ObsCore WHERE "
            f"CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {ra}, {dec}, 1)) = 1"
        )
        return lambda client, url: _tap(client, url, adql)

    def intersects(ra: float, dec: float) -> Measure:
        adql = (
            "SELECT * FROM ivoa.ObsCore WHERE "
            f"INTERSECTS(s_region, CIRCLE('ICRS', {ra}, {dec}, 0.1)) = 1"
        )
        return lambda client, url: _tap(client, url, adql)

    def sia(ra: float, dec: float, index: int) -> Measure:
        start = 60608 + (index * 37) % 260  # within the survey's 460 nights
        params = {
            "POS": f"CIRCLE {ra} {dec} 0.2",
            "BAND": R_BAND,
            "TIME": f"{start} {start + 200}",
        }
        return lambda client, url: _sia(client, url, params)

    count = "SELECT lsst_band, COUNT(*) AS n FROM ivoa.ObsCore GROUP BY lsst_band"
    crossmatch = (
        "SELECT u.id, o.obs_id FROM TAP_UPLOAD.targets AS u JOIN ivoa.ObsCore AS o "
        "ON CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(u.ra, u.dec, 0.00056)) = 1"
    )
    files = {"targets": ("targets.xml", upload, "application/x-votable+xml")}
    return {
        "cone 1 deg, SELECT *": [cone(ra, dec) for ra, dec in spots],
        "INTERSECTS(s_region, CIRCLE 0.1 deg), SELECT *": [
            intersects(ra, dec) for ra, dec in spots
        ],
        "SIA POS 0.2 deg + BAND r + TIME 200 d": [
            sia(ra, dec, i) for i, (ra, dec) in enumerate(spots)
        ],
        "COUNT(*) GROUP BY lsst_band": [
            lambda client, url: _tap(client, url, count) for _ in range(args.repeat)
        ],
        f'upload of {args.upload:,} positions x ObsCore within 2"': [
            lambda client, url: _tap(client, url, crossmatch, files) for _ in range(args.repeat)
        ],
    }


def _bench_backend(url: str, args: argparse.Namespace, server_dir: Path) -> dict[str, tuple]:
    server = ServerProcess(url, server_dir)
    try:
        with httpx.Client(timeout=3600) as client:
            upload = _upload(args.upload, client, server.url)
            results = {}
            for name, runs in _scenarios(args, upload).items():
                measured = [run(client, server.url) for run in runs]
                times = [t * 1000 for t, _ in measured]
                rows = statistics.median(r for _, r in measured)
                results[name] = (
                    len(times),
                    statistics.median(times),
                    percentile(times, 0.95),
                    rows,
                )
                print(f"  {name}: median {results[name][1]:.0f} ms", flush=True)
            return results
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--upload", type=int, default=10_000)
    parser.add_argument("--backend", choices=(*SURVEY_BACKENDS, "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    before = revision()
    try:
        results = on_survey_backends(
            args.backend, args.rows, args.keep, lambda url, tmp: _bench_backend(url, args, tmp)
        )
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    check_revision(before)
    print(f"\n{machine()}\ncommit {before}: {args.rows:,} rows\n")
    print("| backend | scenario | runs | median (ms) | p95 (ms) | median rows |")
    print("|---|---|---|---|---|---|")
    for backend, by_name in results.items():
        for name, (runs, median, p95, rows) in by_name.items():
            print(f"| {backend} | {name} | {runs} | {median:.0f} | {p95:.0f} | {rows:,.0f} |")


if __name__ == "__main__":
    main()
