"""Spherical helpers of obscore.sphere, checked against independent computations."""

from __future__ import annotations

import math

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord

from obscore.sphere import footprint_bounds, radec_to_xyz


def _edge_points(ra: np.ndarray, dec: np.ndarray, steps: int = 64) -> SkyCoord:
    """Points along every great-circle edge of (n, k) polygons: (n, k * steps) SkyCoords."""
    a = radec_to_xyz(ra, dec)
    b = np.roll(a, -1, axis=1)
    t = np.linspace(0.0, 1.0, steps)[None, None, :, None]
    points = a[:, :, None, :] * (1 - t) + b[:, :, None, :] * t  # chords, then onto the sphere
    points = points.reshape(len(ra), -1, 3)
    points /= np.linalg.norm(points, axis=-1, keepdims=True)
    return SkyCoord(
        x=points[..., 0], y=points[..., 1], z=points[..., 2], representation_type="cartesian"
    )


def test_bounds_hold_every_point_of_every_edge() -> None:
    rng = np.random.default_rng(7)
    n = 500
    ra0, dec0 = rng.uniform(0, 360, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    size = 10 ** rng.uniform(-3, 1.5, n)  # 0.001 to 30 degrees
    angles = np.sort(rng.uniform(0, 2 * np.pi, (n, 5)), axis=1)
    # Vertices around a point, some far off-centre: the position is not the middle.
    offset = rng.uniform(0, 0.8, (n, 1)) * size[:, None]
    dx = offset + size[:, None] * np.cos(angles)
    dy = size[:, None] * np.sin(angles)
    centre = SkyCoord(ra0, dec0, unit="deg")
    position_angle = np.degrees(np.arctan2(dx, dy))
    vertices = centre[:, None].directional_offset_by(
        position_angle * u.deg, np.hypot(dx, dy) * u.deg
    )
    ra, dec = vertices.ra.deg, vertices.dec.deg
    centres = radec_to_xyz(ra0, dec0)
    centres[::7] = np.nan  # rows without a position
    got_centre, radius = footprint_bounds(radec_to_xyz(ra, dec), centres)
    assert np.isfinite(radius).all()
    middle = SkyCoord(
        x=got_centre[:, 0], y=got_centre[:, 1], z=got_centre[:, 2], representation_type="cartesian"
    )
    reach = middle[:, None].separation(_edge_points(ra, dec)).rad.max(axis=1)
    assert (reach <= radius).all()
    # ... and no larger than needed: the farthest vertex, a part in a million beyond.
    farthest = middle[:, None].separation(vertices).rad.max(axis=1)
    assert np.allclose(radius, farthest * (1 + 1e-6) + 1e-9, rtol=1e-9, atol=1e-12)


def test_a_distant_position_gives_way_to_the_vertices_mean_and_a_hemisphere_to_none() -> None:
    square = np.array([[[10.0, -1.0], [12.0, -1.0], [12.0, 1.0], [10.0, 1.0]]])
    xyz = radec_to_xyz(square[..., 0], square[..., 1])
    far = radec_to_xyz(np.array([200.0]), np.array([0.0]))  # 170 degrees away
    centre, radius = footprint_bounds(xyz, far)
    ra = math.degrees(math.atan2(centre[0, 1], centre[0, 0]))
    assert abs(ra - 11.0) < 1e-9
    assert abs(centre[0, 2]) < 1e-12
    expected = SkyCoord(11.0, 0.0, unit="deg").separation(SkyCoord(10.0, 1.0, unit="deg")).rad
    assert math.isclose(radius[0], expected * (1 + 1e-6) + 1e-9, rel_tol=1e-12)
    # Vertices spread over a hemisphere: no circle under 89.9 degrees holds them.
    wide = np.array([[[0.0, 0.0], [120.0, 0.0], [240.0, 0.0], [60.0, -1.0]]])
    _, none = footprint_bounds(
        radec_to_xyz(wide[..., 0], wide[..., 1]), radec_to_xyz(np.array([0.0]), np.array([90.0]))
    )
    assert np.isnan(none[0])
