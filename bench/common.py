"""What the benchmark scripts in ``bench/`` share. Not a benchmark, not a test.

The synthetic survey's databases (SQLite and PostgreSQL + pgSphere, optionally kept in a
``--keep`` directory and reused by later runs), the random cone centres in the survey
area, the checks and row counts of VOTable responses, percentiles, and the commit and
machine the report names.

The scripts import it as ``common`` (running ``python bench/x.py`` puts ``bench/`` on
``sys.path``); it puts the repository root on ``sys.path``, as the scripts do.

The ``--keep DIR`` layout, shared by ``bench/tap_bench.py`` and ``bench/sia_bench.py``:

- ``DIR/survey-{rows}.db``: the SQLite database, loaded when
  ``DIR/survey-{rows}.db.loaded`` (which holds the row count) exists;
- ``DIR/pg-{rows}/``: the PostgreSQL cluster (its data in ``data/``, its log in
  ``server.log``), loaded when ``DIR/pg-{rows}/loaded`` exists.
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from astropy.io.votable import parse
from typing_extensions import override

sys.path.insert(0, str(Path(__file__).parents[1]))

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from obscore.survey import generate_survey
from tests.support.pgcluster import PostgresCluster

REPOSITORY = Path(__file__).resolve().parents[1]
"""The repository's root."""

Result = TypeVar("Result")

__all__ = [
    "PG_SETTINGS",
    "REPOSITORY",
    "SURVEY_BACKENDS",
    "BenchError",
    "KeptCluster",
    "SurveyDatabase",
    "check_revision",
    "checked",
    "fill_survey",
    "load_survey_once",
    "machine",
    "on_survey_backends",
    "percentile",
    "positions",
    "postgresql_database",
    "revision",
    "sqlite_database",
    "sync_engine",
    "votable_rows",
]


class BenchError(RuntimeError):
    """A response that is not what the service should answer."""


# --- the databases ----------------------------------------------------------------------


@contextmanager
def sync_engine(url: str) -> Iterator[sa.Engine]:
    """A blocking engine of the archive at ``url``, disposed of on exit.

    Parameters
    ----------
    url
        SQLAlchemy URL of the archive.

    Yields
    ------
    sqlalchemy.Engine
        The engine, from :func:`app.storage.database.create_sync_engine`.
    """
    engine = create_sync_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def fill_survey(engine: sa.Engine, rows: int) -> int:
    """Replace the archive's ObsCore rows with the synthetic survey, with a progress bar.

    Parameters
    ----------
    engine
        Blocking engine of the archive.
    rows
        How many survey rows to generate.

    Returns
    -------
    int
        The rows written (the survey generator may round ``rows`` slightly).
    """
    return fill_archive(
        engine,
        generate_survey(rows),
        replace=True,
        total=rows,
        description=engine.dialect.name,
        progress=True,
    )


def load_survey_once(url: str, rows: int, marker: Path | None) -> float | None:
    """Load the survey into ``url`` unless ``marker`` says an earlier run did.

    Parameters
    ----------
    url
        SQLAlchemy URL of the archive.
    rows
        How many survey rows to load.
    marker
        A file holding the row count once the load has succeeded, written here; None to
        load every time.

    Returns
    -------
    float or None
        The load's seconds, or None if the database was reused.
    """
    if marker is not None and marker.exists() and marker.read_text().strip() == str(rows):
        print(f"reusing {url} ({rows:,} rows asked, loaded by an earlier run)", flush=True)
        return None
    start = time.perf_counter()
    with sync_engine(url) as engine:
        written = fill_survey(engine, rows)
    seconds = time.perf_counter() - start
    print(f"loaded {written:,} rows into {url} in {seconds:.0f} s", flush=True)
    if marker is not None:
        marker.write_text(str(rows))
    return seconds


SurveyDatabase = Callable[[int, Path | None], AbstractContextManager[str]]
"""``database(rows, keep)``: a context manager giving the URL of a loaded survey."""


@contextmanager
def sqlite_database(rows: int, keep: Path | None) -> Iterator[str]:
    """A SQLite file holding the survey.

    Parameters
    ----------
    rows
        How many survey rows it holds.
    keep
        The ``--keep`` directory, where the file is kept (and reused if loaded before);
        None for a temporary file, deleted on exit.

    Yields
    ------
    str
        The database's SQLAlchemy URL.
    """
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as tmp:
        directory = keep if keep is not None else Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"survey-{rows}.db"
        marker = directory / f"survey-{rows}.db.loaded" if keep is not None else None
        if marker is None or not marker.exists():
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        load_survey_once(url, rows, marker)
        yield url


PG_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c shared_buffers=512MB -c max_connections=200"
)
"""The server options of :meth:`PostgresCluster.start`, for restarting a kept cluster."""


class KeptCluster(PostgresCluster):
    """A :class:`PostgresCluster` in a fixed directory, left in place by :meth:`stop`.

    Parameters
    ----------
    root
        The cluster's directory, created if missing; a cluster already there (with
        ``data/PG_VERSION``) is restarted rather than initialised.
    """

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
        options = f"-p {self.port} -k {self.root} {PG_SETTINGS}"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        return self.url(database)

    @override
    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextmanager
