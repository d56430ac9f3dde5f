"""ADQL end to end on both backends: parse, bind against TAP_SCHEMA, translate, run."""

from __future__ import annotations

import _sqlite3
import ctypes
import math
from collections import Counter
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlalchemy as sa

from adql.binder import bind
from adql.dialects.keywords import BACKEND_KEYWORDS, POSTGRESQL_KEYWORDS, SQLITE_KEYWORDS
from adql.errors import AdqlError, AdqlSemanticError
from adql.parser import parse
from adql.reserved import RESERVED_WORDS
from adql.translate import translate
from app.storage.adql import translation_context
from app.storage.archive import fill_archive
from app.storage.database import archive_schema
from obscore.catalog import load_catalog
from obscore.explain import query_plan
from obscore.spatial import cone_search
from obscore.sphere import angular_distance, polygon_contains, radec_to_xyz
from obscore.stcs import parse_polygon

BASE = "https://archive.example.org"


class Runner:
    """Runs ADQL against one of the demo databases."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.schema = archive_schema(engine)
        self.context = translation_context(self.schema, BASE)
        with engine.connect() as conn:
            self.catalog = load_catalog(conn, self.schema)

    def statement(self, adql: str, row_limit: int | None = None) -> Any:
        return translate(bind(parse(adql), self.catalog), self.context, row_limit)

    def rows(self, adql: str, row_limit: int | None = None) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(self.statement(adql, row_limit))]

    def plan(self, adql: str) -> str:
        with self.engine.connect() as conn:
            return "\n".join(query_plan(conn, self.statement(adql)))


@pytest.fixture(scope="module")
def run(demo_engine: sa.Engine) -> Runner:
    return Runner(demo_engine)


ORACLE_POINT = (
    "SELECT dataproduct_subtype, COUNT(*) FROM ivoa.ObsCore "
    "WHERE CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1 "
    "GROUP BY dataproduct_subtype"
)


def test_point_in_footprint_matches_both_backends_and_dp1(run: Runner) -> None:
    counts = dict(run.rows(ORACLE_POINT))
    # DP1: 2 overlapping patches -> 12 deep and 12 template coadds (dp1_facts.md sect. 8).
    assert counts["lsst.deep_coadd"] == 12
    assert counts["lsst.template_coadd"] == 12
    assert counts["lsst.visit_image"] == counts["lsst.difference_image"]
    assert counts["lsst.raw"] >= counts["lsst.visit_image"] > 600


def test_point_in_footprint_uses_the_spatial_index(run: Runner) -> None:
    plan = run.plan(ORACLE_POINT)
    if run.schema.backend == "postgresql":
        assert "obscore_s_bound_idx" in plan, plan
    else:
        assert "SCAN obscore_rtree VIRTUAL TABLE INDEX" in plan, plan


@pytest.mark.parametrize(
    "form",
    [
        "CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 53.13, -28.1, 0.4)) = 1",
        "1 = CONTAINS(POINT(s_ra, s_dec), CIRCLE(POINT(53.13, -28.1), 0.4))",
        "INTERSECTS(CIRCLE(53.13, -28.1, 0.4), POINT(s_ra, s_dec)) = 1",
        "DISTANCE(POINT(s_ra, s_dec), POINT(53.13, -28.1)) <= 0.4",
        "DISTANCE(s_ra, s_dec, 53.13, -28.1) <= 0.4",
    ],
)
def test_cone_forms_agree_with_the_index_search(run: Runner, form: str) -> None:
    found = {r[0] for r in run.rows(f"SELECT obs_publisher_did FROM ivoa.ObsCore WHERE {form}")}
    t = run.schema.obscore.c
    with run.engine.connect() as conn:
        expected = set(
            conn.execute(
                cone_search(run.schema, 53.13, -28.1, 0.4, [t.obs_publisher_did])
            ).scalars()
        )
    assert found == expected
    assert len(found) > 1000


def test_cone_query_uses_the_point_index(run: Runner) -> None:
    plan = run.plan(
        "SELECT obs_id FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec),"
        " CIRCLE('ICRS', 53.13, -28.1, 0.1)) = 1"
    )
    expected = (
        "obscore_s_point_idx"
        if run.schema.backend == "postgresql"
        else "SCAN obscore_rtree VIRTUAL TABLE INDEX"
    )
    assert expected in plan, plan


def test_region_overlap_agrees_between_region_and_polygon_forms(run: Runner) -> None:
    by_circle = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 2 AND "
        "INTERSECTS(s_region, CIRCLE(53.076, -28.11, 0.05)) = 1"
    )[0][0]
    # DP1's production SIA gives 1656 for this cone (dp1_facts.md sect. 8); ours is close.
    assert 1300 <= by_circle <= 1900
    outside = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE "
        "INTERSECTS(s_region, POLYGON(200, 10, 201, 10, 201, 11)) = 1"
    )[0][0]
    assert outside == 0
    not_contained = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 2 AND "
        "CONTAINS(POINT(53.076, -28.11), s_region) = 0 AND lsst_band = 'r'"
    )[0][0]
    everything = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 2 AND lsst_band = 'r'"
    )[0][0]
    inside = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 2 AND "
        "CONTAINS(POINT(53.076, -28.11), s_region) = 1 AND lsst_band = 'r'"
    )[0][0]
    assert inside + not_contained == everything


def test_math_functions_follow_adql_on_both_backends(run: Runner) -> None:
    row = run.rows(
        "SELECT ROUND(2.345, 2), ROUND(2.5), TRUNCATE(-2.345, 1), LOG(EXP(1)), LOG10(1000), "
        "MOD(7, 3), POWER(2, 10), SQRT(16), DEGREES(PI()), RADIANS(180), ABS(-3), "
        "CEILING(1.2), FLOOR(-1.2), ATAN2(1, 1), COT(PI() / 4), SIN(0), COS(0), "
        "MOD(7.5, 2), MOD(-7.5, 2), COALESCE(4) "
        "FROM tap_schema.schemas WHERE schema_name = 'ivoa'"
    )[0]
    expected = [
        2.35,
        3,
        -2.3,
        1.0,
        3.0,
        1,
        1024,
        4,
        180.0,
        math.pi,
        3,
        2,
        -2,
        math.pi / 4,
        1.0,
        0.0,
        1.0,
        1.5,
        -1.5,
        4,
    ]
    assert [float(v) for v in row] == pytest.approx(expected)
    levels = sorted({r[0] for r in run.rows("SELECT calib_level FROM ivoa.ObsCore")})
    distinct = run.rows(
        "SELECT AVG(DISTINCT calib_level), SUM(DISTINCT calib_level) FROM ivoa.ObsCore"
    )
    assert distinct == [(pytest.approx(sum(levels) / len(levels)), sum(levels))]


def test_integer_division_truncates_as_sql_does(run: Runner, demo_tables: list[pa.Table]) -> None:
    row = run.rows(
        "SELECT 7 / 2, -7 / 2, 7 / -2, 1 / 3 * 3, 7.0 / 2, 7 / 2.0, "
        "CAST(7 AS SMALLINT) / CAST(2 AS SMALLINT), 7 / CAST(2 AS REAL) "
        "FROM tap_schema.schemas WHERE schema_name = 'ivoa'"
    )[0]
    assert [type(v) for v in row[:4]] == [int] * 4
    assert list(row) == [3, -3, -3, 0, 3.5, 3.5, 3, 3.5]
    # Precedence and parentheses are kept: (7+1)/2, 7/(1+1), 2*7/2, 7/2*2, -(7/2), ...
    row = run.rows(
        "SELECT (7 + 1) / 2, 7 / (1 + 1), 2 * 7 / 2, 7 / 2 * 2, -(7 / 2), 100 / 7 / 2, "
        "100 / (7 / 2), 1 / (calib_level - calib_level + 1) "
        "FROM ivoa.ObsCore WHERE calib_level = 3 AND obs_id LIKE '%'"
    )[0]
    assert list(row) == [4, 3, 7, 6, -3, 7, 33, 1]
    # Over columns, against Python's own arithmetic (truncating toward zero, as SQL does).
    rows = run.rows(
        "SELECT lsst_detector, lsst_detector / 4, -lsst_detector / 4, lsst_visit / 1000 "
        "FROM ivoa.ObsCore WHERE calib_level = 2"
    )
    visits = pa.concat_tables(demo_tables).filter(pc.field("calib_level") == 2)
    expected = sorted(
        (d, int(Fraction(d, 4)), int(Fraction(-d, 4)), int(Fraction(v, 1000)))
        for d, v in zip(
            visits["lsst_detector"].to_pylist(), visits["lsst_visit"].to_pylist(), strict=True
        )
    )
    assert sorted(rows) == expected
    bound = bind(parse("SELECT 7 / 2, 7 / 2.0 FROM tap_schema.schemas"), run.catalog)
    assert [c.type.datatype for c in bound.columns] == ["long", "double"]


def test_geometry_values(run: Runner) -> None:
    row = run.rows(
        "SELECT DISTANCE(POINT(0, 0), POINT(1, 0)), AREA(CIRCLE(0, 0, 1)), "
        "AREA(POLYGON(10, 0, 11, 0, 11, 1, 10, 1)), COORD1(POINT(12, 34)), "
        "COORD2(CENTROID(CIRCLE(12, 34, 1))), AREA(BOX(10, 0, 1, 1)) "
        "FROM tap_schema.schemas WHERE schema_name = 'ivoa'"
    )[0]
    assert row == pytest.approx(
        [
            1.0,
            math.pi * (180 / math.pi) ** 2 * (1 - math.cos(math.radians(1))) * 2,
            0.99985,
            12.0,
            34.0,
            0.99992,
        ],
        rel=1e-3,
    )


def test_like_is_case_sensitive_and_ilike_is_not(run: Runner) -> None:
    sensitive = run.rows("SELECT COUNT(*) FROM ivoa.ObsCore WHERE obs_id LIKE 'cc_o_%'")[0][0]
    insensitive = run.rows("SELECT COUNT(*) FROM ivoa.ObsCore WHERE obs_id ILIKE 'cc_o_%'")[0][0]
    assert sensitive == 0
    assert insensitive > 30000
    # No escape character in ADQL: a backslash is an ordinary character.
    assert run.rows("SELECT COUNT(*) FROM ivoa.ObsCore WHERE obs_id LIKE '\\%'")[0][0] == 0


def test_joins_ctes_subqueries_and_set_operations(run: Runner) -> None:
    rows = run.rows(
        "WITH coadds AS (SELECT lsst_tract, lsst_patch, lsst_band FROM ivoa.ObsCore "
        "WHERE dataproduct_subtype = 'lsst.deep_coadd') "
        "SELECT COUNT(*) FROM coadds AS d JOIN ivoa.ObsCore AS t "
        "ON t.lsst_tract = d.lsst_tract AND t.lsst_patch = d.lsst_patch "
        "AND t.lsst_band = d.lsst_band WHERE t.dataproduct_subtype = 'lsst.template_coadd'"
    )
    both = rows[0][0]
    intersect = run.rows(
        "SELECT COUNT(*) FROM (SELECT lsst_tract, lsst_patch, lsst_band FROM ivoa.ObsCore "
        "WHERE dataproduct_subtype = 'lsst.deep_coadd' INTERSECT SELECT lsst_tract, "
        "lsst_patch, lsst_band FROM ivoa.ObsCore WHERE dataproduct_subtype = "
        "'lsst.template_coadd') AS common"
    )[0][0]
    assert both == intersect > 2000
    union = run.rows(
        "SELECT COUNT(*) FROM (SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 1"
        " UNION SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 2) AS u"
    )[0][0]
    raws = run.rows("SELECT COUNT(DISTINCT obs_id) FROM ivoa.ObsCore WHERE calib_level = 1")
    assert union == raws[0][0]  # every visit's obs_id is also a raw's
    subquery = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 1 AND obs_id NOT IN "
        "(SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 2)"
    )[0][0]
    assert subquery == 6 * 9  # the six raw-only exposures
    exists = run.rows(
        "SELECT COUNT(*) FROM ivoa.ObsCore AS r WHERE r.calib_level = 1 AND NOT EXISTS "
        "(SELECT 1 FROM ivoa.ObsCore AS v WHERE v.calib_level = 2 AND v.obs_id = r.obs_id)"
    )
    assert exists[0][0] == subquery


def test_a_join_without_on_or_using_pairs_every_row(
    run: Runner, demo_tables: list[pa.Table]
) -> None:
    # DP1 tutorial 102_6 writes its crossmatch as "... JOIN TAP_UPLOAD.t AS t WHERE ...".
    query = (
        "SELECT COUNT(*) FROM ivoa.ObsCore AS v JOIN ivoa.ObsCore AS r "
        "WHERE v.obs_id = r.obs_id AND v.calib_level = 2 AND r.calib_level = 1"
    )
    raws: Counter[str] = Counter()
    visits: Counter[str] = Counter()
    for table in demo_tables:
        for obs_id, level in zip(
            table["obs_id"].to_pylist(), table["calib_level"].to_pylist(), strict=True
        ):
            {1: raws, 2: visits}.get(level, Counter())[obs_id] += 1
    assert run.rows(query) == [(sum(raws[k] * n for k, n in visits.items()),)]
    schemas = run.rows("SELECT COUNT(*) FROM tap_schema.schemas")[0][0]
    for kind in ("", "INNER ", "LEFT ", "LEFT OUTER ", "RIGHT ", "FULL "):
        pairs = run.rows(
            f"SELECT COUNT(*) FROM tap_schema.schemas AS a {kind}JOIN tap_schema.schemas AS b"
        )
        assert pairs == [(schemas * schemas,)], kind


def test_names_the_databases_reserve_are_quoted(run: Runner) -> None:
    # Every word that SQLite or PostgreSQL reserves and ADQL does not, as a column alias,
    # table alias, derived table, CTE and derived column, on each backend.
    words = sorted(w for w in BACKEND_KEYWORDS if w.upper() not in RESERVED_WORDS)
    assert {"nothing", "window", "glob", "limit", "returning"} <= set(words)
    failed = {}
    for w in words:
        query = (
            f"WITH {w} AS (SELECT schema_name AS {w} FROM tap_schema.schemas AS {w}) "
            f"SELECT x.{w} AS {w} FROM (SELECT {w}.{w} FROM {w}) AS x "
            f"JOIN tap_schema.schemas AS {w}_ ON {w}_.schema_name = x.{w} "
            f"WHERE x.{w} = 'ivoa' ORDER BY {w}"
        )
        try:
            rows = run.rows(query)
        except sa.exc.DBAPIError as error:
            failed[w] = str(error.orig)
        else:
            assert rows == [("ivoa",)], w
    assert not failed


def test_backend_keyword_lists_match_the_databases_in_use(run: Runner) -> None:
    if run.schema.backend == "postgresql":
        with run.engine.connect() as conn:
            live = set(
                conn.scalars(sa.text("SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'"))
            )
        assert live <= POSTGRESQL_KEYWORDS
    else:
        library = ctypes.CDLL(_sqlite3.__file__)
        live = set()
        for i in range(library.sqlite3_keyword_count()):
            name, size = ctypes.c_char_p(), ctypes.c_int()
            library.sqlite3_keyword_name(i, ctypes.byref(name), ctypes.byref(size))
            assert name.value is not None
            live.add(name.value[: size.value].decode().lower())
        assert live <= SQLITE_KEYWORDS
    assert len(live) > 100


def test_top_offset_order_and_row_limit(run: Runner) -> None:
    ids = [
        r[0]
        for r in run.rows(
            "SELECT obs_id FROM ivoa.ObsCore WHERE calib_level = 1 ORDER BY obs_id, lsst_detector"
        )
    ]
    assert [
        r[0]
        for r in run.rows(
            "SELECT TOP 5 obs_id FROM ivoa.ObsCore WHERE calib_level = 1 "
            "ORDER BY obs_id, lsst_detector OFFSET 10"
        )
    ] == ids[10:15]
    assert len(run.rows("SELECT TOP 50 obs_id FROM ivoa.ObsCore", row_limit=11)) == 11
    assert len(run.rows("SELECT TOP 5 obs_id FROM ivoa.ObsCore", row_limit=11)) == 5
    by_alias = run.rows(
        "SELECT lsst_band AS b, COUNT(*) AS n FROM ivoa.ObsCore GROUP BY b ORDER BY n DESC, 1"
    )
    assert by_alias[0][1] >= by_alias[-1][1]


def test_access_url_is_published_and_star_expands_in_order(run: Runner) -> None:
    rows = run.rows("SELECT TOP 1 * FROM ivoa.ObsCore WHERE calib_level = 3")
    bound = bind(parse("SELECT * FROM ivoa.ObsCore"), run.catalog)
    names = [c.name for c in bound.columns]
    assert len(rows[0]) == len(names) == 38
    assert rows[0][names.index("access_url")].startswith(BASE + "/api/datalink/links?ID=")


def test_tap_schema_is_queryable(run: Runner) -> None:
    rows = run.rows(
        'SELECT column_name, "size", principal FROM tap_schema.columns '
        "WHERE table_name = 'ivoa.ObsCore' ORDER BY column_index"
    )
    assert len(rows) == 38
    assert rows[0][0] == "obs_collection"


@pytest.mark.parametrize(
    ("adql", "message"),
    [
        ("SELECT s_ras FROM ivoa.ObsCore", "no column 's_ras'; did you mean 's_ra'?"),
        ("SELECT s_ra FROM ivoa.ObsCor", "no table 'ivoa.ObsCor'; did you mean 'ivoa.ObsCore'?"),
        ("SELECT x.s_ra FROM ivoa.ObsCore AS o", "no table called 'x' in FROM"),
        ("SELECT s_ra FROM ivoa.ObsCore a, ivoa.ObsCore b", "column 's_ra' is ambiguous"),
        ("SELECT SIN(s_region) FROM ivoa.ObsCore", "argument 1 of SIN must be a number"),
        ("SELECT FOO(s_ra) FROM ivoa.ObsCore", "unknown function FOO"),
        ("SELECT POINT(1) FROM ivoa.ObsCore", "POINT takes 2 arguments, not 1"),
        ("SELECT obs_id FROM ivoa.ObsCore WHERE COUNT(*) > 1", "cannot be used in WHERE"),
        (
            "SELECT obs_id FROM ivoa.ObsCore UNION SELECT obs_id, s_ra FROM ivoa.ObsCore",
            "same number of columns",
        ),
        ("SELECT CAST(s_ra AS BOOLEAN) FROM ivoa.ObsCore", "cannot CAST to BOOLEAN"),
        (
            "SELECT obs_id FROM ivoa.ObsCore WHERE POINT(1, 2) = POINT(1, 2)",
            "geometries cannot be compared",
        ),
        ("SELECT obscore_id FROM ivoa.ObsCore", "no column 'obscore_id'"),
        ("SELECT * FROM obscura.uws_job", "no table 'obscura.uws_job'"),
        (
            "SELECT obs_id FROM ivoa.ObsCore WHERE s_dec > 'south'",
            "'>' compares a number with a string",
        ),
        (
            "SELECT obs_id FROM ivoa.ObsCore WHERE '2' = calib_level",
            "'=' compares a number with a string",
        ),
    ],
)
def test_semantic_errors_name_the_problem(run: Runner, adql: str, message: str) -> None:
    with pytest.raises(AdqlError) as caught:
        run.statement(adql)
    assert isinstance(caught.value, AdqlSemanticError)
    assert message in str(caught.value)
    assert caught.value.span is not None


def test_cone_results_are_exact(run: Runner) -> None:
    rows = run.rows(
        "SELECT s_ra, s_dec FROM ivoa.ObsCore WHERE "
        "CONTAINS(POINT(s_ra, s_dec), CIRCLE(95, -25, 0.3)) = 1"
    )
    distances = angular_distance(
        np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), 95, -25
    )
    assert len(rows) > 100
    assert distances.max() <= 0.3


@pytest.mark.parametrize(
    "query",
    [
        "SELECT obs_id FROM ivoa.ObsCore "
        "WHERE DISTANCE(POINT(s_ra, s_dec), POINT(53.13, -28.1)) < 0.1",
        "SELECT obs_id FROM ivoa.ObsCore WHERE 0.1 > DISTANCE(53.13, -28.1, s_ra, s_dec)",
        "SELECT obs_id FROM ivoa.ObsCore WHERE INTERSECTS(s_region, CIRCLE(53.13, -28.1, 0.1)) = 1",
        "SELECT obs_id FROM ivoa.ObsCore WHERE INTERSECTS(s_region, "
        "POLYGON(53, -28.2, 53.2, -28.2, 53.2, -28, 53, -28)) = 1",
    ],
)
def test_distance_and_region_queries_use_the_spatial_index(run: Runner, query: str) -> None:
    plan = run.plan(query)
    if run.schema.backend == "postgresql":
        assert "obscore_s_point_idx" in plan or "obscore_s_bound_idx" in plan, plan
    else:
        assert "SCAN obscore_rtree VIRTUAL TABLE INDEX" in plan, plan
    assert len(run.rows(query)) > 100


def test_except_all_and_intersect_all_are_multiset_operations(run: Runner) -> None:
    # SQLite has neither; the translation numbers each row's copies to emulate them.
    raws = Counter(run.rows("SELECT obs_id, lsst_band FROM ivoa.ObsCore WHERE calib_level = 1"))
    visits = Counter(run.rows("SELECT obs_id, lsst_band FROM ivoa.ObsCore WHERE calib_level = 2"))
    assert raws - visits
    assert raws & visits
    for op, expected in (("EXCEPT ALL", raws - visits), ("INTERSECT ALL", raws & visits)):
        query = (
            f"SELECT obs_id, lsst_band FROM ivoa.ObsCore WHERE calib_level = 1 {op} "
            "SELECT obs_id, lsst_band FROM ivoa.ObsCore WHERE calib_level = 2"
        )
        assert Counter(run.rows(query)) == expected, op
        ordered = run.rows(f"{query} ORDER BY 1 DESC, 2 OFFSET 3")
        by_band = sorted(expected.elements(), key=lambda r: r[1])
        assert ordered == sorted(by_band, key=lambda r: r[0], reverse=True)[3:]
        nested = run.rows(f"SELECT COUNT(*) FROM ({query}) AS x WHERE x.lsst_band = 'r'")
        assert nested == [(sum(n for (_, band), n in expected.items() if band == "r"),)]


def test_in_unit_converts_with_the_column_unit(run: Runner) -> None:
    rows = run.rows(
        "SELECT TOP 3 em_min, IN_UNIT(em_min, 'nm'), IN_UNIT(t_exptime, 'min') "
        "FROM ivoa.ObsCore WHERE calib_level = 2 ORDER BY obs_publisher_did"
    )
    for em_min, nm, minutes in rows:
        assert nm == pytest.approx(em_min * 1e9)
        assert minutes == pytest.approx(0.5)
    for query, message in (
        ("SELECT IN_UNIT(em_min, 'kg') FROM ivoa.ObsCore", "cannot convert m to kg"),
        ("SELECT IN_UNIT(em_min, 'furlongs') FROM ivoa.ObsCore", "is not a VOUnit"),
        ("SELECT IN_UNIT(calib_level, 'm') FROM ivoa.ObsCore", "needs a value with a unit"),
    ):
        with pytest.raises(AdqlSemanticError, match=message):
            run.statement(query)


def test_centroid_of_polygons_and_footprints(run: Runner) -> None:
    row = run.rows(
        "SELECT COORD1(CENTROID(POLYGON(10, 0, 12, 0, 12, 2, 10, 2))), "
        "COORD2(CENTROID(POLYGON(10, 0, 12, 0, 12, 2, 10, 2))) "
        "FROM tap_schema.schemas WHERE schema_name = 'ivoa'"
    )[0]
    assert row == pytest.approx((11.0, 1.0), abs=1e-3)
    rows = run.rows(
        "SELECT TOP 20 s_ra, s_dec, COORD1(CENTROID(s_region)), "
        "COORD2(CENTROID(s_region)) FROM ivoa.ObsCore WHERE calib_level = 2 "
        "ORDER BY obs_publisher_did"
    )
    assert len(rows) == 20
    for s_ra, s_dec, ra, dec in rows:
        # A detector's vertex mean is the centre of its bounding circle.
        assert angular_distance(s_ra, s_dec, ra, dec) < 1e-5


def _within(ra: np.ndarray, dec: np.ndarray, centre: tuple[float, float], radius: float) -> Any:
    """The test's own haversine: which positions lie within ``radius`` degrees."""
    a1, d1, a2, d2 = map(np.radians, (ra, dec, centre[0], centre[1]))
    h = np.sin((d2 - d1) / 2) ** 2 + np.cos(d1) * np.cos(d2) * np.sin((a2 - a1) / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(h))) < radius


