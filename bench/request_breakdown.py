"""Benchmark: where the time of one small query goes, phase by phase, on both backends.

The data and queries of the side-by-side with DaCHS (``../shared/anchors/dachs``:
``gen_obscore.py``'s 5,000 rows, ``bench.py``'s cone, INTERSECTS, COUNT and SIA
queries). Each query is run in this process through the service's own steps, each timed
alone (medians of ``--requests`` runs):

1. **request**: the protocol's parameters read (``parse_tap_request`` /
   ``parse_sia_request``; SIA builds its ADQL tree here);
2. **compile**: ADQL parsed, bound to TAP_SCHEMA, translated and compiled to SQL;
3. **database**: the statement run and its rows fetched as Arrow batches
   (``start_query``, the path every result takes), split into **SQL text** (SQLAlchemy
   writing the statement's SQL, which ``start_query`` does first), **in the database** (the
   database's own time: PostgreSQL ``EXPLAIN ANALYZE``'s planning and execution; SQLite
   the statement run and its rows stepped through by the driver, without conversion) and
   the rest (a pooled connection, the session's limits, the rows through the driver into
   Arrow);
4. **encode**: the rows written in the output format (VOTable BINARY2 or CSV).

Then the same request over HTTP to ``obscura serve`` (one process, one client, keep-alive):
**HTTP total**. What the four phases do not account for (**rest**) is the web layer:
FastAPI/Starlette and uvicorn, the hand-offs between the event loop and the worker
threads, and the transfer. Last, the side-by-side's other scenarios against ``obscura
serve`` as deployed (a process per core): 8 clients sending the cone, 100,000 full rows
(``bench.py``'s ``TOP`` of a cross join) in VOTable and CSV, VOSI availability.

Run: ``.venv/bin/python bench/request_breakdown.py [--backend sqlite|postgresql|both]``.
Not a test: nothing here runs in ``make test``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import httpx
import pyarrow as pa
import sqlalchemy as sa

from adql import compile_query, compile_tree
from app.config import Config
from app.dali import DaliParameters
from app.factory import row_limits
from app.services.sia import parse_sia_request
from app.services.tap_request import parse_tap_request
from app.storage.adql import translation_context
from app.storage.database import archive_schema, create_sync_engine
from app.storage.query_cancel import QueryCancel
from obscore.catalog import load_catalog
from obscore.schema import backend_of, schema_translate_map
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess

GENERATOR = common.REPOSITORY.parent / "shared" / "anchors" / "dachs" / "gen_obscore.py"
RA, DEC, R = 53.13, -28.10, 0.05  # bench.py's
CIRCLE = f"CIRCLE('ICRS', {RA}, {DEC}, {R})"
TAP_QUERIES = {
    "cone, SELECT *, VOTable": (
        f"SELECT * FROM ivoa.obscore WHERE 1=CONTAINS(POINT('ICRS', s_ra, s_dec), {CIRCLE})",
        "votable",
    ),
    "cone, SELECT *, CSV": (
        f"SELECT * FROM ivoa.obscore WHERE 1=CONTAINS(POINT('ICRS', s_ra, s_dec), {CIRCLE})",
        "csv",
    ),
    "INTERSECTS(s_region, CIRCLE)": (
        f"SELECT * FROM ivoa.obscore WHERE 1=INTERSECTS(s_region, {CIRCLE})",
        "votable",
    ),
    "cone COUNT(*)": (
        "SELECT COUNT(*) AS n FROM ivoa.obscore "
        f"WHERE 1=CONTAINS(POINT('ICRS', s_ra, s_dec), {CIRCLE})",
        "votable",
    ),
}
SIA_QUERIES = {
    "SIA POS=CIRCLE": {"POS": f"CIRCLE {RA} {DEC} {R}", "MAXREC": "100000"},
    "SIA POS + BAND + CALIB": {
        "POS": f"CIRCLE {RA} {DEC} {R}",
        "BAND": "5e-7 7e-7",
        "CALIB": "2",
        "MAXREC": "100000",
    },
}


@dataclass
class Breakdown:
    rows: int
    phases: dict[str, float]
    """Median milliseconds by phase."""
    http_ms: float


# --- the data -----------------------------------------------------------------------------


def anchor_csv(directory: Path, rows: int, seed: int) -> Path:
    """gen_obscore.py's CSV, without its ``preview`` column (not an ObsCore column)."""
    raw, out = directory / "anchor-raw.csv", directory / "anchor.csv"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--rows", str(rows), "--seed", str(seed), str(raw)],
        check=True,
        capture_output=True,
    )
    with raw.open(newline="") as src, out.open("w", newline="") as dst:
        reader = csv.DictReader(src)
        names = [n for n in reader.fieldnames or () if n != "preview"]
        writer = csv.DictWriter(dst, names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(reader)
    return out


def load(url: str, data: Path, directory: Path) -> None:
    environment = {"OBSCURA_DATABASE_URL": url, "OBSCURA_DATA_DIR": str(directory)}
    subprocess.run(
        [sys.executable, "-m", "app.cli", "load", str(data), "--replace"],
        check=True,
        capture_output=True,
        env={**os.environ, **environment},
        cwd=common.REPOSITORY,
    )


@contextmanager
def databases(backends: list[str], data: Path, directory: Path) -> Iterator[dict[str, str]]:
    cluster = PostgresCluster() if "postgresql" in backends else None
    try:
        urls = {}
        for backend in backends:
            if backend == "sqlite":
                urls[backend] = f"sqlite:///{directory / 'anchor.db'}"
            else:
                assert cluster is not None
                urls[backend] = cluster.start()
            load(urls[backend], data, directory)
        yield urls
    finally:
        if cluster is not None:
            cluster.stop()


# --- the phases, in this process ----------------------------------------------------------


class _Rows:
    """A fetched result, as the writers read one."""

    def __init__(self, fields: Any, batches: list[pa.RecordBatch]) -> None:
        self.fields = fields
        self.overflow = False
        self._batches = batches

    def batches(self) -> Iterator[pa.RecordBatch]:
        return iter(self._batches)


def _median_ms(run: Callable[[], Any], times: int) -> tuple[float, Any]:
    samples, value = [], None
    for _ in range(times):
        start = time.perf_counter()
        value = run()
        samples.append(1000 * (time.perf_counter() - start))
    return statistics.median(samples), value


def _in_database_ms(engine: sa.Engine, statement: Any, times: int) -> float:
    """The database's own time for the statement."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            compiled = statement.compile(conn, compile_kwargs={"render_postcompile": True})
            samples: list[float] = []
            for _ in range(times):
                explain = conn.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {compiled}", compiled.params
                ).scalar_one()
                samples.append(float(explain[0]["Planning Time"] + explain[0]["Execution Time"]))
            return statistics.median(samples)

        def step() -> None:  # the driver's cursor, stepped through without conversion
            result = conn.execute(statement)
            while result.cursor.fetchmany(1000):
                pass
            result.close()

        median: float = _median_ms(step, times)[0]
        return median


def _phases(
    engine: sa.Engine, catalog: Any, context: Any, request: Any, sia: bool, times: int
) -> Breakdown:
    """The compile, database and encode phases of one parsed request."""
    from app.storage.query_runner import start_query

    row_limit = request.maxrec + 1
    phases: dict[str, float] = {}

    def compile_() -> Any:
        if sia:
            return compile_tree(request.tree, catalog, context, row_limit=row_limit)
        return compile_query(request.query, catalog, context, row_limit=row_limit)

    phases["compile"], compiled = _median_ms(compile_, times)
    bound, statement = compiled

    def fetch() -> _Rows:
        running = start_query(
            engine,
            statement,
            list(bound.columns),
            maxrec=request.maxrec,
            timeout=60.0,
            deadline=time.monotonic() + 60.0,
            cancel=QueryCancel(),
        )
        try:
            return _Rows(running.fields, list(running.batches()))
        finally:
            running.close()

    phases["database"], rows = _median_ms(fetch, times)
    translate = schema_translate_map(backend_of(engine.dialect.name)) or {}

    def render() -> str:  # what start_query does first: the SQL text of the statement
        return str(
            statement.compile(
                dialect=engine.dialect,
                schema_translate_map=translate,
                render_schema_translate=True,
                compile_kwargs={"render_postcompile": True},
            )
        )

    phases["SQL text"], _sql = _median_ms(render, times)
    phases["in the database"] = _in_database_ms(engine, statement, times)

    def encode() -> int:
        return sum(len(chunk) for chunk in request.output.writer(rows, []))

    phases["encode"], _size = _median_ms(encode, times)
    return Breakdown(sum(b.num_rows for b in rows.batches()), phases, float("nan"))


def in_process(url: str, times: int) -> dict[str, Breakdown]:
    engine = create_sync_engine(url)
    try:
        schema = archive_schema(engine)
        limits = row_limits(Config())
        context = translation_context(schema, "http://127.0.0.1")
        with engine.connect() as conn:
            catalog = load_catalog(conn, schema)
        cases: dict[str, tuple[Callable[[], Any], bool]] = {}
        for name, (query, fmt) in TAP_QUERIES.items():
            pairs = [("LANG", "ADQL"), ("QUERY", query), ("MAXREC", "100000")]
            tap = DaliParameters.from_pairs([*pairs, ("RESPONSEFORMAT", fmt)])
            cases[name] = (functools.partial(parse_tap_request, tap, limits), False)
        for name, values in SIA_QUERIES.items():
            sia = DaliParameters.from_pairs(list(values.items()))
            cases[name] = (functools.partial(parse_sia_request, sia, limits), True)
        out: dict[str, Breakdown] = {}
        for name, (parse, is_sia) in cases.items():
            parse_ms, request = _median_ms(parse, times)
            out[name] = _phases(engine, catalog, context, request, is_sia, times)
            out[name].phases["request"] = parse_ms
        return out
    finally:
        engine.dispose()


# --- over HTTP ----------------------------------------------------------------------------


def over_http(url: str, directory: Path, times: int) -> dict[str, float]:
    server = ServerProcess(url, directory / "server", env={"OBSCURA_WORKERS": "1"})
    try:
        requests: dict[str, tuple[str, str, dict[str, str]]] = {}
        for name, (query, fmt) in TAP_QUERIES.items():
            data = {"LANG": "ADQL", "QUERY": query, "MAXREC": "100000", "RESPONSEFORMAT": fmt}
            requests[name] = ("POST", f"{server.tap_url}/sync", data)
        for name, values in SIA_QUERIES.items():
            requests[name] = ("GET", f"{server.url}/api/sia/dp1/query", values)
        out = {}
        with httpx.Client(timeout=60) as client:
            for name, (method, target, values) in requests.items():

                def send(m: str = method, t: str = target, v: dict[str, str] = values) -> None:
                    post = m == "POST"
                    common.checked(client.post(t, data=v) if post else client.get(t, params=v))

                _median_ms(send, 5)  # warm up
                out[name] = _median_ms(send, times)[0]
        return out
    finally:
        server.stop()


BIG = "SELECT TOP {rows} a.* FROM ivoa.obscore AS a, ivoa.obscore AS b"  # bench.py's


@dataclass
class ServiceLevel:
    """The side-by-side's other scenarios, on a server as deployed (a process per core)."""

    clients_per_second: float
    clients_median_ms: float
    big_rows_per_second: dict[str, float]
    availability_ms: float


def as_deployed(url: str, directory: Path, clients: int, total: int, big: int) -> ServiceLevel:
    """8 clients sending the cone (``total`` requests), ``big`` full rows in VOTable and
    CSV (median of 3), VOSI availability (median of 50), against ``obscura serve`` with
    its default number of processes."""
    processes = str(os.cpu_count() or 1)  # obscura serve's default (the tests' server: 1)
    env = {"OBSCURA_TAP_MAX_MAXREC": str(big), "OBSCURA_WORKERS": processes}
    server = ServerProcess(url, directory / "deployed", env=env)
    try:
        cone = {"LANG": "ADQL", "QUERY": TAP_QUERIES["cone, SELECT *, VOTable"][0]}
        sync = f"{server.tap_url}/sync"
        latencies: list[float] = []
        lock = threading.Lock()
        left = [total]

        def client() -> None:
            with httpx.Client(timeout=120) as http:
                while True:
                    with lock:
                        if left[0] == 0:
                            return
                        left[0] -= 1
                    start = time.perf_counter()
                    common.checked(http.post(sync, data=cone))
                    with lock:
                        latencies.append(1000 * (time.perf_counter() - start))

        with httpx.Client(timeout=120) as http:
            for _ in range(10):
                common.checked(http.post(sync, data=cone))
        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        per_second = total / (time.perf_counter() - start)
        rates = {}
        with httpx.Client(timeout=300) as http:
            for fmt in ("votable", "csv"):
                data = {"LANG": "ADQL", "QUERY": BIG.format(rows=big), "MAXREC": str(big)}
                data["RESPONSEFORMAT"] = fmt

                def download(d: dict[str, str] = data) -> None:
                    common.checked(http.post(sync, data=d))

                rates[fmt] = big / (_median_ms(download, 3)[0] / 1000)
            availability = _median_ms(
                lambda: common.checked(http.get(f"{server.tap_url}/availability")), 50
            )[0]
        return ServiceLevel(per_second, statistics.median(latencies), rates, availability)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--client-requests", type=int, default=200)
    parser.add_argument("--big-rows", type=int, default=100_000)
    args = parser.parse_args()
    before = common.revision()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        data = anchor_csv(directory, args.rows, args.seed)
        with databases(backends, data, directory) as urls:
            results, deployed = {}, {}
            for backend, url in urls.items():
                phases = in_process(url, args.requests)
                for name, http_ms in over_http(url, directory, args.requests).items():
                    phases[name].http_ms = http_ms
                results[backend] = phases
                deployed[backend] = as_deployed(
                    url, directory, args.clients, args.client_requests, args.big_rows
                )
    common.check_revision(before)
    print(f"\n{common.machine()}, code at {before}; medians of {args.requests} runs (ms)\n")
    phase_rows = []
    for backend, phases in results.items():
        for name, b in phases.items():
            p = b.phases
            accounted = p["request"] + p["compile"] + p["database"] + p["encode"]
            rest_of_database = p["database"] - p["SQL text"] - p["in the database"]
            phase_rows.append([
                LABELS[backend], name, f"{b.rows:,}", f"{p['request']:.2f}",
                f"{p['compile']:.2f}",
                f"{p['database']:.1f}: {p['SQL text']:.1f} + {p['in the database']:.1f} + "
                f"{rest_of_database:.1f}",
                f"{p['encode']:.2f}", f"{b.http_ms:.1f}", f"{b.http_ms - accounted:.1f}",
            ])  # fmt: skip
    _print_table(
        ["backend", "query", "rows", "request", "compile",
         "database: SQL text + in the database + rest", "encode", "HTTP total", "rest"],
        phase_rows,
    )  # fmt: skip
    print(
        f"\nAs deployed (a process per core): {args.clients} clients sending the cone "
        f"({args.client_requests} requests), {args.big_rows:,} full rows, VOSI availability\n"
    )
    _print_table(
        ["backend", "cone, 8 clients (req/s)", "their median (ms)", "rows/s VOTable",
         "rows/s CSV", "availability (ms)"],
        [
            [LABELS[backend], f"{level.clients_per_second:.1f}",
             f"{level.clients_median_ms:.1f}", f"{level.big_rows_per_second['votable']:,.0f}",
             f"{level.big_rows_per_second['csv']:,.0f}", f"{level.availability_ms:.2f}"]
            for backend, level in deployed.items()
        ],
    )  # fmt: skip


LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    """A Markdown table, as docs/benchmarks.md holds them."""
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
