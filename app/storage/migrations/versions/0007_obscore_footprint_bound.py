"""PostgreSQL: ``s_bound``, a circle holding each footprint, GiST-indexed, in place of the
GiST index over the ``s_poly`` polygons (pgSphere builds that one at about 10,000 rows/s;
a load of 10^7 rows spent most of its time there). Footprint searches look up the
circles, then test the polygons. The existing rows get their circles here, computed in
SQL from their ``s_region`` (about 25 us a row, while the table is rewritten); the loader
computes them itself for new rows.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

from obscore.schema import BOUND_COLUMN, BOUND_INDEX, UNBOUNDED_INDEX

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The same circles as obscore.sphere.footprint_bounds: around the row's position, or the
# vertices' mean when that is missing or 90 degrees away, reaching every vertex, widened
# by a part in a million; NULL when no circle under 89.9 degrees holds the polygon.
_BOUND_FUNCTION = r"""
CREATE FUNCTION obscura.migration_0007_bound(region text, centre_ra float8, centre_dec float8)
RETURNS scircle LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  c float8[] := regexp_split_to_array(
    btrim(regexp_replace(region, '^\s*polygon\s+(icrs\s+)?', '', 'i')), '\s+')::float8[];
  n int := array_length(c, 1);
  centre spoint;
  r float8;
  x float8 := 0;
  y float8 := 0;
  z float8 := 0;
BEGIN
  IF n IS NULL OR n < 6 THEN
    RETURN NULL;
  END IF;
  IF centre_ra IS NOT NULL AND centre_dec IS NOT NULL THEN
    centre := spoint(radians(centre_ra), radians(centre_dec));
    SELECT max(centre <-> spoint(radians(c[i]), radians(c[i + 1]))) INTO r
    FROM generate_series(1, n - 1, 2) AS i;
  END IF;
  IF r IS NULL OR r >= radians(89.9) THEN
    FOR i IN 1 .. n - 1 BY 2 LOOP
      x := x + cos(radians(c[i + 1])) * cos(radians(c[i]));
      y := y + cos(radians(c[i + 1])) * sin(radians(c[i]));
      z := z + sin(radians(c[i + 1]));
    END LOOP;
    centre := spoint(atan2(y, x), atan2(z, sqrt(x * x + y * y)));
    SELECT max(centre <-> spoint(radians(c[i]), radians(c[i + 1]))) INTO r
    FROM generate_series(1, n - 1, 2) AS i;
  END IF;
  r := r * (1 + 1e-6) + 1e-9;
  IF r >= radians(89.9) THEN
    RETURN NULL;
  END IF;
  RETURN scircle(centre, r);
END
$$
"""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    # Added as a generated column, then made a plain one: the table is rewritten once
    # (an UPDATE would leave a dead copy of every row behind).
    op.execute(_BOUND_FUNCTION)
    op.execute(
        f'ALTER TABLE ivoa."ObsCore" ADD COLUMN {BOUND_COLUMN} scircle GENERATED ALWAYS AS '
        "(obscura.migration_0007_bound(s_region, s_ra, s_dec)) STORED"
    )
    op.execute(f'ALTER TABLE ivoa."ObsCore" ALTER COLUMN {BOUND_COLUMN} DROP EXPRESSION')
    op.execute("DROP FUNCTION obscura.migration_0007_bound(text, float8, float8)")
    op.drop_index("obscore_s_poly_idx", "ObsCore", schema="ivoa", if_exists=True)
    op.create_index(BOUND_INDEX, "ObsCore", [BOUND_COLUMN], schema="ivoa", postgresql_using="gist")
    op.execute(
        f'CREATE INDEX {UNBOUNDED_INDEX} ON ivoa."ObsCore" (obscore_id) '
        f"WHERE {BOUND_COLUMN} IS NULL AND s_poly IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index(UNBOUNDED_INDEX, "ObsCore", schema="ivoa")
    op.drop_index(BOUND_INDEX, "ObsCore", schema="ivoa")
    op.create_index(
        "obscore_s_poly_idx", "ObsCore", ["s_poly"], schema="ivoa", postgresql_using="gist"
    )
    op.drop_column("ObsCore", BOUND_COLUMN, schema="ivoa")