def test_region_stcs_and_geometry_casts_select_what_their_shapes_hold(
    run: Runner, demo_tables: list[pa.Table]
) -> None:
    table = pa.concat_tables(demo_tables).filter(pc.field("calib_level") == 2)
    ra, dec = table["s_ra"].to_numpy(), table["s_dec"].to_numpy()
    near_ecdfs = _within(ra, dec, (53.0, -28.0), 0.2)
    near_second = _within(ra, dec, (95.0, -25.0), 0.3)
    assert near_ecdfs.sum() > 100
    assert near_second.sum() > 100
    point = "CONTAINS(POINT(s_ra, s_dec), {}) = 1"
    count = "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 2 AND ({})"
    for shape in (
        "REGION('Circle ICRS 53 -28 0.2')",
        "REGION('circle icrs geocenter 53.0 -28.0 0.2')",
        "CAST('53 -28 0.2' AS CIRCLE)",
        "CIRCLE(CAST('53 -28' AS POINT), 0.2)",
    ):
        assert run.rows(count.format(point.format(shape))) == [(near_ecdfs.sum(),)], shape
    union = "REGION('Union ICRS (Circle 53 -28 0.2 Circle 95 -25 0.3)')"
    either = (near_ecdfs | near_second).sum()
    assert run.rows(count.format(point.format(union))) == [(either,)]
    outside = f"CONTAINS(POINT(s_ra, s_dec), {union}) = 0"
    assert run.rows(count.format(outside)) == [(len(table) - either,)]
    # Box and polygon regions give what their constructors give.
    for region, constructor in (
        ("REGION('Box ICRS 53 -28 0.5 0.4')", "BOX(53, -28, 0.5, 0.4)"),
        (
            "REGION('Polygon 53 -28 53.3 -28 53.3 -27.8')",
            "POLYGON(53, -28, 53.3, -28, 53.3, -27.8)",
        ),
        (
            "CAST('53 -28 53.3 -28 53.3 -27.8' AS POLYGON)",
            "POLYGON(53, -28, 53.3, -28, 53.3, -27.8)",
        ),
        ("REGION('Position ICRS 53.2 -28.1')", "POINT(53.2, -28.1)"),
    ):
        overlap = "INTERSECTS(s_region, {}) = 1"
        expected = run.rows(count.format(overlap.format(constructor)))[0][0]
        assert expected > 0
        assert run.rows(count.format(overlap.format(region))) == [(expected,)], region


