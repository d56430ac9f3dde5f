"""Spherical geometry on numpy arrays: unit vectors, gnomonic projection, distances, boxes.

All angles are in degrees at the interface. Functions broadcast over leading axes, so a
whole batch of footprints is handled in one call.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "angular_distance",
    "bounding_circle",
    "cone_box",
    "footprint_bounds",
    "footprint_box",
    "polygon_contains",
    "radec_to_xyz",
    "sky_to_tangent",
    "tangent_to_sky",
    "xyz_to_radec",
]

Array: TypeAlias = npt.NDArray[np.float64]


def radec_to_xyz(ra: npt.ArrayLike, dec: npt.ArrayLike) -> Array:
    """Unit vectors (last axis x, y, z) for right ascensions and declinations in degrees."""
    ra_r = np.radians(np.asarray(ra, dtype=np.float64))
    dec_r = np.radians(np.asarray(dec, dtype=np.float64))
    cos_dec = np.cos(dec_r)
    return np.stack([cos_dec * np.cos(ra_r), cos_dec * np.sin(ra_r), np.sin(dec_r)], axis=-1)


def xyz_to_radec(xyz: Array) -> tuple[Array, Array]:
    """Right ascension in [0, 360) and declination in degrees for vectors (last axis x, y, z)."""
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    ra = np.degrees(np.arctan2(y, x)) % 360.0
    dec = np.degrees(np.arctan2(z, np.hypot(x, y)))
    return ra, dec


def tangent_to_sky(
    ra0: npt.ArrayLike, dec0: npt.ArrayLike, xi: npt.ArrayLike, eta: npt.ArrayLike
) -> tuple[Array, Array]:
    """Deproject gnomonic (TAN) standard coordinates around ``(ra0, dec0)``.

    ``xi`` points east (increasing RA) and ``eta`` north, both in degrees.
    """
    a0 = np.radians(np.asarray(ra0, dtype=np.float64))
    d0 = np.radians(np.asarray(dec0, dtype=np.float64))
    x = np.radians(np.asarray(xi, dtype=np.float64))
    y = np.radians(np.asarray(eta, dtype=np.float64))
    denom = np.cos(d0) - y * np.sin(d0)
    ra = a0 + np.arctan2(x, denom)
    dec = np.arctan2(np.sin(d0) + y * np.cos(d0), np.hypot(x, denom))
    return np.degrees(ra) % 360.0, np.degrees(dec)


def sky_to_tangent(
    ra0: npt.ArrayLike, dec0: npt.ArrayLike, ra: npt.ArrayLike, dec: npt.ArrayLike
) -> tuple[Array, Array]:
    """Project onto the gnomonic (TAN) plane around ``(ra0, dec0)``; inverse of
    :func:`tangent_to_sky`. Points more than 90 degrees away give meaningless values."""
    a0 = np.radians(np.asarray(ra0, dtype=np.float64))
    d0 = np.radians(np.asarray(dec0, dtype=np.float64))
    a = np.radians(np.asarray(ra, dtype=np.float64))
    d = np.radians(np.asarray(dec, dtype=np.float64))
    cos_c = np.sin(d0) * np.sin(d) + np.cos(d0) * np.cos(d) * np.cos(a - a0)
    xi = np.cos(d) * np.sin(a - a0) / cos_c
    eta = (np.cos(d0) * np.sin(d) - np.sin(d0) * np.cos(d) * np.cos(a - a0)) / cos_c
    return np.degrees(xi), np.degrees(eta)


def angular_distance(
    ra1: npt.ArrayLike, dec1: npt.ArrayLike, ra2: npt.ArrayLike, dec2: npt.ArrayLike
) -> Array:
    """Great-circle distance in degrees (haversine form, accurate at small separations)."""
    a1 = np.radians(np.asarray(ra1, dtype=np.float64))
    d1 = np.radians(np.asarray(dec1, dtype=np.float64))
    a2 = np.radians(np.asarray(ra2, dtype=np.float64))
    d2 = np.radians(np.asarray(dec2, dtype=np.float64))
    h = np.sin((d2 - d1) / 2) ** 2 + np.cos(d1) * np.cos(d2) * np.sin((a2 - a1) / 2) ** 2
    out: Array = np.degrees(2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))
    return out


def bounding_circle(ra: Array, dec: Array) -> tuple[Array, Array, Array]:
    """Centre and radius (degrees) of a circle containing each polygon's vertices.

    ``ra`` and ``dec`` have shape (..., n_vertices). The centre is the normalised mean of
    the vertex vectors; for the rectangles of detectors and patches it is the minimal circle.
    """
    xyz = radec_to_xyz(ra, dec)
    mean = xyz.sum(axis=-2)
    mean /= np.linalg.norm(mean, axis=-1, keepdims=True)
    c_ra, c_dec = xyz_to_radec(mean)
    radius = angular_distance(c_ra[..., None], c_dec[..., None], ra, dec).max(axis=-1)
    return c_ra, c_dec, radius


def cone_box(ra: float, dec: float, radius: float) -> tuple[float, ...]:
    """The 3-D box ``(xmin, xmax, ymin, ymax, zmin, zmax)`` containing a cone's cap."""
    centre = radec_to_xyz(ra, dec)
    r = math.radians(radius)
    bounds: list[float] = []
    for c in centre:
        theta = math.acos(max(-1.0, min(1.0, float(c))))
        bounds.append(math.cos(min(math.pi, theta + r)))
        bounds.append(math.cos(max(0.0, theta - r)))
    return tuple(bounds)


