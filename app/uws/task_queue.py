"""The distributed task queue: procrastinate on the archive's PostgreSQL database.

API replicas defer one task per queued job; ``obscura worker`` processes, on any
machine, take them (``SELECT ... FOR UPDATE SKIP LOCKED`` and LISTEN/NOTIFY inside
procrastinate). The queue's tables live next to the archive's, created on first use.
"""

from __future__ import annotations

import procrastinate
import sqlalchemy as sa
from procrastinate.schema import SchemaManager

from app.storage.database import libpq_conninfo

__all__ = ["RUN_JOB", "ensure_queue_schema", "queue_app"]

RUN_JOB = "obscura.run_job"
"""The task that runs one async job, of any service; its one argument is ``job_id``."""
_SCHEMA_LOCK = 0x0B5C0_0001
"""Advisory lock key serialising schema creation between processes starting together."""


def queue_app(database_url: str, *, max_connections: int) -> procrastinate.App:
    """A procrastinate app on the database (open it before use)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_conninfo(database_url), min_size=1, max_size=max_connections
    )
    return procrastinate.App(connector=connector)


def ensure_queue_schema(engine: sa.Engine) -> bool:
    """Create procrastinate's tables unless they exist; True if they were created."""
    with engine.begin() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
        exists = conn.execute(sa.select(sa.func.to_regclass("procrastinate_jobs"))).scalar()
        if exists is not None:
            return False
        # The schema script is many statements: run it through the driver as one
        # simple query (no parameters, so no placeholder processing).
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(SchemaManager.get_schema())
    return True
