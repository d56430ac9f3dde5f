"""Alembic revisions of the database schema (archive and UWS job tables).

Run them with :func:`app.storage.schema_migrations.upgrade_database`; there is no
``alembic.ini``. ``env.py`` takes the connection that function hands over, and the
revisions are in ``versions/``, named ``NNNN_what.py`` with revision id ``NNNN``.

Writing a revision (``alembic.command.revision(alembic_config(conn), "message",
rev_id="0004")`` fills in ``script.py.mako``):

* change the SQLAlchemy tables too (``obscore/schema.py``, ``app/uws/tables.py``):
  an empty database is created from them and stamped with the newest revision, and
  ``tests/storage/test_migrations.py`` checks that both roads end in the same schema, on
  both backends;
* name schemas through :func:`schema_name` (SQLite maps them all onto ``main``, as the
  engines' ``schema_translate_map`` does);
* put ALTERs in ``op.batch_alter_table`` so that SQLite can take them. On SQLite a batch
  that must copy the table (anything but adding a column without an expression default,
  or an index) loses the table's expression indexes (SQLAlchemy cannot reflect them on
  SQLite: create them again), and dropping the old ``uws_job`` deletes every parameter
  and result row by ``ON DELETE CASCADE``: use ``recreate="never"`` there (SQLite 3.35
  drops columns itself).
* Every revision runs in the one transaction of ``upgrade_database``: no ``CREATE INDEX
  CONCURRENTLY``; an index on a large ObsCore blocks writes to it while it builds.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from obscore.schema import backend_of, schema_translate_map

__all__ = ["run_sql_file", "schema_name", "sql_statements"]


def schema_name(logical: str) -> str | None:
    """The schema that a logical schema (``ivoa``, ``tap_schema``, ``obscura``) is on the
    migration's database: itself on PostgreSQL, SQLite's default one on SQLite."""
    translate = schema_translate_map(backend_of(op.get_bind().dialect.name))
    return logical if translate is None else translate.get(logical, logical)


def sql_statements(text: str) -> list[str]:
    """The statements of one of the ``.sql`` files beside this module: each ends with
    ``;`` and a blank line, none has a blank line inside; ``--`` lines are comments."""
    lines = [line for line in text.splitlines() if not line.startswith("--")]
    return [s.strip() for s in re.split(r";\n\s*\n", "\n".join(lines) + "\n") if s.strip()]


def run_sql_file(connection: sa.Connection, name: str) -> None:
    """Run the statements of the ``.sql`` file ``name`` beside this module.

    They go to the driver as written, bypassing SQLAlchemy (no parameter processing:
    PostgreSQL functions contain ``%``), inside the connection's transaction.
    """
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for statement in sql_statements(text):
            cursor.execute(statement)
    finally:
        cursor.close()
