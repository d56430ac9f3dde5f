"""The test's own spherical geometry, independent of the service: which demo footprints
a circle or polygon overlaps, exactly, through the gnomonic projection (which turns great
circles into straight lines)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["Bools", "Floats", "circle_hits", "polygon_hits"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def _tangent(ra0: float, dec0: float, ra: Floats, dec: Floats) -> tuple[Floats, Floats, Floats]:
    """Gnomonic (x, y) around (ra0, dec0), and the cosine of the distance to it."""
    a0, d0 = math.radians(ra0), math.radians(dec0)
    a, d = np.radians(ra), np.radians(dec)
    cos_c = math.sin(d0) * np.sin(d) + math.cos(d0) * np.cos(d) * np.cos(a - a0)
    x = np.cos(d) * np.sin(a - a0) / cos_c
    y = (math.cos(d0) * np.sin(d) - math.sin(d0) * np.cos(d) * np.cos(a - a0)) / cos_c
    return x, y, cos_c


def _inside(points: Floats, polygon: Floats) -> Bools:
    """Even-odd test of points (..., 2) against polygons (..., m, 2), broadcast."""
    p = points[..., None, :]
    c = polygon
    d = np.roll(polygon, -1, axis=-2)
    straddles = (c[..., 1] > p[..., 1]) != (d[..., 1] > p[..., 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = (d[..., 0] - c[..., 0]) * (p[..., 1] - c[..., 1]) / (d[..., 1] - c[..., 1]) + c[
            ..., 0
        ]
    hits = straddles & (p[..., 0] < x_cross)
    result: Bools = hits.sum(axis=-1) % 2 == 1
    return result


def _cross(o: Floats, a: Floats, b: Floats) -> Floats:
    result: Floats = (a[..., 0] - o[..., 0]) * (b[..., 1] - o[..., 1]) - (a[..., 1] - o[..., 1]) * (
        b[..., 0] - o[..., 0]
    )
    return result


def _projected(footprints: Floats, ra0: float, dec0: float) -> tuple[Floats, Bools]:
    """Footprints projected around (ra0, dec0); and which are near enough to project."""
    x, y, cos_c = _tangent(ra0, dec0, footprints[..., 0], footprints[..., 1])
    near: Bools = np.asarray((cos_c > math.cos(math.radians(20))).all(axis=-1))
    planar: Floats = np.stack([x, y], axis=-1)
    return planar, near


def circle_hits(footprints: Floats, ra: float, dec: float, radius: float) -> Bools:
    """Footprints overlapping the circle: exact (the cap is a disc around its centre)."""
    planar, near = _projected(footprints, ra, dec)
    a = planar
    b = np.roll(planar, -1, axis=-2)
    edge = b - a
    t = np.clip(-(a * edge).sum(-1) / (edge * edge).sum(-1), 0.0, 1.0)
    closest = np.linalg.norm(a + t[..., None] * edge, axis=-1).min(axis=-1)
    centre_inside = _inside(np.zeros((len(planar), 2)), planar)
    result: Bools = near & ((closest <= math.tan(math.radians(radius))) | centre_inside)
    return result


def polygon_hits(footprints: Floats, vertices: Sequence[tuple[float, float]]) -> Bools:
    """Footprints overlapping the (possibly concave) polygon: exact, in the tangent plane."""
    ra0 = float(np.mean([v[0] for v in vertices]))
    dec0 = float(np.mean([v[1] for v in vertices]))
    planar, near = _projected(footprints, ra0, dec0)
    qx, qy, _ = _tangent(ra0, dec0, *np.array(vertices, dtype=np.float64).T)
    query: Floats = np.stack([qx, qy], axis=-1)
    # Edges crossing: footprint edges (n, 4, 1) against query edges (1, m).
    a = planar[:, :, None, :]
    b = np.roll(planar, -1, axis=1)[:, :, None, :]
    c = query[None, None, :, :]
    d = np.roll(query, -1, axis=0)[None, None, :, :]
    crossing = (_cross(a, b, c) * _cross(a, b, d) <= 0) & (_cross(c, d, a) * _cross(c, d, b) <= 0)
    edges = crossing.any(axis=(1, 2))
    corners_in_query = _inside(planar, query).any(axis=-1)
    query_in_corners = _inside(query[None, :, :], planar[:, None, :, :]).any(axis=-1)
    result: Bools = near & (edges | corners_in_query | query_in_corners)
    return result
