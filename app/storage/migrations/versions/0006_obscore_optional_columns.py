"""ObsCore 1.1's optional columns in ivoa.ObsCore (null until an archive holds values, and
published only then), and obscura.obscore_column: the ObsCore columns TAP_SCHEMA lists
beyond the fixed ones (the optional standard columns in use and the archive's own).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.storage.migrations import schema_name
from obscore.columns import OPTIONAL_COLUMNS
from obscore.schema import COLUMNS_TABLE, sql_column

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for spec in OPTIONAL_COLUMNS:
        op.add_column("ObsCore", sql_column(spec), schema=schema_name("ivoa"))
    op.create_table(
        COLUMNS_TABLE,
        sa.Column("column_name", sa.Text, primary_key=True),
        sa.Column("column_index", sa.Integer, nullable=False, comment="display order"),
        sa.Column("datatype", sa.Text, nullable=False),
        sa.Column("arraysize", sa.Text),
        sa.Column("xtype", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("ucd", sa.Text),
        sa.Column("utype", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("std", sa.Boolean, nullable=False, comment="an ObsCore standard column"),
        schema=schema_name("obscura"),
    )


def downgrade() -> None:
    op.drop_table(COLUMNS_TABLE, schema=schema_name("obscura"))
    for spec in reversed(OPTIONAL_COLUMNS):
        op.drop_column("ObsCore", spec.name, schema=schema_name("ivoa"))