@pytest.mark.parametrize(
    ("adql", "message"),
    [
        ("REGION('Circle GALACTIC 1 2 3')", "frame GALACTIC is not supported"),
        ("REGION('Circle 1 2')", "Circle takes 3 numbers, not 2"),
        ("REGION('Polygon 1 2 3 4')", "three or more pairs"),
        ("REGION('Ellipse 1 2 3 4 5')", "unknown region 'ELLIPSE'"),
        ("REGION('Union (Circle 1 2 3)')", "two or more regions"),
        ("REGION('Union (Circle 1 2 3 Circle 4 5 6')", "not closed"),
        ("REGION('Circle 1 2 3 x')", "unexpected 'x' after the region"),
        ("CAST('1 2 3' AS POINT)", "a DALI point is 2 numbers"),
        ("CAST('1 2 nan' AS CIRCLE)", "'nan' is not a number"),
        ("CAST('1 2 1e999' AS CIRCLE)", "finite"),
        ("CAST(obs_id AS POLYGON)", "takes a string constant in DALI form"),
        ("REGION('Union (Circle 1 2 3 Circle 4 5 6)')", "only be used in CONTAINS"),
    ],
)
def test_geometry_strings_that_are_wrong_say_why(run: Runner, adql: str, message: str) -> None:
    with pytest.raises(AdqlSemanticError, match=message):
        run.statement(f"SELECT {adql} FROM ivoa.ObsCore")


