"""SIA queries as ADQL over ``ivoa.ObsCore``, so that SIA and TAP share one compiler:
the same geometry, the same spatial indexes, the same SQL on each backend.

A NULL in a constrained column never matches (SQL comparisons with NULL are not true);
an unbounded side of an interval still requires the column to be set.

POS RANGE, which ADQL lacks: over all longitudes it is a band of latitudes, tested
exactly against two caps around the poles. Otherwise it becomes polygons at most 10
degrees wide. Their edges along meridians are great circles already; along parallels
they are followed by vertices half a degree apart. The great-circle chord between two
such vertices bulges towards the pole (by up to 1 arcsecond); where that would cut into
the box (an edge with the box on its poleward side), the vertices are moved away from
the box by exactly the bulge, so the polygons always cover the box and reach at most
about 4 arcseconds beyond it. (Queries stay within the ADQL size and nesting limits:
pieces are at most 10 x 45 degrees, ORed as a balanced tree.)
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
_BAND = 45.0
"""Tallest polygon (degrees of latitude) a RANGE is cut into."""
_PIECE = 10.0
"""Widest polygon (degrees of longitude) a RANGE is cut into: narrow pieces keep each
polygon small (the spatial index narrows the rows for each, and SQLite's per-row test
costs in proportion to the vertices)."""


def number(value: float) -> str:
    """An ADQL numeric literal for a finite float (repr: round-trips exactly)."""
    return repr(float(value)).upper()


def string(value: str) -> str:
    """An ADQL character literal."""
    return "'" + value.replace("'", "''") + "'"


def _vertex(value: float) -> str:
    # Ten significant digits (under a milliarcsecond): generated vertices, not user values.
    return format(value, ".10g").upper()


def _polygon(vertices: list[tuple[float, float]]) -> str:
    coordinates = ", ".join(f"{_vertex(ra)}, {_vertex(dec)}" for ra, dec in vertices)
    return f"POLYGON('ICRS', {coordinates})"


def _parallel(start: float, end: float, lat: float, inside: int) -> list[tuple[float, float]]:
    """Vertices along the parallel ``lat`` from ``start`` to ``end``; ``inside`` is +1 if
    the box lies north of this edge, -1 if south."""
    steps = max(1, math.ceil(abs(end - start) / _STEP))
    if lat * inside > 0:
        # The chords bulge poleward, into the box: lower the vertices so that the chords'
        # highest point is the parallel itself (tan of a chord's top = tan(lat) / cos(half
        # the step)).
        half = math.radians(abs(end - start) / steps / 2)
        lat = math.degrees(math.atan(math.tan(math.radians(lat)) * math.cos(half)))
    return [(start + (end - start) * i / steps, lat) for i in range(steps + 1)]


def _piece(west: float, east: float, south: float, north: float) -> list[tuple[float, float]]:
    """A polygon of [west, east] x [south, north]: west < east at most 10 degrees apart,
    north - south at most 45 degrees (so no meridian edge is ambiguous and no polygon
    has both poles as vertices, which pgSphere refuses)."""
    vertices = [(west, -90.0)] if south == -90 else _parallel(west, east, south, +1)
    if north == 90:
        vertices.append((east, 90.0))
    else:
        vertices += _parallel(east, west, north, -1)
    return [(ra % 360.0, dec) for ra, dec in vertices]


def _latitude_bands(south: float, north: float) -> list[tuple[float, float]]:
    """At most 45 degrees of latitude each: small pieces, small circles around them."""
    count = max(1, math.ceil((north - south) / _BAND))
    edges = [south + (north - south) * i / count for i in range(count + 1)]
    return list(itertools.pairwise(edges))


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
    return [
        _piece(a, b, south, north)
        for a, b in itertools.pairwise(edges)
        for south, north in _latitude_bands(shape.lat1, shape.lat2)
    ]


def _cap(column: str, pole: float, radius: float, touching: bool) -> str:
    """The footprint reaches into (``touching``) or is not wholly inside the cap of
    ``radius`` degrees around the pole at latitude ``pole`` (radii stay at most 90
    degrees, as pgSphere's circles must)."""
    circle = f"CIRCLE('ICRS', 0.0, {number(pole)}, {number(radius)})"
    if touching:
        return f"INTERSECTS({column}, {circle}) = 1"
    return f"CONTAINS({column}, {circle}) = 0"


def _band(column: str, south: float, north: float) -> str:
    """A footprint meets the band of latitudes [south, north] (all longitudes) when it
    reaches north of ``south`` and south of ``north`` (footprints are connected): two
    tests against caps around the poles, exact and cheap."""
    conditions = [f"{column} IS NOT NULL"]
    if south > -90:  # not wholly south of the band
        conditions.append(
            _cap(column, 90.0, 90.0 - south, True)
            if south >= 0
            else _cap(column, -90.0, 90.0 + south, False)
        )
    if north < 90:  # not wholly north of it
        conditions.append(
            _cap(column, -90.0, 90.0 + north, True)
            if north <= 0
            else _cap(column, 90.0, 90.0 - north, False)
        )
    return " AND ".join(conditions[1:] or conditions)


def _shape(column: str, shape: Shape) -> str:
    if isinstance(shape, Circle):
        circle = f"CIRCLE('ICRS', {number(shape.ra)}, {number(shape.dec)}, {number(shape.radius)})"
        return f"INTERSECTS({column}, {circle}) = 1"
    if isinstance(shape, Polygon):
        return f"INTERSECTS({column}, {_polygon(list(shape.vertices))}) = 1"
    if shape.lon1 is None or shape.lon2 is None or (shape.lon2 - shape.lon1) % 360.0 == 0:
        return _band(column, shape.lat1, shape.lat2)
    polygons = range_polygons(shape)
    assert polygons is not None  # only the whole sky has none, and it is a band
    # The band first (cheap, indexed). Then a footprint whose centre lies in the RANGE
    # (and in the footprint) is in: a cheap, exact test settling most rows. The others
    # are tested against each piece, behind a test against the circle around it, so only
    # the pieces near a footprint are tested in full (polygon tests are the costly part).
    pieces = _any([_guarded(column, p) for p in polygons])
    centre = _centre_inside(column, shape)
    return f"{_band(column, shape.lat1, shape.lat2)} AND ({centre} OR {pieces})"


def _any(conditions: list[str]) -> str:
    """The conditions ORed as a balanced tree (shallow nesting however many)."""
    if len(conditions) == 1:
        return conditions[0]
    middle = len(conditions) // 2
    return f"({_any(conditions[:middle])} OR {_any(conditions[middle:])})"


def _centre_inside(column: str, shape: Range) -> str:
    assert shape.lon1 is not None
    assert shape.lon2 is not None
    west, east = number(shape.lon1), number(shape.lon2)
    if shape.lon1 <= shape.lon2:
        longitude = f"s_ra BETWEEN {west} AND {east}"
    else:  # across RA 0
        longitude = f"(s_ra >= {west} OR s_ra <= {east})"
    latitude = f"s_dec BETWEEN {number(shape.lat1)} AND {number(shape.lat2)}"
    inside = f"CONTAINS(POINT('ICRS', s_ra, s_dec), {column}) = 1"
    return f"({longitude} AND {latitude} AND {inside})"


def _guarded(column: str, vertices: list[tuple[float, float]]) -> str:
    polygon = f"INTERSECTS({column}, {_polygon(vertices)}) = 1"
    cap = _bounding_cap(vertices)
    if cap is None:
        return polygon
    ra, dec, radius = cap
    circle = f"CIRCLE('ICRS', {number(ra)}, {number(dec)}, {number(radius)})"
    return f"(INTERSECTS({column}, {circle}) = 1 AND {polygon})"


def _bounding_cap(vertices: list[tuple[float, float]]) -> tuple[float, float, float] | None:
    """A circle holding the polygon (a cap of under 90 degrees holds the great-circle
    edges between points inside it), or None if none that small is found."""
    xyz = [
        (
            math.cos(math.radians(d)) * math.cos(math.radians(r)),
            math.cos(math.radians(d)) * math.sin(math.radians(r)),
            math.sin(math.radians(d)),
        )
        for r, d in vertices
    ]
    x, y, z = (sum(v[i] for v in xyz) for i in range(3))
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        return None
    centre = (x / norm, y / norm, z / norm)
    radius = max(
        math.degrees(
            math.acos(max(-1.0, min(1.0, sum(c * v for c, v in zip(centre, p, strict=True)))))
        )
        for p in xyz
    )
    radius = radius * (1 + 1e-9) + 1e-9  # rounding must not shrink it
    if radius >= 89.0:
        return None
    return (
        math.degrees(math.atan2(centre[1], centre[0])) % 360.0,
        math.degrees(math.asin(centre[2])),
        radius,
    )


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
