"""SIA queries as ADQL syntax trees over ``ivoa.ObsCore``, so that SIA and TAP share one
compiler (:func:`adql.compile_tree`): the same geometry, the same spatial indexes, the
same SQL on each backend, and no ADQL text to parse or to keep within ADQL's limits.

Values of one parameter are ORed, parameters ANDed. A NULL in a constrained column never
matches (SQL comparisons with NULL are not true); an unbounded side of an interval still
requires the column to be set. ID is compared with ``LOWER``.

POS RANGE, which ADQL lacks: over all longitudes it is a band of latitudes, tested
exactly against two caps around the poles. Otherwise the rows are found by a UNION ALL of
searches, each using an index (:func:`_range_rows`): footprints whose centre lies in the
RANGE and in the footprint, and footprints meeting a thin strip along one of the RANGE's
edges (:func:`sia.ranges.edge_strips`). Only footprints near an edge are compared with
polygons in full, so a RANGE costs in proportion to the rows it finds and to its edges,
not to its area. Values and searches are combined as balanced trees, so the tree stays
shallow however many.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

from adql import ast
from adql.format import format_expression, format_query
from sia.parameters import Kind
from sia.query import Constraint, SiaQuery, Value
from sia.ranges import bounding_cap, edge_strips, range_polygons
from sia.values import Circle, Interval, Polygon, Range, Shape

__all__ = ["range_polygons", "to_adql", "to_query_tree", "where_clause"]

TABLE = ("ivoa", "ObsCore")

_UNSIGNED_INT = re.compile(r"[0-9]+")

# ---- nodes ----------------------------------------------------------------------------


def _column(name: str) -> ast.ColumnRef:
    return ast.ColumnRef((ast.Identifier(name),))


def _literal(text: str) -> ast.Expression:
    """The numeric literal ``text`` as the parser reads it: a sign before an unsigned
    number, an integer if it has only digits."""
    if text.startswith("-"):
        return ast.Sign("-", _literal(text[1:]))
    if _UNSIGNED_INT.fullmatch(text):
        return ast.Number(int(text), text)
    return ast.Number(float(text), text)


def _number(value: float) -> ast.Expression:
    """A finite float, exactly (repr round-trips)."""
    return _literal(repr(float(value)).upper())


def _vertex(value: float) -> ast.Expression:
    # Ten significant digits (under a milliarcsecond): generated vertices, not user values.
    return _literal(format(value, ".10g").upper())


def _call(name: str, *args: ast.Expression) -> ast.FunctionCall:
    return ast.FunctionCall(ast.Identifier(name), args)


def _is(call: ast.FunctionCall, truth: int) -> ast.Comparison:
    """``call = 1`` or ``call = 0``: the form the translator turns into an indexed test."""
    return ast.Comparison("=", call, ast.Number(truth, str(truth)))


def _circle(ra: float, dec: float, radius: float) -> ast.FunctionCall:
    return _call("CIRCLE", ast.String("ICRS"), _number(ra), _number(dec), _number(radius))


def _polygon(vertices: Sequence[tuple[float, float]]) -> ast.FunctionCall:
    coordinates = [_vertex(v) for vertex in vertices for v in vertex]
    return _call("POLYGON", ast.String("ICRS"), *coordinates)


def _intersects(column: str, shape: ast.FunctionCall) -> ast.Comparison:
    return _is(_call("INTERSECTS", _column(column), shape), 1)


def _all(conditions: Sequence[ast.Expression]) -> ast.Expression:
    """The conditions ANDed, left to right."""
    return functools.reduce(ast.And, conditions)


def _any(conditions: Sequence[ast.Expression]) -> ast.Expression:
    """The conditions ORed as a balanced tree (shallow nesting however many)."""
    if len(conditions) == 1:
        return conditions[0]
    middle = len(conditions) // 2
    return ast.Or(_any(conditions[:middle]), _any(conditions[middle:]))


# ---- POS ------------------------------------------------------------------------------


def _cap(column: str, pole: float, radius: float, touching: bool) -> ast.Comparison:
    """The footprint reaches into (``touching``) or is not wholly inside the cap of
    ``radius`` degrees around the pole at latitude ``pole`` (radii stay at most 90
    degrees, as pgSphere's circles must)."""
    circle = _circle(0.0, pole, radius)
    if touching:
        return _intersects(column, circle)
    return _is(_call("CONTAINS", _column(column), circle), 0)


def _band(column: str, south: float, north: float) -> ast.Expression:
    """A footprint meets the band of latitudes [south, north] (all longitudes) when it
    reaches north of ``south`` and south of ``north`` (footprints are connected): two
    tests against caps around the poles, exact and cheap."""
    caps: list[ast.Expression] = []
    if south > -90:  # not wholly south of the band
        caps.append(
            _cap(column, 90.0, 90.0 - south, True)
            if south >= 0
            else _cap(column, -90.0, 90.0 + south, False)
        )
    if north < 90:  # not wholly north of it
        caps.append(
            _cap(column, -90.0, 90.0 + north, True)
            if north <= 0
            else _cap(column, 90.0, 90.0 - north, False)
        )
    return _all(caps) if caps else ast.IsNull(_column(column), negated=True)


def _shape(column: str, shape: Shape) -> ast.Expression:
    if isinstance(shape, Circle):
        return _intersects(column, _circle(shape.ra, shape.dec, shape.radius))
    if isinstance(shape, Polygon):
        return _intersects(column, _polygon(shape.vertices))
    if shape.lon1 is None or shape.lon2 is None or (shape.lon2 - shape.lon1) % 360.0 == 0:
        return _band(column, shape.lat1, shape.lat2)
    return _range_rows(column, shape)


def _range_rows(column: str, shape: Range) -> ast.Expression:
    """``obs_publisher_did IN (...)``, a UNION ALL of searches each using an index:

    * footprints whose centre lies in the RANGE (a search of the centres): in if the
      centre lies in the footprint (cheap and exact); else (a footprint that does not hold
      its centre, rare) tested against the polygons covering the RANGE;
    * footprints whose centre lies outside, meeting a strip along one of the RANGE's
      edges (:func:`sia.ranges.edge_strips`): each strip searched in the spatial index.

    A footprint meets the RANGE if it crosses an edge, lies inside, or holds the RANGE
    (then it also crosses the edges' strips); one lying inside whose centre lies outside
    the RANGE is not found: its centre is outside its own footprint too. Every footprint
    is tested in full against only the few pieces near it, however large the RANGE.
    """
    pieces = _any([_guarded(column, p) for p in range_polygons(shape) or []])
    point = _call("POINT", ast.String("ICRS"), _column("s_ra"), _column("s_dec"))
    holds_centre = _is(_call("CONTAINS", point, _column(column)), 1)
    # Each search has nodes of its own: the binder tells columns apart by their node.
    searches = [_all([_centre_in_range(shape), ast.Or(holds_centre, pieces)])]
    searches += [
        _all([ast.Not(_centre_in_range(shape)), _intersects(column, _polygon(strip))])
        for strip in edge_strips(shape)
    ]
    return ast.InSubquery(_column(_ROW_KEY), ast.Query(_union_all(searches)))


_ROW_KEY = "obs_publisher_did"
"""The unique, indexed column by which the RANGE's searches name their rows."""


def _union_all(conditions: Sequence[ast.Expression]) -> ast.QueryBody:
    """The rows' keys meeting any of the conditions, as a balanced UNION ALL (shallow
    however many; the IN removes duplicates)."""
    if len(conditions) == 1:
        table = ast.TableName(tuple(ast.Identifier(part) for part in TABLE))
        key = ast.DerivedColumn(_column(_ROW_KEY))
        return ast.Select((key,), (table,), where=conditions[0])
    middle = len(conditions) // 2
    right = _union_all(conditions[middle:])
    if isinstance(right, ast.SetOperation):
        right = ast.Query(right)  # parenthesised, as the parser reads it back
    return ast.SetOperation("UNION", _union_all(conditions[:middle]), right, all=True)


def _centre_in_range(shape: Range) -> ast.Expression:
    assert shape.lon1 is not None
    assert shape.lon2 is not None
    west, east = _number(shape.lon1), _number(shape.lon2)
    longitude: ast.Expression
    if shape.lon1 <= shape.lon2:
        longitude = ast.Between(_column("s_ra"), west, east)
    else:  # across RA 0
        longitude = ast.Or(
            ast.Comparison(">=", _column("s_ra"), west),
            ast.Comparison("<=", _column("s_ra"), east),
        )
    latitude = ast.Between(_column("s_dec"), _number(shape.lat1), _number(shape.lat2))
    return ast.And(longitude, latitude)


def _guarded(column: str, vertices: list[tuple[float, float]]) -> ast.Expression:
    polygon = _intersects(column, _polygon(vertices))
    cap = bounding_cap(vertices)
    if cap is None:
        return polygon
    return ast.And(_intersects(column, _circle(*cap)), polygon)


# ---- other parameters -------------------------------------------------------------------


def _at_least(column: str, bound: float) -> ast.Expression:
    if bound == -math.inf:
        return ast.IsNull(_column(column), negated=True)
    return ast.Comparison(">=", _column(column), _number(bound))


def _at_most(column: str, bound: float) -> ast.Expression:
    if bound == math.inf:
        return ast.IsNull(_column(column), negated=True)
    return ast.Comparison("<=", _column(column), _number(bound))


def _condition(kind: Kind, columns: tuple[str, ...], value: Value) -> ast.Expression:
    if kind is Kind.SHAPE:
        assert isinstance(value, Circle | Range | Polygon)
        return _shape(columns[0], value)
    if kind is Kind.OVERLAP:
        assert isinstance(value, Interval)
        low_column, high_column = columns
        return ast.And(_at_most(low_column, value.high), _at_least(high_column, value.low))
    if kind is Kind.INTERVAL:
        assert isinstance(value, Interval)
        column = columns[0]
        return ast.And(_at_least(column, value.low), _at_most(column, value.high))
    if kind is Kind.POLARIZATION:
        return ast.Like(_column(columns[0]), ast.String(f"%/{value}/%"))
    raise AssertionError(f"no single-value condition for {kind}")


def _constraint(constraint: Constraint) -> ast.Expression:
    spec = constraint.parameter
    column = _column(spec.columns[0])
    values = list(dict.fromkeys(constraint.values))  # repeated values change nothing
    if spec.kind is Kind.EXACT:
        return ast.InList(column, tuple(ast.String(str(v)) for v in values))
    if spec.kind is Kind.CASELESS:
        lowered = tuple(ast.String(str(v).lower()) for v in values)
        return ast.InList(_call("LOWER", column), lowered)
    if spec.kind is Kind.INTEGER:
        return ast.InList(column, tuple(_literal(str(v)) for v in values))
    return _any([_condition(spec.kind, spec.columns, v) for v in values])


# ---- the query ----------------------------------------------------------------------------


IMAGE_TYPES = ("image", "cube")
"""The data product types SIA 2.0 searches (sect. 1: "image and cube" data); an archive's
spectra, time series or visibilities are for other protocols."""


def _where(query: SiaQuery) -> ast.Expression:
    images = ast.InList(_column("dataproduct_type"), tuple(ast.String(t) for t in IMAGE_TYPES))
    return _all([*(_constraint(c) for c in query.constraints), images])


def to_query_tree(query: SiaQuery) -> ast.Query:
    """The ADQL query over ``ivoa.ObsCore``, as a tree for :func:`adql.compile_tree`.

    Parameters
    ----------
    query
        The request's constraints; none selects every image and cube.
    """
    table = ast.TableName(tuple(ast.Identifier(part) for part in TABLE))
    return ast.Query(ast.Select(ast.SelectAll(), (table,), where=_where(query)))


def where_clause(query: SiaQuery) -> str:
    """The ADQL search condition of the query."""
    return format_expression(_where(query))


def to_adql(query: SiaQuery) -> str:
    """The ADQL text of :func:`to_query_tree` (for the result's QUERY INFO: a RANGE may
    make it longer than a TAP service accepts)."""
    return format_query(to_query_tree(query))
