"""Alembic's environment: runs the revisions on the connection, and in the transaction,
that ``app.storage.schema_migrations`` hands over in ``config.attributes``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from app.storage.schema_migrations import version_table_schema
from app.uws.tables import job_metadata
from obscore.schema import HIDDEN_SCHEMA, backend_of, build_schema

connection = context.config.attributes.get("connection")
if not isinstance(connection, sa.Connection):
    raise RuntimeError(
        "the migrations run on a connection given by "
        "app.storage.schema_migrations (alembic_config), not from an alembic.ini"
    )
_SCHEMAS = ("ivoa", "tap_schema", HIDDEN_SCHEMA)


def _ours(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate compares our schemas only (procrastinate's tables are in public)."""
    return type_ != "schema" or name in _SCHEMAS


backend = backend_of(connection.dialect.name)
if backend == "postgresql":  # the version table's home must exist before the baseline
    connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {HIDDEN_SCHEMA}")
context.configure(
    connection=connection,
    # For autogenerate when writing a revision: against PostgreSQL only, as SQLite has
    # neither the schemas nor reflection of expression indexes.
    target_metadata=(
        [build_schema(backend).metadata, job_metadata] if backend == "postgresql" else None
    ),
    include_schemas=True,
    include_name=_ours,
    version_table_schema=version_table_schema(backend),
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
