"""SQL functions registered on every SQLite connection: ADQL's math and geometry.

SQLite has no geometry and, depending on how it was built, no math functions, so ADQL's
are implemented here in Python with exact spherical geometry. Geometry values travel
between functions as text: ``POINT ra dec``, ``CIRCLE ra dec radius`` and
``POLYGON ra dec ra dec ...`` (degrees; the ObsCore ``s_region`` strings are of the
same form).
"""

from __future__ import annotations

import functools
import math
import random
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

__all__ = ["box_corners", "last_function_error", "register_adql_functions"]

Vector = tuple[float, float, float]


class _FunctionRegistry(Protocol):
    def create_function(
        self, name: str, narg: int, func: Any, *, deterministic: bool = ...
    ) -> None: ...


def _null_safe(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        if None in args:
            return None
        try:
            return func(*args)
        except (ValueError, ZeroDivisionError, OverflowError):
            return None

    return wrapped


def _vec(ra: float, dec: float) -> Vector:
    a, d = math.radians(ra), math.radians(dec)
    return (math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d))


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vector) -> float:
    return math.sqrt(_dot(a, a))


def _angle(a: Vector, b: Vector) -> float:
    """Angle between unit vectors in degrees (atan2 form: accurate at all separations)."""
    return math.degrees(math.atan2(_norm(_cross(a, b)), _dot(a, b)))


# ---- shapes --------------------------------------------------------------------------

