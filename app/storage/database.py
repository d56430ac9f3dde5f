"""Database engines for the archive, set up for its backend.

Every connection gets the same treatment whatever opens it (the server's async engine or
a command-line tool's blocking one): on SQLite, pragmas for concurrent readers and the
spherical-geometry functions; on both, the schema translation that lets one SQLAlchemy
schema serve SQLite's schema-less database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adql.dialects.sqlite_functions import register_adql_functions
from app.config import async_database_url, sync_database_url
from obscore.schema import ArchiveSchema, backend_of, build_schema, schema_translate_map
from obscore.spatial import register_sqlite_functions

__all__ = ["archive_schema", "create_engine", "create_sync_engine"]

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-262144",  # 256 MiB of page cache
    "PRAGMA foreign_keys=ON",
    "PRAGMA case_sensitive_like=ON",  # ADQL's LIKE is case-sensitive; ILIKE is not
)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    register_sqlite_functions(dbapi_connection)
    register_adql_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _configure(engine: sa.Engine) -> sa.Engine:
    backend = backend_of(engine.dialect.name)
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _on_sqlite_connect)
    translate = schema_translate_map(backend)
    return engine.execution_options(schema_translate_map=translate) if translate else engine


def _connect_args(url: str) -> dict[str, Any]:
    # SQLite connections are handed between threads by the pool and by asyncio.to_thread.
    return {"check_same_thread": False} if url.startswith("sqlite") else {}


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An asyncio engine for the server."""
    url = async_database_url(url)
    engine = create_async_engine(url, connect_args=_connect_args(url), **kwargs)
    configured = _configure(engine.sync_engine)
    return AsyncEngine(configured)


def create_sync_engine(url: str, **kwargs: Any) -> sa.Engine:
    """A blocking engine for command-line tools, loaders and benchmarks."""
    url = sync_database_url(url)
    return _configure(sa.create_engine(url, connect_args=_connect_args(url), **kwargs))


def archive_schema(engine: sa.Engine | AsyncEngine) -> ArchiveSchema:
    """The archive's SQLAlchemy schema for the engine's backend."""
    return build_schema(backend_of(engine.dialect.name))
