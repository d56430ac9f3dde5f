"""An index on lower(obs_publisher_did) of ivoa.ObsCore.

SIA's ``ID`` parameter compares publisher DIDs without regard to case, as
``LOWER(obs_publisher_did) IN (...)``; with this index that is an index lookup instead of
a scan of the archive.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.storage.migrations import schema_name

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEX = "obscore_publisher_did_lower_idx"


def upgrade() -> None:
    op.create_index(
        INDEX,
        "ObsCore",
        [sa.func.lower(sa.column("obs_publisher_did"))],
        schema=schema_name("ivoa"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index(INDEX, "ObsCore", schema=schema_name("ivoa"), if_exists=True)