def test_negated_spatial_conditions_are_the_complement(run: Runner) -> None:
    # pgSphere 1.2's "!&&" for two polygons computes "&&": NOT must not reach it.
    coadds = "FROM ivoa.ObsCore WHERE dataproduct_subtype = 'lsst.deep_coadd'"
    total = run.rows(f"SELECT COUNT(*) {coadds}")[0][0]
    count = f"SELECT COUNT(*) {coadds} AND ({{}})"
    box = "INTERSECTS(s_region, BOX(95, -25, 1, 1))"
    circle = "INTERSECTS(s_region, CIRCLE(53, -28, 0.2))"
    inside = run.rows(count.format(f"{box} = 1"))[0][0]
    either = run.rows(count.format(f"{box} = 1 OR {circle} = 1"))[0][0]
    assert 0 < inside < either < total
    assert run.rows(count.format(f"{box} = 0")) == [(total - inside,)]
    assert run.rows(count.format(f"{box} <> 1")) == [(total - inside,)]
    assert run.rows(count.format(f"NOT {box} = 1")) == [(total - inside,)]
    assert run.rows(count.format(f"NOT ({box} = 1 OR {circle} = 1)")) == [(total - either,)]


CROSSMATCHES = [
    "DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) < 0.00027",
    "DISTANCE(POINT(b.s_ra, b.s_dec), POINT(a.s_ra, a.s_dec)) <= 0.00027",
    "CONTAINS(POINT(a.s_ra, a.s_dec), CIRCLE(b.s_ra, b.s_dec, 0.00027)) = 1",
    "CONTAINS(POINT('ICRS', b.s_ra, b.s_dec), CIRCLE('ICRS', POINT(a.s_ra, a.s_dec), 0.00027)) = 1",
]


