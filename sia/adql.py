"""SIA queries as ADQL over ``ivoa.ObsCore``, so that SIA and TAP share one compiler:
the same geometry, the same spatial indexes, the same SQL on each backend.

A NULL in a constrained column never matches (SQL comparisons with NULL are not true);
an unbounded side of an interval still requires the column to be set. POS RANGE, which
ADQL lacks, becomes polygons: edges along a meridian are great circles already, and edges
along a parallel are followed by vertices at most one degree apart (the great-circle
chord between them strays from the parallel by under 0.1 arcsecond).
"""

from __future__ import annotations

import itertools
import math

from sia.parameters import Kind
from sia.query import Constraint, SiaQuery, Value
from sia.values import Circle, Interval, Polygon, Range, Shape

__all__ = ["range_polygons", "to_adql", "where_clause"]

TABLE = "ivoa.ObsCore"
_STEP = 1.0
"""Largest gap (degrees of longitude) between vertices along a parallel."""
_PIECE = 90.0
"""Widest polygon (degrees of longitude) a RANGE is cut into."""


def number(value: float) -> str:
    """An ADQL numeric literal for a finite float (repr: round-trips exactly)."""
    return repr(float(value)).upper()


def string(value: str) -> str:
    """An ADQL character literal."""
    return "'" + value.replace("'", "''") + "'"


def _polygon(vertices: list[tuple[float, float]]) -> str:
    coordinates = ", ".join(f"{number(ra)}, {number(dec)}" for ra, dec in vertices)
    return f"POLYGON('ICRS', {coordinates})"


def _parallel(start: float, end: float, lat: float) -> list[tuple[float, float]]:
    steps = max(1, math.ceil(abs(end - start) / _STEP))
    return [(start + (end - start) * i / steps, lat) for i in range(steps + 1)]


def _piece(west: float, east: float, south: float, north: float) -> list[tuple[float, float]]:
    """A polygon of [west, east] x [south, north], west < east, at most 90 degrees wide."""
    vertices = [(west, -90.0)] if south == -90 else _parallel(west, east, south)
    if north - south > 90:  # a meridian edge of 180 degrees would be ambiguous
        vertices.append((east, (south + north) / 2))
    if north == 90:
        vertices.append((east, 90.0))
    else:
        vertices += _parallel(east, west, north)
    if north - south > 90:
        vertices.append((west, (south + north) / 2))
    return [(ra % 360.0, dec) for ra, dec in vertices]


def range_polygons(shape: Range) -> list[list[tuple[float, float]]] | None:
    """The polygons whose union is the RANGE; None when it is the whole sky."""
    if shape.lon1 is None or shape.lon2 is None:
        west, width = 0.0, 360.0
    else:
        west = shape.lon1
        width = (shape.lon2 - shape.lon1) % 360.0 or 360.0
    if width == 360.0 and shape.lat1 == -90 and shape.lat2 == 90:
        return None
    pieces = max(1, math.ceil(width / _PIECE))
    edges = [west + width * i / pieces for i in range(pieces + 1)]
    return [_piece(a, b, shape.lat1, shape.lat2) for a, b in itertools.pairwise(edges)]


def _shape(column: str, shape: Shape) -> str:
    if isinstance(shape, Circle):
        circle = f"CIRCLE('ICRS', {number(shape.ra)}, {number(shape.dec)}, {number(shape.radius)})"
        return f"INTERSECTS({column}, {circle}) = 1"
    if isinstance(shape, Polygon):
        return f"INTERSECTS({column}, {_polygon(list(shape.vertices))}) = 1"
    polygons = range_polygons(shape)
    if polygons is None:
        return f"{column} IS NOT NULL"
    return " OR ".join(f"INTERSECTS({column}, {_polygon(p)}) = 1" for p in polygons)


def _at_least(column: str, bound: float) -> str:
    return f"{column} IS NOT NULL" if bound == -math.inf else f"{column} >= {number(bound)}"


def _at_most(column: str, bound: float) -> str:
    return f"{column} IS NOT NULL" if bound == math.inf else f"{column} <= {number(bound)}"


def _condition(kind: Kind, columns: tuple[str, ...], value: Value) -> str:
    if kind is Kind.SHAPE:
        assert isinstance(value, Circle | Range | Polygon)
        return _shape(columns[0], value)
    if kind is Kind.OVERLAP:
        assert isinstance(value, Interval)
        low_column, high_column = columns
        return f"{_at_most(low_column, value.high)} AND {_at_least(high_column, value.low)}"
    if kind is Kind.INTERVAL:
        assert isinstance(value, Interval)
        column = columns[0]
        return f"{_at_least(column, value.low)} AND {_at_most(column, value.high)}"
    if kind is Kind.POLARIZATION:
        return f"{columns[0]} LIKE {string(f'%/{value}/%')}"
    raise AssertionError(f"no single-value condition for {kind}")


def _constraint(constraint: Constraint) -> str:
    spec = constraint.parameter
    column = spec.columns[0]
    values = list(dict.fromkeys(constraint.values))  # repeated values change nothing
    if spec.kind is Kind.EXACT:
        return f"{column} IN ({', '.join(string(str(v)) for v in values)})"
    if spec.kind is Kind.CASELESS:
        return f"LOWER({column}) IN ({', '.join(string(str(v).lower()) for v in values)})"
    if spec.kind is Kind.INTEGER:
        return f"{column} IN ({', '.join(str(v) for v in values)})"
    return " OR ".join(f"({_condition(spec.kind, spec.columns, v)})" for v in values)


def where_clause(query: SiaQuery) -> str | None:
    """The ADQL search condition of the query (None: no constraint)."""
    if not query.constraints:
        return None
    return " AND ".join(f"({_constraint(c)})" for c in query.constraints)


def to_adql(query: SiaQuery, select: str = "*") -> str:
    """The whole ADQL query over ``ivoa.ObsCore``."""
    where = where_clause(query)
    text = f"SELECT {select} FROM {TABLE}"
    return text if where is None else f"{text} WHERE {where}"
