"""The SQLite geometry functions' fast path for a circle against a convex polygon gives
the answers of the general path (winding number, then distances to every edge), on
chosen cases whose answer is worked out by hand and on many random ones."""

from __future__ import annotations

import math
import random

import pytest

from adql.dialects import sqlite_functions as geometry

SQUARE = (-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5)  # counter-clockwise on the sky
CLOCKWISE = (-0.5, -0.5, -0.5, 0.5, 0.5, 0.5, 0.5, -0.5)


def _general(ra: float, dec: float, radius: float, values: tuple[float, ...]) -> bool:
    centre = geometry._vec(ra, dec)
    polygon = geometry._vertices(values)
    return geometry._in_polygon(centre, polygon) or any(
        geometry._arc_distance(centre, a, b) <= radius for a, b in geometry._edges(polygon)
    )


def _fast(ra: float, dec: float, radius: float, values: tuple[float, ...]) -> bool:
    return geometry._circle_meets_polygon(geometry._vec(ra, dec), radius, values)


@pytest.mark.parametrize("square", [SQUARE, CLOCKWISE], ids=["anticlockwise", "clockwise"])
@pytest.mark.parametrize(
    ("ra", "dec", "radius", "meets"),
    [
        (10.0, 0.0, 1.0, False),  # 9.5 degrees from the nearest edge
        (0.0, 0.0, 0.01, True),  # a small circle inside: only the centre test sees it
        (0.9, 0.9, 0.6, True),  # holds the corner (0.5, 0.5), 0.566 away
        # No corner within 0.75 (the nearest, 0.86 away) but the edge RA=0.5 is 0.7 away:
        (1.2, 0.0, 0.75, True),
        (1.2, 0.0, 0.65, False),
        (0.0, -1.3, 0.85, True),  # the same through the edge Dec=-0.5 (0.8 away)
        (0.0, -1.3, 0.75, False),
    ],
)
def test_circle_against_a_square(
    square: tuple[float, ...], ra: float, dec: float, radius: float, meets: bool
) -> None:
    assert _fast(ra, dec, radius, square) is meets
    assert _general(ra, dec, radius, square) is meets


def _random_polygon(rng: random.Random) -> tuple[float, ...]:
    """A polygon of 3 to 8 vertices around a random position, of either orientation,
    convex or not (vertices at random distances from the centre)."""
    ra, dec = rng.uniform(0, 360), rng.uniform(-85, 85)
    size = 10 ** rng.uniform(-2, 1.3)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(rng.randint(3, 8)))
    if rng.random() < 0.5:
        angles.reverse()
    values: list[float] = []
    for angle in angles:
        reach = size * rng.uniform(0.4, 1.0)
        values.append((ra + reach * math.cos(angle) / math.cos(math.radians(dec))) % 360)
        values.append(max(-90.0, min(90.0, dec + reach * math.sin(angle))))
    return tuple(values)


def test_fast_and_general_paths_agree_on_random_shapes() -> None:
    rng = random.Random(20261206)
    convex = 0
    for _ in range(20_000):
        values = _random_polygon(rng)
        convex += geometry._convex(values) is not None
        scale = abs(values[2] - values[0]) + abs(values[3] - values[1]) + 0.01
        ra = (values[0] + rng.gauss(0, 2 * scale)) % 360
        dec = max(-90.0, min(90.0, values[1] + rng.gauss(0, 2 * scale)))
        radius = 10 ** rng.uniform(-2.5, 1.7)
        assert _fast(ra, dec, radius, values) is _general(ra, dec, radius, values), (
            ra,
            dec,
            radius,
            values,
        )
    assert convex > 5_000  # the fast path was taken, not only the general one


