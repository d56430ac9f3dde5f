"""SQL tables of the persistent UWS job store, in the archive's hidden schema.

The tables live in their own ``MetaData``, in the ``obscura`` schema on PostgreSQL
(SQLite's engines map it to ``main``, see ``app/storage/database.py``). They are storage
only: the domain model is ``app.uws.models.Job`` and ``app/uws/store.py`` converts
between the two. They are created and changed by the schema migrations
(``app/storage/schema_migrations.py``), with the archive's: a change here needs a revision
in ``app/storage/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from typing_extensions import override

from obscore.schema import HIDDEN_SCHEMA

__all__ = [
    "PHASE_CHANNEL",
    "UtcDateTime",
    "create_job_tables",
    "job_metadata",
    "job_parameter_table",
    "job_result_table",
    "job_table",
]


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that always comes back as an aware UTC datetime.

    A naive datetime given to it is taken to be UTC, as ``app.uws.models`` does.
    PostgreSQL stores ``timestamptz``. SQLite has no time zones: values are converted to
    UTC and stored naive, so that text comparison in SQL still orders them correctly, and
    they are tagged UTC again when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @override
    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    @override
    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            msg = f"unexpected timestamp value {value!r}"
            raise TypeError(msg)
        if value.tzinfo is None:  # SQLite: stored as naive UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


job_metadata = sa.MetaData(schema=HIDDEN_SCHEMA)
"""The job store's tables, apart from the archive's ``MetaData``."""

# The archive normally creates the schema already; the job store must not depend on the
# order in which the two are initialised.
sa.event.listen(
    job_metadata,
    "before_create",
    sa.DDL(f"CREATE SCHEMA IF NOT EXISTS {HIDDEN_SCHEMA}").execute_if(  # type: ignore[no-untyped-call]
        dialect="postgresql"
    ),
)

job_table = sa.Table(
    "uws_job",
    job_metadata,
    sa.Column("job_id", sa.Text, primary_key=True),
    sa.Column("owner", sa.Text, nullable=True, comment="NULL for anonymous jobs"),
    sa.Column("phase", sa.Text, nullable=False),
    sa.Column("run_id", sa.Text, nullable=True),
    sa.Column("creation_time", UtcDateTime, nullable=False),
    sa.Column("start_time", UtcDateTime, nullable=True),
    sa.Column("end_time", UtcDateTime, nullable=True),
    sa.Column("execution_duration", sa.Integer, nullable=False, comment="seconds, 0 = unlimited"),
    sa.Column("destruction_time", UtcDateTime, nullable=True),
    sa.Column("quote", UtcDateTime, nullable=True),
    sa.Column("error_type", sa.Text, nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("error_detail", sa.Text, nullable=True, comment="served at {job}/error"),
    sa.Column("lease_until", UtcDateTime, nullable=True, comment="worker's claim expires"),
    sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
    sa.Column(
        "service",
        sa.String(16),
        nullable=False,
        server_default="tap",
        comment="the service that runs the job: tap, soda...",
    ),
    sa.CheckConstraint(
        "error_type IS NULL OR error_type IN ('transient', 'fatal')", name="uws_job_error_type"
    ),
    sa.Index("uws_job_owner_creation", "owner", "creation_time"),
    sa.Index("uws_job_owner_service_creation", "owner", "service", "creation_time"),
    sa.Index("uws_job_destruction", "destruction_time"),
)

job_parameter_table = sa.Table(
    "uws_job_parameter",
    job_metadata,
    sa.Column(
        "job_id",
        sa.Text,
        sa.ForeignKey(job_table.c.job_id, ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True, comment="order given by the client"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("by_reference", sa.Boolean, nullable=False, server_default=sa.false()),
)

job_result_table = sa.Table(
    "uws_job_result",
    job_metadata,
    sa.Column(
        "job_id",
        sa.Text,
        sa.ForeignKey(job_table.c.job_id, ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True, comment="order of the results list"),
    sa.Column("result_id", sa.Text, nullable=False),
    sa.Column("href", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=True, comment="bytes"),
    sa.Column("mime_type", sa.Text, nullable=True),
    sa.UniqueConstraint("job_id", "result_id", name="uws_job_result_id"),
)


PHASE_CHANNEL = "obscura_uws_phase"
"""PostgreSQL notification channel: the id of every job whose phase changed (or that
was deleted), from whichever process changed it."""
_NOTIFY_DDL = (
    f"""CREATE OR REPLACE FUNCTION {HIDDEN_SCHEMA}.uws_job_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('{PHASE_CHANNEL}', COALESCE(NEW.job_id, OLD.job_id));
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER uws_job_phase_notify
    AFTER UPDATE OF phase OR DELETE ON {HIDDEN_SCHEMA}.uws_job
    FOR EACH ROW EXECUTE FUNCTION {HIDDEN_SCHEMA}.uws_job_notify()""",
)
for _statement in _NOTIFY_DDL:  # phase changes are announced on PHASE_CHANNEL
    sa.event.listen(
        job_table,
        "after_create",
        sa.DDL(_statement).execute_if(dialect="postgresql"),  # type: ignore[no-untyped-call]
    )


def create_job_tables(engine: sa.Engine) -> None:
    """Bring the database's schema, the job store's tables included, to the newest
    revision (idempotent; see ``app.storage.schema_migrations.upgrade_database``).

    Parameters
    ----------
    engine
        A blocking engine from ``app.storage.database.create_sync_engine``, whose schema
        translation maps ``obscura`` onto SQLite's ``main``.
    """
    # Imported here: the migrations import this module's tables.
    from app.storage.schema_migrations import upgrade_database

    upgrade_database(engine)
