"""Declared ADQL features are supported: a query using each form runs on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adql import compile_query
from adql.functions import FUNCTIONS
from app.storage.adql import translation_context
from app.storage.database import archive_schema
from app.vosi import features
from app.vosi.features import language_features
from obscore.catalog import load_catalog

OBSCORE = "ivoa.ObsCore"
CONE = "CIRCLE('ICRS', 53.13, -28.1, 0.5)"
IN_CONE = f"CONTAINS(POINT('ICRS', s_ra, s_dec), {CONE}) = 1"

PROBES: dict[tuple[str, str], list[str]] = {
    (features.GEOMETRY, "POINT"): [f"SELECT obs_id FROM {OBSCORE} WHERE {IN_CONE}"],
    (features.GEOMETRY, "CIRCLE"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE CONTAINS(POINT(s_ra, s_dec), "
        "CIRCLE(POINT(53.13, -28.1), 0.5)) = 1"
    ],
    (features.GEOMETRY, "BOX"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE "
        "CONTAINS(POINT(s_ra, s_dec), BOX('ICRS', 53.13, -28.1, 1, 1)) = 1"
    ],
    (features.GEOMETRY, "POLYGON"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE INTERSECTS(s_region, "
        "POLYGON('ICRS', 53.0, -28.0, 53.0, -28.2, 53.3, -28.2, 53.3, -28.0)) = 1"
    ],
    (features.GEOMETRY, "CONTAINS"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE CONTAINS(POINT(53.076, -28.11), s_region) = 1",
        f"SELECT CONTAINS(POINT(s_ra, s_dec), {CONE}) FROM {OBSCORE} WHERE {IN_CONE}",
    ],
    (features.GEOMETRY, "INTERSECTS"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE INTERSECTS({CONE}, s_region) = 1"
    ],
    (features.GEOMETRY, "DISTANCE"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE DISTANCE(s_ra, s_dec, 53.13, -28.1) < 0.5",
        f"SELECT DISTANCE(POINT(s_ra, s_dec), POINT(53.13, -28.1)) FROM {OBSCORE} WHERE {IN_CONE}",
    ],
    (features.GEOMETRY, "AREA"): [f"SELECT AREA(s_region) FROM {OBSCORE} WHERE {IN_CONE}"],
    (features.GEOMETRY, "REGION"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE "
        "INTERSECTS(s_region, REGION('Circle ICRS 53.13 -28.1 0.05')) = 1"
    ],
    (features.GEOMETRY, "CENTROID"): [
        f"SELECT CENTROID(s_region) FROM {OBSCORE} WHERE {IN_CONE}",
        f"SELECT CENTROID({CONE}) FROM {OBSCORE} WHERE {IN_CONE}",
    ],
    (features.GEOMETRY, "COORD1"): [
        f"SELECT COORD1(POINT(s_ra, s_dec)) FROM {OBSCORE} WHERE {IN_CONE}"
    ],
    (features.GEOMETRY, "COORD2"): [
        f"SELECT COORD2(CENTROID(s_region)) FROM {OBSCORE} WHERE {IN_CONE}"
    ],
    (features.GEOMETRY, "COORDSYS"): [f"SELECT COORDSYS(s_region) FROM {OBSCORE}"],
    (features.STRING, "LOWER"): [f"SELECT obs_id FROM {OBSCORE} WHERE LOWER(lsst_band) = 'r'"],
    (features.STRING, "UPPER"): [f"SELECT UPPER(target_name) FROM {OBSCORE}"],
    (features.STRING, "ILIKE"): [f"SELECT obs_id FROM {OBSCORE} WHERE target_name ILIKE 'ecdfs'"],
    (features.SETS, "UNION"): [
        f"SELECT obs_id FROM {OBSCORE} WHERE lsst_band = 'u' "
        f"UNION SELECT obs_id FROM {OBSCORE} WHERE lsst_band = 'y'"
    ],
    (features.SETS, "EXCEPT"): [
        f"SELECT dataproduct_subtype FROM {OBSCORE} "
        f"EXCEPT SELECT dataproduct_subtype FROM {OBSCORE} WHERE calib_level = 3"
    ],
    (features.SETS, "INTERSECT"): [
        f"SELECT lsst_visit FROM {OBSCORE} WHERE lsst_band = 'r' "
        f"INTERSECT SELECT lsst_visit FROM {OBSCORE} WHERE lsst_detector = 4"
    ],
    (features.COMMON_TABLE, "WITH"): [
        f"WITH r AS (SELECT obs_id, t_min FROM {OBSCORE} WHERE lsst_band = 'r') "
        "SELECT obs_id FROM r WHERE t_min > 60620"
    ],
    (features.TYPE, "CAST"): [
        f"SELECT CAST(lsst_visit AS VARCHAR(20)), CAST(calib_level AS DOUBLE PRECISION) "
        f"FROM {OBSCORE}"
    ],
    (features.CONDITIONAL, "COALESCE"): [f"SELECT COALESCE(lsst_tract, -1) FROM {OBSCORE}"],
    (features.UNIT, "IN_UNIT"): [f"SELECT IN_UNIT(em_min, 'nm') FROM {OBSCORE}"],
    (features.OFFSET, "OFFSET"): [f"SELECT obs_id FROM {OBSCORE} ORDER BY obs_id OFFSET 10"],
}
"""At least one query per declared (feature type, form), using that form."""

DECLARED = [(g.type, form) for g in language_features() for form in g.forms]
CASES = [(key, query) for key in DECLARED for query in PROBES.get(key, [])]


def test_every_declared_form_has_a_probe() -> None:
    assert set(PROBES) == set(DECLARED)
    assert len(DECLARED) == len(set(DECLARED))


def test_feature_types_are_the_adql_ones() -> None:
    known = {
        features.GEOMETRY,
        features.STRING,
        features.SETS,
        features.COMMON_TABLE,
        features.TYPE,
        features.CONDITIONAL,
        features.UNIT,
        features.OFFSET,
    }
    types = [g.type for g in language_features()]
    assert set(types) <= known
    assert len({t.lower() for t in types}) == len(types)
    assert all(t.lower().startswith("ivo://ivoa.net/std/tapregext#features-") for t in types)


def test_function_forms_come_from_the_function_table() -> None:
    syntax = {"ILIKE", "UNION", "EXCEPT", "INTERSECT", "WITH", "CAST", "OFFSET"}
    for feature_type, form in DECLARED:
        if form in syntax:
            continue
        spec = FUNCTIONS[form]
        assert spec.feature is not None
        assert spec.feature.lower() == feature_type.lower()
    geometry = next(g for g in language_features() if g.type == features.GEOMETRY)
    assert set(geometry.forms) <= set(FUNCTIONS)


def test_every_optional_function_is_declared() -> None:
    declared = {form for _type, form in DECLARED}
    left_out = {n for n, s in FUNCTIONS.items() if s.feature is not None} - declared
    assert left_out == set()


@pytest.mark.parametrize(
    ("key", "query"), CASES, ids=[f"{k[1]}-{i}" for i, (k, _) in enumerate(CASES)]
)
def test_declared_form_runs(demo_engine: sa.Engine, key: tuple[str, str], query: str) -> None:
    assert key[1] in query.upper()
    schema = archive_schema(demo_engine)
    with demo_engine.connect() as conn:
        catalog = load_catalog(conn, schema)
        _bound, statement = compile_query(
            query, catalog, translation_context(schema, "https://e.org"), row_limit=5
        )
        rows = conn.execute(statement).all()
    assert rows, query
