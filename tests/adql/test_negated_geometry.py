"""``CONTAINS``/``INTERSECTS(...) = 0`` against a literal shape: on PostgreSQL the rows the
spatial index does not find (an anti-join), with ADQL's answers on both backends: a row
whose footprint or position is NULL is neither in nor out."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest
import sqlalchemy as sa

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.adql.test_translate import Runner


def _square(ra: float, dec: float, half: float) -> str:
    corners = [(ra - half, dec - half), (ra + half, dec - half), (ra + half, dec + half)]
    corners.append((ra - half, dec + half))
    return "POLYGON ICRS " + " ".join(f"{r:.6f} {d:.6f}" for r, d in corners)


ROWS = {
    # name: s_ra, s_dec, s_region
    "west": (10.0, 0.0, _square(10.0, 0.0, 0.2)),
    "east": (20.0, 0.0, _square(20.0, 0.0, 0.2)),
    "unknown": (30.0, 0.0, None),  # no footprint
}


@pytest.fixture
def run(empty_url: str, demo_tables: list[pa.Table]) -> Iterator[Runner]:
    template = demo_tables[0].slice(0, 1).to_pylist()[0]
    rows = [
        dict(template, s_ra=ra, s_dec=dec, s_region=region, obs_publisher_did=name, obs_id=name)
        for name, (ra, dec, region) in ROWS.items()
    ]
    engine = create_sync_engine(empty_url)
    fill_archive(
        engine,
        [pa.Table.from_pylist(rows, schema=demo_tables[0].schema)],
        replace=True,
        progress=False,
    )
    yield Runner(engine)
    engine.dispose()


QUERIES = [
    ("INTERSECTS(s_region, CIRCLE(10, 0, 1)) = 0", {"east"}),
    ("INTERSECTS(CIRCLE(10, 0, 1), s_region) = 0", {"east"}),
    ("1 = INTERSECTS(s_region, CIRCLE(10, 0, 1))", {"west"}),
    ("INTERSECTS(s_region, BOX(20, 0, 1, 1)) <> 1", {"west"}),
    ("CONTAINS(POINT(20, 0), s_region) = 0", {"west"}),
    ("CONTAINS(s_region, POLYGON(5, -5, 25, -5, 25, 5, 5, 5)) = 0", set()),
    ("CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 0, 1)) = 0", {"east", "unknown"}),
    ("INTERSECTS(s_region, CIRCLE(10, 0, 1)) = 0 OR obs_id = 'unknown'", {"east", "unknown"}),
    ("NOT INTERSECTS(s_region, CIRCLE(10, 0, 1)) = 1", {"east"}),
]


@pytest.mark.parametrize(("condition", "expected"), QUERIES)
def test_negated_tests_leave_out_what_is_unknown(
    run: Runner, condition: str, expected: set[str]
) -> None:
    found = {row[0] for row in run.rows(f"SELECT obs_id FROM ivoa.ObsCore WHERE {condition}")}
    assert found == expected


def _sql(run: Runner, condition: str) -> str:
    statement = run.statement(f"SELECT obs_id FROM ivoa.ObsCore AS o WHERE {condition}")
    return str(statement.compile(run.engine))


def test_postgresql_negates_a_literal_shape_by_the_rows_the_index_finds(
    demo_engine: sa.Engine,
) -> None:
    run = Runner(demo_engine)
    if run.schema.backend != "postgresql":
        assert "NOT IN" not in _sql(run, "INTERSECTS(o.s_region, CIRCLE(10, 0, 1)) = 0")
        return
    for condition in (
        "INTERSECTS(o.s_region, CIRCLE(10, 0, 1)) = 0",
        "CONTAINS(POINT(o.s_ra, o.s_dec), BOX(20, 0, 1, 1)) = 0",
    ):
        assert "NOT IN (SELECT" in _sql(run, condition), condition
        plan = run.plan(f"SELECT obs_id FROM ivoa.ObsCore AS o WHERE {condition}")
        # The index (of the positions, or of the footprints' circles) answers the subquery.
        assert "obscore_s_point_idx" in plan or "obscore_s_bound_idx" in plan, plan
    # A shape that differs from row to row is tested on each row, as before.
    assert "NOT IN" not in _sql(run, "INTERSECTS(o.s_region, CIRCLE(o.s_ra, 0, 1)) = 0")
    with run.engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar() == "off"