@pytest.mark.parametrize("condition", CROSSMATCHES)
def test_crossmatches_are_index_driven_and_exact(
    run: Runner, demo_tables: list[pa.Table], condition: str
) -> None:
    query = (
        "SELECT a.obs_publisher_did, b.obs_publisher_did FROM ivoa.ObsCore AS a "
        f"JOIN ivoa.ObsCore AS b ON {condition} "
        "WHERE a.dataproduct_subtype = 'lsst.deep_coadd' AND b.calib_level = 3"
    )
    plan = run.plan(query)
    if run.schema.backend == "postgresql":
        assert "Index Scan using obscore_s_point_idx" in plan, plan
    else:
        assert "USING COVERING INDEX obscore_s_dec_idx (s_dec>? AND s_dec<?)" in plan or (
            "USING INDEX obscore_s_dec_idx (s_dec>? AND s_dec<?)" in plan
        ), plan
    table = pa.concat_tables(demo_tables)
    deep = table.filter(pc.field("dataproduct_subtype") == "lsst.deep_coadd")
    coadds = table.filter(pc.field("calib_level") == 3)
    expected = set()
    ra, dec = coadds["s_ra"].to_numpy(), coadds["s_dec"].to_numpy()
    dids = coadds["obs_publisher_did"].to_numpy(zero_copy_only=False)
    for did, r, d in zip(
        deep["obs_publisher_did"].to_pylist(),
        deep["s_ra"].to_pylist(),
        deep["s_dec"].to_pylist(),
        strict=True,
    ):
        near = _within(ra, dec, (r, d), 0.00027 * (1 + 1e-9))
        expected.update((did, other) for other in dids[near])
    assert len(expected) > len(deep)  # each coadd matches itself and its template twin
    assert set(run.rows(query)) == expected


