"""ObsCore 1.1's optional columns in ivoa.ObsCore (null until an archive holds values, and
published only then), and obscura.obscore_column: the ObsCore columns TAP_SCHEMA lists
beyond the fixed ones (the optional standard columns in use and the archive's own).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from app.storage.migrations import schema_name
from obscore.optional_columns import OPTIONAL_COLUMNS
from obscore.schema import COLUMNS_TABLE, column_record_columns, sql_column

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for spec in OPTIONAL_COLUMNS:
        op.add_column("ObsCore", sql_column(spec), schema=schema_name("ivoa"))
    op.create_table(COLUMNS_TABLE, *column_record_columns(), schema=schema_name("obscura"))


def downgrade() -> None:
    op.drop_table(COLUMNS_TABLE, schema=schema_name("obscura"))
    for spec in reversed(OPTIONAL_COLUMNS):
        op.drop_column("ObsCore", spec.name, schema=schema_name("ivoa"))
