"""Fixtures: a private PostgreSQL + pgSphere cluster, and databases on both backends.

Every backend-dependent test runs on SQLite and on PostgreSQL. The cluster is started
by the suite itself; if it cannot start, those tests error: nothing is skipped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from app.storage.archive import fill_archive, initialise_archive
from app.storage.database import create_sync_engine
from obscore.demo import generate_dp1
from tests.support.browser import browser  # noqa: F401  (Chromium, for the page tests)
from tests.support.images import (  # noqa: F401  (fixtures of the image services)
    datalink_client,
    datalink_server,
    pixel_cache,
    sample_rows,
)
from tests.support.pgcluster import PostgresCluster

BACKENDS = ("sqlite", "postgresql")
_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def demo_tables() -> list[pa.Table]:
    """The DP1-like demo rows, generated once."""
    return list(generate_dp1())


def _new_url(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    name = f"db{next(_database_numbers)}"
    if backend == "sqlite":
        return f"sqlite:///{directory / name}.db"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(name)


@pytest.fixture(scope="session")
def demo_urls(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_tables: list[pa.Table],
) -> dict[str, str]:
    """URLs of a database holding the demo data set on each backend, loaded once for the
    whole session (tests only read their archive rows)."""
    urls = {}
    for backend in BACKENDS:
        url = _new_url(backend, request, tmp_path_factory.mktemp("demo"))
        engine = create_sync_engine(url)
        fill_archive(engine, demo_tables, replace=True, progress=False)
        engine.dispose()
        urls[backend] = url
    return urls


@pytest.fixture(scope="session", params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, demo_urls: dict[str, str]) -> str:
    """URL of a database holding the demo data set, on each backend in turn."""
    url: str = demo_urls[request.param]
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_url: str) -> Iterator[sa.Engine]:
    engine = create_sync_engine(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh database with the archive's (empty) tables, on each backend."""
    url = _new_url(request.param, request, tmp_path)
    engine = create_sync_engine(url)
    initialise_archive(engine)
    engine.dispose()
    return url


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[sa.Engine]:
    engine = create_sync_engine(empty_url)
    yield engine
    engine.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many PostgreSQL tests ran, so a log shows they were not skipped."""
    passed = terminalreporter.stats.get("passed", [])

    def on(backend: str) -> int:
        pattern = re.compile(rf"[\[-]{backend}[\]-]")
        return sum(1 for report in passed if pattern.search(report.nodeid))

    pg, sqlite = on("postgresql"), on("sqlite")
    terminalreporter.write_line(
        f"backend tests passed: PostgreSQL + pgSphere {pg}, SQLite {sqlite}"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the current output"
    )
