"""The archive in a real database, on SQLite and on PostgreSQL + pgSphere."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pytest
import sqlalchemy as sa

from app.storage.archive import fill_archive
from app.storage.database import archive_schema, create_sync_engine
from obscore.columns import OBSCORE_COLUMNS
from obscore.explain import query_plan
from obscore.ingest import row_count
from obscore.published import published_column
from obscore.schema import ARROW_SCHEMA
from obscore.spatial import cone_search
from obscore.sphere import angular_distance, polygon_contains, radec_to_xyz, tangent_to_sky
from obscore.stcs import format_polygons, parse_polygon


def test_demo_rows_are_all_there(demo_engine: sa.Engine, demo_tables: list[pa.Table]) -> None:
    schema = archive_schema(demo_engine)
    with demo_engine.connect() as conn:
        assert row_count(conn, schema) == sum(t.num_rows for t in demo_tables)


def test_tap_schema_is_stored_and_queryable(demo_engine: sa.Engine) -> None:
    schema = archive_schema(demo_engine)
    columns = schema.tap_schema["columns"]
    with demo_engine.connect() as conn:
        names = (
            conn.execute(
                sa.select(columns.c.column_name)
                .where(columns.c.table_name == "ivoa.ObsCore")
                .order_by(columns.c.column_index)
            )
            .scalars()
            .all()
        )
        tables = conn.execute(
            sa.select(schema.tap_schema["tables"].c.table_name).order_by(
                schema.tap_schema["tables"].c.table_index
            )
        ).scalars()
        assert names == [c.name for c in OBSCORE_COLUMNS]
        assert next(iter(tables)) == "ivoa.ObsCore"


# SQLAlchemy cannot reflect SQLite's expression index on lower(obs_publisher_did); the
# migration tests check that one.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_filter_columns_have_btree_indexes(demo_engine: sa.Engine) -> None:
    inspector = sa.inspect(demo_engine)
    schema_name = None if demo_engine.dialect.name == "sqlite" else "ivoa"
    indexed = {
        tuple(ix["column_names"]) for ix in inspector.get_indexes("ObsCore", schema=schema_name)
    }
    for name in (
        "calib_level",
        "dataproduct_subtype",
        "lsst_visit",
        "lsst_detector",
        "lsst_tract",
        "lsst_patch",
        "lsst_band",
        "t_min",
        "t_max",
        "obs_publisher_did",
    ):
        assert (name,) in indexed, name


def _fingerprint(engine: sa.Engine) -> tuple[int, str]:
    schema = archive_schema(engine)
    columns = [schema.obscore.c[name] for name in ARROW_SCHEMA.names]
    digest = hashlib.sha256()
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(sa.select(*columns).order_by(schema.obscore.c.obs_publisher_did)):
            digest.update(
                repr(tuple(round(v, 9) if isinstance(v, float) else v for v in row)).encode()
            )
            count += 1
    return count, digest.hexdigest()


def test_same_rows_load_into_postgresql_and_sqlite(
    demo_tables: list[pa.Table], demo_urls: dict[str, str]
) -> None:
    # The session's demo archives, loaded by fill_archive on each backend.
    prints = []
    for url in demo_urls.values():
        engine = create_sync_engine(url)
        prints.append(_fingerprint(engine))
        engine.dispose()
    assert prints[0] == prints[1]
    assert prints[0][0] == sum(t.num_rows for t in demo_tables)


def test_cone_search_uses_the_spatial_index(demo_engine: sa.Engine) -> None:
    schema = archive_schema(demo_engine)
    query = cone_search(schema, 53.076, -28.11, 0.5, [schema.obscore.c.obs_id])
    with demo_engine.connect() as conn:
        plan = "\n".join(query_plan(conn, query))
    if schema.backend == "postgresql":
        assert "obscore_s_point_idx" in plan, plan
        assert "Seq Scan" not in plan, plan
    else:
        assert "SCAN obscore_rtree VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN ObsCore" not in plan, plan


@pytest.mark.parametrize(
    "cone", [(53.076, -28.11, 0.05), (53.13, -28.10, 0.5), (95.0, -25.0, 1.0), (6.02, -72.08, 0.7)]
)
def test_cone_search_matches_brute_force(
    demo_engine: sa.Engine, cone: tuple[float, float, float]
) -> None:
    schema = archive_schema(demo_engine)
    ra, dec, radius = cone
    t = schema.obscore.c
    with demo_engine.connect() as conn:
        found = set(conn.execute(cone_search(schema, ra, dec, radius, [t.obscore_id])).scalars())
        every = conn.execute(sa.select(t.obscore_id, t.s_ra, t.s_dec)).all()
    ids, ras, decs = (np.array(c) for c in zip(*every, strict=True))
    expected = set(ids[angular_distance(ras, decs, ra, dec) <= radius].tolist())
    assert found == expected
    assert found


def _ring_rows(centre_ra: float, centre_dec: float) -> pa.Table:
    """Small square footprints on a ring 0.3 degrees around a centre, plus one at it."""
    angles = np.radians(np.arange(0, 360, 15))
    xi = np.concatenate([[0.0], 0.3 * np.sin(angles)])
    eta = np.concatenate([[0.0], 0.3 * np.cos(angles)])
    ra, dec = tangent_to_sky(centre_ra, centre_dec, xi, eta)
    n = len(ra)
    d = 0.05
    corners_xi = xi[:, None] + np.array([-d, d, d, -d])
    corners_eta = eta[:, None] + np.array([-d, -d, d, d])
    c_ra, c_dec = tangent_to_sky(centre_ra, centre_dec, corners_xi, corners_eta)
    values: dict[str, object] = {
        "obs_collection": ["test"] * n,
        "calib_level": [2] * n,
        "obs_id": [f"ring-{i}" for i in range(n)],
        "obs_publisher_did": [f"ivo://test/ring?{centre_ra}/{centre_dec}/{i}" for i in range(n)],
        "s_ra": ra,
        "s_dec": dec,
        "s_region": format_polygons(c_ra, c_dec),
    }
    return pa.table(
        {f.name: pa.array(values.get(f.name, [None] * n), f.type) for f in ARROW_SCHEMA}
    )


@pytest.mark.parametrize(
    ("ra", "dec"), [(0.0, 0.0), (359.95, -10.0), (180.0, 89.9), (10.0, -89.95)]
)
def test_cone_search_across_ra_zero_and_at_the_poles(
    empty_engine: sa.Engine, ra: float, dec: float
) -> None:
    rows = _ring_rows(ra, dec)
    fill_archive(empty_engine, [rows], replace=True, progress=False)
    schema = archive_schema(empty_engine)
    t = schema.obscore.c
    with empty_engine.connect() as conn:
        inner = set(conn.execute(cone_search(schema, ra, dec, 0.2, [t.obs_id])).scalars())
        outer = set(conn.execute(cone_search(schema, ra, dec, 0.31, [t.obs_id])).scalars())
    assert inner == {"ring-0"}
    assert len(outer) == rows.num_rows


def _sqlite_rtree_holds_every_footprint(
    demo_engine: sa.Engine, demo_tables: list[pa.Table]
) -> None:
    schema = archive_schema(demo_engine)
    assert schema.rtree is not None
    t, rt = schema.obscore.c, schema.rtree.c
    with demo_engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.s_region, t.s_ra, t.s_dec, rt.xmin, rt.xmax, rt.ymin, rt.ymax)
            .add_columns(rt.zmin, rt.zmax)
            .join(schema.rtree, rt.id == t.obscore_id)
            .order_by(t.obscore_id)
        ).all()
    assert len(rows) == sum(table.num_rows for table in demo_tables)
    # Each box holds its footprint's vertices and the row's centre (the boxes are float32:
    # allow 1e-6 on the unit sphere).
    vertices = np.array([parse_polygon(r[0]) for r in rows])
    corners = radec_to_xyz(vertices[..., 0], vertices[..., 1])
    centres = radec_to_xyz(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    boxes = np.array([r[3:] for r in rows], dtype=np.float64)
    low, high = boxes[:, 0::2] - 1e-6, boxes[:, 1::2] + 1e-6
    assert np.all((corners >= low[:, None, :]) & (corners <= high[:, None, :]))
    assert np.all((centres >= low) & (centres <= high))
    # ... and no more than a little around them.
    assert np.all(high - low < (corners.max(axis=1) - corners.min(axis=1)) + 0.01)


def test_the_spatial_index_holds_every_footprint(
    demo_engine: sa.Engine, demo_tables: list[pa.Table]
) -> None:
    schema = archive_schema(demo_engine)
    if schema.backend == "sqlite":
        _sqlite_rtree_holds_every_footprint(demo_engine, demo_tables)
        return
    t = schema.obscore.c
    # INTERSECTS(s_region, point) through pgSphere: a point inside the ECDFS footprints.
    point = sa.func.spoint(sa.func.radians(53.076), sa.func.radians(-28.11))
    with demo_engine.connect() as conn:
        subtypes = dict(
            conn.execute(
                sa.select(t.dataproduct_subtype, sa.func.count())
                .where(t.s_poly.op("@>")(point))
                .group_by(t.dataproduct_subtype)
            ).all()
        )
        missing = conn.execute(
            sa.select(sa.func.count()).where(t.s_region.is_not(None), t.s_poly.is_(None))
        ).scalar_one()
        # Every footprint's bounding circle (computed by the loader) holds the polygon, by
        # pgSphere's own test, and is no more than a little larger than its extent.
        bounds = conn.execute(
            sa.select(
                sa.func.count(t.s_poly),
                sa.func.count().filter(t.s_bound.op("@>")(t.s_poly)),
                sa.func.max(sa.func.degrees(sa.func.radius(t.s_bound)) * 2 - t.s_fov),
            )
        ).one()
    assert missing == 0
    assert bounds[0] == bounds[1] == sum(tb.num_rows for tb in demo_tables)
    assert bounds[2] < 1e-4  # degrees: the demo's s_fov is its footprint's circle
    assert subtypes["lsst.deep_coadd"] == 12
    # pgSphere and our own spherical polygon test agree on every footprint.
    expected: dict[str, int] = {}
    target = radec_to_xyz(53.076, -28.11)
    for table in demo_tables:
        vertices = np.array([parse_polygon(r) for r in table["s_region"].to_pylist()])
        polygons = radec_to_xyz(vertices[..., 0], vertices[..., 1])
        inside = polygon_contains(polygons, np.broadcast_to(target, (len(polygons), 3)))
        for subtype in np.array(table["dataproduct_subtype"].to_pylist())[inside]:
            expected[subtype] = expected.get(subtype, 0) + 1
    assert subtypes == expected


def test_access_url_is_published_under_the_configured_base_url(
    demo_engine: sa.Engine,
) -> None:
    schema = archive_schema(demo_engine)
    t = schema.obscore.c
    with demo_engine.connect() as conn:
        for base in ("https://data.example.org", "http://127.0.0.1:8000"):
            url, did = conn.execute(
                sa.select(published_column(schema, "access_url", base), t.obs_publisher_did).limit(
                    1
                )
            ).one()
            assert url.startswith(base + "/api/datalink/links?ID=ivo%3A%2F%2F")
            assert url.endswith(did.rsplit("=", 1)[1])


def test_footprints_of_any_vertex_count_are_indexed(empty_engine: sa.Engine) -> None:
    # A triangle without a frame, a square and a concave pentagon: the ingest falls back
    # from its vectorised one-shape parse and must still index every footprint.
    regions = [
        "POLYGON 10.0 10.0 10.4 10.0 10.2 10.3",
        "POLYGON ICRS 20.0 20.0 20.3 20.0 20.3 20.3 20.0 20.3",
        "POLYGON ICRS 30.0 -5.0 30.4 -5.0 30.4 -4.6 30.2 -4.9 30.0 -4.6",
    ]
    centres = [(10.2, 10.1), (20.15, 20.15), (30.2, -4.8)]
    n = len(regions)
    values: dict[str, object] = {
        "obs_collection": ["test"] * n,
        "calib_level": [1] * n,
        "obs_id": [f"shape-{i}" for i in range(n)],
        "obs_publisher_did": [f"ivo://test/shape?{i}" for i in range(n)],
        "s_ra": [c[0] for c in centres],
        "s_dec": [c[1] for c in centres],
        "s_region": regions,
    }
    rows = pa.table(
        {f.name: pa.array(values.get(f.name, [None] * n), f.type) for f in ARROW_SCHEMA}
    )
    fill_archive(empty_engine, [rows], replace=False, progress=False)
    schema = archive_schema(empty_engine)
    with empty_engine.connect() as conn:
        for i, (ra, dec) in enumerate(centres):
            found = (
                conn.execute(cone_search(schema, ra, dec, 0.01, [schema.obscore.c.obs_id]))
                .scalars()
                .all()
            )
            assert found == [f"shape-{i}"]


def test_catalog_read_from_the_database_equals_the_published_specs(
    demo_engine: sa.Engine,
) -> None:
    from obscore.catalog import load_catalog, published_catalog

    with demo_engine.connect() as conn:
        assert load_catalog(conn, archive_schema(demo_engine)) == published_catalog()
