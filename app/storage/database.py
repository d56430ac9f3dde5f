"""Database engines for the archive, set up for its backend.

One access model: blocking SQLAlchemy engines, used from worker threads by the server
and directly by the command-line tools. Every connection gets the same treatment: on
SQLite, pragmas for concurrent readers and the
spherical-geometry functions; on both, the schema translation that lets one SQLAlchemy
schema serve SQLite's schema-less database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adql.dialects.sqlite_functions import register_adql_functions
from app.config import sync_database_url
from obscore.archive_columns import own_columns, recorded_columns
from obscore.schema import (
    COLUMNS_TABLE,
    HIDDEN_SCHEMA,
    ArchiveSchema,
    backend_of,
    build_schema,
    schema_translate_map,
)
from obscore.spatial import register_sqlite_functions

__all__ = [
    "LOADER_CACHE_MIB",
    "SERVER_CACHE_MIB",
    "archive_schema",
    "create_sync_engine",
    "libpq_conninfo",
]

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA case_sensitive_like=ON",  # ADQL's LIKE is case-sensitive; ILIKE is not
)

LOADER_CACHE_MIB = 256
"""Page cache of a loading connection: index builds want it large."""
SERVER_CACHE_MIB = 8
"""Page cache of each of the server's connections. It is private to the connection, and
a server holds dozens of them: 256 MiB each grew a server streaming a 1 GB archive past
2 GiB. The operating system's file cache, shared by all, holds the hot pages anyway."""


def _sqlite_setup(cache_mib: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        register_sqlite_functions(dbapi_connection)
        register_adql_functions(dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
        finally:
            cursor.close()

    return on_connect


def _postgresql_setup(dbapi_connection: Any, _record: Any) -> None:
    # No JIT compilation: ADQL's geometry is calls into pgSphere, which JIT cannot speed
    # up, and a query of many conditions (a SIA RANGE's searches) spent 7 s of its 8 s
    # compiling them.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET jit = off")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _configure(engine: sa.Engine, cache_mib: int) -> sa.Engine:
    backend = backend_of(engine.dialect.name)
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_setup(cache_mib))
    else:
        sa.event.listen(engine, "connect", _postgresql_setup)
    translate = schema_translate_map(backend)
    return engine.execution_options(schema_translate_map=translate) if translate else engine


def _connect_args(url: str) -> dict[str, Any]:
    # SQLite connections are handed between threads by the pool and by asyncio.to_thread.
    return {"check_same_thread": False} if url.startswith("sqlite") else {}


def create_sync_engine(url: str, *, cache_mib: int = LOADER_CACHE_MIB, **kwargs: Any) -> sa.Engine:
    """A blocking engine: the server's (pass ``cache_mib``), the command-line tools',
    the loaders' and the benchmarks'."""
    url = sync_database_url(url)
    engine = sa.create_engine(url, connect_args=_connect_args(url), **kwargs)
    return _configure(engine, cache_mib)


def archive_schema(engine: sa.Engine) -> ArchiveSchema:
    """The archive's SQLAlchemy schema for the engine's backend, with the archive's own
    ObsCore columns as recorded in the database (none before its tables exist)."""
    backend = backend_of(engine.dialect.name)
    schema = build_schema(backend)
    with engine.connect() as conn:
        where = None if backend == "sqlite" else HIDDEN_SCHEMA
        if not sa.inspect(conn).has_table(COLUMNS_TABLE, schema=where):
            return schema
        own = own_columns(recorded_columns(conn, schema))
    return build_schema(backend, own) if own else schema


def libpq_conninfo(database_url: str) -> str:
    """A libpq connection URI for a SQLAlchemy PostgreSQL URL (any driver suffix)."""
    url = sa.engine.make_url(sync_database_url(database_url))
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"the task queue needs PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