def test_footprint_joins_are_index_driven(run: Runner) -> None:
    for condition in (
        "INTERSECTS(a.s_region, b.s_region) = 1",
        "CONTAINS(POINT(b.s_ra, b.s_dec), a.s_region) = 1",
        "INTERSECTS(CIRCLE(b.s_ra, b.s_dec, 0.01), a.s_region) = 1",
    ):
        query = (
            "SELECT COUNT(*) FROM ivoa.ObsCore AS a JOIN ivoa.ObsCore AS b "
            f"ON {condition} WHERE b.lsst_visit = 2024110900035 AND b.lsst_detector = 4"
        )
        plan = run.plan(query)
        if run.schema.backend == "postgresql":
            assert "Index Cond: (s_bound && " in plan or "s_bound @> " in plan, (condition, plan)
        else:
            assert "obscore_rtree VIRTUAL TABLE INDEX" in plan, (condition, plan)
        count = run.rows(query)[0][0]
        assert count > 1, condition


def test_a_rows_own_shapes_are_no_crossmatch(run: Runner) -> None:
    # The centre in its own footprint (SIA's RANGE writes this): no index search per row.
    query = (
        "SELECT COUNT(*) FROM ivoa.ObsCore WHERE calib_level = 3 AND "
        "CONTAINS(POINT(s_ra, s_dec), s_region) = 1 AND "
        "CONTAINS(POINT(s_ra, s_dec), CIRCLE(s_ra, s_dec + 0.01, 0.1)) = 1"
    )
    assert "CORRELATED" not in run.plan(query)
    assert run.rows(query)[0][0] > 1000


