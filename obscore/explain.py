"""The database's query plan for a SQLAlchemy statement, as text lines (for tests and tuning)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from obscore.schema import backend_of, schema_translate_map

__all__ = ["query_plan"]


def query_plan(conn: sa.Connection, statement: sa.Select[Any]) -> list[str]:
    """Lines of ``EXPLAIN`` (PostgreSQL) or ``EXPLAIN QUERY PLAN`` (SQLite) for a query."""
    backend = backend_of(conn.dialect.name)
    translate = schema_translate_map(backend)
    compiled = statement.compile(
        dialect=conn.dialect,
        schema_translate_map=translate,
        render_schema_translate=translate is not None,
        compile_kwargs={"literal_binds": True},
    )
    prefix = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    rows = conn.exec_driver_sql(prefix + str(compiled)).all()
    # SQLite answers (id, parent, notused, detail); PostgreSQL one text column.
    return [str(row[-1]) for row in rows]
