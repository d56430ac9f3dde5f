"""A POS RANGE on the sphere: the polygons that cover it, a circle around each, and the
thin strips that hold its edges (:func:`edge_strips`).

Polygons are at most 10 degrees wide. Their edges along meridians are great circles
already; along parallels they are followed by vertices one degree apart. The
great-circle chord between two such vertices bulges towards the pole (by up to 1
arcsecond); where that would cut into the box (an edge with the box on its poleward
side), the vertices are moved away from the box by exactly the bulge, so the polygons
always cover the box and reach at most about 4 arcseconds beyond it. Pieces are at most
10 x 45 degrees, so no meridian edge is ambiguous and each has a small circle around it.
"""

from __future__ import annotations

import itertools
import math

from sia.values import Range

__all__ = ["bounding_cap", "edge_strips", "range_polygons"]

_STEP = 1.0
"""Largest gap (degrees of longitude) between vertices along a parallel."""
_BAND = 45.0
"""Tallest polygon (degrees of latitude) a RANGE is cut into."""
_PIECE = 10.0
"""Widest polygon (degrees of longitude) a RANGE is cut into: narrow pieces keep each
polygon small (the spatial index narrows the rows for each, and SQLite's per-row test
costs in proportion to the vertices)."""


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


_STRIP_WIDTH = 1.0 / 3600.0
"""Degrees an edge strip reaches either side of the RANGE's edge."""
_STRIP_LENGTH = 2.0
"""Longest strip along a parallel (degrees of longitude): short strips keep each strip's
box in the spatial index small, so few footprints are tested against it in full."""
_MERIDIAN_STRIP_LENGTH = 5.0
"""Longest strip along a meridian (degrees of latitude): longer, as each strip is a branch
of the query (planned and searched once) and meridians span up to 180 degrees."""


def _spans(start: float, end: float, length: float) -> list[tuple[float, float]]:
    count = max(1, math.ceil((end - start) / length))
    return list(itertools.pairwise(start + (end - start) * i / count for i in range(count + 1)))


def edge_strips(shape: Range) -> list[list[tuple[float, float]]]:
    """Thin polygons whose union holds the edges of a RANGE of limited longitudes (its two
    meridians and the parallels that are not poles), reaching at most about 5 arcseconds
    beyond them: a footprint meets the RANGE's edges only if it meets a strip."""
    assert shape.lon1 is not None
    assert shape.lon2 is not None
    west = shape.lon1
    east = west + ((shape.lon2 - shape.lon1) % 360.0 or 360.0)
    south = max(-90.0, shape.lat1 - _STRIP_WIDTH)
    north = min(90.0, shape.lat2 + _STRIP_WIDTH)
    strips = [
        _piece(lon - _STRIP_WIDTH, lon + _STRIP_WIDTH, low, high)
        for lon in (west, east)
        for low, high in _spans(south, north, _MERIDIAN_STRIP_LENGTH)
    ]
    for lat in (shape.lat1, shape.lat2):
        if abs(lat) < 90.0:
            low, high = max(-90.0, lat - _STRIP_WIDTH), min(90.0, lat + _STRIP_WIDTH)
            strips += [_piece(a, b, low, high) for a, b in _spans(west, east, _STRIP_LENGTH)]
    return strips


def bounding_cap(vertices: list[tuple[float, float]]) -> tuple[float, float, float] | None:
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