Shape = tuple[str, tuple[float, ...]]


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Shape:
    """The shape written in ``text`` (cached: a query compares every row with the same
    constant shapes)."""
    words = text.split()
    kind = words[0].upper()
    numbers = words[1:]
    if numbers and not _is_number(numbers[0]):
        numbers = numbers[1:]  # a frame such as ICRS
    values = tuple(float(w) for w in numbers)
    if kind not in ("POINT", "CIRCLE", "POLYGON"):
        raise ValueError(f"unsupported shape {kind}")
    return kind, values


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _vertices(values: tuple[float, ...]) -> list[Vector]:
    # Callers only read the list: it is shared between calls.
    return [_vec(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]


def _in_polygon(p: Vector, vertices: list[Vector]) -> bool:
    """By the winding number; also +-2 pi at the antipode of an inside point, hence the
    check that ``p`` lies in the hemisphere around the vertices' mean."""
    mean = (sum(v[0] for v in vertices), sum(v[1] for v in vertices), sum(v[2] for v in vertices))
    if _dot(p, mean) <= 0:
        return False
    winding = 0.0
    for i, a in enumerate(vertices):
        b = vertices[(i + 1) % len(vertices)]
        pa, pb = _cross(p, a), _cross(p, b)
        winding += math.atan2(_dot(_cross(pa, pb), p), _dot(pa, pb))
    return abs(winding) > math.pi


def _arc_distance(p: Vector, a: Vector, b: Vector) -> float:
    """Distance in degrees from p to the great-circle arc a-b."""
    n = _cross(a, b)
    length = _norm(n)
    if length > 0:
        n = (n[0] / length, n[1] / length, n[2] / length)
        # The foot of the perpendicular lies on the arc if it is between a and b.
        foot = _cross(n, _cross(p, n))
        if _dot(_cross(a, foot), n) >= 0 and _dot(_cross(foot, b), n) >= 0:
            return abs(90.0 - _angle(p, n))
    return min(_angle(p, a), _angle(p, b))


def _arcs_cross(a: Vector, b: Vector, c: Vector, d: Vector) -> bool:
    n1, n2 = _cross(a, b), _cross(c, d)
    line = _cross(n1, n2)
    if _norm(line) == 0:
        return False
    for x in (line, (-line[0], -line[1], -line[2])):
        on_first = _dot(_cross(a, x), n1) >= 0 and _dot(_cross(x, b), n1) >= 0
        on_second = _dot(_cross(c, x), n2) >= 0 and _dot(_cross(x, d), n2) >= 0
        if on_first and on_second:
            return True
    return False


class _Convex(NamedTuple):
    """A convex polygon smaller than a hemisphere, ready for quick tests: its vertices,
    its edges directed so that the inside is on their left, and their unit normals
    (``a x b``): the inside is where every normal's dot product is >= 0 (the polygon is
    the intersection of those hemispheres)."""

    vertices: list[Vector]
    edges: list[tuple[Vector, Vector]]
    normals: list[Vector]


_CONVEX_CHECK_LIMIT = 16
"""Polygons with more vertices take the general path (the convexity check is quadratic)."""


@functools.lru_cache(maxsize=4096)
def _convex(values: tuple[float, ...]) -> _Convex | None:
    """The polygon as a :class:`_Convex`, or None if it is not convex (or is degenerate,
    or too large to check). Cached: the same rows come back in the next query of the
    same field. Written out in scalars: it runs once per row of a region query."""
    vertices = _vertices(values)
    count = len(vertices)
    if not 3 <= count <= _CONVEX_CHECK_LIMIT:
        return None
    normals: list[Vector] = []
    sign = 0.0
    for i in range(count):
        ax, ay, az = vertices[i]
        bx, by, bz = vertices[(i + 1) % count]
        nx, ny, nz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
        length = math.sqrt(nx * nx + ny * ny + nz * nz)
        if length < 1e-15:
            return None
        nx, ny, nz = nx / length, ny / length, nz / length
        for j in range(i + 2, i + count):
            vx, vy, vz = vertices[j % count]
            side = nx * vx + ny * vy + nz * vz
            if abs(side) < 1e-15 or side * sign < 0:
                return None  # a vertex on an edge's great circle, or on both sides
            sign = side
        normals.append((nx, ny, nz))
    edges = _edges(vertices)
    if sign < 0:  # clockwise: walk the edges the other way
        edges = [(b, a) for a, b in edges]
        normals = [(-n[0], -n[1], -n[2]) for n in normals]
    return _Convex(vertices, edges, normals)


@functools.lru_cache(maxsize=4096)
def _cap(values: tuple[float, ...]) -> tuple[Vector, float] | None:
    """A circle (centre, radius in degrees) holding the polygon, or None if the polygon
    does not fit in one smaller than a hemisphere. Its edges and inside (the smaller side)
    lie within any such circle holding its vertices."""
    vertices = _vertices(values)
    x, y, z = (sum(v[i] for v in vertices) for i in range(3))
    length = math.sqrt(x * x + y * y + z * z)
    if length < 1e-12:
        return None
    centre = (x / length, y / length, z / length)
    radius = max(_angle(centre, v) for v in vertices)
    return (centre, radius) if radius < 89.0 else None


def _polygons_far_apart(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    """Whether two polygons are too far apart to meet: their circles do not (the cheap
    test that settles most rows of a table compared with one polygon)."""
    a, b = _cap(first), _cap(second)
    if a is None or b is None:
        return False
    return _angle(a[0], b[0]) > a[1] + b[1] + 1e-9


_ON_EDGE = 1e-12
"""A vertex this close to a great circle (its sine; 0.2 microarcseconds) is on it:
polygons sharing a point meet, whatever the rounding."""


def _convex_polygons_meet(first: _Convex, second: _Convex) -> bool:
    """Whether two convex polygons lying in one open hemisphere share a point: unless the
    great circle of an edge of one has every vertex of the other strictly outside it.

    This is the separating-axis test: seen in the gnomonic projection around that
    hemisphere's pole, great circles are lines and both polygons convex, and two disjoint
    convex polygons are parted by the line through an edge of one of them. At most
    ``n * m`` dot products, where the general path computes winding numbers and crossings.
    """
    pairs = ((first.normals, second.vertices), (second.normals, first.vertices))
    for normals, vertices in pairs:
        for nx, ny, nz in normals:
            if all(nx * x + ny * y + nz * z < -_ON_EDGE for x, y, z in vertices):
                return False
    return True


def _in_one_hemisphere(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    """Whether the circles holding the two polygons fit in one circle under 90 degrees
    (its radius is half the sum of theirs and of their centres' distance)."""
    a, b = _cap(first), _cap(second)
    return a is not None and b is not None and a[1] + b[1] + _angle(a[0], b[0]) < 179.0


def _circle_meets_polygon(centre: Vector, radius: float, values: tuple[float, ...]) -> bool:
    """Whether a circle and a polygon (its coordinates) share a point: the centre inside
    the polygon, or an edge within ``radius`` of it.

    For convex polygons (every ObsCore footprint) and radii under 90 degrees, cheap dot
    products decide it: a vertex inside the circle; the centre on the inner side of every
    edge; an edge's great circle within ``radius`` (``|p.n| <= sin r``) with the nearest
    point between the edge's ends. Others take the general path (winding number, then
    distances to arcs).
    """
    convex = _convex(values) if radius < 90 else None
    if convex is None:
        polygon = _vertices(values)
        return _in_polygon(centre, polygon) or any(
            _arc_distance(centre, a, b) <= radius for a, b in _edges(polygon)
        )
    r = math.radians(radius)
    cos_r, sin_r = math.cos(r), math.sin(r)
    vertices, edges, normals = convex
    if any(_dot(v, centre) >= cos_r for v in vertices):
        return True
    sides = [_dot(centre, n) for n in normals]
    if all(side >= 0 for side in sides):
        return True
    # No vertex is within the radius, so only an edge's inner point can be: its great
    # circle passes within the radius, and the point of it nearest the centre lies
    # between the edge's ends.
    for (a, b), n, side in zip(edges, normals, sides, strict=True):
        if abs(side) > sin_r:
            continue
        foot = (centre[0] - side * n[0], centre[1] - side * n[1], centre[2] - side * n[2])
        if _dot(_cross(a, foot), n) >= 0 and _dot(_cross(foot, b), n) >= 0:
            return True
    return False


def _edges(vertices: list[Vector]) -> list[tuple[Vector, Vector]]:
    return [(v, vertices[(i + 1) % len(vertices)]) for i, v in enumerate(vertices)]


def _contains(inner: Shape, outer: Shape) -> bool:
    """Whether ``outer`` contains ``inner`` (points on the boundary count as inside)."""
    ik, iv = inner
    ok, ov = outer
    if ok == "POINT":
        return ik == "POINT" and _angle(_vec(*iv[:2]), _vec(*ov[:2])) < 1e-9
    if ok == "CIRCLE":
        centre, radius = _vec(ov[0], ov[1]), ov[2]
        if ik == "POINT":
            return _angle(_vec(*iv[:2]), centre) <= radius
        if ik == "CIRCLE":
            return _angle(_vec(iv[0], iv[1]), centre) + iv[2] <= radius
        vertices = _vertices(iv)
        return all(_angle(v, centre) <= radius for v in vertices)
    polygon = _vertices(ov)
    if ik == "POINT":
        return _in_polygon(_vec(*iv[:2]), polygon)
    if ik == "CIRCLE":
        centre = _vec(iv[0], iv[1])
        return _in_polygon(centre, polygon) and all(
            _arc_distance(centre, a, b) >= iv[2] for a, b in _edges(polygon)
        )
    inner_vertices = _vertices(iv)
    return all(_in_polygon(v, polygon) for v in inner_vertices) and not any(
        _arcs_cross(a, b, c, d) for a, b in _edges(inner_vertices) for c, d in _edges(polygon)
    )


def _intersects(first: Shape, second: Shape) -> bool:
    fk, fv = first
    sk, sv = second
    if fk == "POINT":
        return _contains(first, second)
    if sk == "POINT":
        return _contains(second, first)
    if fk == "CIRCLE" and sk == "CIRCLE":
        return _angle(_vec(fv[0], fv[1]), _vec(sv[0], sv[1])) <= fv[2] + sv[2]
    if fk == "CIRCLE" or sk == "CIRCLE":
        (_, cv), (_, pv) = (first, second) if fk == "CIRCLE" else (second, first)
        return _circle_meets_polygon(_vec(cv[0], cv[1]), cv[2], pv)
    if _polygons_far_apart(fv, sv):
        return False
    if _in_one_hemisphere(fv, sv):
        first_convex, second_convex = _convex(fv), _convex(sv)
        if first_convex is not None and second_convex is not None:
            return _convex_polygons_meet(first_convex, second_convex)
    a_vertices, b_vertices = _vertices(fv), _vertices(sv)
    return (
        any(_in_polygon(v, b_vertices) for v in a_vertices)
        or any(_in_polygon(v, a_vertices) for v in b_vertices)
        or any(
            _arcs_cross(a, b, c, d) for a, b in _edges(a_vertices) for c, d in _edges(b_vertices)
        )
    )


def _area(text: str) -> float:
    kind, values = _parse(text)
    if kind == "POINT":
        return 0.0
    if kind == "CIRCLE":
        return 2 * math.pi * (1 - math.cos(math.radians(values[2]))) * (180 / math.pi) ** 2
    vertices = _vertices(values)
    # Sum of spherical triangle areas from the first vertex (Van Oosterom & Strackee).
    total = 0.0
    for i in range(1, len(vertices) - 1):
        a, b, c = vertices[0], vertices[i], vertices[i + 1]
        total += 2 * math.atan2(_dot(a, _cross(b, c)), 1 + _dot(a, b) + _dot(b, c) + _dot(c, a))
    return abs(total) * (180 / math.pi) ** 2


def _centroid(text: str) -> str:
    kind, values = _parse(text)
    if kind in ("POINT", "CIRCLE"):
        return f"POINT {values[0]!r} {values[1]!r}"
    vertices = _vertices(values)
    x, y, z = (sum(v[i] for v in vertices) for i in range(3))
    ra = math.degrees(math.atan2(y, x)) % 360.0
    dec = math.degrees(math.atan2(z, math.hypot(x, y)))
    return f"POINT {ra!r} {dec!r}"


def _point(ra: float, dec: float) -> str:
    return f"POINT {ra!r} {dec!r}"


def _circle(*args: Any) -> str:
    if len(args) == 2:  # (point, radius)
        _, values = _parse(args[0])
        return f"CIRCLE {values[0]!r} {values[1]!r} {float(args[1])!r}"
    return f"CIRCLE {float(args[0])!r} {float(args[1])!r} {float(args[2])!r}"


def _polygon(*args: Any) -> str:
    if isinstance(args[0], str):
        # Points are vertices; polygons bring all theirs (how polygons with more
        # vertices than a function takes arguments are built: from pieces).
        coords: list[float] = []
        for text in args:
            kind, values = _parse(text)
            coords += values if kind == "POLYGON" else values[:2]
    else:
        coords = [float(a) for a in args]
    return "POLYGON " + " ".join(repr(c) for c in coords)


def box_corners(ra: float, dec: float, width: float, height: float) -> list[tuple[float, float]]:
    """The corners of ADQL's BOX (degrees): at +-width/2, +-height/2 in the tangent plane
    at the centre (gnomonic), in order around it.

    Raises
    ------
    ValueError, OverflowError
        For values that are not finite.
    """
    a0, d0 = math.radians(ra), math.radians(dec)
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = math.radians(sx * width / 2), math.radians(sy * height / 2)
        denom = math.cos(d0) - y * math.sin(d0)
        corner_ra = math.degrees(a0 + math.atan2(x, denom)) % 360.0
        corner_dec = math.degrees(math.atan2(math.sin(d0) + y * math.cos(d0), math.hypot(x, denom)))
        corners.append((corner_ra, corner_dec))
    return corners


def _box(*args: Any) -> str:
    if len(args) == 3:
        _, values = _parse(args[0])
        ra, dec, width, height = values[0], values[1], float(args[1]), float(args[2])
    else:
        ra, dec, width, height = (float(a) for a in args)
    corners = box_corners(ra, dec, width, height)
    return "POLYGON " + " ".join(
        f"{corner_ra!r} {corner_dec!r}" for corner_ra, corner_dec in corners
    )


def _round(x: float, digits: int = 0) -> float:
    factor = 10.0 ** int(digits)
    return (
        math.floor(x * factor + 0.5) / factor if x >= 0 else -math.floor(-x * factor + 0.5) / factor
    )


def _truncate(x: float, digits: int = 0) -> float:
    factor = 10.0 ** int(digits)
    return math.trunc(x * factor) / factor


_MATH: dict[str, tuple[int, Callable[..., Any]]] = {
    "ceiling": (1, lambda x: float(math.ceil(x))),
    "degrees": (1, math.degrees),
    "exp": (1, math.exp),
    "floor": (1, lambda x: float(math.floor(x))),
    "log": (1, math.log),
    "log10": (1, math.log10),
    "mod": (
        2,
        lambda x, y: (
            math.fmod(x, y)
            if isinstance(x, float) or isinstance(y, float)
            else int(math.fmod(x, y))
        ),
    ),
    "power": (2, lambda x, y: float(x) ** y),
    "radians": (1, math.radians),
    "sqrt": (1, math.sqrt),
    "acos": (1, math.acos),
    "asin": (1, math.asin),
    "atan": (1, math.atan),
    "atan2": (2, math.atan2),
    "cos": (1, math.cos),
    "cot": (1, lambda x: 1 / math.tan(x)),
    "sin": (1, math.sin),
    "tan": (1, math.tan),
    "round": (-1, _round),
    "truncate": (-1, _truncate),
    "point": (2, _point),
    "circle": (-1, _circle),
    "polygon": (-1, _polygon),
    "box": (-1, _box),
    "contains": (2, lambda a, b: int(_contains(_parse(a), _parse(b)))),
    "intersects": (2, lambda a, b: int(_intersects(_parse(a), _parse(b)))),
    "distance": (2, lambda a, b: _angle(_vec(*_parse(a)[1][:2]), _vec(*_parse(b)[1][:2]))),
    "area": (1, _area),
    "centroid": (1, _centroid),
    "coord1": (1, lambda p: _parse(p)[1][0]),
    "coord2": (1, lambda p: _parse(p)[1][1]),
    "coordsys": (1, lambda _g: "ICRS"),
}


def cone_box(ra: float, dec: float, radius: float) -> tuple[float, ...]:
    """(xmin, xmax, ymin, ymax, zmin, zmax) of a cone on the unit sphere, all degrees: the
    box the R*Tree is searched with (one axis at a time: the angle to the axis, widened
    by the radius, bounds that coordinate)."""
    a, d = math.radians(ra), math.radians(dec)
    centre = (math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d))
    r = math.radians(radius)
    box: list[float] = []
    for c in centre:
        theta = math.acos(max(-1.0, min(1.0, c)))
        box += [math.cos(min(math.pi, theta + r)), math.cos(max(0.0, theta - r))]
    return tuple(box)


def _cone_box_bound(ra: float, dec: float, radius: float, which: int) -> float:
    return cone_box(ra, dec, radius)[which]


_errors = threading.local()


def last_function_error() -> str | None:
    """Why the last function that failed on this thread failed (and forget it): SQLite
    reports only "user-defined function raised exception"."""
    message: str | None = getattr(_errors, "message", None)
    _errors.message = None
    return message


def _integer_in_range(value: int, bits: int) -> int:
    """``value`` if a signed integer of ``bits`` holds it; else the query fails, as a CAST
    overflowing does in SQL (SQLite's own CAST never fails)."""
    limit = 1 << (bits - 1)
    if not -limit <= value < limit:
        _errors.message = f"{value} is out of range for a {bits}-bit integer"
        raise ValueError(_errors.message)  # (an OverflowError would read "string too big")
    return value


def ra_window(dec: float, radius: float) -> float:
    """Half the width in RA (degrees) of a cone of ``radius`` centred at ``dec``: every
    point of the cone is within it of the centre's RA (180 when the cone holds a pole)."""
    d, r = math.radians(dec), math.radians(radius)
    if math.cos(d) <= math.sin(r) or radius >= 90:
        return 180.0
    return math.degrees(math.asin(math.sin(r) / math.cos(d))) * (1 + 1e-9) + 1e-12


def _distance(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    return _angle(_vec(ra1, dec1), _vec(ra2, dec2))


def register_adql_functions(connection: _FunctionRegistry) -> None:
    """Register ``adql_<name>`` for every function ADQL needs beyond SQLite's own."""
    for name, (narg, func) in _MATH.items():
        connection.create_function(f"adql_{name}", narg, _null_safe(func), deterministic=True)
    connection.create_function("adql_pi", 0, lambda: math.pi, deterministic=True)
    # Crossmatches: one bound of a cone's R*Tree box, a cone's half width in RA, and the
    # distance between two positions without building POINT values.
    connection.create_function("adql_cone_box", 4, _null_safe(_cone_box_bound), deterministic=True)
    connection.create_function("adql_ra_window", 2, _null_safe(ra_window), deterministic=True)
    connection.create_function("adql_distance4", 4, _null_safe(_distance), deterministic=True)
    connection.create_function("adql_rand", -1, lambda *_seed: random.random())
    connection.create_function(
        "adql_integer_in_range",
        2,
        lambda value, bits: None if value is None else _integer_in_range(value, bits),
        deterministic=True,
    )
