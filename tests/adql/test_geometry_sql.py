"""The SQL of geometry constants on PostgreSQL: a polygon given by numbers becomes one
spoly constant (evaluated once), negative coordinates included, not text built per row."""

from __future__ import annotations

import math
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from adql.dialects.geometry import Geometry


def _sql(expression: sa.ColumnElement[object]) -> str:
    compiled = expression.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def test_a_polygon_of_numbers_is_one_constant_negative_coordinates_included() -> None:
    vertices = [(sa.literal(120), -sa.literal(90)), (sa.literal(130), -sa.literal(44.5))]
    vertices.append((sa.literal(125.25), sa.literal(0)))
    sql = _sql(Geometry("postgresql").polygon(vertices))
    assert "concat" not in sql
    assert "'{(120.0d,-90.0d),(130.0d,-44.5d),(125.25d,0.0d)}'" in sql


def test_a_polygon_with_a_column_is_built_from_its_parts() -> None:
    column = sa.column("s_dec", sa.Float)
    sql = _sql(Geometry("postgresql").polygon([(sa.literal(1), column), (sa.literal(2), -column)]))
    assert "concat(" in sql
    assert "s_dec" in sql


def test_a_box_of_numbers_is_one_constant_with_the_corners_sql_would_give() -> None:
    numbers = (95.0, -25.0, 1.0, 1.0)
    sql = _sql(Geometry("postgresql").box(*(sa.literal(v) for v in numbers)))
    assert "concat" not in sql
    # The corners in the tangent plane, computed independently: x = +-0.5 degree,
    # y = +-0.5 degree from (95, -25).
    d0 = math.radians(-25.0)
    corners = [
        (float(ra), float(dec)) for ra, dec in re.findall(r"\(([-0-9.e]+)d,([-0-9.e]+)d\)", sql)
    ]
    assert len(corners) == 4
    for (ra, dec), (sx, sy) in zip(corners, ((-1, -1), (1, -1), (1, 1), (-1, 1)), strict=True):
        x, y = math.radians(0.5) * sx, math.radians(0.5) * sy
        expected_ra = 95.0 + math.degrees(math.atan2(x, math.cos(d0) - y * math.sin(d0)))
        expected_dec = math.degrees(
            math.asin((math.sin(d0) + y * math.cos(d0)) / math.sqrt(1 + x * x + y * y))
        )
        assert ra == pytest.approx(expected_ra, abs=1e-9)
        assert dec == pytest.approx(expected_dec, abs=1e-9)
