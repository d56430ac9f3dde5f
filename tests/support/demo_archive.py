"""The DP1-like demo archive in a database of its own, for scripts that run a real
server over it (``scripts/fuzz.py``, ``bench/load_mix.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from obscore.demo import generate_dp1
from tests.support.pgcluster import PostgresCluster

__all__ = ["demo_archive"]


@contextlib.contextmanager
def demo_archive(backend: str, directory: Path) -> Iterator[str]:
    """The URL of a database holding the demo data set: a SQLite file in ``directory``,
    or a private PostgreSQL + pgSphere cluster, removed on exit."""
    cluster = None
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'demo.db'}"
    else:
        cluster = PostgresCluster()
        cluster.start()
        url = cluster.create_database("demo")
    try:
        engine = create_sync_engine(url)
        fill_archive(engine, generate_dp1(), replace=True, progress=False)
        engine.dispose()
        yield url
    finally:
        if cluster is not None:
            cluster.stop()