def _general_polygons(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    a, b = geometry._vertices(first), geometry._vertices(second)
    return (
        any(geometry._in_polygon(v, b) for v in a)
        or any(geometry._in_polygon(v, a) for v in b)
        or any(
            geometry._arcs_cross(p, q, r, s)
            for p, q in geometry._edges(a)
            for r, s in geometry._edges(b)
        )
    )


def test_polygons_far_apart_are_told_cheaply_and_the_same() -> None:
    box = (94.5, -25.5, 95.5, -25.5, 95.5, -24.5, 94.5, -24.5)
    far = (53.0, -28.0, 53.2, -28.0, 53.2, -27.8)
    assert geometry._polygons_far_apart(box, far)
    assert not geometry._intersects(("POLYGON", box), ("POLYGON", far))
    near = (95.4, -24.6, 96.0, -24.6, 96.0, -24.0)  # overlaps the box's corner
    assert not geometry._polygons_far_apart(box, near)
    assert geometry._intersects(("POLYGON", box), ("POLYGON", near))
    rng = random.Random(7)
    far_apart = meeting = 0
    for _ in range(5_000):
        first, second = _random_polygon(rng), _random_polygon(rng)
        if rng.random() < 0.5:  # often near each other, so both answers occur
            ra_shift = second[0] - first[0] + rng.gauss(0, 1)
            dec_shift = second[1] - first[1] + rng.gauss(0, 1)
            second = tuple(
                (v - ra_shift) % 360 if i % 2 == 0 else max(-89.0, min(89.0, v - dec_shift))
                for i, v in enumerate(second)
            )
        far_apart += geometry._polygons_far_apart(first, second)
        fast = geometry._intersects(("POLYGON", first), ("POLYGON", second))
        assert fast is _general_polygons(first, second), (first, second)
        meeting += fast
    assert far_apart > 1_000
    assert meeting > 300


def _strip(ra: float, dec_low: float, dec_high: float, half: float = 1 / 3600) -> tuple[float, ...]:
    return (ra - half, dec_low, ra + half, dec_low, ra + half, dec_high, ra - half, dec_high)


@pytest.mark.parametrize("square", [SQUARE, CLOCKWISE], ids=["anticlockwise", "clockwise"])
@pytest.mark.parametrize(
    ("other", "meets"),
    [
        (_strip(0.5, -1.0, 1.0), True),  # along the edge RA=0.5, crossing both parallels
        (_strip(0.51, -1.0, 1.0), False),  # 0.01 degree east of it
        (_strip(0.0, -0.1, 0.1), True),  # wholly inside the square
        (_strip(0.49, 0.6, 1.0), False),  # beyond the corner (0.5, 0.5), to the north
        ((-2.0, -2.0, 2.0, -2.0, 2.0, 2.0, -2.0, 2.0), True),  # holds the square
        ((0.49, 0.49, 1.0, 0.5, 1.0, 1.0), True),  # over the corner (0.5, 0.5)
    ],
)
def test_convex_polygons_meet_by_separating_edges(
    square: tuple[float, ...], other: tuple[float, ...], meets: bool
) -> None:
    first, second = geometry._convex(square), geometry._convex(other)
    assert first is not None
    assert second is not None
    assert geometry._convex_polygons_meet(first, second) is meets
    assert geometry._convex_polygons_meet(second, first) is meets
    assert _general_polygons(square, other) is meets


def test_convex_polygons_sharing_a_corner_meet() -> None:
    # Boundaries count (ADQL's INTERSECTS); the general path leaves this tie to rounding.
    first, second = geometry._convex(SQUARE), geometry._convex((0.5, 0.5, 1.0, 0.5, 1.0, 1.0))
    assert first is not None
    assert second is not None
    assert geometry._convex_polygons_meet(first, second)


def test_convex_pairs_agree_with_the_general_path() -> None:
    rng = random.Random(20261207)
    convex_pairs = meeting = 0
    for _ in range(5_000):
        first, second = _random_polygon(rng), _random_polygon(rng)
        # Near each other: both answers occur.
        ra_shift = second[0] - first[0] + rng.gauss(0, 0.5)
        dec_shift = second[1] - first[1] + rng.gauss(0, 0.5)
        second = tuple(
            (v - ra_shift) % 360 if i % 2 == 0 else max(-89.0, min(89.0, v - dec_shift))
            for i, v in enumerate(second)
        )
        fast = geometry._intersects(("POLYGON", first), ("POLYGON", second))
        assert fast is _general_polygons(first, second), (first, second)
        convex_pairs += geometry._convex(first) is not None and geometry._convex(second) is not None
        meeting += fast
    assert convex_pairs > 500  # the separating-axis path was taken
    assert 500 < meeting < 4_500