_FROM = "SELECT obs_publisher_did FROM ivoa.ObsCore WHERE "
FOOTPRINT_SEARCHES = [
    _FROM + "CONTAINS(POINT(53.076, -28.11), s_region) = 1",
    _FROM + "INTERSECTS(s_region, CIRCLE(53.1, -28.1, 0.2)) = 1",
    _FROM + "INTERSECTS(POLYGON(53, -28.2, 53.2, -28.2, 53.2, -28, 53, -28), s_region) = 1",
    _FROM + "CONTAINS(s_region, CIRCLE(53.1, -28.1, 2)) = 1",
    _FROM + "INTERSECTS(s_region, CIRCLE(53.1, -28.1, 0.2)) = 0",
    "SELECT a.obs_publisher_did, b.obs_publisher_did FROM ivoa.ObsCore AS a "
    "JOIN ivoa.ObsCore AS b ON INTERSECTS(a.s_region, b.s_region) = 1 "
    "WHERE b.obs_id = '{obs_id}' AND b.lsst_detector = 4",
]


def test_footprints_without_a_bounding_circle_are_still_found(
    empty_engine: sa.Engine, demo_tables: list[pa.Table]
) -> None:
    """PostgreSQL searches footprints through their bounding circles (``s_bound``); a row
    without one (written by other means than the loader) is tested in every search, so it
    is found all the same, by the same queries."""
    visits = demo_tables[0]
    near = pc.less(pc.abs(pc.subtract(visits["s_ra"], 53.1)), 1.5)
    rows = visits.filter(near).slice(0, 600)
    assert rows.num_rows == 600
    fill_archive(empty_engine, [rows], replace=True, progress=False)
    run = Runner(empty_engine)
    searches = [q.format(obs_id=rows["obs_id"][0]) for q in FOOTPRINT_SEARCHES]
    before = [sorted(run.rows(q)) for q in searches]
    assert all(before)
    assert len(before[0]) > 10
    # CONTAINS(POINT, s_region), computed apart from the database.
    vertices = np.array([parse_polygon(r) for r in rows["s_region"].to_pylist()])
    polygons = radec_to_xyz(vertices[..., 0], vertices[..., 1])
    inside = polygon_contains(
        polygons, np.broadcast_to(radec_to_xyz(53.076, -28.11), (len(polygons), 3))
    )
    assert before[0] == sorted(
        (d,) for d in np.array(rows["obs_publisher_did"].to_pylist())[inside]
    )
    if run.schema.backend != "postgresql":
        return
    with empty_engine.begin() as conn:
        cleared = conn.exec_driver_sql(
            'UPDATE ivoa."ObsCore" SET s_bound = NULL WHERE obscore_id %% 3 = 0'
        ).rowcount
        conn.exec_driver_sql('ANALYZE ivoa."ObsCore"')
    assert cleared > 100
    assert [sorted(run.rows(q)) for q in searches] == before
    with empty_engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # 600 rows: a scan would win
        plan = "\n".join(query_plan(conn, run.statement(searches[1])))
    assert "obscore_s_bound_idx" in plan, plan
    assert "obscore_unbounded_idx" in plan, plan
