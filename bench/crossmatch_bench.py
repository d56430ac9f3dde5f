"""Benchmark: crossmatches over TAP on the DP1-like demo archive, both backends. Not a test.

Starts ``obscura serve`` on the demo archive (SQLite, and PostgreSQL + pgSphere in a
private cluster) and times, over HTTP with httpx as the client (sync TAP, VOTable):

1. the self-join of ObsCore on ``DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) < 0.00027``
   (a COUNT, and the same written with CONTAINS(POINT, CIRCLE));
2. an upload of ``--positions`` positions (a VOTable of id, ra, dec; half near the
   archive's images, half anywhere) crossmatched with ObsCore within 2 arcsec, returning
   every matched pair (upload id, obs_id, distance), with ``CONTAINS(POINT, CIRCLE)`` and
   with ``DISTANCE``;
3. the same upload joined to the coadds whose footprint contains each position
   (``CONTAINS(POINT(u.ra, u.dec), o.s_region)``), the DP1 tutorials' "which images hold
   my targets".

Each is run ``--repeat`` times (the footprint join once: every position near the demo's
fields lies in about 1,500 footprints, which the index finds and the exact test must
then check); the table gives the median and the rows returned, which must agree between
the backends.

    .venv/bin/python bench/crossmatch_bench.py [--positions N] [--repeat R]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from astropy.table import Table

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import demo_databases, machine, revision, votable_rows

from obscore.demo import generate_dp1
from tests.support.server import ServerProcess

SELF_JOIN = {
    'self-join DISTANCE < 1" (COUNT)': (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS a JOIN ivoa.ObsCore AS b "
        "ON DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) < 0.00027"
    ),
    "self-join CONTAINS(POINT, CIRCLE) (COUNT)": (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS a JOIN ivoa.ObsCore AS b "
        "ON CONTAINS(POINT(a.s_ra, a.s_dec), CIRCLE(b.s_ra, b.s_dec, 0.00027)) = 1"
    ),
}
SLOW = {"upload in coadd footprints, CONTAINS(POINT, s_region)"}
"""Run once: each position lies in about 1,500 footprints of the demo (deep fields)."""
UPLOAD_JOIN = {
    'upload x ObsCore, CONTAINS(POINT, CIRCLE) 2"': (
        "SELECT u.id, o.obs_id, DISTANCE(u.ra, u.dec, o.s_ra, o.s_dec) AS d "
        "FROM TAP_UPLOAD.targets AS u JOIN ivoa.ObsCore AS o "
        "WHERE CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(u.ra, u.dec, 0.00056)) = 1"
    ),
    'upload x ObsCore, DISTANCE < 2"': (
        "SELECT u.id, o.obs_id FROM TAP_UPLOAD.targets AS u JOIN ivoa.ObsCore AS o "
        "ON DISTANCE(POINT(u.ra, u.dec), POINT(o.s_ra, o.s_dec)) < 0.00056"
    ),
    "upload in coadd footprints, CONTAINS(POINT, s_region)": (
        "SELECT u.id, o.obs_id FROM TAP_UPLOAD.targets AS u JOIN ivoa.ObsCore AS o "
        "WHERE CONTAINS(POINT(u.ra, u.dec), o.s_region) = 1 "
        "AND o.dataproduct_subtype = 'lsst.deep_coadd'"
    ),
}


def _positions(count: int, tables: list) -> bytes:
    """A VOTable of ``count`` positions: half at archive positions (jittered by up to
    1 arcsec), half uniform on the sphere."""
    rng = np.random.default_rng(42)
    ra = np.concatenate([t["s_ra"].to_numpy() for t in tables])
    dec = np.concatenate([t["s_dec"].to_numpy() for t in tables])
    near = rng.choice(len(ra), count // 2)
    jitter = rng.uniform(-1 / 3600, 1 / 3600, (2, near.size))
    far = count - near.size
    table = Table(
        {
            "id": np.arange(count, dtype=np.int64),
            "ra": np.concatenate([ra[near] + jitter[0], rng.uniform(0, 360, far)]),
            "dec": np.concatenate(
                [dec[near] + jitter[1], np.degrees(np.arcsin(rng.uniform(-1, 1, far)))]
            ),
        }
    )
    buffer = io.BytesIO()
    table.write(buffer, format="votable")
    return buffer.getvalue()


def _query(client: httpx.Client, url: str, adql: str, upload: bytes | None) -> tuple[float, int]:
    data = {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": adql, "MAXREC": "10000000"}
    files = None
    if upload is not None:
        data["UPLOAD"] = "targets,param:targets"
        files = {"targets": ("targets.xml", upload, "application/x-votable+xml")}
    started = time.perf_counter()
    response = client.post(f"{url}/sync", data=data, files=files)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    if b'value="ERROR"' in response.content:
        raise RuntimeError(response.text[:2000])
    return elapsed, votable_rows(response.content)


def _measure(url: str, upload: bytes, repeat: int) -> dict[str, tuple[float, int]]:
    results = {}
    with httpx.Client(timeout=600) as client:
        for name, adql in {**SELF_JOIN, **UPLOAD_JOIN}.items():
            body = upload if name in UPLOAD_JOIN else None
            times = 1 if name in SLOW else repeat
            runs = [_query(client, url, adql, body) for _ in range(times)]
            results[name] = (statistics.median(t for t, _ in runs), runs[0][1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    commit = revision()
    tables = list(generate_dp1())
    upload = _positions(args.positions, tables)
    measured: dict[str, dict[str, tuple[float, int]]] = {}
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with (
        tempfile.TemporaryDirectory(prefix="crossmatch-bench-") as tmp,
        demo_databases(Path(tmp), tables) as urls,
    ):
        for backend, url in urls.items():
            server = ServerProcess(url, Path(tmp) / backend)
            try:
                measured[names[backend]] = _measure(server.tap_url, upload, args.repeat)
            finally:
                server.stop()
    print(f"commit {commit}; {machine()}; {args.positions} uploaded positions\n")
    print("| query | SQLite (s) | PostgreSQL (s) | rows |")
    print("|---|---|---|---|")
    for name in {**SELF_JOIN, **UPLOAD_JOIN}:
        (t1, n1), (t2, n2) = measured["SQLite"][name], measured["PostgreSQL"][name]
        rows = str(n1) if n1 == n2 else f"{n1} / {n2} (differ!)"
        print(f"| {name} | {t1:.2f} | {t2:.2f} | {rows} |")


if __name__ == "__main__":
    main()
