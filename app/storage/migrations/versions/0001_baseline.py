"""Baseline: the schema made before migrations existed (commit 544ac32).

The archive (ObsCore, TAP_SCHEMA, the spatial helpers) and the UWS job tables, with the
NOTIFY trigger on PostgreSQL. The DDL is the one that code ran, frozen in
``baseline_{sqlite,postgresql}.sql`` (written by ``tests/storage/make_legacy_dumps.py``).
Every statement creates only what is missing, so the same revision adopts a database made
by that code, and completes it: an archive whose server never started lacks the job
tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from app.storage.migrations import run_sql_file
from obscore.schema import backend_of

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    run_sql_file(bind, f"baseline_{backend_of(bind.dialect.name)}.sql")


def downgrade() -> None:
    raise NotImplementedError("the baseline is the oldest schema: nothing to go back to")
