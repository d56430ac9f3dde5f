"""Differential test: the same ADQL over the same rows gives the same answer on SQLite and
on PostgreSQL + pgSphere (as multisets, or in order where ORDER BY fixes it; floating
point within a tolerance)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from adql import compile_query
from app.storage.adql import translation_context
from app.storage.database import archive_schema, create_sync_engine
from obscore.catalog import load_catalog

FIELDS = [
    (53.13, -28.1),
    (95.0, -25.0),
    (59.1, -48.73),
    (37.86, 6.98),
    (6.02, -72.08),
    (40.0, -34.45),
    (106.23, -10.51),
]


def _cones() -> Iterator[str]:
    offsets = [(0.0, 0.0), (0.15, -0.1), (-0.3, 0.2), (0.6, 0.45)]
    for (ra, dec), (dra, ddec) in itertools.product(FIELDS, offsets):
        ra0, dec0 = round(ra + dra, 3), round(dec + ddec, 3)
        yield (
            "SELECT obs_publisher_did FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, "
            f"s_dec), CIRCLE('ICRS', {ra0}, {dec0}, 0.25)) = 1"
        )
        yield (
            "SELECT obs_publisher_did FROM ivoa.ObsCore WHERE "
            f"DISTANCE(s_ra, s_dec, {ra0}, {dec0}) < 0.2"
        )
        yield (
            "SELECT obs_publisher_did, calib_level FROM ivoa.ObsCore WHERE "
            f"INTERSECTS(s_region, CIRCLE({ra0}, {dec0}, 0.05)) = 1"
        )
        yield (
            "SELECT dataproduct_subtype, COUNT(*) FROM ivoa.ObsCore WHERE "
            f"CONTAINS(POINT({ra0}, {dec0}), s_region) = 1 GROUP BY dataproduct_subtype"
        )


def _filters() -> Iterator[str]:
    for band, level in itertools.product("ugrizy", (1, 2, 3)):
        yield (
            f"SELECT COUNT(*), MIN(t_min), MAX(t_max) FROM ivoa.ObsCore WHERE "
            f"lsst_band = '{band}' AND calib_level = {level}"
        )
    for start in range(60607, 60656, 5):
        yield (
            "SELECT lsst_visit, COUNT(*) FROM ivoa.ObsCore WHERE "
            f"t_min BETWEEN {start} AND {start + 2.5} GROUP BY lsst_visit"
        )
    for subtype in ("raw", "visit_image", "difference_image", "deep_coadd", "template_coadd"):
        yield (
            f"SELECT lsst_band, COUNT(*), AVG(s_fov), SUM(access_estsize) FROM ivoa.ObsCore "
            f"WHERE dataproduct_subtype = 'lsst.{subtype}' GROUP BY lsst_band"
        )


FUNCTION_EXPRESSIONS = [
    "ROUND(s_ra, 3)",
    "ROUND(s_dec)",
    "TRUNCATE(s_ra, 2)",
    "TRUNCATE(s_dec)",
    "MOD(lsst_detector, 4)",
    "POWER(s_fov, 2)",
    "SQRT(s_ra)",
    "LOG10(s_ra)",
    "LOG(s_ra)",
    "EXP(s_fov)",
    "SIN(RADIANS(s_dec))",
    "COS(RADIANS(s_dec))",
    "TAN(RADIANS(s_ra) / 10)",
    "ASIN(s_dec / 90)",
    "ACOS(s_dec / 90)",
    "ATAN(s_ra)",
    "ATAN2(s_dec, s_ra)",
    "COT(RADIANS(s_ra) + 0.1)",
    "DEGREES(s_fov)",
    "ABS(s_dec)",
    "CEILING(s_ra)",
    "FLOOR(s_dec)",
    "obs_id || '/' || lsst_band",
    "LOWER(obs_id)",
    "UPPER(lsst_band)",
    "COALESCE(t_min, -1)",
    "COALESCE(target_name, 'none')",
    "CAST(s_ra AS INTEGER)",
    "CAST(calib_level AS DOUBLE PRECISION) / 2",
    "s_ra * 2 - s_dec / 3",
    "AREA(s_region)",
    "DISTANCE(POINT(s_ra, s_dec), POINT(53, -28))",
    "COORD1(CENTROID(CIRCLE(s_ra, s_dec, 0.1)))",
    "COORD1(CENTROID(s_region))",
    "COORD2(CENTROID(s_region))",
    "COORD2(POINT(s_ra, s_dec))",
    "CONTAINS(POINT(s_ra, s_dec), CIRCLE(53.1, -28.1, 0.3))",
    "INTERSECTS(s_region, CIRCLE(53.1, -28.1, 0.2))",
    "AREA(BOX(s_ra, s_dec, 0.1, 0.2))",
    "AREA(POLYGON(s_ra, s_dec, s_ra + 0.1, s_dec, s_ra, s_dec + 0.1))",
]


def _functions() -> Iterator[str]:
    for i, expression in enumerate(FUNCTION_EXPRESSIONS):
        subtype = ("raw", "visit_image", "deep_coadd")[i % 3]
        yield (
            f"SELECT TOP 40 obs_publisher_did, {expression} FROM ivoa.ObsCore WHERE "
            f"dataproduct_subtype = 'lsst.{subtype}' ORDER BY obs_publisher_did"
        )


def _structure() -> Iterator[str]:
    yield (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS d JOIN ivoa.ObsCore AS t ON "
        "t.lsst_tract = d.lsst_tract AND t.lsst_patch = d.lsst_patch AND "
        "t.lsst_band = d.lsst_band WHERE d.calib_level = 3 AND t.obs_id LIKE '%-1_'"
    )
    yield (
        "SELECT d.lsst_tract, COUNT(*) FROM ivoa.ObsCore AS d LEFT JOIN ivoa.ObsCore AS v "
        "ON v.obs_id = d.obs_id AND v.calib_level = 2 WHERE d.calib_level = 1 "
        "GROUP BY d.lsst_tract"
    )
    yield (
        "SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 1 EXCEPT "
        "SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 2"
    )
    yield (
        "SELECT lsst_band FROM ivoa.ObsCore WHERE calib_level = 1 INTERSECT "
        "SELECT lsst_band FROM ivoa.ObsCore WHERE dataproduct_subtype = 'lsst.deep_coadd'"
    )
    yield (
        "SELECT lsst_band, calib_level FROM ivoa.ObsCore WHERE lsst_band = 'u' UNION "
        "SELECT lsst_band, calib_level FROM ivoa.ObsCore WHERE lsst_band = 'y'"
    )
    yield (
        "SELECT TOP 30 lsst_visit FROM ivoa.ObsCore WHERE calib_level = 2 UNION ALL "
        "SELECT lsst_visit FROM ivoa.ObsCore WHERE calib_level = 3 ORDER BY 1"
    )
    yield (
        "WITH v AS (SELECT lsst_visit, COUNT(*) AS n FROM ivoa.ObsCore WHERE "
        "calib_level = 2 GROUP BY lsst_visit) SELECT n, COUNT(*) FROM v GROUP BY n"
    )
    yield (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS r WHERE r.calib_level = 1 AND EXISTS "
        "(SELECT 1 FROM ivoa.ObsCore AS v WHERE v.obs_id = r.obs_id AND v.calib_level = 2 "
        "AND v.lsst_detector = r.lsst_detector)"
    )
    yield (
        "SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 1 AND lsst_visit NOT IN "
        "(SELECT lsst_visit FROM ivoa.ObsCore WHERE calib_level = 2)"
    )
    yield (
        "SELECT x.b, x.n FROM (SELECT lsst_band AS b, COUNT(*) AS n FROM ivoa.ObsCore "
        "GROUP BY lsst_band) AS x WHERE x.n > 5000"
    )
    yield ("SELECT DISTINCT target_name FROM ivoa.ObsCore")
    yield (
        "SELECT TOP 25 obs_id, lsst_detector FROM ivoa.ObsCore WHERE calib_level = 2 "
        "ORDER BY t_min DESC, lsst_detector OFFSET 100"
    )
    yield ("SELECT lsst_band, COUNT(*) FROM ivoa.ObsCore GROUP BY lsst_band HAVING COUNT(*) > 8000")
    yield ("SELECT COUNT(DISTINCT lsst_visit), COUNT(DISTINCT lsst_tract) FROM ivoa.ObsCore")
    yield (
        "SELECT t.table_name, COUNT(*) FROM tap_schema.tables AS t JOIN "
        "tap_schema.columns AS c ON c.table_name = t.table_name GROUP BY t.table_name"
    )
    yield 'SELECT column_name, datatype, "size", unit, ucd FROM tap_schema.columns'
    yield "SELECT * FROM tap_schema.keys NATURAL JOIN tap_schema.key_columns"
    # Binning: a grouped expression holding a constant (PostgreSQL matches the GROUP BY
    # expression to the select list's only if both hold the same parameter).
    yield "SELECT ROUND(s_ra, 1) AS ra_bin, COUNT(*) FROM ivoa.ObsCore GROUP BY ROUND(s_ra, 1)"
    yield "SELECT calib_level * 2, COUNT(*) FROM ivoa.ObsCore GROUP BY calib_level * 2"
    yield "SELECT COALESCE(t_xel, -1), COUNT(*) FROM ivoa.ObsCore GROUP BY COALESCE(t_xel, -1)"
    yield (
        "SELECT lsst_band || '/' || dataproduct_subtype AS k, COUNT(*) FROM ivoa.ObsCore "
        "GROUP BY lsst_band || '/' || dataproduct_subtype"
    )
    yield "SELECT DISTINCT ROUND(s_dec, 0) FROM ivoa.ObsCore ORDER BY ROUND(s_dec, 0)"
    # Issue 15's classes: joins without ON, names the databases reserve, integer division,
    # multiset operations, STC-S regions, DALI casts, negated polygon overlaps.
    yield (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS v JOIN ivoa.ObsCore AS r WHERE "
        "v.obs_id = r.obs_id AND v.calib_level = 2 AND r.calib_level = 1"
    )
    yield "SELECT TOP 10 obs_id AS nothing, lsst_band AS window FROM ivoa.ObsCore ORDER BY 1, 2"
    yield "SELECT lsst_detector / 4, -lsst_visit / 7, COUNT(*) FROM ivoa.ObsCore GROUP BY 1, 2"
    yield (
        "SELECT lsst_band, calib_level FROM ivoa.ObsCore WHERE calib_level = 1 EXCEPT ALL "
        "SELECT lsst_band, calib_level - 1 FROM ivoa.ObsCore WHERE calib_level = 2"
    )
    yield (
        "SELECT lsst_band FROM ivoa.ObsCore WHERE calib_level = 2 INTERSECT ALL "
        "SELECT lsst_band FROM ivoa.ObsCore WHERE calib_level = 3"
    )
    yield (
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE INTERSECTS(s_region, "
        "REGION('Union ICRS (Box 53 -28 0.5 0.5 Polygon 95 -25 95.5 -25 95.5 -24.6)')) = 1"
    )
    yield (
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE "
        "CONTAINS(POINT(s_ra, s_dec), CAST('59.1 -48.73 0.3' AS CIRCLE)) = 1"
    )
    yield "SELECT COUNT(*) FROM ivoa.ObsCore WHERE INTERSECTS(s_region, BOX(95, -25, 1, 1)) = 0"
    for pattern in ("CC_O_2024110%", "%_0001__", "lsst_cells_v1-5063-%", "%R22_S11%"):
        yield f"SELECT COUNT(*) FROM ivoa.ObsCore WHERE obs_id LIKE '{pattern}'"
        yield f"SELECT COUNT(*) FROM ivoa.ObsCore WHERE obs_title ILIKE '{pattern.lower()}'"


QUERIES = [*_cones(), *_filters(), *_functions(), *_structure()]


@pytest.fixture(scope="module")
def engines(demo_urls: dict[str, str]) -> Iterator[dict[str, sa.Engine]]:
    made = {backend: create_sync_engine(url) for backend, url in demo_urls.items()}
    yield made
    for engine in made.values():
        engine.dispose()


def _normalise(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if abs(value) < 1e6 else float(f"{value:.9g}")
    if hasattr(value, "__float__") and not isinstance(value, (int, bool)):
        return _normalise(float(value))
    return value


def _run(engine: sa.Engine, query: str) -> list[tuple[Any, ...]]:
    schema = archive_schema(engine)
    with engine.connect() as conn:
        catalog = load_catalog(conn, schema)
        _bound, statement = compile_query(
            query, catalog, translation_context(schema, "https://e.org")
        )
        return [tuple(_normalise(v) for v in row) for row in conn.execute(statement)]


def test_enough_queries() -> None:
    assert len(QUERIES) >= 200


@pytest.mark.parametrize("query", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
def test_same_answer_on_both_backends(engines: dict[str, sa.Engine], query: str) -> None:
    sqlite_rows = _run(engines["sqlite"], query)
    pg_rows = _run(engines["postgresql"], query)
    if "ORDER BY" not in query:
        sqlite_rows, pg_rows = sorted(sqlite_rows, key=repr), sorted(pg_rows, key=repr)
    assert len(sqlite_rows) == len(pg_rows)
    # An empty answer agrees with anything: every query must find rows (the cases are
    # chosen so), or this test would not be comparing the backends at all.
    assert sqlite_rows, f"no rows: {query}"
    for a, b in zip(sqlite_rows, pg_rows, strict=True):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) or isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-5, abs=1e-6), (query, a, b)
            else:
                assert x == y, (query, a, b)