def postgresql_database(rows: int, keep: Path | None) -> Iterator[str]:
    """A private PostgreSQL + pgSphere cluster holding the survey, stopped on exit.

    Parameters
    ----------
    rows, keep
        As for :func:`sqlite_database`, with the cluster in place of the file (deleted on
        exit when ``keep`` is None). Under root, ``keep`` must be reachable by the
        ``postgres`` user.

    Yields
    ------
    str
        The URL of the cluster's database.
    """
    cluster = PostgresCluster() if keep is None else KeptCluster(keep / f"pg-{rows}")
    try:
        url = cluster.start()
        load_survey_once(url, rows, cluster.root / "loaded" if keep is not None else None)
        yield url
    finally:
        cluster.stop()


@contextmanager
def demo_databases(directory: Path, tables: list[pa.Table]) -> Iterator[dict[str, str]]:
    """The DP1-like demo rows (``obscore.demo.generate_dp1``) in a SQLite file in
    ``directory`` and in a private PostgreSQL + pgSphere cluster, stopped on exit.

    Yields
    ------
    dict[str, str]
        The URL of each database, by backend (``sqlite``, ``postgresql``).
    """
    cluster = PostgresCluster()
    try:
        urls = {"sqlite": f"sqlite:///{directory / 'demo.db'}", "postgresql": cluster.start()}
        for url in urls.values():
            engine = create_sync_engine(url)
            fill_archive(engine, tables, replace=True, progress=False)
            engine.dispose()
        yield urls
    finally:
        cluster.stop()


SURVEY_BACKENDS: dict[str, tuple[str, SurveyDatabase]] = {
    "sqlite": ("SQLite", sqlite_database),
    "postgresql": ("PostgreSQL + pgSphere", postgresql_database),
}
"""The ``--backend`` choices (without ``both``): the report's name and the database."""


def on_survey_backends(
    backend: str, rows: int, keep: Path | None, bench: Callable[[str, Path], Result]
) -> dict[str, Result]:
    """Run ``bench`` on the survey in each chosen backend, one after the other.

    Parameters
    ----------
    backend
        The ``--backend`` option: a key of :data:`SURVEY_BACKENDS`, or ``both``.
    rows
        How many survey rows the databases hold.
    keep
        The ``--keep`` directory, or None for temporary databases.
    bench
        ``bench(url, server_dir)``: measures the database at ``url``, with a fresh
        directory for the server's files (deleted at the end); its database is open
        while it runs, and announced on stdout by the backend's name.

    Returns
    -------
    dict
        What ``bench`` returned, by the backend's name in the report.
    """
    chosen = list(SURVEY_BACKENDS) if backend == "both" else [backend]
    keep = keep.resolve() if keep is not None else None
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        for key in chosen:
            name, database = SURVEY_BACKENDS[key]
            with database(rows, keep) as url:
                print(f"{name}:", flush=True)
                results[name] = bench(url, Path(tmp) / key)
    return results


# --- queries and responses --------------------------------------------------------------


def positions(count: int, seed: int) -> list[tuple[float, float]]:
    """Random cone centres in the survey's declination band, away from its edges.

    Parameters
    ----------
    count
        How many centres.
    seed
        Seed of the random generator: the same seed gives the same centres.

    Returns
    -------
    list of (float, float)
        (ra, dec) in degrees, uniform on the sphere within dec -75 to 20.
    """
    rng = np.random.default_rng(seed)
    ras = rng.uniform(0, 360, count)
    decs = np.degrees(
        np.arcsin(rng.uniform(np.sin(np.radians(-75)), np.sin(np.radians(20)), count))
    )
    return [(float(ra), float(dec)) for ra, dec in zip(ras, decs, strict=True)]


def checked(response: httpx.Response) -> bytes:
    """The body of a successful query response.

    Parameters
    ----------
    response
        A TAP sync or SIA response, read fully.

    Returns
    -------
    bytes
        Its body.

    Raises
    ------
    BenchError
        If the status is not 200 or the body holds ``value="ERROR"``.
    """
    if response.status_code != 200 or b'value="ERROR"' in response.content:
        raise BenchError(f"query failed ({response.status_code}): {response.text[:2000]}")
    return response.content


def votable_rows(content: bytes) -> int:
    """The rows of a complete, single-table VOTable whose ``QUERY_STATUS`` is OK.

    Parameters
    ----------
    content
        The VOTable document.

    Returns
    -------
    int
        The number of rows of its table.

    Raises
    ------
    BenchError
        If the document is truncated, its status is not OK (an error, or an overflow
        noted after the table), or it does not hold exactly one table.
    """
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


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile, rounding the rank down.

    Parameters
    ----------
    values
        The sample, in any order; not empty.
    fraction
        The percentile as a fraction: 0.95 for the 95th.

    Returns
    -------
    float
        The value at rank ``int(fraction * (len(values) - 1))`` of the sorted sample.
    """
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


# --- the report -------------------------------------------------------------------------


def revision() -> str:
    """The checked-out commit, noting whether tracked code outside bench/ and docs/ differs.

    Returns
    -------
    str
        The short commit hash (``unknown`` outside a git checkout), followed by
        ``+ uncommitted changes`` when tracked files outside ``bench/`` and ``docs/``
        have changes (untracked files are not counted).
    """

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=REPOSITORY, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench", ":!docs")
    return f"{commit} + uncommitted changes" if changed else commit


def check_revision(before: str) -> None:
    """Warn on stderr if :func:`revision` is no longer ``before``.

    Parameters
    ----------
    before
        What :func:`revision` returned at the start of the run.
    """
    if revision() != before:
        print(f"warning: the checkout changed during the run (from {before})", file=sys.stderr)


def machine() -> str:
    """One line on the machine: host name, cores, memory, system, Python and SQLite.

    Returns
    -------
    str
        For the report's header.
    """
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.node()}: {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
