"""uws_job.service: which service a job belongs to (TAP queries, SODA cutouts).

Existing jobs are TAP's (the server default). Job lists are per owner and service, newest
first: hence the index on (owner, service, creation_time).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.storage.migrations import schema_name

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "uws_job_owner_service_creation"


def upgrade() -> None:
    # Adding a column with a constant default is an ALTER on SQLite too: no table copy.
    with op.batch_alter_table("uws_job", schema=schema_name("obscura")) as batch:
        batch.add_column(
            sa.Column(
                "service",
                sa.String(16),
                nullable=False,
                server_default="tap",
                comment="the service that runs the job: tap, soda...",
            )
        )
        batch.create_index(INDEX, ["owner", "service", "creation_time"])


def downgrade() -> None:
    # Never a table copy: dropping the old uws_job would cascade to its parameters and
    # results. SQLite (3.35 and later) drops the column itself.
    with op.batch_alter_table("uws_job", schema=schema_name("obscura"), recreate="never") as batch:
        batch.drop_index(INDEX)
        batch.drop_column("service")