def polygon_contains(vertices: Array, points: Array) -> npt.NDArray[np.bool_]:
    """Whether each polygon contains each point, by the winding number on the sphere.

    ``vertices`` has shape (n, k, 3) (unit vectors, either orientation), ``points`` (n, 3).
    Valid for simple polygons smaller than a hemisphere. The winding number alone is also
    +-2 pi at the antipode of an inside point (the same loop, seen from the far side), so
    a point must also lie in the hemisphere around the vertices' mean.
    """
    a = vertices
    b = np.roll(vertices, -1, axis=-2)
    p = points[..., None, :]
    # Angle subtended at p by each edge, measured in the tangent plane at p.
    pa = np.cross(p, a)
    pb = np.cross(p, b)
    sin = np.einsum("...i,...i->...", np.cross(pa, pb), np.broadcast_to(p, pa.shape))
    cos = np.einsum("...i,...i->...", pa, pb)
    winding = np.arctan2(sin, cos).sum(axis=-1)
    near_side = np.einsum("...i,...i->...", points, vertices.sum(axis=-2)) > 0
    inside: npt.NDArray[np.bool_] = (np.abs(winding) > math.pi) & near_side
    return inside


def footprint_box(vertices: Array, centres: Array) -> Array:
    """A 3-D box (n, 6) around each polygon and its centre point, safe for R*Tree searches.

    ``vertices`` is (n, k, 3), ``centres`` (n, 3). Great-circle edges bulge beyond their
    chords by at most ``1 - cos(L / 2)`` for an edge of length ``L``, so the vertex box is
    widened by that; where a polygon contains an axis direction (a pole of the box), the
    box reaches out to it.
    """
    pts = np.concatenate([vertices, centres[:, None, :]], axis=1)
    lo = pts.min(axis=1)
    hi = pts.max(axis=1)
    chord = np.linalg.norm(vertices - np.roll(vertices, -1, axis=1), axis=-1)
    half_angle = np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    bulge = (1.0 - np.cos(half_angle)).max(axis=1)[:, None]
    lo -= bulge
    hi += bulge
    for axis in range(3):
        for sign in (1.0, -1.0):
            direction = np.zeros((len(vertices), 3))
            direction[:, axis] = sign
            hit = polygon_contains(vertices, direction)
            if hit.any():
                if sign > 0:
                    hi[hit, axis] = 1.0
                else:
                    lo[hit, axis] = -1.0
    box = np.empty((len(vertices), 6))
    box[:, 0::2] = np.clip(lo, -1.0, 1.0)
    box[:, 1::2] = np.clip(hi, -1.0, 1.0)
    return box


BOUND_LIMIT = math.radians(89.9)
"""The largest bounding circle :func:`footprint_bounds` gives (pgSphere's circles end at 90
degrees); beyond it a polygon has no bound."""


def footprint_bounds(vertices: Array, centres: Array) -> tuple[Array, Array]:
    """Circles holding polygons: (n, 3) unit-vector centres and (n,) radii in radians.

    ``vertices`` is (n, k, 3) (unit vectors), ``centres`` (n, 3) the preferred centres
    (the rows' positions; NaN where a row has none). A circle around ``c`` reaching every
    vertex holds the whole polygon when that radius is under 90 degrees: along an edge
    (shorter than 180 degrees) between two points within 90 degrees of ``c``, the cosine
    of the distance to ``c`` is a concave arc of a sinusoid, smallest at an end. Where the
    preferred centre is missing or too far, the vertices' normalised mean is the centre;
    where that circle too would pass :data:`BOUND_LIMIT`, the radius is NaN (no bound).
    The radii are widened by a part in a million (and 1e-9 rad) against rounding.
    """

    def reach(polygons: Array, centre: Array) -> Array:
        chord = np.linalg.norm(polygons - centre[:, None, :], axis=-1).max(axis=-1)
        angle: Array = 2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
        return angle

    centre = np.array(centres, dtype=np.float64, copy=True)
    radius = reach(vertices, centre)
    redo = ~(radius < BOUND_LIMIT)  # also NaN: no preferred centre
    if redo.any():
        mean = vertices[redo].sum(axis=-2)
        with np.errstate(invalid="ignore", divide="ignore"):
            centre[redo] = mean / np.linalg.norm(mean, axis=-1, keepdims=True)
        radius[redo] = reach(vertices[redo], centre[redo])
    radius = radius * (1.0 + 1e-6) + 1e-9
    radius[~(radius < BOUND_LIMIT)] = np.nan
    return centre, radius
