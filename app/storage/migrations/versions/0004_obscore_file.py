"""obscura.obscore_file: where each dataset's file lives (a path, an fsspec URL, or a demo
file made on first access), with its size and checksum once known. Hidden from TAP.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.storage.migrations import schema_name

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "obscore_file",
        sa.Column("obs_publisher_did", sa.Text, primary_key=True),
        sa.Column(
            "file_url",
            sa.Text,
            nullable=False,
            comment="local path, fsspec URL, or demo:SEED for a generated demo file",
        ),
        sa.Column("size", sa.BigInteger, comment="bytes, once known"),
        sa.Column("checksum", sa.String(80), comment="sha256:HEX, once known"),
        schema=schema_name("obscura"),
    )


def downgrade() -> None:
    op.drop_table("obscore_file", schema=schema_name("obscura"))
