"""ADQL geometry as SQLAlchemy expressions, per backend.

PostgreSQL uses pgSphere (radians inside, degrees at the ADQL surface; areas in square
degrees); SQLite uses the ``adql_*`` functions of :mod:`adql.dialects.sqlite_functions`.
Predicates come out boolean (``<@``, ``&&``), so ``CONTAINS(...) = 1`` can use indexes.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.types import UserDefinedType
from typing_extensions import override

from adql.dialects.sqlite_functions import box_corners

__all__ = ["Geometry", "UnsupportedGeometryError"]

Expr = sa.ColumnElement[Any]
_SQ_DEGREES = (180.0 / math.pi) ** 2


_MAX_ARGUMENTS = 100
"""Most arguments passed to one SQL function: PostgreSQL allows 100, SQLite 127."""


def _concat(parts: list[Any]) -> Expr:
    """``concat`` of any number of parts, nested to stay within the argument limit."""
    while len(parts) > _MAX_ARGUMENTS:
        parts = [
            sa.func.concat(*parts[i : i + _MAX_ARGUMENTS])
            for i in range(0, len(parts), _MAX_ARGUMENTS)
        ]
    return sa.func.concat(*parts)


def _constant(expr: Any) -> float | None:
    """The number ``expr`` is, if it is a literal one (negative ones included: ``-90``
    is a negation of the literal 90)."""
    if isinstance(expr, UnaryExpression) and expr.operator is operators.neg:
        inner = _constant(expr.element)
        return None if inner is None else -inner
    value = expr.value if isinstance(expr, sa.BindParameter) else None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return float(value)
    return None


def _constant_vertices(
    coordinates: Sequence[tuple[Any, Any]],
) -> list[tuple[float, float]] | None:
    """The vertices as numbers, if every coordinate is a literal number."""
    vertices = []
    for ra, dec in coordinates:
        a, d = _constant(ra), _constant(dec)
        if a is None or d is None:
            return None
        vertices.append((a, d))
    return vertices


class UnsupportedGeometryError(NotImplementedError):
    """A geometry operation the backend cannot do."""


class _PgSphereType(UserDefinedType[Any]):
    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    @override
    def get_col_spec(self, **kw: Any) -> str:
        return self.name


class Geometry:
    """Builds geometry expressions for one backend (``postgresql`` or ``sqlite``)."""

    def __init__(self, backend: str, polygon_centroid: tuple[str, str] | None = None) -> None:
        self.pg = backend == "postgresql"
        self.polygon_centroid = polygon_centroid

    def point(self, ra: Expr, dec: Expr) -> Expr:
        """POINT(ra, dec)."""
        if self.pg:
            return sa.func.spoint(sa.func.radians(ra), sa.func.radians(dec))
        return sa.func.adql_point(ra, dec)

    def circle(self, centre: Expr, radius: Expr) -> Expr:
        """CIRCLE(centre point, radius)."""
        if self.pg:
            return sa.func.scircle(centre, sa.func.radians(radius))
        return sa.func.adql_circle(centre, radius)

    def polygon(self, coordinates: Sequence[tuple[Any, Any]]) -> Expr:
        """POLYGON through (ra, dec) vertices."""
        if self.pg:
            constants = _constant_vertices(coordinates)
            if constants is not None:
                # One constant: PostgreSQL evaluates it once, not once per row.
                text = ",".join(f"({ra!r}d,{dec!r}d)" for ra, dec in constants)
                return sa.cast(sa.literal("{" + text + "}"), _PgSphereType("spoly"))
            # pgSphere 1.2 has no constructor from values: build its text form and cast.
            parts: list[Any] = ["{"]
            for i, (ra, dec) in enumerate(coordinates):
                parts += ["," if i else "", "(", ra, "d,", dec, "d)"]
            parts.append("}")
            return sa.cast(_concat(parts), _PgSphereType("spoly"))
        coords = [c for pair in coordinates for c in pair]
        if len(coords) <= _MAX_ARGUMENTS:
            return sa.func.adql_polygon(*coords)
        # More coordinates than a function takes: a polygon of polygons (their vertices
        # in order), each piece within the limit.
        step = _MAX_ARGUMENTS - _MAX_ARGUMENTS % 2
        pieces = [sa.func.adql_polygon(*coords[i : i + step]) for i in range(0, len(coords), step)]
        return sa.func.adql_polygon(*pieces)

    def box(self, ra: Expr, dec: Expr, width: Expr, height: Expr) -> Expr:
        """BOX: corners at +-width/2, +-height/2 in the tangent plane at the centre."""
        if not self.pg:
            return sa.func.adql_box(ra, dec, width, height)
        constants = [_constant(v) for v in (ra, dec, width, height)]
        numbers = [c for c in constants if c is not None]
        if len(numbers) == 4:
            # Corners computed here: the polygon is then one constant, not text built on
            # every row.
            with contextlib.suppress(ValueError, OverflowError):
                fixed = box_corners(*numbers)
                if all(math.isfinite(v) for corner in fixed for v in corner):
                    return self.polygon([(sa.literal(a), sa.literal(d)) for a, d in fixed])
        d0 = sa.func.radians(dec)
        corners = []
        for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            x = sa.func.radians(width) * (sx / 2)
            y = sa.func.radians(height) * (sy / 2)
            denom = sa.func.cos(d0) - y * sa.func.sin(d0)
            corner_ra = ra + sa.func.degrees(sa.func.atan2(x, denom))
            corner_dec = sa.func.degrees(
                sa.func.atan2(
                    sa.func.sin(d0) + y * sa.func.cos(d0), sa.func.sqrt(x * x + denom * denom)
                )
            )
            corners.append((corner_ra, corner_dec))
        return self.polygon(corners)

    def contains(self, inner: Expr, outer: Expr) -> Expr:
        """CONTAINS(inner, outer) = 1, as a boolean."""
        if self.pg:
            return inner.op("<@", is_comparison=True)(outer)
        return sa.func.adql_contains(inner, outer) == 1

    def intersects(
        self, first: Expr, second: Expr, first_is_point: bool, second_is_point: bool
    ) -> Expr:
        """INTERSECTS(first, second) = 1, as a boolean (a point means CONTAINS)."""
        if self.pg:
            if first_is_point:
                return first.op("<@", is_comparison=True)(second)
            if second_is_point:
                return second.op("<@", is_comparison=True)(first)
            return first.op("&&", is_comparison=True)(second)
        return sa.func.adql_intersects(first, second) == 1

    def distance(self, first: Expr, second: Expr) -> Expr:
        """DISTANCE between points, in degrees."""
        if self.pg:
            return sa.func.degrees(first.op("<->")(second))
        return sa.func.adql_distance(first, second)

    def distance_between(self, ra1: Expr, dec1: Expr, ra2: Expr, dec2: Expr) -> Expr:
        """DISTANCE between two positions given as coordinates, in degrees."""
        if self.pg:
            return self.distance(self.point(ra1, dec1), self.point(ra2, dec2))
        return sa.func.adql_distance4(ra1, dec1, ra2, dec2)

    def area(self, shape: Expr) -> Expr:
        """AREA in square degrees."""
        if self.pg:
            return sa.func.area(shape) * _SQ_DEGREES
        return sa.func.adql_area(shape)

    def centroid(self, shape: Expr, kind: str) -> Expr:
        """CENTROID as a point."""
        if self.pg:
            if kind == "point":
                return shape
            if kind == "circle":
                return sa.func.center(shape)
            if self.polygon_centroid is None:
                raise UnsupportedGeometryError(
                    "CENTROID of a polygon or region is not available on this database"
                )
            schema, name = self.polygon_centroid
            return getattr(getattr(sa.func, schema), name)(shape)  # type: ignore[no-any-return]
        return sa.func.adql_centroid(shape)

    def coord(self, point: Expr, which: int) -> Expr:
        """COORD1 (longitude) or COORD2 (latitude) of a point, in degrees."""
        if self.pg:
            return sa.func.degrees(sa.func.long(point) if which == 1 else sa.func.lat(point))
        return sa.func.adql_coord1(point) if which == 1 else sa.func.adql_coord2(point)
