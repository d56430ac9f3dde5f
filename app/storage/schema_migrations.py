"""Schema migrations: one call brings a database's schema to the newest revision.

The schema is the archive's (ObsCore, TAP_SCHEMA, spatial helpers; ``obscore/schema.py``)
and the UWS job store's (``app/uws/tables.py``), under one Alembic revision
history in ``app/storage/migrations``. :func:`upgrade_database` runs at every start of the
server, of ``obscura worker`` and of the loading commands, and finds the database in one
of three states:

* empty: the tables are created from the SQLAlchemy metadata and stamped with the newest
  revision (a test checks that the revisions, applied one by one, give the same schema);
* made before migrations existed (the archive's or the job store's tables, no version
  table): the baseline revision adopts it (its DDL creates only what is missing), then the
  later revisions follow;
* under migration control: the revisions it lacks are applied (none: nothing happens).

Everything happens in one transaction, one process at a time: on PostgreSQL under an
advisory lock (the key the job store's DDL took before migrations, so that an older
process starting at the same moment waits too), on SQLite under the write lock, taken
first (``BEGIN IMMEDIATE``: pysqlite would otherwise commit each DDL statement as it
goes). The version table lives in the hidden ``obscura`` schema on PostgreSQL (SQLite:
``main``), which TAP_SCHEMA never lists.
"""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from app.uws.tables import job_metadata
from obscore.schema import HIDDEN_SCHEMA, Backend, backend_of, build_schema, schema_translate_map

__all__ = [
    "MIGRATIONS",
    "SchemaVersionError",
    "alembic_config",
    "current_revision",
    "head_revision",
    "lock_schema",
    "upgrade_database",
    "version_table_schema",
]

log = structlog.get_logger("obscura")

MIGRATIONS = Path(__file__).with_name("migrations")
"""Alembic's script location: ``env.py`` and ``versions/``."""
_SCHEMA_LOCK = 0x0B5C0_0002
"""Advisory lock key serialising schema changes of processes starting together (the key
``create_job_tables`` took before migrations existed)."""
_LEGACY_TABLES = (("ivoa", "ObsCore"), ("tap_schema", "schemas"), (HIDDEN_SCHEMA, "uws_job"))
"""Tables whose presence, without a version table, marks a database made before
migrations."""


class SchemaVersionError(RuntimeError):
    """The database is at a revision this code does not know (made by newer code)."""


def version_table_schema(backend: Backend) -> str | None:
    """Where ``alembic_version`` lives: the hidden schema (SQLite: ``main``)."""
    return HIDDEN_SCHEMA if backend == "postgresql" else None


def alembic_config(connection: sa.Connection) -> Config:
    """An Alembic configuration whose commands run on ``connection``, in its transaction.

    For tests and for writing revisions (``alembic.command.revision``); the server only
    needs :func:`upgrade_database`.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    """The newest revision."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"no revisions in {MIGRATIONS}")
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The database's revision; None without a version table (empty, or made before
    migrations)."""
    backend = backend_of(connection.dialect.name)
    context = MigrationContext.configure(
        connection, opts={"version_table_schema": version_table_schema(backend)}
    )
    return context.get_current_revision()


def upgrade_database(engine: sa.Engine) -> None:
    """Create or upgrade the archive's and the job store's schema to the newest revision.

    Idempotent and safe in processes starting together; blocking (the server calls it
    through ``asyncio.to_thread``).

    Parameters
    ----------
    engine
        A blocking engine from ``app.storage.database.create_sync_engine``.

    Raises
    ------
    SchemaVersionError
        If the database is at a revision this code does not know: newer code upgraded it.
    """
    backend = backend_of(engine.dialect.name)
    head = head_revision()
    with engine.begin() as conn:
        lock_schema(conn)
        current = current_revision(conn)
        if current == head:
            return
        if current is not None:
            _check_known(current, head)
        config = alembic_config(conn)
        if current is None and not _made_before_migrations(conn, backend):
            build_schema(backend).metadata.create_all(conn)
            job_metadata.create_all(conn)
            command.stamp(config, "head")
            log.info("database schema created", revision=head)
            return
        command.upgrade(config, "head")
    log.info(
        "database schema upgraded", from_revision=current or "before migrations", to_revision=head
    )


def lock_schema(conn: sa.Connection) -> None:
    """Wait until no other process changes the schema, and keep them waiting until the
    transaction ends. Call it first in the transaction.

    PostgreSQL: an advisory lock. SQLite: the database's write lock (``BEGIN IMMEDIATE``),
    which also makes DDL transactional under pysqlite.
    """
    if backend_of(conn.dialect.name) == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_known(current: str, head: str) -> None:
    try:
        _scripts().get_revision(current)
    except CommandError as exc:
        raise SchemaVersionError(
            f"the database's schema is at revision {current!r}, which this version of "
            f"Obscura does not know (its newest is {head!r}): it was upgraded by a newer "
            "version"
        ) from exc


def _made_before_migrations(conn: sa.Connection, backend: Backend) -> bool:
    translate = schema_translate_map(backend) or {}
    inspector = sa.inspect(conn)
    return any(
        inspector.has_table(table, schema=translate.get(schema, schema))
        for schema, table in _LEGACY_TABLES
    )
