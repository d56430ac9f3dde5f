"""SQLite: an index on (s_dec, s_ra) of ivoa.ObsCore, for crossmatches.

A join on ``DISTANCE(...) < r`` or ``CONTAINS(POINT, CIRCLE)`` between two tables
probes, for each position of one side, the band of declinations within ``r`` on the
other; the R*Tree holds footprints, far larger than a crossmatch radius. PostgreSQL uses
pgSphere's GiST on ``s_point`` instead.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from app.storage.migrations import schema_name
from obscore.schema import DEC_INDEX

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.create_index(
            DEC_INDEX, "ObsCore", ["s_dec", "s_ra"], schema=schema_name("ivoa"), if_not_exists=True
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.drop_index(DEC_INDEX, "ObsCore", schema=schema_name("ivoa"), if_exists=True)
